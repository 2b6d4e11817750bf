package dev.trainforge.join;

import static dev.trainforge.spark.Columns.named;
import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.StructType;
import scala.Tuple2;

/**
 * A uniform sample of the label rows that go into the join, each weighted by the rows it stands
 * for, taken before the feature sources are known, in a pass over the labels of the caller's own: a
 * build counts the labels in the same job (through {@link Dataset#observe}), where it read them
 * once to count and once more to sample. Given to {@link AsOfJoin#join(Dataset, List,
 * LabelSample)}, it spares the join's sampling job the labels, which then reads the feature rows
 * alone; the join's rows are the same with or without it (the boundaries only balance the work).
 *
 * <p>Costs one job over the labels as given; collects at most {@code 3 * max(100 * partitions,
 * 2000)} narrow rows to the driver: the key columns, the label time and the label's salt (a hash of
 * all its columns, as the join computes it).
 */
public final class LabelSample {
  private final Dataset<Row> read;
  private final List<InternalRow> rows;
  private final double[] weights;
  private final long latestLabel;

  private LabelSample(
      Dataset<Row> read, List<InternalRow> rows, double[] weights, long latestLabel) {
    this.read = read;
    this.rows = List.copyOf(rows);
    this.weights = weights;
    this.latestLabel = latestLabel;
  }

  /**
   * Samples {@code labels} (the join's label input, with {@link JoinColumns#LABEL_TIME}) for a join
   * of {@code partitions} partitions whose sources' keys are among {@code keyColumns}: one job,
   * nothing but the sample and each partition's latest label time collected.
   */
  public static LabelSample take(Dataset<Row> labels, List<String> keyColumns, int partitions) {
    requireNonNull(labels, "labels is null");
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be positive: " + partitions);
    }
    List<Column> columns = new ArrayList<>();
    for (String k : new LinkedHashSet<>(keyColumns)) {
      columns.add(named(k));
    }
    columns.add(named(JoinColumns.LABEL_TIME));
    columns.add(AsOfJoin.salt(labels.columns()).as(AsOfJoin.LABEL_SALT));
    Dataset<Row> narrow = labels.select(columns.toArray(Column[]::new));
    return take(narrow, partitions);
  }

  private static LabelSample take(Dataset<Row> narrow, int partitions) {
    int time = narrow.schema().fieldIndex(JoinColumns.LABEL_TIME);
    JavaRDD<InternalRow> in = SparkRows.rowsOf(narrow);
    int perPartition = Reservoir.perPartition(partitions, in.getNumPartitions());
    Reservoir.Collected collected =
        Reservoir.collect(
            in.mapPartitionsWithIndex(
                    (index, it) -> reservoir(it, time, perPartition, index).iterator(), false)
                .collect());
    return new LabelSample(narrow, collected.rows(), collected.weights(), collected.latestLabel());
  }

  /** A uniform sample of a partition's labels (copies), and its latest label time. */
  private static List<Tuple2<InternalRow, Double>> reservoir(
      Iterator<InternalRow> rows, int time, int size, int seed) {
    Reservoir reservoir = new Reservoir(size, seed);
    InternalRow[] kept = new InternalRow[size];
    long latest = Long.MIN_VALUE;
    while (rows.hasNext()) {
      InternalRow row = rows.next();
      if (!row.isNullAt(time)) {
        latest = Math.max(latest, row.getLong(time));
      }
      int slot = reservoir.offer();
      if (slot >= 0) {
        kept[slot] = row.copy();
      }
    }
    return reservoir.result(kept, latest);
  }

  /** The query whose job took the sample: its plan holds what ran (metrics it observed, say). */
  public Dataset<Row> read() {
    return read;
  }

  /** The columns the sample holds: the key columns, the label time and the salt. */
  public StructType schema() {
    return read.schema();
  }

  /** Fails unless the sample holds {@code keys}, which a key group of the join needs. */
  void check(List<String> keys) {
    for (String k : keys) {
      if (!Arrays.asList(schema().fieldNames()).contains(k)) {
        throw new IllegalArgumentException(
            "the label sample has no key column '"
                + k
                + "' (it holds "
                + Arrays.toString(schema().fieldNames())
                + "): take it with every source's key columns");
      }
    }
  }

  /** The labels the sample stands for: the sum of its weights. */
  public double weight() {
    double sum = 0;
    for (double w : weights) {
      sum += w;
    }
    return sum;
  }

  /** The sampled rows as a local DataFrame (no job reads it), in the sample's order. */
  Dataset<Row> frame() {
    return SparkRows.localFrame(read.sparkSession(), schema(), rows);
  }

  /**
   * One key group's sort fields, {@code fields} (the rows of {@link #frame} projected as label
   * events' sort fields, in the same order), as samples; rows with a null key are left out, as the
   * job leaves them out.
   */
  TakenSample taken(EventLayout layout, InternalRow[] fields) {
    if (fields.length != rows.size()) {
      throw new IllegalStateException(
          "the sample has " + rows.size() + " rows, its sort fields " + fields.length);
    }
    List<Boundaries.Sample> samples = new ArrayList<>(fields.length);
    for (int i = 0; i < fields.length; i++) {
      if (!fields[i].isNullAt(layout.keyHashIndex())) {
        samples.add(new Boundaries.Sample(Boundaries.sortFields(layout, fields[i]), weights[i]));
      }
    }
    return new TakenSample(samples, latestLabel, Optional.of(read));
  }
}
