package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The join against the brute-force oracle on thousands of seeded random cases. Each seed draws its
 * own serving lags, max ages and exact-match rules for the three sources.
 */
class AsOfJoinOracleTest {
  private static final List<String> SOURCES = List.of("mc", "ua", "ub");

  @ParameterizedTest(name = "seed {0}, key-hash partitions")
  @ValueSource(longs = {1, 2, 3})
  void agreesWithTheOracleOnRandomCases(long seed) {
    check(seed, new RandomCases(seed, 500), new KeyHashPartitioning(), 3);
  }

  /**
   * Range partitions split a hot key of thousands of rows over most of 17 partitions: carry-in
   * chains, many labels at one instant split across partitions, labels days after every feature
   * row.
   */
  @ParameterizedTest(name = "seed {0}, range partitions")
  @ValueSource(longs = {4, 5, 6})
  void agreesWithTheOracleWithAHotKeySplitAcrossRanges(long seed) {
    check(seed, new RandomCases(seed, 500, 3000), new RangePartitioning(), 17);
  }

  /**
   * With 1 KiB of sort memory every partition goes to Spark's sorter, told here to spill to disk
   * every 200 rows; reading back from disk overwrites the rows it handed out, so the merge must
   * copy the rows it keeps, not hold views of them.
   */
  @Test
  void agreesWithTheOracleWhenEverySortSpillsToDisk() {
    SharedSpark.session(); // started, so that its environment exists
    org.apache.spark.SparkConf conf = org.apache.spark.SparkEnv.get().conf();
    String threshold = "spark.shuffle.spill.numElementsForceSpillThreshold";
    conf.set(threshold, "200");
    try {
      check(7, new RandomCases(7, 500), new RangePartitioning(), 3, 1024);
    } finally {
      conf.remove(threshold);
    }
  }

  private static void check(long seed, RandomCases cases, JoinPartitioning partitioning, int n) {
    check(seed, cases, partitioning, n, 0);
  }

  private static void check(
      long seed, RandomCases cases, JoinPartitioning partitioning, int n, long sortMemory) {
    SparkSession spark = SharedSpark.session();
    Map<String, Row> actual = run(spark, cases, partitioning, n, sortMemory);

    Map<String, Oracle.Source> oracle = new HashMap<>();
    for (String s : SOURCES) {
      oracle.put(s, cases.oracleSource(spark, s));
    }
    List<String> mismatches = new ArrayList<>();
    Map<MatchStatus, Integer> seen = new EnumMap<>(MatchStatus.class);
    int hashTies = 0;
    assertThat(actual).hasSize(cases.labels.size());
    for (RandomCases.Label label : cases.labels) {
      Row row = actual.get(label.id());
      for (String s : SOURCES) {
        Oracle.Expected want = Oracle.expect(cases.labelKey(label, s), label.t(), oracle.get(s), 2);
        seen.merge(want.status(), 1, Integer::sum);
        hashTies += Boolean.TRUE.equals(want.hashTie()) ? 1 : 0;
        String got = describe(row, s, cases.params.get(s).availableColumn());
        String expected = describe(want, cases.params.get(s).availableColumn());
        if (!got.equals(expected)) {
          mismatches.add(label + " source " + s + ": expected " + expected + " got " + got);
        }
      }
    }
    assertThat(mismatches).as("rows that differ from the oracle").isEmpty();
    // The cases must exercise every outcome, or the agreement above proves little.
    assertThat(seen.keySet()).containsExactlyInAnyOrder(MatchStatus.values());
    assertThat(hashTies).as("labels decided by the content hash").isPositive();
  }

  static Map<String, Row> run(
      SparkSession spark, RandomCases cases, JoinPartitioning partitioning, int partitions) {
    return run(spark, cases, partitioning, partitions, 0);
  }

  static Map<String, Row> run(
      SparkSession spark,
      RandomCases cases,
      JoinPartitioning partitioning,
      int partitions,
      long sortMemory) {
    Dataset<Row> out =
        new AsOfJoin(partitioning, partitions, sortMemory)
            .join(cases.labelFrame(spark), cases.joinSources(spark));
    List<Column> cols = new ArrayList<>();
    cols.add(col("id"));
    for (String s : SOURCES) {
      cols.add(col(s + "__v1"));
      cols.add(col(s + "__v2"));
      cols.add(unix_micros(col(s + "__event_time")));
      cols.add(
          cases.params.get(s).availableColumn()
              ? unix_micros(col(s + "__available_time"))
              : org.apache.spark.sql.functions.lit(null));
      cols.add(col(s + "__status"));
      cols.add(col(s + "__hash_tie"));
    }
    Map<String, Row> byId = new HashMap<>();
    for (Row r : out.select(cols.toArray(Column[]::new)).collectAsList()) {
      Row previous = byId.put(r.getString(0), r);
      assertThat(previous).as("label %s appears twice", r.getString(0)).isNull();
    }
    return byId;
  }

  private static String describe(Row row, String source, boolean available) {
    int i = 1 + SOURCES.indexOf(source) * 6;
    return row.get(i + 4)
        + " v1="
        + row.get(i)
        + " v2="
        + row.get(i + 1)
        + " e="
        + row.get(i + 2)
        + (available ? " a=" + row.get(i + 3) : "")
        + " tie="
        + row.get(i + 5);
  }

  private static String describe(Oracle.Expected want, boolean available) {
    return want.status()
        + " v1="
        + want.values().get(0)
        + " v2="
        + want.values().get(1)
        + " e="
        + want.eventTime()
        + (available ? " a=" + want.availableTime() : "")
        + " tie="
        + want.hashTie();
  }
}
