package dev.trainforge.join;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The {@code k} greatest rows of one source seen so far, under the latest-value order {@code (e, a,
 * tie-break, content hash)}, greatest first: what {@code last-k} reads. Rows are copied; k is
 * small, so insertion is a scan.
 */
final class TopRows {
  /** A kept row and its order fields. */
  static final class Entry {
    final InternalRow row;
    final long e;
    final long a;
    final long sequence;
    private long hash;
    private boolean hashKnown;

    Entry(InternalRow row, long e, long a, long sequence) {
      this.row = row;
      this.e = e;
      this.a = a;
      this.sequence = sequence;
    }
  }

  private final AggregatePlan plan;
  private final ContentHash contentHash;
  private final int k;
  private final List<Entry> entries = new ArrayList<>();

  TopRows(AggregatePlan plan, ContentHash contentHash, int k) {
    this.plan = plan;
    this.contentHash = contentHash;
    this.k = k;
  }

  /** Offers a row (a view: copied when kept); {@code sequence} tells copies of one row apart. */
  void offer(InternalRow row, long sequence) {
    offer(new Entry(null, plan.eventTime(row), plan.availableTime(row), sequence), row);
  }

  /** Offers an entry of another {@code TopRows} (its row is kept as it is). */
  void offer(Entry entry) {
    offer(entry, entry.row);
  }

  private void offer(Entry probe, InternalRow row) {
    int at = entries.size();
    while (at > 0 && compare(probe, row, entries.get(at - 1)) > 0) {
      at--;
    }
    if (at >= k) {
      return;
    }
    Entry kept =
        probe.row != null ? probe : new Entry(row.copy(), probe.e, probe.a, probe.sequence);
    if (probe.row == null && probe.hashKnown) {
      kept.hash = probe.hash;
      kept.hashKnown = true;
    }
    entries.add(at, kept);
    if (entries.size() > k) {
      entries.remove(entries.size() - 1);
    }
  }

  private int compare(Entry x, InternalRow xRow, Entry y) {
    int c = Long.compare(x.e, y.e);
    if (c != 0) {
      return c;
    }
    c = Long.compare(x.a, y.a);
    if (c != 0) {
      return c;
    }
    int tb = plan.source.tieBreak();
    if (tb >= 0) {
      boolean xNull = xRow.isNullAt(tb);
      boolean yNull = y.row.isNullAt(tb);
      if (xNull || yNull) {
        c = Boolean.compare(!xNull, !yNull);
      } else {
        c = Long.compare(xRow.getLong(tb), y.row.getLong(tb));
      }
      if (c != 0) {
        return c;
      }
    }
    return Long.compare(hash(x, xRow), hash(y, y.row));
  }

  private long hash(Entry entry, InternalRow row) {
    if (!entry.hashKnown) {
      entry.hash = contentHash.of(row);
      entry.hashKnown = true;
    }
    return entry.hash;
  }

  /** The kept rows, greatest first. */
  List<Entry> entries() {
    return entries;
  }

  void clear() {
    entries.clear();
  }
}
