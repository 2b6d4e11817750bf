package dev.trainforge.validate;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class DistinctCountsTest {
  private final SparkSession spark = SharedSpark.session();

  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("k", DataTypes.StringType)
          .add("t", DataTypes.LongType)
          .add("d", DataTypes.DoubleType);

  private static final List<List<DataType>> TYPES =
      List.of(
          List.of(DataTypes.LongType),
          List.of(DataTypes.StringType, DataTypes.LongType),
          List.of(DataTypes.DoubleType));

  private static long[] counts(Dataset<Row> rows) {
    return counts(rows, -1L);
  }

  private static long[] counts(Dataset<Row> rows, long hashMask) {
    return DistinctCounts.of(
        rows,
        List.of(List.of(col("id")), List.of(col("k"), col("t")), List.of(col("d"))),
        TYPES,
        hashMask,
        new RowMetrics());
  }

  private static long[] sparks(Dataset<Row> rows) {
    Row r =
        rows.agg(
                count_distinct(col("id")),
                count_distinct(col("k"), col("t")),
                count_distinct(col("d")))
            .first();
    return new long[] {r.getLong(0), r.getLong(1), r.getLong(2)};
  }

  @Test
  void agreesWithSparksCountDistinctOverRepeatsNullsAndBothZeros() {
    double[] odd = {0.0, -0.0, Double.NaN, Double.longBitsToDouble(0x7ff8000000000123L), 1.5};
    for (long seed = 1; seed <= 2; seed++) {
      Random r = new Random(seed);
      List<Row> rows = new ArrayList<>();
      int n = 3000;
      for (int i = 0; i < n; i++) {
        Long id = r.nextInt(15) == 0 ? null : (long) r.nextInt(seed % 2 == 0 ? n * 10 : n);
        String k = r.nextInt(20) == 0 ? null : "k" + r.nextInt(50);
        Long t = r.nextInt(20) == 0 ? null : (long) r.nextInt(200);
        Double d =
            r.nextInt(10) == 0
                ? null
                : r.nextBoolean() ? odd[r.nextInt(odd.length)] : r.nextInt(300) / 7.0;
        rows.add(RowFactory.create(id, k, t, d));
      }
      Dataset<Row> data = spark.createDataFrame(rows, SCHEMA).repartition((int) seed * 2 + 1);

      long[] expected = sparks(data);
      assertThat(counts(data)).as("seed %d", seed).containsExactly(expected);
      // hashes cut to 8 bits: distinct tuples share hashes, and the counts stay exact
      assertThat(counts(data, 0xffL)).as("seed %d, 8-bit hashes", seed).containsExactly(expected);
    }
  }

  @Test
  void countsExactlyWhenMoreHashesRepeatThanAreCountedOneByOne() {
    int values = DistinctCounts.MAX_REPEATED_HASHES + 500;
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < values; i++) {
      // every id twice, so every hash repeats; one id once more
      rows.add(RowFactory.create((long) i, "k", (long) i, (double) i));
      rows.add(RowFactory.create((long) i, "k", (long) i + 1, (double) -i));
    }
    rows.add(RowFactory.create(0L, "k", 0L, 0.0));
    Dataset<Row> data = spark.createDataFrame(rows, SCHEMA).repartition(3);

    long[] counts = counts(data);

    assertThat(counts).containsExactly(sparks(data));
    assertThat(counts[0]).isEqualTo(values);
    assertThat(counts[1]).isEqualTo(values + 1);
  }

  @Test
  void carriesOtherMetricsThatEqualAPassOfTheirOwn() {
    // 20,000 rows a map task: more hashes per reduce partition than one record carries
    Random r = new Random(7);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < 40_000; i++) {
      rows.add(
          RowFactory.create(
              (long) r.nextInt(30_000),
              "k" + r.nextInt(100),
              (long) i,
              r.nextInt(9) == 0 ? null : r.nextGaussian()));
    }
    Dataset<Row> data = spark.createDataFrame(rows, SCHEMA).repartition(2);
    RowMetrics own = new RowMetrics();
    RowMetrics carried = new RowMetrics();
    List<String[]> names = new ArrayList<>();
    for (RowMetrics m : List.of(own, carried)) {
      names.add(
          new String[] {
            m.count(col("d").gt(0.5)),
            m.moments(col("d")),
            m.kll(col("d")),
            m.hashSum(org.apache.spark.sql.functions.xxhash64(col("id"), col("k")))
          });
    }

    own.run(data);
    long[] counts =
        DistinctCounts.of(data, List.of(List.of(col("id"))), TYPES.subList(0, 1), -1L, carried);

    assertThat(counts).containsExactly(sparks(data)[0]);
    String[] o = names.get(0);
    String[] c = names.get(1);
    assertThat(carried.longValue(c[0])).isEqualTo(own.longValue(o[0])).isPositive();
    for (String moment : List.of(".min", ".max", ".mean", ".stddev")) {
      assertThat(carried.doubleValue(c[1] + moment))
          .as(moment)
          .isEqualTo(own.doubleValue(o[1] + moment));
    }
    assertThat(
            org.apache.datasketches.kll.KllDoublesSketch.heapify(
                    org.apache.datasketches.memory.Memory.wrap(carried.bytes(c[2])))
                .getN())
        .isEqualTo(data.where(col("d").isNotNull()).count());
    assertThat(carried.decimal(c[3])).isEqualTo(own.decimal(o[3]));
  }

  @Test
  void givesZeroOverNoRows() {
    Dataset<Row> none = spark.createDataFrame(List.of(), SCHEMA);

    assertThat(counts(none)).containsExactly(0, 0, 0);
  }
}
