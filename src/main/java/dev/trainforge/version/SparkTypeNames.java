package dev.trainforge.version;

import dev.trainforge.report.Profile;
import java.util.ArrayList;
import java.util.List;
import java.util.StringJoiner;
import org.apache.iceberg.Schema;
import org.apache.iceberg.types.Type;
import org.apache.iceberg.types.Types;

/**
 * The Spark type names ({@code DataType.simpleString()}) of an Iceberg schema's columns, as
 * Iceberg's Spark integration converts them, without loading Spark: {@code diff} compares schemas
 * in the words a Spark read of the version would use.
 */
final class SparkTypeNames {
  private SparkTypeNames() {}

  /** The top-level columns of {@code schema}: name, Spark type name, nullability. */
  static List<Profile.Field> fields(Schema schema) {
    List<Profile.Field> out = new ArrayList<>();
    for (Types.NestedField f : schema.columns()) {
      out.add(new Profile.Field(f.name(), name(f.type()), f.isOptional()));
    }
    return out;
  }

  /** Spark's simple string of the type Iceberg converts {@code type} to. */
  static String name(Type type) {
    return switch (type.typeId()) {
      case BOOLEAN -> "boolean";
      case INTEGER -> "int";
      case LONG -> "bigint";
      case FLOAT -> "float";
      case DOUBLE -> "double";
      case DATE -> "date";
      case TIMESTAMP ->
          ((Types.TimestampType) type).shouldAdjustToUTC() ? "timestamp" : "timestamp_ntz";
      case STRING, UUID -> "string";
      case FIXED, BINARY -> "binary";
      case DECIMAL -> {
        Types.DecimalType d = (Types.DecimalType) type;
        yield "decimal(" + d.precision() + "," + d.scale() + ")";
      }
      case UNKNOWN -> "void";
      case VARIANT -> "variant";
      case LIST -> "array<" + name(((Types.ListType) type).elementType()) + ">";
      case MAP -> {
        Types.MapType m = (Types.MapType) type;
        yield "map<" + name(m.keyType()) + "," + name(m.valueType()) + ">";
      }
      case STRUCT -> {
        StringJoiner j = new StringJoiner(",", "struct<", ">");
        for (Types.NestedField f : type.asStructType().fields()) {
          j.add(f.name() + ":" + name(f.type()));
        }
        yield j.toString();
      }
      // Types Spark cannot read (time, nanosecond timestamps, geometry): Iceberg's own name.
      default -> type.toString();
    };
  }
}
