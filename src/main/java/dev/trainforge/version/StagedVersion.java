package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import java.util.Map;

/**
 * A version written to an audit branch and not yet visible on {@code main} or as a tag.
 *
 * @param table the table's qualified name
 * @param branch the audit branch holding the snapshot
 * @param snapshotId the written snapshot
 * @param summary the snapshot's summary, Iceberg's counters included
 */
public record StagedVersion(
    String table, String branch, long snapshotId, Map<String, String> summary) {
  public StagedVersion {
    requireNonNull(table, "table is null");
    requireNonNull(branch, "branch is null");
    summary = Map.copyOf(summary);
  }

  /** The rows in the snapshot, from Iceberg's own count. */
  public long totalRecords() {
    return Long.parseLong(summary.getOrDefault("total-records", "-1"));
  }
}
