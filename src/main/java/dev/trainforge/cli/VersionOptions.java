package dev.trainforge.cli;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigException;
import dev.trainforge.config.ConfigLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** What {@code rebuild} takes: a version, the config it was built from, and where the table is. */
final class VersionOptions {
  @Parameters(
      index = "0",
      paramLabel = "VERSION",
      description = "The dataset version, as dataset.version (tag v<VERSION>), e.g. 1.")
  String version;

  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description =
          "The dataset config file: the catalog, and the table it writes to. Without it, --table"
              + " names the table and the version's recorded config is used.")
  Path config;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set trainforge.home=/data. Repeatable.")
  List<String> overrides = new ArrayList<>();

  @Option(
      names = "--table",
      paramLabel = "CATALOG.NAMESPACE.TABLE",
      description = "The table, when it is not the one the config writes to.")
  String table;

  /**
   * The config, for version {@link #version} and, with {@code --table}, that table; without {@code
   * --config}, the config the version recorded (its row definition; settings from {@code --set} and
   * the environment).
   */
  BuildConfig load() {
    if (config == null && table == null) {
      throw new ConfigException(
          "no config given (pass --config FILE, or --table catalog.namespace.table to rebuild"
              + " from the config the version recorded)");
    }
    Path file = config == null ? recorded() : config;
    List<String> all = new ArrayList<>(overrides);
    all.add("dataset.version=" + version);
    if (table != null) {
      String[] parts = table.split("\\.");
      if (parts.length != 3) {
        throw new ConfigException(
            "--table " + table + ": name the table as catalog.namespace.table");
      }
      all.add("dataset.output.catalog=" + parts[0]);
      all.add("dataset.output.namespace=" + parts[1]);
      all.add("dataset.output.table=" + parts[2]);
    }
    return ConfigLoader.load(file, all);
  }

  /** The version's recorded config, written back as a dataset file in a temporary file. */
  private Path recorded() {
    var settings = ConfigLoader.settings(overrides);
    var catalog =
        dev.trainforge.version.VersionCatalog.open(
            dev.trainforge.spark.SparkSessions.forBuild(settings), table);
    var v = catalog.get(version, "rebuild");
    String json =
        v.property("config")
            .orElseThrow(
                () ->
                    new ConfigException(
                        "version "
                            + v.tag()
                            + " of "
                            + table
                            + " records no config (built before configs were recorded: pass"
                            + " --config FILE)"));
    try {
      Path file = java.nio.file.Files.createTempFile("trainforge-recorded-", ".conf");
      file.toFile().deleteOnExit();
      java.nio.file.Files.writeString(
          file, dev.trainforge.config.RecordedConfig.toDatasetFile(json));
      return file;
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("Cannot write the recorded config", e);
    }
  }
}
