package dev.trainforge.build;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.Maturity;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinPartitioning;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.KeyHashPartitioning;
import dev.trainforge.join.MatchStatus;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.source.FeatureInput;
import dev.trainforge.source.LabelInput;
import dev.trainforge.source.PartitionPlan;
import dev.trainforge.source.SourceReader;
import dev.trainforge.validate.Baselines;
import dev.trainforge.validate.CheckResult;
import dev.trainforge.validate.Profile;
import dev.trainforge.validate.Profiler;
import dev.trainforge.validate.ReportStore;
import dev.trainforge.validate.ValidationFailedException;
import dev.trainforge.validate.ValidationReport;
import dev.trainforge.validate.Validator;
import dev.trainforge.version.CodeVersion;
import dev.trainforge.version.PublishedVersion;
import dev.trainforge.version.StagedVersion;
import dev.trainforge.version.VersionPublisher;
import dev.trainforge.version.VersionPublisher.AuditBranch;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One build of one dataset version: check every input, join, write an audit snapshot, check it,
 * publish it. Costs one scan of the labels, one shuffle per distinct feature-source key, one write,
 * and one scan of the written status columns. Nothing is visible to readers until the final
 * metadata commit.
 */
public final class DatasetBuild {
  private final SparkSession spark;
  private final PrintStream log;

  public DatasetBuild(SparkSession spark, PrintStream log) {
    this.spark = requireNonNull(spark, "spark is null");
    this.log = requireNonNull(log, "log is null");
  }

  /** Builds and publishes {@code config}'s dataset version; returns what it did. */
  public BuildResult run(BuildConfig config) {
    return run(config, null);
  }

  /**
   * Builds and publishes {@code config}'s dataset version, recording {@code runId} (the
   * orchestrator's run, or null) in the version's metadata; returns what it did.
   */
  public BuildResult run(BuildConfig config, String runId) {
    long start = System.currentTimeMillis();
    DatasetSpec spec = config.dataset();
    VersionPublisher publisher = new VersionPublisher(spark, spec.output());
    publisher.requireNew(spec.name(), spec.tag());

    SourceReader reader = new SourceReader(spark, spec.name());
    LabelInput labels = LabelInput.open(reader, spec.labels());
    StructType labelSchema = labels.schema();
    List<FeatureInput> features = new ArrayList<>();
    for (FeatureSourceSpec f : spec.features()) {
      features.add(FeatureInput.open(reader, f, labelSchema));
    }

    describe("scan labels: row counts and time range");
    LabelInput.Stats stats = labels.stats();
    log.printf(
        "Labels: %d rows (%d without time, %d with a null key)%n",
        stats.rows(), stats.nullTime(), stats.nullKey());
    spec.labels()
        .maturity()
        .ifPresent(
            m ->
                log.printf(
                    "Labels: %d not mature (%s): %s%n",
                    stats.immature(),
                    m.describe(),
                    m.action() == Maturity.Action.EXCLUDE ? "excluded" : "flagged"));
    List<JoinSource> sources = new ArrayList<>();
    for (FeatureInput f : features) {
      Optional<PartitionPlan> plan = f.partitionPlan(stats);
      plan.ifPresent(p -> log.println(p.describe()));
      sources.add(f.toJoinSource(stats.maxTimeMicros().orElse(null), plan));
    }

    describe("sample (key, time) ranges for the as-of join");
    AsOfJoin join = new AsOfJoin(partitioning(config), joinPartitions(config));
    Dataset<Row> joined = join.join(labels.joinInput(), sources).drop(JoinColumns.LABEL_TIME);
    if (spec.split().isPresent()) {
      joined = Splits.assign(joined, spec.split().get(), spec.labels().timeColumn());
    }

    describe("as-of join and write audit snapshot of " + spec.name() + " " + spec.tag());
    AuditBranch audit =
        publisher.openAuditBranch(
            joined.schema(), spec.tag(), spec.validation().auditBranchRetention());
    String reportDir =
        ReportStore.directory(
            spec.validation().reportDir().orElse(audit.location() + "/trainforge-reports"),
            spec.name(),
            audit.branch());
    Map<String, String> summary = summary(config, stats, runId);
    summary.put("report", reportDir + "/" + ReportStore.JSON);
    StagedVersion staged;
    try {
      staged = publisher.write(audit, joined, summary);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Output table vanished while writing: " + e.getMessage(), e);
    }

    describe("validate audit snapshot " + staged.snapshotId());
    ReportStore reports = new ReportStore(publisher.io());
    Baselines.Resolved baseline = new Baselines(publisher, reports).resolve(spec);
    Profiler.Measured measured =
        new Profiler(spec, baseline.profile()).profile(publisher.read(staged));
    Validator.Outcome outcome =
        new Validator(spec)
            .validate(measured, stats.rowsIn(), stats.immature(), baseline.profile());
    ValidationReport report =
        new ValidationReport(
            ValidationReport.FORMAT,
            spec.name(),
            spec.version(),
            staged.table(),
            staged.branch(),
            staged.snapshotId(),
            java.time.Instant.now().toString(),
            baseline.ref(),
            outcome.verdict(),
            outcome.checks(),
            measured.profile(),
            outcome.numeric(),
            outcome.categorical());
    String reportLocation = reports.write(reportDir, report);
    log.println(report.summaryLine(reportLocation));
    if (spec.split().isPresent()) {
      log.println(Splits.describe(publisher.read(staged), spec.split().get()));
    }
    if (report.verdict() == CheckResult.Outcome.FAIL) {
      describe(null);
      throw new ValidationFailedException(failureMessage(spec, report, reportLocation));
    }
    PublishedVersion published = publisher.publish(staged, spec.tag());
    describe(null);
    return new BuildResult(
        spec.name(),
        spec.version(),
        published.table(),
        published.tag(),
        published.snapshotId(),
        config.configHash(),
        stats.rows(),
        stats.droppedNullRows(),
        measured.profile().rows(),
        sourceCounts(measured.profile()),
        report.verdict().name(),
        reportLocation,
        System.currentTimeMillis() - start);
  }

  private static String failureMessage(DatasetSpec spec, ValidationReport report, String location) {
    List<String> failed = new ArrayList<>();
    for (CheckResult c : report.checks()) {
      if (c.outcome() == CheckResult.Outcome.FAIL) {
        failed.add(c.check() + " on " + c.subject() + ": " + c.detail());
      }
    }
    return "Cannot publish '"
        + spec.name()
        + "' "
        + spec.tag()
        + ": validation failed ("
        + String.join("; ", failed)
        + "). Nothing was published; the audit snapshot "
        + report.snapshotId()
        + " stays on branch '"
        + report.branch()
        + "' for inspection; report: "
        + location
        + " (fix the inputs, or relax dataset.validation.checks if the change is expected)";
  }

  private static List<SourceCounts> sourceCounts(Profile profile) {
    List<SourceCounts> out = new ArrayList<>();
    for (Profile.SourceProfile s : profile.sources()) {
      Map<MatchStatus, Long> byStatus = new EnumMap<>(MatchStatus.class);
      s.statuses().forEach((status, n) -> byStatus.put(MatchStatus.valueOf(status), n));
      out.add(new SourceCounts(s.source(), byStatus, s.hashTies()));
    }
    return out;
  }

  private static JoinPartitioning partitioning(BuildConfig config) {
    return switch (config.settings().joinPartitioning()) {
      case RANGE -> new RangePartitioning();
      case HASH -> new KeyHashPartitioning();
    };
  }

  private int joinPartitions(BuildConfig config) {
    int configured = config.settings().joinPartitions();
    return configured > 0
        ? configured
        : Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
  }

  private void describe(String what) {
    spark.sparkContext().setJobDescription(what == null ? null : "trainforge: " + what);
  }

  private static Map<String, String> summary(
      BuildConfig config, LabelInput.Stats stats, String runId) {
    DatasetSpec spec = config.dataset();
    Map<String, String> s = new LinkedHashMap<>();
    s.put("dataset", spec.name());
    s.put("version", spec.version());
    s.put("config-sha256", config.configHash());
    s.put("config", config.canonicalJson());
    s.put("window-start", spec.labels().windowStart().map(Object::toString).orElse(""));
    s.put("window-end", spec.labels().windowEnd().map(Object::toString).orElse(""));
    s.put("label-rows", String.valueOf(stats.rowsIn()));
    s.put("label-rows-dropped", String.valueOf(stats.droppedNullRows()));
    if (spec.labels().maturity().isPresent()) {
      s.put("label-rows-immature", String.valueOf(stats.immature()));
      s.put("label-rows-excluded-immature", String.valueOf(stats.excludedImmature()));
    }
    s.put("code-version", CodeVersion.get());
    if (runId != null) {
      s.put("run-id", runId);
    }
    return s;
  }
}
