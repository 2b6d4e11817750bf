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
   * Returns {@code events} as unsafe rows, routed to {@code numPartitions} partitions, in any order
   * within them; extra fields after the layout's are allowed.
   *
   * @param sortFields the same events' sort fields (the layout's first fields), computed more
   *     cheaply where possible, for sampling
   */
  JavaRDD<InternalRow> arrange(
      EventLayout layout, Dataset<Row> events, Dataset<Row> sortFields, int numPartitions);
}
