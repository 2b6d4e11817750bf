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
import java.time.LocalDate;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code rebuild} of a rolling version: every day is rebuilt from the pins and config of the
 * version that built it, and compared day by day. A source without an available time whose old row
 * changes after its day was built: the pinned rebuild still reproduces the version (the pins hold
 * what was read), and a rebuild from the inputs as they are now names the day that differs.
 */
class RollingRebuildTest {
  private static final LocalDate FIRST = LocalDate.parse("2026-01-05");

  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @Test
  void aVersionBuiltOverThreeDaysRebuildsDayByDayAndNamesTheDayAChangedOldRowMoves()
      throws IOException {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    // 30 labels a day over 10 users, at 30 s past a minute; source rows every hour per user.
    spark
        .sql(
            "SELECT id, TIMESTAMP'2026-01-05 00:00:30' + make_interval(0, 0, 0, CAST(id DIV 30 AS"
                + " INT), 0, CAST((id % 30) * 45 AS INT), 0) AS ts, id % 10 AS user, id % 2 AS"
                + " label FROM range(90)")
        .write()
        .parquet(dir.resolve("labels").toString());
    arrive(null, FIRST.plusDays(1));
    BuildConfig last = null;
    for (int i = 0; i < 3; i++) {
      LocalDate day = FIRST.plusDays(i);
      if (i > 0) {
        arrive(day, day.plusDays(1));
      }
      last = config("d" + day.toString().replace("-", ""), day, day.plusDays(1));
      new DatasetBuild(spark, quiet()).run(last);
    }

    RebuildResult same = new DatasetBuild(spark, quiet()).rebuild(last);
    assertThat(same.identical()).isTrue();
    assertThat(same.rebuiltChecksum()).isEqualTo(same.recordedChecksum()).startsWith("90:");
    assertThat(same.days())
        .extracting(RebuildResult.Day::builtBy)
        .containsExactly("vd20260105", "vd20260106", "vd20260107");
    assertThat(same.summary())
        .contains("Rebuilt 'rolling' vd20260107 from its pinned inputs in ")
        .contains(
            "  days       3 (2026-01-05..2026-01-07), each from the pins and config of the"
                + " version that built it (3 versions): all identical\n")
        .contains(same.branch() + " (snapshot " + same.rebuiltSnapshotId() + ") removed");

    // Label 4 (user 4, 2026-01-05 03:00:30) took the row of 02:08; a row of 03:00:20 is added
    // afterwards, as a correction of the past in a source without an available time.
    spark
        .sql(
            "SELECT 4L AS user, TIMESTAMP'2026-01-05 03:00:20' AS e, -1L AS v,"
                + " DATE'2026-01-05' AS event_date")
        .write()
        .mode("append")
        .partitionBy("event_date")
        .parquet(dir.resolve("p").toString());

    RebuildResult pinned = new DatasetBuild(spark, quiet()).rebuild(last);
    assertThat(pinned.identical()).as("the pins do not list the new file").isTrue();

    RebuildResult now = new DatasetBuild(spark, quiet()).rebuild(last, true);
    assertThat(now.identical()).isFalse();
    assertThat(now.branchKept()).isTrue();
    assertThat(now.differentDays()).hasSize(1);
    RebuildResult.Day moved = now.differentDays().get(0);
    assertThat(moved.day()).isEqualTo(FIRST);
    assertThat(moved.builtBy()).isEqualTo("vd20260105");
    assertThat(moved.recorded()).isEqualTo(same.days().get(0).rebuilt()).startsWith("30:");
    assertThat(moved.rebuilt()).startsWith("30:").isNotEqualTo(moved.recorded());
    assertThat(now.summary())
        .contains("Rebuilt 'rolling' vd20260107 from the inputs as they are now in ")
        .contains(": DIFFERENT\n")
        .contains(
            "  days       3 (2026-01-05..2026-01-07), each from the config of the version that"
                + " built it (3 versions): 1 differ\n"
                + "    2026-01-05 built by vd20260105: recorded "
                + moved.recorded()
                + ", rebuilt "
                + moved.rebuilt()
                + "\n")
        .contains(now.branch() + " (snapshot " + now.rebuiltSnapshotId() + ") kept for ");
    assertThat(
            spark
                .read()
                .option("versionAsOf", now.branch())
                .table(catalog + ".datasets.daily")
                .where("id = 4")
                .first()
                .<Long>getAs("p__v"))
        .isEqualTo(-1L);
  }

  /** Appends the hourly source rows of {@code [from, to)} (from the start when null). */
  private void arrive(LocalDate from, LocalDate to) {
    String known =
        "e < TIMESTAMP'"
            + to
            + " 00:00:00'"
            + (from == null ? "" : " AND e >= TIMESTAMP'" + from + " 00:00:00'");
    spark
        .sql(
            "SELECT user, e, v, to_date(e) AS event_date FROM (SELECT h * 10 + u AS v, u AS user,"
                + " TIMESTAMP'2026-01-03 00:00:00' + make_interval(0, 0, 0, 0, CAST(h AS INT),"
                + " CAST(u * 2 AS INT), 0) AS e FROM (SELECT id DIV 10 AS h, id % 10 AS u FROM"
                + " range(1200))) WHERE "
                + known)
        .write()
        .mode("append")
        .partitionBy("event_date")
        .parquet(dir.resolve("p").toString());
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
            "  retention = 5d",
            "  output.table = daily",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id, time-column = ts, key-columns = [user], label-columns = [label]",
            "    window.start = \"" + start + "T00:00:00Z\"",
            "    window.end = \"" + end + "T00:00:00Z\"",
            "  }",
            "  features.p {",
            "    path = \"" + dir.resolve("p") + "\"",
            "    keys { user = user }, event-time-column = e, columns = [v]",
            "    max-age = 2d, partition-column = event_date",
            "  }",
            "  validation.baseline = none",
            "}"));
    return ConfigLoader.load(file, List.of());
  }

  private static PrintStream quiet() {
    return new PrintStream(new ByteArrayOutputStream(), true);
  }
}
