package dev.trainforge.spark;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

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
    Row r = rows.agg(count(lit(1)), hashSum(rows.columns())).first();
    return format(r.getLong(0), r.isNullAt(1) ? null : r.getDecimal(1));
  }

  /**
   * The aggregate to add to an aggregation over the rows: the exact sum of every row's hash, its
   * columns taken in name order; null over no rows. With a row count, {@link #format} makes the
   * checksum, so another pass (the validation profile's) can compute it on the side.
   */
  public static Column hashSum(String[] columns) {
    // A decimal sum cannot overflow and does not depend on the order it is added in.
    return sum(rowHash(columns).cast(DataTypes.createDecimalType(38, 0)));
  }

  /**
   * Each row's hash, whose exact sum over the rows {@link #hashSum} is: its columns taken in name
   * order. For a pass that sums it by itself.
   */
  public static Column rowHash(String[] columns) {
    String[] names = columns.clone();
    Arrays.sort(names);
    return xxhash64(Arrays.stream(names).map(Columns::named).toArray(Column[]::new));
  }

  /**
   * The checksum of the union of rows whose checksums are given: counts and hash sums add up, so
   * the checksum of a table made of parts is computed without reading the parts again.
   */
  public static String combine(java.util.Collection<String> checksums) {
    long rows = 0;
    java.math.BigInteger total = java.math.BigInteger.ZERO;
    for (String c : checksums) {
      int colon = c.indexOf(':');
      if (colon < 0) {
        throw new IllegalArgumentException("Not a content checksum: '" + c + "'");
      }
      rows = Math.addExact(rows, Long.parseLong(c.substring(0, colon)));
      total = total.add(new java.math.BigInteger(c.substring(colon + 1), 16));
    }
    return format(rows, new java.math.BigDecimal(total));
  }

  /** The checksum of {@code rows} rows whose {@link #hashSum} is {@code sum} (null: zero). */
  public static String format(long rows, java.math.BigDecimal sum) {
    java.math.BigDecimal total = sum == null ? java.math.BigDecimal.ZERO : sum;
    return rows + ":" + total.toBigInteger().toString(16);
  }
}
