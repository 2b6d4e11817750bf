package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.OutputSpec;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.VersionPublisher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A damaged store (a deleted data file, a catalog file that is not a database) gets one line. */
class DamagedStoreTest {
  @TempDir Path dir;

  @Test
  void verifyOfAVersionWhoseDataFileWasDeletedExitsFourWithoutATrace() throws Exception {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir).catalog().name();
    VersionPublisher publisher =
        new VersionPublisher(spark, new OutputSpec(catalog, "datasets", "gone"));
    Dataset<Row> rows = spark.sql("SELECT 'a' AS id");
    var audit = publisher.openAuditBranch(rows.schema(), "v1", Duration.ofDays(1));
    publisher.publish(publisher.write(audit, rows, Map.of("version", "1")), "v1", "1:0");
    try (Stream<Path> files = Files.walk(dir.resolve("warehouse"))) {
      for (Path f : files.filter(p -> p.toString().endsWith(".parquet")).toList()) {
        Files.delete(f);
      }
    }
    Run run =
        Cli.run(
            "verify",
            "1",
            "--table",
            catalog + ".datasets.gone",
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--set",
            "trainforge.catalog.uri=\"jdbc:sqlite:" + dir.resolve("catalog.db") + "\"",
            "--set",
            "trainforge.catalog.warehouse=\"" + dir.resolve("warehouse") + "\"");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
    assertThat(run.err().lines().toList()).hasSize(1);
    assertThat(run.err())
        .startsWith("Cannot read a data file of an Iceberg table: ")
        .endsWith(
            " (a file the table's metadata lists was deleted or moved outside Iceberg: restore it"
                + " from a backup, or rebuild the version)\n");
  }

  @Test
  void aCatalogFileThatIsNotADatabaseExitsTwoNamingTheSetting() throws Exception {
    Path bad = dir.resolve("catalog.db");
    Files.writeString(
        bad, "this is not a database, it is a text file that got copied here\n".repeat(50));
    String name = "bad_" + Long.toHexString(System.nanoTime());
    Run run =
        Cli.run(
            List.of(
                "list",
                "--table",
                name + ".datasets.t",
                "--set",
                "trainforge.catalog.name=" + name,
                "--set",
                "trainforge.catalog.uri=\"jdbc:sqlite:" + bad + "\"",
                "--set",
                "trainforge.catalog.warehouse=\"" + dir.resolve("warehouse") + "\""));
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().toList()).hasSize(1);
    assertThat(run.err().trim())
        .endsWith(
            ": key 'trainforge.catalog.uri' names "
                + bad
                + ", which is not a SQLite database (point it at the catalog.db that builds wrote,"
                + " or move the file away to start an empty catalog, then `register` the tables)");
  }
}
