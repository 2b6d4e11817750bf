package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.pipeline.LineageFixture;
import dev.trainforge.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    Path log = dir.resolve("pytest.log");
    Path report = ItEnv.repo().resolve("target/failsafe-reports/openlineage-pytest.xml");
    Files.createDirectories(report.getParent());
    int code =
        ChildProcess.run(
            "pytest",
            List.of(
                ItEnv.python().toString(),
                "-m",
                "pytest",
                "-v",
                "-p",
                "no:cacheprovider",
                "--junitxml=" + report,
                "it/openlineage"),
            ItEnv.repo(),
            Map.of("TRAINFORGE_OL_EVENTS", events.toString()),
            log,
            Duration.ofMinutes(5));
    String output = Files.readString(log);
    assertThat(code).as("pytest exit code; its output:\n%s", ChildProcess.tail(log)).isZero();
    // Every test ran: none deselected or skipped.
    assertThat(output).containsPattern("\\b3 passed\\b").doesNotContain("skipped");
  }
}
