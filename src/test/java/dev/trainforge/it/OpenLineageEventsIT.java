package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.pipeline.LineageFixture;
import dev.trainforge.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Every OpenLineage event of a real build and of a failed one (received over HTTP on the loopback
 * address), checked with openlineage-python's models of the spec by {@code
 * it/openlineage/test_lineage_events.py} (pytest, from the venv {@code scripts/it-env.sh}
 * installs). Run here so that their failure fails {@code ./mvnw verify}.
 */
class OpenLineageEventsIT {
  @Test
  void everyEventOfABuildAndOfAFailedOneMeetsTheSpec() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-openlineage-it");
    LineageFixture.Recorded recorded = LineageFixture.record(dir.resolve("builds"));
    assertThat(recorded.succeeded()).hasSize(2);
    assertThat(recorded.failed()).hasSize(2);
    Path events = Files.createDirectories(dir.resolve("events"));
    Files.write(events.resolve("succeeded.jsonl"), recorded.succeeded());
    Files.write(events.resolve("failed.jsonl"), recorded.failed());

    Pytest.passes(
        3,
        dir,
        "openlineage",
        Map.of("TRAINFORGE_OL_EVENTS", events.toString()),
        Duration.ofMinutes(5),
        "it/openlineage");
  }
}
