package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.Maturity;
import dev.trainforge.config.SourceFormat;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinPartitioning;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.KeyHashPartitioning;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.lineage.LineageEvents;
import dev.trainforge.source.FeatureInput;
import dev.trainforge.source.InputPin;
import dev.trainforge.source.InputPins;
import dev.trainforge.source.LabelInput;
import dev.trainforge.source.PartitionPlan;
import dev.trainforge.source.SourceReader;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.validate.CheckResult;
import dev.trainforge.validate.Profile;
import dev.trainforge.validate.Profiler;
import dev.trainforge.validate.ReportStore;
import dev.trainforge.validate.ValidationFailedException;
import dev.trainforge.validate.ValidationReport;
import dev.trainforge.validate.Validator;
import dev.trainforge.version.Baselines;
import dev.trainforge.version.CodeVersion;
import dev.trainforge.version.PublishedVersion;
import dev.trainforge.version.StagedVersion;
import dev.trainforge.version.VersionExistsException;
import dev.trainforge.version.VersionPublisher;
import dev.trainforge.version.VersionPublisher.AuditBranch;
import dev.trainforge.version.VersionStateException;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.StructType;

/**
 * One build of one dataset version: check every input, join, write an audit snapshot, check it,
 * publish it. Nothing is visible to readers until the final metadata commit.
 *
 * <p>What each pass costs (BENCHMARKS.md, "End to end (generate)", has the numbers):
 *
 * <ol>
 *   <li><b>Opening the inputs</b> reads metadata only: per Parquet input, its file listing (on the
 *       driver, up to 1024 files in a local session) and one footer for its schema (a one-task
 *       job); per Delta input, Delta's own log jobs. On the sample this is most of the Spark jobs
 *       and several seconds; it does not grow with the rows.
 *   <li><b>The label scan</b> ({@link LabelInput#stats}): one aggregation over the labels for the
 *       counts and the time range that the partition plans need.
 *   <li><b>The join's sampling pass</b>: a sampled read of the labels' and each source's keys and
 *       times, for the range boundaries (about 3 s on S).
 *   <li><b>The join and the write</b>: one read of the labels and of each source, one shuffle per
 *       distinct source key, one Parquet write, one Iceberg commit on the audit branch. This is the
 *       bulk of the work (S: 2M labels x 20M feature rows, about 30 s on 2 cores).
 *   <li><b>Validation</b> reads the written snapshot (about two splits per core) three times: once
 *       for the profile, one aggregation without grouping (counts, moments, sketches, the leakage
 *       audit, boolean categories and the content checksum: a few microseconds of CPU per row);
 *       once for the exact distinct counts of ids and of (keys, time), a grouped pass over those
 *       columns alone; and once over the numeric columns for exact counts in their own decile bins,
 *       which drift compares exactly. Non-boolean categorical columns add one grouped pass for
 *       their top-k (the sample has none). A rolling build reads only its window's days.
 *   <li><b>A rolling build of more than one day</b> adds one grouped aggregation over its window's
 *       rows for each day's checksum (a one-day window takes it from the profile).
 *   <li><b>Publishing</b>: one Iceberg metadata commit.
 * </ol>
 *
 * <p>So the labels are read three times (scan, sampling, join) and each source twice (sampling,
 * join); the label reads are narrow and cheap next to the shuffle, and the two extra reads are the
 * join's (a range-partitioned join needs its boundaries before it runs).
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

  /** The opened inputs, each pinned. */
  private record Inputs(LabelInput labels, List<FeatureInput> features) {
    List<InputPin> pins() {
      List<InputPin> pins = new ArrayList<>();
      pins.add(labels.pin());
      features.forEach(f -> pins.add(f.pin()));
      return pins;
    }
  }

  /** The join, planned and not yet run, and the label scan it was planned from. */
  private record Joined(LabelInput.Stats stats, Dataset<Row> rows) {}

  /**
   * Builds and publishes {@code config}'s dataset version, recording {@code runId} (the
   * orchestrator's run, or null) in the version's metadata; returns what it did. When the version
   * exists with the same config hash and input pins, nothing is recomputed and the existing version
   * is returned.
   *
   * @throws VersionExistsException when the version exists with another config hash or other pins,
   *     or another build published it while this one ran
   */
  public BuildResult run(BuildConfig config, String runId) {
    return run(config, runId, null);
  }

  /**
   * Like {@link #run(BuildConfig, String)}, recording {@code note} (why this version was built, in
   * the user's words, or null) in the version's metadata; {@code list} and {@code show} print it.
   */
  public BuildResult run(BuildConfig config, String runId, String note) {
    lineage = lineage(config, runId);
    lineageInputs = List.of();
    String output = config.dataset().output().qualifiedName();
    try (Phases p = new Phases(spark, log, config.settings().progressInterval())) {
      phases = p;
      BuildResult result = build(config, runId, note);
      p.end();
      lineage.complete(lineageInputs, output, result.tag());
      return result.withPhases(p.costs());
    } catch (RuntimeException e) {
      lineage.fail(lineageInputs, output, e);
      throw e;
    } finally {
      phases = null;
      lineage = null;
    }
  }

  /** The build's OpenLineage events, as configured; the parent run from OPENLINEAGE_PARENT_ID. */
  private LineageEvents lineage(BuildConfig config, String runId) {
    return ExistingVersion.lineage(config, runId, log);
  }

  /** The run's lineage events and the inputs they name, while {@link #run} runs. */
  private LineageEvents lineage;

  private List<LineageEvents.Input> lineageInputs = List.of();

  private BuildResult build(BuildConfig config, String runId, String note) {
    long start = System.currentTimeMillis();
    describe("pin and check inputs");
    DatasetSpec spec = config.dataset();
    VersionPublisher publisher = new VersionPublisher(spark, spec.output());
    Optional<Snapshot> existing = publisher.tagged(spec.tag());

    Inputs inputs = open(spec, Map.of());
    lineageInputs =
        inputs.pins().stream()
            .map(p -> LineageEvents.input(p.location(), p.pin(), p.format().configName()))
            .toList();
    lineage.start(lineageInputs, spec.output().qualifiedName());
    if (existing.isPresent()) {
      return existingVersion(config, publisher, existing.get(), inputs.pins(), start);
    }
    Joined joined = join(config, inputs);
    LabelInput.Stats stats = joined.stats();

    describe("as-of join and write audit snapshot of " + spec.name() + " " + spec.tag());
    Optional<String> dayColumn = spec.retention().map(r -> spec.labels().timeColumn());
    AuditBranch audit =
        publisher.openAuditBranch(
            joined.rows().schema(),
            spec.tag(),
            spec.validation().auditBranchRetention(),
            dayColumn);
    Optional<RollingBuild> rolling =
        spec.retention().map(r -> RollingBuild.plan(spec, publisher, audit));
    rolling.ifPresent(r -> log.println(r.describe()));
    writeManifests(publisher, inputs.pins());
    String reportDir =
        ReportStore.directory(
            spec.validation().reportDir().orElse(audit.location() + "/trainforge-reports"),
            spec.name(),
            audit.branch());
    Map<String, String> summary = summary(config, stats, runId);
    if (note != null && !note.isBlank()) {
      summary.put("note", note.strip());
    }
    summary.put("inputs", InputPins.toJson(inputs.pins()));
    summary.put("report", reportDir + "/" + ReportStore.JSON);
    rolling.ifPresent(r -> summary.put(RollingBuild.SUMMARY_KEY, r.daysLocation()));
    StagedVersion staged =
        write(
            publisher,
            audit,
            joined.rows(),
            summary,
            rolling.map(RollingBuild::replaced).orElse(org.apache.spark.sql.functions.lit(true)));

    describe("validate audit snapshot " + staged.snapshotId());
    ReportStore reports = new ReportStore(publisher.io());
    Baselines.Resolved baseline =
        new Baselines(publisher, reports)
            .resolve(spec, rolling.flatMap(RollingBuild::builderOfDayBefore));
    // A rolling version is checked on the days this build computed; the kept days were checked
    // by the builds that computed them, and are not read again.
    Dataset<Row> built = publisher.read(staged);
    if (rolling.isPresent()) {
      built = built.where(rolling.get().window());
    }
    Profiler.Measured measured = new Profiler(spec, baseline.profile()).profile(built);
    String whyEmpty =
        measured.profile().rows() == 0 ? inputs.labels().whyNoRows(stats) : "there are rows";
    Validator.Outcome outcome =
        new Validator(spec)
            .validate(
                measured,
                stats.rowsIn(),
                stats.immature(),
                stats.timelessOutsideWindow(),
                baseline.profile(),
                whyEmpty);
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
    String checksum = measured.contentChecksum();
    Optional<RollingDays> days = Optional.empty();
    if (rolling.isPresent()) {
      describe("record the days of " + spec.name() + " " + spec.tag());
      days = Optional.of(rolling.get().record(built, measured.contentChecksum()));
      log.println(rolling.get().describe(days.get()));
      checksum = days.get().checksum();
    }
    describe("publish " + spec.tag());
    PublishedVersion published =
        publisher.publish(staged, spec.tag(), checksum, rolling.flatMap(RollingBuild::base));
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
        checksum,
        false,
        System.currentTimeMillis() - start,
        days,
        List.of());
  }

  /**
   * Rebuilds {@code config}'s version from its recorded input pins (time travel) into a side branch
   * {@code rebuild_<tag>_<random>}, never {@code main} or a tag, and compares the content checksum
   * with the one recorded at publish time. An identical rebuild's branch is removed; a different
   * one is kept for {@code dataset.validation.audit-branch-retention}. Costs a full build (no
   * validation gate) plus one aggregation for the checksum.
   *
   * @throws VersionStateException when the version does not exist, or {@code config} defines other
   *     rows than the version recorded
   * @throws dev.trainforge.InputMissingException when retention removed pinned data
   */
  public RebuildResult rebuild(BuildConfig config) {
    long start = System.currentTimeMillis();
    DatasetSpec spec = config.dataset();
    VersionPublisher publisher = new VersionPublisher(spark, spec.output());
    Snapshot snapshot =
        publisher.tagged(spec.tag()).orElseThrow(() -> noSuchVersion(spec, "rebuild"));
    Map<String, String> recorded = snapshot.summary();
    String oldHash = recorded.get(VersionPublisher.PREFIX + "config-sha256");
    if (!config.configHash().equals(oldHash)) {
      throw new VersionStateException(
          "Cannot rebuild '"
              + spec.name()
              + "' "
              + spec.tag()
              + ": the config defines other rows than the version recorded ("
              + String.join(
                  ", ",
                  dev.trainforge.config.ConfigDiff.between(
                      recorded.get(VersionPublisher.PREFIX + "config"), config.canonicalJson()))
              + "; config-sha256 "
              + oldHash
              + " recorded, "
              + config.configHash()
              + " now; use the config the version was built from, recorded in its snapshot"
              + " summary as trainforge.config)");
    }
    if (recorded.containsKey(VersionPublisher.PREFIX + RollingBuild.SUMMARY_KEY)) {
      throw new VersionStateException(
          String.format(
              "Cannot rebuild '%s' %s: it is a rolling version, whose days were computed by"
                  + " several builds (listed in %s); rebuilding it day by day is not supported yet"
                  + " (verify checks its content against the recorded checksum)",
              spec.name(),
              spec.tag(),
              recorded.get(VersionPublisher.PREFIX + RollingBuild.SUMMARY_KEY)));
    }
    String pinsJson = recorded.get(VersionPublisher.PREFIX + "inputs");
    if (pinsJson == null) {
      throw new VersionStateException(
          "Cannot rebuild '"
              + spec.name()
              + "' "
              + spec.tag()
              + ": the version records no input pins (it was built before pins were recorded;"
              + " only versions with trainforge.inputs can be rebuilt)");
    }
    Map<String, InputPin> pins = withFileLists(publisher, InputPins.fromJson(pinsJson));
    Inputs inputs = open(spec, pins);
    Joined joined = join(config, inputs);

    describe("rebuild " + spec.name() + " " + spec.tag() + " into a side branch");
    AuditBranch branch =
        publisher.openBranch(
            joined.rows().schema(),
            "rebuild_",
            spec.tag(),
            spec.validation().auditBranchRetention());
    Map<String, String> summary = summary(config, joined.stats(), null);
    summary.put("inputs", pinsJson);
    summary.put("rebuild-of", String.valueOf(snapshot.snapshotId()));
    StagedVersion staged = write(publisher, branch, joined.rows(), summary);
    String checksum = ContentChecksum.of(publisher.read(staged));
    String expected = publisher.recordedChecksum(spec.tag()).orElse("");
    boolean identical = checksum.equals(expected);
    if (identical) {
      publisher.removeBranch(staged.branch());
    }
    describe(null);
    return new RebuildResult(
        spec.name(),
        spec.version(),
        staged.table(),
        spec.tag(),
        snapshot.snapshotId(),
        staged.branch(),
        staged.snapshotId(),
        expected,
        checksum,
        !identical,
        spec.validation().auditBranchRetention(),
        System.currentTimeMillis() - start);
  }

  /** The file lists of recorded Parquet pins, from their manifests beside the table. */
  private Map<String, InputPin> withFileLists(
      VersionPublisher publisher, Map<String, InputPin> pins) {
    Map<String, InputPin> out = new LinkedHashMap<>();
    for (InputPin p : pins.values()) {
      if (p.format() == SourceFormat.PARQUET) {
        String location = manifestLocation(publisher, p.pin());
        String text = publisher.readText(location);
        if (text == null) {
          throw new VersionStateException(
              "Cannot rebuild: the file listing of input '"
                  + p.role()
                  + "' ("
                  + p.pin()
                  + ") is missing at "
                  + location);
        }
        p =
            new InputPin(
                p.role(),
                p.format(),
                p.location(),
                p.pin(),
                InputPins.parseManifest(text, p.pin()),
                p.committedAt(),
                p.rebuildableUntil(),
                p.retention());
      }
      out.put(p.role(), p);
    }
    return out;
  }

  /**
   * Parquet listings are kept beside the table, named by their own hash, so that a rebuild reads
   * exactly the listed files; listings are small and shared by versions that read the same files.
   */
  private static String manifestLocation(VersionPublisher publisher, String pin) {
    return publisher.location()
        + "/trainforge-inputs/"
        + pin.substring(pin.indexOf(':') + 1)
        + ".files";
  }

  private static void writeManifests(VersionPublisher publisher, List<InputPin> pins) {
    for (InputPin p : pins) {
      if (p.format() == SourceFormat.PARQUET) {
        String location = manifestLocation(publisher, p.pin());
        if (publisher.readText(location) == null) {
          publisher.writeText(location, InputPins.manifest(p.files()));
        }
      }
    }
  }

  private static VersionStateException noSuchVersion(DatasetSpec spec, String action) {
    return new VersionStateException(
        "Cannot "
            + action
            + " '"
            + spec.name()
            + "' "
            + spec.tag()
            + ": there is no tag '"
            + spec.tag()
            + "' in "
            + spec.output().qualifiedName()
            + " (name a published version)");
  }

  /**
   * Opens every input, each at {@code recorded}'s pin for its role or else at its current state.
   */
  private Inputs open(DatasetSpec spec, Map<String, InputPin> recorded) {
    SourceReader reader = new SourceReader(spark, spec.name());
    LabelInput labels = LabelInput.open(reader, spec.labels(), recorded.get(InputPin.LABELS));
    StructType labelSchema = labels.schema();
    List<FeatureInput> features = new ArrayList<>();
    for (FeatureSourceSpec f : spec.features()) {
      features.add(
          FeatureInput.open(reader, f, labelSchema, recorded.get(InputPin.feature(f.name()))));
    }
    return new Inputs(labels, features);
  }

  private Joined join(BuildConfig config, Inputs inputs) {
    describe("scan labels: row counts and time range");
    LabelInput.Stats stats = inputs.labels().stats();
    log.printf(
        "Labels: %d rows (%d without time, %d with a null key)%n",
        stats.rows(), stats.nullTime(), stats.nullKey());
    if (stats.timelessOutsideWindow() > 0) {
      log.printf(
          "Labels: %d rows without time are outside the label window and not in this version%n",
          stats.timelessOutsideWindow());
    }
    config
        .dataset()
        .labels()
        .maturity()
        .ifPresent(
            m ->
                log.printf(
                    "Labels: %d not mature (%s): %s%n",
                    stats.immature(),
                    m.describe(),
                    m.action() == Maturity.Action.EXCLUDE ? "excluded" : "flagged"));
    List<JoinSource> sources = new ArrayList<>();
    for (FeatureInput f : inputs.features()) {
      Optional<PartitionPlan> plan = f.partitionPlan(stats);
      plan.ifPresent(p -> log.println(p.describe()));
      sources.add(f.toJoinSource(stats.maxTimeMicros().orElse(null), plan));
    }
    describe("sample (key, time) ranges for the as-of join");
    AsOfJoin join =
        new AsOfJoin(
            partitioning(config), joinPartitions(config), config.settings().joinSortMemoryBytes());
    Dataset<Row> rows =
        join.join(inputs.labels().joinInput(), sources).drop(JoinColumns.LABEL_TIME);
    DatasetSpec spec = config.dataset();
    if (spec.split().isPresent()) {
      rows = Splits.assign(rows, spec.split().get(), spec.labels().timeColumn());
    }
    return new Joined(stats, rows);
  }

  private static StagedVersion write(
      VersionPublisher publisher,
      AuditBranch branch,
      Dataset<Row> rows,
      Map<String, String> summary) {
    return write(publisher, branch, rows, summary, org.apache.spark.sql.functions.lit(true));
  }

  private static StagedVersion write(
      VersionPublisher publisher,
      AuditBranch branch,
      Dataset<Row> rows,
      Map<String, String> summary,
      org.apache.spark.sql.Column replaced) {
    try {
      return publisher.write(branch, rows, summary, replaced);
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Output table vanished while writing: " + e.getMessage(), e);
    }
  }

  /**
   * The version as published, when this build would make the same rows from the same data;
   * otherwise a refusal that names every difference.
   */
  private BuildResult existingVersion(
      BuildConfig config,
      VersionPublisher publisher,
      Snapshot snapshot,
      List<InputPin> pins,
      long start) {
    DatasetSpec spec = config.dataset();
    List<String> differences = ExistingVersion.differences(config, snapshot.summary(), pins);
    if (!differences.isEmpty()) {
      throw new VersionExistsException(
          "Cannot build '"
              + spec.name()
              + "': version tag '"
              + spec.tag()
              + "' already exists in "
              + spec.output().qualifiedName()
              + " (snapshot "
              + snapshot.snapshotId()
              + ") and this build differs: "
              + String.join("; ", differences)
              + " (versions are immutable: set dataset.version to a new version)");
    }
    ExistingVersion.logSame(log, spec);
    return ExistingVersion.result(
        config,
        snapshot,
        publisher.io(),
        publisher.recordedChecksum(spec.tag()).orElse(""),
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
    return ExistingVersion.sourceCounts(profile);
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

  /** The phase in progress, while {@link #run} runs. */
  private Phases phases;

  /** Ends the current phase and begins {@code what} (null: none), labelling its Spark jobs. */
  private void describe(String what) {
    if (phases == null) {
      spark.sparkContext().setJobDescription(what == null ? null : "trainforge: " + what);
    } else if (what == null) {
      phases.end();
    } else {
      phases.begin(what);
    }
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
    if (stats.timelessOutsideWindow() > 0) {
      s.put("label-rows-timeless-outside-window", String.valueOf(stats.timelessOutsideWindow()));
    }
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
