package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@code submit.sh}'s contract: the command it builds, and the job's exit code coming through. */
class SubmitScriptIT {
  private record Run(int code, String output) {}

  private static Run submit(Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(SharedSpark.tempDir("trainforge-submit-it"), "submit", ".log");
    List<String> command = new ArrayList<>(List.of("./submit.sh"));
    command.addAll(List.of(args));
    int code =
        ChildProcess.run("submit.sh", command, ItEnv.repo(), env, log, Duration.ofMinutes(3));
    return new Run(code, Files.readString(log));
  }

  /** Runs {@code ./submit.sh args} in {@code dir}, a copy of the repository's script and jars. */
  private static Run submitIn(Path dir, Map<String, String> env, String... args) throws Exception {
    Path log = Files.createTempFile(SharedSpark.tempDir("trainforge-submit-it"), "submit", ".log");
    List<String> command = new ArrayList<>(List.of("./submit.sh"));
    command.addAll(List.of(args));
    int code = ChildProcess.run("submit.sh", command, dir, env, log, Duration.ofMinutes(3));
    return new Run(code, Files.readString(log));
  }

  private static Map<String, String> withSparkHome() {
    return Map.of("SPARK_HOME", ItEnv.sparkHome().toString());
  }

  @Test
  void dryRunPrintsSparkSubmitWithOnlyTheDefaultsTheCallerDidNotSet() throws Exception {
    Run run =
        submit(
            withSparkHome(),
            "--dry-run",
            "--master",
            "spark://127.0.0.1:7077",
            "--deploy-mode",
            "client",
            "--conf",
            "spark.sql.adaptive.enabled=false",
            "--conf",
            "spark.executor.memory=2g",
            "generate",
            "--config",
            "conf/datasets/card_fraud.conf");
    assertThat(run.code()).as(run.output()).isZero();
    String jar = ItEnv.repo().resolve("target/trainforge.jar").toString();
    assertThat(run.output().trim())
        .startsWith(
            ItEnv.sparkHome().resolve("bin/spark-submit")
                + " --master spark://127.0.0.1:7077 --class dev.trainforge.cli.Main"
                + " --deploy-mode client --conf spark.sql.adaptive.enabled=false"
                + " --conf spark.executor.memory=2g"
                + " --conf spark.sql.session.timeZone=UTC"
                + " --conf spark.serializer=org.apache.spark.serializer.KryoSerializer")
        .doesNotContain("spark.sql.adaptive.enabled=true")
        .endsWith(jar + " generate --config conf/datasets/card_fraud.conf");
  }

  @Test
  void findsSparkSubmitOnThePathWithoutSparkHome() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", null);
    env.put("PATH", ItEnv.sparkHome().resolve("bin") + ":/usr/bin:/bin");
    Run run = submit(env, "--dry-run", "--master", "yarn", "generate", "--config", "x.conf");
    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output())
        .startsWith(ItEnv.sparkHome().resolve("bin/spark-submit") + " --master yarn ");
  }

  @Test
  void dryRunOfALocalRunSizesTheDriverHeapFromSparkDriverMemory() throws Exception {
    Run run =
        submit(
            Map.of(),
            "--dry-run",
            "--conf",
            "spark.driver.memory=1500m",
            "generate",
            "--config",
            "conf/datasets/card_fraud.conf");
    assertThat(run.code()).as(run.output()).isZero();
    assertThat(run.output())
        .startsWith("java -Xmx1500m ")
        // C2 only for the code that runs for most rows: a build's JVM lives for one build
        .contains(" -XX:Tier4InvocationThreshold=50000 -XX:Tier4MinInvocationThreshold=6000 ")
        .contains(" -Dspark.driver.memory=1500m ")
        .contains(" dev.trainforge.cli.Main generate ");
  }

  @Test
  void jobExitCodeComesThroughSparkSubmit() throws Exception {
    // A configuration error (exit 2) is found before the job connects to the master.
    Run run =
        submit(
            withSparkHome(),
            "--master",
            "spark://127.0.0.1:1",
            "generate",
            "--config",
            "conf/datasets/no_such_dataset.conf");
    assertThat(run.code()).as(run.output()).isEqualTo(2);
    assertThat(run.output()).contains("no_such_dataset.conf");
  }

  @Test
  void jobExitCodeComesThroughALocalRun() throws Exception {
    Run run = submit(Map.of(), "generate", "--config", "conf/datasets/no_such_dataset.conf");
    assertThat(run.code()).as(run.output()).isEqualTo(2);
  }

  @Test
  void clusterMasterWithoutSparkSubmitIsAUsageError() throws Exception {
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", "/nonexistent");
    env.put("PATH", "/usr/bin:/bin");
    Run run = submit(env, "--master", "yarn", "generate", "--config", "x.conf");
    assertThat(run.code()).isEqualTo(2);
    assertThat(run.output())
        .contains("master 'yarn' needs spark-submit: set SPARK_HOME or put spark-submit on PATH");
  }

  @Test
  void theSecondLocalRunRecordsAClassDataArchiveThatLaterRunsStartFrom() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-submit-cds");
    Files.copy(ItEnv.repo().resolve("submit.sh"), dir.resolve("submit.sh"));
    Path target = Files.createDirectories(dir.resolve("target"));
    Files.createSymbolicLink(
        target.resolve("trainforge.jar"), ItEnv.repo().resolve("target/trainforge.jar"));
    for (String f : List.of("original-trainforge.jar", "spark-classpath.txt")) {
      Files.copy(ItEnv.repo().resolve("target").resolve(f), target.resolve(f));
    }
    Path archive = target.resolve("spark.jsa");
    Path mark = target.resolve("spark.jsa.wanted");

    // The first run after a build only leaves a mark.
    Run first = submitIn(dir, Map.of(), "help");
    assertThat(first.code()).as(first.output()).isZero();
    assertThat(mark).exists();
    assertThat(archive).doesNotExist();

    // A run that fails records nothing, and leaves no partial archive.
    Run failing =
        submitIn(dir, Map.of("TRAINFORGE_LIGHT_JVM", "0"), "generate", "--config", "no_such.conf");
    assertThat(failing.code()).as(failing.output()).isEqualTo(2);
    assertThat(archive).doesNotExist();
    try (var files = Files.list(target)) {
      assertThat(files.map(p -> p.getFileName().toString()))
          .noneMatch(n -> n.startsWith("spark.jsa.") && n.endsWith(".tmp"));
    }

    Run second = submitIn(dir, Map.of(), "help");
    assertThat(second.code()).as(second.output()).isZero();
    assertThat(second.output())
        .contains(
            "submit.sh: recording target/spark.jsa, the classes a run loads, for faster starts"
                + " (this run takes 20-40 s longer; once per build)");
    assertThat(archive).isNotEmptyFile();
    assertThat(mark).doesNotExist();

    // Later runs load the classes from it (the JVM says so when asked to log class loading).
    Run third = submitIn(dir, Map.of("JAVA_OPTS", "-Xlog:class+load=info"), "help");
    assertThat(third.code()).as(third.output()).isZero();
    assertThat(third.output())
        .doesNotContain("submit.sh: recording")
        .contains("dev.trainforge.cli.Main source: shared objects file (top)");

    Run off =
        submitIn(
            dir, Map.of("TRAINFORGE_SPARK_CDS", "0", "JAVA_OPTS", "-Xlog:class+load=info"), "help");
    assertThat(off.code()).as(off.output()).isZero();
    assertThat(off.output()).doesNotContain("source: shared objects file (top)");
  }
}
