package dev.trainforge.cli;

import dev.trainforge.version.VersionInfo;
import dev.trainforge.version.VersionTable;
import dev.trainforge.version.VersionViews;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code trainforge list}: the published versions of a dataset. */
@Command(
    name = "list",
    mixinStandardHelpOptions = true,
    description = {
      "Lists the versions (tags) of a dataset, oldest first: creation time, rows, config hash,"
          + " validation verdict and which one main points at. Reads table metadata and each"
          + " version's report.json through Iceberg's API, no rows and no Spark."
    })
final class ListCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Option(names = "--json", description = "Print a JSON array instead of a table.")
  boolean json;

  @Override
  public Integer call() {
    try (TableOptions.Versions versions = table.versions()) {
      VersionTable catalog = versions.table();
      List<VersionViews.Entry> entries = new ArrayList<>();
      for (VersionInfo v : catalog.list()) {
        entries.add(new VersionViews.Entry(v, catalog.report(v)));
      }
      var out = spec.commandLine().getOut();
      out.print(
          json
              ? VersionViews.listJson(entries)
              : VersionViews.listText(entries, catalog.mainMoved()));
      out.flush();
    }
    return 0;
  }
}
