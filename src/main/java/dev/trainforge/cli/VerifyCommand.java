package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.version.Verification;
import dev.trainforge.version.VersionPublisher;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trainforge verify}: checks a published version against its recorded checksum. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a published version against the checksum recorded when it was published.",
      "Recomputes the content checksum of the tag's rows (one aggregation) and compares.",
      "Exit code 0: match; 3: mismatch."
    })
final class VerifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  @Mixin VersionOptions options;

  @Override
  public Integer call() {
    BuildConfig build = options.load();
    SparkSession spark = SparkSessions.forBuild(build.settings());
    Verification v =
        new VersionPublisher(spark, build.dataset().output())
            .verify(build.dataset().name(), build.dataset().tag());
    spec.commandLine().getOut().print(v.summary());
    spec.commandLine().getOut().flush();
    return v.matches() ? ExitCode.OK.code() : ExitCode.VALIDATION_FAILED.code();
  }
}
