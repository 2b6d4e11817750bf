package dev.trainforge.join;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;

/**
 * The streaming merge over one partition of events sorted by {@code (key, time, order)}. It holds,
 * per source, the best candidate seen so far for the current key, and emits one row per label.
 * Memory: one row per source, whatever the number of rows per key.
 *
 * <p>Event layout: keys {@code 0..K-1}, time at {@code K}, order at {@code K+1}, the label payload
 * struct at {@code K+2}, source {@code j}'s struct at {@code K+3+j}. A source struct is {@code (e,
 * a, tie-break, content hash, features...)}.
 */
final class MergeFunction implements MapPartitionsFunction<Row, Row> {
  private static final long serialVersionUID = 1L;

  /** What the merge needs to know of one source. */
  record SourcePlan(int featureCount, long maxAgeMicros, boolean emitAvailableTime)
      implements Serializable {}

  private final int keyCount;
  private final int payloadCount;
  private final SourcePlan[] sources;

  MergeFunction(int keyCount, int payloadCount, List<SourcePlan> sources) {
    this.keyCount = keyCount;
    this.payloadCount = payloadCount;
    this.sources = sources.toArray(SourcePlan[]::new);
  }

  static List<SourcePlan> plans(List<JoinSource> group) {
    List<SourcePlan> plans = new ArrayList<>();
    for (JoinSource s : group) {
      plans.add(new SourcePlan(s.featureColumns().size(), s.maxAgeMicros(), s.emitAvailableTime()));
    }
    return plans;
  }

  @Override
  public Iterator<Row> call(Iterator<Row> events) {
    return new Merge(events);
  }

  /** The merge state for one partition; pulls events until the next label. */
  private final class Merge implements Iterator<Row> {
    private final Iterator<Row> events;
    private final Object[] currentKey = new Object[keyCount];
    private boolean keyValid;
    private final Row[] best = new Row[sources.length];
    private final boolean[] hashTie = new boolean[sources.length];
    private Row next;

    Merge(Iterator<Row> events) {
      this.events = events;
    }

    @Override
    public boolean hasNext() {
      while (next == null && events.hasNext()) {
        next = step(events.next());
      }
      return next != null;
    }

    @Override
    public Row next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      Row out = next;
      next = null;
      return out;
    }

    /** Consumes one event; returns the output row if it was a label. */
    private Row step(Row event) {
      advanceKey(event);
      int order = event.getInt(keyCount + 1);
      if (order < sources.length) {
        offer(order, event.getStruct(keyCount + 3 + order));
        return null;
      }
      return emit(event);
    }

    private void advanceKey(Row event) {
      boolean same = keyValid;
      boolean valid = true;
      for (int i = 0; i < keyCount; i++) {
        Object k = event.get(i);
        valid &= k != null;
        same &= k != null && k.equals(currentKey[i]);
        currentKey[i] = k;
      }
      if (!same) {
        java.util.Arrays.fill(best, null);
        java.util.Arrays.fill(hashTie, false);
      }
      keyValid = valid;
    }

    /** Keeps the greater of the current best and {@code row} under (e, a, tie-break, hash). */
    private void offer(int j, Row row) {
      Row current = best[j];
      if (current == null) {
        best[j] = row;
        hashTie[j] = false;
        return;
      }
      int byTimes = compareTimes(row, current);
      if (byTimes > 0) {
        best[j] = row;
        hashTie[j] = false;
      } else if (byTimes == 0) {
        long h = row.getLong(3);
        long currentHash = current.getLong(3);
        if (h != currentHash) {
          hashTie[j] = true;
          if (h > currentHash) {
            best[j] = row;
          }
        }
      }
    }

    private Row emit(Row label) {
      Row payload = label.getStruct(keyCount + 2);
      boolean nullTime = label.isNullAt(keyCount);
      long t = nullTime ? 0L : label.getLong(keyCount);
      List<Object> out = new ArrayList<>(keyCount + 1 + payloadCount + sources.length * 8);
      for (int i = 0; i <= keyCount; i++) {
        out.add(label.get(i));
      }
      for (int i = 0; i < payloadCount; i++) {
        out.add(payload.get(i));
      }
      for (int j = 0; j < sources.length; j++) {
        MatchStatus status =
            nullTime ? MatchStatus.NULL_TIME : !keyValid ? MatchStatus.NULL_KEY : statusOf(j, t);
        appendSource(out, j, status);
      }
      return RowFactory.create(out.toArray());
    }

    private MatchStatus statusOf(int j, long t) {
      Row winner = best[j];
      if (winner == null) {
        return MatchStatus.NO_MATCH;
      }
      long maxAge = sources[j].maxAgeMicros();
      if (maxAge >= 0 && winner.getLong(0) < t - maxAge) {
        return MatchStatus.EXPIRED;
      }
      return MatchStatus.MATCHED;
    }

    private void appendSource(List<Object> out, int j, MatchStatus status) {
      SourcePlan plan = sources[j];
      Row winner = status == MatchStatus.MATCHED ? best[j] : null;
      for (int f = 0; f < plan.featureCount(); f++) {
        out.add(winner == null ? null : winner.get(4 + f));
      }
      out.add(winner == null ? null : winner.get(0));
      if (plan.emitAvailableTime()) {
        out.add(winner == null ? null : winner.get(1));
      }
      out.add(status.name());
      out.add(winner == null ? null : hashTie[j]);
    }
  }

  private static int compareTimes(Row x, Row y) {
    int c = Long.compare(x.getLong(0), y.getLong(0));
    if (c != 0) {
      return c;
    }
    c = Long.compare(x.getLong(1), y.getLong(1));
    if (c != 0) {
      return c;
    }
    boolean xNull = x.isNullAt(2);
    boolean yNull = y.isNullAt(2);
    if (xNull || yNull) {
      // a missing tie-break orders first
      return Boolean.compare(!xNull, !yNull);
    }
    return Long.compare(x.getLong(2), y.getLong(2));
  }
}
