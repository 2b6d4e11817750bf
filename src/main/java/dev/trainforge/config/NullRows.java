package dev.trainforge.config;

/** What happens to label rows with a null time or a null key. */
public enum NullRows {
  /** Kept, with status NULL_TIME or NULL_KEY; validation decides whether the build may publish. */
  KEEP,
  /** Dropped before the join and counted in the build result and the version's metadata. */
  DROP
}
