package dev.trainforge.cli;

import dev.trainforge.report.ValidationReport;
import dev.trainforge.version.VersionDiff;
import dev.trainforge.version.VersionInfo;
import dev.trainforge.version.VersionTable;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code trainforge diff V1 V2}: what changed between two versions. */
@Command(
    name = "diff",
    mixinStandardHelpOptions = true,
    description = {
      "Compares two versions: schema, rows, config hash, and per-column statistics side by side"
          + " with PSI and KS of V2 against V1, from the profiles stored in their report.json"
          + " (no rows are read)."
    })
final class DiffCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Parameters(index = "0", paramLabel = "V1", description = "The older version: 3 or v3.")
  String from;

  @Parameters(index = "1", paramLabel = "V2", description = "The newer version.")
  String to;

  @Override
  public Integer call() {
    try (TableOptions.Versions versions = table.versions()) {
      VersionTable catalog = versions.table();
      VersionInfo a = catalog.get(from, "diff");
      VersionInfo b = catalog.get(to, "diff");
      VersionDiff diff =
          VersionDiff.of(
              catalog.tableName(),
              a,
              catalog.fields(a),
              catalog.report(a).map(ValidationReport::profile).orElse(null),
              b,
              catalog.fields(b),
              catalog.report(b).map(ValidationReport::profile).orElse(null));
      var out = spec.commandLine().getOut();
      out.print(diff.render());
      out.flush();
    }
    return 0;
  }
}
