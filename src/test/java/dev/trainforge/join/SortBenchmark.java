package dev.trainforge.join;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The merge's in-memory sort alone ({@code bench/sort.sh}): one partition of synthetic events (one
 * integer key, a tenth of them labels, times over a year, one double feature) sorted and read back
 * in sorted order, again and again on the same {@link SortArena}, as a thread's tasks do. No Spark
 * job: it measures the sort, without the shuffle and the merge around it. Lives in the join package
 * because the sorter is package-private.
 *
 * <p>Options: {@code --rows N} (default 350,000: the join's default rows per partition), {@code
 * --rows-per-key N} (default 22, as in the join benchmarks), {@code --rounds N} (default 40, the
 * first quarter not counted).
 */
public final class SortBenchmark {
  private SortBenchmark() {}

  public static void main(String[] args) {
    Map<String, String> opts = dev.trainforge.bench.BenchOptions.parse(args);
    int rows = Integer.parseInt(opts.getOrDefault("rows", "350000"));
    int rowsPerKey = Integer.parseInt(opts.getOrDefault("rows-per-key", "22"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "40"));
    EventLayout layout =
        EventLayout.plan(
            List.of("k"),
            new DataType[] {DataTypes.IntegerType},
            List.of(),
            List.of(
                new EventLayout.SourceShape(null, false, false, List.of(DataTypes.DoubleType))));
    List<InternalRow> events = events(rows, Math.max(1, rows / rowsPerKey));
    SortArena arena = new SortArena(EventSorter.CHUNK);
    long best = Long.MAX_VALUE;
    long total = 0;
    long checksum = 0;
    int counted = 0;
    for (int round = 0; round < rounds; round++) {
      long start = System.nanoTime();
      Iterator<InternalRow> sorted =
          new EventSorter(layout, Long.MAX_VALUE, arena).sort(events.iterator());
      while (sorted.hasNext()) {
        InternalRow row = sorted.next();
        checksum = checksum * 31 + row.getLong(1); // reads every row, in sorted order
      }
      arena.giveBack();
      long took = System.nanoTime() - start;
      if (round >= rounds / 4) {
        best = Math.min(best, took);
        total += took;
        counted++;
      }
    }
    System.out.printf(
        "sort of %,d events (%d per key): best %.1f ms, mean %.1f ms (%.0f ns a row), over %d"
            + " rounds after %d%n",
        rows,
        rowsPerKey,
        best / 1e6,
        total / 1e6 / counted,
        (double) total / counted / rows,
        counted,
        rounds - counted);
    if (checksum == 42) {
      System.out.println(); // uses the rows read, so that the JIT cannot drop the reading
    }
  }

  /** Events in the layout's fields: (key hash, time, order, salt, e, v); the key is its hash. */
  private static List<InternalRow> events(int rows, int keys) {
    StructType schema =
        new StructType()
            .add("kh", DataTypes.LongType, true)
            .add("t", DataTypes.LongType, true)
            .add("o", DataTypes.IntegerType, false)
            .add("salt", DataTypes.LongType, false)
            .add("e", DataTypes.LongType, true)
            .add("v", DataTypes.DoubleType, true);
    UnsafeProjection unsafe = UnsafeProjection.create(schema);
    Random random = new Random(1);
    long start = 1_700_000_000_000_000L;
    List<InternalRow> out = new ArrayList<>(rows);
    for (int i = 0; i < rows; i++) {
      boolean label = random.nextInt(10) == 0;
      long key = random.nextInt(keys) * 7919L + 13;
      long t = start + (long) (random.nextDouble() * 365 * 86_400e6);
      Object[] fields = {
        key, t, label ? 1 : 0, 0L, label ? null : t, label ? null : random.nextDouble()
      };
      out.add(unsafe.apply(new GenericInternalRow(fields)).copy());
    }
    return out;
  }
}
