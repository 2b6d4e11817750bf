package dev.trainforge.source;

import java.util.Set;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DecimalType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;

/** Which column types can be entity keys (those the join's merge compares), and which join. */
final class KeyTypes {
  private static final Set<String> KEY_TYPES =
      Set.of(
          "byte",
          "short",
          "integer",
          "long",
          "string",
          "boolean",
          "date",
          "timestamp",
          "timestamp_ntz");

  private KeyTypes() {}

  /** Why {@code type} cannot be a key, or null if it can. */
  static String unusable(DataType type) {
    if (type instanceof FloatType || type instanceof DoubleType) {
      return "a floating-point column (equality on floats is not reliable; cast it upstream)";
    }
    if (type instanceof DecimalType || KEY_TYPES.contains(type.typeName())) {
      return null;
    }
    return "of type "
        + type.simpleString()
        + " (use a string, integer, decimal, boolean, date or timestamp column)";
  }

  static boolean isIntegral(DataType t) {
    return t instanceof ByteType
        || t instanceof ShortType
        || t instanceof IntegerType
        || t instanceof LongType;
  }

  /** Whether a feature key of type {@code feature} can equal a label key of type {@code label}. */
  static boolean compatible(DataType label, DataType feature) {
    return label.equals(feature) || (isIntegral(label) && isIntegral(feature));
  }
}
