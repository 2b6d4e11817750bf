package dev.trainforge.pipeline;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.expr;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.bench.GenerateWorkload;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.synth.AsOfWorkload;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 14 on the benchmark generator's data ({@link GenerateWorkload}, the join benchmark's S
 * workload at a small scale), with an available time added to its feature log: half its rows arrive
 * up to three days after they happened. Ten daily builds of a rolling version, each over the
 * feature rows that had arrived by the end of its day, give the rows (checksum) of one build of the
 * ten days over the final inputs.
 */
class RollingGeneratorDataTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-01-21");
  private static final int DAYS = 10;

  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;
  private AsOfWorkload workload;

  @Test
  void tenDailyBuildsEqualOneBuildOfTheTenDaysOnTheGeneratorsData() throws IOException {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    // 60 days of 50 labels and 1,000 feature rows a day over 200 Zipf-distributed keys.
    workload = new AsOfWorkload(spark, new AsOfWorkload.Shape(7, 3_000, 60_000, 200, 1, 0));
    GenerateWorkload.labels(workload).write().parquet(dir.resolve("labels").toString());
    arrive(null, FIRST);
    for (int i = 0; i < DAYS; i++) {
      LocalDate day = FIRST.plusDays(i);
      arrive(day, day.plusDays(1));
      build("daily", "d" + i, day, day.plusDays(1));
    }
    arrive(FIRST.plusDays(DAYS), null);
    build("oneshot", "1", FIRST, FIRST.plusDays(DAYS));

    Dataset<Row> features = spark.read().parquet(dir.resolve("features").toString());
    assertThat(features.count()).isEqualTo(60_000L);
    assertThat(features.where("to_date(a) > event_date").count())
        .as("rows arriving after the day they describe")
        .isGreaterThan(10_000L);

    Dataset<Row> daily = version("daily", "vd" + (DAYS - 1));
    Dataset<Row> oneShot = version("oneshot", "v1");
    long inWindow =
        spark
            .read()
            .parquet(dir.resolve("labels").toString())
            .where(
                col("t")
                    .geq(expr("TIMESTAMP'" + FIRST + " 00:00:00'"))
                    .and(col("t").lt(expr("TIMESTAMP'" + FIRST.plusDays(DAYS) + " 00:00:00'"))))
            .count();
    assertThat(daily.count()).isEqualTo(inWindow).isBetween(400L, 600L);
    assertThat(daily.where("f0__status = 'MATCHED'").count()).isPositive();
    assertThat(daily.where("f0__status = 'NO_MATCH'").count()).isPositive();
    // Late rows mattered: some label has a newer row within the max age that had not arrived by
    // its as-of instant, and which neither build took.
    daily.createOrReplaceTempView("daily_rows");
    features.createOrReplaceTempView("generator_features");
    long skippedLate =
        spark
            .sql(
                "SELECT count(DISTINCT d.id) FROM daily_rows d JOIN generator_features f"
                    + " ON f.k = d.k AND f.e <= d.t - INTERVAL 15 MINUTES"
                    + " AND f.e >= d.t - INTERVAL 2 DAYS AND f.a > d.t - INTERVAL 15 MINUTES"
                    + " AND (d.f0__event_time IS NULL OR f.e > d.f0__event_time)")
            .first()
            .getLong(0);
    assertThat(skippedLate).as("labels with a newer row not yet available").isPositive();

    assertThat(daily.exceptAll(oneShot).collectAsList()).isEmpty();
    assertThat(oneShot.exceptAll(daily).collectAsList()).isEmpty();
    String checksum = ContentChecksum.of(oneShot);
    assertThat(ContentChecksum.of(daily)).isEqualTo(checksum);
    assertThat(property("daily", "trainforge.content-checksum.vd" + (DAYS - 1)))
        .isEqualTo(checksum);
    assertThat(property("oneshot", "trainforge.content-checksum.v1")).isEqualTo(checksum);
  }

  /**
   * Appends the generator's feature rows that became available in {@code [from, to)} (null: open),
   * each filed under the day it happened. Half the rows arrive when they happen, the others up to
   * three days later.
   */
  private void arrive(LocalDate from, LocalDate to) {
    Dataset<Row> rows =
        GenerateWorkload.features(workload)
            .withColumn(
                "a",
                expr(
                    "CASE WHEN pmod(xxhash64(k, e, 5), 2) = 0 THEN e ELSE timestamp_micros("
                        + "unix_micros(e) + pmod(xxhash64(k, e, 6), 259200000000L)) END"))
            .select("k", "e", "a", "v", "event_date");
    if (from != null) {
      rows = rows.where(col("a").geq(expr("TIMESTAMP'" + from + " 00:00:00'")));
    }
    if (to != null) {
      rows = rows.where(col("a").lt(expr("TIMESTAMP'" + to + " 00:00:00'")));
    }
    rows.write()
        .mode("append")
        .partitionBy("event_date")
        .parquet(dir.resolve("features").toString());
  }

  private void build(String table, String version, LocalDate start, LocalDate end)
      throws IOException {
    Path file = dir.resolve(table + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = asof_s",
            "  version = \"" + version + "\"",
            "  retention = " + DAYS + "d",
            "  output.table = " + table,
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id, time-column = t, key-columns = [k], label-columns = [y, amount]",
            "    window.start = \"" + start + "T00:00:00Z\"",
            "    window.end = \"" + end + "T00:00:00Z\"",
            "  }",
            "  features.f0 {",
            "    path = \"" + dir.resolve("features") + "\"",
            "    keys { k = k }, event-time-column = e, available-time-column = a, columns = [v]",
            "    max-age = 2d, serving-lag = 15m, partition-column = event_date",
            "  }",
            "  validation.baseline = none",
            // A day's slice may match little by chance: this test is about equal rows.
            "  validation.checks.unmatched-source.severity = warn",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream(), true)).run(config);
  }

  private Dataset<Row> version(String table, String tag) {
    return spark.read().option("versionAsOf", tag).table(catalog + ".datasets." + table);
  }

  private String property(String table, String key) {
    try {
      return org.apache.iceberg.spark.Spark3Util.loadIcebergTable(
              spark, catalog + ".datasets." + table)
          .properties()
          .get(key);
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
