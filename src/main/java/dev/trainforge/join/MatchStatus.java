package dev.trainforge.join;

/** What the as-of join found for one label row and one feature source. */
public enum MatchStatus {
  /** A winning feature row was found and is fresh enough. */
  MATCHED,
  /** No feature row was a candidate. */
  NO_MATCH,
  /** The winning row is older than the source's max age: its values are not used. */
  EXPIRED,
  /** The label's key for this source is null: SQL equality matches nothing. */
  NULL_KEY,
  /** The label time is null. */
  NULL_TIME
}
