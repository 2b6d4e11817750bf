package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded random inputs for windowed aggregations: many small cases told apart by their user key,
 * times in whole seconds (now and then plus 1 µs) so that rows fall exactly on both window edges,
 * late rows, null keys and times, duplicates and ties. Source "s" has a latest-value column and
 * nine aggregations over an int, a double and a string column; source "t" has aggregations only,
 * over a long column.
 */
final class RandomWindows {
  static final long SECOND = 1_000_000L;
  static final long[] WINDOWS = {SECOND, 2 * SECOND, 3 * SECOND, 5 * SECOND, 8 * SECOND};

  record Params(
      long lag,
      boolean exactMatches,
      boolean availableColumn,
      long delay,
      boolean tieBreak,
      Long maxAge) {}

  record Label(String id, Long t, Long user) {}

  final Map<String, Params> params = new HashMap<>();
  final Map<String, List<WindowOracle.Agg>> aggs = new LinkedHashMap<>();
  final Map<String, List<WindowOracle.Row>> rows = new HashMap<>();
  final Map<String, List<Long>> rids = new HashMap<>();
  final List<Label> labels = new ArrayList<>();

  RandomWindows(long seed, int cases, int hotRows) {
    Random r = new Random(seed);
    for (String s : List.of("s", "t")) {
      boolean available = r.nextBoolean();
      params.put(
          s,
          new Params(
              r.nextInt(3) * SECOND,
              r.nextBoolean(),
              available,
              available ? 0 : r.nextInt(3) * SECOND,
              r.nextBoolean(),
              r.nextInt(3) == 0 ? null : (1 + r.nextInt(6)) * SECOND));
      rows.put(s, new ArrayList<>());
      rids.put(s, new ArrayList<>());
    }
    aggs.put(
        "s",
        List.of(
            agg("s_cnt", "count", null, r),
            agg("s_cnt_d", "count", "s__d", r),
            agg("s_sum_v", "sum", "s__v", r),
            agg("s_sum_d", "sum", "s__d", r),
            agg("s_avg_d", "avg", "s__d", r),
            agg("s_min_v", "min", "s__v", r),
            agg("s_max_d", "max", "s__d", r),
            agg("s_std_d", "stddev", "s__d", r),
            new WindowOracle.Agg("s_last_n", "last-k", "s__n", pick(r), 3)));
    aggs.put(
        "t",
        List.of(
            agg("t_cnt", "count", null, r),
            agg("t_max_x", "max", "t__x", r),
            agg("t_sum_x", "sum", "t__x", r),
            new WindowOracle.Agg("t_last_x", "last-k", "t__x", pick(r), 2)));
    long rid = 0;
    if (hotRows > 0) {
      for (int i = 0; i < hotRows / 2; i++) {
        labels.add(new Label("hot-l" + i, (long) r.nextInt(40) * SECOND, 0L));
      }
      for (String s : List.of("s", "t")) {
        for (int i = 0; i < hotRows; i++) {
          long e = r.nextInt(36) * SECOND + (r.nextInt(8) == 0 ? 1 : 0);
          addRow(r, s, rid++, 0L, e);
        }
      }
    }
    for (int c = 1; c <= cases; c++) {
      int users = 1 + r.nextInt(3);
      for (int i = 0, n = r.nextInt(7); i < n; i++) {
        Long user = r.nextInt(20) == 0 ? null : c * 10L + r.nextInt(users + 1);
        Long t = r.nextInt(25) == 0 ? null : r.nextInt(20) * SECOND + (r.nextInt(8) == 0 ? 1 : 0);
        labels.add(new Label("c" + c + "-l" + i, t, user));
      }
      for (String s : List.of("s", "t")) {
        for (int i = 0, n = r.nextInt(11); i < n; i++) {
          Long user = r.nextInt(25) == 0 ? null : c * 10L + r.nextInt(users);
          Long e = r.nextInt(30) == 0 ? null : r.nextInt(16) * SECOND + (r.nextInt(8) == 0 ? 1 : 0);
          addRow(r, s, rid++, user, e);
          if (r.nextInt(8) == 0) {
            // an exact duplicate: counted twice
            WindowOracle.Row last = rows.get(s).get(rows.get(s).size() - 1);
            rows.get(s).add(last);
            rids.get(s).add(rid++);
          }
        }
      }
    }
  }

  private static long pick(Random r) {
    return WINDOWS[r.nextInt(WINDOWS.length)];
  }

  private static WindowOracle.Agg agg(String name, String function, String column, Random r) {
    return new WindowOracle.Agg(name, function, column, pick(r), 0);
  }

  private void addRow(Random r, String s, long rid, Long user, Long e) {
    Params p = params.get(s);
    Long a = e == null ? null : e + p.delay();
    if (p.availableColumn() && e != null) {
      a = r.nextInt(30) == 0 ? null : e + (r.nextInt(4) - 1) * r.nextInt(3) * SECOND;
    }
    Long tb = p.tieBreak() && r.nextInt(4) != 0 ? (long) r.nextInt(3) : null;
    Map<String, Object> v = new HashMap<>();
    if (s.equals("s")) {
      v.put("s__v", r.nextInt(8) == 0 ? null : r.nextInt(11) - 5);
      v.put("s__d", r.nextInt(8) == 0 ? null : doubleValue(r));
      v.put("s__n", r.nextInt(8) == 0 ? null : "n" + r.nextInt(6));
    } else {
      v.put("t__x", r.nextInt(8) == 0 ? null : (long) (r.nextInt(2001) - 1000));
    }
    rows.get(s).add(new WindowOracle.Row(user, e, a, tb, 0L, v));
    rids.get(s).add(rid);
  }

  /** Doubles of every scale, now and then a huge one that cancels out of a sum. */
  private static double doubleValue(Random r) {
    int kind = r.nextInt(10);
    if (kind == 0) {
      return (r.nextBoolean() ? 1 : -1) * 1e15 * (1 + r.nextInt(3));
    }
    if (kind == 1) {
      return r.nextInt(5) - 2; // ties for min and max
    }
    return r.nextGaussian() * Math.pow(10, r.nextInt(9) - 3);
  }

  StructType schema(String s) {
    StructType t =
        new StructType()
            .add("rid", DataTypes.LongType, false)
            .add("user", DataTypes.LongType, true)
            .add(JoinColumns.EVENT_TIME, DataTypes.LongType, true)
            .add(JoinColumns.AVAILABLE_TIME, DataTypes.LongType, true)
            .add(JoinColumns.TIE_BREAK, DataTypes.LongType, true);
    return s.equals("s")
        ? t.add("s__v", DataTypes.IntegerType, true)
            .add("s__d", DataTypes.DoubleType, true)
            .add("s__n", DataTypes.StringType, true)
        : t.add("t__x", DataTypes.LongType, true);
  }

  Dataset<Row> rawFrame(SparkSession spark, String s) {
    List<Row> out = new ArrayList<>();
    List<WindowOracle.Row> rs = rows.get(s);
    for (int i = 0; i < rs.size(); i++) {
      WindowOracle.Row f = rs.get(i);
      long rid = rids.get(s).get(i);
      out.add(
          s.equals("s")
              ? RowFactory.create(
                  rid,
                  f.key(),
                  f.e(),
                  f.a(),
                  f.tieBreak(),
                  f.v().get("s__v"),
                  f.v().get("s__d"),
                  f.v().get("s__n"))
              : RowFactory.create(rid, f.key(), f.e(), f.a(), f.tieBreak(), f.v().get("t__x")));
    }
    return spark.createDataFrame(out, schema(s));
  }

  /** The rows with their content hash, Spark's xxhash64 of the shipped columns. */
  List<WindowOracle.Row> hashed(SparkSession spark, String s) {
    var cols =
        s.equals("s")
            ? new org.apache.spark.sql.Column[] {col("s__v"), col("s__d"), col("s__n")}
            : new org.apache.spark.sql.Column[] {col("t__x")};
    Map<Long, Long> hashes = new HashMap<>();
    for (Row r : rawFrame(spark, s).select(col("rid"), xxhash64(cols)).collectAsList()) {
      hashes.put(r.getLong(0), r.getLong(1));
    }
    List<WindowOracle.Row> out = new ArrayList<>();
    List<WindowOracle.Row> rs = rows.get(s);
    for (int i = 0; i < rs.size(); i++) {
      WindowOracle.Row f = rs.get(i);
      out.add(
          new WindowOracle.Row(
              f.key(), f.e(), f.a(), f.tieBreak(), hashes.get(rids.get(s).get(i)), f.v()));
    }
    return out;
  }

  Dataset<Row> labelFrame(SparkSession spark) {
    List<Row> out = new ArrayList<>();
    for (Label l : labels) {
      out.add(RowFactory.create(l.id(), l.user(), l.t()));
    }
    StructType schema =
        new StructType()
            .add("id", DataTypes.StringType, false)
            .add("user", DataTypes.LongType, true)
            .add(JoinColumns.LABEL_TIME, DataTypes.LongType, true);
    Dataset<Row> df = spark.createDataFrame(out, schema);
    return df.select(
        col("id"),
        timestamp_micros(col(JoinColumns.LABEL_TIME)).as("t"),
        col("user"),
        col(JoinColumns.LABEL_TIME));
  }

  JoinSource joinSource(SparkSession spark, String s) {
    Params p = params.get(s);
    List<Aggregation> list = new ArrayList<>();
    for (WindowOracle.Agg a : aggs.get(s)) {
      Aggregation.Function f =
          java.util.Arrays.stream(Aggregation.Function.values())
              .filter(x -> x.configName().equals(a.function()))
              .findFirst()
              .orElseThrow();
      list.add(new Aggregation(a.name(), f, a.column(), a.window(), a.k()));
    }
    return new JoinSource(
        s,
        rawFrame(spark, s).drop("rid"),
        List.of("user"),
        s.equals("s") ? List.of("s__v") : List.of(),
        p.lag(),
        s.equals("s") && p.maxAge() != null ? p.maxAge() : -1,
        p.exactMatches(),
        p.availableColumn(),
        p.tieBreak(),
        p.availableColumn() ? OptionalLong.empty() : OptionalLong.of(p.delay()),
        list);
  }
}
