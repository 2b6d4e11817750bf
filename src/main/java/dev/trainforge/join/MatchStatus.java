package dev.trainforge.join;

/** What the as-of join found for one label row and one feature source. */
public enum MatchStatus {
  /** A winning feature row was found (within the source's max age, when it has one). */
  MATCHED,
  /**
   * No feature row was a candidate: none visible by the as-of instant, or none within the max age.
   * Whether an older row exists is deliberately not a status: it would depend on how much history a
   * build happened to read, so a label's row would change with the batch it was built in.
   */
  NO_MATCH,
  /** The label's key for this source is null: SQL equality matches nothing. */
  NULL_KEY,
  /** The label time is null. */
  NULL_TIME
}
