package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.Cli;
import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code list}, {@code show}, {@code diff}, the version lookup of {@code verify} and a no-op {@code
 * generate} need no Spark: in a JVM whose classpath holds no Spark, Scala or Delta jar at all, and
 * through {@code submit.sh} (its light JVM), they print exactly what they print in this JVM, where
 * a Spark session runs, and exit with the same code. Two real versions of the sample: v1, and v2
 * with another max age of one source.
 */
class MetadataWithoutSparkIT {
  private static Path dir;
  private static String catalog;
  private static List<String> settings;

  /** What a command printed, and its exit code. */
  private record Run(int code, String out, String err) {}

  @BeforeAll
  static void publishTwoVersions() {
    dir = SharedSpark.tempDir("trainforge-metadata-it");
    Path home = dir.resolve("home");
    catalog = SampleBuilds.newCatalogName();
    SampleBuilds.generate(home, catalog, "1");
    SampleBuilds.generate(home, catalog, "2", "dataset.features.user_auth.max-age=2d");
    settings =
        List.of(
            "--config",
            SampleBuilds.CONFIG,
            "--set",
            "trainforge.home=" + home,
            "--set",
            "trainforge.catalog.name=" + catalog);
  }

  @Test
  void readCommandsPrintTheSameWithoutSpark() throws Exception {
    for (List<String> command :
        List.of(
            List.of("list"),
            List.of("list", "--json"),
            List.of("show", "2"),
            List.of("diff", "1", "2"),
            List.of("show", "v9"),
            List.of("verify", "9"))) {
      List<String> args = new ArrayList<>(command);
      args.addAll(settings);
      var here = Cli.run(args);
      Run without = withoutSpark(args);
      Run submit = submit(args);
      String what = String.join(" ", command);
      assertThat(without.code())
          .as("%s without Spark: %s", what, without.err())
          .isEqualTo(here.exitCode());
      assertThat(without.out()).as(what).isEqualTo(here.out());
      assertThat(submit.code())
          .as("%s by submit.sh: %s", what, submit.err())
          .isEqualTo(here.exitCode());
      assertThat(submit.out()).as(what).isEqualTo(here.out());
      if (here.exitCode() != 0) {
        assertThat(without.err()).as(what).isEqualTo(here.err());
        assertThat(submit.err()).as(what).isEqualTo(here.err());
      }
    }
  }

  @Test
  void aNoOpGenerateNeedsNoSpark() throws Exception {
    List<String> args = new ArrayList<>(List.of("generate"));
    args.addAll(settings);
    args.addAll(
        List.of("--set", "dataset.version=2", "--set", "dataset.features.user_auth.max-age=2d"));
    var here = Cli.run(args);
    assertThat(here.exitCode()).as(here.err()).isZero();
    assertThat(here.out())
        .startsWith(
            "Version 2 of 'card_fraud' already existed with the same config and input pins;"
                + " nothing was recomputed\n");
    Run without = withoutSpark(args);
    assertThat(without.code()).as(without.err()).isZero();
    assertThat(without.out()).isEqualTo(here.out());
    assertThat(without.err())
        .startsWith("[   0.0 s] pin and check inputs\n")
        .contains(
            "Version v2 of 'card_fraud' already exists with the same config and input pins;"
                + " nothing was recomputed\n")
        .containsPattern("\\] done \\(pin and check inputs: [0-9.]+ s, task time 0\\.0 s\\)\n$");
    Run submit = submit(args);
    assertThat(submit.code()).as(submit.err()).isZero();
    assertThat(submit.out()).isEqualTo(here.out());
  }

  @Test
  void aGenerateThatMustBuildSaysSoWithoutSparkAndPrintsNothing() throws Exception {
    // On the light JVM (submit.sh sets trainforge.light-jvm), a generate that needs Spark exits
    // at once, having printed nothing: a changed config of v1 is refused by the build. The
    // sample's inputs (some 5 MB) make a small build (98: its JVM compiles with C1 alone) under
    // the default trainforge.spark.small-build-bytes, and an ordinary one (99) under 1 MB.
    List<String> args = new ArrayList<>(List.of("generate"));
    args.addAll(settings);
    args.addAll(List.of("--set", "dataset.features.user_auth.max-age=3d"));
    Run small = withoutSpark(List.of("-Dtrainforge.light-jvm=true"), args);
    assertThat(small.code()).as(small.err()).isEqualTo(98);
    assertThat(small.out()).isEmpty();
    assertThat(small.err()).isEmpty();
    List<String> larger = new ArrayList<>(args);
    larger.addAll(List.of("--set", "trainforge.spark.small-build-bytes=1m"));
    Run without = withoutSpark(List.of("-Dtrainforge.light-jvm=true"), larger);
    assertThat(without.code()).as(without.err()).isEqualTo(99);
    assertThat(without.out()).isEmpty();
    assertThat(without.err()).isEmpty();
    Run submit = submit(args);
    assertThat(submit.code()).as(submit.err()).isEqualTo(2);
    assertThat(submit.err())
        .contains(
            "Cannot build 'card_fraud': version tag 'v1' already exists in "
                + catalog
                + ".datasets.card_fraud")
        .containsPattern("config features\\.user_auth\\.max-age\\S* \\S+ -> \\S+");
  }

  /** The application's classpath without a single Spark, Scala or Delta jar. */
  private static String classpathWithoutSpark() throws IOException {
    Path repo = ItEnv.repo();
    List<String> kept = new ArrayList<>();
    kept.add(repo.resolve("target/original-trainforge.jar").toString());
    for (String entry :
        Files.readString(repo.resolve("target/spark-classpath.txt")).trim().split(":")) {
      String name = Path.of(entry).getFileName().toString();
      if (!name.startsWith("spark-") && !name.startsWith("scala") && !name.startsWith("delta-")) {
        kept.add(entry);
      }
    }
    assertThat(kept).noneMatch(e -> Path.of(e).getFileName().toString().startsWith("spark-core"));
    return String.join(":", kept);
  }

  private static Run withoutSpark(List<String> args) throws Exception {
    return withoutSpark(List.of(), args);
  }

  private static Run withoutSpark(List<String> jvm, List<String> args) throws Exception {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.add("-Duser.timezone=UTC");
    command.addAll(jvm);
    command.addAll(List.of("-cp", classpathWithoutSpark(), "dev.trainforge.cli.Main"));
    command.addAll(args);
    return run(command);
  }

  private static Run submit(List<String> args) throws Exception {
    List<String> command = new ArrayList<>(List.of("./submit.sh"));
    command.addAll(args);
    Run run = run(command);
    // verify is not a light command: its JVM is the build's, whose module flags make the JVM warn.
    String err = run.err().replace("WARNING: Using incubator modules: jdk.incubator.vector\n", "");
    return new Run(run.code(), run.out(), err);
  }

  private static Run run(List<String> command) throws Exception {
    Path out = Files.createTempFile(dir, "out", ".txt");
    Path err = Files.createTempFile(dir, "err", ".txt");
    Process p =
        new ProcessBuilder(command)
            .directory(ItEnv.repo().toFile())
            .redirectOutput(out.toFile())
            .redirectError(err.toFile())
            .start();
    if (!p.waitFor(5, TimeUnit.MINUTES)) {
      p.descendants().forEach(ProcessHandle::destroyForcibly);
      p.destroyForcibly();
      throw new AssertionError(Arrays.toString(command.toArray()) + " did not finish in 5 min");
    }
    return new Run(p.exitValue(), Files.readString(out), Files.readString(err));
  }
}
