package dev.trainforge.cli;

import dev.trainforge.version.VersionCatalog;
import dev.trainforge.version.VersionInfo;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code trainforge export VERSION}: one version's rows as files, for notebooks. */
@Command(
    name = "export",
    mixinStandardHelpOptions = true,
    description = {
      "Writes one version's rows to a directory as Parquet (timestamps as UTC-adjusted"
          + " microseconds) or CSV (with a header), by Spark from the version's tag (time"
          + " travel), with a manifest _trainforge_manifest.json (dataset, version, snapshot,"
          + " checksum, config hash, files) and no _SUCCESS or .crc files; nothing is collected"
          + " to the driver."
    })
final class ExportCommand implements Callable<Integer> {
  /** The file formats an export writes. */
  enum Format {
    parquet,
    csv
  }

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;
  @Mixin TableOptions table;

  @Parameters(index = "0", paramLabel = "VERSION", description = "The version: 3 or v3.")
  String version;

  @Option(
      names = "--format",
      required = true,
      paramLabel = "FORMAT",
      description = "parquet or csv.")
  Format format;

  @Option(
      names = "--to",
      required = true,
      paramLabel = "PATH",
      description = "The output directory (local or s3a://); must not hold data.")
  String to;

  @Option(names = "--overwrite", description = "Replace what PATH holds.")
  boolean overwrite;

  @Option(names = "--single-file", description = "Write one data file (one task writes it).")
  boolean singleFile;

  @Override
  public Integer call() {
    VersionCatalog catalog = table.open();
    VersionInfo v = catalog.get(version, "export");
    VersionCatalog.Exported done = catalog.export(v, format.name(), to, overwrite, singleFile);
    var out = spec.commandLine().getOut();
    out.printf(
        "Exported '%s' %s: %d rows as %s to %s%n",
        catalog.tableName(), v.tag(), done.rows(), format, done.path());
    out.flush();
    return 0;
  }
}
