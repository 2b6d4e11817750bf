package dev.trainforge.cli;

import dev.trainforge.ExitCode;
import dev.trainforge.version.Verification;
import dev.trainforge.version.VersionCatalog;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Parameters;

/** {@code trainforge verify}: checks a published version against its recorded checksum. */
@Command(
    name = "verify",
    mixinStandardHelpOptions = true,
    description = {
      "Checks a published version against the checksum recorded when it was published.",
      "Recomputes the content checksum of the tag's rows (one aggregation) and compares.",
      "Exit code 0: match; 3: mismatch; 4: no such version."
    })
final class VerifyCommand implements Callable<Integer> {
  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Parameters(index = "0", paramLabel = "VERSION", description = "The version: 3 or v3.")
  String version;

  @Override
  public Integer call() {
    // The version is looked up in table metadata first, without Spark: an unknown version fails
    // at once. Only the checksum of its rows needs a Spark session.
    try (TableOptions.Versions versions = table.versions()) {
      versions.table().get(version, "verify");
    }
    VersionCatalog catalog = table.open();
    Verification v = catalog.verify(catalog.get(version, "verify"));
    spec.commandLine().getOut().print(v.summary());
    spec.commandLine().getOut().flush();
    return v.matches() ? ExitCode.OK.code() : ExitCode.VALIDATION_FAILED.code();
  }
}
