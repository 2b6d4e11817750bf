package dev.trainforge.join;

import static dev.trainforge.spark.Columns.named;
import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The point-in-time (as-of) join of {@code docs/point-in-time-semantics.md}, as a sort-merge: for
 * each group of sources that share an entity key, one shuffle of the union of the labels and those
 * sources' rows, a sort within partitions, and a streaming merge that holds one candidate row per
 * source. Sources on k different keys cost k shuffles, chained: the output of one group's merge is
 * the label input of the next.
 *
 * <p>The merge relies on one observation: a feature row is a candidate for every label whose as-of
 * instant {@code t - g} is at or after the row's visibility {@code max(e (+1µs if exact matches are
 * excluded), a)}, and for no other. Sorting feature rows by visibility shifted by {@code g} and
 * labels by {@code t}, the winner for a label is the greatest row, under the order {@code (e, a,
 * tie-break, content hash)}, among those seen before it: a running maximum.
 */
public final class AsOfJoin {
  private static final String MERGED = "__tf_m";
  static final String LABEL_SALT = "__tf_lsalt";

  private final JoinPartitioning partitioning;
  private final int numPartitions;
  private final long sortMemoryBytes;

  /**
   * @param partitioning how events are spread over partitions and sorted
   * @param numPartitions partitions of each shuffle
   */
  public AsOfJoin(JoinPartitioning partitioning, int numPartitions) {
    this(partitioning, numPartitions, 0L);
  }

  /**
   * @param partitioning how rows are spread over partitions
   * @param numPartitions partitions of each shuffle
   * @param sortMemoryBytes the most one reduce task sorts in memory, outside Spark's memory
   *     manager, before it hands the partition to Spark's sorter, which spills to disk; 0 for the
   *     default, a sixteenth of the heap and at most 512 MiB
   */
  public AsOfJoin(JoinPartitioning partitioning, int numPartitions, long sortMemoryBytes) {
    this.partitioning = requireNonNull(partitioning, "partitioning is null");
    if (numPartitions < 1) {
      throw new IllegalArgumentException("numPartitions must be positive: " + numPartitions);
    }
    if (sortMemoryBytes < 0) {
      throw new IllegalArgumentException("sortMemoryBytes is negative: " + sortMemoryBytes);
    }
    this.numPartitions = numPartitions;
    this.sortMemoryBytes = sortMemoryBytes;
  }

  /**
   * Attaches every source's as-of values to every label row. Shuffles once per distinct key of the
   * sources; keeps every label row exactly once.
   *
   * @param labels label rows with {@link JoinColumns#LABEL_TIME} and the sources' key columns
   * @param sources the feature sources, with distinct names
   * @return the label columns in their order, then each source's {@link
   *     JoinSource#outputColumns()}, then {@link JoinColumns#LABEL_TIME} last
   */
  public Dataset<Row> join(Dataset<Row> labels, List<JoinSource> sources) {
    return join(labels, sources, null);
  }

  /**
   * Like {@link #join(Dataset, List)}, with the labels sampled beforehand ({@code sample}, taken
   * from the same labels, or null): the sampling job of each key group then reads its feature rows
   * alone. The rows are the same either way.
   */
  public Dataset<Row> join(Dataset<Row> labels, List<JoinSource> sources, LabelSample sample) {
    Map<List<String>, List<JoinSource>> groups = groupByKey(sources);
    if (sample != null) {
      for (List<String> keys : groups.keySet()) {
        sample.check(keys);
      }
    }
    // A label's salt comes from its own columns, so that every group's sort fields can be sampled
    // from the labels as they are read, without running the groups before it.
    Dataset<Row> salted = labels.withColumn(LABEL_SALT, salt(labels.columns()));
    Dataset<Row> current = salted;
    for (List<JoinSource> group : groups.values()) {
      current = mergeGroup(current, salted, group, sample);
    }
    return current.drop(LABEL_SALT);
  }

  /** A label's salt: a hash of all its columns, in their order. */
  static Column salt(String[] columns) {
    return xxhash64(java.util.Arrays.stream(columns).map(c -> named(c)).toArray(Column[]::new));
  }

  /**
   * One key group as the join ran it: its keys, its sources, and the queries and rows of its
   * shuffle, for what they cost.
   */
  public record GroupRun(
      List<String> keys, List<String> sources, JoinPartitioning.Arranged arranged) {
    public GroupRun {
      keys = List.copyOf(keys);
      sources = List.copyOf(sources);
    }
  }

  private final List<GroupRun> runs = new java.util.concurrent.CopyOnWriteArrayList<>();

  /** The key groups of the joins this planned, in order. */
  public List<GroupRun> runs() {
    return List.copyOf(runs);
  }

  static Map<List<String>, List<JoinSource>> groupByKey(List<JoinSource> sources) {
    Map<List<String>, List<JoinSource>> groups = new LinkedHashMap<>();
    for (JoinSource s : sources) {
      groups.computeIfAbsent(s.keyColumns(), k -> new ArrayList<>()).add(s);
    }
    return groups;
  }

  /**
   * The union of labels and one key group's feature rows, its layout, and the feature rows alone.
   */
  record Events(
      EventLayout layout,
      Dataset<Row> rows,
      StructType payload,
      Dataset<Row> features,
      Map<String, DataType> keyTypes) {}

  /** One key group's layout for labels of a schema, and what places the labels in it. */
  private record Plan(
      EventLayout layout,
      Map<String, DataType> keyTypes,
      List<String> payload,
      StructType payloadStruct) {}

  /** Labels must carry {@link #LABEL_SALT}; it travels in the label payload to the next group. */
  static Events events(Dataset<Row> labels, List<JoinSource> group) {
    Plan plan = plan(labels.schema(), group);
    EventLayout layout = plan.layout();
    // Feature rows first: their input splits are the big ones, so that the labels' (usually
    // smaller) splits run last and fill the last wave of tasks, not leave a core idle in it.
    Dataset<Row> features = featureEvents(group.get(0), 0, layout, plan.keyTypes());
    for (int j = 1; j < group.size(); j++) {
      features = features.union(featureEvents(group.get(j), j, layout, plan.keyTypes()));
    }
    Dataset<Row> events =
        features.union(labelEvents(labels, layout, plan.keyTypes(), plan.payload()));
    return new Events(layout, events, plan.payloadStruct(), features, plan.keyTypes());
  }

  private static Plan plan(StructType labelSchema, List<JoinSource> group) {
    List<String> keys = group.get(0).keyColumns();
    List<String> payload = new ArrayList<>();
    for (String c : labelSchema.fieldNames()) {
      if (!keys.contains(c) && !c.equals(JoinColumns.LABEL_TIME)) {
        payload.add(c);
      }
    }
    Map<String, DataType> keyTypes = keyTypes(labelSchema, group);
    StructType payloadStruct = select(labelSchema, payload);
    List<DataType> payloadTypes = new ArrayList<>();
    for (StructField f : payloadStruct.fields()) {
      payloadTypes.add(f.dataType());
    }
    List<EventLayout.SourceShape> shapes = new ArrayList<>();
    for (JoinSource s : group) {
      shapes.add(shape(s));
    }
    boolean aggregates = group.stream().anyMatch(s -> !s.aggregations().isEmpty());
    EventLayout layout =
        EventLayout.plan(
            keys, keyTypes.values().toArray(DataType[]::new), payloadTypes, shapes, aggregates);
    if (aggregates) {
      layout = withAggregates(layout, group);
    }
    return new Plan(layout, keyTypes, payload, payloadStruct);
  }

  private static EventLayout withAggregates(EventLayout layout, List<JoinSource> group) {
    AggregatePlan[] plans = new AggregatePlan[group.size()];
    int[] latest = new int[group.size()];
    for (int j = 0; j < group.size(); j++) {
      JoinSource s = group.get(j);
      latest[j] = s.featureColumns().size();
      if (s.aggregations().isEmpty()) {
        continue;
      }
      Map<String, Integer> fieldOf = new LinkedHashMap<>();
      List<String> shipped = s.shippedColumns();
      for (int f = 0; f < shipped.size(); f++) {
        fieldOf.put(shipped.get(f), layout.sources[j].features()[f]);
      }
      plans[j] = new AggregatePlan(s, layout.sources[j], fieldOf, layout);
    }
    return layout.withAggregates(plans, latest);
  }

  private static EventLayout.SourceShape shape(JoinSource s) {
    List<DataType> features = new ArrayList<>();
    StructType schema = s.rows().schema();
    for (String f : s.shippedColumns()) {
      features.add(schema.apply(f).dataType());
    }
    OptionalLong shift = s.visibilityShiftMicros();
    return new EventLayout.SourceShape(
        shift.isPresent() ? shift.getAsLong() : null,
        s.carriesAvailableTime(),
        s.hasTieBreak(),
        features);
  }

  /** The events' sort fields: the layout's first fields. */
  private static Dataset<Row> sortFields(EventLayout layout, Dataset<Row> events) {
    String[] names = events.columns();
    Column[] first = new Column[layout.saltIndex() + 1];
    for (int i = 0; i < first.length; i++) {
      first[i] = named(names[i]);
    }
    return events.select(first);
  }

  /**
   * @param labels the labels with the columns of the groups before
   * @param original the labels as read, with the same rows and sort fields
   * @param sample the labels sampled beforehand, or null
   */
  private Dataset<Row> mergeGroup(
      Dataset<Row> labels, Dataset<Row> original, List<JoinSource> group, LabelSample sample) {
    Events events = events(labels, group);
    EventLayout layout = events.layout();
    JoinPartitioning.Arranged routed;
    if (sample == null) {
      Dataset<Row> sortFields =
          sortFields(layout, (labels == original ? events : events(original, group)).rows());
      routed = partitioning.arrange(layout, events.rows(), sortFields, numPartitions);
    } else {
      // The sampled labels' sort fields are computed on the driver, by the same projection.
      InternalRow[] fields =
          SparkRows.collectLocal(
              sample
                  .frame()
                  .select(labelSortColumns(layout, events.keyTypes()).toArray(Column[]::new)));
      TakenSample taken = sample.taken(layout, fields);
      Dataset<Row> features = sortFields(layout, events.features());
      routed = partitioning.arrange(layout, events.rows(), features, taken, numPartitions);
    }
    runs.add(
        new GroupRun(layout.keyColumns, group.stream().map(JoinSource::name).toList(), routed));
    JavaRDD<InternalRow> arranged = routed.rows();
    long[] maxAges = group.stream().mapToLong(JoinSource::maxAgeMicros).toArray();
    JavaRDD<InternalRow> merged =
        arranged.mapPartitions(new MergeFunction(layout, maxAges, sortMemoryBytes));
    StructType schema = mergedSchema(layout, events.payload(), group);
    Dataset<Row> out = SparkRows.frameOf(labels.sparkSession(), merged, schema);
    return restore(out, labels.schema(), layout.keyColumns, group);
  }

  /** The type keys are compared in: the label's, widened to bigint where integer widths differ. */
  private static Map<String, DataType> keyTypes(StructType labelSchema, List<JoinSource> group) {
    Map<String, DataType> types = new LinkedHashMap<>();
    for (String k : group.get(0).keyColumns()) {
      DataType type = labelSchema.apply(k).dataType();
      for (JoinSource s : group) {
        DataType other = s.rows().schema().apply(k).dataType();
        if (!other.equals(type)) {
          type = DataTypes.LongType;
        }
      }
      types.put(k, type);
    }
    return types;
  }

  private static StructType select(StructType schema, List<String> names) {
    List<StructField> fields = new ArrayList<>();
    for (String n : names) {
      fields.add(schema.apply(n));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static List<Column> keyColumns(List<String> keys, Map<String, DataType> keyTypes) {
    List<Column> cols = new ArrayList<>();
    Column anyNull = lit(false);
    List<Column> typed = new ArrayList<>();
    for (String k : keys) {
      Column c = named(k).cast(keyTypes.get(k));
      typed.add(c);
      anyNull = anyNull.or(c.isNull());
    }
    // Null for a null key: such rows sort first and never look like a real key's rows. One
    // integer key is its own "hash", and has no field of its own (EventLayout.isDirect).
    DataType[] types = keys.stream().map(keyTypes::get).toArray(DataType[]::new);
    if (EventLayout.isDirect(types)) {
      cols.add(typed.get(0).cast(DataTypes.LongType).as(EventLayout.KEY_HASH));
      return cols;
    }
    cols.add(
        when(anyNull.unary_$bang(), xxhash64(typed.toArray(Column[]::new)))
            .as(EventLayout.KEY_HASH));
    for (int i = 0; i < keys.size(); i++) {
      cols.add(typed.get(i).as(keys.get(i)));
    }
    return cols;
  }

  /** A null of the slot's type, or {@code value} in it. */
  private static Column[] slots(EventLayout layout) {
    Column[] slots = new Column[layout.slotTypes.length];
    for (int i = 0; i < slots.length; i++) {
      slots[i] = lit(null).cast(layout.slotTypes[i]);
    }
    return slots;
  }

  private static void put(Column[] slots, EventLayout layout, int field, Column value) {
    int i = field - layout.slotIndex(0);
    slots[i] = value.cast(layout.slotTypes[i]);
  }

  private static List<Column> slotColumns(Column[] slots) {
    List<Column> cols = new ArrayList<>();
    for (int i = 0; i < slots.length; i++) {
      cols.add(slots[i].as(EventLayout.slotName(i)));
    }
    return cols;
  }

  private static Dataset<Row> labelEvents(
      Dataset<Row> labels,
      EventLayout layout,
      Map<String, DataType> keyTypes,
      List<String> payload) {
    Column[] slots = slots(layout);
    for (int i = 0; i < payload.size(); i++) {
      put(slots, layout, layout.labelFields[i], named(payload.get(i)));
    }
    List<Column> cols = labelSortColumns(layout, keyTypes);
    cols.addAll(slotColumns(slots));
    return labels.select(cols.toArray(Column[]::new));
  }

  /**
   * A label event's sort fields (the layout's first fields), from the label's keys, {@link
   * JoinColumns#LABEL_TIME} and {@link #LABEL_SALT}.
   */
  private static List<Column> labelSortColumns(EventLayout layout, Map<String, DataType> keyTypes) {
    List<Column> cols = keyColumns(layout.keyColumns, keyTypes);
    cols.add(named(JoinColumns.LABEL_TIME));
    cols.add(lit(layout.sourceCount).as(JoinColumns.ORDER));
    cols.add(named(LABEL_SALT).as(EventLayout.SALT));
    return cols;
  }

  private static Dataset<Row> featureEvents(
      JoinSource s, int index, EventLayout layout, Map<String, DataType> keyTypes) {
    Column usable =
        named(JoinColumns.EVENT_TIME)
            .isNotNull()
            .and(named(JoinColumns.AVAILABLE_TIME).isNotNull());
    for (String k : layout.keyColumns) {
      usable = usable.and(named(k).isNotNull());
    }
    // Visible from max(e (+1µs when exact matches are excluded), a), shifted by the serving lag.
    Column visible =
        greatest(
                named(JoinColumns.EVENT_TIME).plus(lit(s.exactMatches() ? 0L : 1L)),
                named(JoinColumns.AVAILABLE_TIME))
            .plus(lit(s.servingLagMicros()));
    SourceFields fields = layout.sources[index];
    Column[] slots = slots(layout);
    if (fields.event() >= 0) {
      put(slots, layout, fields.event(), named(JoinColumns.EVENT_TIME));
    }
    if (fields.available() >= 0) {
      put(slots, layout, fields.available(), named(JoinColumns.AVAILABLE_TIME));
    }
    if (fields.tieBreak() >= 0) {
      put(slots, layout, fields.tieBreak(), named(JoinColumns.TIE_BREAK));
    }
    List<String> shipped = s.shippedColumns();
    for (int f = 0; f < shipped.size(); f++) {
      put(slots, layout, fields.features()[f], named(shipped.get(f)));
    }
    List<Column> cols = keyColumns(layout.keyColumns, keyTypes);
    cols.add(visible.as(JoinColumns.LABEL_TIME));
    cols.add(lit(index).as(JoinColumns.ORDER));
    cols.add(lit(0L).as(EventLayout.SALT));
    cols.addAll(slotColumns(slots));
    return s.rows().filter(usable).select(cols.toArray(Column[]::new));
  }

  /** The merge's output: see {@link MergeFunction}; names are positional, restore renames them. */
  private static StructType mergedSchema(
      EventLayout layout, StructType payloadStruct, List<JoinSource> group) {
    List<DataType> types = new ArrayList<>();
    for (DataType k : layout.keyTypes) {
      types.add(k);
    }
    types.add(DataTypes.LongType);
    for (StructField f : payloadStruct.fields()) {
      types.add(f.dataType());
    }
    for (int j = 0; j < group.size(); j++) {
      int[] features = layout.sources[j].features();
      for (int f = 0; f < layout.latestCounts[j]; f++) {
        types.add(layout.slotType(features[f]));
      }
      types.add(DataTypes.LongType);
      types.add(DataTypes.LongType);
      types.add(DataTypes.StringType);
      types.add(DataTypes.BooleanType);
      AggregatePlan plan = layout.aggregates[j];
      if (plan != null) {
        for (int i = 0; i < plan.aggregations.size(); i++) {
          types.add(plan.outputType(i));
        }
        types.add(DataTypes.LongType);
        types.add(DataTypes.LongType);
      }
    }
    StructType schema = new StructType();
    for (int i = 0; i < types.size(); i++) {
      schema = schema.add(MERGED + i, types.get(i), true);
    }
    return schema;
  }

  /** Label columns back in their order and types, times as timestamps, the label time last. */
  private static Dataset<Row> restore(
      Dataset<Row> merged, StructType labelSchema, List<String> keys, List<JoinSource> group) {
    Map<String, Integer> position = new LinkedHashMap<>();
    int at = 0;
    for (String k : keys) {
      position.put(k, at++);
    }
    int time = at++;
    for (StructField f : labelSchema.fields()) {
      if (!keys.contains(f.name()) && !f.name().equals(JoinColumns.LABEL_TIME)) {
        position.put(f.name(), at++);
      }
    }
    List<Column> cols = new ArrayList<>();
    for (StructField f : labelSchema.fields()) {
      if (f.name().equals(JoinColumns.LABEL_TIME)) {
        continue;
      }
      Column c = named(MERGED + position.get(f.name()));
      cols.add((keys.contains(f.name()) ? c.cast(f.dataType()) : c).as(f.name()));
    }
    for (JoinSource s : group) {
      for (String f : s.featureColumns()) {
        cols.add(named(MERGED + at++).as(f));
      }
      Column event = timestamp_micros(named(MERGED + at++));
      Column available = timestamp_micros(named(MERGED + at++));
      Column status = named(MERGED + at++);
      Column hashTie = named(MERGED + at++);
      if (s.hasLatestValues()) {
        cols.add(event.as(s.eventTimeColumn()));
        if (s.emitAvailableTime()) {
          cols.add(available.as(s.availableTimeColumn()));
        }
      }
      cols.add(status.as(s.statusColumn()));
      if (s.hasLatestValues()) {
        cols.add(hashTie.as(s.hashTieColumn()));
      }
      if (!s.aggregations().isEmpty()) {
        for (Aggregation a : s.aggregations()) {
          cols.add(named(MERGED + at++).as(a.name()));
        }
        cols.add(timestamp_micros(named(MERGED + at++)).as(s.windowEventTimeColumn()));
        cols.add(timestamp_micros(named(MERGED + at++)).as(s.windowAvailableTimeColumn()));
      }
    }
    cols.add(named(MERGED + time).as(JoinColumns.LABEL_TIME));
    return merged.select(cols.toArray(Column[]::new));
  }
}
