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
      required = true,
      paramLabel = "FILE",
      description = "The dataset config file: the catalog, and the table it writes to.")
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

  /** The config, for version {@link #version} and, with {@code --table}, that table. */
  BuildConfig load() {
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
    return ConfigLoader.load(config, all);
  }
}
