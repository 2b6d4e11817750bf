package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.pipeline.RebuildResult;
import dev.trainforge.spark.SparkSessions;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trainforge rebuild}: rebuilds a published version from its pins and compares. */
@Command(
    name = "rebuild",
    mixinStandardHelpOptions = true,
    description = {
      "Rebuilds a published version from its pinned inputs and compares the checksums.",
      "Reads the recorded input pins (time travel) and writes to a side branch rebuild_<tag>_<id>,",
      "never main or a tag, then compares its content checksum with the recorded one. The config's row definition must hash as the version's did. An identical",
      "rebuild's branch is removed; a different one is kept for audit-branch-retention.",
      "A rolling version (dataset.retention) is rebuilt day by day, each day from the pins and",
      "config of the version that built it, and every day that differs is named.",
      "Exit code 0: identical; 3: different; 4: pinned data is gone (retention)."
    })
final class RebuildCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin VersionOptions options;

  @CommandLine.Option(
      names = "--current-inputs",
      description =
          "Rebuild from the inputs as they are now instead of the recorded pins, with the recorded"
              + " config: which rows (for a rolling version, which days) a build today would give"
              + " differently, e.g. after old rows of a source without an available time changed.")
  boolean currentInputs;

  @Override
  public Integer call() {
    BuildConfig build = options.load();
    SparkSession spark = SparkSessions.forBuild(build.settings());
    RebuildResult result = new DatasetBuild(spark, System.err).rebuild(build, currentInputs);
    spec.commandLine().getOut().print(result.summary());
    spec.commandLine().getOut().flush();
    return result.identical() ? ExitCode.OK.code() : ExitCode.VALIDATION_FAILED.code();
  }
}
