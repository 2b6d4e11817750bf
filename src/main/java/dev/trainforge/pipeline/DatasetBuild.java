package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.AppSettings;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.KeyMapping;
import dev.trainforge.config.Maturity;
import dev.trainforge.config.SourceFormat;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinPartitioning;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.KeyHashPartitioning;
import dev.trainforge.join.LabelSample;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.lineage.LineageEvents;
import dev.trainforge.report.CheckResult;
import dev.trainforge.report.Profile;
import dev.trainforge.report.ReportStore;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.source.FeatureInput;
import dev.trainforge.source.InputPin;
import dev.trainforge.source.InputPins;
import dev.trainforge.source.LabelInput;
import dev.trainforge.source.PartitionPlan;
import dev.trainforge.source.SourceReader;
import dev.trainforge.spark.BuildCost;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.spark.SparkWork;
import dev.trainforge.validate.Profiler;
import dev.trainforge.validate.ValidationFailedException;
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
 * <p>What each pass costs (BENCHMARKS.md, "End to end (generate)", has the numbers; the job counts
 * are the sample's, 5 in all):
 *
 * <ol>
 *   <li><b>Opening the inputs</b> reads metadata only and runs no Spark job: per Parquet input, its
 *       file listing (on the driver, up to 1024 files in a local session) and the one footer Spark
 *       would infer its schema from ({@link dev.trainforge.source.SourceReader#open}); per Delta
 *       input, a listing of its log and the pinned version's protocol and metadata (from the
 *       version's checksum file when there is one), and, for a version that plain Parquet reads
 *       exactly and of at most 1024 files (no reader feature that changes a file's rows, each
 *       file's directories naming its partition values), the replay of its log on the driver by
 *       Delta Kernel, whose files are then read as a Parquet source's ({@link
 *       dev.trainforge.source.DeltaFiles}; a few tenths of a second on the sample); per Iceberg
 *       input, its table metadata. What it costs on a small build is the JVM's first use of these
 *       libraries (loading classes).
 *   <li><b>The label scan</b> ({@link LabelInput#stats}): the counts and the time range that the
 *       partition plans need. From the Parquet labels' footers, read for their check anyway, when
 *       their statistics say it all (no job: a UTC timestamp in 64 bits, every label in the window
 *       and mature, nulls in at most one of the time and the keys; on S 4-5 s less); else one job
 *       over the labels (Spark writes timestamps as {@code INT96} by default, which has no
 *       statistics), which, for a range-partitioned join, also samples the labels that go into the
 *       join for its ranges ({@link LabelInput#statsAndSample}: the counts are observed on the rows
 *       the sample reads), so that the sampling pass reads the sources alone (on S with {@code
 *       INT96} labels, 2.2 s less than a scan of its own, 2 jobs, and the labels sampled again).
 *       Beside it, in a thread of its own started as soon as the source is opened, each table
 *       source with a partition column lists its partitions ({@link
 *       FeatureInput#startListingPartitionDates}): for a Delta version that Delta's reader reads,
 *       the replay of its log (3 jobs) and the filtering of its file list (1 job), 3-5 s of cold
 *       driver work on a small table, longer than a small label scan, which leaves it a core; for
 *       one read as its Parquet files, a walk over their paths. Then, on the driver, the footers of
 *       every Parquet file the plans read, checked against the schema.
 *   <li><b>The join's sampling pass</b>: a sampled read of each source's keys and times, and of the
 *       labels' when the label scan did not sample them, for the range boundaries (about 2-3 s on
 *       S; 1 job per key group, and a filtering of the file list of a Delta source that Delta's
 *       reader reads per query that reads it, 2 more).
 *   <li><b>The join and the write</b>: one read of the labels and of each source, one shuffle per
 *       distinct source key, one Parquet write, one Iceberg commit on the audit branch (1 job).
 *       This is the bulk of the work (S: 2M labels x 20M feature rows, about 30 s on 2 cores). The
 *       write's tasks also fold the validation profile's one pass without grouping (counts,
 *       moments, sketches, the leakage audit, boolean categories and the content checksum) in plain
 *       Java from one generated projection, about 2.5 microseconds of CPU per row on S ({@link
 *       Profiler#inWrite}); the baseline is resolved before the write for it.
 *   <li><b>Validation</b> reads the written snapshot (about two splits per core) once, in one job
 *       ({@link Profiler}): the exact distinct counts of ids and of (keys, time), one shuffle of
 *       64-bit hashes sorted as longs (and, only when hashes repeat, a count among those rows),
 *       whose scan also counts the numeric columns' values in their own decile bins, whose edges
 *       the profile's sketches give and which drift compares exactly. When the snapshot's columns
 *       are not the ones written (the table keeps a column an older version had, which this one
 *       reads as null, or stores a type wider than written), the profile's pass reads the snapshot
 *       too, in a job before it, and the build's log says so. Non-boolean categorical columns add
 *       one grouped pass for their top-k (the sample has none). A rolling build reads only its
 *       window's days. On S (2M rows) this phase is about a third of the join's (BENCHMARKS.md); on
 *       the sample, the first, cold run of each pass's code, whatever the row count.
 *   <li><b>A rolling build of more than one day</b> adds one grouped aggregation over its window's
 *       rows for each day's checksum (a one-day window takes it from the profile), and profiles
 *       each of its days by itself to store the day's profile (a one-day window stores the
 *       validation's). The whole version's profile is merged from the stored day profiles: one
 *       small file read per retained day, no row.
 *   <li><b>Publishing</b>: one Iceberg metadata commit.
 * </ol>
 *
 * <p>On a build as small as the sample (20,000 labels) no pass is dominated by rows: each costs the
 * planning and the first, cold run of its code, and the build's fixed cost is the sum of these
 * (BENCHMARKS.md has it phase by phase).
 *
 * <p>So the labels are read twice (the scan that samples them, or the sampling when their footers
 * give the scan's counts, then the join) and each source twice (sampling, join); the extra reads
 * are the join's (a range-partitioned join needs its boundaries before it runs).
 */
public final class DatasetBuild {
  /** The merged profile of a rolling version, next to its build's report.json. */
  public static final String VERSION_PROFILE = "version-profile.json";

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
  private record Joined(LabelInput.Stats stats, Dataset<Row> rows, AsOfJoin join) {}

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
      List<LineageEvents.Statistics> read =
          result.cost().sources().stream()
              .map(c -> new LineageEvents.Statistics(c.rows(), c.bytes(), c.files()))
              .toList();
      lineage.complete(
          lineageInputs,
          output,
          result.tag(),
          read.size() == lineageInputs.size() ? read : List.of(),
          result.existed() ? null : new LineageEvents.Statistics(result.rowsOut(), -1, -1));
      return result;
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
    return ExistingVersion.lineage(config, runId, log, spark.version());
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

    Inputs inputs = open(spec, Map.of(), existing.isEmpty());
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
    Map<String, String> uris = uris(inputs.pins());
    summary.put("inputs", InputPins.toJson(inputs.pins(), uris));
    summary.put("config-locations", locations(uris, publisher));
    summary.put("report", reportDir + "/" + ReportStore.JSON);
    rolling.ifPresent(r -> summary.put(RollingBuild.SUMMARY_KEY, r.daysLocation()));
    boolean mergedProfile = rolling.isPresent() && rolling.get().keptDaysHaveProfiles();
    String versionProfile = reportDir + "/" + VERSION_PROFILE;
    if (mergedProfile) {
      summary.put("version-profile", versionProfile);
    }
    ReportStore reports = new ReportStore(publisher.io());
    Baselines.Resolved baseline =
        new Baselines(publisher, reports)
            .resolve(spec, rolling.flatMap(RollingBuild::builderOfDayBefore));
    Profiler profiler = new Profiler(spec, baseline.profile(), rolling.isPresent());
    // A rolling version is checked on the days this build computed; the kept days were checked
    // by the builds that computed them, and are not read again. The write folds the profile's
    // first pass over those rows as it writes them.
    org.apache.spark.sql.Column checked =
        rolling.map(RollingBuild::window).orElse(org.apache.spark.sql.functions.lit(true));
    Profiler.InWrite written = profiler.inWrite(joined.rows(), checked);
    StagedVersion staged =
        write(
            publisher,
            audit,
            written.rows(),
            summary,
            rolling.map(RollingBuild::replaced).orElse(org.apache.spark.sql.functions.lit(true)));

    describe("validate audit snapshot " + staged.snapshotId());
    Dataset<Row> built = publisher.read(staged).where(checked);
    Profiler.Measured measured = profiler.profile(built, written);
    if (!measured.foldedInWrite()) {
      log.println(
          "Validation: read the audit snapshot for the profile, as its columns are not the ones"
              + " written (older columns kept, or types the table widened)");
    }
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
            outcome.categorical(),
            null);
    String reportLocation = reports.write(reportDir, report.withCost(cost(inputs, joined)));
    log.println(report.summaryLine(reportLocation));
    if (spec.split().isPresent()) {
      log.println(Splits.describe(publisher.read(staged), spec.split().get()));
    }
    if (report.verdict() == CheckResult.Outcome.FAIL) {
      describe(null);
      reports.write(reportDir, report.withCost(cost(inputs, joined)));
      throw new ValidationFailedException(failureMessage(spec, report, reportLocation));
    }
    String checksum = measured.contentChecksum();
    Optional<RollingDays> days = Optional.empty();
    if (rolling.isPresent()) {
      describe("record the days of " + spec.name() + " " + spec.tag());
      days =
          Optional.of(
              rolling
                  .get()
                  .record(
                      built, measured.contentChecksum(), measured, new Profiler(spec, null, true)));
      log.println(rolling.get().describe(days.get()));
      checksum = days.get().checksum();
      if (mergedProfile && !days.get().days().isEmpty()) {
        // The whole version's profile, from the days' stored profiles: no kept row is read.
        org.apache.iceberg.io.FileIO io = publisher.io();
        dev.trainforge.validate.MergeableProfile whole =
            RollingBuild.versionProfile(days.get(), io, spec.validation().topK());
        publisher.writeText(versionProfile, whole.toJson());
        log.printf(
            "Version %s profile: %d rows over %d label days, merged from their stored profiles:"
                + " %s%n",
            spec.tag(), whole.profile().rows(), days.get().days().size(), versionProfile);
      } else if (!mergedProfile) {
        log.printf(
            "Version %s profile: not merged, some kept days were built before day profiles were"
                + " stored%n",
            spec.tag());
      }
    }
    describe("publish " + spec.tag());
    BuildCost sofar = cost(inputs, joined);
    PublishedVersion published =
        publisher.publish(
            staged, spec.tag(), checksum, rolling.flatMap(RollingBuild::base), sofar.compact());
    describe(null);
    BuildCost cost = cost(inputs, joined);
    reports.write(reportDir, report.withCost(cost));
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
        cost);
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
    return rebuild(config, false);
  }

  /**
   * Like {@link #rebuild(BuildConfig)}; with {@code currentInputs}, from the inputs as they are now
   * instead of the recorded pins: what a build of the same rows today would give. Only the pins are
   * replaced: the config, and for a rolling version each day's config, are the recorded ones.
   *
   * <p>A rolling version ({@code dataset.retention}) is rebuilt day by day: the days that one
   * version's build computed (its list of days says which) are rebuilt together from that version's
   * recorded config and pins, all of them written to one side branch; each day's checksum is
   * compared with the one recorded for it, and the version's with the sum of the days'. Costs one
   * build per version that computed a retained day, plus one grouped aggregation.
   *
   * @throws VersionStateException when a version that computed a retained day is gone, or records
   *     no config or pins
   */
  public RebuildResult rebuild(BuildConfig config, boolean currentInputs) {
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
      return rebuildRolling(config, publisher, snapshot, currentInputs, start);
    }
    String pinsJson = recorded.get(VersionPublisher.PREFIX + "inputs");
    if (pinsJson == null && !currentInputs) {
      throw new VersionStateException(
          "Cannot rebuild '"
              + spec.name()
              + "' "
              + spec.tag()
              + ": the version records no input pins (it was built before pins were recorded;"
              + " only versions with trainforge.inputs can be rebuilt)");
    }
    Map<String, InputPin> pins =
        currentInputs ? Map.of() : withFileLists(publisher, InputPins.fromJson(pinsJson));
    Inputs inputs = open(spec, pins, true);
    Joined joined = join(config, inputs);

    describe("rebuild " + spec.name() + " " + spec.tag() + " into a side branch");
    AuditBranch branch =
        publisher.openBranch(
            joined.rows().schema(),
            "rebuild_",
            spec.tag(),
            spec.validation().auditBranchRetention());
    Map<String, String> summary = summary(config, joined.stats(), null);
    List<InputPin> used = currentInputs ? inputs.pins() : new ArrayList<>(pins.values());
    summary.put("inputs", currentInputs ? InputPins.toJson(inputs.pins()) : pinsJson);
    summary.put("config-locations", locations(uris(used), publisher));
    summary.put("rebuild-of", String.valueOf(snapshot.snapshotId()));
    StagedVersion staged = write(publisher, branch, joined.rows(), summary);
    String checksum = ContentChecksum.of(publisher.read(staged));
    String expected = publisher.recordedChecksum(spec.tag()).orElse("");
    return rebuilt(
        spec,
        publisher,
        snapshot,
        staged,
        expected,
        checksum,
        checksum.equals(expected),
        start,
        currentInputs,
        List.of());
  }

  /**
   * What a rebuild found: the side branch is removed when the rows are {@code identical} to the
   * version's, and kept for inspection otherwise.
   */
  private RebuildResult rebuilt(
      DatasetSpec spec,
      VersionPublisher publisher,
      Snapshot snapshot,
      StagedVersion staged,
      String expected,
      String checksum,
      boolean identical,
      long start,
      boolean currentInputs,
      List<RebuildResult.Day> days) {
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
        System.currentTimeMillis() - start,
        currentInputs,
        days);
  }

  /** {@link #rebuild(BuildConfig, boolean)} of a rolling version, day by day. */
  private RebuildResult rebuildRolling(
      BuildConfig config,
      VersionPublisher publisher,
      Snapshot snapshot,
      boolean currentInputs,
      long start) {
    DatasetSpec spec = config.dataset();
    String location = snapshot.summary().get(VersionPublisher.PREFIX + RollingBuild.SUMMARY_KEY);
    String text = publisher.readText(location);
    if (text == null) {
      throw new VersionStateException(
          String.format(
              "Cannot rebuild '%s' %s: its list of days %s is missing, so which version built"
                  + " which day is unknown (restore the file; verify still checks the rows"
                  + " against the recorded checksum)",
              spec.name(), spec.tag(), location));
    }
    RollingDays days = RollingDays.parse(text);
    if (days.days().isEmpty()) {
      throw new VersionStateException(
          String.format(
              "Cannot rebuild '%s' %s: it holds no label days (%s), so there is nothing to"
                  + " rebuild",
              spec.name(), spec.tag(), location));
    }
    Map<String, List<java.time.LocalDate>> byBuilder = new LinkedHashMap<>();
    days.days()
        .forEach(
            (day, d) -> byBuilder.computeIfAbsent(d.builtBy(), b -> new ArrayList<>()).add(day));
    String time = spec.labels().timeColumn();
    Dataset<Row> all = null;
    LabelInput.Stats stats = null;
    for (Map.Entry<String, List<java.time.LocalDate>> e : byBuilder.entrySet()) {
      String builder = e.getKey();
      List<java.time.LocalDate> itsDays = e.getValue();
      String which =
          String.format(
              "%d days (%s..%s)", itsDays.size(), itsDays.get(0), itsDays.get(itsDays.size() - 1));
      Snapshot built =
          builder.equals(spec.tag())
              ? snapshot
              : publisher
                  .tagged(builder)
                  .orElseThrow(
                      () ->
                          new VersionStateException(
                              String.format(
                                  "Cannot rebuild '%s' %s: its %s were built by version %s,"
                                      + " whose tag is gone from %s (verify still checks the rows"
                                      + " against the recorded checksum)",
                                  spec.name(),
                                  spec.tag(),
                                  which,
                                  builder,
                                  spec.output().qualifiedName())));
      BuildConfig builderConfig =
          built == snapshot ? config : recordedConfig(config, built, builder, which);
      Map<String, InputPin> pins = Map.of();
      if (!currentInputs) {
        String pinsJson = built.summary().get(VersionPublisher.PREFIX + "inputs");
        if (pinsJson == null) {
          throw new VersionStateException(
              String.format(
                  "Cannot rebuild '%s' %s: version %s, which built its %s, records no input pins",
                  spec.name(), spec.tag(), builder, which));
        }
        pins = withFileLists(publisher, InputPins.fromJson(pinsJson));
      }
      log.printf(
          "Rebuilding %s of %s as %s built them, from %s%n",
          which,
          spec.tag(),
          builder,
          currentInputs ? "the inputs as they are now" : "its pinned inputs");
      Joined joined = join(builderConfig, open(builderConfig.dataset(), pins, true));
      stats = joined.stats();
      Dataset<Row> rows = joined.rows().where(RollingBuild.onDays(time, itsDays));
      all = all == null ? rows : all.unionByName(rows, true);
    }

    describe("rebuild " + spec.name() + " " + spec.tag() + " into a side branch");
    AuditBranch branch =
        publisher.openBranch(
            all.schema(), "rebuild_", spec.tag(), spec.validation().auditBranchRetention());
    Map<String, String> summary = summary(config, stats, null);
    summary.put("rebuild-of", String.valueOf(snapshot.snapshotId()));
    summary.put(RollingBuild.SUMMARY_KEY + "-rebuilt", location);
    StagedVersion staged = write(publisher, branch, all, summary);
    Map<java.time.LocalDate, String> rebuilt =
        RollingBuild.dayChecksums(publisher.read(staged), time);
    List<RebuildResult.Day> checked = new ArrayList<>();
    days.days()
        .forEach(
            (day, d) ->
                checked.add(
                    new RebuildResult.Day(
                        day,
                        d.builtBy(),
                        d.checksum(),
                        rebuilt.getOrDefault(day, ContentChecksum.format(0, null)))));
    String checksum =
        ContentChecksum.combine(checked.stream().map(RebuildResult.Day::rebuilt).toList());
    String expected = publisher.recordedChecksum(spec.tag()).orElse("");
    boolean identical =
        checksum.equals(expected) && checked.stream().allMatch(RebuildResult.Day::identical);
    return rebuilt(
        spec,
        publisher,
        snapshot,
        staged,
        expected,
        checksum,
        identical,
        start,
        currentInputs,
        checked);
  }

  /**
   * The config that version {@code tag} ({@code snapshot}) was built from, as it recorded it, in
   * {@code config}'s table and with its settings; its row definition hashes as recorded.
   */
  private static BuildConfig recordedConfig(
      BuildConfig config, Snapshot snapshot, String tag, String which) {
    DatasetSpec spec = config.dataset();
    Map<String, String> summary = snapshot.summary();
    String json = summary.get(VersionPublisher.PREFIX + "config");
    if (json == null) {
      throw new VersionStateException(
          String.format(
              "Cannot rebuild '%s' %s: version %s, which built its %s, records no config",
              spec.name(), spec.tag(), tag, which));
    }
    BuildConfig loaded;
    try {
      java.nio.file.Path file = java.nio.file.Files.createTempFile("trainforge-recorded-", ".conf");
      try {
        java.nio.file.Files.writeString(
            file, dev.trainforge.config.RecordedConfig.toDatasetFile(json));
        loaded =
            dev.trainforge.config.ConfigLoader.load(
                file,
                List.of(
                    "dataset.output.catalog=" + spec.output().catalog(),
                    "dataset.output.namespace=" + spec.output().namespace(),
                    "dataset.output.table=" + spec.output().table()));
      } finally {
        java.nio.file.Files.deleteIfExists(file);
      }
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write the recorded config of " + tag, e);
    }
    String hash = summary.get(VersionPublisher.PREFIX + "config-sha256");
    if (!loaded.configHash().equals(hash)) {
      throw new VersionStateException(
          String.format(
              "Cannot rebuild '%s' %s: the config recorded by version %s, which built its %s,"
                  + " loads back as config-sha256 %s, not the recorded %s",
              spec.name(), spec.tag(), tag, which, loaded.configHash(), hash));
    }
    return new BuildConfig(
        loaded.dataset(),
        config.settings(),
        loaded.origin(),
        loaded.canonicalJson(),
        loaded.configHash());
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
  private Inputs open(DatasetSpec spec, Map<String, InputPin> recorded, boolean toBuild) {
    SourceReader reader = new SourceReader(spark, spec.name());
    LabelInput labels = LabelInput.open(reader, spec.labels(), recorded.get(InputPin.LABELS));
    StructType labelSchema = labels.schema();
    List<FeatureInput> features = new ArrayList<>();
    try {
      for (FeatureSourceSpec f : spec.features()) {
        FeatureInput opened =
            FeatureInput.open(reader, f, labelSchema, recorded.get(InputPin.feature(f.name())));
        features.add(opened);
        if (toBuild) {
          // As soon as it is pinned: the listing then runs beside the opening of the other
          // inputs as well as beside the label scan.
          opened.startListingPartitionDates();
        }
      }
    } catch (RuntimeException e) {
      features.forEach(FeatureInput::awaitPartitionDates);
      throw e;
    }
    return new Inputs(labels, features);
  }

  private Joined join(BuildConfig config, Inputs inputs) {
    describe("scan labels: row counts and time range");
    // A table source's partition dates may be Spark work (Delta's reader replays its log) that
    // does not need the label scan: it runs beside it, on the core the scan of a small label source
    // leaves idle (started when the source was opened; here for an input opened without).
    inputs.features().forEach(FeatureInput::startListingPartitionDates);
    LabelInput.Stats stats;
    Optional<LabelSample> sample = Optional.empty();
    List<JoinSource> sources = new ArrayList<>();
    try {
      if (config.settings().joinPartitioning() == AppSettings.JoinPartitioningKind.RANGE) {
        // When the label scan reads the labels, it samples them for the join's ranges too.
        List<String> keys =
            config.dataset().features().stream()
                .flatMap(f -> f.keys().stream().map(KeyMapping::labelColumn))
                .distinct()
                .toList();
        int partitions = joinPartitions(config.settings(), spark);
        LabelInput.Scanned scanned =
            inputs
                .labels()
                .statsAndSample(
                    rangePartitioning(config.settings()).samplingPartitions(partitions), keys);
        stats = scanned.stats();
        sample = scanned.sample();
      } else {
        stats = inputs.labels().stats();
      }
      logLabels(config, stats);
      inputs.labels().reading().ifPresent(r -> log.println("Labels: " + r));
      for (FeatureInput f : inputs.features()) {
        Optional<PartitionPlan> plan = f.partitionPlan(stats);
        f.reading().ifPresent(r -> log.printf("Feature source '%s': %s%n", f.spec().name(), r));
        plan.ifPresent(p -> log.println(p.describe()));
        sources.add(f.toJoinSource(stats.maxTimeMicros().orElse(null), plan));
      }
    } catch (RuntimeException e) {
      // No listing of this build goes on running after it failed.
      inputs.features().forEach(FeatureInput::awaitPartitionDates);
      throw e;
    }
    describe("sample (key, time) ranges for the as-of join");
    AsOfJoin join = asOfJoin(config.settings(), spark);
    Dataset<Row> rows =
        join.join(inputs.labels().joinInput(), sources, sample.orElse(null))
            .drop(JoinColumns.LABEL_TIME);
    DatasetSpec spec = config.dataset();
    if (spec.split().isPresent()) {
      rows = Splits.assign(rows, spec.split().get(), spec.labels().timeColumn());
    }
    return new Joined(stats, rows, join);
  }

  /** What the label scan found, on the log. */
  private void logLabels(BuildConfig config, LabelInput.Stats stats) {
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

  /**
   * Sized by its rows, a range-partitioned join uses at most this many partitions, or
   * spark.sql.shuffle.partitions where that is more: Spark's own default shuffle width.
   */
  static final int MOST_SIZED_PARTITIONS = 200;

  /** The as-of join these settings ask for, in {@code spark}. */
  public static AsOfJoin asOfJoin(AppSettings settings, SparkSession spark) {
    return new AsOfJoin(
        partitioning(settings), joinPartitions(settings, spark), settings.joinSortMemoryBytes());
  }

  private static JoinPartitioning partitioning(AppSettings settings) {
    return switch (settings.joinPartitioning()) {
      case RANGE -> rangePartitioning(settings);
      case HASH -> new KeyHashPartitioning();
    };
  }

  private static RangePartitioning rangePartitioning(AppSettings settings) {
    return new RangePartitioning(sizedByRows(settings) ? settings.joinRowsPerPartition() : 0);
  }

  /** Whether the join's partitions follow its rows: range partitions, no count configured. */
  private static boolean sizedByRows(AppSettings settings) {
    return settings.joinPartitioning() == AppSettings.JoinPartitioningKind.RANGE
        && settings.joinPartitions() == 0
        && settings.joinRowsPerPartition() > 0;
  }

  /** The join's partitions: those configured, else spark.sql.shuffle.partitions, or the most. */
  private static int joinPartitions(AppSettings settings, SparkSession spark) {
    if (settings.joinPartitions() > 0) {
      return settings.joinPartitions();
    }
    int shuffle = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    return sizedByRows(settings) ? Math.max(MOST_SIZED_PARTITIONS, shuffle) : shuffle;
  }

  /**
   * What the build has cost so far, from Spark's metrics: the finished phases, each input's read
   * (the join's) and the tasks that read it, each key group's shuffle.
   */
  private BuildCost cost(Inputs inputs, Joined joined) {
    if (phases == null) {
      return BuildCost.NONE;
    }
    SparkWork work = phases.work();
    List<BuildCost.Phase> phaseCosts = phases.costs();
    List<Dataset<?>> reads = new ArrayList<>();
    List<Dataset<?>> sampled = new ArrayList<>();
    List<BuildCost.KeyGroup> groups = new ArrayList<>();
    for (AsOfJoin.GroupRun g : joined.join().runs()) {
      reads.add(g.arranged().read());
      sampled.addAll(g.arranged().sampled());
      groups.add(work.shuffle(g.keys(), g.sources(), g.arranged().rows()));
    }
    List<BuildCost.Source> sources = new ArrayList<>();
    for (InputPin p : inputs.pins()) {
      sources.add(work.source(p.role(), uri(work, p), reads, sampled));
    }
    return new BuildCost(phaseCosts, sources, groups);
  }

  private static String uri(SparkWork work, InputPin p) {
    return work.qualify(p.location(), p.format() == SourceFormat.ICEBERG);
  }

  /** Each input's absolute URI, by role; an Iceberg input is its table name. */
  private Map<String, String> uris(List<InputPin> pins) {
    Map<String, String> out = new LinkedHashMap<>();
    for (InputPin p : pins) {
      out.put(
          p.role(),
          dev.trainforge.spark.Locations.uri(
              spark, p.location(), p.format() == SourceFormat.ICEBERG));
    }
    return out;
  }

  /**
   * The absolute URIs of what the recorded config names, as JSON beside it ({@code
   * trainforge.config} keeps the locations as written, so that its hash does not depend on the
   * directory a build ran from): per input role its URI, and the output table's location.
   */
  private String locations(Map<String, String> uris, VersionPublisher publisher) {
    Map<String, String> all = new java.util.TreeMap<>(uris);
    all.put("output", dev.trainforge.spark.Locations.uri(spark, publisher.location(), false));
    try {
      return new com.fasterxml.jackson.databind.ObjectMapper().writeValueAsString(all);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
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
    s.put("code-commit", CodeVersion.commit());
    s.put("code-dirty", CodeVersion.dirty());
    s.put("host", CodeVersion.host());
    s.put("user", CodeVersion.user());
    if (runId != null) {
      s.put("run-id", runId);
    }
    return s;
  }
}
