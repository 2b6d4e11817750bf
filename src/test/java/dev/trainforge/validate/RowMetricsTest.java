package dev.trainforge.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainforge.report.Statistics;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class RowMetricsTest {
  private final SparkSession spark = SharedSpark.session();

  private static final StructType SCHEMA =
      new StructType()
          .add("x", DataTypes.DoubleType)
          .add("i", DataTypes.IntegerType)
          .add("s", DataTypes.StringType)
          .add("flag", DataTypes.BooleanType);

  /** Rows with nulls, NaNs, infinities, both zeros, empty strings and repeated values. */
  private Dataset<Row> randomRows(long seed, int n, int partitions) {
    Random r = new Random(seed);
    double[] odd = {
      Double.NaN, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, 0.0, -0.0, 1e12, -1e-300
    };
    List<Row> rows = new ArrayList<>();
    for (int k = 0; k < n; k++) {
      Double x =
          r.nextInt(10) == 0
              ? null
              : r.nextInt(8) == 0 ? odd[r.nextInt(odd.length)] : r.nextGaussian() * 1000;
      Integer i = r.nextInt(12) == 0 ? null : r.nextInt(n / 3 + 1);
      String s = r.nextInt(9) == 0 ? null : r.nextInt(20) == 0 ? "" : "v" + r.nextInt(500);
      Boolean flag = r.nextInt(7) == 0 ? null : r.nextBoolean();
      rows.add(RowFactory.create(x, i, s, flag));
    }
    return spark.createDataFrame(rows, SCHEMA).repartition(partitions);
  }

  private static Column finite(Column x) {
    return when(x.geq(-Double.MAX_VALUE).and(x.leq(Double.MAX_VALUE)), x);
  }

  @Test
  void agreesWithSparksAggregatesOverRowsWithNullsNaNsAndZeros() {
    for (long seed = 1; seed <= 3; seed++) {
      Dataset<Row> rows = randomRows(seed, 4000, (int) seed * 3).cache();
      RowMetrics m = new RowMetrics();
      String all = m.count(lit(true));
      String flags = m.count(col("flag"));
      String moments = m.moments(finite(col("x")));
      String intMoments = m.moments(col("i"));
      String kll = m.kll(finite(col("x")));
      String ints = m.hll(col("i"), DataTypes.IntegerType, 12);
      String strings = m.hll(col("s"), DataTypes.StringType, 12);
      String doubles = m.hll(col("x"), DataTypes.DoubleType, 12);
      String hash = m.hashSum(ContentChecksum.rowHash(rows.columns()));
      m.run(rows);

      Row spark =
          rows.agg(
                  functions.count(lit(1)),
                  count_if(col("flag")),
                  functions.min(finite(col("x"))),
                  functions.max(finite(col("x"))),
                  functions.avg(finite(col("x"))),
                  functions.stddev_samp(finite(col("x"))),
                  functions.count(finite(col("x"))),
                  functions.avg(col("i")),
                  functions.stddev_samp(col("i")),
                  count_distinct(col("i")),
                  count_distinct(when(col("s").notEqual(""), col("s"))),
                  count_distinct(col("x")))
              .first();
      assertThat(m.longValue(all)).isEqualTo(spark.getLong(0));
      assertThat(m.longValue(flags)).isEqualTo(spark.getLong(1));
      assertThat(m.doubleValue(moments + ".min")).isEqualTo(spark.getDouble(2));
      assertThat(m.doubleValue(moments + ".max")).isEqualTo(spark.getDouble(3));
      assertThat(m.doubleValue(moments + ".mean"))
          .isCloseTo(spark.getDouble(4), within(1e-9 * Math.abs(spark.getDouble(4))));
      assertThat(m.doubleValue(moments + ".stddev"))
          .isCloseTo(spark.getDouble(5), within(1e-9 * spark.getDouble(5)));
      assertThat(m.doubleValue(intMoments + ".mean"))
          .isCloseTo(spark.getDouble(7), within(1e-9 * spark.getDouble(7)));
      assertThat(m.doubleValue(intMoments + ".stddev"))
          .isCloseTo(spark.getDouble(8), within(1e-9 * spark.getDouble(8)));
      KllDoublesSketch sketch = Statistics.sketch(m.bytes(kll));
      assertThat(sketch.getN()).isEqualTo(spark.getLong(6));
      assertThat(sketch.getMinItem()).isEqualTo(spark.getDouble(2));
      assertThat(sketch.getMaxItem()).isEqualTo(spark.getDouble(3));
      // estimates within 4% of the exact counts (empty strings left out, as Spark's sketch does);
      // integers and strings hash as Spark's hll_sketch_agg hashes them: a union of the two
      // sketches estimates what each does (with other hashes it would count each value twice)
      assertThat(m.longValue(ints + ".estimate"))
          .isCloseTo(spark.getLong(9), within(spark.getLong(9) / 25));
      assertThat(m.longValue(strings + ".estimate"))
          .isCloseTo(spark.getLong(10), within(spark.getLong(10) / 25));
      for (String[] pair : new String[][] {{ints, "i"}, {strings, "s"}}) {
        byte[] theirs = rows.agg(functions.hll_sketch_agg(col(pair[1]), 12)).first().getAs(0);
        Union union = new Union(12);
        union.update(HllSketch.heapify(Memory.wrap(m.bytes(pair[0]))));
        union.update(HllSketch.heapify(Memory.wrap(theirs)));
        long estimate = m.longValue(pair[0] + ".estimate");
        assertThat(Math.round(union.getEstimate()))
            .as(pair[1])
            .isCloseTo(estimate, within(estimate / 25));
      }
      long distinctDoubles = spark.getLong(11);
      assertThat((double) m.longValue(doubles + ".estimate"))
          .isCloseTo(distinctDoubles, within(0.05 * distinctDoubles));
      assertThat(ContentChecksum.format(m.longValue(all), m.decimal(hash)))
          .isEqualTo(ContentChecksum.of(rows));
      rows.unpersist();
    }
  }

  /** One metric of every kind over {@code rows}' columns. */
  private static void declareAll(RowMetrics m, Dataset<Row> rows) {
    m.count(lit(true));
    m.count(col("flag"));
    m.moments(finite(col("x")));
    m.moments(col("i"));
    m.kll(finite(col("x")));
    m.hll(col("i"), DataTypes.IntegerType, 12);
    m.hll(col("s"), DataTypes.StringType, 12);
    m.hll(col("x"), DataTypes.DoubleType, 12);
    m.hashSum(ContentChecksum.rowHash(rows.columns()));
  }

  @Test
  void rowsPassingToAJobFoldTheMetricsOfTheRowsWhereTheConditionHoldsOncePerPartition() {
    Dataset<Row> rows = randomRows(11, 6000, 5).cache();
    RowMetrics scanned = new RowMetrics();
    declareAll(scanned, rows);
    scanned.run(rows.where(col("flag")));

    RowMetrics folded = new RowMetrics();
    declareAll(folded, rows);
    RowMetrics.Passing passing = folded.passing(rows, col("flag"));
    assertThat(passing.complete()).isFalse();
    // a job that stops early does not stand for the rows: in one partition, or in every one
    assertThat(passing.rows().limit(10).collectAsList()).hasSize(10);
    assertThat(passing.complete()).isFalse();
    long firstRows =
        passing
            .rows()
            .javaRDD()
            .mapPartitions(
                (org.apache.spark.api.java.function.FlatMapFunction<java.util.Iterator<Row>, Row>)
                    it -> {
                      List<Row> first = new ArrayList<>();
                      while (first.size() < 3 && it.hasNext()) {
                        first.add(it.next());
                      }
                      return first.iterator();
                    })
            .count();
    assertThat(firstRows).isEqualTo(15);
    assertThat(passing.complete()).isFalse();
    List<Row> passed = passing.rows().collectAsList();
    // a second job over the same partitions replaces their states rather than adding to them
    passing.rows().count();
    assertThat(passing.complete()).isTrue();
    folded.merge(passing);

    assertThat(passing.rows().schema()).isEqualTo(rows.schema());
    assertThat(passed).containsExactlyInAnyOrderElementsOf(rows.collectAsList());
    // the same rows folded in the same order and merged in the same partition order: every
    // result is the same to the bit, but the KLL sketch's, which draws random bits as it
    // compacts; that one is of as many values, with the same extremes
    Map<String, Object> mine = folded.results();
    Map<String, Object> theirs = scanned.results();
    KllDoublesSketch kll = Statistics.sketch((byte[]) mine.remove("kll0"));
    KllDoublesSketch theirKll = Statistics.sketch((byte[]) theirs.remove("kll0"));
    assertThat(mine).usingRecursiveComparison().isEqualTo(theirs);
    assertThat(kll.getN()).isEqualTo(theirKll.getN()).isGreaterThan(1000);
    assertThat(kll.getMinItem()).isEqualTo(theirKll.getMinItem());
    assertThat(kll.getMaxItem()).isEqualTo(theirKll.getMaxItem());
    // the fold counted the rows where the condition holds, not all that passed
    assertThat(folded.results().get("count0"))
        .isEqualTo(rows.where(col("flag")).count())
        .isNotEqualTo((long) passed.size());
    rows.unpersist();
  }

  @Test
  void givesNullsAndZerosOverNoRows() {
    Dataset<Row> rows = randomRows(7, 10, 2).where(lit(false));
    RowMetrics m = new RowMetrics();
    String all = m.count(lit(true));
    String moments = m.moments(col("x"));
    String kll = m.kll(col("x"));
    String hll = m.hll(col("s"), DataTypes.StringType, 12);
    String hash = m.hashSum(ContentChecksum.rowHash(rows.columns()));
    m.run(rows);

    assertThat(m.longValue(all)).isZero();
    assertThat(m.doubleValue(moments + ".min")).isNull();
    assertThat(m.doubleValue(moments + ".mean")).isNull();
    assertThat(m.doubleValue(moments + ".stddev")).isNull();
    assertThat(m.bytes(kll)).isNull();
    assertThat(m.bytes(hll)).isNull();
    assertThat(m.longValue(hll + ".estimate")).isZero();
    assertThat(m.decimal(hash)).isNull();
    assertThat(ContentChecksum.format(0, m.decimal(hash))).isEqualTo(ContentChecksum.of(rows));
  }

  @Test
  void oneValueHasAMeanAndNoStandardDeviation() {
    Dataset<Row> rows =
        spark.createDataFrame(List.of(RowFactory.create(2.5, 1, "a", true)), SCHEMA);
    RowMetrics m = new RowMetrics();
    String moments = m.moments(col("x"));
    m.run(rows);

    assertThat(m.doubleValue(moments + ".mean")).isEqualTo(2.5);
    assertThat(m.doubleValue(moments + ".stddev")).isNull();
    assertThat(rows.agg(functions.stddev_samp(col("x"))).first().isNullAt(0)).isTrue();
  }
}
