package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.report.Profile;
import dev.trainforge.report.Statistics;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.validate.MergeableProfile;
import dev.trainforge.validate.Profiler;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerJobStart;
import org.apache.spark.scheduler.SparkListenerStageCompleted;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole-version profile of a rolling version is merged from the stored profiles of its days: it
 * equals a profile of the whole version (counts exactly, moments to rounding, quantiles within the
 * sketches' rank error), and a daily build's validation reads the new day's rows only.
 */
class RollingProfileTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-01-05");

  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @Test
  void theVersionProfileIsMergedFromDayProfilesAndADailyBuildReadsOnlyItsDay() throws Exception {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    // 80 labels a day over 7 days; a numeric, a categorical and a boolean label column.
    spark
        .sql(
            "SELECT id, TIMESTAMP'2026-01-05 00:00:00' + make_interval(0, 0, 0, 0, 0, 0,"
                + " CAST(id DIV 80 AS DOUBLE) * 86400 + pmod(hash(id, 1), 86400)) AS ts,"
                + " id % 12 AS user, CASE WHEN id % 9 = 0 THEN NULL ELSE pmod(hash(id, 2), 1000)"
                + " / 7.0 END AS amount, element_at(array('a', 'b', 'c', 'd'),"
                + " CAST(pmod(hash(id, 3), 4) + 1 AS INT)) AS segment, id % 3 = 0 AS flag"
                + " FROM range(560)")
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT user, e, v, to_date(e) AS event_date FROM (SELECT i % 12 AS user,"
                + " pmod(hash(i, 4), 100) * 1.5 AS v, TIMESTAMP'2026-01-03 00:00:00' +"
                + " make_interval(0, 0, 0, 0, 0, 0, pmod(hash(i, 5), 9 * 86400)) AS e"
                + " FROM (SELECT id AS i FROM range(400)))")
        .write()
        .partitionBy("event_date")
        .parquet(dir.resolve("p").toString());

    // A first build of two days (each day profiled by itself), then daily builds.
    run(config("seed", FIRST, FIRST.plusDays(2)));
    for (int i = 2; i < 6; i++) {
      run(config("d" + i, FIRST.plusDays(i), FIRST.plusDays(i + 1)));
    }
    // The measured daily build: day 7, keeping six days.
    BuildConfig last = config("d6", FIRST.plusDays(6), FIRST.plusDays(7));
    Map<Integer, String> jobs = new ConcurrentHashMap<>();
    Map<Integer, Integer> stageJob = new ConcurrentHashMap<>();
    AtomicLong validationRecords = new AtomicLong();
    SparkListener listener =
        new SparkListener() {
          @Override
          public void onJobStart(SparkListenerJobStart job) {
            String what = job.properties().getProperty("spark.job.description", "");
            jobs.put(job.jobId(), what);
            for (Object stage : scala.jdk.javaapi.CollectionConverters.asJava(job.stageIds())) {
              stageJob.put((Integer) stage, job.jobId());
            }
          }

          @Override
          public void onStageCompleted(SparkListenerStageCompleted done) {
            Integer job = stageJob.get(done.stageInfo().stageId());
            String what = job == null ? "" : jobs.getOrDefault(job, "");
            if (what.startsWith("trainforge: validate")
                || what.startsWith("trainforge: record the days")
                || what.startsWith("trainforge: publish")) {
              validationRecords.addAndGet(
                  done.stageInfo().taskMetrics().inputMetrics().recordsRead());
            }
          }
        };
    spark.sparkContext().addSparkListener(listener);
    String log;
    try {
      log = run(last);
      spark.sparkContext().listenerBus().waitUntilEmpty();
    } finally {
      spark.sparkContext().removeSparkListener(listener);
    }

    org.apache.iceberg.Table table =
        org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, catalog + ".datasets.daily");
    Map<String, String> summary = table.currentSnapshot().summary();
    assertThat(summary.get("trainforge.version")).isEqualTo("d6");
    Dataset<Row> version = spark.read().option("versionAsOf", "vd6").table(table.name());
    long versionRows = version.count();
    long dayRows = version.where("ts >= TIMESTAMP'2026-01-11 00:00:00'").count();
    assertThat(versionRows).as("six days kept, one built").isEqualTo(7 * 80L);
    assertThat(dayRows).isEqualTo(80L);
    // Validation's passes (profile, distinct counts, category counts, own bins) read the new day.
    assertThat(validationRecords.get()).isBetween(dayRows, 4 * dayRows);
    assertThat(validationRecords.get()).isLessThan(versionRows);

    String location = summary.get("trainforge.version-profile");
    assertThat(log)
        .contains(
            "Version vd6 profile: 560 rows over 7 label days, merged from their stored profiles: "
                + location);
    Profile merged = MergeableProfile.fromJson(Files.readString(Path.of(location))).profile();
    Profile whole = new Profiler(last.dataset(), null).profile(version).profile();

    assertThat(merged.rows()).isEqualTo(whole.rows()).isEqualTo(560L);
    assertThat(merged.distinctLabelIds()).isEqualTo(whole.distinctLabelIds());
    assertThat(merged.rowsWithKeysAndTime()).isEqualTo(whole.rowsWithKeysAndTime());
    assertThat(merged.distinctKeyTimes()).isEqualTo(whole.distinctKeyTimes());
    assertThat(merged.nullLabelKey()).isEqualTo(whole.nullLabelKey());
    assertThat(merged.nullLabelTime()).isEqualTo(whole.nullLabelTime());
    assertThat(merged.schema()).isEqualTo(whole.schema());
    Profile.SourceProfile ms = merged.source("p");
    Profile.SourceProfile ws = whole.source("p");
    assertThat(ms.statuses()).isEqualTo(ws.statuses());
    assertThat(ms.statuses().get("MATCHED")).isPositive();
    assertThat(ms.statuses().get("NO_MATCH")).isPositive();
    assertThat(ms.hashTies()).isEqualTo(ws.hashTies());
    assertThat(ms.matchRate()).isEqualTo(ws.matchRate());
    assertThat(ms.leaks()).isEqualTo(ws.leaks()).isZero();
    assertThat(ms.stalenessSeconds().keySet()).containsExactly("p50", "p95", "p99");

    for (String name : List.of("amount", "p__v")) {
      Profile.ColumnProfile m = merged.column(name);
      Profile.ColumnProfile w = whole.column(name);
      assertThat(m.nulls()).as(name).isEqualTo(w.nulls());
      assertThat(m.nanOrInf()).as(name).isEqualTo(w.nanOrInf());
      assertThat(m.min()).as(name).isEqualTo(w.min());
      assertThat(m.max()).as(name).isEqualTo(w.max());
      assertThat(m.mean()).as(name).isCloseTo(w.mean(), within(1e-9 * Math.abs(w.mean())));
      assertThat(m.stddev()).as(name).isCloseTo(w.stddev(), within(1e-9 * w.stddev()));
      assertThat(m.approxDistinct())
          .as(name)
          .isCloseTo(w.approxDistinct(), within(Math.max(2L, w.approxDistinct() / 10)));
      // Each merged quantile's true rank in the version's values is within the sketch's error.
      List<Double> values =
          version.where(name + " IS NOT NULL").select(name).collectAsList().stream()
              .map(r -> ((Number) r.get(0)).doubleValue())
              .sorted()
              .toList();
      double error = Statistics.rankError(Statistics.sketch(m.sketch())) + 1.0 / values.size();
      m.quantiles()
          .forEach(
              (q, value) -> {
                double rank = Profile.rank(q);
                long atMost = values.stream().filter(x -> x <= value).count();
                long below = values.stream().filter(x -> x < value).count();
                assertThat(rank)
                    .as(name + " " + q)
                    .isBetween(
                        (double) below / values.size() - error,
                        (double) atMost / values.size() + error);
              });
      assertThat(m.quantiles().keySet()).isEqualTo(w.quantiles().keySet());
    }
    for (String name : List.of("segment", "flag")) {
      Profile.ColumnProfile m = merged.column(name);
      Profile.ColumnProfile w = whole.column(name);
      assertThat(m.nulls()).as(name).isEqualTo(w.nulls());
      assertThat(m.topK()).as(name).isEqualTo(w.topK()).isNotEmpty();
      assertThat(m.otherCount()).as(name).isEqualTo(w.otherCount());
    }
  }

  private String run(BuildConfig config) {
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    new DatasetBuild(spark, new PrintStream(log, true)).run(config);
    return log.toString();
  }

  private BuildConfig config(String version, LocalDate start, LocalDate end) throws IOException {
    Path file = dir.resolve(version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = rolling",
            "  version = \"" + version + "\"",
            "  retention = 10d",
            "  output.table = daily",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id, time-column = ts, key-columns = [user]",
            "    label-columns = [amount, segment, flag]",
            "    window.start = \"" + start + "T00:00:00Z\"",
            "    window.end = \"" + end + "T00:00:00Z\"",
            "  }",
            "  features.p {",
            "    path = \"" + dir.resolve("p") + "\"",
            "    keys { user = user }, event-time-column = e, columns = [v]",
            "    max-age = 4h, partition-column = event_date",
            "  }",
            "  validation.baseline = none",
            "  validation.checks.unmatched-source.severity = warn",
            "  validation.checks.null-label.severity = warn",
            "}"));
    return ConfigLoader.load(file, List.of());
  }
}
