package dev.trainforge.join;

import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * The greatest feature event of one source seen so far under the spec's order {@code (e, a,
 * tie-break, content hash)}, plus a "partner": another event equal in every time but with another
 * content hash, kept while one exists, so that "decided by the content hash alone" survives a merge
 * of two candidates. Holds two events at most, copied into buffers of its own, since Spark reuses
 * the rows it hands out; a row taken from {@link #best()} stays valid until the next offer. Where
 * the rows offered keep their bytes for as long as the candidate lives (the in-memory sort's), it
 * holds views of them instead: the merge offers every row, and most win, so this saves a copy per
 * row.
 */
final class Candidate {
  private final SourceFields fields;
  private final int timeIndex;
  private final ContentHash contentHash;
  private final boolean rowsStay;
  private InternalRow best;
  private long bestHash;
  private boolean bestHashKnown;
  private InternalRow partner;
  private InternalRow spare;

  /**
   * For events of a source laid out as {@code fields} says.
   *
   * @param rowsStay whether the bytes of an unsafe row offered stay as they are while this
   *     candidate lives, so that it may keep a view of them rather than a copy
   */
  Candidate(SourceFields fields, int timeIndex, ContentHash contentHash, boolean rowsStay) {
    this.fields = fields;
    this.timeIndex = timeIndex;
    this.contentHash = contentHash;
    this.rowsStay = rowsStay;
  }

  void offer(InternalRow row) {
    if (best == null) {
      setBest(row);
      return;
    }
    int byTimes = compareTimes(row, best);
    if (byTimes > 0) {
      release(partner);
      partner = null;
      InternalRow old = best;
      setBest(row);
      release(old);
    } else if (byTimes == 0) {
      long h = contentHash.of(row);
      long current = bestHash();
      if (h > current) {
        release(partner);
        partner = best;
        setBest(row);
        bestHash = h;
        bestHashKnown = true;
      } else if (h < current && partner == null) {
        partner = keep(row);
      }
    }
  }

  private void setBest(InternalRow row) {
    best = keep(row);
    bestHashKnown = false;
  }

  private long bestHash() {
    if (!bestHashKnown) {
      bestHash = contentHash.of(best);
      bestHashKnown = true;
    }
    return bestHash;
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
    release(best);
    release(partner);
    best = null;
    partner = null;
    bestHashKnown = false;
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

  /** {@code e} of the best row. */
  long eventTime() {
    return fields.event() >= 0
        ? best.getLong(fields.event())
        : best.getLong(timeIndex) - fields.eventShift();
  }

  /**
   * A copy of {@code row}, into the spare buffer when both are unsafe rows; a view of it, in the
   * spare row object, when rows stay.
   */
  private InternalRow keep(InternalRow row) {
    if (row instanceof UnsafeRow u) {
      UnsafeRow into = spare instanceof UnsafeRow s ? s : new UnsafeRow(u.numFields());
      spare = null;
      if (rowsStay) {
        into.pointTo(u.getBaseObject(), u.getBaseOffset(), u.getSizeInBytes());
        return into;
      }
      if (into.getBaseObject() == null) {
        into.pointTo(new byte[Math.max(64, u.getSizeInBytes())], u.getSizeInBytes());
      }
      into.copyFrom(u);
      return into;
    }
    return row.copy();
  }

  private void release(InternalRow row) {
    if (row != null && spare == null) {
      spare = row;
    }
  }

  private long eventTime(InternalRow row) {
    return fields.event() >= 0
        ? row.getLong(fields.event())
        : row.getLong(timeIndex) - fields.eventShift();
  }

  private int compareTimes(InternalRow x, InternalRow y) {
    int c = Long.compare(eventTime(x), eventTime(y));
    if (c != 0) {
      return c;
    }
    int a = fields.available();
    if (a >= 0) {
      c = Long.compare(x.getLong(a), y.getLong(a));
      if (c != 0) {
        return c;
      }
    }
    int tb = fields.tieBreak();
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
