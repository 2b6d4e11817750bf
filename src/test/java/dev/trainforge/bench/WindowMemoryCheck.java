package dev.trainforge.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;

import dev.trainforge.join.Aggregation;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.synth.AsOfWorkload;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * Bounded memory of windowed aggregations on one hot key: every label and every feature row on one
 * key, windows of 365 days over 60 days of rows (so every row stays in every window), count, sum,
 * max and a last-5, range partitions. Run with a small heap: {@code bench/window-memory.sh}.
 *
 * <p>Arguments: labels, feature rows, partitions, output directory.
 */
public final class WindowMemoryCheck {
  private WindowMemoryCheck() {}

  public static void main(String[] args) throws Exception {
    long labels = Long.parseLong(args[0]);
    long rows = Long.parseLong(args[1]);
    int partitions = Integer.parseInt(args[2]);
    Path dir = Path.of(args[3]);
    SparkSession spark =
        SparkSessions.localBuilder("local[2]", "window-memory")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    Path data = dir.resolve("data");
    AsOfWorkload workload =
        new AsOfWorkload(spark, new AsOfWorkload.Shape(5, labels, rows, 1, 1, 0));
    if (!data.resolve("f0").toFile().exists()) {
      workload.writeAll(data.toString(), 4);
    }
    long w = 365L * 86_400_000_000L;
    Dataset<Row> features =
        spark
            .read()
            .parquet(data.resolve("f0").toString())
            .select(
                col("k"),
                col("e").as(JoinColumns.EVENT_TIME),
                col("e").as(JoinColumns.AVAILABLE_TIME),
                lit(null).cast("long").as(JoinColumns.TIE_BREAK),
                col("v").as("s__v"));
    JoinSource source =
        new JoinSource(
            "s",
            features,
            List.of("k"),
            List.of(),
            0,
            -1,
            true,
            false,
            false,
            OptionalLong.of(0),
            List.of(
                Aggregation.of("n_365d", Aggregation.Function.COUNT, null, w),
                Aggregation.of("sum_365d", Aggregation.Function.SUM, "s__v", w),
                Aggregation.of("max_365d", Aggregation.Function.MAX, "s__v", w),
                Aggregation.lastK("last5", "s__v", 5, w)));
    Dataset<Row> labelRows =
        spark
            .read()
            .parquet(data.resolve("labels").toString())
            .withColumn(JoinColumns.LABEL_TIME, col("t"));
    long start = System.nanoTime();
    new AsOfJoin(new RangePartitioning(), partitions)
        .join(labelRows, List.of(source))
        .select("id", "n_365d", "sum_365d", "max_365d", "last5")
        .write()
        .mode("overwrite")
        .parquet(dir.resolve("out").toString());
    double seconds = (System.nanoTime() - start) / 1e9;
    Row check =
        spark
            .read()
            .parquet(dir.resolve("out").toString())
            .selectExpr("count(*)", "max(n_365d)", "sum(CAST(n_365d = 0 AS INT))")
            .first();
    long peak = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        peak += pool.getPeakUsage().getUsed();
      }
    }
    System.out.printf(
        Locale.ROOT,
        "one key: %,d labels x %,d rows, 365-day windows, %d partitions, heap %,d MiB: %.1f s,"
            + " heap pools' peaks summed %,d MiB; %,d rows out, largest count %,d, %,d labels with no row%n",
        labels,
        rows,
        partitions,
        Runtime.getRuntime().maxMemory() >> 20,
        seconds,
        peak >> 20,
        check.getLong(0),
        check.getLong(1),
        check.getLong(2));
    spark.stop();
  }
}
