package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.spark.BuildCost;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.VersionPublisher;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The cost of a real build, from Spark's metrics, against what the inputs are: the files and bytes
 * on disk, the rows written; a shuffle per key group; task time per input and per phase.
 */
class BuildCostTest {
  @TempDir Path dir;

  @Test
  void costPerInputMatchesTheFilesBytesAndRowsOnDisk() throws Exception {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    // 300 labels in 3 files; 500 user rows in 4 files; 40 merchant rows in 1 file.
    spark
        .sql(
            "SELECT concat('l', id) AS id, timestamp_seconds(1767225600 + id * 60) AS ts,"
                + " id % 50 AS user, id % 7 AS merchant FROM range(300)")
        .repartition(3)
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT id % 50 AS user, timestamp_seconds(1767225600 + id * 30 - 3600) AS e,"
                + " id AS v FROM range(500)")
        .repartition(4)
        .write()
        .parquet(dir.resolve("users").toString());
    spark
        .sql(
            "SELECT id % 7 AS merchant, timestamp_seconds(1767225600 - id) AS e, id AS w"
                + " FROM range(40)")
        .coalesce(1)
        .write()
        .parquet(dir.resolve("merchants").toString());

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    BuildResult built =
        new DatasetBuild(spark, new PrintStream(out, true)).run(config(catalog), null);
    BuildCost cost = built.cost();

    assertThat(cost.sources())
        .extracting(BuildCost.Source::role)
        .containsExactly("labels", "feature:merchants", "feature:users");
    expect(source(cost, "labels"), dir.resolve("labels"), 3, 300);
    expect(source(cost, "feature:users"), dir.resolve("users"), 4, 500);
    expect(source(cost, "feature:merchants"), dir.resolve("merchants"), 1, 40);

    // Two keys, two shuffles: each carries the labels and its source's rows.
    assertThat(cost.keyGroups())
        .extracting(g -> g.keys() + " " + g.sources())
        .containsExactlyInAnyOrder("[user] [users]", "[merchant] [merchants]");
    for (BuildCost.KeyGroup g : cost.keyGroups()) {
      long featureRows = g.sources().contains("users") ? 500 : 40;
      assertThat(g.shuffleRecordsWritten())
          .as(g.toString())
          .isGreaterThanOrEqualTo(300 + featureRows);
      assertThat(g.shuffleBytesWritten()).as(g.toString()).isPositive();
      assertThat(g.shuffleBytesRead()).as(g.toString()).isEqualTo(g.shuffleBytesWritten());
    }

    // Phases: every one has wall time; the join's tasks are in the join's phase; the task time
    // of the phases adds up to no less than the task time of the inputs' reads.
    assertThat(cost.phases()).extracting(BuildCost.Phase::phase).contains("publish v1");
    assertThat(cost.phases()).allSatisfy(p -> assertThat(p.wallMillis()).isNotNegative());
    assertThat(
            cost.phases().stream()
                .filter(p -> p.phase().startsWith("as-of join"))
                .mapToLong(BuildCost.Phase::taskMillis)
                .sum())
        .isPositive();
    long inputTasks = cost.sources().stream().mapToLong(BuildCost.Source::taskMillis).sum();
    assertThat(cost.taskMillis()).isGreaterThanOrEqualTo(inputTasks);

    // The result file, report.json, report.html and the table carry the same figures.
    JsonNode result = new ObjectMapper().readTree(built.toJson());
    assertThat(result.at("/cost/sources/0/role").asText()).isEqualTo("labels");
    assertThat(result.at("/cost/sources/0/files").asLong()).isEqualTo(3);
    assertThat(result.at("/cost/sources/0/bytes").asLong())
        .isEqualTo(bytesOnDisk(dir.resolve("labels")));
    assertThat(result.at("/cost/key-groups").size()).isEqualTo(2);
    assertThat(result.at("/cost/phases").size()).isEqualTo(cost.phases().size());
    ValidationReport report =
        ValidationReport.fromJson(
            Files.readString(Path.of(java.net.URI.create(uri(built.report())))));
    assertThat(report.cost()).isEqualTo(cost);
    String html =
        Files.readString(
            Path.of(
                java.net.URI.create(uri(built.report().replace("report.json", "report.html")))));
    assertThat(html).contains("<h2>Cost</h2>").contains("<td class=l>feature:users</td>");
    String property =
        org.apache.iceberg.spark.Spark3Util.loadIcebergTable(spark, built.table())
            .properties()
            .get(VersionPublisher.COST_PROPERTY + "v1");
    assertThat(property).isEqualTo(compactUpToPublish(cost));
    assertThat(built.summary())
        .contains(
            String.format(
                "  read       %-24s 3 files, %d bytes, 300 rows, task ",
                "labels", bytesOnDisk(dir.resolve("labels"))));
    System.out.println(built.summary() + "\n" + property);
  }

  private static String uri(String location) {
    return location.startsWith("file:") ? location : "file:" + location;
  }

  /** The table property is written while publish runs: its phases end before publish. */
  private static String compactUpToPublish(BuildCost cost) {
    List<BuildCost.Phase> before =
        cost.phases().stream().filter(p -> !p.phase().startsWith("publish")).toList();
    return new BuildCost(before, cost.sources(), cost.keyGroups()).compact();
  }

  private static BuildCost.Source source(BuildCost cost, String role) {
    return cost.sources().stream().filter(s -> s.role().equals(role)).findFirst().orElseThrow();
  }

  private static void expect(BuildCost.Source s, Path dir, int files, long rows)
      throws IOException {
    assertThat(s.uri()).as(s.role()).isEqualTo("file:" + dir.toAbsolutePath().normalize());
    assertThat(parquetFiles(dir)).as(s.role()).hasSize(files);
    assertThat(s.files()).as(s.role()).isEqualTo(files);
    assertThat(s.bytes()).as(s.role()).isEqualTo(bytesOnDisk(dir));
    assertThat(s.rows()).as(s.role()).isEqualTo(rows);
    assertThat(s.taskMillis()).as(s.role()).isPositive();
  }

  private static List<Path> parquetFiles(Path dir) throws IOException {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(f -> f.getFileName().toString().endsWith(".parquet")).toList();
    }
  }

  private static long bytesOnDisk(Path dir) throws IOException {
    long sum = 0;
    for (Path f : parquetFiles(dir)) {
      sum += Files.size(f);
    }
    return sum;
  }

  private BuildConfig config(String catalog) throws IOException {
    Path file = dir.resolve("cost.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = cost",
            "  version = \"1\"",
            "  labels { path = \""
                + dir.resolve("labels")
                + "\", id-column = id, time-column = ts, key-columns = [user, merchant] }",
            "  features.users { path = \""
                + dir.resolve("users")
                + "\", keys { user = user }, event-time-column = e, columns = [v] }",
            "  features.merchants { path = \""
                + dir.resolve("merchants")
                + "\", keys { merchant = merchant }, event-time-column = e, columns = [w] }",
            "}"));
    return ConfigLoader.load(file, List.of());
  }
}
