package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class NarrowEventsTest {
  private static Dataset<Row> labels() {
    return SharedSpark.session()
        .range(3)
        .selectExpr("concat('l', id) AS id", "0L AS user", "id * 10 AS " + JoinColumns.LABEL_TIME)
        .withColumn(AsOfJoin.LABEL_SALT, xxhash64(col("id")));
  }

  private static JoinSource source(String name, boolean tieBreak, boolean shifted, boolean emit) {
    Dataset<Row> rows =
        SharedSpark.session()
            .range(3)
            .selectExpr(
                "0L AS user",
                "id AS " + JoinColumns.EVENT_TIME,
                "id + 5 AS " + JoinColumns.AVAILABLE_TIME,
                "CAST(NULL AS BIGINT) AS " + JoinColumns.TIE_BREAK,
                "CAST(id AS INT) AS " + name + "__v");
    return new JoinSource(
        name, rows, List.of("user"), List.of(name + "__v"), 0, -1, true, emit, tieBreak, shifted);
  }

  private static List<String> sourceFields(JoinSource s) {
    AsOfJoin.Events events = AsOfJoin.events(labels(), List.of(s));
    StructType struct =
        (StructType) events.rows().schema().apply(JoinColumns.SOURCE_PREFIX + 0).dataType();
    return Arrays.asList(struct.fieldNames());
  }

  @Test
  void aSourceWithoutTieBreakOrAvailableTimeShufflesNeither() {
    assertThat(sourceFields(source("n", false, true, false))).containsExactly("e", "h", "n__v");
  }

  @Test
  void anEmittedOrFreeAvailableTimeAndADeclaredTieBreakAreKept() {
    assertThat(sourceFields(source("f", true, false, false)))
        .containsExactly("e", "a", "tb", "h", "f__v");
    assertThat(sourceFields(source("o", false, true, true))).containsExactly("e", "a", "h", "o__v");
  }

  @Test
  void theNarrowLayoutStillEmitsTheAvailableTimeWhenAsked() {
    Row r =
        new AsOfJoin(new RangePartitioning(), 3)
            .join(labels(), List.of(source("o", false, true, true)))
            .selectExpr(
                "max(o__v)",
                "max(unix_micros(o__available_time))",
                "count_if(o__status = 'MATCHED')")
            .first();
    // rows are visible at max(e, e + 5) = 5, 6, 7: the labels at 10 and 20 get e = 2, a = 7
    assertThat(r.getInt(0)).isEqualTo(2);
    assertThat(r.getLong(1)).isEqualTo(7L);
    assertThat(r.getLong(2)).isEqualTo(2L);
  }
}
