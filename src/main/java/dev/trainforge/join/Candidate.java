package dev.trainforge.join;

import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The greatest feature row seen so far under the spec's order {@code (e, a, tie-break, content
 * hash)}, plus a "partner": another row equal in every time but with another content hash, kept
 * while one exists, so that "decided by the content hash alone" survives a merge of two candidates.
 * Holds two rows at most, copied, since Spark reuses the rows it hands out.
 */
final class Candidate {
  private InternalRow best;
  private InternalRow partner;

  /** Source rows are {@code (e, a, tie-break, content hash, features...)}. */
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
      long h = row.getLong(3);
      long bestHash = best.getLong(3);
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

  static int compareTimes(InternalRow x, InternalRow y) {
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
