package dev.trainforge.join;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import scala.Tuple2;

/**
 * Range partitioning on the full event order, with exact carry-in: a hot key spans several
 * partitions, split by time, and each partition still sees every candidate from the partitions
 * before it. Costs one sampling pass over the events, then one shuffle.
 *
 * <p>Carry-in travels in the same shuffle. Each map task routes its rows by binary search over the
 * boundaries; for a feature row whose key continues past its partition's upper boundary, it keeps a
 * running best per (partition, source). At the end of its input it chains those bests along each
 * key's run of partitions and emits, for every partition a key continues into, a copy of the best
 * row (and of a hash-tie partner) seen before it. The copy keeps its own sort fields, which are
 * below the partition's lower boundary, so it sorts before every row of the partition. The
 * reducer's merge takes them as ordinary candidates: the best of the map tasks' bests is the best
 * of all. Since a carried row sorts where the row itself does, the result stays correct even if
 * partitions are later coalesced: a row offered twice changes nothing.
 */
public final class RangePartitioning implements JoinPartitioning {
  private static final long serialVersionUID = 1L;

  /**
   * Sized by their rows, partitions are sampled as if they were at most this many: a sample of
   * 6,400 rows or more, about a hundred per partition up to 64 partitions, and still 32 per
   * partition at 200 (Spark's range partitioner samples 20, three times over). A sample sized for
   * every partition that might be asked for costs more to collect and sort on the driver than the
   * balance it adds: 0.5-2.5 s more on S for 200.
   */
  static final int MOST_SAMPLED_PARTITIONS = 64;

  private final long rowsPerPartition;

  /** Spreads the events over exactly the partitions asked for (some may be empty). */
  public RangePartitioning() {
    this(0);
  }

  /**
   * Spreads the events over about one partition per {@code rowsPerPartition} of them (as the
   * sampling pass counts them), at most the partitions asked for and at least two per core of the
   * cluster. Why: a join task sorts its partition in memory, in arrays a fresh JVM faults in page
   * by page, so the partition's size sets what each core touches; and a task has a fixed cost (its
   * share of every map task's shuffle files, its output file) that many small partitions pay many
   * times. Sizing happens before the shuffle, not after it as Spark's adaptive execution coalesces
   * partitions, since the carry-in of window totals is made for the partitions it was routed to.
   *
   * @param rowsPerPartition events per partition; 0 for exactly the partitions asked for
   */
  public RangePartitioning(long rowsPerPartition) {
    if (rowsPerPartition < 0) {
      throw new IllegalArgumentException("rowsPerPartition is negative: " + rowsPerPartition);
    }
    this.rowsPerPartition = rowsPerPartition;
  }

  /** The partitions to size the sample for, when the join may use {@code numPartitions}. */
  public int samplingPartitions(int numPartitions) {
    return rowsPerPartition == 0 ? numPartitions : Math.min(numPartitions, MOST_SAMPLED_PARTITIONS);
  }

  /**
   * The partitions for {@code rows} events: one per {@code rowsPerPartition}, at least {@code
   * atLeast}; all {@code max} when {@code rowsPerPartition} is 0. Never more than {@code max}.
   */
  static int partitionsFor(double rows, int max, long rowsPerPartition, int atLeast) {
    if (rowsPerPartition == 0) {
      return max;
    }
    double wanted = Math.max(atLeast, Math.ceil(rows / rowsPerPartition));
    return (int) Math.max(1, Math.min(max, wanted));
  }

  /**
   * Samples the boundaries (one job over {@code sortFields}), then routes every event and the
   * carry-in rows with one shuffle of unsafe rows: no partition id column is shipped or sorted.
   */
  @Override
  public Arranged arrange(
      EventLayout layout,
      Dataset<Row> events,
      Dataset<Row> sortFields,
      TakenSample taken,
      int numPartitions) {
    int atLeast = 2 * events.sparkSession().sparkContext().defaultParallelism();
    Boundaries bounds =
        numPartitions <= 1
            ? Boundaries.sample(layout, SparkRows.rowsOf(sortFields), taken, 1)
            : Boundaries.sample(
                layout,
                SparkRows.rowsOf(sortFields),
                taken,
                samplingPartitions(numPartitions),
                rows -> partitionsFor(rows, numPartitions, rowsPerPartition, atLeast));
    int partitions = bounds.partitions();
    JavaRDD<Tuple2<Integer, InternalRow>> routed =
        SparkRows.rowsOf(events)
            .mapPartitions(new Router(layout, bounds, partitions, events.schema()));
    JavaRDD<InternalRow> shuffled =
        SparkRows.shuffleToPartitions(routed, partitions, events.schema().size());
    List<Dataset<Row>> sampled = new ArrayList<>(List.of(sortFields));
    taken.read().ifPresent(sampled::add);
    return new Arranged(shuffled, events, sampled);
  }

  /** Map side: pairs each event with its partition, then emits the carry-in rows. */
  static final class Router
      implements FlatMapFunction<Iterator<InternalRow>, Tuple2<Integer, InternalRow>> {
    private static final long serialVersionUID = 1L;
    private final EventLayout layout;
    private final Boundaries bounds;
    private final int partitions;
    private final org.apache.spark.sql.types.StructType schema;

    Router(
        EventLayout layout,
        Boundaries bounds,
        int partitions,
        org.apache.spark.sql.types.StructType schema) {
      this.layout = layout;
      this.bounds = bounds;
      this.partitions = partitions;
      this.schema = schema;
    }

    @Override
    public Iterator<Tuple2<Integer, InternalRow>> call(Iterator<InternalRow> events) {
      return new Routing(events);
    }

    private final class Routing implements Iterator<Tuple2<Integer, InternalRow>> {
      private final Iterator<InternalRow> events;
      // partial[q][j]: best row of source j in partition q whose key continues into q + 1
      private final Candidate[][] partial = new Candidate[bounds.count()][];
      // windowed aggregations of keys that continue past partition q: rows that min, max and
      // last-k may still use, and running totals of rows whose exit was shipped past q
      private final CarryRows[][] carryRows = new CarryRows[bounds.count()][];
      private final WindowTotals[][][] totals = new WindowTotals[bounds.count()][][];
      private final java.util.ArrayDeque<Tuple2<Integer, InternalRow>> pending =
          new java.util.ArrayDeque<>();
      private long sequence;
      private Iterator<Tuple2<Integer, InternalRow>> carried;

      Routing(Iterator<InternalRow> events) {
        this.events = events;
      }

      @Override
      public boolean hasNext() {
        if (!pending.isEmpty() || (carried == null && events.hasNext())) {
          return true;
        }
        if (carried == null) {
          carried = carryIn().iterator();
        }
        return carried.hasNext();
      }

      @Override
      public Tuple2<Integer, InternalRow> next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        if (!pending.isEmpty()) {
          return pending.poll();
        }
        if (carried != null) {
          return carried.next();
        }
        // the shuffle writer serializes each row at once, so Spark's buffer may be handed on
        return route(events.next());
      }

      private Tuple2<Integer, InternalRow> route(InternalRow event) {
        if (event.isNullAt(layout.keyHashIndex())) {
          return new Tuple2<>(Math.floorMod(event.getLong(layout.saltIndex()), partitions), event);
        }
        int p = bounds.partitionOf(event);
        if (!layout.isLabel(event) && p < bounds.count() && bounds.sameKey(p, event)) {
          int j = layout.sourceOf(event);
          if (partial[p] == null) {
            partial[p] = newCandidates();
          }
          partial[p][j].offer(event);
          AggregatePlan plan = layout.aggregates[j];
          if (plan != null) {
            return continuing(event, p, j, plan);
          }
        }
        return new Tuple2<>(p, event);
      }

      /**
       * A row with aggregations whose key continues past its partition p: its exit from a window
       * may fall in a later partition. Then the exit goes there as an event of its own, the row is
       * marked (in its salt) so that p's merge does not take it out again, and the totals that
       * later partitions carry in count it from p on and not from the exit's partition on.
       */
      private Tuple2<Integer, InternalRow> continuing(
          InternalRow event, int p, int j, AggregatePlan plan) {
        if (carryRows[p] == null) {
          carryRows[p] = new CarryRows[layout.sourceCount];
        }
        if (carryRows[p][j] == null) {
          carryRows[p][j] = new CarryRows(plan, new ContentHash(layout, j));
        }
        carryRows[p][j].offer(event, sequence++);
        long shipped = 0;
        for (int w = 0; w < plan.windows.length; w++) {
          if (!plan.tracked[w]) {
            continue;
          }
          long at = plan.exit(event, plan.windows[w]);
          if (at > bounds.latestLabel()) {
            // no label is at or after the exit: the row never leaves, in this build
            shipped |= 1L << w;
            totals(p, j, plan)[w].add(event, 1);
            continue;
          }
          UnsafeRow exit = ((UnsafeRow) event).copy();
          exit.setLong(layout.timeIndex(), at);
          exit.setLong(layout.saltIndex(), EventLayout.exitSalt(w));
          int q = bounds.partitionOf(exit);
          if (q == p) {
            continue;
          }
          shipped |= 1L << w;
          pending.add(new Tuple2<>(q, exit));
          totals(p, j, plan)[w].add(event, 1);
          if (q < bounds.count() && bounds.sameKey(q, event)) {
            totals(q, j, plan)[w].add(event, -1);
          }
        }
        if (shipped == 0) {
          return new Tuple2<>(p, event);
        }
        UnsafeRow entered = ((UnsafeRow) event).copy();
        entered.setLong(layout.saltIndex(), shipped);
        return new Tuple2<>(p, entered);
      }

      private WindowTotals[] totals(int q, int j, AggregatePlan plan) {
        if (totals[q] == null) {
          totals[q] = new WindowTotals[layout.sourceCount][];
        }
        if (totals[q][j] == null) {
          totals[q][j] = newTotals(plan);
        }
        return totals[q][j];
      }

      private WindowTotals[] newTotals(AggregatePlan plan) {
        WindowTotals[] t = new WindowTotals[plan.windows.length];
        for (int w = 0; w < t.length; w++) {
          t[w] = plan.tracked[w] ? new WindowTotals(plan, w) : null;
        }
        return t;
      }

      private Candidate[] newCandidates() {
        Candidate[] c = new Candidate[layout.sourceCount];
        for (int j = 0; j < c.length; j++) {
          c[j] = layout.candidate(j);
        }
        return c;
      }

      /** Per partition p a key continues into: the best rows before it, chained along the key. */
      private List<Tuple2<Integer, InternalRow>> carryIn() {
        List<Tuple2<Integer, InternalRow>> out = new ArrayList<>();
        Candidate[] previous = null;
        for (int p = 1; p <= bounds.count(); p++) {
          InternalRow lower = bounds.get(p - 1);
          Candidate[] carry = newCandidates();
          if (partial[p - 1] != null) {
            offerAll(carry, partial[p - 1]);
          }
          if (previous != null && p >= 2 && layout.sameKey(bounds.get(p - 2), lower)) {
            offerAll(carry, previous);
          }
          boolean run = previous != null && p >= 2 && layout.sameKey(bounds.get(p - 2), lower);
          for (int j = 0; j < carry.length; j++) {
            if (!carry[j].isEmpty()) {
              out.add(new Tuple2<>(p, best(carry[j].best())));
              if (carry[j].partner() != null) {
                out.add(new Tuple2<>(p, best(carry[j].partner())));
              }
            }
          }
          previous = carry;
          if (layout.hasAggregates()) {
            carryAggregates(p, lower, run, out);
          }
        }
        return out;
      }

      /** A carried latest-value candidate; in a group with aggregations, marked as one. */
      private InternalRow best(InternalRow row) {
        if (!layout.hasAggregates()) {
          return row;
        }
        UnsafeRow copy = ((UnsafeRow) row).copy();
        copy.setLong(layout.saltIndex(), EventLayout.CARRIED_BEST);
        return copy;
      }

      private CarryRows[] previousRows;
      private WindowTotals[][] previousTotals;

      /**
       * Per source with aggregations, what partition p needs of the key's rows before it: the rows
       * min, max and last-k may use, and the running totals, chained along the key's run.
       */
      private void carryAggregates(
          int p, InternalRow lower, boolean run, List<Tuple2<Integer, InternalRow>> out) {
        CarryRows[] rows = new CarryRows[layout.sourceCount];
        WindowTotals[][] sums = new WindowTotals[layout.sourceCount][];
        for (int j = 0; j < layout.sourceCount; j++) {
          AggregatePlan plan = layout.aggregates[j];
          if (plan == null) {
            continue;
          }
          rows[j] = new CarryRows(plan, new ContentHash(layout, j));
          sums[j] = newTotals(plan);
          if (carryRows[p - 1] != null && carryRows[p - 1][j] != null) {
            rows[j].offer(carryRows[p - 1][j]);
          }
          if (totals[p - 1] != null && totals[p - 1][j] != null) {
            add(sums[j], totals[p - 1][j]);
          }
          if (run && previousRows != null && previousRows[j] != null) {
            rows[j].offer(previousRows[j]);
            add(sums[j], previousTotals[j]);
          }
          for (InternalRow r : rows[j].rows()) {
            UnsafeRow copy = ((UnsafeRow) r).copy();
            copy.setLong(layout.saltIndex(), EventLayout.CARRIED_ROW);
            out.add(new Tuple2<>(p, copy));
          }
          if (java.util.Arrays.stream(sums[j]).anyMatch(t -> t != null && !t.isEmpty())) {
            out.add(new Tuple2<>(p, totalsRow(lower, j, sums[j])));
          }
        }
        previousRows = rows;
        previousTotals = sums;
      }

      private void add(WindowTotals[] into, WindowTotals[] from) {
        for (int w = 0; w < into.length; w++) {
          if (into[w] != null) {
            into[w].add(from[w]);
          }
        }
      }

      /** An event of source j's key (that of {@code lower}) carrying running totals. */
      private InternalRow totalsRow(InternalRow lower, int j, WindowTotals[] sums) {
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (WindowTotals t : sums) {
          if (t != null) {
            bytes.writeBytes(t.write());
          }
        }
        Object[] values = new Object[schema.size()];
        values[layout.keyHashIndex()] = lower.getLong(layout.keyHashIndex());
        for (int k = 0; k < layout.keyCount(); k++) {
          int at = layout.keyIndex(k);
          if (at != layout.keyHashIndex()) {
            values[at] = lower.get(at, layout.keyTypes[k]);
          }
        }
        values[layout.timeIndex()] = Long.MIN_VALUE;
        values[layout.orderIndex()] = j;
        values[layout.saltIndex()] = EventLayout.TOTALS;
        values[layout.stateField] = bytes.toByteArray();
        return SparkRows.unsafeRow(schema, values);
      }

      private void offerAll(Candidate[] into, Candidate[] from) {
        for (int j = 0; j < into.length; j++) {
          into[j].offer(from[j]);
        }
      }
    }
  }
}
