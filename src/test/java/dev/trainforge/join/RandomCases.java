package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * Seeded random join inputs: many small independent cases, told apart by their keys, so that one
 * Spark job checks thousands of them. Times come from a small range of whole seconds (plus, now and
 * then, one microsecond), so that ties at every level of the order, exact matches and max-age edges
 * happen often. Three sources: two on the user key (one shuffle), one on the merchant key (a second
 * shuffle).
 */
final class RandomCases {
  static final long SECOND = 1_000_000L;

  /** Parameters of one source. */
  record Params(
      long lag, Long maxAge, boolean exactMatches, boolean availableColumn, boolean tieBreak) {}

  record Label(String id, Long t, Long user, String merchant, int label) {}

  record Feature(long rid, Object key, Long e, Long a, Long tb, Integer v1, String v2) {}

  final List<Label> labels = new ArrayList<>();
  final Map<String, List<Feature>> features = new HashMap<>();
  final Map<String, Params> params = new HashMap<>();
  final Map<String, String> keyOf = Map.of("ua", "user", "ub", "user", "mc", "merchant");

  RandomCases(long seed, int cases) {
    this(seed, cases, 0);
  }

  /**
   * @param hotRows when positive, case 0 is a hot key: this many feature rows per source, half as
   *     many labels, a third of them at one instant and a tenth ten days after every feature row
   */
  RandomCases(long seed, int cases, int hotRows) {
    Random r = new Random(seed);
    for (String s : List.of("ua", "ub", "mc")) {
      params.put(
          s,
          new Params(
              r.nextInt(3) == 0 ? 0 : r.nextInt(3) * SECOND,
              r.nextInt(3) == 0 ? null : (1 + r.nextInt(5)) * SECOND,
              r.nextBoolean(),
              s.equals("ua"),
              !s.equals("ub")));
      features.put(s, new ArrayList<>());
    }
    long rid = hotRows > 0 ? hotCase(r, hotRows) : 0;
    for (int c = hotRows > 0 ? 1 : 0; c < cases; c++) {
      int users = 1 + r.nextInt(3);
      int merchants = 1 + r.nextInt(2);
      int labelCount = r.nextInt(7);
      for (int i = 0; i < labelCount; i++) {
        Long user = r.nextInt(20) == 0 ? null : c * 10L + r.nextInt(users + 1);
        String merchant = r.nextInt(20) == 0 ? null : "c" + c + "-m" + r.nextInt(merchants + 1);
        Long t = r.nextInt(25) == 0 ? null : time(r);
        labels.add(new Label("c" + c + "-l" + i, t, user, merchant, r.nextInt(2)));
      }
      for (String s : List.of("ua", "ub", "mc")) {
        Params p = params.get(s);
        int n = r.nextInt(9);
        List<Feature> rows = features.get(s);
        for (int i = 0; i < n; i++) {
          Object key =
              s.equals("mc")
                  ? (r.nextInt(25) == 0 ? null : "c" + c + "-m" + r.nextInt(merchants))
                  : (r.nextInt(25) == 0 ? null : (Object) (c * 10L + r.nextInt(users)));
          Long e = r.nextInt(30) == 0 ? null : time(r);
          Long a = e == null ? null : e + delay(s);
          if (p.availableColumn() && e != null) {
            a = r.nextInt(30) == 0 ? null : e + (r.nextInt(3) - 1) * r.nextInt(4) * SECOND;
          }
          Long tb = p.tieBreak() && r.nextInt(4) != 0 ? (long) r.nextInt(3) : null;
          Integer v1 = r.nextInt(10) == 0 ? null : r.nextInt(4);
          String v2 = r.nextInt(10) == 0 ? null : "v" + r.nextInt(3);
          rows.add(new Feature(rid++, key, e, a, tb, v1, v2));
          if (r.nextInt(6) == 0) {
            // a row equal in every time, with other values: the content hash decides
            rows.add(new Feature(rid++, key, e, a, tb, r.nextInt(4), "w" + r.nextInt(3)));
          }
        }
      }
    }
  }

  private long hotCase(Random r, int rows) {
    long rid = 0;
    for (int i = 0; i < rows / 2; i++) {
      int kind = r.nextInt(10);
      Long t =
          kind < 3
              ? 150 * SECOND
              : kind == 3 ? (10 * 86_400 + r.nextInt(100)) * SECOND : r.nextInt(260) * SECOND;
      labels.add(new Label("hot-l" + i, t, 0L, "c0-m0", r.nextInt(2)));
    }
    for (String s : List.of("ua", "ub", "mc")) {
      Object key = s.equals("mc") ? "c0-m0" : (Object) 0L;
      Params p = params.get(s);
      for (int i = 0; i < rows; i++) {
        long e = r.nextInt(200) * SECOND + (r.nextInt(8) == 0 ? 1 : 0);
        long a = p.availableColumn() ? e + r.nextInt(3) * SECOND : e + delay(s);
        Long tb = p.tieBreak() && r.nextInt(4) != 0 ? (long) r.nextInt(3) : null;
        features.get(s).add(new Feature(rid++, key, e, a, tb, r.nextInt(4), "h" + r.nextInt(3)));
      }
    }
    return rid;
  }

  /**
   * The constant delay of a source without an available-time column: none for "ub", two seconds for
   * "mc", so that visibility is e plus the delay, or plus 1 µs when exact matches are excluded.
   */
  static long delay(String source) {
    return source.equals("mc") ? 2 * SECOND : 0;
  }

  private static long time(Random r) {
    return r.nextInt(15) * SECOND + (r.nextInt(8) == 0 ? 1 : 0);
  }

  static StructType labelSchema() {
    return new StructType()
        .add("id", DataTypes.StringType, false)
        .add("user", DataTypes.LongType, true)
        .add("merchant", DataTypes.StringType, true)
        .add("label", DataTypes.IntegerType, false)
        .add(JoinColumns.LABEL_TIME, DataTypes.LongType, true);
  }

  /** Labels as the join takes them: the time as a timestamp column and in microseconds. */
  Dataset<Row> labelFrame(SparkSession spark) {
    List<Row> rows = new ArrayList<>();
    for (Label l : labels) {
      rows.add(RowFactory.create(l.id(), l.user(), l.merchant(), l.label(), l.t()));
    }
    Dataset<Row> df = spark.createDataFrame(rows, labelSchema());
    return df.select(
        col("id"),
        timestamp_micros(col(JoinColumns.LABEL_TIME)).as("t"),
        col("user"),
        col("merchant"),
        col("label"),
        col(JoinColumns.LABEL_TIME));
  }

  /** A source's rows with a row id, before the join's normalization. */
  Dataset<Row> rawFeatureFrame(SparkSession spark, String source) {
    String key = keyOf.get(source);
    StructType schema =
        new StructType()
            .add("rid", DataTypes.LongType, false)
            .add(key, key.equals("user") ? DataTypes.LongType : DataTypes.StringType, true)
            .add(JoinColumns.EVENT_TIME, DataTypes.LongType, true)
            .add(JoinColumns.AVAILABLE_TIME, DataTypes.LongType, true)
            .add(JoinColumns.TIE_BREAK, DataTypes.LongType, true)
            .add(source + "__v1", DataTypes.IntegerType, true)
            .add(source + "__v2", DataTypes.StringType, true);
    List<Row> rows = new ArrayList<>();
    for (Feature f : features.get(source)) {
      rows.add(RowFactory.create(f.rid(), f.key(), f.e(), f.a(), f.tb(), f.v1(), f.v2()));
    }
    return spark.createDataFrame(rows, schema);
  }

  JoinSource joinSource(SparkSession spark, String source) {
    Params p = params.get(source);
    return new JoinSource(
        source,
        rawFeatureFrame(spark, source).drop("rid"),
        List.of(keyOf.get(source)),
        List.of(source + "__v1", source + "__v2"),
        p.lag(),
        p.maxAge() == null ? -1 : p.maxAge(),
        p.exactMatches(),
        p.availableColumn(),
        // declared as they are, so that the oracle checks the narrow layouts too
        p.tieBreak(),
        p.availableColumn()
            ? java.util.OptionalLong.empty()
            : java.util.OptionalLong.of(delay(source)));
  }

  List<JoinSource> joinSources(SparkSession spark) {
    return List.of(joinSource(spark, "mc"), joinSource(spark, "ua"), joinSource(spark, "ub"));
  }

  /**
   * The oracle's view of a source. The content hash is Spark's {@code xxhash64} of the feature
   * columns, computed here by Spark SQL itself (the hash is part of the definition of the order,
   * not of the join).
   */
  Oracle.Source oracleSource(SparkSession spark, String source) {
    Map<Long, Long> hashes = new HashMap<>();
    for (Row r :
        rawFeatureFrame(spark, source)
            .select(col("rid"), xxhash64(col(source + "__v1"), col(source + "__v2")))
            .collectAsList()) {
      hashes.put(r.getLong(0), r.getLong(1));
    }
    List<Oracle.FeatureRow> rows = new ArrayList<>();
    for (Feature f : features.get(source)) {
      rows.add(
          new Oracle.FeatureRow(
              f.key(),
              f.e(),
              f.a(),
              f.tb(),
              hashes.get(f.rid()),
              java.util.Arrays.asList(f.v1(), f.v2())));
    }
    Params p = params.get(source);
    return new Oracle.Source(rows, p.lag(), p.maxAge(), p.exactMatches());
  }

  Object labelKey(Label l, String source) {
    return keyOf.get(source).equals("user") ? l.user() : l.merchant();
  }
}
