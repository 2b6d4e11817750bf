package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.report.Numbers;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;

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
 * @param currentInputs true when rebuilt from the inputs as they are now, not from the pins
 * @param days a rolling version's days, each rebuilt by itself; empty for another version
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
    long millis,
    boolean currentInputs,
    List<Day> days) {
  public RebuildResult {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(version, "version is null");
    requireNonNull(table, "table is null");
    requireNonNull(tag, "tag is null");
    requireNonNull(branch, "branch is null");
    requireNonNull(recordedChecksum, "recordedChecksum is null");
    requireNonNull(rebuiltChecksum, "rebuiltChecksum is null");
    requireNonNull(retention, "retention is null");
    days = List.copyOf(days);
  }

  /**
   * One day of a rolling version, rebuilt from the pins (or, with current inputs, the config) of
   * the version whose build computed it.
   *
   * @param day the UTC label day
   * @param builtBy the tag of the version that computed it
   * @param recorded its checksum in the version's list of days
   * @param rebuilt the rebuilt rows' checksum ({@code 0:0} when the rebuild has none)
   */
  public record Day(LocalDate day, String builtBy, String recorded, String rebuilt) {
    public Day {
      requireNonNull(day, "day is null");
      requireNonNull(builtBy, "builtBy is null");
      requireNonNull(recorded, "recorded is null");
      requireNonNull(rebuilt, "rebuilt is null");
    }

    public boolean identical() {
      return recorded.equals(rebuilt);
    }
  }

  /** The days whose rebuilt rows differ from the recorded ones, in order. */
  public List<Day> differentDays() {
    return days.stream().filter(d -> !d.identical()).toList();
  }

  /** True when the rebuilt rows equal the published ones. */
  public boolean identical() {
    return rebuiltChecksum.equals(recordedChecksum) && differentDays().isEmpty();
  }

  /** A short, human-readable summary. */
  public String summary() {
    StringBuilder out =
        new StringBuilder(
            String.format(
                "Rebuilt '%s' %s from %s in %s: %s%n"
                    + "  table      %s (snapshot %d)%n"
                    + "  recorded   %s%n"
                    + "  rebuilt    %s%n",
                dataset,
                tag,
                currentInputs ? "the inputs as they are now" : "its pinned inputs",
                Numbers.millis(millis),
                identical() ? "identical" : "DIFFERENT",
                table,
                snapshotId,
                recordedChecksum.isEmpty() ? "(none recorded)" : recordedChecksum,
                rebuiltChecksum));
    if (!days.isEmpty()) {
      List<Day> different = differentDays();
      out.append(
          String.format(
              "  days       %d (%s..%s), each from %s of the version that built it (%d versions):"
                  + " %s%n",
              days.size(),
              days.get(0).day(),
              days.get(days.size() - 1).day(),
              currentInputs ? "the config" : "the pins and config",
              days.stream().map(Day::builtBy).distinct().count(),
              different.isEmpty() ? "all identical" : different.size() + " differ"));
      for (Day d : different) {
        out.append(
            String.format(
                "    %s built by %s: recorded %s, rebuilt %s%n",
                d.day(), d.builtBy(), d.recorded(), d.rebuilt()));
      }
    }
    out.append(
        String.format(
            "  branch     %s (snapshot %d) %s%n",
            branch,
            rebuiltSnapshotId,
            branchKept ? "kept for " + retention.toDays() + " days for inspection" : "removed"));
    return out.toString();
  }
}
