package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.SplitSpec;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.SharedSpark;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The split column: deterministic, close to its fractions, exact at the time cut-offs. */
class SplitsTest {
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
  }

  private static SplitSpec hash(String key, long seed, double train, double validation) {
    return new SplitSpec(
        SplitSpec.By.HASH,
        "split",
        Optional.empty(),
        Optional.empty(),
        Optional.of(key),
        seed,
        train,
        validation,
        1.0 - train - validation);
  }

  /** 10,000 rows: a unique id and a user of 500. */
  private static Dataset<Row> rows() {
    return spark.sql("SELECT id, id % 500 AS user FROM range(10000)");
  }

  private static Map<String, Long> counts(Dataset<Row> rows) {
    Map<String, Long> out = new LinkedHashMap<>();
    for (Row r : rows.groupBy("split").count().orderBy("split").collectAsList()) {
      out.put(r.isNullAt(0) ? null : r.getString(0), r.getLong(1));
    }
    return out;
  }

  @Test
  void hashSplitIsTheSameWhateverThePartitioning() {
    SplitSpec split = hash("user", 7, 0.8, 0.1);
    String one = ContentChecksum.of(Splits.assign(rows().repartition(1), split, "unused"));
    Dataset<Row> byId = rows();
    String seven =
        ContentChecksum.of(Splits.assign(byId.repartition(7, byId.col("id")), split, "unused"));
    String shuffled =
        ContentChecksum.of(
            Splits.assign(
                rows().orderBy(org.apache.spark.sql.functions.rand(3)).repartition(3),
                split,
                "unused"));
    assertThat(seven).isEqualTo(one);
    assertThat(shuffled).isEqualTo(one);
    // The seed is part of the assignment.
    String otherSeed = ContentChecksum.of(Splits.assign(rows(), hash("user", 8, 0.8, 0.1), "x"));
    assertThat(otherSeed).isNotEqualTo(one);
  }

  @Test
  void hashSplitFractionsHoldOnTenThousandRows() {
    // One group per row: 10,000 independent draws; 4 standard deviations of a share of 0.7 are
    // 4 * sqrt(10000 * 0.7 * 0.3) = 183 rows.
    Map<String, Long> counts = counts(Splits.assign(rows(), hash("id", 42, 0.7, 0.2), "x"));
    assertThat(counts.keySet()).containsExactly("test", "train", "validation");
    assertThat(counts.get("train")).isBetween(7000L - 183, 7000L + 183);
    assertThat(counts.get("validation")).isBetween(2000L - 160, 2000L + 160);
    assertThat(counts.get("test")).isBetween(1000L - 120, 1000L + 120);
    assertThat(counts.values().stream().mapToLong(Long::longValue).sum()).isEqualTo(10000);
  }

  @Test
  void allRowsOfAGroupShareASplit() {
    Dataset<Row> split = Splits.assign(rows(), hash("user", 1, 0.5, 0.25), "x");
    long groupsWithTwoSplits =
        split
            .groupBy("user")
            .agg(org.apache.spark.sql.functions.countDistinct(split.col("split")).as("n"))
            .where("n > 1")
            .count();
    assertThat(groupsWithTwoSplits).isZero();
    assertThat(split.select("user").distinct().count()).isEqualTo(500);
  }

  @Test
  void timeCutOffsAreExactAtTheBoundary() {
    SplitSpec split =
        new SplitSpec(
            SplitSpec.By.TIME,
            "fold",
            Optional.of(Instant.parse("2026-01-20T00:00:00Z")),
            Optional.of(Instant.parse("2026-01-25T00:00:00Z")),
            Optional.empty(),
            0,
            0,
            0,
            0);
    Dataset<Row> labels =
        spark.sql(
            "SELECT * FROM VALUES"
                + " (1, TIMESTAMP'2026-01-19 23:59:59.999999'),"
                + " (2, TIMESTAMP'2026-01-20 00:00:00'),"
                + " (3, TIMESTAMP'2026-01-24 23:59:59.999999'),"
                + " (4, TIMESTAMP'2026-01-25 00:00:00'),"
                + " (5, CAST(NULL AS TIMESTAMP)) AS t(id, ts)");
    List<Row> out =
        Splits.assign(labels, split, "ts").orderBy("id").select("id", "fold").collectAsList();
    assertThat(out.stream().map(r -> r.getInt(0) + "=" + r.get(1)))
        .containsExactly("1=train", "2=validation", "3=validation", "4=test", "5=null");
  }

  @Test
  void withoutValidationUntilEverythingFromTrainUntilIsTest() {
    SplitSpec split =
        new SplitSpec(
            SplitSpec.By.TIME,
            "split",
            Optional.of(Instant.parse("2026-01-20T00:00:00Z")),
            Optional.empty(),
            Optional.empty(),
            0,
            0,
            0,
            0);
    Dataset<Row> labels =
        spark.sql(
            "SELECT * FROM VALUES (1, TIMESTAMP'2026-01-19 23:59:59.999999'),"
                + " (2, TIMESTAMP'2026-01-20 00:00:00') AS t(id, ts)");
    assertThat(counts(Splits.assign(labels, split, "ts")))
        .containsExactly(Map.entry("test", 1L), Map.entry("train", 1L));
  }
}
