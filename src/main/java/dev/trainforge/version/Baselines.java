package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.ConfigException;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.ValidationSpec;
import dev.trainforge.report.Profile;
import dev.trainforge.report.ReportStore;
import dev.trainforge.report.ValidationReport;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;

/**
 * Finds what drift is measured against: the latest published version (the head of {@code main}), a
 * pinned tag, or nothing; never "whatever ran last". Its profile comes from its report.json, so no
 * old rows are read.
 */
public final class Baselines {
  private final VersionPublisher publisher;
  private final ReportStore reports;

  public Baselines(VersionPublisher publisher, ReportStore reports) {
    this.publisher = requireNonNull(publisher, "publisher is null");
    this.reports = requireNonNull(reports, "reports is null");
  }

  /** The baseline and its profile (null when it has none). */
  public record Resolved(ValidationReport.Baseline ref, Profile profile) {
    static final Resolved NONE = new Resolved(ValidationReport.Baseline.NONE, null);
  }

  public Resolved resolve(DatasetSpec spec) {
    return resolve(spec, Optional.empty());
  }

  /**
   * Like {@link #resolve(DatasetSpec)}; with {@code previousTag}, "previous" means that version
   * rather than the head of {@code main}: a rolling build compares its days with the version that
   * built the day before them, so that a backfill of an older day is not measured against the
   * newest one.
   */
  public Resolved resolve(DatasetSpec spec, Optional<String> previousTag) {
    String wanted = spec.validation().baseline();
    if (ValidationSpec.NONE.equals(wanted)) {
      return Resolved.NONE;
    }
    Optional<Table> table = publisher.table();
    if (ValidationSpec.PREVIOUS.equals(wanted)) {
      Snapshot before =
          previousTag
              .flatMap(tag -> table.map(t -> t.refs().get(tag) == null ? null : t.snapshot(tag)))
              .orElse(null);
      if (before != null) {
        return load("previous", before);
      }
      Snapshot head = table.map(Table::currentSnapshot).orElse(null);
      return head == null ? Resolved.NONE : load("previous", head);
    }
    Snapshot tagged =
        table.map(t -> t.refs().get(wanted) == null ? null : t.snapshot(wanted)).orElse(null);
    if (tagged == null) {
      throw new ConfigException(
          "Cannot build '"
              + spec.name()
              + "': baseline tag '"
              + wanted
              + "' does not exist in "
              + spec.output().qualifiedName()
              + " (set dataset.validation.baseline to an existing tag, \"previous\" or \"none\")");
    }
    return load("tag", tagged);
  }

  private Resolved load(String kind, Snapshot snapshot) {
    Map<String, String> summary = snapshot.summary();
    String version = summary.get(VersionPublisher.PREFIX + "version");
    String location = summary.get(VersionPublisher.PREFIX + "report");
    ValidationReport report = location == null ? null : reports.read(location);
    return new Resolved(
        new ValidationReport.Baseline(
            kind, version == null ? null : "v" + version, snapshot.snapshotId(), location),
        report == null ? null : report.profile());
  }
}
