package dev.trainforge.source;

import static dev.trainforge.spark.Columns.named;
import static org.apache.spark.sql.functions.count_if;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.min;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.unix_micros;
import static org.apache.spark.sql.functions.when;

import dev.trainforge.InvalidInputException;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.KeyMapping;
import dev.trainforge.join.Aggregation;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import dev.trainforge.spark.Beside;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * A feature source, checked against its config and the label schema, and normalized into the
 * columns the join reads. Only the key, time, tie-break and selected feature columns are read.
 */
public final class FeatureInput {
  private final SourceReader reader;
  private final FeatureSourceSpec spec;
  private final String what;
  private final Dataset<Row> raw;
  private final DataType eventType;
  private final DataType availableType;
  private final InputPin pin;
  private final Optional<String> reading;

  /** The partition dates being listed beside other work ({@link #startListingPartitionDates}). */
  private Beside<SortedSet<LocalDate>> listing;

  /** The directory name Spark and Hive give a partition whose value is null. */
  private static final String HIVE_NULL_PARTITION = "__HIVE_DEFAULT_PARTITION__";

  private FeatureInput(
      SourceReader reader, FeatureSourceSpec spec, SourceReader.Opened opened, StructType labels) {
    Dataset<Row> raw = opened.rows();
    this.pin = opened.pin();
    this.reading = opened.reading();
    this.reader = reader;
    this.spec = spec;
    this.what = "feature source '" + spec.name() + "' (" + spec.source() + ")";
    this.raw = raw;
    String key = "dataset.features." + spec.name();
    StructType schema = raw.schema();
    for (KeyMapping k : spec.keys()) {
      DataType type = reader.type(schema, k.featureColumn(), what, key + ".keys");
      DataType labelType = labels.apply(k.labelColumn()).dataType();
      if (!KeyTypes.compatible(labelType, type)) {
        throw new InvalidInputException(
            reader.prefix()
                + what
                + " key '"
                + k.featureColumn()
                + "' is "
                + type.simpleString()
                + " but label column '"
                + k.labelColumn()
                + "' is "
                + labelType.simpleString()
                + " (cast one side upstream, or map another column in "
                + key
                + ".keys)");
      }
    }
    this.eventType = timeType(schema, spec.eventTimeColumn(), key + ".event-time-column");
    this.availableType =
        spec.availableTimeColumn()
            .map(c -> timeType(schema, c, key + ".available-time-column"))
            .orElse(null);
    spec.tieBreakColumn().ifPresent(c -> tieBreakType(schema, c, key + ".tie-break-column"));
    for (String c : spec.columns()) {
      reader.field(schema, c, what, key + ".columns");
    }
    for (dev.trainforge.config.AggregationSpec a : spec.aggregations()) {
      if (a.column().isEmpty()) {
        continue;
      }
      String at = key + ".aggregations." + a.name() + ".column";
      DataType type = reader.type(schema, a.column().get(), what, at);
      String needs = Aggregation.unsupported(function(a), type);
      if (needs != null) {
        throw new InvalidInputException(
            String.format(
                "%s%s: aggregation '%s' (%s) reads column '%s' of type %s, and %s needs %s (point"
                    + " %s at another column)",
                reader.prefix(),
                what,
                a.name(),
                a.function().configName(),
                a.column().get(),
                type.simpleString(),
                a.function().configName(),
                needs,
                at));
      }
    }
    spec.partitionColumn().ifPresent(c -> reader.field(schema, c, what, key + ".partition-column"));
  }

  /**
   * Opens and checks a feature source; reads its schema, not its rows.
   *
   * @param labels the normalized label schema, whose key types the source's keys must match
   */
  public static FeatureInput open(SourceReader reader, FeatureSourceSpec spec, StructType labels) {
    return open(reader, spec, labels, null);
  }

  /**
   * Opens and checks a feature source at {@code recorded}, a pin of an earlier build, or (null) at
   * its current state; reads its schema, not its rows.
   */
  public static FeatureInput open(
      SourceReader reader, FeatureSourceSpec spec, StructType labels, InputPin recorded) {
    String key = "dataset.features." + spec.name() + (spec.source().isTable() ? ".table" : ".path");
    SourceReader.Opened opened =
        reader.open(
            spec.source(),
            "feature source '" + spec.name() + "'",
            key,
            InputPin.feature(spec.name()),
            recorded);
    return new FeatureInput(reader, spec, opened, labels);
  }

  /** What this source was pinned to and read at. */
  public InputPin pin() {
    return pin;
  }

  /** How a Delta table's version is read, for the build's log; empty for other formats. */
  public Optional<String> reading() {
    return reading;
  }

  public FeatureSourceSpec spec() {
    return spec;
  }

  private DataType timeType(StructType schema, String column, String key) {
    DataType type = reader.type(schema, column, what, key);
    String unsupported = TimeColumns.unsupported(type, spec.timeParsing());
    if (unsupported != null) {
      throw new InvalidInputException(
          reader.prefix()
              + what
              + " time column '"
              + column
              + "' is "
              + unsupported
              + " (use a timestamp or date column, or set dataset.features."
              + spec.name()
              + ".time-format for text)");
    }
    return type;
  }

  private void tieBreakType(StructType schema, String column, String key) {
    DataType type = reader.type(schema, column, what, key);
    if (!(KeyTypes.isIntegral(type)
        || type instanceof TimestampType
        || type instanceof TimestampNTZType
        || type instanceof DateType)) {
      throw new InvalidInputException(
          reader.prefix()
              + what
              + " tie-break column '"
              + column
              + "' is of type "
              + type.simpleString()
              + " (use an integer, timestamp or date column, e.g. a sequence number)");
    }
  }

  /**
   * The rows the join needs, as a {@link JoinSource}: only rows that some label can use, given the
   * latest label time. Runs one job first when a time column is text, to reject unparseable values.
   *
   * @param maxLabelMicros the latest label time, or null when there are no labels with a time
   * @param plan the partitions to read, if the source is partitioned by event date
   */
  public JoinSource toJoinSource(Long maxLabelMicros, Optional<PartitionPlan> plan) {
    checkFiles(plan);
    Column e = TimeColumns.micros(named(spec.eventTimeColumn()), eventType, spec.timeParsing());
    Column a =
        spec.availableTimeColumn().isPresent()
            ? TimeColumns.micros(
                named(spec.availableTimeColumn().get()), availableType, spec.timeParsing())
            : e.plus(lit(micros(spec.availableDelay())));
    checkParses(spec.eventTimeColumn(), eventType, e);
    spec.availableTimeColumn().ifPresent(c -> checkParses(c, availableType, a));

    List<Column> cols = new ArrayList<>();
    for (KeyMapping k : spec.keys()) {
      cols.add(named(k.featureColumn()).as(k.labelColumn()));
    }
    cols.add(e.as(JoinColumns.EVENT_TIME));
    cols.add(a.as(JoinColumns.AVAILABLE_TIME));
    cols.add(tieBreak().as(JoinColumns.TIE_BREAK));
    List<String> outputs = new ArrayList<>();
    for (String c : spec.columns()) {
      cols.add(named(c).as(spec.outputName(c)));
      outputs.add(spec.outputName(c));
    }
    List<Aggregation> aggregations = new ArrayList<>();
    java.util.Set<String> aggregatedOnly = new java.util.HashSet<>();
    for (dev.trainforge.config.AggregationSpec agg : spec.aggregations()) {
      String input = null;
      if (agg.column().isPresent()) {
        String c = agg.column().get();
        input = spec.columns().contains(c) ? spec.outputName(c) : aggregationInput(c);
        if (!spec.columns().contains(c) && aggregatedOnly.add(c)) {
          cols.add(named(c).as(input));
        }
      }
      aggregations.add(
          new Aggregation(agg.name(), function(agg), input, micros(agg.window()), agg.k()));
    }
    Dataset<Row> rows = readable(plan).select(cols.toArray(Column[]::new));
    rows = rows.filter(usableBy(maxLabelMicros));
    return new JoinSource(
        spec.name(),
        rows,
        spec.labelKeyColumns(),
        outputs,
        micros(spec.servingLag()),
        spec.maxAge().map(FeatureInput::micros).orElse(-1L),
        spec.exactMatches(),
        spec.hasAvailableTime(),
        spec.tieBreakColumn().isPresent(),
        // without an available-time column, a is e plus the configured delay on every row
        spec.availableTimeColumn().isEmpty()
            ? java.util.OptionalLong.of(micros(spec.availableDelay()))
            : java.util.OptionalLong.empty(),
        aggregations);
  }

  /** The join's name for a column read only by aggregations. */
  private String aggregationInput(String column) {
    return spec.name() + "__agg__" + column;
  }

  private static Aggregation.Function function(dev.trainforge.config.AggregationSpec a) {
    return Aggregation.Function.valueOf(a.function().name());
  }

  private Column tieBreak() {
    if (spec.tieBreakColumn().isEmpty()) {
      return lit(null).cast(DataTypes.LongType);
    }
    String c = spec.tieBreakColumn().get();
    DataType type = raw.schema().apply(c).dataType();
    if (KeyTypes.isIntegral(type)) {
      return named(c).cast(DataTypes.LongType);
    }
    return unix_micros(named(c).cast(DataTypes.TimestampType));
  }

  /**
   * Checks every Parquet file the build will read (those of the planned partitions) from its
   * footer: readable, and with every column the join needs, of the type planned with.
   */
  private void checkFiles(Optional<PartitionPlan> plan) {
    if (pin.format() != dev.trainforge.config.SourceFormat.PARQUET) {
      return;
    }
    java.util.Map<String, DataType> needed = new java.util.LinkedHashMap<>();
    StructType schema = raw.schema();
    List<String> columns = new ArrayList<>();
    spec.keys().forEach(k -> columns.add(k.featureColumn()));
    columns.add(spec.eventTimeColumn());
    spec.availableTimeColumn().ifPresent(columns::add);
    spec.tieBreakColumn().ifPresent(columns::add);
    columns.addAll(spec.columns());
    spec.aggregations()
        .forEach(a -> a.column().filter(c -> !columns.contains(c)).ifPresent(columns::add));
    for (String c : columns) {
      if (!spec.partitionColumn().map(c::equals).orElse(false)) {
        needed.put(c, schema.apply(c).dataType());
      }
    }
    reader
        .parquetFooters()
        .check(
            pin,
            file -> planned(file, plan),
            what,
            needed,
            "rewrite the file with the source's schema, or cast the column upstream");
  }

  /** Whether the file at {@code relative} is in a planned partition (or the source has no plan). */
  private static boolean planned(String relative, Optional<PartitionPlan> plan) {
    if (plan.isEmpty()) {
      return true;
    }
    String prefix = plan.get().column() + "=";
    for (String segment : relative.split("/")) {
      if (segment.startsWith(prefix)) {
        LocalDate date = partitionDate(segment.substring(prefix.length()));
        return date != null
            && !date.isAfter(plan.get().to())
            && plan.get().from().map(from -> !date.isBefore(from)).orElse(true);
      }
    }
    return true;
  }

  private static LocalDate partitionDate(String raw) {
    try {
      return LocalDate.parse(
          java.net.URLDecoder.decode(raw, java.nio.charset.StandardCharsets.UTF_8));
    } catch (java.time.format.DateTimeParseException e) {
      return null;
    }
  }

  /** Only the planned partitions: the partition column is the UTC date of the event time. */
  private Dataset<Row> readable(Optional<PartitionPlan> plan) {
    if (plan.isEmpty()) {
      return raw;
    }
    Column date = to_date(named(plan.get().column()).cast(DataTypes.StringType));
    Column in = date.leq(to_date(lit(plan.get().to().toString())));
    if (plan.get().from().isPresent()) {
      in = in.and(date.geq(to_date(lit(plan.get().from().get().toString()))));
    }
    return raw.filter(in);
  }

  /**
   * The event-date partitions this build needs, as the spec's "Reading less" says, and those that
   * exist, listed from the source's files (no job). Empty when the source has no partition column.
   *
   * @throws dev.trainforge.InputMissingException on a gap in the plan, unless the source allows it
   */
  public Optional<PartitionPlan> partitionPlan(LabelInput.Stats stats) {
    if (spec.partitionColumn().isEmpty() || stats.maxTimeMicros().isEmpty()) {
      return Optional.empty();
    }
    long lag = micros(spec.servingLag());
    LocalDate to = utcDate(stats.maxTimeMicros().get() - lag);
    // Candidates have t - M <= e <= t - g: nothing before date(min t - M) can be used by any label;
    // a window's rows have e > t - g - W.
    long minT = stats.minTimeMicros().get();
    Optional<LocalDate> latest =
        spec.hasLatestValues()
            ? spec.maxAge().map(m -> utcDate(minT - micros(m)))
            : Optional.of(LocalDate.MAX);
    Optional<LocalDate> windows = spec.longestWindow().map(w -> utcDate(minT - lag - micros(w)));
    Optional<LocalDate> from =
        latest.isEmpty()
            ? Optional.empty()
            : Optional.of(
                windows.isPresent() && windows.get().isBefore(latest.get())
                    ? windows.get()
                    : latest.get());
    PartitionPlan plan =
        PartitionPlan.of(spec.name(), spec.partitionColumn().get(), from, to, partitionDates());
    if (!plan.missing().isEmpty() && !spec.allowPartitionGaps()) {
      throw new dev.trainforge.InputMissingException(
          reader.prefix()
              + what
              + " is missing "
              + plan.missing().size()
              + " "
              + plan.column()
              + " partitions inside the planned range "
              + plan.from().map(Object::toString).orElse(plan.existing().first().toString())
              + ".."
              + plan.to()
              + ": "
              + PartitionPlan.abbreviate(plan.missing())
              + ", planned from label times "
              + java.time.Instant.EPOCH.plus(stats.minTimeMicros().get(), ChronoUnit.MICROS)
              + " .. "
              + java.time.Instant.EPOCH.plus(stats.maxTimeMicros().get(), ChronoUnit.MICROS)
              + " (land them, or set dataset.features."
              + spec.name()
              + ".allow-partition-gaps = true if the source has no rows on those dates; a label"
              + " time far from the source's dates is wrong upstream, or outside"
              + " dataset.labels.window)");
    }
    return Optional.of(plan);
  }

  /**
   * Starts listing the source's partition dates in a thread of its own, beside the caller's work
   * (the label scan), when listing them may be Spark work: a table's files at its pin (for a Delta
   * version that Delta's reader reads, the replay of its log, three jobs on a small table, and the
   * filtering of its file list, one job; none for one read as its Parquet files, see {@link
   * DeltaFiles}). A Parquet source's dates are in its pinned listing, and a source without a
   * partition column has none: for them this does nothing. The thread inherits the caller's job
   * description; {@link #partitionPlan} waits for its result, and {@link #awaitPartitionDates} for
   * its end.
   */
  public void startListingPartitionDates() {
    if (spec.partitionColumn().isEmpty()
        || pin.format() == dev.trainforge.config.SourceFormat.PARQUET
        || listing != null) {
      return;
    }
    listing = Beside.start("trainforge-partitions-" + spec.name(), this::existingDates);
  }

  /**
   * Waits until a listing started by {@link #startListingPartitionDates} has ended, whatever its
   * outcome: a build that fails meanwhile leaves no Spark job of its own running.
   */
  public void awaitPartitionDates() {
    if (listing != null) {
      listing.await();
    }
  }

  /** The partition dates, as listed in the background if that was started, else listed now. */
  private SortedSet<LocalDate> partitionDates() {
    return listing == null ? existingDates() : listing.join();
  }

  /**
   * Partition dates from the file paths ({@code column=value} directories): a Parquet source's from
   * its pinned listing (no planning, no job); a table's from the files its pinned version reads
   * (for Delta, the filtering of its file list: one small job).
   */
  private SortedSet<LocalDate> existingDates() {
    String prefix = spec.partitionColumn().get() + "=";
    SortedSet<LocalDate> dates = new TreeSet<>();
    List<String> files =
        pin.format() == dev.trainforge.config.SourceFormat.PARQUET
            ? pin.files().stream().map(InputPin.FileEntry::path).toList()
            : List.of(raw.inputFiles());
    for (String file : files) {
      for (String segment : file.split("/")) {
        if (segment.startsWith(prefix)) {
          String value =
              java.net.URLDecoder.decode(
                  segment.substring(prefix.length()), java.nio.charset.StandardCharsets.UTF_8);
          try {
            dates.add(LocalDate.parse(value));
          } catch (java.time.format.DateTimeParseException e) {
            if (!value.equals(HIVE_NULL_PARTITION)) {
              throw new InvalidInputException(
                  reader.prefix()
                      + what
                      + " has a partition directory '"
                      + segment
                      + "' that is not a date (partition-column '"
                      + spec.partitionColumn().get()
                      + "' must hold the UTC date of the event time, yyyy-MM-dd; rename or"
                      + " remove that directory upstream, or unset dataset.features."
                      + spec.name()
                      + ".partition-column)");
            }
            // Hive's default partition (a null date): no event date to plan with
          }
        }
      }
    }
    return dates;
  }

  private static LocalDate utcDate(long micros) {
    return Instant.EPOCH.plus(micros, ChronoUnit.MICROS).atOffset(ZoneOffset.UTC).toLocalDate();
  }

  /**
   * Rows visible to no label (after the latest label's as-of instant) are dropped before the
   * shuffle.
   */
  private Column usableBy(Long maxLabelMicros) {
    if (maxLabelMicros == null) {
      return lit(false);
    }
    long asOf = maxLabelMicros - micros(spec.servingLag());
    long exclusive = spec.exactMatches() ? 0L : 1L;
    return named(JoinColumns.EVENT_TIME)
        .plus(lit(exclusive))
        .leq(lit(asOf))
        .and(named(JoinColumns.AVAILABLE_TIME).leq(lit(asOf)));
  }

  private void checkParses(String column, DataType type, Column parsed) {
    if (!TimeColumns.isText(type)) {
      return;
    }
    Column bad = named(column).isNotNull().and(parsed.isNull());
    Row r = raw.agg(count_if(bad), min(when(bad, named(column)))).first();
    if (r.getLong(0) > 0) {
      throw new InvalidInputException(
          reader.prefix()
              + what
              + " column '"
              + column
              + "' has "
              + r.getLong(0)
              + " values that do not parse with time-format '"
              + spec.timeParsing().pattern().orElse("")
              + "', e.g. '"
              + r.getString(1)
              + "' (fix dataset.features."
              + spec.name()
              + ".time-format or the data)");
    }
  }

  static long micros(java.time.Duration d) {
    return Math.addExact(
        Math.multiplyExact(d.getSeconds(), 1_000_000L), TimeUnit.NANOSECONDS.toMicros(d.getNano()));
  }
}
