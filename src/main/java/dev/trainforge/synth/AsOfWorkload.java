package dev.trainforge.synth;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.exp;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * A seeded as-of join workload at any scale, for benchmarks: labels {@code (id, k, t)} and feature
 * logs {@code (k, e, v)}, times in epoch microseconds. Key activity is Zipf-like (key {@code r} has
 * weight about {@code 1/(r+1)}), the same for labels and features; optionally one key takes a share
 * of all rows on top. Feature rows are in time order, with distinct times, as logs are; label times
 * are uniform over the same span. Values are never null, so that methods which fill nulls from
 * older rows (last ignoring nulls) agree with the spec. With {@code uniformKeys}, keys are uniform
 * over {@code 0..keys-1} instead of Zipf-like (the hot key's share stays on top).
 */
public final class AsOfWorkload {
  /**
   * @param seed the seed
   * @param labels label rows
   * @param featureRows rows per feature source
   * @param keys distinct keys
   * @param sources feature sources
   * @param hotShare share of labels and feature rows given to key 0 on top of its Zipf share
   */
  public record Shape(
      long seed, long labels, long featureRows, long keys, int sources, double hotShare) {
    public Shape {
      if (labels < 1
          || featureRows < 1
          || keys < 1
          || sources < 1
          || hotShare < 0
          || hotShare > 1) {
        throw new IllegalArgumentException("bad workload shape: " + this);
      }
    }
  }

  static final long START = 1_767_225_600_000_000L; // 2026-01-01T00:00:00Z
  static final long SPAN = 60L * 86_400_000_000L; // 60 days

  private final SparkSession spark;
  private final Shape shape;
  private final boolean uniformKeys;

  public AsOfWorkload(SparkSession spark, Shape shape) {
    this(spark, shape, false);
  }

  /** A workload whose keys are uniform when {@code uniformKeys}, else Zipf-like. */
  public AsOfWorkload(SparkSession spark, Shape shape, boolean uniformKeys) {
    this.spark = spark;
    this.shape = shape;
    this.uniformKeys = uniformKeys;
  }

  private Column u(int salt) {
    return shiftrightunsigned(xxhash64(col("id"), lit(shape.seed()), lit(salt)), 11)
        .cast(DataTypes.DoubleType)
        .divide(lit(9007199254740992.0));
  }

  private Column key(int salt) {
    Column spread =
        uniformKeys
            ? floor(u(salt).multiply((double) shape.keys()))
            : floor(exp(u(salt).multiply(Math.log(shape.keys() + 1.0)))).minus(1);
    return when(u(salt + 1).lt(shape.hotShare()), lit(0L))
        .otherwise(spread)
        .cast(DataTypes.LongType);
  }

  public Dataset<Row> labels() {
    return spark
        .range(shape.labels())
        .select(
            col("id"),
            key(1).as("k"),
            lit(START).plus(floor(u(3).multiply((double) SPAN)).cast("long")).as("t"));
  }

  /** Source {@code j}: distinct, increasing event times over the span. */
  public Dataset<Row> features(int j) {
    long step = Math.max(1, SPAN / shape.featureRows());
    return spark
        .range(shape.featureRows())
        .select(
            key(10 + 10 * j).as("k"),
            lit(START).plus(col("id").multiply(step)).plus(lit(j)).as("e"),
            round(u(12 + 10 * j).multiply(100.0), 3).as("v"));
  }

  /** Writes {@code labels/} and {@code f0/..f<n-1>/} under {@code dir} as Parquet. */
  public void writeAll(String dir, int files) {
    labels().repartition(files).write().mode("overwrite").parquet(dir + "/labels");
    for (int j = 0; j < shape.sources(); j++) {
      // time order survives: range ids are ordered, coalesce keeps them contiguous
      features(j).coalesce(files).write().mode("overwrite").parquet(dir + "/f" + j);
    }
  }
}
