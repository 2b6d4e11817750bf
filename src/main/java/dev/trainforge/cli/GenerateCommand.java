package dev.trainforge.cli;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.pipeline.BuildResult;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.pipeline.NoOpGenerate;
import dev.trainforge.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainforge generate}: builds and publishes one dataset version. */
@Command(
    name = "generate",
    mixinStandardHelpOptions = true,
    description = {
      "Builds a dataset version from a config file and publishes it as a tagged Iceberg snapshot.",
      "The whole config is checked before Spark reads any data."
    })
final class GenerateCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Option(
      names = {"-c", "--config"},
      required = true,
      paramLabel = "FILE",
      description = "The dataset config file, e.g. conf/datasets/card_fraud.conf.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set dataset.version=2. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--run-id",
      paramLabel = "ID",
      description =
          "The orchestrator's run id (e.g. Airflow's run_id), recorded in the version's metadata.")
  String runId;

  @Option(
      names = "--note",
      paramLabel = "TEXT",
      description = "Why this version is built, recorded with it; list and show print it.")
  String note;

  @Option(
      names = "--result-file",
      paramLabel = "FILE",
      description =
          "Also write the result as JSON to FILE (dataset, version, tag, snapshot-id, counts).")
  Path resultFile;

  /**
   * System property set by {@code submit.sh} on the light JVM it checks a generate on first: that
   * JVM must not start Spark. When the version is not published as asked, the command then exits
   * with {@link #BUILD_NEEDED} (or {@link #SMALL_BUILD_NEEDED}), having printed nothing, and
   * submit.sh starts the JVM that builds.
   */
  static final String LIGHT_JVM = "trainforge.light-jvm";

  /** The exit code of a generate on the light JVM that needs a build; never a job's exit code. */
  static final int BUILD_NEEDED = 99;

  /**
   * The exit code of a generate on the light JVM that needs a small build: its inputs take less
   * than {@code trainforge.spark.small-build-bytes}, and submit.sh starts the build's JVM with the
   * C1 compiler alone. Never a job's exit code.
   */
  static final int SMALL_BUILD_NEEDED = 98;

  /**
   * System property set by {@code submit.sh} on the JVM it starts after the light JVM exited with
   * {@link #BUILD_NEEDED} or {@link #SMALL_BUILD_NEEDED}: the check for a published version has
   * been made, and is not made again without Spark (about half a second). A version published
   * meanwhile by another build is still found, by the build itself, which compares it as the check
   * would.
   */
  static final String CHECKED = "trainforge.published-version-checked";

  @Override
  public Integer call() throws IOException {
    if (resultFile != null) {
      checkWritable(resultFile);
    }
    BuildConfig build = ConfigLoader.load(config, overrides);
    // A version already published with this config from the same inputs is found without Spark;
    // anything else (a new version, a difference to refuse, an input only Spark can pin) builds.
    BuildResult result =
        Boolean.getBoolean(CHECKED)
            ? null
            : NoOpGenerate.check(build, runId, System.err).orElse(null);
    if (result == null) {
      if (Boolean.getBoolean(LIGHT_JVM)) {
        return NoOpGenerate.inputsBelow(build, build.settings().smallBuildBytes())
            ? SMALL_BUILD_NEEDED
            : BUILD_NEEDED;
      }
      SparkSession spark = SparkSessions.forBuild(build.settings());
      result = new DatasetBuild(spark, System.err).run(build, runId, note);
    }
    if (resultFile != null) {
      Path parent = resultFile.toAbsolutePath().getParent();
      if (parent != null) {
        Files.createDirectories(parent);
      }
      Files.writeString(resultFile, result.toJson() + System.lineSeparator());
    }
    spec.commandLine().getOut().print(result.summary());
    spec.commandLine().getOut().flush();
    return 0;
  }

  /**
   * Fails before the build when {@code file} cannot be written, rather than after a build of many
   * minutes has published a version the orchestrator then cannot learn about. Creates the parent
   * directories (as writing the result would); leaves no file behind.
   */
  static void checkWritable(Path file) {
    Path absolute = file.toAbsolutePath();
    String problem;
    try {
      if (Files.isDirectory(absolute)) {
        problem = "it is a directory";
      } else {
        Path parent = absolute.getParent();
        if (parent != null) {
          Files.createDirectories(parent);
        }
        if (Files.exists(absolute)) {
          problem = Files.isWritable(absolute) ? null : "the file is not writable";
        } else {
          Files.createFile(absolute);
          Files.delete(absolute);
          problem = null;
        }
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      problem = "'" + e.getFile() + "' is a file, not a directory";
    } catch (java.nio.file.AccessDeniedException e) {
      problem = "permission denied on '" + e.getFile() + "'";
    } catch (IOException | SecurityException e) {
      problem = "cannot create it: " + e.getMessage();
    }
    if (problem != null) {
      throw new UsageException(
          "Cannot write --result-file '"
              + file
              + "': "
              + problem
              + " (pass a writable file path; nothing was built)");
    }
  }
}
