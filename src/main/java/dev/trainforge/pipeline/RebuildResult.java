package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.validate.Numbers;
import java.time.Duration;

/**
 * What a rebuild of a published version found.
 *
 * @param dataset the dataset name
 * @param version the dataset version
 * @param table the Iceberg table
 * @param tag the version's tag
 * @param snapshotId the published snapshot
 * @param branch the side branch the rebuild was written to
 * @param rebuiltSnapshotId the rebuilt snapshot on that branch
 * @param recordedChecksum the checksum recorded at publish time ("" when none was)
 * @param rebuiltChecksum the rebuilt rows' checksum
 * @param branchKept true when the branch was kept (a different rebuild, for inspection)
 * @param retention how long a kept branch stays before snapshot expiry removes it
 * @param millis wall time
 */
public record RebuildResult(
    String dataset,
    String version,
    String table,
    String tag,
    long snapshotId,
    String branch,
    long rebuiltSnapshotId,
    String recordedChecksum,
    String rebuiltChecksum,
    boolean branchKept,
    Duration retention,
    long millis) {
  public RebuildResult {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(version, "version is null");
    requireNonNull(table, "table is null");
    requireNonNull(tag, "tag is null");
    requireNonNull(branch, "branch is null");
    requireNonNull(recordedChecksum, "recordedChecksum is null");
    requireNonNull(rebuiltChecksum, "rebuiltChecksum is null");
    requireNonNull(retention, "retention is null");
  }

  /** True when the rebuilt rows equal the published ones. */
  public boolean identical() {
    return rebuiltChecksum.equals(recordedChecksum);
  }

  /** A short, human-readable summary. */
  public String summary() {
    return String.format(
        "Rebuilt '%s' %s from its pinned inputs in %s: %s%n"
            + "  table      %s (snapshot %d)%n"
            + "  recorded   %s%n"
            + "  rebuilt    %s%n"
            + "  branch     %s (snapshot %d) %s%n",
        dataset,
        tag,
        Numbers.millis(millis),
        identical() ? "identical" : "DIFFERENT",
        table,
        snapshotId,
        recordedChecksum.isEmpty() ? "(none recorded)" : recordedChecksum,
        rebuiltChecksum,
        branch,
        rebuiltSnapshotId,
        branchKept ? "kept for " + retention.toDays() + " days for inspection" : "removed");
  }
}
