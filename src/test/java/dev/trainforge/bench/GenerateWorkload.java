package dev.trainforge.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trainforge.spark.SparkSessions;
import dev.trainforge.synth.AsOfWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.OptionalInt;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the join benchmark's S workload (at a scale) as a dataset that {@code generate} can build
 * end to end: labels {@code (id, k, t, y, amount)} with a timestamp label time, and one feature
 * source {@code (k, e, v)} partitioned by {@code event_date}; then a config for it. Optionally also
 * a one-day slice of it: the labels of one day and the feature rows of that day, with a config of
 * the same shape. Used by {@code bench/generate.sh}.
 *
 * <p>Arguments: {@code <dir> <scale> [<day>]}, day counted from 0, the first day of the labels.
 * Data that exists with the same shape is kept. Prints the path of the config to build. The
 * environment's {@code TRAINFORGE_BENCH_TIMESTAMPS} says how the files store timestamps: {@code
 * int96} (Spark's default, no statistics) or {@code micros} (INT64, UTC-adjusted, with min/max
 * statistics, as DuckDB, pyarrow and Iceberg write them).
 */
public final class GenerateWorkload {
  private GenerateWorkload() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    double scale = Double.parseDouble(args[1]);
    OptionalInt day =
        args.length > 2 ? OptionalInt.of(Integer.parseInt(args[2])) : OptionalInt.empty();
    AsOfWorkload.Shape shape =
        new AsOfWorkload.Shape(
            1,
            (long) (2_000_000 * scale),
            (long) (20_000_000 * scale),
            (long) (1_000_000 * scale),
            1,
            0);
    String timestamps = System.getenv().getOrDefault("TRAINFORGE_BENCH_TIMESTAMPS", "int96");
    String outputType =
        switch (timestamps) {
          case "int96" -> "INT96";
          case "micros" -> "TIMESTAMP_MICROS";
          default ->
              throw new IllegalArgumentException(
                  "TRAINFORGE_BENCH_TIMESTAMPS is " + timestamps + ": use int96 or micros");
        };
    String whole = "the join benchmark's S workload at scale " + scale;
    Path conf = writeConfig(dir, "asof_s.conf", whole);
    Path slice = day.isPresent() ? dir.resolve("day" + day.getAsInt()) : null;
    Path sliceConf =
        slice == null
            ? null
            : writeConfig(slice, "asof_s_day.conf", "day " + day.getAsInt() + " of " + whole);
    // The INT96 data's marker is the shape alone, as it was before the choice.
    String marker = shape + (timestamps.equals("int96") ? "" : " timestamps " + timestamps);
    boolean wholeReady = written(dir, marker);
    boolean sliceReady = slice == null || written(slice, marker + " day " + day.getAsInt());
    if (!wholeReady || !sliceReady) {
      SparkSession spark =
          SparkSessions.localBuilder("local[2]", "generate-workload")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.parquet.outputTimestampType", outputType)
              .getOrCreate();
      if (!wholeReady) {
        AsOfWorkload w = new AsOfWorkload(spark, shape);
        labels(w)
            .repartition(8)
            .write()
            .mode("overwrite")
            .parquet(dir.resolve("labels").toString());
        features(w)
            .write()
            .mode("overwrite")
            .partitionBy("event_date")
            .parquet(dir.resolve("features").toString());
        Files.writeString(dir.resolve("_SHAPE"), marker);
      }
      if (slice != null && !sliceReady) {
        writeDay(spark, dir, slice, day.getAsInt());
        Files.writeString(slice.resolve("_SHAPE"), marker + " day " + day.getAsInt());
      }
      spark.stop();
    }
    System.out.println(slice == null ? conf : sliceConf);
  }

  private static boolean written(Path dir, String shape) throws java.io.IOException {
    Path marker = dir.resolve("_SHAPE");
    return Files.exists(marker) && Files.readString(marker).equals(shape);
  }

  /**
   * Writes to {@code slice} the labels of day {@code day} (from the first label's UTC date) and the
   * feature rows of that date, from the whole workload in {@code dir}.
   */
  private static void writeDay(SparkSession spark, Path dir, Path slice, int day) {
    Dataset<Row> labels = spark.read().parquet(dir.resolve("labels").toString());
    java.sql.Date first = labels.agg(min(to_date(col("t")))).first().getDate(0);
    java.sql.Date date = java.sql.Date.valueOf(first.toLocalDate().plusDays(day));
    labels
        .where(to_date(col("t")).equalTo(lit(date)))
        .repartition(1)
        .write()
        .mode("overwrite")
        .parquet(slice.resolve("labels").toString());
    spark
        .read()
        .parquet(dir.resolve("features").toString())
        .where(col("event_date").equalTo(lit(date)))
        .repartition(1)
        .write()
        .mode("overwrite")
        .partitionBy("event_date")
        .parquet(slice.resolve("features").toString());
  }

  /** Writes the config of the dataset whose data is in {@code dir}; returns its path. */
  private static Path writeConfig(Path dir, String name, String what) throws java.io.IOException {
    String conf =
        String.format(
            Locale.ROOT,
            """
            # Written by bench/generate.sh: %s.
            dataset {
              name = asof_s
              version = "1"
              labels {
                format = parquet
                path = "%s/labels"
                id-column = id
                time-column = t
                key-columns = [k]
                label-columns = [y, amount]
              }
              features {
                f0 {
                  path = "%s/features"
                  keys { k = k }
                  event-time-column = e
                  columns = [v]
                  partition-column = event_date
                }
              }
            }
            """,
            what,
            dir,
            dir);
    Files.createDirectories(dir);
    Path file = dir.resolve(name);
    Files.writeString(file, conf);
    return file;
  }

  /** The workload's labels as {@code generate} reads them: {@code (id, k, t, y, amount)}. */
  public static Dataset<Row> labels(AsOfWorkload w) {
    return w.labels()
        .select(
            col("id"),
            col("k"),
            timestamp_micros(col("t")).as("t"),
            when(pmod(xxhash64(col("id"), lit(7)), lit(50)).equalTo(0), 1).otherwise(0).as("y"),
            pmod(xxhash64(col("id"), lit(8)), lit(100_000)).divide(100.0).as("amount"));
  }

  /**
   * The workload's first feature source as {@code generate} reads it: {@code (k, e, v,
   * event_date)}, to be partitioned by {@code event_date}.
   */
  public static Dataset<Row> features(AsOfWorkload w) {
    return w.features(0)
        .select(
            col("k"),
            timestamp_micros(col("e")).as("e"),
            col("v"),
            to_date(timestamp_micros(col("e"))).as("event_date"));
  }
}
