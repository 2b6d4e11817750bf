package dev.trainforge.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The write of a version folds its profile's first pass; the profile is the one a scan gives. */
class ProfileInWriteTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @BeforeEach
  void setUp() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
  }

  private BuildConfig config() throws IOException {
    Path file = dir.resolve("fold.conf");
    Files.writeString(
        file,
        DatasetFiles.oneSource(
            catalog,
            dir.resolve("catalog"),
            "fold",
            "1",
            dir.resolve("labels"),
            dir.resolve("features"),
            "[v, channel]"));
    return ConfigLoader.load(file, List.of());
  }

  /**
   * 3,000 rows of a version of {@link #config}, in one partition: a label of {@code labelType},
   * values spread enough that the sketches compact, nulls and unmatched rows among them.
   */
  private Dataset<Row> version(String labelType) {
    return spark
        .sql(
            "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 00:00:00' + make_interval(0, 0,"
                + " 0, 0, 0, 0, id) AS ts, id % 97 AS user, CAST(id % 2 AS "
                + labelType
                + ") AS label, CASE WHEN id % 11 = 0 THEN NULL ELSE CAST(abs(hash(id)) % 100000"
                + " AS DOUBLE) / 7 END AS f__v, element_at(array('web', 'pos', 'app'), CAST(id %"
                + " 3 + 1 AS INT)) AS f__channel, CASE WHEN id % 13 = 0 THEN NULL ELSE"
                + " TIMESTAMP'2026-01-01 00:00:00' + make_interval(0, 0, 0, 0, 0, 0, id) END AS"
                + " f__event_time, CASE WHEN id % 13 = 0 THEN 'NO_MATCH' ELSE 'MATCHED' END AS"
                + " f__status, false AS f__hash_tie FROM range(3000)")
        .repartition(1);
  }

  /** Writes {@code rows} as a new Iceberg table and reads it back. */
  private Dataset<Row> writeAndRead(Dataset<Row> rows, String table) throws Exception {
    String name = catalog + ".datasets." + table;
    rows.writeTo(name).create();
    return spark.table(name);
  }

  @Test
  void aVersionWrittenInOneTaskIsProfiledByItsWriteExactlyAsByAScan() throws Exception {
    Profiler profiler = new Profiler(config().dataset(), null);
    Profiler.InWrite written = profiler.inWrite(version("INT"), lit(true));
    Dataset<Row> read = writeAndRead(written.rows(), "v1");

    Profiler.Measured folded = profiler.profile(read, written);
    Profiler.Measured scanned = new Profiler(config().dataset(), null).profile(read);

    assertThat(folded.foldedInWrite()).isTrue();
    assertThat(scanned.foldedInWrite()).isFalse();
    assertThat(folded.profile().rows()).isEqualTo(3000);
    assertThat(folded.contentChecksum())
        .isEqualTo(dev.trainforge.spark.ContentChecksum.of(version("INT")));
    assertSameProfile(folded, scanned);
    // The quantiles are a sketch's of these rows: each decile of f__v has its rank, within the
    // sketch's error (1.7% at this size, 99% of the time).
    long values = read.where(col("f__v").isNotNull()).count();
    List<Double> deciles = folded.profile().column("f__v").deciles();
    assertThat(deciles).hasSize(9);
    for (int i = 0; i < deciles.size(); i++) {
      double rank = (double) read.where(col("f__v").leq(deciles.get(i))).count() / values;
      assertThat(rank).as("decile %d", i + 1).isCloseTo((i + 1) / 10.0, within(0.03));
    }
  }

  /**
   * Every figure the same but what the KLL sketches give (quantiles, deciles and the bins between
   * them): a sketch draws random bits as it compacts, so two sketches of the same rows differ.
   */
  private static void assertSameProfile(Profiler.Measured actual, Profiler.Measured expected) {
    assertThat(actual)
        .usingRecursiveComparison()
        .ignoringFields("foldedInWrite", "sketches")
        .ignoringFieldsMatchingRegexes(
            ".*\\.quantiles", ".*\\.deciles", ".*\\.sketch", ".*\\.bins", ".*stalenessSeconds")
        .isEqualTo(expected);
  }

  @Test
  void aTableThatStoresAWiderTypeThanWrittenIsProfiledByAScan() throws Exception {
    // Iceberg has no 16-bit integers: the label is written as a smallint and read as an int.
    Profiler profiler = new Profiler(config().dataset(), null);
    Profiler.InWrite written = profiler.inWrite(version("SMALLINT"), lit(true));
    Dataset<Row> read = writeAndRead(written.rows(), "v2");

    Profiler.Measured measured = profiler.profile(read, written);

    assertThat(measured.foldedInWrite()).isFalse();
    assertThat(measured.profile().column("label").type()).isEqualTo("int");
    assertSameProfile(measured, new Profiler(config().dataset(), null).profile(read));
  }

  @Test
  void rowsThatNoJobReadToTheEndAreProfiledByAScan() throws Exception {
    Profiler profiler = new Profiler(config().dataset(), null);
    Dataset<Row> read = writeAndRead(version("INT"), "v3");
    Profiler.InWrite notWritten = profiler.inWrite(version("INT"), lit(true));
    notWritten.rows().limit(5).collectAsList();

    Profiler.Measured measured = profiler.profile(read, notWritten);

    assertThat(measured.foldedInWrite()).isFalse();
    assertThat(measured.profile().rows()).isEqualTo(3000);
  }
}
