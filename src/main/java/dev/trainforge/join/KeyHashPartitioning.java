package dev.trainforge.join;

import static dev.trainforge.spark.Columns.named;
import static org.apache.spark.sql.functions.coalesce;

import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Hash partitioning by entity key: every row of a key lands in one partition. One shuffle and one
 * sort within partitions (by the merge). A hot key becomes one long task. Label rows with a null
 * key are spread by their salt, since they match nothing and need no neighbours.
 */
public final class KeyHashPartitioning implements JoinPartitioning {
  private static final long serialVersionUID = 1L;

  @Override
  public Arranged arrange(
      EventLayout layout,
      Dataset<Row> events,
      Dataset<Row> sortFields,
      TakenSample taken,
      int numPartitions) {
    Dataset<Row> routed =
        events.repartition(
            numPartitions, coalesce(named(EventLayout.KEY_HASH), named(EventLayout.SALT)));
    return new Arranged(SparkRows.rowsOf(routed), routed, java.util.List.of());
  }
}
