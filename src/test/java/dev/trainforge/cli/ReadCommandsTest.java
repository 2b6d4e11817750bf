package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * list, show, diff and export against two real published versions: v1 of 40 labels, and v2 of the
 * first 30 (a label window) with a split by a hash of the user.
 */
class ReadCommandsTest {
  private static SparkSession spark;
  private static Path dir;
  private static Path config;
  private static String catalog;
  private static String table;
  private static String v2Log;

  @BeforeAll
  static void publishTwoVersions() throws Exception {
    spark = SharedSpark.session();
    dir = SharedSpark.tempDir("trainforge-read");
    catalog = "read_" + Long.toHexString(System.nanoTime());
    table = catalog + ".datasets.gate";
    // 40 labels a minute apart over 4 users on 2026-01-02; one feature row per user on Jan 1.
    spark
        .sql(
            "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 12:00:00' + make_interval(0, 0,"
                + " 0, 0, 0, id) AS ts, id % 4 AS user, CAST(id % 2 AS INT) AS label FROM"
                + " range(40)")
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT id AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, CAST(id * 10 AS DOUBLE) AS v,"
                + " element_at(array('web', 'pos'), CAST(id % 2 + 1 AS INT)) AS channel FROM"
                + " range(4)")
        .write()
        .parquet(dir.resolve("features").toString());
    config = dir.resolve("gate.conf");
    Files.writeString(
        config,
        DatasetFiles.oneSource(
            catalog,
            dir,
            "gate",
            "1",
            dir.resolve("labels"),
            dir.resolve("features"),
            "[v, channel]"));
    Run v1 = run("generate", "--config", config.toString());
    assertThat(v1.exitCode()).as(v1.err()).isZero();
    // generate logs its progress to System.err; keep v2's log.
    java.io.PrintStream stderr = System.err;
    java.io.ByteArrayOutputStream log = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(log, true, java.nio.charset.StandardCharsets.UTF_8));
    Run v2;
    try {
      v2 =
          run(
              "generate",
              "--config",
              config.toString(),
              "--set",
              "dataset.version=2",
              "--set",
              "dataset.labels.window.end=2026-01-02T12:30:00Z",
              "--set",
              "dataset.split.by=hash",
              "--set",
              "dataset.split.group-key=user",
              "--set",
              "dataset.split.seed=11",
              "--set",
              "dataset.validation.checks.psi.fail=null",
              "--set",
              "dataset.validation.checks.category-psi.fail=null",
              "--run-id",
              "manual__42",
              "--note",
              "first 30 labels, split by user");
    } finally {
      System.setErr(stderr);
    }
    assertThat(v2.exitCode()).as(v2.err()).isZero();
    v2Log = log.toString(java.nio.charset.StandardCharsets.UTF_8);
  }

  private static Run run(String... args) {
    return Cli.run(args);
  }

  private static Run command(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", config.toString()));
    return run(all.toArray(String[]::new));
  }

  private static Table icebergTable() throws Exception {
    return Spark3Util.loadIcebergTable(spark, table);
  }

  private static Snapshot snapshot(String tag) throws Exception {
    return icebergTable().snapshot(tag);
  }

  private static String created(String tag) throws Exception {
    return Instant.ofEpochMilli(snapshot(tag).timestampMillis())
        .truncatedTo(ChronoUnit.SECONDS)
        .toString();
  }

  private static String hash16(String tag) throws Exception {
    return snapshot(tag).summary().get("trainforge.config-sha256").substring(0, 16);
  }

  private static ValidationReport report(String tag) throws Exception {
    return ValidationReport.fromJson(
        Files.readString(Path.of(snapshot(tag).summary().get("trainforge.report"))));
  }

  private static Dataset<Row> version(String tag) {
    return spark.read().option("versionAsOf", tag).table(table);
  }

  @Test
  void listShowsEveryVersionOldestFirstAndWhichIsMain() throws Exception {
    Run run = command("list");
    assertThat(run.exitCode()).as(run.err()).isZero();
    String v1 = String.format("%-10s", report("v1").verdict());
    String v2 = String.format("%-10s", report("v2").verdict());
    assertThat(run.out().lines())
        .containsExactly(
            "VERSION  CREATED               ROWS  CONFIG                   VALIDATION  MAIN",
            "v1       " + created("v1") + "  40    sha256:" + hash16("v1") + "  " + v1.strip(),
            "v2       " + created("v2") + "  30    sha256:" + hash16("v2") + "  " + v2 + "  main",
            "v2: note: first 30 labels, split by user");
  }

  @Test
  void listByTableNameGivesTheSameAsByConfig() {
    Run byTable =
        run(
            "list",
            "--table",
            table,
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--set",
            "trainforge.catalog.uri=\"jdbc:sqlite:" + dir.resolve("catalog.db") + "\"",
            "--set",
            "trainforge.catalog.warehouse=\"" + dir.resolve("warehouse") + "\"");
    assertThat(byTable.exitCode()).as(byTable.err()).isZero();
    assertThat(byTable.out()).isEqualTo(command("list").out());
  }

  @Test
  void listAsJsonCarriesTheSameFacts() throws Exception {
    Run run = command("list", "--json");
    assertThat(run.exitCode()).as(run.err()).isZero();
    JsonNode json = new ObjectMapper().readTree(run.out());
    assertThat(json.size()).isEqualTo(2);
    JsonNode v2 = json.get(1);
    assertThat(v2.get("tag").asText()).isEqualTo("v2");
    assertThat(v2.get("version").asText()).isEqualTo("2");
    assertThat(v2.get("snapshot-id").asLong()).isEqualTo(snapshot("v2").snapshotId());
    assertThat(v2.get("rows").asLong()).isEqualTo(30);
    assertThat(v2.get("main").asBoolean()).isTrue();
    assertThat(json.get(0).get("main").asBoolean()).isFalse();
    assertThat(v2.get("validation").asText()).isEqualTo(report("v2").verdict().name());
    assertThat(v2.get("config-sha256").asText())
        .isEqualTo(snapshot("v2").summary().get("trainforge.config-sha256"));
  }

  @Test
  void showPrintsTheWholeManifest() throws Exception {
    Run run = command("show", "2");
    assertThat(run.exitCode()).as(run.err()).isZero();
    Map<String, String> summary = snapshot("v2").summary();
    ValidationReport r = report("v2");
    List<String> lines = run.out().lines().toList();
    assertThat(lines.subList(0, 13))
        .containsExactly(
            "version    v2 (snapshot " + snapshot("v2").snapshotId() + "), main",
            "table      " + table,
            "created    " + created("v2"),
            "dataset    gate",
            "rows       30",
            "config     sha256:" + summary.get("trainforge.config-sha256"),
            "code       " + summary.get("trainforge.code-version"),
            "run id     manual__42",
            "window     [-inf, 2026-01-02T12:30:00Z)",
            String.format(
                "validation %s: %d failed, %d warned, %d passed, %d skipped",
                r.verdict(),
                r.count(dev.trainforge.report.CheckResult.Outcome.FAIL),
                r.count(dev.trainforge.report.CheckResult.Outcome.WARN),
                r.count(dev.trainforge.report.CheckResult.Outcome.PASS),
                r.count(dev.trainforge.report.CheckResult.Outcome.SKIPPED)),
            "report     " + summary.get("trainforge.report"),
            "note       first 30 labels, split by user",
            "properties (every trainforge.* key of the snapshot summary):");
    // Every trainforge.* key, whatever it is; JSON values (the config, the input pins) indented
    // on the lines below their key.
    for (String key : summary.keySet()) {
      if (key.startsWith("trainforge.")) {
        String value = summary.get(key);
        boolean json = value.startsWith("{") || value.startsWith("[");
        assertThat(lines).contains("  " + key + (value.isEmpty() || json ? " =" : " = " + value));
      }
    }
    // Each pin with its absolute location (uri), after its role.
    assertThat(lines)
        .contains(
            "  trainforge.inputs =",
            "      \"role\" : \"labels\",",
            "      \"uri\" : \"file:" + dir.resolve("labels").toAbsolutePath().normalize() + "\"");
    assertThat(lines).contains("  trainforge.config =", "      \"name\" : \"gate\",");
    assertThat(run.out()).contains("\"group-key\" : \"user\"").contains("\"seed\" : 11");
    // Last: a line of Python that reads this version (clients/python), with this catalog.
    assertThat(lines.subList(lines.size() - 2, lines.size()))
        .containsExactly(
            "read it in Python (pip install clients/python; README, \"Read a version in"
                + " Python\"):",
            "  from trainforge_client import load; df = load(\"v2\", table=\""
                + table
                + "\", catalog_uri=\"jdbc:sqlite:"
                + dir.resolve("catalog.db").toAbsolutePath().normalize()
                + "\").to_pandas()");
  }

  @Test
  void diffComparesSchemaRowsAndStoredStatistics() throws Exception {
    Run run = command("diff", "v1", "v2");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> lines = run.out().lines().toList();
    assertThat(lines.subList(0, 5))
        .containsExactly(
            "Diff of " + table + ": v1 -> v2",
            "  rows     40 -> 30 (-10)",
            "  config   sha256:" + hash16("v1") + " -> sha256:" + hash16("v2"),
            "           + labels.window-end 2026-01-02T12:30:00Z",
            "           + split.by hash");
    assertThat(lines)
        .contains(
            "           + split.group-key user",
            "           + split.seed 11",
            "  schema   + split string",
            "  statistics from the profiles stored in each version's report.json (no rows read);"
                + " psi and ks of v2 against v1");
    // Side by side, as the profiles measured them: check against the rows themselves.
    double mean1 =
        version("v1").agg(org.apache.spark.sql.functions.avg("f__v")).first().getDouble(0);
    double mean2 =
        version("v2").agg(org.apache.spark.sql.functions.avg("f__v")).first().getDouble(0);
    assertThat(mean1).isEqualTo(15.0);
    assertThat(mean2).isEqualTo(430.0 / 30);
    assertThat(lines)
        .contains(
            "    column      statistic   v1        v2",
            "    f           match-rate  1         1",
            "    f__v        mean        15        14.33",
            "    f__v        nulls       0         0",
            "    f__channel  top         pos (20)  pos (15)",
            "    label       mean        0.5000    0.5000",
            // v1 has 10 of each value 0, 10, 20, 30 (its deciles are the bins); v2 has 8, 8, 7, 7
            // of 30: PSI = 2 * (1/60) * ln(16/15) + 2 * (1/60) * ln(15/14) = 0.004451, and KS is
            // the largest CDF gap, at 10: 16/30 - 1/2 = 0.03333.
            "    f__v        psi                   0.004451",
            "    f__v        ks                    0.03333",
            "    f__channel  psi                   0");
  }

  @Test
  void exportWritesParquetWithTheVersionsContent() throws Exception {
    Path to = dir.resolve("export-parquet");
    Run run = command("export", "v1", "--format", "parquet", "--to", to.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out().trim())
        .isEqualTo("Exported '" + table + "' v1: 40 rows as parquet to file:" + to);
    assertThat(ContentChecksum.of(spark.read().parquet(to.toString())))
        .isEqualTo(ContentChecksum.of(version("v1")));
  }

  @Test
  void aSingleFileExportHasUtcTimesAManifestAndNoHadoopDebris() throws Exception {
    Path to = dir.resolve("export-single");
    Run run =
        command("export", "v1", "--format", "parquet", "--to", to.toString(), "--single-file");
    assertThat(run.exitCode()).as(run.err()).isZero();
    List<String> names;
    try (var files = Files.list(to)) {
      names = files.map(f -> f.getFileName().toString()).sorted().toList();
    }
    assertThat(names).hasSize(2).contains("_trainforge_manifest.json");
    String data = names.stream().filter(n -> n.endsWith(".parquet")).findFirst().orElseThrow();
    JsonNode manifest =
        new ObjectMapper().readTree(to.resolve("_trainforge_manifest.json").toFile());
    assertThat(manifest.get("tag").asText()).isEqualTo("v1");
    assertThat(manifest.get("snapshot-id").asLong()).isEqualTo(snapshot("v1").snapshotId());
    assertThat(manifest.get("content-checksum").asText())
        .isEqualTo(ContentChecksum.of(version("v1")));
    assertThat(manifest.get("rows").asLong()).isEqualTo(40);
    assertThat(manifest.get("files").get(0).asText()).isEqualTo(data);
    // DuckDB reads the times as instants (TIMESTAMP WITH TIME ZONE), equal to the version's.
    try (var duck = java.sql.DriverManager.getConnection("jdbc:duckdb:");
        var st = duck.createStatement()) {
      st.execute("SET TimeZone = 'UTC'");
      var rs =
          st.executeQuery(
              "SELECT typeof(ts), CAST(min(ts) AS VARCHAR) FROM read_parquet('"
                  + to.resolve(data)
                  + "') GROUP BY 1");
      assertThat(rs.next()).isTrue();
      assertThat(rs.getString(1)).isEqualTo("TIMESTAMP WITH TIME ZONE");
      assertThat(rs.getString(2)).isEqualTo("2026-01-02 12:00:00+00");
    }
  }

  @Test
  void exportWritesCsvWithAHeader() throws Exception {
    Path to = dir.resolve("export-csv");
    Run run = command("export", "2", "--format", "csv", "--to", to.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    Dataset<Row> back = spark.read().option("header", "true").csv(to.toString());
    assertThat(back.columns()).containsExactly(version("v2").columns());
    assertThat(back.count()).isEqualTo(30);
    assertThat(back.select("id", "split").distinct().count()).isEqualTo(30);
  }

  @Test
  void exportRefusesToOverwriteUnlessAsked() throws Exception {
    Path to = dir.resolve("export-twice");
    assertThat(command("export", "v1", "--format", "parquet", "--to", to.toString()).exitCode())
        .isZero();
    Run again = command("export", "v2", "--format", "parquet", "--to", to.toString());
    assertThat(again.exitCode()).isEqualTo(2);
    assertThat(again.err().trim())
        .isEqualTo(
            "Cannot export '"
                + table
                + "' v2: file:"
                + to
                + " exists and is not empty (choose another --to, or pass --overwrite to replace"
                + " it)");
    assertThat(spark.read().parquet(to.toString()).count()).isEqualTo(40);
    Run forced =
        command("export", "v2", "--format", "parquet", "--to", to.toString(), "--overwrite");
    assertThat(forced.exitCode()).as(forced.err()).isZero();
    assertThat(ContentChecksum.of(spark.read().parquet(to.toString())))
        .isEqualTo(ContentChecksum.of(version("v2")));
  }

  @Test
  void anUnknownVersionExitsWithFourAndListsTheVersions() {
    for (String[] args :
        List.of(
            new String[] {"show", "v9"},
            new String[] {"diff", "v1", "9"},
            new String[] {
              "export", "v9", "--format", "csv", "--to", dir.resolve("x").toString()
            })) {
      Run run = command(args);
      assertThat(run.exitCode()).isEqualTo(4);
      String asked = args[0].equals("diff") ? "9" : "v9";
      assertThat(run.err().trim())
          .isEqualTo(
              "Cannot "
                  + args[0]
                  + " '"
                  + table
                  + "' version '"
                  + asked
                  + "': no such version (existing: v1, v2)");
    }
    assertThat(dir.resolve("x")).doesNotExist();
  }

  @Test
  void aMissingTableExitsWithFour() {
    Run run = command("list", "--set", "dataset.output.table=nope");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err().trim())
        .isEqualTo(
            "Cannot read versions of '"
                + catalog
                + ".datasets.nope': the table does not exist (publish a version first with"
                + " generate, or check --table and the catalog settings)");
  }

  @Test
  void theSplitColumnIsThePublishedAssignment() {
    Dataset<Row> v2 = version("v2");
    // One split per user (the group key), and only the three names.
    assertThat(
            v2.groupBy("user")
                .agg(org.apache.spark.sql.functions.countDistinct("split").as("n"))
                .where("n <> 1")
                .count())
        .isZero();
    assertThat(
            v2.select("split")
                .distinct()
                .as(org.apache.spark.sql.Encoders.STRING())
                .collectAsList())
        .isSubsetOf("train", "validation", "test");
  }

  @Test
  void theBuildLogsTheRowsPerSplit() {
    Map<String, Long> counts = new java.util.HashMap<>();
    for (Row r : version("v2").groupBy("split").count().collectAsList()) {
      counts.put(r.getString(0), r.getLong(1));
    }
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(30);
    assertThat(v2Log.lines())
        .contains(
            String.format(
                "Split 'split' (by hash): train %d, validation %d, test %d, none 0",
                counts.getOrDefault("train", 0L),
                counts.getOrDefault("validation", 0L),
                counts.getOrDefault("test", 0L)));
  }

  @Test
  void noTableGivenIsAUsageError() {
    Run run = run("list");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err().trim())
        .isEqualTo(
            "Invalid configuration: no table given (pass --config FILE with the dataset's config,"
                + " or --table catalog.namespace.table)");
  }
}
