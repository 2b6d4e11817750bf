package dev.trainforge.join;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The greatest feature row seen so far under the spec's order {@code (e, a, tie-break, content
 * hash)}, plus a "partner": another row equal in every time but with another content hash, kept
 * while one exists, so that "decided by the content hash alone" survives a merge of two candidates.
 * Holds two rows at most, copied, since Spark reuses the rows it hands out.
 */
final class Candidate {
  private final SourceSlots slots;
  private InternalRow best;
  private InternalRow partner;

  /** For source rows laid out as {@code slots} says. */
  Candidate(SourceSlots slots) {
    this.slots = slots;
  }

  /** Source rows are {@code (e, a, tie-break, content hash, features...)}, as the slots say. */
  void offer(InternalRow row) {
    if (best == null) {
      best = row.copy();
      partner = null;
      return;
    }
    int byTimes = compareTimes(row, best);
    if (byTimes > 0) {
      best = row.copy();
      partner = null;
    } else if (byTimes == 0) {
      long h = row.getLong(slots.hash());
      long bestHash = best.getLong(slots.hash());
      if (h > bestHash) {
        partner = best;
        best = row.copy();
      } else if (h < bestHash && partner == null) {
        partner = row.copy();
      }
    }
  }

  void offer(Candidate other) {
    if (other.best != null) {
      offer(other.best);
    }
    if (other.partner != null) {
      offer(other.partner);
    }
  }

  void clear() {
    best = null;
    partner = null;
  }

  boolean isEmpty() {
    return best == null;
  }

  InternalRow best() {
    return best;
  }

  InternalRow partner() {
    return partner;
  }

  /** Whether the best row won by content hash alone, over a row with other values. */
  boolean hashTie() {
    return partner != null;
  }

  private int compareTimes(InternalRow x, InternalRow y) {
    int c = Long.compare(x.getLong(0), y.getLong(0));
    if (c != 0) {
      return c;
    }
    int a = slots.available();
    if (a >= 0) {
      c = Long.compare(x.getLong(a), y.getLong(a));
      if (c != 0) {
        return c;
      }
    }
    int tb = slots.tieBreak();
    if (tb < 0) {
      return 0;
    }
    boolean xNull = x.isNullAt(tb);
    boolean yNull = y.isNullAt(tb);
    if (xNull || yNull) {
      // a missing tie-break orders first
      return Boolean.compare(!xNull, !yNull);
    }
    return Long.compare(x.getLong(tb), y.getLong(tb));
  }
}
