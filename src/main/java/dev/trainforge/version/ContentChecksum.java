package dev.trainforge.version;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import dev.trainforge.spark.Columns;
import java.util.Arrays;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;

/**
 * An order-independent checksum of a table's rows: the row count and the exact sum of a 64-bit hash
 * of every row's values, columns taken in name order. Equal content gives an equal checksum,
 * whatever the partitioning, file layout or row order; one aggregation, nothing collected but the
 * result.
 */
public final class ContentChecksum {
  private ContentChecksum() {}

  /** The checksum, as {@code <rows>:<hex of the hash sum>}. */
  public static String of(Dataset<Row> rows) {
    String[] names = rows.columns().clone();
    Arrays.sort(names);
    Column[] cols = Arrays.stream(names).map(Columns::named).toArray(Column[]::new);
    // A decimal sum cannot overflow and does not depend on the order it is added in.
    Column hash = xxhash64(cols).cast(DataTypes.createDecimalType(38, 0));
    Row r = rows.agg(count(lit(1)), sum(hash)).first();
    java.math.BigDecimal total = r.isNullAt(1) ? java.math.BigDecimal.ZERO : r.getDecimal(1);
    return r.getLong(0) + ":" + total.toBigInteger().toString(16);
  }
}
