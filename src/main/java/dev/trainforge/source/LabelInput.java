package dev.trainforge.source;

import static dev.trainforge.spark.Columns.named;
import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.max;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.when;

import dev.trainforge.InvalidInputException;
import dev.trainforge.config.LabelSpec;
import dev.trainforge.config.Maturity;
import dev.trainforge.config.NullRows;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.LabelSample;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampType;

/**
 * The label table, checked and normalized: the id, the label time (as a UTC timestamp), the keys
 * and the label columns, plus the label time in microseconds for the join; only rows inside the
 * label window. A row with no time belongs to no window: a build without a window bound keeps it
 * (status {@code NULL_TIME}); a build with one counts it and leaves it out, so that a split or
 * daily build holds such a row at most once, and a label's row never depends on its batch.
 */
public final class LabelInput {
  private final SourceReader reader;
  private final LabelSpec spec;
  private final String what;
  private final Dataset<Row> all;
  private final Dataset<Row> windowed;
  private final DataType timeType;
  private final InputPin pin;
  private final Optional<String> reading;

  /**
   * What a scan of the labels found: the row counts and the time range.
   *
   * @param rows label rows in the window (and rows without a time)
   * @param nullTime rows without a label time
   * @param nullKey rows with a null key
   * @param droppedNullRows rows dropped for a null time or key ({@code null-rows = drop})
   * @param immature labels whose maturity horizon had not closed by the cut-off
   * @param excludedImmature immature labels left out ({@code maturity.action = exclude}), less
   *     those already dropped for a null key
   * @param timelessOutsideWindow rows without a time that a bounded label window does not hold
   *     (counted, not joined), less those already dropped
   */
  public record Stats(
      long rows,
      long nullTime,
      long nullKey,
      long droppedNullRows,
      long immature,
      long excludedImmature,
      long timelessOutsideWindow,
      Optional<Long> minTimeMicros,
      Optional<Long> maxTimeMicros) {
    /** Rows that go into the join: all but the dropped, the excluded and the timeless ones. */
    public long rowsIn() {
      return rows - droppedNullRows - excludedImmature - timelessOutsideWindow;
    }
  }

  private LabelInput(SourceReader reader, LabelSpec spec, SourceReader.Opened opened) {
    Dataset<Row> raw = opened.rows();
    this.pin = opened.pin();
    this.reading = opened.reading();
    this.reader = reader;
    this.spec = spec;
    this.what = "label source (" + spec.source() + ")";
    StructType schema = raw.schema();
    for (String c : spec.inputColumns()) {
      reader.field(schema, c, what, keyFor(c));
    }
    timeType = schema.apply(spec.timeColumn()).dataType();
    String unsupported = TimeColumns.unsupported(timeType, spec.timeParsing());
    if (unsupported != null) {
      throw new InvalidInputException(
          reader.prefix()
              + what
              + " time column '"
              + spec.timeColumn()
              + "' is "
              + unsupported
              + " (use a timestamp or date column, or set dataset.labels.time-format for text)");
    }
    for (String k : spec.keyColumns()) {
      String bad = KeyTypes.unusable(schema.apply(k).dataType());
      if (bad != null) {
        throw new InvalidInputException(
            reader.prefix() + what + " key column '" + k + "' is " + bad);
      }
    }
    Column t = TimeColumns.micros(named(spec.timeColumn()), timeType, spec.timeParsing());
    Dataset<Row> withTime = raw.withColumn(JoinColumns.LABEL_TIME, t);
    this.all = withTime;
    this.windowed = withTime.filter(inWindow(named(JoinColumns.LABEL_TIME)));
  }

  /**
   * Opens and checks the label source, pinned to its current state; reads its schema, not its rows.
   *
   * @throws dev.trainforge.InputMissingException when it does not exist
   * @throws InvalidInputException when a configured column is missing or of an unusable type
   */
  public static LabelInput open(SourceReader reader, LabelSpec spec) {
    return open(reader, spec, null);
  }

  /**
   * Opens and checks the label source at {@code recorded}, a pin of an earlier build, or (null) at
   * its current state; reads its schema, not its rows.
   */
  public static LabelInput open(SourceReader reader, LabelSpec spec, InputPin recorded) {
    SourceReader.Opened opened =
        reader.open(
            spec.source(), "label source", "dataset.labels.path", InputPin.LABELS, recorded);
    return new LabelInput(reader, spec, opened);
  }

  /** What the labels were pinned to and read at. */
  public InputPin pin() {
    return pin;
  }

  /** How a Delta table's version is read, for the build's log; empty for other formats. */
  public Optional<String> reading() {
    return reading;
  }

  public LabelSpec spec() {
    return spec;
  }

  /** The normalized columns' schema, for checking feature keys against before any job runs. */
  public StructType schema() {
    return rows(windowed).schema();
  }

  private String keyFor(String column) {
    if (column.equals(spec.idColumn())) {
      return "dataset.labels.id-column";
    }
    if (column.equals(spec.timeColumn())) {
      return "dataset.labels.time-column";
    }
    return spec.keyColumns().contains(column)
        ? "dataset.labels.key-columns"
        : "dataset.labels.label-columns";
  }

  /** True when the label window has a start or an end: a row without a time is outside it. */
  private boolean windowBounded() {
    return spec.windowStart().isPresent() || spec.windowEnd().isPresent();
  }

  private Column inWindow(Column t) {
    Column in = lit(true);
    if (spec.windowStart().isPresent()) {
      in = in.and(t.geq(lit(micros(spec.windowStart().get()))));
    }
    if (spec.windowEnd().isPresent()) {
      in = in.and(t.lt(lit(micros(spec.windowEnd().get()))));
    }
    // A row without a time belongs to no window; it is kept here so that it is counted, not lost.
    return t.isNull().or(in);
  }

  static long micros(java.time.Instant i) {
    return Math.addExact(Math.multiplyExact(i.getEpochSecond(), 1_000_000L), i.getNano() / 1_000);
  }

  /** True for a label with a time whose horizon has not closed by the cut-off; else false. */
  private Column immature() {
    Column t = named(JoinColumns.LABEL_TIME);
    return spec.maturity()
        .map(m -> t.isNotNull().and(t.gt(lit(m.latestMatureMicros()))))
        .orElse(lit(false));
  }

  private boolean excludesImmature() {
    return spec.maturity().filter(m -> m.action() == Maturity.Action.EXCLUDE).isPresent();
  }

  private Column dropped() {
    return spec.nullRows() == NullRows.DROP
        ? named(JoinColumns.LABEL_TIME).isNull().or(anyKeyNull())
        : lit(false);
  }

  private Column anyKeyNull() {
    Column any = lit(false);
    for (String k : spec.keyColumns()) {
      any = any.or(named(k).isNull());
    }
    return any;
  }

  /**
   * The labels' counts, nulls and time range: from the Parquet footers' statistics when they say it
   * all (no Spark job; see {@link #fromFooters}), else from one scan of the labels. Fails when text
   * times do not parse.
   */
  public Stats stats() {
    Optional<Stats> fromFooters = checkFiles().flatMap(this::fromFooters);
    return fromFooters.isPresent() ? fromFooters.get() : scan();
  }

  /**
   * The stats, and, when they take a scan of the labels, a sample of the join's labels taken in the
   * same job.
   *
   * @param stats the label scan's counts and time range
   * @param sample the labels sampled for the join in the scan's job; empty when the footers gave
   *     the stats and no job ran
   */
  public record Scanned(Stats stats, Optional<LabelSample> sample) {}

  /**
   * The stats as {@link #stats} gives them; when they take a scan, that scan also samples the
   * labels that go into the join ({@link #joinInput}) for a join of {@code joinPartitions}
   * partitions on {@code keyColumns} (the label columns the sources' keys name), in one job: the
   * scan's counts are observed on the rows as the sample reads them.
   */
  public Scanned statsAndSample(int joinPartitions, List<String> keyColumns) {
    Optional<Stats> fromFooters = checkFiles().flatMap(this::fromFooters);
    if (fromFooters.isPresent()) {
      return new Scanned(fromFooters.get(), Optional.empty());
    }
    Column[] counts = counts();
    Dataset<Row> observed = windowed.observe(OBSERVED, counts[0], rest(counts));
    Dataset<Row> labels = joinInput(observed);
    LabelSample sample = LabelSample.take(labels, keyColumns, joinPartitions);
    Optional<Row> counted =
        scala.jdk.javaapi.OptionConverters.toJava(
            sample.read().queryExecution().observedMetrics().get(OBSERVED));
    // Spark fills the observed metrics when the job ends; without them, a scan of its own counts.
    Stats stats = counted.map(this::stats).orElseGet(this::scan);
    return new Scanned(stats, Optional.of(sample));
  }

  private static final String OBSERVED = "trainforge_label_counts";

  /**
   * The scan's aggregates over the labels in the window, in the order {@link #stats(Row)} reads.
   */
  private Column[] counts() {
    Column t = named(JoinColumns.LABEL_TIME);
    return new Column[] {
      count(lit(1)),
      count_if(t.isNull()),
      count_if(anyKeyNull()),
      count_if(t.isNull().or(anyKeyNull())),
      min(t),
      max(t),
      count_if(badTime()),
      min(when(badTime(), named(spec.timeColumn()).cast("string"))),
      count_if(immature()),
      count_if(immature().and(dropped().unary_$bang()))
    };
  }

  /** A time that is there but did not parse. */
  private Column badTime() {
    return named(spec.timeColumn()).isNotNull().and(named(JoinColumns.LABEL_TIME).isNull());
  }

  /** The stats from one scan of the labels (package-private: a test compares the two ways). */
  Stats scan() {
    Column[] counts = counts();
    return stats(windowed.agg(counts[0], rest(counts)).first());
  }

  private static Column[] rest(Column[] columns) {
    return java.util.Arrays.copyOfRange(columns, 1, columns.length);
  }

  /** The stats from the scan's aggregates ({@link #counts}); fails when text times do not parse. */
  private Stats stats(Row r) {
    long bad = r.getLong(6);
    if (bad > 0) {
      throw new InvalidInputException(
          reader.prefix()
              + what
              + " column '"
              + spec.timeColumn()
              + "' has "
              + bad
              + " values that do not parse with time-format '"
              + spec.timeParsing().pattern().orElse("")
              + "', e.g. '"
              + r.getString(7)
              + "' (fix dataset.labels.time-format or the data)");
    }
    long dropped = spec.nullRows() == NullRows.DROP ? r.getLong(3) : 0L;
    boolean timelessHeld = !windowBounded() || spec.nullRows() == NullRows.DROP;
    return new Stats(
        r.getLong(0),
        r.getLong(1),
        r.getLong(2),
        dropped,
        r.getLong(8),
        excludesImmature() ? r.getLong(9) : 0L,
        timelessHeld ? 0L : r.getLong(1),
        Optional.ofNullable(r.isNullAt(4) ? null : r.getLong(4)),
        Optional.ofNullable(r.isNullAt(5) ? null : r.getLong(5)));
  }

  /**
   * Checks every Parquet file of the labels from its footer: readable, and with every configured
   * column, of the type planned with. For a timestamp time column, also sums what the row groups'
   * statistics say of the time and key columns; empty for any other source or time column, or when
   * the statistics do not say it all.
   */
  private Optional<ParquetFooters.Summary> checkFiles() {
    if (pin.format() != dev.trainforge.config.SourceFormat.PARQUET) {
      return Optional.empty();
    }
    java.util.Map<String, DataType> needed = new java.util.LinkedHashMap<>();
    StructType schema = all.schema();
    for (String c : spec.inputColumns()) {
      needed.put(c, schema.apply(c).dataType());
    }
    String fix = "rewrite the file with the labels' schema, or cast the column upstream";
    if (!(timeType instanceof TimestampType)) {
      reader.parquetFooters().check(pin, file -> true, what, needed, fix);
      return Optional.empty();
    }
    return reader
        .parquetFooters()
        .checkAndSummarize(pin, what, needed, fix, spec.keyColumns(), spec.timeColumn());
  }

  /**
   * The stats as the footers' statistics give them, when they are exact without a scan: every timed
   * label inside the label window, and every immature label count known to be zero; null counts
   * that say which rows have a null time or key (at most one of the time and the keys has nulls).
   * Empty otherwise: a scan counts them.
   */
  private Optional<Stats> fromFooters(ParquetFooters.Summary footers) {
    ParquetFooters.ColumnStats time = footers.columns().get(spec.timeColumn());
    Optional<Long> min = Optional.ofNullable(time.minMicros());
    Optional<Long> max = Optional.ofNullable(time.maxMicros());
    boolean allInWindow =
        min.isEmpty()
            || (spec.windowStart().map(s -> min.get() >= micros(s)).orElse(true)
                && spec.windowEnd().map(e -> max.get() < micros(e)).orElse(true));
    boolean allMature =
        max.isEmpty() || spec.maturity().map(m -> max.get() <= m.latestMatureMicros()).orElse(true);
    long nullTime = time.nulls();
    long nullKey = 0;
    int withNulls = nullTime > 0 ? 1 : 0;
    for (String k : spec.keyColumns()) {
      long n = footers.columns().get(k).nulls();
      if (n > 0) {
        nullKey = n;
        withNulls++;
      }
    }
    if (!allInWindow || !allMature || withNulls > 1) {
      return Optional.empty();
    }
    long dropped = spec.nullRows() == NullRows.DROP ? nullTime + nullKey : 0L;
    boolean timelessHeld = !windowBounded() || spec.nullRows() == NullRows.DROP;
    return Optional.of(
        new Stats(
            footers.rows(),
            nullTime,
            nullKey,
            dropped,
            0L,
            0L,
            timelessHeld ? 0L : nullTime,
            min,
            max));
  }

  /**
   * Why {@code stats} leaves no label row for the join, in words, naming the setting that decides
   * it. Reads the labels once more only when a label window left no row, to count what it left out.
   */
  public String whyNoRows(Stats stats) {
    if (stats.rows() > 0) {
      List<String> parts = new ArrayList<>();
      if (stats.droppedNullRows() > 0) {
        parts.add(
            stats.droppedNullRows()
                + " dropped for a null time or key (dataset.labels.null-rows = drop)");
      }
      if (stats.excludedImmature() > 0) {
        parts.add(
            stats.excludedImmature()
                + " excluded as not yet mature (dataset.labels.maturity.action = exclude)");
      }
      if (parts.isEmpty()) {
        return "the join gave no row for the " + stats.rows() + " labels in the label window";
      }
      return "of the "
          + stats.rows()
          + " labels in the label window, "
          + String.join(" and ", parts)
          + "; none is left to build from";
    }
    if (spec.windowStart().isEmpty() && spec.windowEnd().isEmpty()) {
      return "the " + what + " is empty (no label rows to build from)";
    }
    Column t = named(JoinColumns.LABEL_TIME);
    Row r = all.agg(count(lit(1)), min(t), max(t)).first();
    long outside = r.getLong(0);
    if (outside == 0) {
      return "the " + what + " is empty (no label rows to build from)";
    }
    String window =
        "["
            + spec.windowStart().map(Object::toString).orElse("unbounded")
            + ", "
            + spec.windowEnd().map(Object::toString).orElse("unbounded")
            + ")";
    String span =
        r.isNullAt(1)
            ? "none has a time"
            : "their times span " + instant(r.getLong(1)) + " .. " + instant(r.getLong(2));
    return "the label window "
        + window
        + " excludes all "
        + outside
        + " labels of the "
        + what
        + " ("
        + span
        + "; set dataset.labels.window.start and .end)";
  }

  private static java.time.Instant instant(long micros) {
    return java.time.Instant.EPOCH.plus(micros, java.time.temporal.ChronoUnit.MICROS);
  }

  /**
   * The rows that go into the join: output columns (with the maturity flag, if flagged) plus the
   * label time in microseconds; without dropped rows and excluded immature labels.
   */
  public Dataset<Row> joinInput() {
    return joinInput(windowed);
  }

  private Dataset<Row> joinInput(Dataset<Row> windowed) {
    Dataset<Row> rows = windowed.filter(dropped().unary_$bang());
    if (windowBounded()) {
      rows = rows.filter(named(JoinColumns.LABEL_TIME).isNotNull());
    }
    if (excludesImmature()) {
      rows = rows.filter(immature().unary_$bang());
    }
    return rows(rows);
  }

  private Dataset<Row> rows(Dataset<Row> base) {
    List<Column> cols = new ArrayList<>();
    for (String c : spec.inputColumns()) {
      cols.add(
          c.equals(spec.timeColumn())
              ? timestamp_micros(named(JoinColumns.LABEL_TIME)).as(c)
              : named(c));
    }
    spec.maturityFlagColumn()
        .ifPresent(
            flag ->
                cols.add(
                    when(named(JoinColumns.LABEL_TIME).isNull(), lit(null).cast("boolean"))
                        .otherwise(immature().unary_$bang())
                        .as(flag)));
    cols.add(named(JoinColumns.LABEL_TIME));
    return base.select(cols.toArray(Column[]::new));
  }
}
