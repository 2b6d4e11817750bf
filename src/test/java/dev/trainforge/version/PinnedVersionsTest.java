package dev.trainforge.version;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.source.InputPin;
import dev.trainforge.source.InputPins;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * Versions pinned to their inputs: Parquet labels, a Parquet, a Delta and an Iceberg feature
 * source; idempotent generate, refusals that name what differs, verify and rebuild.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PinnedVersionsTest {
  private static Path dir;
  private static Path conf;
  private static String catalog;
  private static String table;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() throws IOException {
    spark = SharedSpark.session();
    dir = SharedSpark.tempDir("trainforge-pins");
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    table = catalog + ".datasets.pins";
    spark
        .sql(
            "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-02 10:00:00', 1L, 0),"
                + " ('b', TIMESTAMP'2026-01-03 10:00:00', 2L, 1),"
                + " ('c', TIMESTAMP'2026-01-04 10:00:00', 1L, 0) AS t(id, ts, user, y)")
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT * FROM VALUES (1L, TIMESTAMP'2026-01-01 00:00:00', 5),"
                + " (2L, TIMESTAMP'2026-01-01 00:00:00', 7) AS t(user, e, v)")
        .write()
        .parquet(dir.resolve("fp").toString());
    spark
        .sql(
            "SELECT * FROM VALUES (1L, TIMESTAMP'2026-01-01 00:00:00', 50),"
                + " (2L, TIMESTAMP'2026-01-01 00:00:00', 70) AS t(user, e, w)")
        .write()
        .format("delta")
        .save(dir.resolve("fd").toString());
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + catalog + ".src");
    spark
        .sql(
            "SELECT * FROM VALUES (1L, TIMESTAMP'2026-01-01 00:00:00', 500),"
                + " (2L, TIMESTAMP'2026-01-01 00:00:00', 700) AS t(user, e, z)")
        .writeTo(catalog + ".src.fi")
        .createOrReplace();
    conf = dir.resolve("pins.conf");
    Files.writeString(
        conf,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "trainforge.spark.shuffle-partitions = 4",
            "dataset {",
            "  name = pins",
            "  version = \"1\"",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            "    label-columns = [y]",
            "  }",
            "  features.p { path = \""
                + dir.resolve("fp")
                + "\", keys { user = user },"
                + " event-time-column = e, columns = [v] }",
            "  features.d { format = delta, path = \""
                + dir.resolve("fd")
                + "\","
                + " keys { user = user }, event-time-column = e, columns = [w] }",
            "  features.i { format = iceberg, table = \""
                + catalog
                + ".src.fi\","
                + " keys { user = user }, event-time-column = e, columns = [z] }",
            "  validation.baseline = none",
            "}"));
  }

  static Run cli(String command, String... extra) {
    List<String> args = new ArrayList<>(List.of(command));
    args.addAll(List.of(extra));
    args.addAll(List.of("--config", conf.toString()));
    return Cli.run(args);
  }

  static Table table() {
    try {
      return Spark3Util.loadIcebergTable(spark, table);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  /** The Parquet data files directly under an input's directory (a Delta table's too). */
  static List<Path> dataFiles(String input) throws IOException {
    try (var files = Files.list(dir.resolve(input))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
    }
  }

  static long bytes(List<Path> files) throws IOException {
    long sum = 0;
    for (Path f : files) {
      sum += Files.size(f);
    }
    return sum;
  }

  static Map<String, InputPin> pins(String tag) {
    return InputPins.fromJson(table().snapshot(tag).summary().get("trainforge.inputs"));
  }

  @Test
  @Order(1)
  void recordsPinsForParquetDeltaAndIcebergInputs() throws Exception {
    Run run = cli("generate");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Snapshot v1 = table().snapshot("v1");
    Map<String, InputPin> pins = pins("v1");
    assertThat(pins.keySet())
        .containsExactly("feature:d", "feature:i", "feature:p", InputPin.LABELS);

    InputPin labels = pins.get(InputPin.LABELS);
    assertThat(labels.pin()).startsWith("sha256:").hasSize("sha256:".length() + 64);
    assertThat(labels.rebuildableUntil()).isEmpty();
    assertThat(labels.retention())
        .isEqualTo("none: rebuildable while the listed files are unchanged");
    assertThat(v1.summary().get("trainforge.inputs"))
        .contains(
            "\"files\":"
                + parquetFiles("labels")
                + ",\"format\":\"parquet\",\"location\":\""
                + dir.resolve("labels"));

    // What the join read of each input, from Spark's metrics: what is on disk, every row.
    String cost = table().properties().get("trainforge.cost.v1");
    Snapshot fi = Spark3Util.loadIcebergTable(spark, catalog + ".src.fi").currentSnapshot();
    assertThat(cost)
        .contains(
            "feature:d=" + dataFiles("fd").size() + "f/" + bytes(dataFiles("fd")) + "B/2r/",
            "feature:i="
                + fi.summary().get("total-data-files")
                + "f/"
                + fi.summary().get("total-files-size")
                + "B/2r/",
            "feature:p=" + dataFiles("fp").size() + "f/" + bytes(dataFiles("fp")) + "B/2r/",
            "labels=" + dataFiles("labels").size() + "f/" + bytes(dataFiles("labels")) + "B/3r/");

    InputPin delta = pins.get("feature:d");
    assertThat(delta.pin()).isEqualTo("0");
    assertThat(delta.rebuildableUntil().get())
        .isEqualTo(delta.committedAt().get().plus(Duration.ofDays(7)));
    assertThat(delta.retention())
        .isEqualTo(
            "Delta VACUUM and log cleanup: delta.deletedFileRetentionDuration=interval 1 week,"
                + " delta.logRetentionDuration=interval 30 days");

    InputPin iceberg = pins.get("feature:i");
    Snapshot source = source().currentSnapshot();
    assertThat(iceberg.pin()).isEqualTo(String.valueOf(source.snapshotId()));
    assertThat(iceberg.committedAt()).contains(Instant.ofEpochMilli(source.timestampMillis()));
    assertThat(iceberg.rebuildableUntil())
        .contains(Instant.ofEpochMilli(source.timestampMillis()).plus(Duration.ofDays(5)));

    String checksum = ContentChecksum.of(spark.read().option("versionAsOf", "v1").table(table));
    assertThat(checksum).startsWith("3:");
    assertThat(table().properties()).containsEntry("trainforge.content-checksum.v1", checksum);
    assertThat(run.out()).contains("  checksum   " + checksum);
  }

  private static Table source() {
    try {
      return Spark3Util.loadIcebergTable(spark, catalog + ".src.fi");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Order(2)
  void sameConfigAndInputsPrintTheExistingVersionAndWriteNoSnapshot() throws IOException {
    int snapshots = sizeOf(table().snapshots());
    long v1 = table().snapshot("v1").snapshotId();
    Path result = dir.resolve("again.json");
    Run run = cli("generate", "--result-file", result.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "Version 1 of 'pins' already existed with the same config and input pins; nothing was"
                + " recomputed")
        .contains("tag        v1 (snapshot " + v1 + ")")
        .contains("rows       3 out = 3 label rows in");
    assertThat(sizeOf(table().snapshots())).isEqualTo(snapshots);
    assertThat(table().refs()).containsOnlyKeys("main", "v1");
    JsonNode json = new ObjectMapper().readTree(result.toFile());
    assertThat(json.get("existed").asBoolean()).isTrue();
    assertThat(json.get("snapshot-id").asLong()).isEqualTo(v1);
    assertThat(json.at("/sources/p/MATCHED").asLong()).isEqualTo(3);
  }

  private static long parquetFiles(String sub) throws IOException {
    try (var files = Files.walk(dir.resolve(sub))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).count();
    }
  }

  private static int sizeOf(Iterable<?> items) {
    int n = 0;
    for (Object ignored : items) {
      n++;
    }
    return n;
  }

  @Test
  @Order(3)
  void aChangedConfigUnderAnExistingVersionIsRefusedNamingTheChangedKeys() {
    String before = table().snapshot("v1").summary().get("trainforge.config-sha256");
    Run run = cli("generate", "--set", "dataset.features.p.max-age=1d");
    assertThat(run.exitCode()).isEqualTo(2);
    String now =
        dev.trainforge.config.ConfigLoader.load(conf, List.of("dataset.features.p.max-age=1d"))
            .configHash();
    assertThat(run.err().trim())
        .isEqualTo(
            "Cannot build 'pins': version tag 'v1' already exists in "
                + table
                + " (snapshot "
                + table().snapshot("v1").snapshotId()
                + ") and this build differs: config + features.p.max-age 1d (config-sha256 "
                + before
                + " -> "
                + now
                + ") (versions are immutable: set dataset.version to a new version)");
  }

  @Test
  @Order(4)
  void verifyMatchesAPublishedVersion() {
    Run run = cli("verify", "1");
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().trim())
        .isEqualTo(
            "Verified "
                + table
                + " v1 (snapshot "
                + table().snapshot("v1").snapshotId()
                + "): content matches the recorded checksum "
                + table().properties().get("trainforge.content-checksum.v1"));
  }

  @Test
  @Order(4)
  void verifyFindsTheTableByName() {
    Run run = cli("verify", "1", "--table", table);
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).startsWith("Verified " + table + " v1 (snapshot ");
    Run bad = cli("verify", "1", "--table", "datasets.pins");
    assertThat(bad.exitCode()).isEqualTo(2);
    assertThat(bad.err().trim())
        .isEqualTo(
            "Invalid configuration: --table datasets.pins: name the table as"
                + " catalog.namespace.table");
  }

  @Test
  @Order(5)
  void appendedRowsUnderAnExistingVersionAreRefusedNamingTheInput() throws IOException {
    String oldPin = pins("v1").get("feature:p").pin();
    spark
        .sql("SELECT 1L AS user, TIMESTAMP'2026-01-03 00:00:00' AS e, 9 AS v")
        .write()
        .mode("append")
        .parquet(dir.resolve("fp").toString());
    Run run = cli("generate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().trim())
        .startsWith(
            "Cannot build 'pins': version tag 'v1' already exists in "
                + table
                + " (snapshot "
                + table().snapshot("v1").snapshotId()
                + ") and this build differs: input 'feature:p' (parquet '"
                + dir.resolve("fp")
                + "') pin "
                + oldPin
                + " -> sha256:")
        .endsWith(
            " ("
                + parquetFiles("fp")
                + " files) (versions are immutable: set dataset.version to a new version)");
  }

  @Test
  @Order(6)
  void aRebuildAfterRowsWereAppendedToEveryInputGivesTheSameChecksum() {
    spark
        .sql("SELECT 'd' AS id, TIMESTAMP'2026-01-05 10:00:00' AS ts, 2L AS user, 1 AS y")
        .write()
        .mode("append")
        .parquet(dir.resolve("labels").toString());
    spark
        .sql("SELECT 1L AS user, TIMESTAMP'2026-01-03 00:00:00' AS e, 90 AS w")
        .write()
        .format("delta")
        .mode("append")
        .save(dir.resolve("fd").toString());
    spark.sql(
        "INSERT INTO " + catalog + ".src.fi VALUES (1L, TIMESTAMP'2026-01-03 00:00:00', 900)");
    long main = table().currentSnapshot().snapshotId();
    String recorded = table().properties().get("trainforge.content-checksum.v1");

    Run run = cli("rebuild", "1");
    assertThat(run.exitCode()).as(run.err() + run.out()).isZero();
    assertThat(run.out())
        .contains("Rebuilt 'pins' v1 from its pinned inputs in ")
        .contains(": identical")
        .contains("  recorded   " + recorded)
        .contains("  rebuilt    " + recorded);
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(main);
    assertThat(table().refs()).containsOnlyKeys("main", "v1");

    // From the config the version recorded alone: no dataset file, only where the catalog is.
    Run fromRecord =
        Cli.run(
            "rebuild",
            "1",
            "--table",
            table,
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--set",
            "trainforge.catalog.uri=\"jdbc:sqlite:" + dir.resolve("catalog/catalog.db") + "\"",
            "--set",
            "trainforge.catalog.warehouse=\"" + dir.resolve("catalog/warehouse") + "\"");
    assertThat(fromRecord.exitCode()).as(fromRecord.err() + fromRecord.out()).isZero();
    assertThat(fromRecord.out()).contains(": identical").contains("  rebuilt    " + recorded);

    // The same config over the current inputs makes other rows: the pins did the work.
    Run v2 = cli("generate", "--set", "dataset.version=2");
    assertThat(v2.exitCode()).as(v2.err()).isZero();
    String v2Checksum = table().properties().get("trainforge.content-checksum.v2");
    assertThat(v2Checksum).startsWith("4:").isNotEqualTo(recorded);
  }

  @Test
  @Order(7)
  void verifyDetectsATagMovedToOtherRows() {
    long v2 = table().snapshot("v2").snapshotId();
    table().manageSnapshots().replaceTag("v1", v2).commit();
    Run run = cli("verify", "1");
    assertThat(run.exitCode()).isEqualTo(3);
    assertThat(run.out().trim())
        .isEqualTo(
            "MISMATCH "
                + table
                + " v1 (snapshot "
                + v2
                + "): content checksum "
                + table().properties().get("trainforge.content-checksum.v2")
                + ", recorded "
                + table().properties().get("trainforge.content-checksum.v1")
                + " (the tag's rows are not the rows published as v1)");
  }

  @Test
  @Order(8)
  void aRebuildWhosePinnedFilesAreGoneExitsWithFour() throws IOException {
    Path file;
    try (var files = Files.walk(dir.resolve("fp"))) {
      file =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .sorted()
              .findFirst()
              .get();
    }
    Files.delete(file);
    Run run = cli("rebuild", "2");
    assertThat(run.exitCode()).as(run.out()).isEqualTo(4);
    assertThat(run.err().trim())
        .isEqualTo(
            "Cannot rebuild 'pins': feature source 'p' file '"
                + dir.resolve("fp").relativize(file)
                + "' of the pinned listing "
                + pins("v2").get("feature:p").pin()
                + " is gone (the pinned data no longer exists; build a new version instead)");
    assertThat(table().refs()).containsOnlyKeys("main", "v1", "v2");
  }
}
