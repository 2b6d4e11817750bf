package dev.trainforge.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.report.Profile;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Schema;
import org.apache.iceberg.spark.SparkSchemaUtil;
import org.apache.iceberg.types.Types;
import org.apache.spark.sql.types.StructField;
import org.junit.jupiter.api.Test;

/** The type names diff prints without Spark are those of Iceberg's own conversion to Spark. */
class SparkTypeNamesTest {
  @Test
  void everyTypeSparkReadsIsNamedAsSparkNamesIt() {
    Schema schema =
        new Schema(
            Types.NestedField.required(1, "b", Types.BooleanType.get()),
            Types.NestedField.optional(2, "i", Types.IntegerType.get()),
            Types.NestedField.optional(3, "l", Types.LongType.get()),
            Types.NestedField.optional(4, "f", Types.FloatType.get()),
            Types.NestedField.optional(5, "d", Types.DoubleType.get()),
            Types.NestedField.optional(6, "day", Types.DateType.get()),
            Types.NestedField.optional(7, "ts", Types.TimestampType.withZone()),
            Types.NestedField.required(8, "ntz", Types.TimestampType.withoutZone()),
            Types.NestedField.optional(9, "s", Types.StringType.get()),
            Types.NestedField.optional(10, "u", Types.UUIDType.get()),
            Types.NestedField.optional(11, "fixed", Types.FixedType.ofLength(4)),
            Types.NestedField.optional(12, "bin", Types.BinaryType.get()),
            Types.NestedField.optional(13, "dec", Types.DecimalType.of(12, 3)),
            Types.NestedField.optional(
                14, "arr", Types.ListType.ofOptional(15, Types.StringType.get())),
            Types.NestedField.optional(
                16,
                "m",
                Types.MapType.ofOptional(17, 18, Types.StringType.get(), Types.DoubleType.get())),
            Types.NestedField.optional(
                19,
                "st",
                Types.StructType.of(
                    Types.NestedField.required(20, "x", Types.IntegerType.get()),
                    Types.NestedField.optional(
                        21, "y", Types.ListType.ofRequired(22, Types.TimestampType.withZone())))));
    List<Profile.Field> spark = new ArrayList<>();
    for (StructField f : SparkSchemaUtil.convert(schema).fields()) {
      spark.add(new Profile.Field(f.name(), f.dataType().simpleString(), f.nullable()));
    }
    assertThat(SparkTypeNames.fields(schema)).isEqualTo(spark);
    assertThat(SparkTypeNames.fields(schema).get(15).type())
        .isEqualTo("struct<x:int,y:array<timestamp>>");
  }
}
