package dev.trainforge.cli;

import dev.trainforge.version.VersionInfo;
import dev.trainforge.version.VersionTable;
import dev.trainforge.version.VersionViews;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code trainforge show VERSION}: the whole manifest of one version. */
@Command(
    name = "show",
    mixinStandardHelpOptions = true,
    description = {
      "Prints the manifest of one version: rows, config hash, code version, run id, window,"
          + " validation summary, report location, and every trainforge.* property of its"
          + " snapshot (inputs, pins, the resolved config) with JSON values indented."
    })
final class ShowCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Parameters(index = "0", paramLabel = "VERSION", description = "The version: 3 or v3.")
  String version;

  @Override
  public Integer call() {
    try (TableOptions.Versions versions = table.versions()) {
      VersionTable catalog = versions.table();
      VersionInfo v = catalog.get(version, "show");
      var out = spec.commandLine().getOut();
      var c = table.settings.catalog();
      out.print(
          VersionViews.show(
              catalog.tableName(),
              new VersionViews.Entry(v, catalog.report(v)),
              VersionViews.pythonSnippet(
                  catalog.tableName(), v.tag(), c.type(), c.uri(), c.warehouse())));
      out.flush();
    }
    return 0;
  }
}
