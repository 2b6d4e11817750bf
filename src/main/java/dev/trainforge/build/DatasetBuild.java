package dev.trainforge.build;

import static dev.trainforge.spark.Columns.named;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
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
import dev.trainforge.version.CodeVersion;
import dev.trainforge.version.PublishedVersion;
import dev.trainforge.version.StagedVersion;
import dev.trainforge.version.VersionPublisher;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Column;
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
    List<JoinSource> sources = new ArrayList<>();
    for (FeatureInput f : features) {
      Optional<PartitionPlan> plan = f.partitionPlan(stats);
      plan.ifPresent(p -> log.println(p.describe()));
      sources.add(f.toJoinSource(stats.maxTimeMicros().orElse(null), plan));
    }

    describe("sample (key, time) ranges for the as-of join");
    AsOfJoin join = new AsOfJoin(partitioning(config), joinPartitions(config));
    Dataset<Row> joined = join.join(labels.joinInput(), sources).drop(JoinColumns.LABEL_TIME);

    describe("as-of join and write audit snapshot of " + spec.name() + " " + spec.tag());
    StagedVersion staged;
    try {
      staged = publisher.stage(joined, spec.tag(), summary(config, stats, runId));
    } catch (org.apache.spark.sql.catalyst.analysis.NoSuchTableException e) {
      throw new IllegalStateException("Output table vanished while writing: " + e.getMessage(), e);
    }

    describe("count statuses of audit snapshot " + staged.snapshotId());
    Counts counts = countStatuses(publisher.read(staged), spec);
    if (counts.rows() != stats.rowsIn() || staged.totalRecords() != stats.rowsIn()) {
      throw new IllegalStateException(
          "Cannot publish '"
              + spec.name()
              + "' "
              + spec.tag()
              + ": "
              + counts.rows()
              + " rows out but "
              + stats.rowsIn()
              + " label rows in (a bug: the join must keep every label row once); the snapshot"
              + " stays on branch '"
              + staged.branch()
              + "' for inspection");
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
        counts.rows(),
        counts.sources(),
        System.currentTimeMillis() - start);
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
    s.put("code-version", CodeVersion.get());
    if (runId != null) {
      s.put("run-id", runId);
    }
    return s;
  }

  /** Rows and per-source status counts of a written snapshot, from one aggregation. */
  record Counts(long rows, List<SourceCounts> sources) {}

  static Counts countStatuses(Dataset<Row> rows, DatasetSpec spec) {
    List<Column> aggs = new ArrayList<>();
    aggs.add(count(lit(1)));
    for (FeatureSourceSpec f : spec.features()) {
      for (MatchStatus status : MatchStatus.values()) {
        aggs.add(count_if(named(f.statusOutput()).equalTo(status.name())));
      }
      aggs.add(count_if(named(f.hashTieOutput()).equalTo(true)));
    }
    Row r = rows.agg(aggs.get(0), aggs.subList(1, aggs.size()).toArray(Column[]::new)).first();
    List<SourceCounts> sources = new ArrayList<>();
    int i = 1;
    for (FeatureSourceSpec f : spec.features()) {
      Map<MatchStatus, Long> byStatus = new EnumMap<>(MatchStatus.class);
      for (MatchStatus status : MatchStatus.values()) {
        byStatus.put(status, r.getLong(i++));
      }
      sources.add(new SourceCounts(f.name(), byStatus, r.getLong(i++)));
    }
    return new Counts(r.getLong(0), sources);
  }
}
