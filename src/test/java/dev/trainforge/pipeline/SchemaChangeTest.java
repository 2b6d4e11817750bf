package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The label columns may change between versions: each build publishes (the schema-change check
 * warns), and every older tag still reads with the columns it was written with.
 */
class SchemaChangeTest {
  @TempDir Path dir;

  @Test
  void labelColumnsAddedReorderedAndRemovedBetweenVersionsPublishAndOldTagsReadAsWritten()
      throws IOException {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    spark
        .sql(
            "SELECT CAST(id AS STRING) AS id, TIMESTAMP'2026-01-02 00:00:00' + make_interval(0, 0, 0,"
                + " 0, 0, id) AS ts, id % 3 AS user,"
                + " CAST(id % 2 AS INT) AS a, CAST(id AS DOUBLE) AS b FROM range(30)")
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql("SELECT id AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, id * 10 AS v FROM range(3)")
        .write()
        .parquet(dir.resolve("features").toString());

    assertThat(build(spark, catalog, "1", "[a]").verdict()).isEqualTo("PASS");
    assertThat(log.toString()).doesNotContain(READ_FOR_PROFILE);
    BuildResult v2 = build(spark, catalog, "2", "[b, a]");
    assertThat(v2.verdict()).isEqualTo("WARN");
    // The version's columns are the ones written, reordered: the write folded the profile.
    assertThat(log.toString()).doesNotContain(READ_FOR_PROFILE);
    // Published (a failed gate would throw); the removed column is kept as null, see below.
    build(spark, catalog, "3", "[b]");
    // v3 reads a column it did not write (as null): the profile is a scan of what it reads.
    assertThat(log.toString()).contains(READ_FOR_PROFILE);

    String table = catalog + ".datasets.schemas";
    assertThat(columns(spark, table, "v1"))
        .containsExactly(
            "id", "ts", "user", "a", "f__v", "f__event_time", "f__status", "f__hash_tie");
    assertThat(columns(spark, table, "v2"))
        .containsExactly(
            "id", "ts", "user", "b", "a", "f__v", "f__event_time", "f__status", "f__hash_tie");
    // A removed column is not dropped from the table (main read it until v3 published): v3 reads
    // it as null, after its own columns.
    assertThat(columns(spark, table, "v3"))
        .containsExactly(
            "id", "ts", "user", "b", "f__v", "f__event_time", "f__status", "f__hash_tie", "a");
    assertThat(spark.read().option("versionAsOf", "v3").table(table).where("a IS NULL").count())
        .isEqualTo(30);
    assertThat(spark.read().option("versionAsOf", "v1").table(table).where("a = 1").count())
        .isEqualTo(15);
    assertThat(spark.read().option("versionAsOf", "v3").table(table).where("b >= 10").count())
        .isEqualTo(20);
  }

  private static final String READ_FOR_PROFILE =
      "Validation: read the audit snapshot for the profile, as its columns are not the ones"
          + " written (older columns kept, or types the table widened)";

  /** The log of the last build. */
  private ByteArrayOutputStream log;

  private static List<String> columns(SparkSession spark, String table, String tag) {
    return Arrays.asList(spark.read().option("versionAsOf", tag).table(table).columns());
  }

  private BuildResult build(SparkSession spark, String catalog, String version, String labels)
      throws IOException {
    Path file = dir.resolve("v" + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = schemas",
            "  version = \"" + version + "\"",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            "    label-columns = " + labels,
            "  }",
            "  features.f {",
            "    path = \"" + dir.resolve("features") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    columns = [v]",
            "  }",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    log = new ByteArrayOutputStream();
    return new DatasetBuild(spark, new PrintStream(log, true)).run(config);
  }
}
