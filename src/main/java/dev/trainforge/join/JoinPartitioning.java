package dev.trainforge.join;

import java.io.Serializable;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * How the join's events (labels and feature rows of the sources sharing a key) are spread over
 * partitions and ordered within them: the one replaceable step of the sort-merge.
 *
 * <p>The merge needs, within each partition, every row of a key contiguous and sorted by {@code
 * (key, __tf_t, __tf_o)}; a partitioning that splits a key across partitions must also carry in the
 * state the merge needs from the partitions before.
 */
public interface JoinPartitioning extends Serializable {
  /**
   * Returns {@code events} routed to {@code numPartitions} partitions and sorted within them.
   *
   * @param events the union of labels and feature rows
   * @param keyColumns the entity key columns
   * @param numPartitions how many partitions the shuffle produces
   */
  Dataset<Row> arrange(Dataset<Row> events, List<String> keyColumns, int numPartitions);
}
