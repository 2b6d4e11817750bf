package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.xxhash64;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
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
        name,
        rows,
        List.of("user"),
        List.of(name + "__v"),
        0,
        -1,
        true,
        emit,
        tieBreak,
        shifted ? java.util.OptionalLong.of(5) : java.util.OptionalLong.empty());
  }

  /** The event columns of a join of the labels with these sources, as {@code name:type}. */
  private static List<String> eventColumns(JoinSource... sources) {
    AsOfJoin.Events events = AsOfJoin.events(labels(), List.of(sources));
    return Arrays.stream(events.rows().schema().fields())
        .map(f -> f.name() + ":" + f.dataType().simpleString())
        .toList();
  }

  // one bigint key: it is the key hash field itself, with no field of its own
  private static final List<String> SORT_FIELDS =
      List.of("__tf_kh:bigint", "__tf_t:bigint", "__tf_o:int", "__tf_salt:bigint");

  private static List<String> withSlots(String... slots) {
    List<String> all = new java.util.ArrayList<>(SORT_FIELDS);
    all.addAll(List.of(slots));
    return all;
  }

  @Test
  void aSourceWithoutTieBreakOrAvailableTimeShufflesNeitherNorItsEventTime() {
    // label payload: id (string), salt (bigint); the source ships its feature alone, since e is
    // its visibility minus 5 µs (available = e + 5)
    assertThat(eventColumns(source("n", false, true, false)))
        .containsExactlyElementsOf(withSlots("__tf_v0:string", "__tf_v1:bigint", "__tf_v2:int"));
    assertThat(
            AsOfJoin.events(labels(), List.of(source("n", false, true, false)))
                .layout()
                .sources[0]
                .event())
        .isEqualTo(-1);
  }

  @Test
  void aStringKeyKeepsItsOwnFieldBesideItsHash() {
    Dataset<Row> labels = labels().withColumn("user", col("user").cast("string"));
    JoinSource s = source("n", false, true, false);
    JoinSource stringKeyed =
        new JoinSource(
            s.name(),
            s.rows().withColumn("user", col("user").cast("string")),
            s.keyColumns(),
            s.featureColumns(),
            0,
            -1,
            true,
            false,
            false,
            s.availableShiftMicros());
    assertThat(
            Arrays.stream(
                    AsOfJoin.events(labels, List.of(stringKeyed)).rows().schema().fieldNames())
                .limit(5))
        .containsExactly("__tf_kh", "user", "__tf_t", "__tf_o", "__tf_salt");
  }

  @Test
  void anEmittedOrFreeAvailableTimeAndADeclaredTieBreakAreKept() {
    assertThat(eventColumns(source("f", true, false, false)))
        .containsExactlyElementsOf(
            withSlots(
                "__tf_v0:string",
                "__tf_v1:bigint",
                "__tf_v2:bigint",
                "__tf_v3:bigint",
                "__tf_v4:int"));
    // an emitted shifted a is shipped (sharing the label salt's slot), e is derived from it
    assertThat(eventColumns(source("o", false, true, true)))
        .containsExactlyElementsOf(withSlots("__tf_v0:string", "__tf_v1:bigint", "__tf_v2:int"));
  }

  @Test
  void sourcesOfOneKeyShareSlotsOfOneType() {
    // five sources of (e, int feature): one bigint and one int slot between them
    assertThat(
            eventColumns(
                source("a", false, true, false),
                source("b", false, true, false),
                source("c", false, true, false),
                source("d", false, true, false),
                source("e", false, true, false)))
        .containsExactlyElementsOf(withSlots("__tf_v0:string", "__tf_v1:bigint", "__tf_v2:int"));
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
