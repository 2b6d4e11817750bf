package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import org.junit.jupiter.api.Test;

/** Mistakes on the command line itself: exit code 2 (usage), never 1, and no stack trace. */
class UsageErrorsTest {
  @Test
  void generateWithoutConfigExitsWithTwo() {
    Run run = Cli.run("generate");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().findFirst()).hasValue("Missing required option: '--config=FILE'");
    assertThat(run.err()).contains("Usage: trainforge generate [-hV] -c=FILE");
    assertThat(run.err()).doesNotContain("Exception").doesNotContain("\tat ");
  }

  @Test
  void aMisspeltCommandExitsWithTwoAndSuggestsTheCommand() {
    Run run = Cli.run("genrate", "--config", "x.conf");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "Unmatched arguments from index 0: 'genrate', '--config', 'x.conf'\n"
                + "Did you mean: trainforge generate or trainforge retract or trainforge register?\n");
  }

  @Test
  void anUnknownOptionExitsWithTwo() {
    Run run = Cli.run("generate", "--config", "x.conf", "--verbos");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().findFirst()).hasValue("Unknown option: '--verbos'");
  }

  @Test
  void anOptionWithoutItsValueExitsWithTwo() {
    Run run = Cli.run("show", "1", "--config");
    assertThat(run.exitCode()).as(run.err()).isEqualTo(2);
    assertThat(run.err().lines().findFirst())
        .hasValue("Missing required parameter for option '--config' (FILE)");
  }
}
