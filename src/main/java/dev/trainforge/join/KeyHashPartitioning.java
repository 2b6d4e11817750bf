package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;

import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * Hash partitioning by entity key: every row of a key lands in one partition. One shuffle, one sort
 * within partitions. A hot key becomes one long task; label rows with a null key are spread by
 * their content, since they match nothing and need no neighbours.
 */
public final class KeyHashPartitioning implements JoinPartitioning {
  @Override
  public Dataset<Row> arrange(Dataset<Row> events, List<String> keyColumns, int numPartitions) {
    Column anyKeyNull = lit(false);
    for (String k : keyColumns) {
      anyKeyNull = anyKeyNull.or(col(k).isNull());
    }
    List<Column> partitionBy = new ArrayList<>();
    partitionBy.add(when(anyKeyNull, col(JoinColumns.LABEL)));
    for (String k : keyColumns) {
      partitionBy.add(col(k));
    }
    List<Column> sortBy = new ArrayList<>();
    for (String k : keyColumns) {
      sortBy.add(col(k).asc_nulls_first());
    }
    sortBy.add(col(JoinColumns.LABEL_TIME).asc_nulls_first());
    sortBy.add(col(JoinColumns.ORDER).asc());
    return events
        .repartition(numPartitions, partitionBy.toArray(Column[]::new))
        .sortWithinPartitions(sortBy.toArray(Column[]::new));
  }
}
