package dev.trainforge.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.InputMissingException;
import dev.trainforge.config.SourceFormat;
import dev.trainforge.config.SourceLocation;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.testing.SparkJobs;
import io.delta.tables.DeltaTable;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Opening a source runs no Spark job: a Delta table is pinned from one snapshot of its log, with
 * what {@code DESCRIBE HISTORY} and {@code DESCRIBE DETAIL} said; a Parquet source is read with the
 * schema Spark would infer, from the footer Spark would read.
 */
class OpenWithoutJobsTest {
  private static SparkSession spark;
  private static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
    dir = SharedSpark.tempDir("trainforge-open");
  }

  @Test
  void aDeltaPinIsWhatHistoryAndDetailSaidAndRunsNoJob() throws Exception {
    String path = dir.resolve("delta-retained").toString();
    spark.sql(
        "CREATE TABLE delta.`"
            + path
            + "` (k BIGINT, e TIMESTAMP, v INT) USING delta"
            + " TBLPROPERTIES ('delta.deletedFileRetentionDuration' = 'interval 2 days')");
    spark.sql("INSERT INTO delta.`" + path + "` VALUES (1, TIMESTAMP'2026-01-01 00:00:00', 5)");

    InputPin pin =
        SparkJobs.without(
            spark, () -> new InputPins(spark, "d").delta("feature:f", path, "feature source 'f'"));

    DeltaTable table = DeltaTable.forPath(spark, path);
    Row last = table.history(1).select("version", "timestamp").first();
    assertThat(pin.pin()).isEqualTo("1").isEqualTo(String.valueOf(last.getLong(0)));
    Instant committed = last.getTimestamp(1).toInstant();
    assertThat(pin.committedAt()).contains(committed);
    assertThat(committed)
        .isEqualTo(
            Instant.ofEpochMilli(
                Files.getLastModifiedTime(Path.of(path, "_delta_log", "00000000000000000001.json"))
                    .toMillis()));
    assertThat(pin.rebuildableUntil()).contains(committed.plus(Duration.ofDays(2)));
    assertThat(pin.retention())
        .isEqualTo(
            "Delta VACUUM and log cleanup: delta.deletedFileRetentionDuration=interval 2 days,"
                + " delta.logRetentionDuration=interval 30 days");
    assertThat(table.detail().select("properties").first().<String, String>getJavaMap(0))
        .containsEntry("delta.deletedFileRetentionDuration", "interval 2 days");
  }

  @Test
  void aDeltaLogWithoutACommitIsAMissingInput() throws Exception {
    Path table = dir.resolve("delta-empty");
    Files.createDirectories(table.resolve("_delta_log"));
    SourceReader reader = new SourceReader(spark, "d");

    assertThatThrownBy(
            () ->
                reader.open(
                    new SourceLocation(SourceFormat.DELTA, table.toString()),
                    "feature source 'f'",
                    "dataset.features.f.path",
                    "feature:f",
                    null))
        .isInstanceOf(InputMissingException.class)
        .hasMessage(
            "Cannot build 'd': feature source 'f' path '"
                + table
                + "' is not a delta table yet: its _delta_log has no commit (wait for its first"
                + " commit, or point the config at another table)");
  }

  @Test
  void aPartitionedParquetSourceOpensWithTheSchemaSparkInfersAndNoJob() {
    String path = dir.resolve("parquet-partitioned").toString();
    spark
        .sql(
            "SELECT id AS k, CAST(id AS INT) AS small, id * 0.5 AS v, CAST(id AS STRING) AS s,"
                + " TIMESTAMP'2026-01-01 00:00:00' + make_interval(0, 0, 0, 0, CAST(id AS INT)) AS e,"
                + " id % 2 = 0 AS flag, DATE'2026-01-01' + CAST(id % 3 AS INT) AS event_date"
                + " FROM range(9)")
        .write()
        .partitionBy("event_date")
        .parquet(path);

    SourceReader.Opened opened = openParquet(path);

    assertThat(opened.rows().schema()).isEqualTo(inferredBySpark(opened.pin()));
    assertThat(opened.rows().schema().fieldNames())
        .containsExactly("k", "small", "v", "s", "e", "flag", "event_date");
    assertThat(opened.rows().count()).isEqualTo(9);
  }

  @Test
  void aParquetFileWithoutASparkSchemaOpensWithSparksConversionOfItsTypes() throws Exception {
    Path file = dir.resolve("duckdb").resolve("one.parquet");
    Files.createDirectories(file.getParent());
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute(
          "COPY (SELECT 1::TINYINT AS tiny, 2::UTINYINT AS unsigned, 3::HUGEINT AS huge,"
              + " 4.5::DECIMAL(9, 2) AS price, 'x' AS s, TIMESTAMP '2026-01-01 10:00:00' AS ts,"
              + " TIMESTAMPTZ '2026-01-01 10:00:00+00' AS tstz, DATE '2026-01-01' AS d)"
              + " TO '"
              + file
              + "' (FORMAT PARQUET)");
    }

    SourceReader.Opened opened = openParquet(file.toString());

    assertThat(opened.pin().files()).extracting(InputPin.FileEntry::path).containsExactly("");
    assertThat(opened.rows().schema()).isEqualTo(inferredBySpark(opened.pin()));
  }

  @Test
  void aColumnInTheFilesAndTheDirectoryNamesComesLastWithTheTypeOfItsDirectories() {
    String path = dir.resolve("parquet-overlap").toString();
    for (String date : new String[] {"2026-01-01", "2026-01-02"}) {
      spark
          .sql("SELECT 1L AS k, 'in the file' AS event_date, 2.0 AS v")
          .write()
          .parquet(path + "/event_date=" + date);
    }

    SourceReader.Opened opened = openParquet(path);

    StructType inferred = inferredBySpark(opened.pin());
    assertThat(inferred.fieldNames()).containsExactly("k", "event_date", "v");
    assertThat(opened.rows().schema().fieldNames()).containsExactly("k", "v", "event_date");
    assertThat(fields(opened.rows().schema())).isEqualTo(fields(inferred));
    assertThat(opened.rows().select("event_date").distinct().count()).isEqualTo(2);
  }

  private static SourceReader.Opened openParquet(String path) {
    return SparkJobs.without(
        spark,
        () ->
            new SourceReader(spark, "d")
                .open(
                    new SourceLocation(SourceFormat.PARQUET, path),
                    "feature source 'f'",
                    "dataset.features.f.path",
                    "feature:f",
                    null));
  }

  /** The schema Spark infers for the pinned files when it is given none (in a job of its own). */
  private static StructType inferredBySpark(InputPin pin) {
    if (pin.files().size() == 1 && pin.files().get(0).path().isEmpty()) {
      return spark.read().parquet(pin.location()).schema();
    }
    String[] paths =
        pin.files().stream().map(f -> pin.location() + "/" + f.path()).toArray(String[]::new);
    return spark.read().option("basePath", pin.location()).parquet(paths).schema();
  }

  private static Map<String, String> fields(StructType schema) {
    Map<String, String> out = new LinkedHashMap<>();
    for (StructField f : schema.fields()) {
      out.put(f.name(), f.dataType().simpleString() + (f.nullable() ? "" : " not null"));
    }
    return new java.util.TreeMap<>(out);
  }

  /** Runs {@code open} in a job group of its own, and checks that no Spark job ran in it. */
}
