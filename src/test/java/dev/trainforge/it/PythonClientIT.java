package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Python read path's tests ({@code clients/python/tests}, pytest, from the venv {@code
 * scripts/it-env.sh} installs) against a real build of the sample: version 1 built in this JVM,
 * whose SQLite catalog stays open in WAL mode while pytest reads it in place with pyiceberg. Run
 * here so that their failure fails {@code ./mvnw verify}.
 */
class PythonClientIT {
  @Test
  void pythonClientTestsPassAgainstARealBuild() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-python-client-it");
    Path home = dir.resolve("trainforge-home");
    String catalog = SampleBuilds.newCatalogName();
    SampleBuilds.generate(home, catalog, "1");

    Path log = dir.resolve("pytest.log");
    Path report = ItEnv.repo().resolve("target/failsafe-reports/python-client-pytest.xml");
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
                // S3aIT runs the S3 tests, against its server.
                "--ignore=clients/python/tests/test_s3.py",
                "clients/python/tests"),
            ItEnv.repo(),
            Map.of(
                "TRAINFORGE_CLIENT_TEST_HOME", home.toString(),
                "TRAINFORGE_CLIENT_TEST_CATALOG", catalog,
                // This checkout's package first, whatever the venv has installed.
                "PYTHONPATH", ItEnv.repo().resolve("clients/python/src").toString()),
            log,
            Duration.ofMinutes(10));
    String output = Files.readString(log);
    assertThat(code).as("pytest exit code; its output:\n%s", ChildProcess.tail(log)).isZero();
    // Every test ran against the build above: none deselected or skipped.
    assertThat(output).containsPattern("\\b10 passed\\b").doesNotContain("skipped");
  }
}
