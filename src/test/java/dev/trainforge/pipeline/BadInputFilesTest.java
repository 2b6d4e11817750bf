package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trainforge.InputMissingException;
import dev.trainforge.InvalidInputException;
import dev.trainforge.TrainforgeException;
import dev.trainforge.testing.Cli;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Permanent faults in the files a build reads are found before the join, from Parquet footers, and
 * named with the file, the column and the fix; never exit code 1, never a stack trace.
 */
class BadInputFilesTest {
  @TempDir Path dir;
  private SparkSession spark;
  private String catalog;

  @BeforeEach
  void setUp() {
    spark = SharedSpark.session();
    catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
  }

  /** Two labels on 2026-01-05 and 06 for user 1. */
  private void labels() {
    spark
        .sql(
            "SELECT * FROM VALUES ('a', TIMESTAMP'2026-01-05 13:00:00', 1L),"
                + " ('b', TIMESTAMP'2026-01-06 11:00:00', 1L) AS t(id, ts, user)")
        .write()
        .parquet(dir.resolve("labels").toString());
  }

  /** Daily partitions 2026-01-01..10, one row each at 12:00 for user 1, v = day of month. */
  private void dailyFeatures() {
    spark
        .sql(
            "SELECT 1L AS user, timestamp_micros(unix_micros(TIMESTAMP'2026-01-01 12:00:00')"
                + " + id * 86400000000) AS e, CAST(id + 1 AS INT) AS v,"
                + " date_add(DATE'2026-01-01', CAST(id AS INT)) AS event_date FROM range(10)")
        .repartition(1)
        .write()
        .partitionBy("event_date")
        .parquet(dir.resolve("features").toString());
  }

  /** Replaces the files of one partition with {@code sql}'s rows. */
  private String replacePartition(String date, String sql) throws IOException {
    Path partition = dir.resolve("features/event_date=" + date);
    org.apache.commons.io.FileUtils.deleteDirectory(partition.toFile());
    Path tmp = dir.resolve("tmp-" + date);
    spark.sql(sql).repartition(1).write().parquet(tmp.toString());
    Files.createDirectories(partition);
    try (var files = Files.list(tmp)) {
      for (Path f : files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList()) {
        Files.move(f, partition.resolve(f.getFileName()));
        return "event_date=" + date + "/" + f.getFileName();
      }
    }
    throw new AssertionError("no file written");
  }

  /** The only data file of one partition. */
  private Path fileOf(String date) throws IOException {
    try (var files = Files.list(dir.resolve("features/event_date=" + date))) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).findFirst().get();
    }
  }

  private Path config() throws IOException {
    Path file = dir.resolve("bad.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = bad",
            "  version = \"1\"",
            "  labels {",
            "    path = \"" + dir.resolve("labels") + "\"",
            "    id-column = id",
            "    time-column = ts",
            "    key-columns = [user]",
            "  }",
            "  features.f {",
            "    path = \"" + dir.resolve("features") + "\"",
            "    keys { user = user }",
            "    event-time-column = e",
            "    columns = [v]",
            "    max-age = 1d",
            "    partition-column = event_date",
            "  }",
            "}"));
    return file;
  }

  private <T extends TrainforgeException> T failure(Class<T> type) throws IOException {
    Path file = config();
    return catchThrowableOfType(
        type,
        () ->
            new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream()))
                .run(dev.trainforge.config.ConfigLoader.load(file, List.of())));
  }

  private String source() {
    return "Cannot build 'bad': feature source 'f' (parquet path '"
        + dir.resolve("features")
        + "')";
  }

  @Test
  void aPlannedFileWithoutAColumnIsNamedWithTheColumnAndExitsWithTwo() throws IOException {
    labels();
    dailyFeatures();
    String file =
        replacePartition(
            "2026-01-05", "SELECT 1L AS user, TIMESTAMP'2026-01-05 12:00:00' AS e, 5 AS w");
    InvalidInputException e = failure(InvalidInputException.class);
    assertThat(e.exitCode().code()).isEqualTo(2);
    assertThat(e.getMessage())
        .isEqualTo(
            source()
                + " file '"
                + file
                + "' has no column 'v' (expected int as in the other files; its columns are:"
                + " user, e, w) (rewrite the file with the source's schema, or cast the column"
                + " upstream)");
  }

  @Test
  void aPlannedFileWithAColumnOfAnotherTypeIsNamedWithBothTypes() throws IOException {
    labels();
    dailyFeatures();
    String file =
        replacePartition(
            "2026-01-06", "SELECT 1L AS user, TIMESTAMP'2026-01-06 12:00:00' AS e, 'six' AS v");
    InvalidInputException e = failure(InvalidInputException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            source()
                + " file '"
                + file
                + "' column 'v' is string, expected int as in the other files (rewrite the file"
                + " with the source's schema, or cast the column upstream)");
  }

  @Test
  void aTruncatedPlannedFileIsNamedAndExitsWithFourWithoutAStackTrace() throws IOException {
    labels();
    dailyFeatures();
    Path file = fileOf("2026-01-04");
    byte[] bytes = Files.readAllBytes(file);
    Files.write(file, java.util.Arrays.copyOf(bytes, bytes.length / 2));
    InputMissingException e = failure(InputMissingException.class);
    assertThat(e.exitCode().code()).isEqualTo(4);
    assertThat(e.getMessage())
        .startsWith(
            source()
                + " file 'event_date=2026-01-04/"
                + file.getFileName()
                + "' ("
                + bytes.length / 2
                + " bytes) is not a readable Parquet file, probably truncated or still being"
                + " written: ")
        .endsWith(
            " (rewrite or remove the file upstream; the build reads every file of the partitions"
                + " it plans)");

    Cli.Run run = Cli.run("generate", "--config", config().toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err()).startsWith(source() + " file 'event_date=2026-01-04/");
    assertThat(run.err().lines()).hasSize(1);
    assertThat(run.err()).doesNotContain("\tat ").doesNotContain("Exception");
  }

  @Test
  void aFileDamagedInsideItsDataExitsWithFourNamingTheFile() throws IOException {
    labels();
    dailyFeatures();
    Path file = fileOf("2026-01-05");
    byte[] bytes = Files.readAllBytes(file);
    // The footer stays intact, so the footer check passes; the pages are garbage.
    java.util.Arrays.fill(bytes, 4, 40, (byte) 0xFF);
    Files.write(file, bytes);
    Files.deleteIfExists(file.resolveSibling("." + file.getFileName() + ".crc"));
    Cli.Run run = Cli.run("generate", "--config", config().toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
    assertThat(run.err())
        .startsWith("Cannot read input file '" + file.toUri() + "': it is damaged: ")
        .endsWith(" (rewrite or remove the file upstream, then run again)\n");
    assertThat(run.err().lines()).hasSize(1);
  }

  @Test
  void aZeroByteFileIsReported() throws IOException {
    labels();
    dailyFeatures();
    Files.writeString(dir.resolve("features/event_date=2026-01-05/part-empty.parquet"), "");
    InputMissingException e = failure(InputMissingException.class);
    assertThat(e.getMessage())
        .isEqualTo(
            source()
                + " file 'event_date=2026-01-05/part-empty.parquet' is empty (0 bytes): not a"
                + " Parquet file, probably an interrupted write (rewrite or remove the file"
                + " upstream; the build reads every file of the partitions it plans)");
  }

  @Test
  void aPartitionDirectoryThatIsNotADateExitsWithTwo() throws IOException {
    labels();
    dailyFeatures();
    Files.move(
        dir.resolve("features/event_date=2026-01-09"), dir.resolve("features/event_date=garbage"));
    Cli.Run run = Cli.run("generate", "--config", config().toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            source()
                + " has a partition directory 'event_date=garbage' that is not a date"
                + " (partition-column 'event_date' must hold the UTC date of the event time,"
                + " yyyy-MM-dd; rename or remove that directory upstream, or unset"
                + " dataset.features.f.partition-column)\n");
  }

  @Test
  void anEmptyLabelDirectoryExitsWithFour() throws IOException {
    Files.createDirectories(dir.resolve("labels"));
    dailyFeatures();
    Cli.Run run = Cli.run("generate", "--config", config().toString());
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err())
        .isEqualTo(
            "Cannot build 'bad': label source path '"
                + dir.resolve("labels")
                + "' has no data files (an empty directory: land the data, or set"
                + " dataset.labels.path)\n");
  }

  @Test
  void aTruncatedLabelFileIsNamedAndExitsWithFour() throws IOException {
    labels();
    dailyFeatures();
    Path file;
    try (var files = Files.list(dir.resolve("labels"))) {
      file =
          files
              .filter(f -> f.getFileName().toString().endsWith(".parquet"))
              .sorted()
              .findFirst()
              .get();
    }
    Files.write(file, java.util.Arrays.copyOf(Files.readAllBytes(file), 20));
    Cli.Run run = Cli.run("generate", "--config", config().toString());
    assertThat(run.exitCode()).as(run.err()).isEqualTo(4);
    assertThat(run.err())
        .startsWith(
            "Cannot build 'bad': label source (parquet path '"
                + dir.resolve("labels")
                + "') file '"
                + file.getFileName()
                + "' (20 bytes) is not a readable Parquet file");
    assertThat(run.err()).doesNotContain("\tat ");
  }

  @Test
  void aRelativePathThatDoesNotExistSaysWhatItWasRelativeTo() throws IOException {
    dailyFeatures();
    Cli.Run run =
        Cli.run(
            "generate",
            "--config",
            config().toString(),
            "--set",
            "dataset.labels.path=no/such/labels");
    assertThat(run.exitCode()).isEqualTo(4);
    assertThat(run.err())
        .isEqualTo(
            "Cannot build 'bad': label source path 'no/such/labels' does not exist (set"
                + " dataset.labels.path; a relative path is read from the working directory '"
                + Path.of("").toAbsolutePath()
                + "', as '"
                + Path.of("no/such/labels").toAbsolutePath()
                + "')\n");
  }

  @Test
  void filesOutsideThePlanAreNotChecked() throws IOException {
    labels();
    dailyFeatures();
    Files.writeString(dir.resolve("features/event_date=2026-01-09/part-empty.parquet"), "");
    replacePartition("2026-01-10", "SELECT 1L AS user, 'x' AS e, 'ten' AS v");
    Path file = config();
    BuildResult result =
        new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream()))
            .run(dev.trainforge.config.ConfigLoader.load(file, List.of()));
    assertThat(result.rowsOut()).isEqualTo(2);
  }
}
