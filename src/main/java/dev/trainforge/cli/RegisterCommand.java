package dev.trainforge.cli;

import dev.trainforge.config.AppSettings;
import dev.trainforge.config.ConfigException;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.config.OutputSpec;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.version.VersionPublisher;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;

/** {@code trainforge register}: puts a table whose catalog entry was lost back in the catalog. */
@Command(
    name = "register",
    mixinStandardHelpOptions = true,
    description = {
      "Registers the dataset's table in the catalog from the newest Iceberg metadata at its"
          + " location, after the catalog was lost or replaced: every version it had is listed"
          + " again. Reads and writes no rows."
    })
final class RegisterCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Override
  public Integer call() {
    OutputSpec output;
    AppSettings settings;
    if (table.config != null) {
      var build = ConfigLoader.load(table.config, table.overrides);
      settings = build.settings();
      output = build.dataset().output();
    } else if (table.table != null && table.table.split("\\.", -1).length == 3) {
      String[] parts = table.table.split("\\.", -1);
      settings = ConfigLoader.settings(table.overrides);
      output = new OutputSpec(parts[0], parts[1], parts[2]);
    } else {
      throw new ConfigException(
          "no table given (pass --config FILE with the dataset's config, or --table"
              + " catalog.namespace.table)");
    }
    String metadata = new VersionPublisher(SparkSessions.forBuild(settings), output).register();
    var out = spec.commandLine().getOut();
    out.printf("Registered %s from %s%n", output.qualifiedName(), metadata);
    out.flush();
    return 0;
  }
}
