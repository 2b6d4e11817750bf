package dev.trainforge.cli;

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
    String[] name = table.resolve().split("\\.", -1);
    OutputSpec output = new OutputSpec(name[0], name[1], name[2]);
    String metadata =
        new VersionPublisher(SparkSessions.forBuild(table.settings), output).register();
    var out = spec.commandLine().getOut();
    out.printf("Registered %s from %s%n", output.qualifiedName(), metadata);
    out.flush();
    return 0;
  }
}
