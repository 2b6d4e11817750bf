package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.unix_micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Windowed aggregations against the brute-force {@link WindowOracle} on 10,500 seeded random cases:
 * key-hash partitions, and range partitions (1, 7, 17 and 200) with a hot key of thousands of rows
 * split over many of them, so that rows enter a window in one partition and leave it in another.
 */
class WindowedAggregationOracleTest {

  @ParameterizedTest(name = "seed {0}, key-hash partitions")
  @CsvSource({"11", "12", "13"})
  void agreesWithTheOracleOnRandomCases(long seed) {
    check(new RandomWindows(seed, 1500, 0), new KeyHashPartitioning(), 3);
  }

  @ParameterizedTest(name = "seed {0}, {1} range partitions, hot key")
  @CsvSource({"21, 1", "22, 7", "23, 17", "24, 200"})
  void agreesWithTheOracleWithAHotKeySplitAcrossRanges(long seed, int partitions) {
    check(new RandomWindows(seed, 1500, 3000), new RangePartitioning(), partitions);
  }

  @Test
  void givesTheSameBitsWhateverThePartitions() {
    SparkSession spark = SharedSpark.session();
    RandomWindows cases = new RandomWindows(31, 300, 2000);
    Map<String, String> one = asText(run(spark, cases, new RangePartitioning(), 1));
    for (int n : new int[] {7, 17, 200}) {
      assertThat(asText(run(spark, cases, new RangePartitioning(), n)))
          .as("rows with %d partitions", n)
          .isEqualTo(one);
    }
    assertThat(asText(run(spark, cases, new KeyHashPartitioning(), 5))).isEqualTo(one);
    // as many partitions as the sampled rows call for, the carry-in made for those
    assertThat(asText(run(spark, cases, new RangePartitioning(500), 200)))
        .as("rows with a partition per 500 rows")
        .isEqualTo(one);
  }

  private static Map<String, String> asText(Map<String, Row> rows) {
    Map<String, String> out = new HashMap<>();
    rows.forEach((id, row) -> out.put(id, row.toString()));
    return out;
  }

  private static void check(RandomWindows cases, JoinPartitioning partitioning, int n) {
    SparkSession spark = SharedSpark.session();
    Map<String, Row> actual = run(spark, cases, partitioning, n);
    assertThat(actual).hasSize(cases.labels.size());
    // Each label scans every row of its key: the rows of other keys could never match it.
    Map<String, Map<Object, List<WindowOracle.Row>>> byKey = new HashMap<>();
    for (String s : List.of("s", "t")) {
      Map<Object, List<WindowOracle.Row>> m = new HashMap<>();
      for (WindowOracle.Row r : cases.hashed(spark, s)) {
        m.computeIfAbsent(r.key() == null ? "null" : r.key(), k -> new ArrayList<>()).add(r);
      }
      byKey.put(s, m);
    }
    List<String> mismatches = new ArrayList<>();
    int nonEmpty = 0;
    int lateRowsCounted = 0;
    for (RandomWindows.Label label : cases.labels) {
      Row row = actual.get(label.id());
      int at = 1;
      for (String s : List.of("s", "t")) {
        Map<String, List<WindowOracle.Row>> rows =
            Map.of(s, byKey.get(s).getOrDefault(label.user(), List.of()));
        RandomWindows.Params p = cases.params.get(s);
        List<WindowOracle.Agg> aggs = cases.aggs.get(s);
        String status = row.getString(at);
        String wantStatus = expectedStatus(cases, rows.get(s), s, label);
        if (!wantStatus.equals(status)) {
          mismatches.add(label + " " + s + " status: expected " + wantStatus + " got " + status);
        }
        at++;
        long longest = aggs.stream().mapToLong(WindowOracle.Agg::window).max().getAsLong();
        List<WindowOracle.Row> widest =
            label.t() == null || label.user() == null
                ? List.of()
                : WindowOracle.inWindow(
                    label.user(), label.t(), rows.get(s), p.lag(), p.exactMatches(), longest);
        for (WindowOracle.Agg agg : aggs) {
          Object want = null;
          if (label.t() != null && label.user() != null) {
            List<WindowOracle.Row> in =
                WindowOracle.inWindow(
                    label.user(), label.t(), rows.get(s), p.lag(), p.exactMatches(), agg.window());
            want = WindowOracle.value(agg, in);
            nonEmpty += in.isEmpty() ? 0 : 1;
            lateRowsCounted += in.stream().anyMatch(r -> r.a() > r.e()) ? 1 : 0;
          }
          Object got = row.isNullAt(at) ? null : row.get(at);
          if (got instanceof scala.collection.Seq<?> seq) {
            got = new ArrayList<>(scala.jdk.javaapi.CollectionConverters.asJava(seq));
          }
          if (!WindowOracle.agrees(want, got)) {
            mismatches.add(label + " " + agg + ": expected " + want + " got " + got);
          }
          at++;
        }
        Long newestE = widest.stream().map(WindowOracle.Row::e).max(Long::compare).orElse(null);
        Long newestA = widest.stream().map(WindowOracle.Row::a).max(Long::compare).orElse(null);
        Object gotE = row.isNullAt(at) ? null : row.getLong(at);
        Object gotA = row.isNullAt(at + 1) ? null : row.getLong(at + 1);
        if (!java.util.Objects.equals(newestE, gotE) || !java.util.Objects.equals(newestA, gotA)) {
          mismatches.add(
              label
                  + " "
                  + s
                  + " newest e/a: expected "
                  + newestE
                  + "/"
                  + newestA
                  + " got "
                  + gotE
                  + "/"
                  + gotA);
        }
        at += 2;
      }
    }
    assertThat(mismatches).as("results that differ from the oracle").isEmpty();
    assertThat(nonEmpty).as("non-empty windows").isGreaterThan(cases.labels.size());
    assertThat(lateRowsCounted).as("windows that count a late row").isPositive();
  }

  private static String expectedStatus(
      RandomWindows cases, List<WindowOracle.Row> rows, String s, RandomWindows.Label label) {
    if (label.t() == null) {
      return "NULL_TIME";
    }
    if (label.user() == null) {
      return "NULL_KEY";
    }
    RandomWindows.Params p = cases.params.get(s);
    if (s.equals("s")) {
      List<Oracle.FeatureRow> features = new ArrayList<>();
      for (WindowOracle.Row r : rows) {
        // the values do not matter for the status
        features.add(
            new Oracle.FeatureRow(r.key(), r.e(), r.a(), r.tieBreak(), r.hash(), List.of()));
      }
      return Oracle.expect(
              label.user(),
              label.t(),
              new Oracle.Source(features, p.lag(), p.maxAge(), p.exactMatches()),
              0)
          .status()
          .name();
    }
    long longest = cases.aggs.get(s).stream().mapToLong(WindowOracle.Agg::window).max().getAsLong();
    return WindowOracle.inWindow(label.user(), label.t(), rows, p.lag(), p.exactMatches(), longest)
            .isEmpty()
        ? "NO_MATCH"
        : "MATCHED";
  }

  static Map<String, Row> run(
      SparkSession spark, RandomWindows cases, JoinPartitioning partitioning, int partitions) {
    Dataset<Row> out =
        new AsOfJoin(partitioning, partitions)
            .join(
                cases.labelFrame(spark),
                List.of(cases.joinSource(spark, "s"), cases.joinSource(spark, "t")));
    List<Column> cols = new ArrayList<>();
    cols.add(col("id"));
    for (String s : List.of("s", "t")) {
      cols.add(col(s + "__status"));
      for (WindowOracle.Agg a : cases.aggs.get(s)) {
        cols.add(col(a.name()));
      }
      cols.add(unix_micros(col(s + "__window_event_time")));
      cols.add(unix_micros(col(s + "__window_available_time")));
    }
    Map<String, Row> byId = new HashMap<>();
    for (Row r : out.select(cols.toArray(Column[]::new)).collectAsList()) {
      assertThat(byId.put(r.getString(0), r)).as("label %s twice", r.getString(0)).isNull();
    }
    return byId;
  }
}
