package dev.trainforge.join;

import java.io.Serializable;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the join's events are spread over partitions and ordered within them: the one replaceable
 * step of the sort-merge.
 *
 * <p>The merge needs each partition sorted in {@link EventLayout} order, and, for a key whose rows
 * began in an earlier partition, every candidate it would have seen there: a partitioning that
 * splits a key must carry those in, as feature events sorted before the key's rows in the
 * partition.
 */
public interface JoinPartitioning extends Serializable {
  /**
   * Returns {@code events} routed to {@code numPartitions} partitions and sorted within them; extra
   * columns after the layout's fields are allowed.
   *
   * @param sortFields the same events' sort fields (the layout's first fields), computed more
   *     cheaply where possible, for sampling
   */
  Dataset<Row> arrange(
      EventLayout layout, Dataset<Row> events, Dataset<Row> sortFields, int numPartitions);
}
