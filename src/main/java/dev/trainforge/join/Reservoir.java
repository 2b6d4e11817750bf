package dev.trainforge.join;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * Reservoir sampling with geometric skips (Li's algorithm L): a uniform sample of at most {@code
 * size} of the rows offered, in one pass, with a few random draws per row kept rather than one per
 * row seen. The caller keeps the rows; this says which slot each offered row takes. The same seed
 * and the same rows choose the same sample.
 */
final class Reservoir {
  private final Random random;
  private final int size;
  private double w;
  private long next;
  private long seen;

  Reservoir(int size, long seed) {
    if (size < 1) {
      throw new IllegalArgumentException("size must be positive: " + size);
    }
    this.random = new Random(seed);
    this.size = size;
    this.w = Math.exp(Math.log(random.nextDouble()) / size);
    this.next = size + skip() + 1;
  }

  /**
   * The most rows a partition of {@code inputPartitions} keeps, to sample for {@code
   * joinPartitions}.
   */
  static int perPartition(int joinPartitions, int inputPartitions) {
    int target = Math.min(Math.max(100 * joinPartitions, 2_000), 1_000_000);
    return (int) Math.ceil(3.0 * target / Math.max(1, inputPartitions));
  }

  /** Counts one more row; returns the slot it replaces (or fills), or -1 when it is not kept. */
  int offer() {
    seen++;
    if (seen <= size) {
      return (int) seen - 1;
    }
    if (seen != next) {
      return -1;
    }
    int slot = random.nextInt(size);
    w *= Math.exp(Math.log(random.nextDouble()) / size);
    next += skip() + 1;
    return slot;
  }

  /** The rows kept: the first {@code kept()} slots are filled. */
  int kept() {
    return (int) Math.min(seen, size);
  }

  /**
   * A task's result: the rows in {@code kept}'s first {@link #kept} slots, each with the rows it
   * stands for, then the partition's latest label time, told apart by a negative weight (tuples,
   * not records: task results go through Kryo, which cannot build records).
   */
  List<Tuple2<InternalRow, Double>> result(InternalRow[] kept, long latestLabel) {
    int n = kept();
    List<Tuple2<InternalRow, Double>> out = new ArrayList<>(n + 1);
    for (int i = 0; i < n; i++) {
      out.add(new Tuple2<>(kept[i], (double) seen / n));
    }
    out.add(new Tuple2<>(SparkRows.row(new Object[] {latestLabel}), -1.0));
    return out;
  }

  /** The tasks' {@link #result}s together: every sample, and the latest label time of all. */
  record Collected(List<InternalRow> rows, double[] weights, long latestLabel) {}

  static Collected collect(List<Tuple2<InternalRow, Double>> results) {
    List<InternalRow> rows = new ArrayList<>(results.size());
    double[] weights = new double[results.size()];
    long latest = Long.MIN_VALUE;
    for (Tuple2<InternalRow, Double> t : results) {
      if (t._2() < 0) {
        latest = Math.max(latest, t._1().getLong(0));
      } else {
        weights[rows.size()] = t._2();
        rows.add(t._1());
      }
    }
    return new Collected(rows, Arrays.copyOf(weights, rows.size()), latest);
  }

  private long skip() {
    double s = Math.floor(Math.log(random.nextDouble()) / Math.log1p(-w));
    return s >= Long.MAX_VALUE / 2 || Double.isNaN(s) ? Long.MAX_VALUE / 2 : (long) s;
  }
}
