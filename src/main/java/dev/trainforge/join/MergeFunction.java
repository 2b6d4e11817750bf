package dev.trainforge.join;

import java.util.Iterator;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The reduce side of the join: sorts one partition of events ({@link EventSorter}), then merges
 * them in one pass. The merge holds, per source, the best candidate seen so far for the current
 * key, and emits one row per label: two rows per source, whatever the number of rows per key (the
 * sort holds the partition, as any sort does, and spills past its limit). Works on Spark's internal
 * rows: no conversion to and from {@code Row} objects.
 *
 * <p>Output: {@code keys..., time, label payload..., then per source (features..., e, a, status,
 * hash tie)}, the features, e and a null unless matched, a null when the source does not carry it.
 */
final class MergeFunction implements FlatMapFunction<Iterator<InternalRow>, InternalRow> {
  private static final long serialVersionUID = 1L;
  private static final UTF8String[] STATUS = statuses();

  private final EventLayout layout;
  private final long[] maxAgeMicros;
  private final long sortMemoryBytes;

  /**
   * @param sortMemoryBytes the most a task sorts in memory before Spark's spilling sorter takes
   *     over; 0 for {@link EventSorter#defaultMaxBytes()}
   */
  MergeFunction(EventLayout layout, long[] maxAgeMicros, long sortMemoryBytes) {
    this.layout = layout;
    this.maxAgeMicros = maxAgeMicros.clone();
    this.sortMemoryBytes = sortMemoryBytes;
  }

  private static UTF8String[] statuses() {
    MatchStatus[] values = MatchStatus.values();
    UTF8String[] out = new UTF8String[values.length];
    for (MatchStatus s : values) {
      out[s.ordinal()] = SparkRows.string(s.name());
    }
    return out;
  }

  /** Output fields: keys, time, label payload, and per source its features and four more. */
  int outputFieldCount() {
    int n = layout.keyCount() + 1 + layout.labelFields.length;
    for (int j = 0; j < layout.sourceCount; j++) {
      n += layout.latestCounts[j] + 4;
      AggregatePlan plan = layout.aggregates[j];
      n += plan == null ? 0 : plan.aggregations.size() + 2;
    }
    return n;
  }

  @Override
  public Iterator<InternalRow> call(Iterator<InternalRow> events) {
    EventSorter sorter =
        new EventSorter(
            layout, sortMemoryBytes > 0 ? sortMemoryBytes : EventSorter.defaultMaxBytes());
    Iterator<InternalRow> sorted = sorter.sort(events);
    return new Merge(sorted, sorter.rowsStay());
  }

  private final class Merge implements Iterator<InternalRow> {
    private final Iterator<InternalRow> events;
    private final Candidate[] best = new Candidate[layout.sourceCount];
    private final AggregateState[] aggregates = new AggregateState[layout.sourceCount];
    private InternalRow currentKey;
    private UnsafeRow keyBuffer;
    private InternalRow next;

    Merge(Iterator<InternalRow> events, boolean rowsStay) {
      this.events = events;
      for (int j = 0; j < best.length; j++) {
        best[j] = layout.candidate(j, rowsStay);
        if (layout.aggregates[j] != null) {
          aggregates[j] = new AggregateState(layout.aggregates[j], new ContentHash(layout, j));
        }
      }
    }

    @Override
    public boolean hasNext() {
      while (next == null && events.hasNext()) {
        next = step(events.next());
      }
      return next != null;
    }

    @Override
    public InternalRow next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      InternalRow out = next;
      next = null;
      return out;
    }

    /** Consumes one event; returns the output row if it was a label. */
    private InternalRow step(InternalRow event) {
      advanceKey(event);
      if (layout.isLabel(event)) {
        return emit(event);
      }
      int j = layout.sourceOf(event);
      AggregateState state = aggregates[j];
      if (state == null) {
        best[j].offer(event);
        return null;
      }
      long salt = event.getLong(layout.saltIndex());
      int exitWindow = EventLayout.exitWindow(salt);
      if (salt == EventLayout.TOTALS) {
        state.carriedTotals(event.getBinary(layout.stateField));
      } else if (exitWindow >= 0) {
        state.exit(event, exitWindow);
      } else if (salt == EventLayout.CARRIED_BEST) {
        best[j].offer(event);
      } else if (salt == EventLayout.CARRIED_ROW) {
        best[j].offer(event);
        state.seen(event);
      } else {
        best[j].offer(event);
        state.enter(event, salt);
      }
      return null;
    }

    private void advanceKey(InternalRow event) {
      if (currentKey != null && layout.sameKey(currentKey, event)) {
        return;
      }
      for (Candidate c : best) {
        c.clear();
      }
      for (AggregateState a : aggregates) {
        if (a != null) {
          a.clear();
        }
      }
      // Only the key fields are compared later; copy so that Spark may reuse the event's buffer.
      currentKey = event.isNullAt(0) ? null : keep(event);
    }

    private InternalRow keep(InternalRow event) {
      if (event instanceof UnsafeRow u) {
        if (keyBuffer == null) {
          keyBuffer = new UnsafeRow(u.numFields());
          keyBuffer.pointTo(new byte[u.getSizeInBytes()], u.getSizeInBytes());
        }
        keyBuffer.copyFrom(u);
        return keyBuffer;
      }
      return event.copy();
    }

    private InternalRow emit(InternalRow label) {
      int k = layout.keyCount();
      Object[] out = new Object[outputFieldCount()];
      int at = 0;
      for (int i = 0; i < k; i++) {
        out[at++] = label.get(layout.keyIndex(i), layout.keyTypes[i]);
      }
      boolean nullTime = label.isNullAt(layout.timeIndex());
      long t = nullTime ? 0L : label.getLong(layout.timeIndex());
      out[at++] = nullTime ? null : t;
      for (int f : layout.labelFields) {
        out[at++] = value(label, f);
      }
      boolean nullKey = label.isNullAt(layout.keyHashIndex());
      for (int j = 0; j < layout.sourceCount; j++) {
        MatchStatus status =
            nullTime ? MatchStatus.NULL_TIME : nullKey ? MatchStatus.NULL_KEY : statusOf(j, t);
        SourceFields fields = layout.sources[j];
        AggregateState state = aggregates[j];
        boolean known = !nullTime && !nullKey;
        if (state != null && known) {
          state.advance(t);
          if (layout.latestCounts[j] == 0) {
            // a source of aggregations only matches when a row is in its longest window
            status = state.matched() ? MatchStatus.MATCHED : MatchStatus.NO_MATCH;
          }
        }
        boolean matched = status == MatchStatus.MATCHED && layout.latestCounts[j] > 0;
        InternalRow winner = matched ? best[j].best() : null;
        for (int f = 0; f < layout.latestCounts[j]; f++) {
          out[at++] = matched ? value(winner, fields.features()[f]) : null;
        }
        out[at++] = matched ? best[j].eventTime() : null;
        out[at++] = matched && fields.available() >= 0 ? value(winner, fields.available()) : null;
        out[at++] = STATUS[status.ordinal()];
        out[at++] = matched ? best[j].hashTie() : null;
        if (state != null) {
          if (known) {
            state.results(t, best[j].isEmpty() ? null : best[j].eventTime(), out, at);
          }
          at += layout.aggregates[j].aggregations.size() + 2;
        }
      }
      return SparkRows.row(out);
    }

    private Object value(InternalRow row, int field) {
      return row.isNullAt(field) ? null : row.get(field, layout.slotType(field));
    }

    private MatchStatus statusOf(int j, long t) {
      if (best[j].isEmpty()) {
        return MatchStatus.NO_MATCH;
      }
      // The best candidate has the greatest e: when it is older than the max age, so is every
      // candidate, and none is within [t - M, t - g].
      long maxAge = maxAgeMicros[j];
      if (maxAge >= 0 && best[j].eventTime() < t - maxAge) {
        return MatchStatus.NO_MATCH;
      }
      return MatchStatus.MATCHED;
    }
  }
}
