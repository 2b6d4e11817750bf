package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.config.OutputSpec;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.VersionPublisher;
import dev.trainforge.version.VersionStateException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A lost catalog never forks the history: a build over a warehouse that already holds the table
 * refuses to create a new one there, and {@code register} lists every old version again.
 */
class LostCatalogTest {
  @TempDir Path dir;

  @Test
  void aNewCatalogOverAnOldTableRefusesToCreateItAndRegisterBringsItsVersionsBack()
      throws Exception {
    SparkSession spark = SharedSpark.session();
    String old = SharedSpark.freshCatalog(dir).catalog().name();
    VersionPublisher first = new VersionPublisher(spark, new OutputSpec(old, "datasets", "lost"));
    Dataset<Row> rows = spark.sql("SELECT 'a' AS id");
    var audit = first.openAuditBranch(rows.schema(), "v1", Duration.ofDays(1));
    first.publish(first.write(audit, rows, Map.of("version", "1")), "v1", "1:0");

    // The catalog file is lost: a new one, under another name, over the same warehouse.
    String fresh = "fresh_" + Long.toHexString(System.nanoTime());
    List<String> settings =
        List.of(
            "--set",
            "trainforge.catalog.name=" + fresh,
            "--set",
            "trainforge.catalog.uri=\"jdbc:sqlite:" + dir.resolve("new-catalog.db") + "\"",
            "--set",
            "trainforge.catalog.warehouse=\"" + dir.resolve("warehouse") + "\"");
    Run none = cli("list", settings);
    assertThat(none.exitCode()).isEqualTo(4);
    // list reads metadata without Spark; the publisher below goes through the session's catalog.
    dev.trainforge.spark.SparkSessions.configure(
        spark,
        dev.trainforge.config.ConfigLoader.settings(
            List.of(settings.get(1), settings.get(3), settings.get(5))));

    VersionPublisher second =
        new VersionPublisher(spark, new OutputSpec(fresh, "datasets", "lost"));
    String location = dir.resolve("warehouse").resolve("datasets").resolve("lost").toString();
    assertThatThrownBy(() -> second.openAuditBranch(rows.schema(), "v2", Duration.ofDays(1)))
        .isInstanceOf(VersionStateException.class)
        .hasMessageStartingWith(
            "Cannot create " + fresh + ".datasets.lost: its location " + location)
        .hasMessageContaining(" already holds an Iceberg table (newest metadata ")
        .hasMessageEndingWith(
            ") that this catalog does not know, probably because the catalog was lost or"
                + " replaced; creating a new table there would hide every version it has"
                + " (register it again: ./submit.sh register --config <dataset file>, or point"
                + " trainforge.catalog.uri at the catalog that knew it)");

    Run register = cli("register", settings);
    assertThat(register.exitCode()).as(register.err()).isZero();
    assertThat(register.out())
        .startsWith("Registered " + fresh + ".datasets.lost from ")
        .contains(".metadata.json");
    Run list = cli("list", settings);
    assertThat(list.exitCode()).as(list.err()).isZero();
    assertThat(list.out()).containsPattern("(?m)^v1 .* main$");
    Run again = cli("register", settings);
    assertThat(again.exitCode()).isEqualTo(2);
  }

  private Run cli(String command, List<String> settings) {
    List<String> args = new java.util.ArrayList<>(List.of(command, "--table"));
    args.add(settings.get(1).substring("trainforge.catalog.name=".length()) + ".datasets.lost");
    args.addAll(settings);
    return Cli.run(args);
  }
}
