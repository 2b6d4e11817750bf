package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.version.CodeVersion;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * OpenLineage events of a real build and of a failed one, received by an HTTP server on the
 * loopback address: START then COMPLETE (or FAIL), one run id, the pinned inputs, the output, the
 * code, host and user that ran it. (OpenLineageEventsIT checks the same events with
 * openlineage-python's models of the spec.)
 */
class LineageEventsTest {
  @TempDir Path dir;

  @Test
  void aBuildSendsStartAndCompleteAndAFailedBuildStartAndFail() throws Exception {
    LineageFixture.Recorded recorded = LineageFixture.record(dir);
    BuildResult built = recorded.built();
    List<JsonNode> events = parse(recorded.succeeded());
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
      assertThat(e.at("/run/facets/processing_engine/name").asText()).isEqualTo("spark");
      assertThat(e.at("/run/facets/processing_engine/version").asText())
          .isEqualTo(org.apache.spark.package$.MODULE$.SPARK_VERSION());
      assertThat(e.at("/run/facets/trainforge_build/commit").asText())
          .isEqualTo(CodeVersion.commit())
          .matches("[0-9a-f]{40}");
      assertThat(e.at("/run/facets/trainforge_build/user").asText())
          .isEqualTo(System.getProperty("user.name"));
      assertThat(e.at("/run/facets/trainforge_build/host").asText()).isEqualTo(CodeVersion.host());
      assertThat(e.at("/run/facets/trainforge_build/_schemaURL").asText())
          .endsWith("/docs/openlineage/trainforge-facets.json#/$defs/TrainforgeBuildRunFacet");
      assertThat(e.get("inputs")).hasSize(2);
      assertThat(e.at("/inputs/0/namespace").asText()).isEqualTo("file");
      assertThat(e.at("/inputs/0/name").asText())
          .isEqualTo(dir.resolve("labels").toAbsolutePath().toString());
      assertThat(e.at("/inputs/1/name").asText())
          .isEqualTo(dir.resolve("features").toAbsolutePath().toString());
      assertThat(e.at("/inputs/1/facets/version/datasetVersion").asText()).startsWith("sha256:");
      assertThat(e.at("/inputs/1/facets/version/_schemaURL").asText())
          .isEqualTo(
              "https://openlineage.io/spec/facets/1-0-1/DatasetVersionDatasetFacet.json"
                  + "#/$defs/DatasetVersionDatasetFacet");
      assertThat(e.at("/outputs/0/name").asText()).isEqualTo(built.table());
    }
    assertThat(complete.at("/outputs/0/facets/version/datasetVersion").asText()).isEqualTo("v1");
    // What the run read and wrote, on COMPLETE only.
    assertThat(start.at("/inputs/0/inputFacets").isMissingNode()).isTrue();
    assertThat(complete.at("/inputs/0/inputFacets/inputStatistics/rowCount").asLong()).isEqualTo(1);
    assertThat(complete.at("/inputs/1/inputFacets/inputStatistics/fileCount").asLong())
        .isEqualTo(built.cost().sources().get(1).files())
        .isPositive();
    assertThat(complete.at("/inputs/1/inputFacets/inputStatistics/size").asLong())
        .isEqualTo(built.cost().sources().get(1).bytes())
        .isPositive();
    assertThat(complete.at("/outputs/0/outputFacets/outputStatistics/rowCount").asLong())
        .isEqualTo(1);

    List<JsonNode> failed = parse(recorded.failed());
    assertThat(failed)
        .extracting(e -> e.get("eventType").asText())
        .containsExactly("START", "FAIL");
    assertThat(failed.get(1).at("/run/facets/errorMessage/message").asText())
        .startsWith("Cannot publish 'lineage' v2: validation failed (empty-dataset");
    assertThat(failed.get(1).at("/run/runId").asText())
        .isEqualTo(failed.get(0).at("/run/runId").asText())
        .isNotEqualTo(runId);
  }

  private static List<JsonNode> parse(List<String> events) throws Exception {
    List<JsonNode> out = new ArrayList<>();
    for (String e : events) {
      out.add(new ObjectMapper().readTree(e));
    }
    return out;
  }
}
