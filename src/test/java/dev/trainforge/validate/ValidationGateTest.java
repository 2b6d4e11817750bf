package dev.trainforge.validate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.pipeline.BuildResult;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.report.CheckResult;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Seeded faults are caught by the gate, and a failing gate publishes nothing. */
class ValidationGateTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @BeforeEach
  void setUp() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
  }

  /** 40 labels a minute apart over 4 users on 2026-01-02, label 0/1, and the extra rows. */
  private void labels(String name, String extraRows) {
    String rows =
        "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 12:00:00' + make_interval(0, 0, 0, 0,"
            + " 0, id) AS ts, id % 4 AS user, CAST(id % 2 AS INT) AS label FROM range(40)";
    spark
        .sql(extraRows.isEmpty() ? rows : rows + " UNION ALL " + extraRows)
        .write()
        .parquet(dir.resolve(name).toString());
  }

  /** One feature row per user on 2026-01-01: a number and a channel. */
  private void features(String name, String channels) {
    spark
        .sql(
            "SELECT id AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, CAST(id * 10 AS DOUBLE) AS v,"
                + " element_at(array("
                + channels
                + "), CAST(id % "
                + channels.split(",").length
                + " + 1 AS INT)) AS channel FROM range(4)")
        .write()
        .parquet(dir.resolve(name).toString());
  }

  private BuildConfig config(String labels, String features, String version, String... sets)
      throws IOException {
    Path file = dir.resolve("gate.conf");
    Files.writeString(
        file,
        DatasetFiles.oneSource(
            catalog,
            dir.resolve("catalog"),
            "gate",
            version,
            dir.resolve(labels),
            dir.resolve(features),
            "[v, channel]"));
    return ConfigLoader.load(file, List.of(sets));
  }

  private BuildResult build(BuildConfig config) {
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream())).run(config);
  }

  private Table table() throws Exception {
    return Spark3Util.loadIcebergTable(spark, catalog + ".datasets.gate");
  }

  private ValidationReport reportOf(String ref) throws Exception {
    String location = table().snapshot(ref).summary().get("trainforge.report");
    return ValidationReport.fromJson(Files.readString(Path.of(location)));
  }

  private static CheckResult check(ValidationReport r, String check, String subject) {
    return r.checks().stream()
        .filter(c -> c.check().equals(check) && c.subject().equals(subject))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check " + check + " on " + subject));
  }

  @Test
  void aPassingGatePublishesExactlyOneTagWithItsReport() throws Exception {
    labels("labels", "");
    features("features", "'web', 'pos'");
    BuildResult v1 = build(config("labels", "features", "1"));
    assertThat(v1.verdict()).isEqualTo("PASS");
    assertThat(table().refs()).containsOnlyKeys("main", "v1");
    ValidationReport report = reportOf("v1");
    assertThat(report.verdict()).isEqualTo(CheckResult.Outcome.PASS);
    assertThat(report.baseline().kind()).isEqualTo("none");
    assertThat(check(report, "leakage", "f").value()).isEqualTo(0.0);
    assertThat(check(report, "unique-label-id", "id").outcome())
        .isEqualTo(CheckResult.Outcome.PASS);
    assertThat(report.profile().column("f__v").quantiles()).containsEntry("p50", 10.0);
    assertThat(report.profile().source("f").matchRate()).isEqualTo(1.0);
    // 40 labels a minute apart from 12:00 on Jan 2, features at midnight Jan 1: the median
    // label is at 12:19 or 12:20.
    assertThat(report.profile().source("f").stalenessSeconds().get("p50"))
        .isBetween(36.0 * 3600 + 19 * 60, 36.0 * 3600 + 20 * 60);
  }

  @Test
  void aDuplicatedLabelIdFailsAndPublishesNothing() throws Exception {
    labels("labels", "");
    features("features", "'web', 'pos'");
    build(config("labels", "features", "1"));
    long main = table().currentSnapshot().snapshotId();
    labels(
        "labels_dup",
        "SELECT 'l3' AS id, TIMESTAMP'2026-01-03 00:00:00' AS ts, 3L AS user, 1 AS label");
    assertThatThrownBy(() -> build(config("labels_dup", "features", "2")))
        .isInstanceOf(ValidationFailedException.class)
        .hasMessageStartingWith(
            "Cannot publish 'gate' v2: validation failed (unique-label-id on id: 1 rows repeat a"
                + " label id or have none)");
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(main);
    assertThat(table().refs().keySet()).contains("main", "v1").doesNotContain("v2");
  }

  @Test
  void nullLabelsFail() throws Exception {
    labels(
        "labels",
        "SELECT 'x' AS id, TIMESTAMP'2026-01-03 00:00:00' AS ts, 1L AS user, CAST(NULL AS INT) AS"
            + " label");
    features("features", "'web', 'pos'");
    assertThatThrownBy(() -> build(config("labels", "features", "1")))
        .isInstanceOf(ValidationFailedException.class)
        .hasMessageContaining("null-label on label: 1 of 41 labels are null");
    assertThat(table().refs()).doesNotContainKey("v1").doesNotContainKey("main");
  }

  @Test
  void aDroppedCategoryAndAShiftAreMeasuredAgainstTheLatestVersion() throws Exception {
    labels("labels", "");
    features("features", "'web', 'pos'");
    build(config("labels", "features", "1"));
    features("features_v2", "'web', 'app'");
    BuildResult v2 =
        build(
            config(
                "labels", "features_v2", "2", "dataset.validation.checks.category-psi.fail=null"));
    assertThat(v2.verdict()).isEqualTo("WARN");
    ValidationReport report = reportOf("v2");
    assertThat(report.baseline().tag()).isEqualTo("v1");
    CheckResult vanished = check(report, "vanished-categories", "f__channel");
    assertThat(vanished.outcome()).isEqualTo(CheckResult.Outcome.WARN);
    assertThat(vanished.detail()).isEqualTo("pos");
    assertThat(check(report, "new-categories", "f__channel").detail()).isEqualTo("app");
    CheckResult psi = check(report, "category-psi", "f__channel");
    // web: 0.5 -> 0.5; pos: 0.5 -> 0 (floored at 1e-4); other: 0 -> 0.5; null 0 -> 0.
    double expected = 2 * (0.5 - 1e-4) * Math.log(0.5 / 1e-4);
    assertThat(psi.value()).isCloseTo(expected, org.assertj.core.api.Assertions.within(1e-9));
    // v is unchanged: no numeric drift.
    assertThat(check(report, "psi", "f__v").value()).isLessThan(0.01);
    assertThat(check(report, "psi", "f__v").outcome()).isEqualTo(CheckResult.Outcome.PASS);
  }

  @Test
  void featureRowsFromTheFutureAreCountedAsLeaks() throws Exception {
    // A dataset whose matched rows claim event times after the label time, as a broken join or
    // a hand-made table would have: the audit reads only the output columns.
    labels("labels", "");
    features("features", "'web', 'pos'");
    BuildConfig config = config("labels", "features", "1");
    var rows =
        spark.sql(
            "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, id AS user, 1 AS"
                + " label, 1.0D AS f__v, 'web' AS f__channel, TIMESTAMP'2026-01-02 00:00:00' +"
                + " make_interval(0, 0, 0, 0, 0, 0, id - 1) AS f__event_time, 'MATCHED' AS"
                + " f__status, false AS f__hash_tie FROM range(3)");
    Profiler.Measured measured = new Profiler(config.dataset(), null).profile(rows);
    Validator.Outcome outcome = new Validator(config.dataset()).validate(measured, 3, 0, null);
    CheckResult leakage =
        outcome.checks().stream().filter(c -> c.check().equals("leakage")).findFirst().get();
    // id 0 is a second early (fine), id 1 exactly at t (allowed), id 2 a second late.
    assertThat(leakage.value()).isEqualTo(1.0);
    assertThat(leakage.outcome()).isEqualTo(CheckResult.Outcome.FAIL);
    assertThat(leakage.detail())
        .isEqualTo("1 after t - g, 0 known after t - g, 0 older than the max age");
    List<String> failed = new ArrayList<>();
    outcome.checks().stream()
        .filter(c -> c.outcome() == CheckResult.Outcome.FAIL)
        .forEach(c -> failed.add(c.check()));
    assertThat(failed).containsExactly("leakage");
  }
}
