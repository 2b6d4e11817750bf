package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.AppSettings;
import dev.trainforge.config.AppSettings.JoinPartitioningKind;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import dev.trainforge.testing.JoinFrames;
import dev.trainforge.testing.SharedSpark;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** How many partitions the build's join uses: configured, or sized by the rows it samples. */
class JoinSizingTest {
  private static final SparkSession SPARK = SharedSpark.session();

  private static AppSettings settings(
      int partitions, long rowsPerPartition, JoinPartitioningKind kind) {
    return new AppSettings(
        Optional.empty(),
        "join-sizing",
        4,
        Map.of(),
        new AppSettings.CatalogSettings(
            "unused", "hadoop", Optional.empty(), "/tmp/unused", Map.of()),
        partitions,
        kind,
        rowsPerPartition,
        Duration.ofSeconds(30),
        0L,
        AppSettings.Lineage.NONE,
        0L);
  }

  /** The partitions of the join's one shuffle: 3,000 labels and 6,000 feature rows. */
  private static int partitionsOf(AppSettings settings) {
    Dataset<Row> labels =
        SPARK
            .range(3000)
            .selectExpr(
                "id",
                "id % 300 AS user",
                "CAST(86400000000 + id * 1000 AS BIGINT) AS " + JoinColumns.LABEL_TIME);
    JoinSource source = JoinFrames.valueSource(SPARK, 6000, "id % 300", 1000);
    AsOfJoin join = DatasetBuild.asOfJoin(settings, SPARK);
    join.join(labels, List.of(source));
    return join.runs().get(0).arranged().rows().getNumPartitions();
  }

  private static int shufflePartitions() {
    return Integer.parseInt(SPARK.conf().get("spark.sql.shuffle.partitions"));
  }

  @Test
  void withNoCountConfiguredRangePartitionsFollowTheRows() {
    assertThat(partitionsOf(settings(0, 1000, JoinPartitioningKind.RANGE))).isEqualTo(9);
    assertThat(partitionsOf(settings(0, 500, JoinPartitioningKind.RANGE))).isEqualTo(18);
  }

  @Test
  void aConfiguredCountIsUsedAsItIs() {
    assertThat(partitionsOf(settings(7, 1000, JoinPartitioningKind.RANGE))).isEqualTo(7);
    assertThat(partitionsOf(settings(7, 1000, JoinPartitioningKind.HASH))).isEqualTo(7);
  }

  @Test
  void withoutRowsPerPartitionOrWithHashPartitionsTheSessionsShufflePartitionsAreUsed() {
    assertThat(partitionsOf(settings(0, 0, JoinPartitioningKind.RANGE)))
        .isEqualTo(shufflePartitions());
    assertThat(partitionsOf(settings(0, 1000, JoinPartitioningKind.HASH)))
        .isEqualTo(shufflePartitions());
  }

  @Test
  void aFewRowsStillGetTwoPartitionsPerCore() {
    assertThat(partitionsOf(settings(0, 1_000_000, JoinPartitioningKind.RANGE)))
        .isEqualTo(2 * SPARK.sparkContext().defaultParallelism());
  }
}
