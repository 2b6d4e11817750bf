package dev.trainforge.version;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.config.OutputSpec;
import dev.trainforge.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two rolling builds made on the same head: the first publishes, the second would drop the first
 * one's day and is refused, with nothing of it visible.
 */
class HeadMovedTest {
  @TempDir Path dir;

  @Test
  void aRollingVersionMadeOnAnOlderHeadIsNotPublished() throws Exception {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    VersionPublisher publisher =
        new VersionPublisher(spark, new OutputSpec(catalog, "datasets", "heads"));
    Optional<String> day = Optional.of("ts");

    Dataset<Row> first = day(spark, "2026-01-01");
    VersionPublisher.AuditBranch v1 =
        publisher.openAuditBranch(first.schema(), "v1", Duration.ofDays(1), day);
    assertThat(v1.base()).as("no main yet").isNull();
    publisher.publish(
        publisher.write(v1, first, Map.of("dataset", "heads")), "v1", "1:0", Optional.empty());

    VersionPublisher.AuditBranch a =
        publisher.openAuditBranch(first.schema(), "v2", Duration.ofDays(1), day);
    VersionPublisher.AuditBranch b =
        publisher.openAuditBranch(first.schema(), "v3", Duration.ofDays(1), day);
    assertThat(a.base()).isEqualTo(b.base()).isNotNull();
    StagedVersion stagedA =
        publisher.write(
            a,
            day(spark, "2026-01-02"),
            Map.of("dataset", "heads"),
            col("ts").geq(lit("2026-01-02")));
    StagedVersion stagedB =
        publisher.write(
            b,
            day(spark, "2026-01-03"),
            Map.of("dataset", "heads"),
            col("ts").geq(lit("2026-01-03")));
    publisher.publish(stagedA, "v2", "2:0", Optional.of(a.base()));

    assertThatThrownBy(() -> publisher.publish(stagedB, "v3", "2:0", Optional.of(b.base())))
        .isInstanceOf(HeadMovedException.class)
        .hasMessage(
            "Cannot publish 'heads': another build moved main from snapshot "
                + b.base()
                + " to "
                + stagedA.snapshotId()
                + " while this one ran; this version was made on the old head and would drop the"
                + " days the other build published, so its branch was removed and nothing was"
                + " published (run the build again: it builds on the new head)");
    Table table = Spark3Util.loadIcebergTable(spark, catalog + ".datasets.heads");
    assertThat(table.refs()).containsOnlyKeys("main", "v1", "v2");
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(stagedA.snapshotId());
    assertThat(spark.read().table(catalog + ".datasets.heads").count()).isEqualTo(2);
    assertThat(new HeadMovedException("x").exitCode().code()).as("retrying helps").isEqualTo(1);
  }

  @Test
  void aVersionWithDotsAndDashesIsStagedAndPublished() throws Exception {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    VersionPublisher publisher =
        new VersionPublisher(spark, new OutputSpec(catalog, "datasets", "dotted"));
    Dataset<Row> rows = day(spark, "2026-01-01");
    VersionPublisher.AuditBranch audit =
        publisher.openAuditBranch(rows.schema(), "v1.2-rc", Duration.ofDays(1));
    publisher.publish(publisher.write(audit, rows, Map.of("dataset", "dotted")), "v1.2-rc", "1:0");
    assertThat(
            spark
                .read()
                .option("versionAsOf", "v1.2-rc")
                .table(catalog + ".datasets.dotted")
                .count())
        .isEqualTo(1);
  }

  private static Dataset<Row> day(SparkSession spark, String date) {
    return spark.sql("SELECT 'a' AS id, TIMESTAMP'" + date + " 12:00:00' AS ts");
  }
}
