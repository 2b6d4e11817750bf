package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.VersionStateException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Snapshot;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Rolling versions ({@code dataset.retention}): daily builds over the inputs as they stood each
 * day, with rows that arrive days after they happened, give the rows of one build of all the days
 * over the final inputs; the retention drops old days; a backfill replaces exactly its day.
 */
class RollingVersionsTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-01-05");
  private static final int DAYS = 6;

  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @Test
  void dailyBuildsEqualOneBuildOfAllDaysAndABackfillReplacesOnlyItsDay() throws IOException {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    writeLabels();
    // What had arrived before the first day, then each day's arrivals, built at the day's end.
    arrive(null, FIRST);
    List<String> logs = new ArrayList<>();
    for (int i = 0; i < DAYS; i++) {
      LocalDate day = FIRST.plusDays(i);
      arrive(day, day.plusDays(1));
      logs.add(build("daily", "d" + day.toString().replace("-", ""), day, day.plusDays(1)));
    }
    String lastDaily = "vd" + FIRST.plusDays(DAYS - 1).toString().replace("-", "");
    build("oneshot", "1", FIRST.plusDays(1), FIRST.plusDays(DAYS));

    Dataset<Row> daily = version("daily", lastDaily);
    Dataset<Row> oneShot = version("oneshot", "v1");
    // A retention of 5 days: the first day fell out of the daily version.
    assertThat(daily.filter("ts < TIMESTAMP'2026-01-06 00:00:00'").count()).isZero();
    assertThat(daily.count()).as("rows of days 2..6").isBetween(150L, 250L);
    assertThat(daily.filter("p__status = 'MATCHED'").count()).isPositive();
    assertThat(daily.filter("p__status = 'NO_MATCH'").count()).isPositive();
    assertThat(daily.filter("ts IS NULL").count()).as("timeless labels").isZero();
    assertThat(daily.exceptAll(oneShot).collectAsList()).isEmpty();
    assertThat(oneShot.exceptAll(daily).collectAsList()).isEmpty();
    String checksum = ContentChecksum.of(daily);
    assertThat(ContentChecksum.of(oneShot)).isEqualTo(checksum);
    assertThat(property("daily", "trainforge.content-checksum." + lastDaily)).isEqualTo(checksum);
    assertThat(property("oneshot", "trainforge.content-checksum.v1")).isEqualTo(checksum);
    assertThat(logs.get(DAYS - 1))
        .contains(
            "Rolling window of 5 days: computes label days 2026-01-10..2026-01-10; keeps 4 days"
                + " of the head")
        .contains("drops 1 days before 2026-01-06")
        .contains("holds 5 label days (2026-01-06..2026-01-10)");

    // A backfill of the third day: main keeps every newer day, only that day is recomputed.
    String backfill =
        build("daily", "b20260107", LocalDate.parse("2026-01-07"), LocalDate.parse("2026-01-08"));
    assertThat(backfill).contains("keeps 4 days of the head").contains("drops 0 days");
    Dataset<Row> after = version("daily", "vb20260107");
    assertThat(ContentChecksum.of(after)).isEqualTo(checksum);
    assertThat(mainSnapshot("daily").summary().get("trainforge.version")).isEqualTo("b20260107");
    RollingDays days =
        RollingDays.parse(
            Files.readString(Path.of(mainSnapshot("daily").summary().get("trainforge.days"))));
    assertThat(days.days().keySet())
        .containsExactly(
            LocalDate.parse("2026-01-06"),
            LocalDate.parse("2026-01-07"),
            LocalDate.parse("2026-01-08"),
            LocalDate.parse("2026-01-09"),
            LocalDate.parse("2026-01-10"));
    assertThat(days.days().get(LocalDate.parse("2026-01-07")).builtBy()).isEqualTo("vb20260107");
    assertThat(days.days().get(LocalDate.parse("2026-01-08")).builtBy()).isEqualTo("vd20260108");
    assertThat(days.checksum()).isEqualTo(checksum);

    // A day older than the retention cannot be built into the rolling version.
    assertThatThrownBy(
            () ->
                build(
                    "daily",
                    "b20260105",
                    LocalDate.parse("2026-01-05"),
                    LocalDate.parse("2026-01-06")))
        .isInstanceOf(VersionStateException.class)
        .hasMessage(
            "Cannot build 'rolling' vb20260105: the label window 2026-01-05..2026-01-05 starts"
                + " before the retention of 5 days ending 2026-01-10, so its days before 2026-01-06"
                + " would be computed and dropped (set dataset.labels.window.start to"
                + " 2026-01-06T00:00:00Z or later, or widen dataset.retention)");
  }

  @Test
  void aRetentionNeedsAWindowOfWholeDays() throws IOException {
    Path file = dir.resolve("bad.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "dataset {",
            "  name = rolling",
            "  version = \"1\"",
            "  retention = 36h",
            "  labels { path = /tmp/x, id-column = id, time-column = ts, key-columns = [user]",
            "    window.start = \"2026-01-05T00:00:00Z\", window.end = \"2026-01-06T06:00:00Z\" }",
            "}"));
    assertThatThrownBy(() -> ConfigLoader.load(file, List.of()))
        .hasMessageContaining(
            file
                + ":4: key 'dataset.retention' has value 36h (a rolling window keeps whole label"
                + " days: write e.g. 90d)");
    Files.writeString(file, Files.readString(file).replace("36h", "2d"));
    assertThatThrownBy(() -> ConfigLoader.load(file, List.of()))
        .hasMessageContaining(
            file
                + ":4: dataset.retention is set but the label window [2026-01-05T00:00:00Z,"
                + " 2026-01-06T06:00:00Z) is not whole UTC days (set dataset.labels.window.start"
                + " and .end to midnights UTC, e.g. 2026-01-05T00:00:00Z)");
  }

  private void writeLabels() {
    spark
        .sql(
            "SELECT CAST(id AS STRING) AS id,"
                + " CASE WHEN id % 61 = 3 THEN NULL ELSE TIMESTAMP'2026-01-04 00:00:00'"
                + "   + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(id, 11), 8 * 86400)) END AS ts,"
                + " id % 15 AS user, id % 2 AS label"
                + " FROM range(320)")
        .write()
        .parquet(dir.resolve("labels").toString());
  }

  /**
   * Appends the source rows that became known (available) in {@code [from, to)}; from the beginning
   * when {@code from} is null. A row is filed under the day it happened, however late it arrives.
   */
  private void arrive(LocalDate from, LocalDate to) {
    String known =
        "a < TIMESTAMP'"
            + to
            + " 00:00:00'"
            + (from == null ? "" : " AND a >= TIMESTAMP'" + from + " 00:00:00'");
    spark
        .sql(
            "SELECT user, e, a, v, to_date(e) AS event_date FROM ("
                + " SELECT i % 15 AS user, i AS v, e,"
                + "  e + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(i, 3), 60 * 3600)) AS a FROM ("
                + "  SELECT i, TIMESTAMP'2025-12-30 00:00:00'"
                + "   + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(i, 2), 12 * 86400)) AS e"
                + "  FROM (SELECT id AS i FROM range(1200))))"
                + " WHERE "
                + known)
        .write()
        .mode("append")
        .partitionBy("event_date")
        .parquet(dir.resolve("p").toString());
  }

  private String build(String table, String version, LocalDate start, LocalDate end)
      throws IOException {
    Path file = dir.resolve(table + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = rolling",
            "  version = \"" + version + "\"",
            "  retention = 5d",
            "  output.table = " + table,
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            "    label-columns = [label]",
            "    window.start = \"" + start + "T00:00:00Z\"",
            "    window.end = \"" + end + "T00:00:00Z\"",
            "  }",
            "  features.p {",
            "    path = \"" + dir.resolve("p") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    available-time-column = a",
            "    columns = [v]",
            "    max-age = 12h",
            "    serving-lag = 30m",
            "    partition-column = event_date",
            "  }",
            "  validation.baseline = none",
            "  validation.checks.null-label-time.severity = warn",
            // A day's slice may match nothing by chance: this test is about equal rows.
            "  validation.checks.unmatched-source.severity = warn",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new DatasetBuild(spark, new PrintStream(log, true)).run(config);
    return log.toString();
  }

  private Dataset<Row> version(String table, String tag) {
    return spark.read().option("versionAsOf", tag).table(catalog + ".datasets." + table);
  }

  private org.apache.iceberg.Table table(String table) {
    try {
      return org.apache.iceberg.spark.Spark3Util.loadIcebergTable(
          spark, catalog + ".datasets." + table);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private Snapshot mainSnapshot(String table) {
    return table(table).currentSnapshot();
  }

  private String property(String table, String key) {
    return table(table).properties().get(key);
  }
}
