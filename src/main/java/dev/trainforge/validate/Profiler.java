package dev.trainforge.validate;

import static dev.trainforge.spark.Columns.named;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.row_number;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.LabelSpec;
import dev.trainforge.config.ValidationSpec.ColumnRule;
import dev.trainforge.join.MatchStatus;
import dev.trainforge.report.Bins;
import dev.trainforge.report.Profile;
import dev.trainforge.report.Profile.CategoryCount;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.Statistics;
import dev.trainforge.source.TimeColumns;
import dev.trainforge.spark.ContentChecksum;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.expressions.Window;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Measures a dataset version for the gate, in two scans of the version's rows (three with
 * categorical columns other than booleans), in two Spark jobs (three); in one scan and one job less
 * when the version's write carried the first pass ({@link #inWrite}):
 *
 * <ol>
 *   <li>one pass of {@link RowMetrics} for everything that needs no grouping: counts, moments,
 *       sketches (KLL for quantiles, HLL for distinct estimates), the leakage audit, the baseline's
 *       bins, boolean columns' categories and the content checksum. A generated projection computes
 *       each row's values once; plain Java folds them (a few microseconds of CPU per row for the
 *       whole profile, where Spark's own aggregation of the same fifty aggregates took several).
 *       The write of the version can fold it as it writes the rows, in its own tasks: the version
 *       is then not read for it (on S, BENCHMARKS.md: the write's tasks take up to 5 s more, and
 *       validation 3-5 s less);
 *   <li>{@link DistinctCounts} for the exact numbers of distinct ids and of distinct (keys, time):
 *       one shuffle of 64-bit hashes, sorted as primitive longs, and a count by Spark only among
 *       the rows whose hashes repeat. Its scan carries a second set of {@link RowMetrics}: the
 *       numeric columns' exact counts in their own decile bins, whose edges the first pass's
 *       sketches give (one scan less than a pass of their own: on S, about 1.4 s of 10);
 *   <li>when there are categorical columns other than booleans, one grouped pass for their top-k
 *       categories.
 * </ol>
 *
 * Only the aggregates, and the hashes that repeat (at most {@link
 * DistinctCounts#MAX_REPEATED_HASHES}), reach the driver.
 */
public final class Profiler {
  static final double[] QUANTILE_RANKS = {0.01, 0.05, 0.25, 0.5, 0.75, 0.95, 0.99};
  static final double[] DECILE_RANKS = {0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9};

  /** The lgConfigK of the mergeable distinct-count sketches (HLL, about 1.6% relative error). */
  static final int HLL_LG_K = 12;

  private final DatasetSpec spec;
  private final Profile baseline;
  private final boolean mergeable;

  /**
   * @param spec the dataset
   * @param baseline the baseline's profile, or null: fixes the PSI bins and the categories counted
   */
  public Profiler(DatasetSpec spec, Profile baseline) {
    this(spec, baseline, false);
  }

  /**
   * @param mergeable also measure each profiled column's distinct values as a mergeable HLL sketch
   *     (one more sketch per column in the same aggregation), so that profiles of parts can be
   *     merged into the profile of the whole ({@link MergeableProfile})
   */
  public Profiler(DatasetSpec spec, Profile baseline, boolean mergeable) {
    this.spec = requireNonNull(spec, "spec is null");
    this.baseline = baseline;
    this.mergeable = mergeable;
  }

  /**
   * The profile, with the counts of the baseline's bins and categories.
   *
   * @param binCounts per numeric column with a baseline: counts in {@link Bins} order
   * @param categoryCounts per categorical column with a baseline: counts of the baseline's
   *     categories
   * @param contentChecksum the rows' {@link ContentChecksum}, from the same aggregation pass
   * @param sketches base64 sketches that the profile keeps only as quantiles or estimates: {@code
   *     staleness:<source>} (KLL) always, {@code distinct:<column>} (HLL) from a mergeable profiler
   * @param foldedInWrite whether the first pass was folded by the version's write ({@link
   *     #profile(Dataset, InWrite)}) rather than a scan of its rows
   */
  public record Measured(
      Profile profile,
      Map<String, long[]> binCounts,
      Map<String, Map<String, Long>> categoryCounts,
      String contentChecksum,
      Map<String, String> sketches,
      boolean foldedInWrite) {
    public Measured {
      requireNonNull(profile, "profile is null");
      requireNonNull(contentChecksum, "contentChecksum is null");
      binCounts = Map.copyOf(binCounts);
      categoryCounts = Map.copyOf(categoryCounts);
      sketches = Map.copyOf(sketches);
    }

    /** The profile with its sketches, to be stored and merged with others. */
    public MergeableProfile mergeable() {
      return new MergeableProfile(profile, sketches);
    }
  }

  /** Profiles {@code rows}, a version of this dataset. */
  public Measured profile(Dataset<Row> rows) {
    return profile(rows, null);
  }

  /**
   * The rows of a version as they pass to its write, which then folds the profile's first pass
   * ({@link RowMetrics#passing}) over those where {@code where} holds, the rows that {@link
   * #profile(Dataset, InWrite)} will be asked for: the write's tasks compute the pass's values, and
   * the version's rows are not scanned for them again. Write {@link InWrite#rows()}.
   */
  public InWrite inWrite(Dataset<Row> rows, Column where) {
    Declared d = declare(rows.schema());
    return new InWrite(d, d.metrics().passing(rows, where));
  }

  /** Rows whose write folds the profile's first pass; see {@link #inWrite}. */
  public static final class InWrite {
    private final Declared declared;
    private final RowMetrics.Passing passing;

    private InWrite(Declared declared, RowMetrics.Passing passing) {
      this.declared = declared;
      this.passing = passing;
    }

    /** The rows to write, as they were given. */
    public Dataset<Row> rows() {
      return passing.rows();
    }

    /** Whether the first pass can be read from the write for a version of columns {@code read}. */
    boolean stands(StructType read) {
      return passing.complete() && sameColumns(declared.schema(), read);
    }
  }

  /**
   * Profiles {@code rows}, a version of this dataset that was written from {@code written}'s rows
   * (or null). When the write read every partition to its end, and {@code rows} has the columns
   * that were written, of the same types (so that every value, and so every metric, is the same),
   * the first pass is the one the write folded, and {@code rows} is scanned once, for the distinct
   * counts. Otherwise, as {@link #profile(Dataset)}: for instance when the table keeps older
   * columns that this version reads as null, or stores a type wider than the one written.
   */
  public Measured profile(Dataset<Row> rows, InWrite written) {
    StructType schema = rows.schema();
    boolean folded = written != null && written.stands(schema);
    Declared d = folded ? written.declared : declare(schema);
    if (folded) {
      d.metrics().merge(written.passing);
    } else {
      d.metrics().run(rows);
    }
    return measure(rows, schema, d, folded);
  }

  /** Same names and types, in the same order; nullability aside (Iceberg may relax it). */
  static boolean sameColumns(StructType written, StructType read) {
    StructField[] w = written.fields();
    StructField[] r = read.fields();
    if (w.length != r.length) {
      return false;
    }
    for (int i = 0; i < w.length; i++) {
      if (!w[i].name().equals(r[i].name())
          || !w[i].dataType().sql().equals(r[i].dataType().sql())) {
        return false;
      }
    }
    return true;
  }

  /** The first pass's metrics, declared for rows of {@code schema}, and their results' names. */
  private record Declared(
      StructType schema,
      RowMetrics metrics,
      String rowCount,
      String hashSum,
      String withKeysAndTime,
      String nullTime,
      String nullKey,
      List<SourceAliases> sources,
      List<ColumnAliases> columns,
      Map<String, Map<String, String>> ruleAliases,
      List<Column> keysAndTime,
      List<DataType> keyAndTimeTypes) {}

  private Declared declare(StructType schema) {
    LabelSpec labels = spec.labels();
    Column t =
        TimeColumns.micros(
            named(labels.timeColumn()),
            schema.apply(labels.timeColumn()).dataType(),
            labels.timeParsing());
    Column anyKeyNull = lit(false);
    for (String k : labels.keyColumns()) {
      anyKeyNull = anyKeyNull.or(named(k).isNull());
    }
    List<Column> keysAndTime = new ArrayList<>();
    List<DataType> keyAndTimeTypes = new ArrayList<>();
    for (String k : labels.keyColumns()) {
      keysAndTime.add(named(k));
      keyAndTimeTypes.add(schema.apply(k).dataType());
    }
    keysAndTime.add(t);
    keyAndTimeTypes.add(org.apache.spark.sql.types.DataTypes.LongType);
    Column allPresent = t.isNotNull().and(anyKeyNull.unary_$bang());

    RowMetrics a = new RowMetrics();
    String rowCount = a.count(lit(true));
    String hashSum = a.hashSum(ContentChecksum.rowHash(schema.fieldNames()));
    String withKeysAndTime = a.count(allPresent);
    String nullTime = a.count(t.isNull());
    String nullKey = a.count(anyKeyNull);

    List<SourceAliases> sources = new ArrayList<>();
    for (FeatureSourceSpec f : spec.features()) {
      sources.add(sourceAggregates(a, f, t));
    }
    List<ColumnAliases> columns = new ArrayList<>();
    for (String name : profiledColumns()) {
      DataType type = schema.apply(name).dataType();
      if (type instanceof NumericType) {
        columns.add(numericAggregates(a, name, type));
      } else if (type instanceof StringType || type instanceof BooleanType) {
        columns.add(categoricalAggregates(a, name, type));
      }
    }
    Map<String, Map<String, String>> ruleAliases = ruleAggregates(a, schema);
    return new Declared(
        schema,
        a,
        rowCount,
        hashSum,
        withKeysAndTime,
        nullTime,
        nullKey,
        sources,
        columns,
        ruleAliases,
        keysAndTime,
        keyAndTimeTypes);
  }

  /** The profile, once the first pass of {@code d} has run. */
  private Measured measure(Dataset<Row> rows, StructType schema, Declared d, boolean folded) {
    RowMetrics a = d.metrics();
    List<ColumnAliases> columns = d.columns();
    LabelSpec labels = spec.labels();
    // Exact distinct ids and (keys, time): a sort of hashes, not a grouping of values. The same
    // scan counts the numeric columns' values in the bins that the first pass's sketches give.
    OwnBins own = OwnBins.declare(a, columns);
    long[] distinct =
        DistinctCounts.of(
            rows,
            List.of(List.of(named(labels.idColumn())), d.keysAndTime()),
            List.of(List.of(schema.apply(labels.idColumn()).dataType()), d.keyAndTimeTypes()),
            -1L,
            own.metrics());

    Map<String, List<CategoryCount>> categories = categoryCounts(rows, columns);
    Map<String, Profile.BinCounts> ownBins = own.counts(a, columns);
    Map<String, long[]> binCounts = new TreeMap<>();
    Map<String, Map<String, Long>> baselineCategoryCounts = new TreeMap<>();
    List<ColumnProfile> columnProfiles = new ArrayList<>();
    long rowsTotal = a.longValue(d.rowCount());
    for (ColumnAliases c : columns) {
      Map<String, Long> violations = new TreeMap<>();
      d.ruleAliases()
          .getOrDefault(c.name, Map.of())
          .forEach((rule, alias) -> violations.put(rule, a.longValue(alias)));
      ColumnProfile p =
          c.numeric
              ? numericProfile(a, c, rowsTotal, violations, binCounts, ownBins.get(c.name))
              : categoricalProfile(
                  a,
                  c,
                  rowsTotal,
                  c.booleanCounts
                      ? booleanCategories(a, c)
                      : categories.getOrDefault(c.name, List.of()),
                  violations,
                  baselineCategoryCounts);
      columnProfiles.add(p);
    }
    // Rules on columns that are not profiled (keys, times) still count their violations.
    d.ruleAliases()
        .forEach(
            (column, rules) -> {
              if (columns.stream().noneMatch(c -> c.name.equals(column))) {
                Map<String, Long> violations = new TreeMap<>();
                rules.forEach((rule, alias) -> violations.put(rule, a.longValue(alias)));
                columnProfiles.add(
                    ColumnProfile.other(
                        column,
                        schema.apply(column).dataType().simpleString(),
                        "other",
                        violations.getOrDefault("null", 0L),
                        violations));
              }
            });

    List<Profile.SourceProfile> sourceProfiles = new ArrayList<>();
    Map<String, String> sketches = new TreeMap<>();
    for (SourceAliases s : d.sources()) {
      sourceProfiles.add(s.profile(a, rowsTotal));
      byte[] staleness = a.bytes(s.staleness());
      if (staleness != null) {
        sketches.put("staleness:" + s.spec().name(), Base64.getEncoder().encodeToString(staleness));
      }
    }
    for (ColumnAliases c : columns) {
      String hll = c.aliases.get("hll");
      if (hll != null && a.bytes(hll) != null) {
        sketches.put("distinct:" + c.name, Base64.getEncoder().encodeToString(a.bytes(hll)));
      }
    }
    List<Profile.Field> fields = new ArrayList<>();
    for (StructField f : schema.fields()) {
      fields.add(new Profile.Field(f.name(), f.dataType().simpleString(), f.nullable()));
    }
    Profile profile =
        new Profile(
            rowsTotal,
            distinct[0],
            a.longValue(d.withKeysAndTime()),
            distinct[1],
            a.longValue(d.nullTime()),
            a.longValue(d.nullKey()),
            fields,
            sourceProfiles,
            columnProfiles);
    return new Measured(
        profile,
        binCounts,
        baselineCategoryCounts,
        ContentChecksum.format(rowsTotal, a.decimal(d.hashSum())),
        sketches,
        folded);
  }

  /** The label columns and every source's feature columns, in output order. */
  List<String> profiledColumns() {
    List<String> out = new ArrayList<>(spec.labels().labelColumns());
    for (FeatureSourceSpec f : spec.features()) {
      f.columns().forEach(c -> out.add(f.outputName(c)));
      // aggregates are profiled and drift-checked like any column; last-k lists are not profiled
      f.aggregations().stream()
          .filter(a -> a.function() != dev.trainforge.config.AggregationSpec.Function.LAST_K)
          .forEach(a -> out.add(a.name()));
    }
    return out;
  }

  // ---- sources ------------------------------------------------------------------------------

  private record SourceAliases(
      FeatureSourceSpec spec,
      Map<MatchStatus, String> statuses,
      String hashTies,
      String staleness,
      String leakEvent,
      String leakAvailable,
      String leakMaxAge) {
    Profile.SourceProfile profile(RowMetrics a, long rows) {
      Map<String, Long> counts = new LinkedHashMap<>();
      statuses.forEach((status, alias) -> counts.put(status.name(), a.longValue(alias)));
      KllDoublesSketch sketch = Statistics.sketch(a.bytes(staleness));
      Map<String, Double> stale = new TreeMap<>();
      if (!sketch.isEmpty()) {
        stale.put("p50", Statistics.quantile(sketch, 0.5));
        stale.put("p95", Statistics.quantile(sketch, 0.95));
        stale.put("p99", Statistics.quantile(sketch, 0.99));
      }
      long matched = counts.get(MatchStatus.MATCHED.name());
      return new Profile.SourceProfile(
          spec.name(),
          counts,
          a.longValue(hashTies),
          rows == 0 ? 0.0 : (double) matched / rows,
          stale,
          a.longValue(leakEvent),
          a.longValue(leakAvailable),
          a.longValue(leakMaxAge));
    }
  }

  private static SourceAliases sourceAggregates(RowMetrics a, FeatureSourceSpec f, Column t) {
    Column status = named(f.statusOutput());
    Map<MatchStatus, String> statuses = new LinkedHashMap<>();
    for (MatchStatus s : MatchStatus.values()) {
      statuses.put(s, a.count(status.equalTo(s.name())));
    }
    Column matched = status.equalTo(MatchStatus.MATCHED.name());
    long g = micros(f.servingLag());
    boolean latest = f.hasLatestValues();
    boolean windows = !f.aggregations().isEmpty();
    // The spec's rule, checked on what the join kept: e <= t - g ("<" without exact matches),
    // a <= t - g, and with a max age e >= t - M; for aggregations, on the newest event and
    // available time that any of them counted (null when their windows are empty).
    Column e = unix_micros(named(latest ? f.eventTimeOutput() : f.windowEventTimeOutput()));
    Column eventLeak = lit(false);
    Column availableLeak = lit(false);
    Column tooOld = lit(false);
    if (latest) {
      eventLeak = matched.and(f.exactMatches() ? e.plus(g).gt(t) : e.plus(g).geq(t));
      availableLeak =
          f.hasAvailableTime()
              ? matched.and(unix_micros(named(f.availableTimeOutput())).plus(g).gt(t))
              : lit(false);
      tooOld =
          f.maxAge().isPresent()
              ? matched.and(e.lt(t.minus(micros(f.maxAge().get()))))
              : lit(false);
    }
    if (windows) {
      Column we = unix_micros(named(f.windowEventTimeOutput())).plus(g);
      Column wa = unix_micros(named(f.windowAvailableTimeOutput())).plus(g);
      eventLeak = eventLeak.or(f.exactMatches() ? we.gt(t) : we.geq(t));
      availableLeak = availableLeak.or(wa.gt(t));
    }
    Column hashTies = latest ? named(f.hashTieOutput()).equalTo(true) : lit(false);
    return new SourceAliases(
        f,
        statuses,
        a.count(hashTies),
        a.kll(when(matched, t.minus(e).divide(1e6))),
        a.count(eventLeak),
        a.count(availableLeak),
        a.count(tooOld));
  }

  private static long micros(java.time.Duration d) {
    return d.getSeconds() * 1_000_000L + d.getNano() / 1_000L;
  }

  // ---- columns ------------------------------------------------------------------------------

  private static final class ColumnAliases {
    final String name;
    final String type;
    final boolean numeric;
    final Map<String, String> aliases = new LinkedHashMap<>();
    Bins bins;
    final List<String> binAliases = new ArrayList<>();
    Column value;
    Column finite;
    boolean booleanCounts;

    ColumnAliases(String name, DataType type, boolean numeric) {
      this.name = name;
      this.type = type.simpleString();
      this.numeric = numeric;
    }
  }

  /**
   * True for finite values; false (or null) for null, NaN and the infinities. Only floating-point
   * types can hold NaN or infinities; for the others the test is plain non-nullness (a range test
   * on a cast integer column trips Spark 4.1's aggregate push-down translation into Iceberg).
   */
  private static Column finite(Column x, DataType type) {
    if (type instanceof DoubleType || type instanceof FloatType) {
      // Spark orders NaN above every number, so a range test excludes it with the infinities.
      return x.geq(-Double.MAX_VALUE).and(x.leq(Double.MAX_VALUE));
    }
    return x.isNotNull();
  }

  private ColumnAliases numericAggregates(RowMetrics a, String name, DataType type) {
    ColumnAliases c = new ColumnAliases(name, type, true);
    Column x = named(name).cast("double");
    Column ok = finite(x, type);
    Column v = when(ok, x);
    c.value = x;
    c.finite = ok;
    c.aliases.put("nulls", a.count(named(name).isNull()));
    c.aliases.put("nan", a.count(x.isNotNull().and(ok.unary_$bang())));
    c.aliases.put("finite", a.count(ok));
    String moments = a.moments(v);
    for (String m : List.of("min", "max", "mean", "stddev")) {
      c.aliases.put(m, moments + "." + m);
    }
    distinctAggregates(a, c, name, type);
    c.aliases.put("sketch", a.kll(v));
    ColumnProfile base = baseline == null ? null : baseline.column(name);
    if (base != null && base.numeric() && base.min() != null && base.max() != null) {
      c.bins = Bins.from(base.min(), base.max(), base.deciles());
      for (double edge : c.bins.edges()) {
        c.binAliases.add(a.count(ok.and(x.lt(edge))));
      }
      c.binAliases.add(a.count(ok.and(x.leq(c.bins.max()))));
    }
    return c;
  }

  private ColumnProfile numericProfile(
      RowMetrics a,
      ColumnAliases c,
      long rows,
      Map<String, Long> violations,
      Map<String, long[]> binCounts,
      Profile.BinCounts ownBins) {
    KllDoublesSketch sketch = Statistics.sketch(a.bytes(c.aliases.get("sketch")));
    Map<String, Double> quantiles = new TreeMap<>();
    List<Double> deciles = new ArrayList<>();
    if (!sketch.isEmpty()) {
      for (double r : QUANTILE_RANKS) {
        quantiles.put(String.format("p%02d", Math.round(r * 100)), Statistics.quantile(sketch, r));
      }
      for (double r : DECILE_RANKS) {
        deciles.add(Statistics.quantile(sketch, r));
      }
    }
    long nulls = a.longValue(c.aliases.get("nulls"));
    long nan = a.longValue(c.aliases.get("nan"));
    Profile.BinCounts inBaselineBins = null;
    if (c.bins != null) {
      long[] counts =
          binCounts(c.bins, a, c.binAliases, a.longValue(c.aliases.get("finite")), nulls + nan);
      binCounts.put(c.name, counts);
      inBaselineBins = Profile.BinCounts.of(c.bins, counts);
    }
    return ColumnProfile.numeric(
        c.name,
        c.type,
        nulls,
        nan,
        new ColumnProfile.Moments(
            a.doubleValue(c.aliases.get("min")),
            a.doubleValue(c.aliases.get("max")),
            a.doubleValue(c.aliases.get("mean")),
            a.doubleValue(c.aliases.get("stddev"))),
        a.longValue(c.aliases.get("distinct")),
        quantiles,
        deciles,
        sketch.isEmpty() ? null : Base64.getEncoder().encodeToString(sketch.toByteArray()),
        violations,
        ownBins,
        inBaselineBins);
  }

  /** Exact bin counts from the aggregates {@code aliases}: below each edge, then at most max. */
  private static long[] binCounts(
      Bins bins, RowMetrics a, List<String> aliases, long finite, long nullish) {
    long[] below = new long[bins.edges().size()];
    for (int i = 0; i < below.length; i++) {
      below[i] = a.longValue(aliases.get(i));
    }
    return bins.counts(below, a.longValue(aliases.get(below.length)), finite, nullish);
  }

  /**
   * The exact counts of each numeric column's values in its own bins (min, the deciles its sketch
   * gave, max), declared on {@code metrics} for a later pass (the distinct counts' scan carries
   * them). Stored in the profile, they make the baseline side of the next version's PSI exact, so
   * that the same rows measure no drift however they were partitioned (sketches of the same rows
   * differ with the merge order).
   *
   * @param metrics the metrics of the later pass
   * @param bins each column's own bins
   * @param aliases each column's metrics: the count below each edge, then the count up to max
   */
  private record OwnBins(
      RowMetrics metrics, Map<String, Bins> bins, Map<String, List<String>> aliases) {

    /** Declares the counts, from the edges that the first pass's sketches give. */
    static OwnBins declare(RowMetrics first, List<ColumnAliases> columns) {
      RowMetrics a = new RowMetrics();
      Map<String, Bins> bins = new LinkedHashMap<>();
      Map<String, List<String>> aliases = new LinkedHashMap<>();
      for (ColumnAliases c : columns) {
        if (!c.numeric) {
          continue;
        }
        KllDoublesSketch sketch = Statistics.sketch(first.bytes(c.aliases.get("sketch")));
        Double min = first.doubleValue(c.aliases.get("min"));
        Double max = first.doubleValue(c.aliases.get("max"));
        if (sketch.isEmpty() || min == null || max == null) {
          continue;
        }
        List<Double> deciles = new ArrayList<>();
        for (double r : DECILE_RANKS) {
          deciles.add(Statistics.quantile(sketch, r));
        }
        Bins own = Bins.from(min, max, deciles);
        List<String> names = new ArrayList<>();
        for (double edge : own.edges()) {
          names.add(a.count(c.finite.and(c.value.lt(edge))));
        }
        names.add(a.count(c.finite.and(c.value.leq(own.max()))));
        bins.put(c.name, own);
        aliases.put(c.name, names);
      }
      return new OwnBins(a, bins, aliases);
    }

    /** The counts, by column, once the later pass has run. */
    Map<String, Profile.BinCounts> counts(RowMetrics first, List<ColumnAliases> columns) {
      Map<String, Profile.BinCounts> out = new TreeMap<>();
      for (ColumnAliases c : columns) {
        Bins own = bins.get(c.name);
        if (own != null) {
          long nullish =
              first.longValue(c.aliases.get("nulls")) + first.longValue(c.aliases.get("nan"));
          long[] counts =
              binCounts(
                  own,
                  metrics,
                  aliases.get(c.name),
                  first.longValue(c.aliases.get("finite")),
                  nullish);
          out.put(c.name, Profile.BinCounts.of(own, counts));
        }
      }
      return out;
    }
  }

  /**
   * The column's distinct non-null values as one HLL sketch: its estimate is the profile's distinct
   * count, and a mergeable profiler keeps its bytes, so that profiles of parts merge into the
   * profile of the whole.
   */
  private void distinctAggregates(RowMetrics a, ColumnAliases c, String name, DataType type) {
    String hll = a.hll(named(name), type, HLL_LG_K);
    c.aliases.put("distinct", hll + ".estimate");
    if (mergeable) {
      c.aliases.put("hll", hll);
    }
  }

  private ColumnAliases categoricalAggregates(RowMetrics a, String name, DataType type) {
    ColumnAliases c = new ColumnAliases(name, type, false);
    c.aliases.put("nulls", a.count(named(name).isNull()));
    distinctAggregates(a, c, name, type);
    if (type instanceof BooleanType) {
      // Two values: counted here, exactly, rather than in the grouped pass.
      c.booleanCounts = true;
      c.aliases.put("true", a.count(named(name).equalTo(true)));
      c.aliases.put("false", a.count(named(name).equalTo(false)));
    }
    return c;
  }

  /**
   * A boolean column's categories as the grouped pass would count them: each value that occurs,
   * named as its string cast names it.
   */
  private static List<CategoryCount> booleanCategories(RowMetrics a, ColumnAliases c) {
    List<CategoryCount> out = new ArrayList<>();
    for (String value : List.of("true", "false")) {
      long n = a.longValue(c.aliases.get(value));
      if (n > 0) {
        out.add(new CategoryCount(value, n));
      }
    }
    return out;
  }

  private ColumnProfile categoricalProfile(
      RowMetrics a,
      ColumnAliases c,
      long rows,
      List<CategoryCount> counted,
      Map<String, Long> violations,
      Map<String, Map<String, Long>> baselineCategoryCounts) {
    long nulls = a.longValue(c.aliases.get("nulls"));
    List<CategoryCount> top =
        counted.stream()
            .sorted(
                java.util.Comparator.comparingLong(CategoryCount::count)
                    .reversed()
                    .thenComparing(CategoryCount::value))
            .limit(spec.validation().topK())
            .toList();
    long nonNull = rows - nulls;
    long inTop = top.stream().mapToLong(CategoryCount::count).sum();
    ColumnProfile base = baseline == null ? null : baseline.column(c.name);
    List<CategoryCount> inBaselineCategories = null;
    if (base != null && !base.numeric()) {
      Map<String, Long> byValue = new LinkedHashMap<>();
      inBaselineCategories = new ArrayList<>();
      for (CategoryCount b : base.topK()) {
        long n =
            counted.stream()
                .filter(x -> x.value().equals(b.value()))
                .mapToLong(CategoryCount::count)
                .sum();
        byValue.put(b.value(), n);
        inBaselineCategories.add(new CategoryCount(b.value(), n));
      }
      baselineCategoryCounts.put(c.name, byValue);
    }
    return ColumnProfile.categorical(
        c.name,
        c.type,
        nulls,
        a.longValue(c.aliases.get("distinct")),
        top,
        nonNull - inTop,
        violations,
        inBaselineCategories);
  }

  /**
   * One grouped pass over all categorical columns: each column's top-k values, and the counts of
   * the baseline's categories (which may have fallen out of the top-k).
   */
  private Map<String, List<CategoryCount>> categoryCounts(
      Dataset<Row> rows, List<ColumnAliases> columns) {
    List<Column> pairs = new ArrayList<>();
    Column wanted = lit(false);
    for (ColumnAliases c : columns) {
      if (c.numeric || c.booleanCounts) {
        continue;
      }
      pairs.add(struct(lit(c.name).as("c"), named(c.name).cast("string").as("v")));
      ColumnProfile base = baseline == null ? null : baseline.column(c.name);
      if (base != null && !base.topK().isEmpty()) {
        Object[] values = base.topK().stream().map(CategoryCount::value).toArray();
        wanted = wanted.or(col("c").equalTo(c.name).and(col("v").isin(values)));
      }
    }
    Map<String, List<CategoryCount>> out = new TreeMap<>();
    if (pairs.isEmpty()) {
      return out;
    }
    Dataset<Row> counts =
        rows.select(explode(array(pairs.toArray(Column[]::new))).as("p"))
            .select(col("p.c").as("c"), col("p.v").as("v"))
            .where(col("v").isNotNull())
            .groupBy("c", "v")
            .count()
            .withColumn(
                "r",
                row_number()
                    .over(Window.partitionBy("c").orderBy(col("count").desc(), col("v").asc())))
            .where(col("r").leq(spec.validation().topK()).or(wanted));
    for (Row r : counts.collectAsList()) {
      out.computeIfAbsent(r.getString(0), k -> new ArrayList<>())
          .add(new CategoryCount(r.getString(1), r.getLong(2)));
    }
    return out;
  }

  // ---- declared rules -----------------------------------------------------------------------

  /** Per rule column: violation kind (null, below-min, above-max, outside-domain) to alias. */
  private Map<String, Map<String, String>> ruleAggregates(RowMetrics a, StructType schema) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    for (ColumnRule rule : spec.validation().columnRules()) {
      if (!java.util.Arrays.asList(schema.fieldNames()).contains(rule.column())) {
        continue; // reported by the validator as a schema problem
      }
      Map<String, String> aliases = new LinkedHashMap<>();
      Column x = named(rule.column());
      aliases.put("null", a.count(x.isNull()));
      rule.min().ifPresent(m -> aliases.put("below-min", a.count(x.cast("double").lt(m))));
      rule.max().ifPresent(m -> aliases.put("above-max", a.count(x.cast("double").gt(m))));
      if (!rule.domain().isEmpty()) {
        aliases.put(
            "outside-domain",
            a.count(
                x.isNotNull().and(x.cast("string").isin(rule.domain().toArray()).unary_$bang())));
      }
      out.put(rule.column(), aliases);
    }
    return out;
  }
}
