package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Runs pytest from the venv that {@code scripts/it-env.sh} installs, in the repository, with its
 * JUnit XML beside failsafe's reports ({@code target/failsafe-reports/<name>-pytest.xml}).
 */
final class Pytest {
  private Pytest() {}

  /**
   * Runs pytest with {@code args}, its log in {@code dir}; fails unless it passes with exactly
   * {@code passed} tests and none skipped or deselected. Returns its output.
   */
  static String passes(
      int passed, Path dir, String name, Map<String, String> env, Duration timeout, String... args)
      throws Exception {
    Path log = dir.resolve(name + ".log");
    Path report = ItEnv.repo().resolve("target/failsafe-reports/" + name + "-pytest.xml");
    Files.createDirectories(report.getParent());
    List<String> command =
        new ArrayList<>(
            List.of(
                ItEnv.python().toString(),
                "-m",
                "pytest",
                "-v",
                "-p",
                "no:cacheprovider",
                "--junitxml=" + report));
    command.addAll(List.of(args));
    int code = ChildProcess.run("pytest", command, ItEnv.repo(), env, log, timeout);
    String output = Files.readString(log);
    assertThat(code).as("pytest exit code; its output:\n%s", ChildProcess.tail(log)).isZero();
    // Every test ran: none deselected or skipped.
    assertThat(output)
        .containsPattern("\\b" + passed + " passed\\b")
        .doesNotContain("skipped")
        .doesNotContain("deselected");
    return output;
  }
}
