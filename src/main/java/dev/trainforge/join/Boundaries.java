package dev.trainforge.join;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.catalyst.InternalRow;
import scala.Tuple2;

/**
 * Range boundaries over the event order {@code (key hash, keys, time, order, salt)}, sampled over
 * all events (labels and feature rows alike) and weighted by each input partition's row count, so
 * that every range holds about as many rows. A key with more rows than a range spans several
 * ranges, split by time. Partition {@code p} holds the events {@code b[p-1] < e <= b[p]}.
 */
final class Boundaries implements Serializable {
  private static final long serialVersionUID = 1L;

  private final EventLayout layout;
  private final InternalRow[] bounds;
  // the partitions the events are spread over: more than the bounds when some were not distinct
  private final int partitions;
  // the bounds' fields, so that routing compares longs, not boxed values
  private final long[] hashes;
  private final long[] times;
  private final boolean[] nullTimes;
  private final int[] orders;
  private final long[] salts;
  // the latest label time of all events: a window's exit after it can change no label's row
  private final long latestLabel;

  private Boundaries(EventLayout layout, InternalRow[] bounds, int partitions) {
    this(layout, bounds, partitions, Long.MAX_VALUE);
  }

  private Boundaries(EventLayout layout, InternalRow[] bounds, int partitions, long latestLabel) {
    this.layout = layout;
    this.bounds = bounds;
    this.partitions = partitions;
    this.latestLabel = latestLabel;
    int n = bounds.length;
    this.hashes = new long[n];
    this.times = new long[n];
    this.nullTimes = new boolean[n];
    this.orders = new int[n];
    this.salts = new long[n];
    for (int i = 0; i < n; i++) {
      InternalRow b = bounds[i];
      hashes[i] = b.getLong(layout.keyHashIndex());
      nullTimes[i] = b.isNullAt(layout.timeIndex());
      times[i] = nullTimes[i] ? 0 : b.getLong(layout.timeIndex());
      orders[i] = b.getInt(layout.orderIndex());
      salts[i] = b.getLong(layout.saltIndex());
    }
  }

  int count() {
    return bounds.length;
  }

  /** The partitions the events are spread over: {@link #count()} + 1 or more. */
  int partitions() {
    return partitions;
  }

  InternalRow get(int i) {
    return bounds[i];
  }

  /**
   * Samples {@code events} (one pass, nothing but the samples collected) and picks at most {@code
   * partitions - 1} distinct boundaries.
   */
  static Boundaries sample(EventLayout layout, JavaRDD<InternalRow> events, int partitions) {
    return sample(layout, events, TakenSample.NONE, partitions);
  }

  /**
   * Samples {@code events} (one pass, nothing but the samples collected) and, with the samples
   * {@code taken} before it (labels sampled in a pass of their own, which {@code events} then
   * leaves out), picks at most {@code partitions - 1} distinct boundaries.
   */
  static Boundaries sample(
      EventLayout layout, JavaRDD<InternalRow> events, TakenSample taken, int partitions) {
    if (partitions <= 1) {
      return new Boundaries(layout, new InternalRow[0], 1);
    }
    return sample(layout, events, taken, partitions, rows -> partitions);
  }

  /**
   * Like {@link #sample(EventLayout, JavaRDD, TakenSample, int)}, with a sample sized for {@code
   * sampleFor} partitions, for as many partitions as {@code partitionsFor} gives (at least 1) for
   * the events' row count, which the sampling pass counts.
   */
  static Boundaries sample(
      EventLayout layout,
      JavaRDD<InternalRow> events,
      TakenSample taken,
      int sampleFor,
      java.util.function.DoubleToIntFunction partitionsFor) {
    int perPartition = Reservoir.perPartition(sampleFor, events.getNumPartitions());
    Reservoir.Collected collected =
        Reservoir.collect(
            events
                .mapPartitionsWithIndex(
                    (index, rows) -> reservoir(layout, rows, perPartition, index).iterator(), false)
                .collect());
    List<Sample> samples = new ArrayList<>(taken.samples());
    for (int i = 0; i < collected.rows().size(); i++) {
      samples.add(new Sample(collected.rows().get(i), collected.weights()[i]));
    }
    double rows = samples.stream().mapToDouble(Sample::weight).sum();
    int partitions = Math.max(1, partitionsFor.applyAsInt(rows));
    Boundaries chosen = choose(layout, samples, partitions);
    return new Boundaries(
        layout, chosen.bounds, partitions, Math.max(taken.latestLabel(), collected.latestLabel()));
  }

  /** The latest label time among the events sampled (all of them are scanned). */
  long latestLabel() {
    return latestLabel;
  }

  /** A sampled event's sort fields and the weight (rows) it stands for. */
  record Sample(InternalRow key, double weight) {}

  /** A uniform sample of a partition's events with a key, and its latest label time. */
  private static List<Tuple2<InternalRow, Double>> reservoir(
      EventLayout layout, Iterator<InternalRow> rows, int size, int seed) {
    Reservoir reservoir = new Reservoir(size, seed);
    InternalRow[] kept = new InternalRow[size];
    long latestLabel = Long.MIN_VALUE;
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      if (layout.isLabel(row) && !row.isNullAt(layout.timeIndex())) {
        latestLabel = Math.max(latestLabel, row.getLong(layout.timeIndex()));
      }
      if (row.isNullAt(layout.keyHashIndex())) {
        continue; // null keys are spread by salt, not by range
      }
      int slot = reservoir.offer();
      if (slot >= 0) {
        kept[slot] = sortFields(layout, row);
      }
    }
    return reservoir.result(kept, latestLabel);
  }

  /** A row of just the sort fields, in event positions, so that it compares like an event. */
  static InternalRow sortFields(EventLayout layout, InternalRow event) {
    Object[] values = new Object[layout.saltIndex() + 1];
    values[layout.keyHashIndex()] = event.getLong(layout.keyHashIndex());
    for (int i = 0; i < layout.keyCount(); i++) {
      int at = layout.keyIndex(i);
      Object v = event.get(at, layout.keyTypes[i]);
      values[at] = v instanceof org.apache.spark.unsafe.types.UTF8String s ? s.clone() : v;
    }
    values[layout.timeIndex()] =
        event.isNullAt(layout.timeIndex()) ? null : event.getLong(layout.timeIndex());
    values[layout.orderIndex()] = event.getInt(layout.orderIndex());
    values[layout.saltIndex()] = event.getLong(layout.saltIndex());
    return SparkRows.row(values);
  }

  private static Boundaries choose(EventLayout layout, List<Sample> samples, int partitions) {
    samples.sort((x, y) -> compare(layout, x.key(), y.key()));
    samples = withExitWeights(layout, samples, partitions);
    double total = samples.stream().mapToDouble(Sample::weight).sum();
    double step = total / partitions;
    List<InternalRow> bounds = new ArrayList<>();
    double cumulative = 0;
    int next = 1;
    for (Sample s : samples) {
      cumulative += s.weight();
      if (cumulative >= step * next && next < partitions) {
        if (bounds.isEmpty() || compare(layout, bounds.get(bounds.size() - 1), s.key()) < 0) {
          bounds.add(s.key());
        }
        while (next < partitions && cumulative >= step * next) {
          next++;
        }
      }
    }
    return new Boundaries(layout, bounds.toArray(InternalRow[]::new), partitions);
  }

  /**
   * A key that spans partitions ships its rows' exits from a window to the partition where the exit
   * falls, as events of their own, when that is a later partition: there a row costs about one
   * event more per window whose exit leaves its partition. So within such a key (samples of one key
   * weighing more than half a partition), each feature row of a source with aggregations weighs
   * {@code 1 + (exits shipped per row)}, and the ranges of a hot key hold fewer rows. Keys within
   * one partition take their exits locally, at a fraction of that cost, and keep their weights.
   * (Sorted samples in, the same order out.)
   */
  private static List<Sample> withExitWeights(
      EventLayout layout, List<Sample> samples, int partitions) {
    long[][] windows = trackedWindows(layout);
    if (Arrays.stream(windows).allMatch(w -> w.length == 0) || samples.isEmpty()) {
      return samples;
    }
    double perPartition = samples.stream().mapToDouble(Sample::weight).sum() / partitions;
    List<Sample> out = new ArrayList<>(samples.size());
    int start = 0;
    while (start < samples.size()) {
      int end = start + 1;
      double weight = samples.get(start).weight();
      while (end < samples.size()
          && layout.sameKey(samples.get(start).key(), samples.get(end).key())) {
        weight += samples.get(end++).weight();
      }
      double[] extra =
          weight > perPartition / 2
              ? shippedExits(layout, samples.subList(start, end), windows, perPartition)
              : new double[layout.sourceCount];
      for (int i = start; i < end; i++) {
        Sample s = samples.get(i);
        boolean feature = !layout.isLabel(s.key());
        double e = feature ? extra[layout.sourceOf(s.key())] : 0;
        out.add(e == 0 ? s : new Sample(s.key(), s.weight() * (1 + e)));
      }
      start = end;
    }
    return out;
  }

  /** Per source, the windows with running totals (whose exits may be shipped), in µs. */
  private static long[][] trackedWindows(EventLayout layout) {
    long[][] windows = new long[layout.sourceCount][];
    for (int j = 0; j < windows.length; j++) {
      AggregatePlan plan = layout.aggregates[j];
      windows[j] =
          plan == null
              ? new long[0]
              : java.util.stream.IntStream.range(0, plan.windows.length)
                  .filter(w -> plan.tracked[w])
                  .mapToLong(w -> plan.windows[w])
                  .toArray();
    }
    return windows;
  }

  /** {@link #shippedExits(double, double[], double, long[][], double)} of one key's samples. */
  private static double[] shippedExits(
      EventLayout layout, List<Sample> key, long[][] windows, double perPartition) {
    double labels = 0;
    double[] rows = new double[layout.sourceCount];
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Sample s : key) {
      if (layout.isLabel(s.key())) {
        labels += s.weight();
      } else {
        rows[layout.sourceOf(s.key())] += s.weight();
      }
      if (!s.key().isNullAt(layout.timeIndex())) {
        long t = s.key().getLong(layout.timeIndex());
        first = Math.min(first, t);
        last = Math.max(last, t);
      }
    }
    return shippedExits(labels, rows, (double) last - first, windows, perPartition);
  }

  /**
   * Per source, the exits a feature row of one hot key ships to a later partition. The key has
   * {@code labels} label rows and {@code rows[j]} rows of source j, over {@code span} µs; it takes
   * about {@code m} partitions (its weight with the exits, over {@code perPartition}), each about
   * {@code span / m} of its time, and the exit of a window W (µs; {@code windows[j]}, those with
   * running totals) leaves the row's partition for a fraction {@code min(1, W m / span)} of the
   * rows. Since {@code m} grows with the exits, a few rounds of the two settle them. Counting every
   * window's exit as shipped overstated the cost: on H (one key with a quarter of the rows, windows
   * of 1 h, 7 d and 30 d), the hot key's partitions then held about half the shuffle bytes of the
   * others.
   */
  static double[] shippedExits(
      double labels, double[] rows, double span, long[][] windows, double perPartition) {
    span = Math.max(1, span);
    double[] extra = new double[rows.length];
    for (int j = 0; j < rows.length; j++) {
      extra[j] = windows[j].length; // at first, every exit shipped
    }
    for (int round = 0; round < 8; round++) {
      double cost = labels;
      for (int j = 0; j < rows.length; j++) {
        cost += rows[j] * (1 + extra[j]);
      }
      double partitionsOfKey = Math.max(1, cost / perPartition);
      for (int j = 0; j < rows.length; j++) {
        extra[j] = 0;
        for (long w : windows[j]) {
          extra[j] += Math.min(1, w * partitionsOfKey / span);
        }
      }
    }
    return extra;
  }

  /**
   * The partition of a non-null-key event: the number of boundaries below it. Those of a lower key
   * hash are counted without branches, since which way each step of the search goes cannot be
   * predicted (it was about 6% of a join's CPU as a branching search); the few boundaries of the
   * event's own key hash, a key that spans partitions, are then compared in full.
   */
  int partitionOf(InternalRow event) {
    long hash = event.getLong(layout.keyHashIndex());
    int lo = lowerBound(hash);
    if (lo == hashes.length || hashes[lo] != hash) {
      return lo;
    }
    int hi = hash == Long.MAX_VALUE ? hashes.length : lowerBound(hash + 1);
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (compareToEvent(mid, event) < 0) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo;
  }

  /** The number of boundaries whose key hash is below {@code hash}. */
  private int lowerBound(long hash) {
    int n = hashes.length;
    if (n == 0) {
      return 0;
    }
    int base = 0;
    while (n > 1) {
      int half = n >>> 1;
      // a conditional move, not a branch
      base = hashes[base + half] < hash ? base + half : base;
      n -= half;
    }
    return hashes[base] < hash ? base + 1 : base;
  }

  /** {@link #compare} of boundary i and an event with the same key hash. */
  private int compareToEvent(int i, InternalRow event) {
    int c = 0;
    for (int k = 0; c == 0 && k < layout.keyCount(); k++) {
      c = layout.compareKey(bounds[i], event, k);
    }
    if (c != 0) {
      return c;
    }
    boolean eventNull = event.isNullAt(layout.timeIndex());
    if (nullTimes[i] || eventNull) {
      c = Boolean.compare(!nullTimes[i], !eventNull);
    } else {
      c = Long.compare(times[i], event.getLong(layout.timeIndex()));
    }
    if (c == 0) {
      c = Integer.compare(orders[i], event.getInt(layout.orderIndex()));
    }
    if (c == 0) {
      c = Long.compare(salts[i], event.getLong(layout.saltIndex()));
    }
    return c;
  }

  /** Whether {@code event}'s key is the key of boundary {@code i}. */
  boolean sameKey(int i, InternalRow event) {
    return hashes[i] == event.getLong(layout.keyHashIndex()) && layout.sameKey(bounds[i], event);
  }

  /** Compares two rows on the event order's fields, nulls first, as the sort within partitions. */
  static int compare(EventLayout layout, InternalRow x, InternalRow y) {
    int c = compareNullable(x, y, layout.keyHashIndex());
    for (int i = 0; c == 0 && i < layout.keyCount(); i++) {
      c = layout.compareKey(x, y, i);
    }
    if (c == 0) {
      c = compareNullable(x, y, layout.timeIndex());
    }
    if (c == 0) {
      c = Integer.compare(x.getInt(layout.orderIndex()), y.getInt(layout.orderIndex()));
    }
    if (c == 0) {
      c = Long.compare(x.getLong(layout.saltIndex()), y.getLong(layout.saltIndex()));
    }
    return c;
  }

  private static int compareNullable(InternalRow x, InternalRow y, int i) {
    boolean xn = x.isNullAt(i);
    boolean yn = y.isNullAt(i);
    return xn || yn ? Boolean.compare(!xn, !yn) : Long.compare(x.getLong(i), y.getLong(i));
  }

  @Override
  public String toString() {
    return "Boundaries" + Arrays.toString(bounds);
  }
}
