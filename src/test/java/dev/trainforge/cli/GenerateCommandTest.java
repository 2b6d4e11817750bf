package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

/** The sample build, end to end through the command line, as a newcomer runs it. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class GenerateCommandTest {
  private static final String CONFIG = "conf/datasets/card_fraud.conf";
  private static Path home;
  private static String catalog;
  private static SparkSession spark;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
    home = SharedSpark.tempDir("trainforge-e2e");
    catalog = "e2e_" + Long.toHexString(System.nanoTime());
  }

  private static Run generate(String... extra) {
    List<String> args = new ArrayList<>(List.of("generate", "--config", CONFIG));
    args.addAll(
        List.of("--set", "trainforge.home=" + home, "--set", "trainforge.catalog.name=" + catalog));
    args.addAll(List.of(extra));
    return Cli.run(args);
  }

  /** The commit of this work tree, as git tells it: the one the build was compiled from. */
  private static String gitHead() {
    try {
      Process git =
          new ProcessBuilder("git", "rev-parse", "HEAD").redirectErrorStream(true).start();
      String out =
          new String(git.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8)
              .strip();
      assertThat(git.waitFor()).as(out).isZero();
      return out;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }

  private static Table table() {
    try {
      return Spark3Util.loadIcebergTable(spark, catalog + ".datasets.card_fraud");
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @Test
  @Order(1)
  void buildsTheSampleVersionAndTagsIt() {
    Run run = generate();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .contains("Built 'card_fraud' version 1")
        .contains("rows       20000 out = 20000 label rows in")
        .contains("tag        v1");

    Table table = table();
    assertThat(table.refs()).containsOnlyKeys("main", "v1");
    assertThat(table.refs().get("v1").isTag()).isTrue();
    Snapshot snapshot = table.snapshot("v1");
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(snapshot.snapshotId());
    Map<String, String> summary = snapshot.summary();
    String hash = ConfigLoader.load(Path.of(CONFIG), List.of()).configHash();
    assertThat(summary)
        .containsEntry("trainforge.dataset", "card_fraud")
        .containsEntry("trainforge.version", "1")
        .containsEntry("trainforge.config-sha256", hash)
        .containsEntry("trainforge.label-rows", "20000")
        .containsEntry("trainforge.window-start", "")
        .containsKey("trainforge.code-version")
        .containsKey("trainforge.config")
        .containsEntry("total-records", "20000");

    // The recorded config keeps the paths as written (its hash is the README's); the absolute
    // URIs are recorded beside it and in the pins, with the commit, host and user of the build.
    assertThat(summary.get("trainforge.config")).contains("\"sample-data/transactions\"");
    String labelsUri = "file:" + Path.of("sample-data/transactions").toAbsolutePath().normalize();
    assertThat(summary.get("trainforge.config-locations"))
        .contains("\"labels\":\"" + labelsUri + "\"")
        .contains(
            "\"feature:user_auth\":\"file:"
                + Path.of("sample-data/user_auth_events").toAbsolutePath().normalize()
                + "\"")
        .contains("\"output\":\"file:" + home.toAbsolutePath().normalize());
    assertThat(summary.get("trainforge.inputs")).contains("\"uri\":\"" + labelsUri + "\"");
    assertThat(summary)
        .containsEntry("trainforge.code-commit", gitHead())
        .containsEntry("trainforge.user", System.getProperty("user.name"))
        .containsEntry("trainforge.host", dev.trainforge.version.CodeVersion.host());
    assertThat(summary.get("trainforge.code-commit")).matches("[0-9a-f]{40}");

    Dataset<Row> v1 =
        spark.read().option("versionAsOf", "v1").table(catalog + ".datasets.card_fraud");
    long labels = spark.read().parquet("sample-data/transactions").count();
    assertThat(v1.count()).isEqualTo(labels);
    assertThat(v1.select("transaction_id").distinct().count()).isEqualTo(labels);
  }

  @Test
  @Order(2)
  void everyRowPassesTheLeakageAudit() {
    Dataset<Row> v1 =
        spark.read().option("versionAsOf", "v1").table(catalog + ".datasets.card_fraud");
    v1.createOrReplaceTempView("v1");
    Row r =
        spark
            .sql(
                "SELECT"
                    // e <= t - g and, with a max age, e >= t - M
                    + " count_if(user_profile__status = 'MATCHED' AND (user_profile__event_time > txn_time"
                    + "   OR user_profile__available_time > txn_time"
                    + "   OR user_profile__event_time < txn_time - INTERVAL 3 DAYS)),"
                    + " count_if(merchant_risk__status = 'MATCHED' AND (merchant_risk__event_time > txn_time - INTERVAL 1 HOUR"
                    + "   OR merchant_risk__event_time < txn_time - INTERVAL 14 DAYS)),"
                    // exact matches excluded, available 5 minutes after the event
                    + " count_if(user_auth__status = 'MATCHED' AND (user_auth__event_time >= txn_time"
                    + "   OR user_auth__available_time > txn_time"
                    + "   OR user_auth__event_time < txn_time - INTERVAL 1 DAY)),"
                    + " count_if(user_profile__status = 'MATCHED'),"
                    + " count_if(user_profile__status NOT IN ('MATCHED', 'NO_MATCH', 'NULL_KEY', 'NULL_TIME')),"
                    + " count_if(merchant_risk__status = 'NULL_KEY'),"
                    + " count_if(user_profile__status IS NULL OR merchant_risk__status IS NULL OR user_auth__status IS NULL),"
                    + " count_if(user_profile__status <> 'MATCHED' AND user_profile__txn_count_7d IS NOT NULL)"
                    + " FROM v1")
            .first();
    assertThat(r.getLong(0)).as("user_profile rows from the future or too old").isZero();
    assertThat(r.getLong(1)).as("merchant_risk rows within the serving lag or too old").isZero();
    assertThat(r.getLong(2)).as("user_auth exact matches or too old").isZero();
    assertThat(r.getLong(3)).as("matched user_profile rows").isGreaterThan(10_000);
    assertThat(r.getLong(4)).as("user_profile rows with a status outside the contract").isZero();
    assertThat(r.getLong(5)).as("labels with a null merchant").isPositive();
    assertThat(r.getLong(6)).as("rows without a status").isZero();
    assertThat(r.getLong(7)).as("values on rows that did not match").isZero();
  }

  @Test
  @Order(3)
  void theSameBuildAgainPrintsThePublishedVersionAndRecomputesNothing() {
    assertPrintsThePublishedVersionAndCommitsNothing(GenerateCommandTest::generate);
  }

  @Test
  @Order(3)
  void aBuildStartedAfterTheLightJvmsCheckStillFindsThePublishedVersion() {
    // As submit.sh runs the build's JVM after the light JVM found a build needed: a version
    // published meanwhile is found by the build itself, and left as it is.
    assertPrintsThePublishedVersionAndCommitsNothing(
        () -> {
          System.setProperty(GenerateCommand.CHECKED, "true");
          try {
            return generate();
          } finally {
            System.clearProperty(GenerateCommand.CHECKED);
          }
        });
  }

  /** Runs {@code generate} of the published v1, which must print it and commit nothing. */
  private static void assertPrintsThePublishedVersionAndCommitsNothing(
      java.util.function.Supplier<Run> generate) {
    long before = table().currentSnapshot().snapshotId();
    int snapshots = 0;
    for (Snapshot ignored : table().snapshots()) {
      snapshots++;
    }
    Run run = generate.get();
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out())
        .startsWith(
            "Version 1 of 'card_fraud' already existed with the same config and input pins;"
                + " nothing was recomputed")
        .contains("tag        v1 (snapshot " + before + ")");
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(before);
    int after = 0;
    for (Snapshot ignored : table().snapshots()) {
      after++;
    }
    assertThat(after).isEqualTo(snapshots);
  }

  @Test
  @Order(4)
  void aDriftedVersionFailsTheGateAndLeavesMainAsItWas() throws Exception {
    // A max age of one day instead of three empties many user_profile values: a shifted
    // distribution that the PSI against v1 (the latest published version) catches.
    long mainBefore = table().currentSnapshot().snapshotId();
    Run run =
        generate("--set", "dataset.version=2", "--set", "dataset.features.user_profile.max-age=1d");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(3);
    assertThat(run.err())
        .startsWith("Cannot publish 'card_fraud' v2: validation failed (psi on user_profile__")
        .contains("Nothing was published; the audit snapshot")
        .contains("(fix the inputs, or relax dataset.validation.checks if the change is expected)");
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(mainBefore);
    assertThat(table().refs().keySet()).contains("main", "v1").doesNotContain("v2");
    String branch =
        table().refs().keySet().stream().filter(r -> r.startsWith("audit_v2_")).findFirst().get();
    assertThat(table().refs().get(branch).maxRefAgeMs()).isEqualTo(7L * 24 * 3600 * 1000);

    String report = table().snapshot(branch).summary().get("trainforge.report");
    JsonNode json = new ObjectMapper().readTree(Path.of(report).toFile());
    assertThat(json.get("verdict").asText()).isEqualTo("FAIL");
    assertThat(json.at("/baseline/tag").asText()).isEqualTo("v1");
    assertThat(json.at("/baseline/snapshot-id").asLong()).isEqualTo(mainBefore);
    assertThat(Path.of(report).resolveSibling("report.html")).exists();
  }

  @Test
  @Order(5)
  void aNewVersionLeavesTheOldOneAsItWas() throws Exception {
    String table = catalog + ".datasets.card_fraud";
    String v1Before = ContentChecksum.of(spark.read().option("versionAsOf", "v1").table(table));
    String v1Report = table().snapshot("v1").summary().get("trainforge.report");
    Path resultFile = home.resolve("results/v2.json");
    Run run =
        generate(
            "--set",
            "dataset.version=2",
            "--set",
            "dataset.features.user_profile.max-age=1d",
            // The drift is expected this time: it warns instead of failing.
            "--set",
            "dataset.validation.checks.psi.fail=null",
            "--run-id",
            "scheduled__2026-01-05T00:00:00+00:00",
            "--result-file",
            resultFile.toString());
    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("validation WARN, report ");
    assertThat(table().refs().keySet()).contains("main", "v1", "v2");
    long v2Snapshot = table().snapshot("v2").snapshotId();
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(v2Snapshot);
    Map<String, String> summary = table().snapshot("v2").summary();
    assertThat(summary)
        .containsEntry("trainforge.run-id", "scheduled__2026-01-05T00:00:00+00:00")
        .containsKey("trainforge.report");
    assertThat(summary.get("trainforge.report")).isNotEqualTo(v1Report);
    JsonNode result = new ObjectMapper().readTree(resultFile.toFile());
    assertThat(result.get("snapshot-id").asLong()).isEqualTo(v2Snapshot);
    assertThat(result.get("tag").asText()).isEqualTo("v2");
    assertThat(result.get("verdict").asText()).isEqualTo("WARN");
    assertThat(result.get("rows-out").asLong()).isEqualTo(20000);
    assertThat(result.at("/sources/user_profile/MATCHED").asLong()).isPositive();
    String v1After = ContentChecksum.of(spark.read().option("versionAsOf", "v1").table(table));
    String v2 = ContentChecksum.of(spark.read().option("versionAsOf", "v2").table(table));
    assertThat(v1After).isEqualTo(v1Before);
    assertThat(v2).isNotEqualTo(v1Before);
  }

  @Test
  @Order(6)
  void missingInputExitsWithFourAndPublishesNothing() {
    long before = table().currentSnapshot().snapshotId();
    Run run =
        generate("--set", "dataset.version=3", "--set", "dataset.labels.path=sample-data/nope");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err().trim())
        .isEqualTo(
            "Cannot build 'card_fraud': label source path 'sample-data/nope' does not exist (set"
                + " dataset.labels.path; a relative path is read from the working directory '"
                + Path.of("").toAbsolutePath()
                + "', as '"
                + Path.of("sample-data/nope").toAbsolutePath()
                + "')");
    assertThat(table().currentSnapshot().snapshotId()).isEqualTo(before);
    assertThat(table().refs()).doesNotContainKey("v3");
  }

  @Test
  void helpListsTheExitCodes() {
    StringWriter out = new StringWriter();
    int code = Main.commandLine().setOut(new PrintWriter(out)).execute("--help");
    assertThat(code).isZero();
    assertThat(out.toString())
        .contains("Exit codes:")
        .contains("0   success")
        .contains("2   usage or configuration error")
        .contains("3   validation failed")
        .contains("rebuild: the content differs from the recorded checksum")
        .contains("verify       Checks a published version against the checksum recorded")
        .contains("rebuild      Rebuilds a published version from its pinned inputs and")
        .contains("4   an input is missing")
        .contains("generate");
  }

  @Test
  void configErrorExitsWithTwo() {
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setErr(new PrintWriter(err))
            .execute("generate", "--config", CONFIG, "--set", "dataset.labels.formt=parquet");
    assertThat(code).isEqualTo(2);
    assertThat(err.toString().trim())
        .isEqualTo(
            "Invalid configuration: --set dataset.labels.formt=parquet: 1: unknown key"
                + " 'dataset.labels.formt' (did you mean 'dataset.labels.format'?)");
  }
}
