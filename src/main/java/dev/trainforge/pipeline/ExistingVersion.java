package dev.trainforge.pipeline;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigDiff;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.join.MatchStatus;
import dev.trainforge.lineage.LineageEvents;
import dev.trainforge.report.Profile;
import dev.trainforge.report.ReportStore;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.source.InputPin;
import dev.trainforge.source.PinRecords;
import dev.trainforge.text.TextFiles;
import dev.trainforge.version.VersionPublisher;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.io.FileIO;

/**
 * A version that already exists, as {@code generate} reports it: what differs between it and the
 * build asked for, and its result when nothing does. Needs table metadata and the version's report,
 * no Spark; used by {@link DatasetBuild} and by {@link NoOpGenerate}.
 */
final class ExistingVersion {
  private ExistingVersion() {}

  /**
   * What differs between the version (its snapshot {@code summary}) and a build of {@code config}
   * from inputs pinned to {@code pins}, one phrase each; empty when it would make the same rows.
   */
  static List<String> differences(
      BuildConfig config, Map<String, String> summary, List<InputPin> pins) {
    String p = VersionPublisher.PREFIX;
    List<String> differences = new ArrayList<>();
    String oldHash = summary.get(p + "config-sha256");
    if (!config.configHash().equals(oldHash)) {
      List<String> changed = ConfigDiff.between(summary.get(p + "config"), config.canonicalJson());
      changed.removeIf(line -> line.startsWith("version ") || line.startsWith("name "));
      differences.add(
          (changed.isEmpty() ? "" : "config " + String.join(", ", changed) + " (")
              + "config-sha256 "
              + oldHash
              + " -> "
              + config.configHash()
              + (changed.isEmpty() ? "" : ")"));
    }
    String recorded = summary.get(p + "inputs");
    if (recorded == null) {
      differences.add("the version records no input pins");
    } else {
      differences.addAll(PinRecords.differences(PinRecords.fromJson(recorded), pins));
    }
    return differences;
  }

  /** The log line of a build that found its version already published. */
  static void logSame(PrintStream log, DatasetSpec spec) {
    log.printf(
        "Version %s of '%s' already exists with the same config and input pins; nothing was"
            + " recomputed%n",
        spec.tag(), spec.name());
  }

  /**
   * The result of a build that found its version already published as {@code snapshot}: counts from
   * the snapshot summary and the version's report (read through {@code io}), its recorded content
   * {@code checksum}.
   */
  static BuildResult result(
      BuildConfig config, Snapshot snapshot, FileIO io, String checksum, long millis) {
    DatasetSpec spec = config.dataset();
    Map<String, String> summary = snapshot.summary();
    String p = VersionPublisher.PREFIX;
    String reportLocation = summary.getOrDefault(p + "report", "");
    ValidationReport report =
        reportLocation.isEmpty() ? null : new ReportStore(io).read(reportLocation);
    long labelRows = Long.parseLong(summary.getOrDefault(p + "label-rows", "0"));
    long dropped = Long.parseLong(summary.getOrDefault(p + "label-rows-dropped", "0"));
    return new BuildResult(
        spec.name(),
        spec.version(),
        spec.output().qualifiedName(),
        spec.tag(),
        snapshot.snapshotId(),
        summary.get(p + "config-sha256"),
        labelRows + dropped,
        dropped,
        Long.parseLong(summary.getOrDefault("total-records", "0")),
        report == null ? List.of() : sourceCounts(report.profile()),
        report == null ? "UNKNOWN" : report.verdict().name(),
        reportLocation,
        checksum,
        true,
        millis,
        Optional.ofNullable(summary.get(p + RollingBuild.SUMMARY_KEY))
            .map(location -> TextFiles.read(io, location))
            .map(RollingDays::parse),
        dev.trainforge.spark.BuildCost.NONE);
  }

  /** The per-source status counts a report's profile records. */
  static List<SourceCounts> sourceCounts(Profile profile) {
    List<SourceCounts> out = new ArrayList<>();
    for (Profile.SourceProfile s : profile.sources()) {
      Map<MatchStatus, Long> byStatus = new EnumMap<>(MatchStatus.class);
      s.statuses().forEach((status, n) -> byStatus.merge(statusOf(status), n, Long::sum));
      out.add(new SourceCounts(s.source(), byStatus, s.hashTies()));
    }
    return out;
  }

  /**
   * A status recorded in a report. Versions published before the contract dropped {@code EXPIRED}
   * keep their rows; their counts show it as what it is now, no candidate within the max age.
   */
  private static MatchStatus statusOf(String recorded) {
    return "EXPIRED".equals(recorded) ? MatchStatus.NO_MATCH : MatchStatus.valueOf(recorded);
  }

  /**
   * The OpenLineage events of a build of {@code config}, logging to {@code log}. Here, not in
   * {@link DatasetBuild}, whose catch clauses name Spark's exceptions: verifying that class loads
   * them, which a no-op build without Spark must not.
   */
  static LineageEvents lineage(BuildConfig config, String runId, PrintStream log) {
    return lineage(config, runId, log, "unknown");
  }

  /** Like {@link #lineage(BuildConfig, String, PrintStream)}, naming the Spark version. */
  static LineageEvents lineage(
      BuildConfig config, String runId, PrintStream log, String engineVersion) {
    var s = config.settings().lineage();
    LineageEvents.Transport transport =
        switch (s.transport()) {
          case "http" ->
              new LineageEvents.Transport.Http(
                  java.net.URI.create(s.url().orElseThrow()), java.time.Duration.ofSeconds(10));
          case "file" ->
              new LineageEvents.Transport.File(java.nio.file.Path.of(s.file().orElseThrow()));
          default -> new LineageEvents.Transport.None();
        };
    return new LineageEvents(
        transport,
        s.namespace(),
        config.dataset().name(),
        Optional.ofNullable(runId),
        Optional.ofNullable(System.getenv("OPENLINEAGE_PARENT_ID")),
        log,
        engineVersion);
  }
}
