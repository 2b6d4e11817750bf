package dev.trainforge.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.Cli;
import dev.trainforge.testing.Cli.Run;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Usage mistakes that would only show after a long build are found before it starts. */
class EarlyUsageChecksTest {
  private static final String CONFIG = "conf/datasets/card_fraud.conf";
  @TempDir Path dir;

  @Test
  void aResultFileThatIsADirectoryExitsWithTwoBeforeTheBuild() {
    Run run = Cli.run("generate", "--config", CONFIG, "--result-file", dir.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "Cannot write --result-file '"
                + dir
                + "': it is a directory (pass a writable file path; nothing was built)\n");
    assertThat(run.out()).isEmpty();
  }

  @Test
  void aResultFileUnderAFileExitsWithTwoBeforeTheBuild() throws IOException {
    Path file = Files.writeString(dir.resolve("taken"), "x");
    Path result = file.resolve("result.json");
    Run run = Cli.run("generate", "--config", CONFIG, "--result-file", result.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "Cannot write --result-file '"
                + result
                + "': '"
                + file
                + "' is a file, not a directory (pass a writable file path; nothing was"
                + " built)\n");
  }

  @Test
  void aWritableResultFileIsCheckedWithoutLeavingAFileBehind() {
    Path result = dir.resolve("out/result.json");
    GenerateCommand.checkWritable(result);
    assertThat(result).doesNotExist();
    assertThat(result.getParent()).isDirectory();
  }

  private static Run submit(String... args) throws Exception {
    String[] command = new String[args.length + 2];
    command[0] = "bash";
    command[1] = "submit.sh";
    System.arraycopy(args, 0, command, 2, args.length);
    Process p =
        new ProcessBuilder(command)
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Run(
        p.exitValue(),
        new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8),
        new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8));
  }

  @Test
  void submitWithMasterButNoValueIsAUsageError() throws Exception {
    Run run = submit("--master");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "submit.sh: --master needs a value, e.g. --master spark://host:7077 (usage:"
                + " ./submit.sh [--master URL] [--deploy-mode MODE] [--conf KEY=VALUE]..."
                + " [--dry-run] COMMAND [OPTIONS])\n")
        .doesNotContain("unbound variable");
  }

  @Test
  void submitWithConfFollowedByAnotherOptionIsAUsageError() throws Exception {
    Run run = submit("--conf", "--dry-run", "generate");
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .startsWith("submit.sh: --conf needs a value, e.g. --conf spark.executor.memory=4g");
  }
}
