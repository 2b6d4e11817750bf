package dev.trainforge.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
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
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Writes the join benchmark's S workload (at a scale) as a dataset that {@code generate} can build
 * end to end: labels {@code (id, k, t, y, amount)} with a timestamp label time, and one feature
 * source {@code (k, e, v)} partitioned by {@code event_date}; then a config for it. Used by {@code
 * bench/generate.sh}.
 *
 * <p>Arguments: {@code <dir> <scale>}. Data that exists with the same shape is kept.
 */
public final class GenerateWorkload {
  private GenerateWorkload() {}

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]).toAbsolutePath();
    double scale = Double.parseDouble(args[1]);
    AsOfWorkload.Shape shape =
        new AsOfWorkload.Shape(
            1,
            (long) (2_000_000 * scale),
            (long) (20_000_000 * scale),
            (long) (1_000_000 * scale),
            1,
            0);
    Path marker = dir.resolve("_SHAPE");
    if (!(Files.exists(marker) && Files.readString(marker).equals(shape.toString()))) {
      SparkSession spark =
          SparkSessions.localBuilder("local[2]", "generate-workload")
              .config("spark.ui.enabled", "false")
              .getOrCreate();
      AsOfWorkload w = new AsOfWorkload(spark, shape);
      labels(w).repartition(8).write().mode("overwrite").parquet(dir.resolve("labels").toString());
      features(w)
          .write()
          .mode("overwrite")
          .partitionBy("event_date")
          .parquet(dir.resolve("features").toString());
      spark.stop();
      Files.writeString(marker, shape.toString());
    }
    String conf =
        String.format(
            Locale.ROOT,
            """
            # Written by bench/generate.sh: the join benchmark's S workload at scale %s.
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
            scale,
            dir,
            dir);
    Files.writeString(dir.resolve("asof_s.conf"), conf);
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
