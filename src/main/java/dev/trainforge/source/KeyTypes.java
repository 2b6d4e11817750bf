package dev.trainforge.source;

import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.ByteType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import org.apache.spark.sql.types.IntegerType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.ShortType;
import org.apache.spark.sql.types.StructType;

/** Which column types can be entity keys, and which key types join with each other. */
final class KeyTypes {
  private KeyTypes() {}

  /** Why {@code type} cannot be a key, or null if it can. */
  static String unusable(DataType type) {
    if (type instanceof FloatType || type instanceof DoubleType) {
      return "a floating-point column (equality on floats is not reliable; cast it upstream)";
    }
    if (type instanceof BinaryType
        || type instanceof StructType
        || !type.typeName().matches("[a-z_]+.*")) {
      return "of type " + type.simpleString() + " (use a string, integer, decimal or date column)";
    }
    if (type instanceof org.apache.spark.sql.types.ArrayType
        || type instanceof org.apache.spark.sql.types.MapType) {
      return "of type " + type.simpleString() + " (use a string, integer, decimal or date column)";
    }
    return null;
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
