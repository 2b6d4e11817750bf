package dev.trainforge.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.testing.SharedSpark;
import dev.trainforge.testing.SparkJobs;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A Delta version that plain Parquet reads exactly is read as the files its log lists, without a
 * Spark job, and gives the rows Delta's reader gives; any other version is left to Delta's reader,
 * with the reason.
 */
class DeltaFilesTest {
  private static SparkSession spark;
  private static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
    dir = SharedSpark.tempDir("trainforge-delta-files");
  }

  private static DeltaFiles at(String path, long version, int maxFiles) {
    return DeltaFiles.at(spark.sparkContext().hadoopConfiguration(), path, version, maxFiles);
  }

  private static void sql(String statement) {
    spark.sql(statement);
  }

  /** A table partitioned by event date, with three commits: two appends and a delete. */
  private static String partitionedHistory() {
    String path = dir.resolve("history").toString();
    sql(
        "CREATE TABLE delta.`"
            + path
            + "` (k BIGINT, e TIMESTAMP, v DOUBLE, s STRING, d DATE) USING delta PARTITIONED BY (d)");
    sql(
        "INSERT INTO delta.`"
            + path
            + "` VALUES (1, TIMESTAMP'2026-01-01 10:00:00', 1.5, 'a', DATE'2026-01-01'),"
            + " (2, TIMESTAMP'2026-01-02 10:00:00', NULL, 'b', DATE'2026-01-02')");
    sql(
        "INSERT INTO delta.`"
            + path
            + "` VALUES (3, TIMESTAMP'2026-01-02 11:00:00', 3.5, NULL, DATE'2026-01-02')");
    sql("DELETE FROM delta.`" + path + "` WHERE k = 1");
    return path;
  }

  private static List<String> rows(Dataset<Row> rows) {
    return rows.collectAsList().stream().map(Row::toString).sorted().toList();
  }

  private static Dataset<Row> byDelta(String path, long version) {
    return spark.read().format("delta").option("versionAsOf", version).load(path);
  }

  /** The version as a build reads it. */
  private static Dataset<Row> read(String path, long version) {
    InputPins pins = new InputPins(spark, "d");
    InputPin pin = pin(path, version);
    return pins.readDelta(pin, "feature source 'f'", pins.deltaFiles(pin));
  }

  private static InputPin pin(String path, long version) {
    return new InputPin(
        "feature:f",
        dev.trainforge.config.SourceFormat.DELTA,
        path,
        String.valueOf(version),
        List.of(),
        Optional.empty(),
        Optional.empty(),
        "retention");
  }

  @Test
  void everyVersionOfAPlainTableReadsAsItsFilesWithDeltasRowsAndNoJob() {
    String path = partitionedHistory();
    assertThat(at(path, 1, 1024).describe("1"))
        .isEqualTo("Delta version 1 read as its 2 Parquet files");
    for (long version = 1; version <= 3; version++) {
      DeltaFiles files = at(path, version, 1024);
      assertThat(files.why()).as("version %d", version).isEmpty();
      assertThat(files.files())
          .as("version %d", version)
          .containsExactlyInAnyOrder(byDelta(path, version).inputFiles());
      long v = version;
      Dataset<Row> read = SparkJobs.without(spark, () -> read(path, v));
      assertThat(read.schema().fieldNames())
          .containsExactly(byDelta(path, version).schema().fieldNames());
      assertThat(rows(read)).as("version %d", version).isEqualTo(rows(byDelta(path, version)));
    }
    assertThat(rows(byDelta(path, 3))).hasSize(2);
  }

  @Test
  void partitionValuesThatAPathEscapesReadAsDeltaReadsThem() {
    String path = dir.resolve("escaped").toString();
    spark
        .sql(
            "SELECT * FROM VALUES (1L, 'a:b'), (2L, 'c d'), (3L, 'e%f'), (4L, 'g=h/i'), (5L, 'ü'),"
                + " (6L, '007')"
                + " AS t(k, p)")
        .write()
        .format("delta")
        .partitionBy("p")
        .save(path);
    DeltaFiles files = at(path, 0, 1024);
    assertThat(files.why()).isEmpty();
    assertThat(files.files()).hasSize(6);
    Dataset<Row> read = read(path, 0);
    assertThat(rows(read))
        .containsExactly("[1,a:b]", "[2,c d]", "[3,e%f]", "[4,g=h/i]", "[5,ü]", "[6,007]")
        .isEqualTo(rows(byDelta(path, 0)));
  }

  @Test
  void aVersionAfterACheckpointReadsAsDeltaReadsIt() {
    String path = dir.resolve("checkpointed").toString();
    for (int i = 0; i < 12; i++) {
      spark.sql("SELECT " + i + "L AS k").write().format("delta").mode("append").save(path);
    }
    assertThat(dir.resolve("checkpointed/_delta_log/00000000000000000010.checkpoint.parquet"))
        .exists();
    DeltaFiles files = at(path, 11, 1024);
    assertThat(files.why()).isEmpty();
    assertThat(files.files()).containsExactlyInAnyOrder(byDelta(path, 11).inputFiles());
    Dataset<Row> read = read(path, 11);
    assertThat(rows(read)).hasSize(12).isEqualTo(rows(byDelta(path, 11)));
  }

  @Test
  void aColumnAddedLaterIsNullInTheOlderFilesAsDeltaReadsIt() {
    String path = dir.resolve("evolved").toString();
    spark.sql("SELECT 1L AS k, 'x' AS s").write().format("delta").save(path);
    spark
        .sql("SELECT 2L AS k, 'y' AS s, 7 AS n")
        .write()
        .format("delta")
        .mode("append")
        .option("mergeSchema", "true")
        .save(path);
    DeltaFiles files = at(path, 1, 1024);
    assertThat(files.why()).isEmpty();
    assertThat(files.columns()).containsExactly("k", "s", "n");
    Dataset<Row> read = read(path, 1);
    assertThat(rows(read))
        .containsExactly("[1,x,null]", "[2,y,7]")
        .isEqualTo(rows(byDelta(path, 1)));
  }

  @Test
  void aFileWithADeletionVectorIsLeftToDeltasReader() {
    String path = dir.resolve("dv").toString();
    sql(
        "CREATE TABLE delta.`"
            + path
            + "` (k BIGINT, v INT) USING delta"
            + " TBLPROPERTIES ('delta.enableDeletionVectors' = 'true')");
    // One file, so that the delete keeps it with a deletion vector rather than removing it.
    spark
        .sql("SELECT * FROM VALUES (1L, 10), (2L, 20), (3L, 30) AS t(k, v)")
        .coalesce(1)
        .write()
        .format("delta")
        .mode("append")
        .save(path);
    assertThat(at(path, 1, 1024).why()).isEmpty();
    sql("DELETE FROM delta.`" + path + "` WHERE k = 2");
    DeltaFiles files = at(path, 2, 1024);
    assertThat(files.why().get()).startsWith("file '").endsWith("' has a deletion vector");
    assertThat(files.describe("2")).startsWith("Delta version 2 read by Delta's reader, as file '");
    assertThat(files.files()).isEmpty();
    Dataset<Row> read = read(path, 2);
    assertThat(rows(read)).containsExactly("[1,10]", "[3,30]");
  }

  @Test
  void mappedColumnNamesAreLeftToDeltasReader() {
    String path = dir.resolve("mapped").toString();
    sql(
        "CREATE TABLE delta.`"
            + path
            + "` (k BIGINT, v INT) USING delta TBLPROPERTIES ('delta.columnMapping.mode' = 'name',"
            + " 'delta.minReaderVersion' = '2', 'delta.minWriterVersion' = '5')");
    sql("INSERT INTO delta.`" + path + "` VALUES (1, 10)");
    sql("ALTER TABLE delta.`" + path + "` RENAME COLUMN v TO w");
    assertThat(at(path, 2, 1024).why()).hasValue("its reader version 2 maps column names");
    Dataset<Row> read = read(path, 2);
    assertThat(read.schema().fieldNames()).containsExactly("k", "w");
    assertThat(rows(read)).containsExactly("[1,10]");
  }

  @Test
  void aNullPartitionValueATimestampPartitionAndTooManyFilesAreLeftToDeltasReader() {
    String nulls = dir.resolve("null-partition").toString();
    spark
        .sql("SELECT 1L AS k, CAST(NULL AS STRING) AS p UNION ALL SELECT 2L, 'x'")
        .write()
        .format("delta")
        .partitionBy("p")
        .save(nulls);
    assertThat(at(nulls, 0, 1024).why().get())
        .startsWith("file '")
        .endsWith(
            "' has partition value null of 'p', which its directory 'p=__HIVE_DEFAULT_PARTITION__' does not name");

    String stamps = dir.resolve("timestamp-partition").toString();
    spark
        .sql("SELECT 1L AS k, TIMESTAMP'2026-01-01 10:00:00' AS p")
        .write()
        .format("delta")
        .partitionBy("p")
        .save(stamps);
    assertThat(at(stamps, 0, 1024).why())
        .hasValue("partition column 'p' is a TIMESTAMP, which a path may not cast");

    String two = dir.resolve("two-files").toString();
    spark.range(1).write().format("delta").save(two);
    spark.range(1).write().format("delta").mode("append").save(two);
    assertThat(at(two, 1, 1).why()).hasValue("it has 2 files, more than 1");
    assertThat(at(two, 1, 2).files()).hasSize(2);
  }

  @Test
  void aVersionKernelCannotLoadIsLeftToDeltasReader() {
    String path = dir.resolve("one-version").toString();
    spark.sql("SELECT 1L AS k").write().format("delta").save(path);
    assertThat(at(path, 5, 1024).why().get()).startsWith("Delta Kernel cannot load version 5: ");
  }

  @Test
  void aVersionWhoseFilesAreGoneIsAMissingInputNamingTheFile() throws Exception {
    String path = dir.resolve("vacuumed").toString();
    spark.sql("SELECT 1L AS k").coalesce(1).write().format("delta").save(path);
    String file = at(path, 0, 1024).files().get(0);
    java.nio.file.Files.delete(java.nio.file.Path.of(java.net.URI.create(file)));
    assertThatThrownBy(() -> read(path, 0))
        .isInstanceOf(dev.trainforge.InputMissingException.class)
        .hasMessage(
            "Cannot build 'd': feature source 'f' has no version 0 any more (retention; build a new"
                + " version instead): [PATH_NOT_FOUND] Path does not exist: "
                + file
                + ". SQLSTATE: 42K03");
  }

  @Test
  void aPathNamesItsPartitionValuesUnescapedInTheColumnsOrder() {
    String root = "s3a://b/t/";
    List<String> columns = List.of("d", "s");
    Map<String, String> values = Map.of("d", "2026-01-01", "s", "a:b");
    assertThat(
            DeltaFiles.pathMismatch(
                root + "d=2026-01-01/s=a%3Ab/part-0.parquet", root, columns, values))
        .isEmpty();
    assertThat(
            DeltaFiles.pathMismatch(
                root + "s=a%3Ab/d=2026-01-01/part-0.parquet", root, columns, values))
        .contains(
            "file 's3a://b/t/s=a%3Ab/d=2026-01-01/part-0.parquet' has partition value '2026-01-01'"
                + " of 'd', which its directory 's=a%3Ab' does not name");
    assertThat(DeltaFiles.pathMismatch(root + "d=2026-01-01/part-0.parquet", root, columns, values))
        .contains(
            "file 's3a://b/t/d=2026-01-01/part-0.parquet' is not in one directory per partition"
                + " column [d, s]");
    assertThat(DeltaFiles.pathMismatch("s3a://c/d=2026-01-01/s=x/p.parquet", root, columns, values))
        .contains("file 's3a://c/d=2026-01-01/s=x/p.parquet' is outside the table's directory");
    assertThat(DeltaFiles.pathMismatch(root + "part-0.parquet", root, List.of(), Map.of()))
        .isEmpty();
  }
}
