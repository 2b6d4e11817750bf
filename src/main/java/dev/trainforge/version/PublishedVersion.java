package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

/** A version visible to readers: tagged, and the head of {@code main}. */
public record PublishedVersion(String table, String tag, long snapshotId) {
  public PublishedVersion {
    requireNonNull(table, "table is null");
    requireNonNull(tag, "tag is null");
  }
}
