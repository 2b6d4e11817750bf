package dev.trainforge.join;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The reduce side's windowed aggregations of one source for the current key, fed by the merge's
 * sorted pass (see {@link AggregatePlan} for when a row is in a window):
 *
 * <ul>
 *   <li>running totals per window ({@link WindowTotals}): a row adds when it enters, and subtracts
 *       when it leaves, from a queue of this partition's rows in exit order ({@link ExitQueue},
 *       each row kept as the few values its window's totals take), or from an exit event shipped
 *       from the partition where the row entered;
 *   <li>per min or max, a {@link Front} of the rows that can still be the window's extreme;
 *   <li>the k greatest rows for last-k ({@link TopRows}), of which a label keeps those in its
 *       window;
 *   <li>the newest available time in the longest window, for the leakage audit.
 * </ul>
 *
 * <p>Memory: the current key's rows of this partition that are still in a window, at most; rows
 * carried in from earlier partitions arrive as totals, or as the few rows min, max and last-k can
 * still use.
 */
final class AggregateState {
  private final AggregatePlan plan;
  private final WindowTotals[] totals;
  private final ExitQueue[] exits;
  // per window: one row's values, as its totals take them
  private final long[][] values;
  private final List<Front<Void>> extremes = new ArrayList<>();
  private final Front<Void> newestAvailable;
  private final TopRows top;
  private long sequence;

  AggregateState(AggregatePlan plan, ContentHash contentHash) {
    this.plan = plan;
    this.totals = new WindowTotals[plan.windows.length];
    this.exits = new ExitQueue[plan.windows.length];
    this.values = new long[plan.windows.length][];
    for (int w = 0; w < plan.windows.length; w++) {
      if (plan.tracked[w]) {
        totals[w] = new WindowTotals(plan, w);
        exits[w] = new ExitQueue(totals[w].stride());
        values[w] = new long[totals[w].stride()];
      }
    }
    for (Aggregation a : plan.aggregations) {
      boolean max = a.function() == Aggregation.Function.MAX;
      boolean min = a.function() == Aggregation.Function.MIN;
      extremes.add(max || min ? new Front<>(max) : null);
    }
    this.newestAvailable = plan.source.available() >= 0 ? new Front<>(true) : null;
    this.top = plan.lastK > 0 ? new TopRows(plan, contentHash, plan.lastK) : null;
  }

  void clear() {
    for (int w = 0; w < totals.length; w++) {
      if (totals[w] != null) {
        totals[w].clear();
        exits[w].clear();
      }
    }
    for (Front<Void> f : extremes) {
      if (f != null) {
        f.clear();
      }
    }
    if (newestAvailable != null) {
      newestAvailable.clear();
    }
    if (top != null) {
      top.clear();
    }
  }

  /**
   * A row enters the windows. {@code shipped} has bit w set when the row's exit from window w was
   * routed to a later partition as an event of its own.
   */
  void enter(InternalRow row, long shipped) {
    for (int w = 0; w < totals.length; w++) {
      if (totals[w] == null) {
        continue;
      }
      totals[w].capture(row, values[w], 0);
      totals[w].add(values[w], 0, 1);
      if ((shipped & (1L << w)) == 0) {
        exits[w].add(plan.exit(row, plan.windows[w]), values[w], 0);
      }
    }
    seen(row);
  }

  /**
   * A row of an earlier partition, carried in for min, max, last-k and the newest available time;
   * the totals already hold it.
   */
  void seen(InternalRow row) {
    for (int i = 0; i < extremes.size(); i++) {
      Front<Void> f = extremes.get(i);
      if (f != null && !row.isNullAt(plan.fields[i])) {
        long exit = plan.exit(row, plan.aggregations.get(i).windowMicros());
        f.offer(exit, plan.orderBits(row, i), null);
      }
    }
    if (newestAvailable != null) {
      newestAvailable.offer(plan.exit(row, plan.longestWindow), plan.availableTime(row), null);
    }
    if (top != null) {
      top.offer(row, sequence++);
    }
  }

  /** A row's exit from window w, shipped from the partition it entered in. */
  void exit(InternalRow row, int w) {
    totals[w].add(row, -1);
  }

  /** Adds the totals carried in from earlier partitions (see {@link #writeTotals}). */
  void carriedTotals(byte[] state) {
    ByteBuffer in = ByteBuffer.wrap(state);
    for (WindowTotals t : totals) {
      if (t != null) {
        t.read(in);
      }
    }
  }

  /** Drops every row that has left its window by label time {@code t}. */
  void advance(long t) {
    for (int w = 0; w < totals.length; w++) {
      if (exits[w] == null) {
        continue;
      }
      while (exits[w].pollUpTo(t, values[w])) {
        totals[w].add(values[w], 0, -1);
      }
    }
  }

  /** Whether a row is in the longest window at the label time last advanced to. */
  boolean matched() {
    return totals[totals.length - 1].rows() > 0;
  }

  /**
   * The aggregations' results at label time {@code t} (after {@link #advance}), then the newest
   * event and available time in the longest window, written into {@code out} from {@code at}.
   *
   * @param newestEvent {@code e} of the latest-value candidate, the newest row seen, or null
   */
  void results(long t, Long newestEvent, Object[] out, int at) {
    int n = plan.aggregations.size();
    Object[] values = new Object[n];
    for (WindowTotals w : totals) {
      if (w != null) {
        w.results(values);
      }
    }
    for (int i = 0; i < n; i++) {
      Aggregation a = plan.aggregations.get(i);
      if (a.function() == Aggregation.Function.MIN || a.function() == Aggregation.Function.MAX) {
        values[i] = extreme(i, t);
      } else if (a.function() == Aggregation.Function.LAST_K) {
        values[i] = lastK(i, t);
      }
    }
    System.arraycopy(values, 0, out, at, n);
    boolean any = matched();
    out[at + n] = any ? newestEvent : null;
    out[at + n + 1] = any ? newestAvailable(t, newestEvent) : null;
  }

  private Object extreme(int i, long t) {
    Long best = extremes.get(i).best(t);
    return best == null ? null : plan.fromOrderBits(i, best);
  }

  private Object lastK(int i, long t) {
    Aggregation a = plan.aggregations.get(i);
    long oldest = t - plan.lagMicros - a.windowMicros(); // rows need e > τ - W
    int field = plan.fields[i];
    DataType type = ((ArrayType) plan.outputType(i)).elementType();
    List<Object> values = new ArrayList<>();
    for (TopRows.Entry entry : top.entries()) {
      if (values.size() == a.k() || entry.e <= oldest) {
        break;
      }
      Object v = entry.row.isNullAt(field) ? null : entry.row.get(field, type);
      values.add(v instanceof UTF8String s ? s.clone() : v);
    }
    return SparkRows.array(values.toArray());
  }

  private Long newestAvailable(long t, Long newestEvent) {
    if (newestAvailable == null) {
      return newestEvent + (plan.availableShift == null ? 0 : plan.availableShift);
    }
    return newestAvailable.best(t);
  }
}
