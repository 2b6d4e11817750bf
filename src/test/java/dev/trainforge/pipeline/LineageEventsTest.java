package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.validate.ValidationFailedException;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage events of a real build and of a failed one, received by an HTTP server on the
 * loopback address: START then COMPLETE (or FAIL), one run id, the pinned inputs, the output.
 */
class LineageEventsTest {
  @TempDir Path dir;

  @Test
  void aBuildSendsStartAndCompleteAndAFailedBuildStartAndFail() throws Exception {
    List<JsonNode> events = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/lineage",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          events.add(new ObjectMapper().readTree(new String(body, StandardCharsets.UTF_8)));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    server.start();
    try {
      SparkSession spark = SharedSpark.session();
      String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
      spark
          .sql("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user")
          .write()
          .parquet(dir.resolve("labels").toString());
      spark
          .sql("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v")
          .write()
          .parquet(dir.resolve("features").toString());
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage";

      BuildResult built = build(spark, catalog, url, "1", "");
      assertThat(events).hasSize(2);
      JsonNode start = events.get(0);
      JsonNode complete = events.get(1);
      assertThat(start.get("eventType").asText()).isEqualTo("START");
      assertThat(complete.get("eventType").asText()).isEqualTo("COMPLETE");
      String runId = start.at("/run/runId").asText();
      assertThat(UUID.fromString(runId).toString()).isEqualTo(runId);
      assertThat(complete.at("/run/runId").asText()).isEqualTo(runId);
      for (JsonNode e : events) {
        assertThat(Instant.parse(e.get("eventTime").asText())).isNotNull();
        assertThat(e.get("producer").asText()).startsWith("https://");
        assertThat(e.get("schemaURL").asText())
            .isEqualTo("https://openlineage.io/spec/2-0-2/OpenLineage.json#/$defs/RunEvent");
        assertThat(e.at("/job/namespace").asText()).isEqualTo("trainforge");
        assertThat(e.at("/job/name").asText()).isEqualTo("lineage");
        assertThat(e.at("/run/facets/trainforge_run/orchestratorRunId").asText())
            .isEqualTo("manual__7");
        assertThat(e.get("inputs")).hasSize(2);
        assertThat(e.at("/inputs/0/namespace").asText()).isEqualTo("file");
        assertThat(e.at("/inputs/0/name").asText())
            .isEqualTo(dir.resolve("labels").toAbsolutePath().toString());
        assertThat(e.at("/inputs/1/name").asText())
            .isEqualTo(dir.resolve("features").toAbsolutePath().toString());
        assertThat(e.at("/inputs/1/facets/version/datasetVersion").asText()).startsWith("sha256:");
        assertThat(e.at("/inputs/1/facets/version/_schemaURL").asText())
            .endsWith("/DatasetVersionDatasetFacet.json");
        assertThat(e.at("/outputs/0/name").asText()).isEqualTo(built.table());
      }
      assertThat(complete.at("/outputs/0/facets/version/datasetVersion").asText()).isEqualTo("v1");

      events.clear();
      assertThatThrownBy(
              () ->
                  build(
                      spark, catalog, url, "2", "  labels.window.start = \"2030-01-01T00:00:00Z\""))
          .isInstanceOf(ValidationFailedException.class);
      assertThat(events)
          .extracting(e -> e.get("eventType").asText())
          .containsExactly("START", "FAIL");
      assertThat(events.get(1).at("/run/facets/errorMessage/message").asText())
          .startsWith("Cannot publish 'lineage' v2: validation failed (empty-dataset");
      assertThat(events.get(1).at("/run/runId").asText())
          .isEqualTo(events.get(0).at("/run/runId").asText())
          .isNotEqualTo(runId);
    } finally {
      server.stop(0);
    }
  }

  private BuildResult build(
      SparkSession spark, String catalog, String url, String version, String extra)
      throws Exception {
    Path file = dir.resolve("l" + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            "trainforge.catalog.name = " + catalog,
            "trainforge.catalog.uri = \"jdbc:sqlite:" + dir.resolve("catalog/catalog.db") + "\"",
            "trainforge.catalog.warehouse = \"" + dir.resolve("catalog/warehouse") + "\"",
            "trainforge.lineage { transport = http, url = \"" + url + "\" }",
            "dataset {",
            "  name = lineage",
            "  version = \"" + version + "\"",
            "  labels { path = \""
                + dir.resolve("labels")
                + "\", id-column = id, time-column = ts,"
                + " key-columns = [user] }",
            "  features.f { path = \""
                + dir.resolve("features")
                + "\", keys { user = user },"
                + " event-time-column = e, columns = [v] }",
            extra,
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream()))
        .run(config, "manual__7");
  }
}
