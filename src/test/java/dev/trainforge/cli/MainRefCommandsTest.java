package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.OutputSpec;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.VersionPublisher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** promote, rollback and retract move main in one commit, with the reason, who and when. */
class MainRefCommandsTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;
  private String table;

  @Test
  void rollbackRetractAndPromoteMoveMainAndRecordWhy() throws Exception {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir).catalog().name();
    table = catalog + ".datasets.refs";
    VersionPublisher publisher =
        new VersionPublisher(spark, new OutputSpec(catalog, "datasets", "refs"));
    for (int v = 1; v <= 3; v++) {
      Dataset<Row> rows = spark.sql("SELECT explode(sequence(1, " + v + ")) AS n");
      var audit = publisher.openAuditBranch(rows.schema(), "v" + v, Duration.ofDays(1));
      publisher.publish(
          publisher.write(audit, rows, Map.of("version", String.valueOf(v))), "v" + v, v + ":0");
      Thread.sleep(5); // distinct commit times order the versions
    }

    Run rollback = cli("rollback", "--reason", "v3 has wrong labels");
    assertThat(rollback.exitCode()).as(rollback.err()).isZero();
    assertThat(rollback.out())
        .startsWith("main -> v2 (snapshot " + snapshot("v2") + "), was v3; rolled back to ")
        .contains(" by " + System.getProperty("user.name") + "@")
        .endsWith(": v3 has wrong labels\n");
    assertThat(mainRows()).isEqualTo(2);

    Run retract = cli("retract", "v2", "--reason", "v2 leaks");
    assertThat(retract.exitCode()).as(retract.err()).isZero();
    assertThat(retract.out()).startsWith("main -> v1 (snapshot " + snapshot("v1") + "), was v2;");
    assertThat(mainRows()).isEqualTo(1);
    assertThat(spark.read().option("versionAsOf", "v2").table(table).count())
        .as("a retracted version stays readable by its tag")
        .isEqualTo(2);

    List<String> list = cli("list").out().lines().toList();
    assertThat(list.get(list.size() - 2)).startsWith("v2: retracted ").endsWith(": v2 leaks");
    assertThat(list.get(list.size() - 1)).startsWith("main: retracted ").endsWith(": v2 leaks");
    assertThat(cli("show", "v2").out()).contains("retracted").contains(": v2 leaks");

    Run noOlder = cli("rollback", "--reason", "again");
    assertThat(noOlder.exitCode()).isEqualTo(2);
    assertThat(noOlder.err().trim())
        .isEqualTo(
            "Cannot roll back '"
                + table
                + "': no version older than v1 that is not retracted (promote one by name)");

    Run promote = cli("promote", "v2", "--reason", "false alarm");
    assertThat(promote.exitCode()).as(promote.err()).isZero();
    assertThat(mainRows()).isEqualTo(2);
    assertThat(cli("list").out()).doesNotContain("v2: retracted").contains("main: promoted ");

    Run noReason = cli("promote", "v3");
    assertThat(noReason.exitCode()).as("usage error").isEqualTo(2);
    assertThat(noReason.err()).contains("Missing required option: '--reason=TEXT'");
  }

  private Run cli(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(
        List.of(
            "--table",
            table,
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--set",
            "trainforge.catalog.uri=\"jdbc:sqlite:" + dir.resolve("catalog.db") + "\"",
            "--set",
            "trainforge.catalog.warehouse=\"" + dir.resolve("warehouse") + "\""));
    return Cli.run(all);
  }

  private long snapshot(String tag) throws Exception {
    Table t = Spark3Util.loadIcebergTable(spark, table);
    return t.snapshot(tag).snapshotId();
  }

  private long mainRows() {
    spark.sql("REFRESH TABLE " + table);
    return spark.read().table(table).count();
  }
}
