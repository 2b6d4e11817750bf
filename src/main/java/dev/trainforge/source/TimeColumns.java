package dev.trainforge.source;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_utc_timestamp;
import static org.apache.spark.sql.functions.try_to_timestamp;
import static org.apache.spark.sql.functions.unix_micros;

import dev.trainforge.config.TimeParsing;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.DateType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.TimestampNTZType;
import org.apache.spark.sql.types.TimestampType;

/**
 * Turns a time column into epoch microseconds (UTC), the one time representation the join uses.
 * Timestamps are instants; timestamps without zone and dates are read as UTC (the session time zone
 * is UTC); text is parsed with the configured pattern in the configured zone.
 */
public final class TimeColumns {
  private TimeColumns() {}

  /** Why {@code type} cannot be a time column under {@code parsing}, or null if it can. */
  static String unsupported(DataType type, TimeParsing parsing) {
    if (type instanceof TimestampType
        || type instanceof TimestampNTZType
        || type instanceof DateType) {
      return null;
    }
    if (type instanceof StringType) {
      return parsing.pattern().isPresent() ? null : "text without a time-format";
    }
    return "of type " + type.simpleString();
  }

  static boolean isText(DataType type) {
    return type instanceof StringType;
  }

  /** Epoch microseconds of {@code c}; null where it is null or (text) does not parse. */
  public static Column micros(Column c, DataType type, TimeParsing parsing) {
    if (type instanceof TimestampType) {
      return unix_micros(c);
    }
    if (type instanceof StringType) {
      Column local = try_to_timestamp(c, lit(parsing.pattern().orElseThrow()));
      return unix_micros(to_utc_timestamp(local, parsing.zone().getId()));
    }
    return unix_micros(c.cast(DataTypes.TimestampType));
  }
}
