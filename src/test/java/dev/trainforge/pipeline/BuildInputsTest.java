package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.InvalidInputException;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.join.MatchStatus;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** How a build treats its inputs: schema checks, text times, null rows, source formats. */
class BuildInputsTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @BeforeEach
  void setUp() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
  }

  private void labels(String sql) {
    spark.sql(sql).write().parquet(dir.resolve("labels").toString());
  }

  private void features(String sql) {
    spark.sql(sql).write().parquet(dir.resolve("features").toString());
  }

  private BuildConfig config(String labelExtra, String featureExtra, String... overrides)
      throws IOException {
    Path file = dir.resolve("ds.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = inputs",
            "  version = \"1\"",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            labelExtra,
            "  }",
            "  features.f {",
            "    path = \"" + dir.resolve("features") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    columns = [v]",
            featureExtra,
            "  }",
            "}"));
    return ConfigLoader.load(file, List.of(overrides));
  }

  private BuildResult build(BuildConfig config) {
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream())).run(config);
  }

  @Test
  void missingColumnNamesTheSourceTheKeyAndTheColumns() throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS event_ts, 5 AS v");
    assertThatThrownBy(() -> build(config("", "")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': feature source 'f' (parquet path '"
                + dir.resolve("features")
                + "') has no column 'e' (set dataset.features.f.event-time-column; its columns are:"
                + " user, event_ts, v)");
  }

  @Test
  void anAggregationOfAColumnItCannotTakeNamesTheSourceTheAggregationAndTheFix()
      throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v, 'x' AS merchant");
    assertThatThrownBy(
            () ->
                build(
                    config(
                        "",
                        "aggregations.m_sum { function = sum, column = merchant, window = 1d }")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': feature source 'f' (parquet path '"
                + dir.resolve("features")
                + "'): aggregation 'm_sum' (sum) reads column 'merchant' of type string, and sum"
                + " needs a number column (point dataset.features.f.aggregations.m_sum.column at"
                + " another column)");
    assertThatThrownBy(
            () ->
                build(
                    config(
                        "",
                        "aggregations.m_max { function = max, column = merchnt, window = 1d }")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessageStartingWith(
            "Cannot build 'inputs': feature source 'f' (parquet path '"
                + dir.resolve("features")
                + "') has no column 'merchnt' (set dataset.features.f.aggregations.m_max.column;");
  }

  @Test
  void windowedAggregationsAreAttachedAsOfEachLabel() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-02 12:00:00', 1L),"
            + " ('b', TIMESTAMP'2026-01-03 12:00:00', 1L), ('c', TIMESTAMP'2026-01-03 12:00:00', 2L)"
            + " AS t(id, ts, user)");
    features(
        "SELECT * FROM VALUES (1L, TIMESTAMP'2026-01-01 13:00:00', 5),"
            + " (1L, TIMESTAMP'2026-01-02 11:00:00', 7), (1L, TIMESTAMP'2026-01-02 12:00:00', 100)"
            + " AS t(user, e, v)");
    BuildResult result =
        build(
            config(
                "",
                String.join(
                    "\n",
                    "aggregations {",
                    "  n_1d { function = count, window = 1d }",
                    "  v_sum_1d { function = sum, column = v, window = 1d }",
                    "  v_last2 { function = last-k, column = v, k = 2, window = 2d }",
                    "}")));
    List<Row> rows =
        spark
            .read()
            .option("versionAsOf", "v1")
            .table(catalog + ".datasets.inputs")
            .orderBy("id")
            .select("id", "n_1d", "v_sum_1d", "v_last2", "f__status")
            .collectAsList();
    // a: all three rows are inside its day, 12:00 too (e = τ; exact matches are allowed);
    // b: its day starts at 12:00 on the 2nd, exclusive, so none is inside, but two are in 2 days
    List<String> described = new java.util.ArrayList<>();
    for (Row r : rows) {
      described.add(
          r.getString(0) + " " + r.get(1) + " " + r.get(2) + " " + r.getList(3) + " " + r.get(4));
    }
    assertThat(described)
        .containsExactly(
            "a 3 112 [100, 7] MATCHED", "b 0 null [100, 7] MATCHED", "c 0 null [] NO_MATCH");
    assertThat(result.rowsOut()).isEqualTo(3);
  }

  @Test
  void keyTypesThatCannotBeEqualAreRejected() throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user");
    features("SELECT '1' AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    assertThatThrownBy(() -> build(config("", "")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': feature source 'f' (parquet path '"
                + dir.resolve("features")
                + "') key 'user' is string but label column 'user' is bigint (cast one side"
                + " upstream, or map another column in dataset.features.f.keys)");
  }

  @Test
  void integerKeysOfDifferentWidthsJoin() throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user");
    features("SELECT CAST(1 AS INT) AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    BuildResult result = build(config("", ""));
    assertThat(result.sources().get(0).count(MatchStatus.MATCHED)).isEqualTo(1);
  }

  @Test
  void textTimeWithoutAFormatIsRejected() throws IOException {
    labels("SELECT 'a' AS id, '2026-01-02 00:00:00' AS ts, 1L AS user");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    assertThatThrownBy(() -> build(config("", "")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': label source (parquet path '"
                + dir.resolve("labels")
                + "') time column 'ts' is text without a time-format (use a timestamp or date"
                + " column, or set dataset.labels.time-format for text)");
  }

  @Test
  void unparseableTextTimesAreCountedWithAnExample() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', '2026-01-02 00:00:00', 1L), ('b', '02/01/2026', 1L),"
            + " ('c', '2026-13-40 00:00:00', 1L) AS t(id, ts, user)");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    assertThatThrownBy(() -> build(config("time-format = \"yyyy-MM-dd HH:mm:ss\"", "")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': label source (parquet path '"
                + dir.resolve("labels")
                + "') column 'ts' has 2 values that do not parse with time-format 'yyyy-MM-dd"
                + " HH:mm:ss', e.g. '02/01/2026' (fix dataset.labels.time-format or the data)");
  }

  @Test
  void textTimesAreReadInTheirZone() throws IOException {
    // 10:00 in Berlin (UTC+1 in January) is 09:00 UTC: the 09:30 UTC feature row is not yet valid
    labels("SELECT 'a' AS id, '2026-01-02 10:00:00' AS ts, 1L AS user");
    features(
        "SELECT * FROM VALUES (1L, TIMESTAMP'2026-01-02 08:30:00', 1),"
            + " (1L, TIMESTAMP'2026-01-02 09:30:00', 2) AS t(user, e, v)");
    build(config("time-format = \"yyyy-MM-dd HH:mm:ss\"\n    time-zone = Europe/Berlin", ""));
    Row row =
        spark
            .read()
            .option("versionAsOf", "v1")
            .table(catalog + ".datasets.inputs")
            .select("ts", "f__v")
            .first();
    assertThat(row.getTimestamp(0).toInstant()).hasToString("2026-01-02T09:00:00Z");
    assertThat(row.getInt(1)).isEqualTo(1);
  }

  @Test
  void nullRowsAreKeptWithAStatusByDefault() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-02 00:00:00', 1L),"
            + " ('b', CAST(NULL AS TIMESTAMP), 1L), ('c', TIMESTAMP'2026-01-02 00:00:00', NULL)"
            + " AS t(id, ts, user)");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    // By default the gate refuses labels without a time (the spec); allow them here.
    BuildResult result =
        build(config("", "", "dataset.validation.checks.null-label-time.severity=warn"));
    assertThat(result.rowsOut()).isEqualTo(3);
    assertThat(result.verdict()).isEqualTo("WARN");
    SourceCounts f = result.sources().get(0);
    assertThat(f.count(MatchStatus.MATCHED)).isEqualTo(1);
    assertThat(f.count(MatchStatus.NULL_TIME)).isEqualTo(1);
    assertThat(f.count(MatchStatus.NULL_KEY)).isEqualTo(1);
  }

  @Test
  void droppedNullRowsAreCounted() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-02 00:00:00', 1L),"
            + " ('b', CAST(NULL AS TIMESTAMP), 1L), ('c', TIMESTAMP'2026-01-02 00:00:00', NULL)"
            + " AS t(id, ts, user)");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    BuildResult result = build(config("null-rows = drop", ""));
    assertThat(result.labelRowsRead()).isEqualTo(3);
    assertThat(result.labelRowsDropped()).isEqualTo(2);
    assertThat(result.rowsOut()).isEqualTo(1);
    assertThat(spark.read().option("versionAsOf", "v1").table(catalog + ".datasets.inputs").count())
        .isEqualTo(1);
  }

  /** Labels at, just after, and well after the last mature time 2026-01-18 (cut-off - 14d). */
  private void labelsAroundTheMaturityHorizon() {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-01 00:00:00', 1L),"
            + " ('b', TIMESTAMP'2026-01-18 00:00:00', 1L),"
            + " ('c', TIMESTAMP'2026-01-18 00:00:00.000001', 1L),"
            + " ('d', TIMESTAMP'2026-01-31 00:00:00', 1L) AS t(id, ts, user)");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
  }

  private static final String MATURITY =
      "maturity { horizon = 14d, cut-off = \"2026-02-01T00:00:00Z\" }";

  @Test
  void excludesLabelsWhoseHorizonHasNotClosedAndCountsThem() throws Exception {
    labelsAroundTheMaturityHorizon();
    BuildResult result = build(config(MATURITY, ""));
    assertThat(result.labelRowsRead()).isEqualTo(4);
    assertThat(result.rowsOut()).isEqualTo(2);
    assertThat(
            spark
                .read()
                .option("versionAsOf", "v1")
                .table(catalog + ".datasets.inputs")
                .select("id")
                .orderBy("id")
                .collectAsList())
        .map(r -> r.getString(0))
        .containsExactly("a", "b");
    org.apache.iceberg.Table table =
        org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, catalog + ".datasets.inputs");
    assertThat(table.currentSnapshot().summary())
        .containsEntry("trainforge.label-rows-immature", "2")
        .containsEntry("trainforge.label-rows-excluded-immature", "2");
    dev.trainforge.report.ValidationReport report =
        new dev.trainforge.report.ReportStore(table.io()).read(result.report());
    assertThat(report.checks())
        .filteredOn(c -> c.check().equals("immature-labels"))
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.value()).isEqualTo(2.0);
              assertThat(c.outcome()).isEqualTo(dev.trainforge.report.CheckResult.Outcome.SKIPPED);
              assertThat(c.detail()).isEqualTo("2 labels not yet mature, excluded");
            });
    assertThat(report.checks())
        .filteredOn(c -> c.check().equals("row-conservation"))
        .singleElement()
        .satisfies(c -> assertThat(c.value()).isEqualTo(0.0));
  }

  @Test
  void flagsImmatureLabelsWhenConfiguredAndWarnsWhenAsked() throws Exception {
    labelsAroundTheMaturityHorizon();
    BuildResult result =
        build(
            config(
                MATURITY + "\n maturity.action = flag",
                "",
                "dataset.validation.checks.immature-labels.severity=warn"));
    assertThat(result.rowsOut()).isEqualTo(4);
    assertThat(result.verdict()).isEqualTo("WARN");
    assertThat(
            spark
                .read()
                .option("versionAsOf", "v1")
                .table(catalog + ".datasets.inputs")
                .select("id", "label_mature")
                .orderBy("id")
                .collectAsList())
        .map(r -> r.getString(0) + "=" + r.get(1))
        .containsExactly("a=true", "b=true", "c=false", "d=false");
  }

  @Test
  void aHorizonWithoutACutOffIsAConfigError() {
    assertThatThrownBy(() -> config("maturity.horizon = 30d", ""))
        .isInstanceOf(dev.trainforge.config.ConfigException.class)
        .hasMessageContaining(
            "key 'dataset.labels.maturity.cut-off' is not set but dataset.labels.maturity.horizon"
                + " is (set it to when the labels were observed, e.g. \"2026-02-01T00:00:00Z\","
                + " or to \"window-end\")");
    assertThatThrownBy(() -> config("maturity { horizon = 30d, cut-off = window-end }", ""))
        .isInstanceOf(dev.trainforge.config.ConfigException.class)
        .hasMessageContaining(
            "key 'dataset.labels.maturity.cut-off' is 'window-end' but dataset.labels.window.end"
                + " is not set (set the window end, or an ISO-8601 cut-off instant)");
  }

  @Test
  void labelWindowSelectsRows() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-01 23:59:59', 1L),"
            + " ('b', TIMESTAMP'2026-01-02 00:00:00', 1L), ('c', TIMESTAMP'2026-01-03 00:00:00', 1L)"
            + " AS t(id, ts, user)");
    features("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v");
    BuildResult result =
        build(
            config(
                "window { start = \"2026-01-02T00:00:00Z\", end = \"2026-01-03T00:00:00Z\" }", ""));
    assertThat(result.rowsOut()).isEqualTo(1);
  }

  @Test
  void readsAnIcebergLabelTableAndADeltaFeatureTable() throws IOException {
    spark.sql("CREATE NAMESPACE IF NOT EXISTS " + catalog + ".raw");
    spark
        .sql("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user")
        .writeTo(catalog + ".raw.labels")
        .createOrReplace();
    spark
        .sql("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v")
        .write()
        .format("delta")
        .save(dir.resolve("features").toString());
    BuildResult result =
        build(
            config(
                "",
                "format = delta",
                "dataset.labels.format=iceberg",
                "dataset.labels.path=null",
                "dataset.labels.table=" + catalog + ".raw.labels"));
    assertThat(result.sources().get(0).count(MatchStatus.MATCHED)).isEqualTo(1);
  }

  /** Daily partitions 2026-01-01..10 with one row each at 12:00, value = day of month. */
  private void dailyFeatures() {
    spark
        .sql(
            "SELECT 1L AS user, timestamp_micros(unix_micros(TIMESTAMP'2026-01-01 12:00:00')"
                + " + id * 86400000000) AS e, CAST(id + 1 AS INT) AS v FROM range(10)")
        .withColumn(
            "event_date",
            org.apache.spark.sql.functions.to_date(org.apache.spark.sql.functions.col("e")))
        .write()
        .partitionBy("event_date")
        .parquet(dir.resolve("features").toString());
  }

  private void corrupt(String date) throws IOException {
    Path partition = dir.resolve("features/event_date=" + date);
    try (var files = Files.list(partition)) {
      for (Path f : files.toList()) {
        Files.delete(f);
      }
    }
    Files.writeString(partition.resolve("part-00000-corrupt.parquet"), "not parquet");
  }

  @Test
  void readsOnlyThePlannedPartitions() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-05 13:00:00', 1L),"
            + " ('b', TIMESTAMP'2026-01-06 11:00:00', 1L) AS t(id, ts, user)");
    dailyFeatures();
    // outside the plan 2026-01-04..2026-01-06: reading any of these would fail the build (the
    // first partition stays whole: Spark infers the schema from one file's footer)
    corrupt("2026-01-02");
    corrupt("2026-01-03");
    corrupt("2026-01-07");
    corrupt("2026-01-10");
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BuildResult result =
        new DatasetBuild(spark, new PrintStream(log))
            .run(config("", "max-age = 1d\n    partition-column = event_date"));
    assertThat(result.sources().get(0).count(MatchStatus.MATCHED)).isEqualTo(2);
    assertThat(log.toString())
        .contains(
            "Feature source 'f': plans event_date=2026-01-04..2026-01-06; 10 partitions exist"
                + " (2026-01-01..2026-01-10); reads 3; missing 0");
    List<Row> values =
        spark
            .read()
            .option("versionAsOf", "v1")
            .table(catalog + ".datasets.inputs")
            .orderBy("id")
            .select("f__v")
            .collectAsList();
    assertThat(values).extracting(r -> r.getInt(0)).containsExactly(5, 5);
  }

  @Test
  void aGapInsideThePlanFailsUnlessAllowed() throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-06 13:00:00' AS ts, 1L AS user");
    dailyFeatures();
    org.apache.commons.io.FileUtils.deleteDirectory(
        dir.resolve("features/event_date=2026-01-05").toFile());
    assertThatThrownBy(() -> build(config("", "max-age = 2d\n    partition-column = event_date")))
        .isInstanceOf(dev.trainforge.InputMissingException.class)
        .hasMessage(
            "Cannot build 'inputs': feature source 'f' (parquet path '"
                + dir.resolve("features")
                + "') is missing 1 event_date partitions inside the planned range"
                + " 2026-01-04..2026-01-06: [2026-01-05], planned from label times"
                + " 2026-01-06T13:00:00Z .. 2026-01-06T13:00:00Z (land them, or set"
                + " dataset.features.f.allow-partition-gaps = true if the source has no rows on those"
                + " dates; a label time far from the source's dates is wrong upstream, or outside"
                + " dataset.labels.window)");
    BuildResult result =
        build(
            config(
                "",
                "max-age = 2d\n    partition-column = event_date\n    allow-partition-gaps = true"));
    assertThat(result.sources().get(0).count(MatchStatus.MATCHED)).isEqualTo(1);
  }

  @Test
  void aDeltaSourceIsPlannedFromItsPartitionsListedBesideTheLabelScan() throws IOException {
    labels(
        "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-05 13:00:00', 1L),"
            + " ('b', TIMESTAMP'2026-01-06 11:00:00', 1L) AS t(id, ts, user)");
    spark
        .sql(
            "SELECT 1L AS user, timestamp_micros(unix_micros(TIMESTAMP'2026-01-01 12:00:00')"
                + " + id * 86400000000) AS e, CAST(id + 1 AS INT) AS v,"
                + " DATE'2026-01-01' + CAST(id AS INT) AS event_date FROM range(10)")
        .write()
        .format("delta")
        .partitionBy("event_date")
        .save(dir.resolve("features").toString());
    ByteArrayOutputStream log = new ByteArrayOutputStream();
    BuildResult result =
        new DatasetBuild(spark, new PrintStream(log))
            .run(config("", "format = delta\n    max-age = 1d\n    partition-column = event_date"));
    assertThat(log.toString())
        .contains(
            "Feature source 'f': plans event_date=2026-01-04..2026-01-06; 10 partitions exist"
                + " (2026-01-01..2026-01-10); reads 3; missing 0");
    assertThat(result.sources().get(0).count(MatchStatus.MATCHED)).isEqualTo(2);
  }

  @Test
  void aDeltaPartitionThatIsNotADateFailsTheBuildNamingIt() throws IOException {
    labels("SELECT 'a' AS id, TIMESTAMP'2026-01-05 13:00:00' AS ts, 1L AS user");
    spark
        .sql(
            "SELECT 1L AS user, TIMESTAMP'2026-01-04 12:00:00' AS e, 4 AS v,"
                + " 'yesterday' AS event_date")
        .write()
        .format("delta")
        .partitionBy("event_date")
        .save(dir.resolve("features").toString());
    assertThatThrownBy(
            () ->
                build(
                    config(
                        "", "format = delta\n    max-age = 1d\n    partition-column = event_date")))
        .isInstanceOf(InvalidInputException.class)
        .hasMessage(
            "Cannot build 'inputs': feature source 'f' (delta path '"
                + dir.resolve("features")
                + "') has a partition directory 'event_date=yesterday' that is not a date"
                + " (partition-column 'event_date' must hold the UTC date of the event time,"
                + " yyyy-MM-dd; rename or remove that directory upstream, or unset"
                + " dataset.features.f.partition-column)");
  }
}
