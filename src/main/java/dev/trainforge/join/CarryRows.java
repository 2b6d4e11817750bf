package dev.trainforge.join;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The map side's rows of one source and one key that min, max, last-k and the newest available time
 * of a later partition may still use: the k greatest rows, and per extreme its front, the rows that
 * no other row beats both in value and in how long it stays in the window. For random values a
 * front holds about the logarithm of the rows seen; for values that only fall (for max) it holds
 * them all.
 */
final class CarryRows {
  /** A kept row, with what orders it in a front. */
  private record Kept(InternalRow row, long sequence, long exit, long bits) {}

  /** Rows by exit, whose values strictly worsen as their exit grows. */
  private static final class Front {
    private final boolean max;
    private final TreeMap<Long, Kept> byExit = new TreeMap<>();

    Front(boolean max) {
      this.max = max;
    }

    private boolean atLeastAsGood(long x, long y) {
      return max ? x >= y : x <= y;
    }

    void offer(Kept k) {
      Map.Entry<Long, Kept> later = byExit.ceilingEntry(k.exit());
      if (later != null && atLeastAsGood(later.getValue().bits(), k.bits())) {
        return;
      }
      var earlier = byExit.headMap(k.exit(), true).descendingMap().entrySet().iterator();
      while (earlier.hasNext()) {
        if (!atLeastAsGood(k.bits(), earlier.next().getValue().bits())) {
          break;
        }
        earlier.remove();
      }
      byExit.put(k.exit(), k);
    }
  }

  private final AggregatePlan plan;
  private final TopRows top;
  private final Front[] fronts;
  private final int[] frontOf; // the aggregation of each front, or -1 for the newest available time

  CarryRows(AggregatePlan plan, ContentHash contentHash) {
    this.plan = plan;
    this.top = plan.lastK > 0 ? new TopRows(plan, contentHash, plan.lastK) : null;
    List<Front> f = new ArrayList<>();
    List<Integer> of = new ArrayList<>();
    for (int i = 0; i < plan.aggregations.size(); i++) {
      Aggregation.Function fn = plan.aggregations.get(i).function();
      if (fn == Aggregation.Function.MIN || fn == Aggregation.Function.MAX) {
        f.add(new Front(fn == Aggregation.Function.MAX));
        of.add(i);
      }
    }
    if (plan.source.available() >= 0) {
      f.add(new Front(true));
      of.add(-1);
    }
    this.fronts = f.toArray(Front[]::new);
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
      fronts[x].offer(new Kept(copy, sequence, plan.exit(row, window), bits));
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
      for (Kept k : other.fronts[x].byExit.values()) {
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
    for (Front f : fronts) {
      for (Kept k : f.byExit.values()) {
        out.putIfAbsent(k.sequence(), k.row());
      }
    }
    return new ArrayList<>(out.values());
  }
}
