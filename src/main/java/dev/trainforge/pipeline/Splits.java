package dev.trainforge.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trainforge.config.SplitSpec;
import java.sql.Timestamp;
import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Adds the split column to a dataset: a projection, no shuffle and no extra pass. The value of a
 * row depends only on its own label time or group key, so it is the same whatever the partitioning
 * or the order of rows.
 */
public final class Splits {
  /** 2^53: a hash shifted right by 11 bits, divided by this, is uniform in [0, 1). */
  private static final double TWO_POW_53 = 9007199254740992.0;

  private Splits() {}

  /**
   * {@code rows} with the split column appended.
   *
   * @param timeColumn the label time column (a timestamp), for splits by time
   */
  public static Dataset<Row> assign(Dataset<Row> rows, SplitSpec split, String timeColumn) {
    Column value =
        switch (split.by()) {
          case TIME -> byTime(col(timeColumn), split);
          case HASH -> byHash(col(split.groupKey().orElseThrow()), split);
        };
    return rows.withColumn(split.column(), value);
  }

  private static Column byTime(Column t, SplitSpec split) {
    Column train = t.lt(timestamp(split.trainUntil().orElseThrow()));
    Column assigned = when(train, lit(SplitSpec.TRAIN));
    if (split.validationUntil().isPresent()) {
      assigned =
          assigned.when(t.lt(timestamp(split.validationUntil().get())), lit(SplitSpec.VALIDATION));
    }
    // A null time matches no condition above and stays null.
    return assigned.when(t.isNotNull(), lit(SplitSpec.TEST));
  }

  private static Column byHash(Column key, SplitSpec split) {
    // The top 53 bits of xxhash64(seed, key) as a double in [0, 1): exact, no rounding.
    Column u =
        shiftrightunsigned(xxhash64(lit(split.seed()), key), 11).cast("double").divide(TWO_POW_53);
    double trainEnd = split.train();
    double validationEnd = split.train() + split.validation();
    return when(u.lt(trainEnd), lit(SplitSpec.TRAIN))
        .when(u.lt(validationEnd), lit(SplitSpec.VALIDATION))
        .otherwise(lit(SplitSpec.TEST));
  }

  private static Column timestamp(Instant instant) {
    return lit(Timestamp.from(instant));
  }

  /**
   * One line with the rows per split of {@code rows}, e.g. {@code Split 'split': train 24,
   * validation 3, test 3, none 0}. Costs one aggregation over the split column only (column pruning
   * reads nothing else).
   */
  public static String describe(Dataset<Row> rows, SplitSpec split) {
    java.util.Map<String, Long> counts = new java.util.HashMap<>();
    for (Row r : rows.groupBy(split.column()).count().collectAsList()) {
      counts.put(r.isNullAt(0) ? null : r.getString(0), r.getLong(1));
    }
    return String.format(
        "Split '%s' (by %s): train %d, validation %d, test %d, none %d",
        split.column(),
        split.by().name().toLowerCase(java.util.Locale.ROOT),
        counts.getOrDefault(SplitSpec.TRAIN, 0L),
        counts.getOrDefault(SplitSpec.VALIDATION, 0L),
        counts.getOrDefault(SplitSpec.TEST, 0L),
        counts.getOrDefault(null, 0L));
  }
}
