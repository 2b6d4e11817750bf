package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * "One row, whatever the batch" (docs/point-in-time-semantics.md): the same labels built as one
 * window, as three uneven sub-windows and as one build per day give the same rows, over sources
 * whose max-age history straddles every window start, with late rows (available time well after
 * event time), serving lag, excluded exact matches and rows tied in every time. Each build prunes
 * its own partitions from its own labels, so a build that read too little would lose matches.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BatchInvarianceTest {
  private static final Instant START = Instant.parse("2026-01-05T00:00:00Z");
  private static final Instant END = Instant.parse("2026-01-09T00:00:00Z");

  @TempDir static Path dir;
  private SparkSession spark;
  private String catalog;
  private int versions;

  @BeforeAll
  void writeInputs() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    // 600 labels of 20 users from 2026-01-03 to 2026-01-11 (so that some fall outside the
    // windows), a few with no time or no user.
    spark
        .sql(
            "SELECT CAST(id AS STRING) AS id,"
                + " CASE WHEN id % 89 = 7 THEN NULL ELSE TIMESTAMP'2026-01-03 00:00:00'"
                + "   + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(id, 11), 8 * 86400)) END AS ts,"
                + " CASE WHEN id % 97 = 5 THEN NULL ELSE id % 20 END AS user,"
                + " id % 2 AS label"
                + " FROM range(600)")
        .write()
        .parquet(dir.resolve("labels").toString());
    // Source p: events from 2025-12-28, each known 0 to 36 hours after it happened.
    spark
        .sql(
            "SELECT user, e, e + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(i, 3), 36 * 3600)) AS a,"
                + " i AS v, to_date(e) AS event_date FROM ("
                + " SELECT i % 20 AS user, i,"
                + " TIMESTAMP'2025-12-28 00:00:00'"
                + "   + make_interval(0, 0, 0, 0, 0, 0, pmod(hash(i, 2), 14 * 86400)) AS e"
                + " FROM (SELECT id AS i FROM range(900)))")
        .write()
        .partitionBy("event_date")
        .parquet(dir.resolve("p").toString());
    // Source q: hourly events, several rows per hour and user with other values (hash ties).
    spark
        .sql(
            "SELECT user, e, CAST(pmod(hash(i, 5), 4) AS DOUBLE) AS w, to_date(e) AS event_date"
                + " FROM (SELECT i % 20 AS user,"
                + " TIMESTAMP'2025-12-30 00:00:00'"
                + "   + make_interval(0, 0, 0, 0, 4 * pmod(hash(i, 4), 12 * 6), 0, 0) AS e, i"
                + " FROM (SELECT id AS i FROM range(700)))")
        .write()
        .partitionBy("event_date")
        .parquet(dir.resolve("q").toString());
  }

  @Test
  void oneWindowSubWindowsAndDailyBuildsGiveTheSameRows() throws IOException {
    Dataset<Row> whole = build(START, END);
    assertThat(lastResult.labelRowsRead() - lastResult.rowsOut())
        .as("timeless rows counted by a windowed build, not held")
        .isEqualTo(7);
    Dataset<Row> thirds =
        union(
            build(START, Instant.parse("2026-01-05T13:00:00Z")),
            build(Instant.parse("2026-01-05T13:00:00Z"), Instant.parse("2026-01-07T02:30:00Z")),
            build(Instant.parse("2026-01-07T02:30:00Z"), END));
    List<Dataset<Row>> days = new ArrayList<>();
    for (Instant d = START; d.isBefore(END); d = d.plusSeconds(86_400)) {
      days.add(build(d, d.plusSeconds(86_400)));
    }
    Dataset<Row> daily = union(days.toArray(Dataset[]::new));

    long rows = whole.count();
    assertThat(rows).as("labels in the window").isBetween(250L, 350L);
    assertThat(whole.filter("p__status = 'MATCHED'").count()).as("p matched").isPositive();
    assertThat(whole.filter("p__status = 'NO_MATCH'").count()).as("p not matched").isPositive();
    assertThat(whole.filter("q__status = 'MATCHED'").count()).as("q matched").isPositive();
    assertThat(whole.filter("q__hash_tie").count()).as("q hash ties").isPositive();
    assertThat(whole.filter("p_count_3d > 1").count()).as("3-day counts").isPositive();
    assertThat(whole.filter("size(p_last3) = 3").count()).as("full last-3 lists").isPositive();
    assertThat(whole.filter("r__status = 'MATCHED' AND r_std_1d > 0").count())
        .as("aggregation-only source matched")
        .isPositive();
    assertThat(whole.filter("p__status = 'NULL_KEY'").count()).as("null keys").isPositive();
    assertThat(whole.filter("ts IS NULL").count()).as("timeless rows in a window").isZero();
    assertSameRows(thirds, whole, "three sub-windows");
    assertSameRows(daily, whole, "one build per day");
  }

  @Test
  void aBuildWithoutAWindowHoldsTheTimelessLabels() throws IOException {
    Dataset<Row> all = build(null, null);
    assertThat(all.filter("ts IS NULL").count()).isEqualTo(7);
    assertThat(all.filter("ts IS NULL AND p__status = 'NULL_TIME'").count()).isEqualTo(7);
    assertThat(lastResult.rowsOut()).isEqualTo(600);
  }

  private BuildResult lastResult;

  private Dataset<Row> build(Instant start, Instant end) throws IOException {
    String version = String.valueOf(++versions);
    Path file = dir.resolve("ds" + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = batches",
            "  version = \"" + version + "\"",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            "    label-columns = [label]",
            start == null ? "" : "    window.start = \"" + start + "\"",
            end == null ? "" : "    window.end = \"" + end + "\"",
            "  }",
            "  features.p {",
            "    path = \"" + dir.resolve("p") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    available-time-column = a",
            "    columns = [v]",
            "    max-age = 2d",
            "    serving-lag = 1h",
            "    partition-column = event_date",
            // windows longer than the max age: pruning must reach further back for them
            "    aggregations {",
            "      p_count_3d { function = count, window = 3d }",
            "      p_sum_1d { function = sum, column = v, window = 1d }",
            "      p_max_6h { function = max, column = v, window = 6h }",
            "      p_last3 { function = last-k, column = v, k = 3, window = 3d }",
            "    }",
            "  }",
            "  features.r {",
            "    path = \"" + dir.resolve("q") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    exact-matches = excluded",
            "    partition-column = event_date",
            "    aggregations {",
            "      r_avg_2d { function = avg, column = w, window = 2d }",
            "      r_std_1d { function = stddev, column = w, window = 1d }",
            "    }",
            "  }",
            "  features.q {",
            "    path = \"" + dir.resolve("q") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    columns = [w]",
            "    max-age = 12h",
            "    exact-matches = excluded",
            "    partition-column = event_date",
            "  }",
            // Daily slices differ from each other by design; timeless labels are the subject.
            "  validation.baseline = none",
            "  validation.checks.null-label-time.severity = warn",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    lastResult = new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream())).run(config);
    return spark
        .read()
        .option("versionAsOf", "v" + version)
        .table(catalog + ".datasets.batches")
        .cache();
  }

  @SafeVarargs
  private static Dataset<Row> union(Dataset<Row>... parts) {
    Dataset<Row> out = parts[0];
    for (int i = 1; i < parts.length; i++) {
      out = out.union(parts[i]);
    }
    return out;
  }

  private static void assertSameRows(Dataset<Row> actual, Dataset<Row> expected, String what) {
    assertThat(actual.count()).as(what + ": rows").isEqualTo(expected.count());
    assertThat(actual.exceptAll(expected).collectAsList())
        .as(what + ": rows not in one window")
        .isEmpty();
    assertThat(expected.exceptAll(actual).collectAsList()).as(what + ": rows missing").isEmpty();
  }
}
