package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

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
    Dataset<Row> features =
        spark
            .range(5000)
            .selectExpr(
                "0L AS user",
                "id * 1000000 AS " + JoinColumns.EVENT_TIME,
                "id * 1000000 AS " + JoinColumns.AVAILABLE_TIME,
                "CAST(NULL AS BIGINT) AS " + JoinColumns.TIE_BREAK,
                "CAST(id AS INT) AS f__v");
    JoinSource source =
        new JoinSource("f", features, List.of("user"), List.of("f__v"), 0, -1, true, false);
    Dataset<Row> out = new AsOfJoin(new RangePartitioning(), 12).join(labels, List.of(source));
    Row r =
        out.selectExpr("count(*)", "count_if(f__status = 'MATCHED')", "min(f__v)", "max(f__v)")
            .first();
    assertThat(r.getLong(0)).isEqualTo(5000);
    assertThat(r.getLong(1)).isEqualTo(5000);
    assertThat(r.getInt(2)).isEqualTo(4999);
    assertThat(r.getInt(3)).isEqualTo(4999);
  }
}
