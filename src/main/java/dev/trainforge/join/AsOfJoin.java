package dev.trainforge.join;

import static java.util.Objects.requireNonNull;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.greatest;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.xxhash64;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * The point-in-time (as-of) join of {@code ../shared/spec/point-in-time-semantics.md}, as a
 * sort-merge: for each group of sources that share an entity key, one shuffle of the union of the
 * labels and those sources' rows, a sort within partitions, and a streaming merge that holds one
 * candidate row per source. Sources on k different keys cost k shuffles, chained: the output of one
 * group's merge is the label input of the next.
 *
 * <p>The merge relies on one observation: a feature row is a candidate for every label whose as-of
 * instant {@code t - g} is at or after the row's visibility {@code max(e (+1µs if exact matches are
 * excluded), a)}, and for no other. Sorting feature rows by visibility shifted by {@code g} and
 * labels by {@code t}, the winner for a label is the greatest row, under the order {@code (e, a,
 * tie-break, content hash)}, among those seen before it: a running maximum.
 */
public final class AsOfJoin {
  private final JoinPartitioning partitioning;
  private final int numPartitions;

  /**
   * @param partitioning how events are spread over partitions and sorted
   * @param numPartitions partitions of each shuffle
   */
  public AsOfJoin(JoinPartitioning partitioning, int numPartitions) {
    this.partitioning = requireNonNull(partitioning, "partitioning is null");
    if (numPartitions < 1) {
      throw new IllegalArgumentException("numPartitions must be positive: " + numPartitions);
    }
    this.numPartitions = numPartitions;
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
    Dataset<Row> current = labels;
    for (List<JoinSource> group : groupByKey(sources).values()) {
      current = mergeGroup(current, group);
    }
    return current;
  }

  static Map<List<String>, List<JoinSource>> groupByKey(List<JoinSource> sources) {
    Map<List<String>, List<JoinSource>> groups = new LinkedHashMap<>();
    for (JoinSource s : sources) {
      groups.computeIfAbsent(s.keyColumns(), k -> new ArrayList<>()).add(s);
    }
    return groups;
  }

  private Dataset<Row> mergeGroup(Dataset<Row> labels, List<JoinSource> group) {
    List<String> keys = group.get(0).keyColumns();
    StructType labelSchema = labels.schema();
    List<String> payload = new ArrayList<>();
    for (String c : labelSchema.fieldNames()) {
      if (!keys.contains(c) && !c.equals(JoinColumns.LABEL_TIME)) {
        payload.add(c);
      }
    }
    Map<String, DataType> keyTypes = keyTypes(labelSchema, group);
    List<StructType> sourceStructs = new ArrayList<>();
    for (JoinSource s : group) {
      sourceStructs.add(sourceStruct(s));
    }
    StructType payloadStruct = select(labelSchema, payload);

    Dataset<Row> events = labelEvents(labels, keys, keyTypes, payload, group.size(), sourceStructs);
    for (int j = 0; j < group.size(); j++) {
      events =
          events.union(
              featureEvents(group.get(j), j, keys, keyTypes, payloadStruct, sourceStructs));
    }
    Dataset<Row> arranged = partitioning.arrange(events, keys, numPartitions);

    StructType mergedSchema = mergedSchema(keys, keyTypes, payloadStruct, group, sourceStructs);
    MergeFunction merge =
        new MergeFunction(keys.size(), payloadStruct.size(), MergeFunction.plans(group));
    Dataset<Row> merged = arranged.mapPartitions(merge, Encoders.row(mergedSchema));
    return restore(merged, labelSchema, group);
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

  /** A source's row inside the merge: {@code e, a, tie-break, content hash, features...}. */
  private static StructType sourceStruct(JoinSource s) {
    StructType schema = s.rows().schema();
    List<StructField> fields = new ArrayList<>();
    fields.add(DataTypes.createStructField("e", DataTypes.LongType, true));
    fields.add(DataTypes.createStructField("a", DataTypes.LongType, true));
    fields.add(DataTypes.createStructField("tb", DataTypes.LongType, true));
    fields.add(DataTypes.createStructField("h", DataTypes.LongType, true));
    for (String f : s.featureColumns()) {
      fields.add(DataTypes.createStructField(f, schema.apply(f).dataType(), true));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  private static Dataset<Row> labelEvents(
      Dataset<Row> labels,
      List<String> keys,
      Map<String, DataType> keyTypes,
      List<String> payload,
      int order,
      List<StructType> sourceStructs) {
    List<Column> cols = new ArrayList<>();
    for (String k : keys) {
      cols.add(col(k).cast(keyTypes.get(k)).as(k));
    }
    cols.add(col(JoinColumns.LABEL_TIME));
    cols.add(lit(order).as(JoinColumns.ORDER));
    cols.add(
        struct(payload.stream().map(c -> col(c)).toArray(Column[]::new)).as(JoinColumns.LABEL));
    for (int j = 0; j < sourceStructs.size(); j++) {
      cols.add(lit(null).cast(sourceStructs.get(j)).as(JoinColumns.SOURCE_PREFIX + j));
    }
    return labels.select(cols.toArray(Column[]::new));
  }

  private static Dataset<Row> featureEvents(
      JoinSource s,
      int index,
      List<String> keys,
      Map<String, DataType> keyTypes,
      StructType payloadStruct,
      List<StructType> sourceStructs) {
    Column usable =
        col(JoinColumns.EVENT_TIME).isNotNull().and(col(JoinColumns.AVAILABLE_TIME).isNotNull());
    for (String k : keys) {
      usable = usable.and(col(k).isNotNull());
    }
    // Visible from max(e (+1µs when exact matches are excluded), a), shifted by the serving lag.
    Column visible =
        greatest(
                col(JoinColumns.EVENT_TIME).plus(lit(s.exactMatches() ? 0L : 1L)),
                col(JoinColumns.AVAILABLE_TIME))
            .plus(lit(s.servingLagMicros()));
    List<Column> inner = new ArrayList<>();
    inner.add(col(JoinColumns.EVENT_TIME).as("e"));
    inner.add(col(JoinColumns.AVAILABLE_TIME).as("a"));
    inner.add(col(JoinColumns.TIE_BREAK).as("tb"));
    inner.add(
        xxhash64(s.featureColumns().stream().map(c -> col(c)).toArray(Column[]::new)).as("h"));
    for (String f : s.featureColumns()) {
      inner.add(col(f));
    }
    List<Column> cols = new ArrayList<>();
    for (String k : keys) {
      cols.add(col(k).cast(keyTypes.get(k)).as(k));
    }
    cols.add(visible.as(JoinColumns.LABEL_TIME));
    cols.add(lit(index).as(JoinColumns.ORDER));
    cols.add(lit(null).cast(payloadStruct).as(JoinColumns.LABEL));
    for (int j = 0; j < sourceStructs.size(); j++) {
      Column c =
          j == index
              ? struct(inner.toArray(Column[]::new)).cast(sourceStructs.get(j))
              : lit(null).cast(sourceStructs.get(j));
      cols.add(c.as(JoinColumns.SOURCE_PREFIX + j));
    }
    return s.rows().filter(usable).select(cols.toArray(Column[]::new));
  }

  private static StructType mergedSchema(
      List<String> keys,
      Map<String, DataType> keyTypes,
      StructType payloadStruct,
      List<JoinSource> group,
      List<StructType> sourceStructs) {
    List<StructField> fields = new ArrayList<>();
    for (String k : keys) {
      fields.add(DataTypes.createStructField(k, keyTypes.get(k), true));
    }
    fields.add(DataTypes.createStructField(JoinColumns.LABEL_TIME, DataTypes.LongType, true));
    for (StructField f : payloadStruct.fields()) {
      fields.add(f);
    }
    for (int j = 0; j < group.size(); j++) {
      JoinSource s = group.get(j);
      StructType inner = sourceStructs.get(j);
      for (String f : s.featureColumns()) {
        fields.add(DataTypes.createStructField(f, inner.apply(f).dataType(), true));
      }
      fields.add(DataTypes.createStructField(s.eventTimeColumn(), DataTypes.LongType, true));
      if (s.emitAvailableTime()) {
        fields.add(DataTypes.createStructField(s.availableTimeColumn(), DataTypes.LongType, true));
      }
      fields.add(DataTypes.createStructField(s.statusColumn(), DataTypes.StringType, false));
      fields.add(DataTypes.createStructField(s.hashTieColumn(), DataTypes.BooleanType, true));
    }
    return new StructType(fields.toArray(StructField[]::new));
  }

  /** Label columns back in their order and types, times as timestamps, the label time last. */
  private static Dataset<Row> restore(
      Dataset<Row> merged, StructType labelSchema, List<JoinSource> group) {
    List<Column> cols = new ArrayList<>();
    for (StructField f : labelSchema.fields()) {
      if (!f.name().equals(JoinColumns.LABEL_TIME)) {
        cols.add(col(f.name()).cast(f.dataType()).as(f.name()));
      }
    }
    for (JoinSource s : group) {
      for (String c : s.outputColumns()) {
        boolean micros = c.equals(s.eventTimeColumn()) || c.equals(s.availableTimeColumn());
        cols.add(micros ? timestamp_micros(col(c)).as(c) : col(c));
      }
    }
    cols.add(col(JoinColumns.LABEL_TIME));
    return merged.select(cols.toArray(Column[]::new));
  }
}
