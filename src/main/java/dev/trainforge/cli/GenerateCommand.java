package dev.trainforge.cli;

import dev.trainforge.build.BuildResult;
import dev.trainforge.build.DatasetBuild;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.spark.SparkSessions;
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

  @Override
  public Integer call() {
    BuildConfig build = ConfigLoader.load(config, overrides);
    SparkSession spark = SparkSessions.forBuild(build.settings());
    BuildResult result = new DatasetBuild(spark, System.err).run(build);
    spec.commandLine().getOut().print(result.summary());
    spec.commandLine().getOut().flush();
    return 0;
  }
}
