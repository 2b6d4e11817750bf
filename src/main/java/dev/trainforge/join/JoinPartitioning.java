package dev.trainforge.join;

import java.io.Serializable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * How the join's events are spread over partitions: the one replaceable step of the sort-merge.
 *
 * <p>The merge sorts each partition in {@link EventLayout} order ({@link EventSorter}) and needs,
 * for a key whose rows began in an earlier partition, every candidate it would have seen there: a
 * partitioning that splits a key must carry those in, as feature events that sort before the key's
 * rows in the partition.
 */
public interface JoinPartitioning extends Serializable {
  /**
   * Returns {@code events} as unsafe rows, routed to {@code numPartitions} partitions (or fewer,
   * where the partitioning sizes them by the rows it samples), in any order within them; extra
   * fields after the layout's are allowed.
   *
   * @param sortFields the same events' sort fields (the layout's first fields), computed more
   *     cheaply where possible, for sampling
   */
  default Arranged arrange(
      EventLayout layout, Dataset<Row> events, Dataset<Row> sortFields, int numPartitions) {
    return arrange(layout, events, sortFields, TakenSample.NONE, numPartitions);
  }

  /**
   * Like {@link #arrange(EventLayout, Dataset, Dataset, int)}, where the labels' sort fields were
   * sampled beforehand: {@code sortFields} then holds the feature rows' alone.
   *
   * @param taken the label events sampled before, or {@link TakenSample#NONE}
   */
  Arranged arrange(
      EventLayout layout,
      Dataset<Row> events,
      Dataset<Row> sortFields,
      TakenSample taken,
      int numPartitions);

  /**
   * The routed rows, and the queries that ran to make them: the one that read every input once
   * (whose scans' metrics tell what was read), and the sampling ones, if any.
   *
   * @param rows the events as unsafe rows, routed
   * @param read the query whose plan the rows come from
   * @param sampled queries run for sampling
   */
  record Arranged(
      JavaRDD<InternalRow> rows, Dataset<Row> read, java.util.List<Dataset<Row>> sampled) {
    public Arranged {
      java.util.Objects.requireNonNull(rows, "rows is null");
      java.util.Objects.requireNonNull(read, "read is null");
      sampled = java.util.List.copyOf(sampled);
    }
  }
}
