package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.JoinFrames;
import dev.trainforge.testing.SharedSpark;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

class RangePartitioningTest {
  /** Random events of two sources over 50 keys, key 0 hot. */
  private static AsOfJoin.Events hotKeyEvents() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(21, 50, 4000);
    List<JoinSource> user = List.of(cases.joinSource(spark, "ua"), cases.joinSource(spark, "ub"));
    Dataset<Row> labels =
        cases
            .labelFrame(spark)
            .withColumn(AsOfJoin.LABEL_SALT, org.apache.spark.sql.functions.xxhash64(col("id")));
    return AsOfJoin.events(labels, user);
  }

  /**
   * Routing searches the boundaries' key hashes without branches, then compares in full only the
   * boundaries of the event's own hash: every event must still go above exactly the boundaries
   * below it in the event order, the hot key's many boundaries included.
   */
  @Test
  void routesEveryEventAboveExactlyTheBoundariesBelowIt() {
    AsOfJoin.Events events = hotKeyEvents();
    EventLayout layout = events.layout();
    Boundaries bounds = Boundaries.sample(layout, SparkRows.rowsOf(events.rows()), 16);
    List<InternalRow> all = SparkRows.rowsOf(events.rows()).map(InternalRow::copy).collect();
    int checked = 0;
    int sharedHash = 0;
    for (InternalRow event : all) {
      if (event.isNullAt(layout.keyHashIndex())) {
        continue;
      }
      int below = 0;
      boolean shares = false;
      for (int i = 0; i < bounds.count(); i++) {
        below += Boundaries.compare(layout, bounds.get(i), event) < 0 ? 1 : 0;
        shares |=
            bounds.get(i).getLong(layout.keyHashIndex()) == event.getLong(layout.keyHashIndex());
      }
      assertThat(bounds.partitionOf(event)).as("partition of %s", event).isEqualTo(below);
      checked++;
      sharedHash += shares ? 1 : 0;
    }
    assertThat(bounds.count()).isEqualTo(15);
    assertThat(checked).isGreaterThan(4000);
    // the hot key's rows: their hash is that of several boundaries
    assertThat(sharedHash).isGreaterThan(1000);
  }

  @Test
  void aHotKeyIsSplitByTimeAcrossManyPartitions() {
    AsOfJoin.Events events = hotKeyEvents();
    int userField = events.layout().keyIndex(0);
    long partitionsOfHotKey =
        new RangePartitioning()
            .arrange(events.layout(), events.rows(), events.rows(), 16)
            .rows()
            .mapPartitionsWithIndex(
                (p, rows) -> {
                  boolean hot = false;
                  while (rows.hasNext()) {
                    InternalRow row = rows.next();
                    hot |= !row.isNullAt(userField) && row.getLong(userField) == 0L;
                  }
                  return hot ? List.of(p).iterator() : java.util.Collections.emptyIterator();
                },
                false)
            .count();
    assertThat(partitionsOfHotKey).isGreaterThanOrEqualTo(10);
  }

  @Test
  void featureRowsDaysBeforeTheLabelsReachEveryPartitionOfTheKey() {
    SparkSession spark = SharedSpark.session();
    // one key: 5000 feature rows on day 0, 5000 labels on day 3, split over 12 partitions
    Dataset<Row> labels =
        spark
            .range(5000)
            .selectExpr(
                "concat('l', id) AS id",
                "0L AS user",
                "CAST(3 * 86400000000 + id AS BIGINT) AS " + JoinColumns.LABEL_TIME);
    JoinSource source = JoinFrames.valueSource(spark, 5000, "0L", 1_000_000);
    Dataset<Row> out = new AsOfJoin(new RangePartitioning(), 12).join(labels, List.of(source));
    Row r =
        out.selectExpr("count(*)", "count_if(f__status = 'MATCHED')", "min(f__v)", "max(f__v)")
            .first();
    assertThat(r.getLong(0)).isEqualTo(5000);
    assertThat(r.getLong(1)).isEqualTo(5000);
    assertThat(r.getInt(2)).isEqualTo(4999);
    assertThat(r.getInt(3)).isEqualTo(4999);
  }

  @Test
  void partitionsFollowTheRowsBetweenTwoPerCoreAndTheMostAskedFor() {
    assertThat(RangePartitioning.partitionsFor(22_000_000, 64, 2_000_000, 4)).isEqualTo(11);
    assertThat(RangePartitioning.partitionsFor(22_000_001, 64, 2_000_000, 4)).isEqualTo(12);
    assertThat(RangePartitioning.partitionsFor(300_000_000, 64, 2_000_000, 4)).isEqualTo(64);
    assertThat(RangePartitioning.partitionsFor(20_000, 64, 2_000_000, 4)).isEqualTo(4);
    assertThat(RangePartitioning.partitionsFor(20_000, 3, 2_000_000, 4)).isEqualTo(3);
    assertThat(RangePartitioning.partitionsFor(20_000, 64, 0, 4)).isEqualTo(64);
  }

  @Test
  void samplesForEveryPartitionAskedForButSizedByRowsForSixtyFourAtMost() {
    assertThat(new RangePartitioning().samplingPartitions(200)).isEqualTo(200);
    assertThat(new RangePartitioning(350_000).samplingPartitions(200)).isEqualTo(64);
    assertThat(new RangePartitioning(350_000).samplingPartitions(16)).isEqualTo(16);
  }

  @Test
  void sizesItsPartitionsByTheRowsItSampledAndRoutesToThemAlone() {
    AsOfJoin.Events events = hotKeyEvents();
    EventLayout layout = events.layout();
    long keyed = events.rows().filter(col(EventLayout.KEY_HASH).isNotNull()).count();
    int atLeast = 2 * SharedSpark.session().sparkContext().defaultParallelism();
    int expected = (int) Math.max(atLeast, Math.ceil(keyed / 1000.0));
    org.apache.spark.api.java.JavaRDD<InternalRow> routed =
        new RangePartitioning(1000).arrange(layout, events.rows(), events.rows(), 64).rows();
    assertThat(expected).isBetween(atLeast + 1, 63);
    assertThat(routed.getNumPartitions()).isEqualTo(expected);
    List<Integer> sizes =
        routed
            .mapPartitions(
                rows -> {
                  int n = 0;
                  for (; rows.hasNext(); rows.next()) {
                    n++;
                  }
                  return List.of(n).iterator();
                })
            .collect();
    // every partition holds rows: the boundaries were chosen for this many
    assertThat(sizes).allSatisfy(n -> assertThat(n).isPositive());
    assertThat(sizes.stream().mapToLong(Integer::longValue).sum()).isGreaterThanOrEqualTo(keyed);
  }
}
