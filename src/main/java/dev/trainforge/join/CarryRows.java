package dev.trainforge.join;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The map side's rows of one source and one key that min, max, last-k and the newest available time
 * of a later partition may still use: the k greatest rows, and per extreme its {@link Front}.
 */
final class CarryRows {
  /** A kept row and its sequence number, which tells copies of one row apart. */
  private record Kept(InternalRow row, long sequence) {}

  private final AggregatePlan plan;
  private final TopRows top;
  private final Front<Kept>[] fronts;
  private final int[] frontOf; // the aggregation of each front, or -1 for the newest available time

  CarryRows(AggregatePlan plan, ContentHash contentHash) {
    this.plan = plan;
    this.top = plan.lastK > 0 ? new TopRows(plan, contentHash, plan.lastK) : null;
    List<Front<Kept>> f = new ArrayList<>();
    List<Integer> of = new ArrayList<>();
    for (int i = 0; i < plan.aggregations.size(); i++) {
      Aggregation.Function fn = plan.aggregations.get(i).function();
      if (fn == Aggregation.Function.MIN || fn == Aggregation.Function.MAX) {
        f.add(new Front<>(fn == Aggregation.Function.MAX));
        of.add(i);
      }
    }
    if (plan.source.available() >= 0) {
      f.add(new Front<>(true));
      of.add(-1);
    }
    @SuppressWarnings("unchecked")
    Front<Kept>[] array = f.toArray(Front[]::new);
    this.fronts = array;
    this.frontOf = of.stream().mapToInt(Integer::intValue).toArray();
  }

  /** Offers a row of the source (a view); copies what it keeps. */
  void offer(InternalRow row, long sequence) {
    if (top != null) {
      top.offer(row, sequence);
    }
    InternalRow copy = null;
    for (int x = 0; x < fronts.length; x++) {
      int i = frontOf[x];
      if (i >= 0 && row.isNullAt(plan.fields[i])) {
        continue;
      }
      long window = i >= 0 ? plan.aggregations.get(i).windowMicros() : plan.longestWindow;
      long bits = i >= 0 ? plan.orderBits(row, i) : plan.availableTime(row);
      if (copy == null) {
        copy = row.copy();
      }
      fronts[x].offer(plan.exit(row, window), bits, new Kept(copy, sequence));
    }
  }

  /** Offers every row another holds (of the same map task, so sequences tell rows apart). */
  void offer(CarryRows other) {
    if (top != null) {
      for (TopRows.Entry e : other.top.entries()) {
        top.offer(e);
      }
    }
    for (int x = 0; x < fronts.length; x++) {
      for (Front.Entry<Kept> k : other.fronts[x].entries()) {
        fronts[x].offer(k);
      }
    }
  }

  /** The distinct rows held. */
  List<InternalRow> rows() {
    Map<Long, InternalRow> out = new LinkedHashMap<>();
    if (top != null) {
      for (TopRows.Entry e : top.entries()) {
        out.putIfAbsent(e.sequence, e.row);
      }
    }
    for (Front<Kept> f : fronts) {
      for (Front.Entry<Kept> k : f.entries()) {
        out.putIfAbsent(k.payload().sequence(), k.payload().row());
      }
    }
    return new ArrayList<>(out.values());
  }
}
