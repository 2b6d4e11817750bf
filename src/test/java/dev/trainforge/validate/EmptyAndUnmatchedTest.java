package dev.trainforge.validate;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.ExitCode;
import dev.trainforge.TrainforgeException;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.pipeline.BuildResult;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.report.CheckResult;
import dev.trainforge.report.ReportStore;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A build that would publish 0 rows, or a source that matches nothing, fails the gate in words. */
class EmptyAndUnmatchedTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @BeforeEach
  void setUp() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
  }

  /** 4 labels on 2026-01-02, users 0..3; one feature row per user on 2026-01-01. */
  private void data(String labelFilter, String featureUserOffset) {
    spark
        .sql(
            "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 12:00:00' AS ts, id AS user,"
                + " CAST(id % 2 AS INT) AS label FROM range(4) WHERE "
                + labelFilter)
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT id + "
                + featureUserOffset
                + " AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, CAST(id AS DOUBLE) AS v"
                + " FROM range(4)")
        .write()
        .parquet(dir.resolve("features").toString());
  }

  private BuildConfig config(String... sets) throws IOException {
    Path file = dir.resolve("empty.conf");
    Files.writeString(
        file,
        DatasetFiles.oneSource(
            catalog,
            dir.resolve("catalog"),
            "empty",
            "1",
            dir.resolve("labels"),
            dir.resolve("features"),
            "[v]"));
    return ConfigLoader.load(file, List.of(sets));
  }

  private BuildResult build(BuildConfig config) {
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream())).run(config);
  }

  private String failure(BuildConfig config) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> build(config));
    assertThat(t).isInstanceOf(ValidationFailedException.class);
    assertThat(((TrainforgeException) t).exitCode()).isEqualTo(ExitCode.VALIDATION_FAILED);
    String message = t.getMessage();
    return message.substring(0, message.indexOf(". Nothing was published"));
  }

  @Test
  void anEmptyLabelTableFailsTheGateSayingSo() throws Exception {
    data("false", "0");
    assertThat(failure(config()))
        .isEqualTo(
            "Cannot publish 'empty' v1: validation failed (empty-dataset on dataset: 0 rows: the"
                + " label source (parquet path '"
                + dir.resolve("labels")
                + "') is empty (no label rows to build from))");
    assertThat(Spark3Util.loadIcebergTable(spark, catalog + ".datasets.empty").refs())
        .doesNotContainKeys("main", "v1");
  }

  @Test
  void aLabelWindowThatExcludesEveryLabelFailsTheGateNamingTheWindowAndTheLabelTimes()
      throws Exception {
    data("true", "0");
    assertThat(
            failure(
                config(
                    "dataset.labels.window.start=\"2030-01-01T00:00:00Z\"",
                    "dataset.labels.window.end=\"2030-02-01T00:00:00Z\"")))
        .isEqualTo(
            "Cannot publish 'empty' v1: validation failed (empty-dataset on dataset: 0 rows: the"
                + " label window [2030-01-01T00:00:00Z, 2030-02-01T00:00:00Z) excludes all 4"
                + " labels of the label source (parquet path '"
                + dir.resolve("labels")
                + "') (their times span 2026-01-02T12:00:00Z .. 2026-01-02T12:00:00Z; set"
                + " dataset.labels.window.start and .end))");
  }

  @Test
  void anEmptyDatasetIsPublishedWhenTheCheckOnlyWarns() throws Exception {
    data("false", "0");
    BuildResult result = build(config("dataset.validation.checks.empty-dataset.severity=warn"));
    assertThat(result.rowsOut()).isZero();
    assertThat(result.verdict()).isEqualTo("WARN");
  }

  @Test
  void aSourceThatMatchesNoLabelFailsTheGateWithItsStatusCounts() throws Exception {
    // The feature rows are for users 100..103: no label's key is there.
    data("true", "100");
    assertThat(failure(config()))
        .isEqualTo(
            "Cannot publish 'empty' v1: validation failed (unmatched-source on f: no MATCHED row:"
                + " source 'f' matched none of the 4 label rows with a key and a time (4"
                + " NO_MATCH), so its columns are all null (check dataset.features.f.keys,"
                + " max-age, serving-lag and the partitions it read))");
  }

  @Test
  void anUnmatchedSourceCanBeMadeAWarning() throws Exception {
    data("true", "100");
    BuildResult result = build(config("dataset.validation.checks.unmatched-source.severity=warn"));
    assertThat(result.rowsOut()).isEqualTo(4);
    assertThat(result.verdict()).isEqualTo("WARN");
  }

  @Test
  void aSourceWithAMatchPassesTheCheck() throws Exception {
    data("true", "0");
    BuildResult result = build(config());
    assertThat(result.verdict()).isEqualTo("PASS");
    ValidationReport report =
        new ReportStore(Spark3Util.loadIcebergTable(spark, catalog + ".datasets.empty").io())
            .read(result.report());
    CheckResult check =
        report.checks().stream()
            .filter(c -> c.check().equals("unmatched-source"))
            .findFirst()
            .orElseThrow();
    assertThat(check.outcome()).isEqualTo(CheckResult.Outcome.PASS);
    assertThat(check.detail()).isEqualTo("4 of 4 label rows with a key and a time matched");
  }
}
