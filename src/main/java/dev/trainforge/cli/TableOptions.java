package dev.trainforge.cli;

import dev.trainforge.config.AppSettings;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigException;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.version.IcebergCatalogs;
import dev.trainforge.version.VersionCatalog;
import dev.trainforge.version.VersionTable;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.apache.iceberg.catalog.Catalog;
import picocli.CommandLine.Option;

/** Which dataset table a read-side command reads: by its config file, or by name. */
final class TableOptions {
  @Option(
      names = {"-c", "--config"},
      paramLabel = "FILE",
      description = "The dataset config file: its output table and catalog settings are used.")
  Path config;

  @Option(
      names = "--table",
      paramLabel = "CATALOG.NAMESPACE.TABLE",
      description =
          "The dataset table, e.g. trainforge.datasets.card_fraud (catalog settings from"
              + " reference.conf, the environment and --set trainforge.catalog.*).")
  String table;

  @Option(
      names = "--set",
      paramLabel = "KEY=VALUE",
      description = "Overrides one config key, e.g. --set trainforge.home=/data. Repeatable.")
  List<String> overrides = new ArrayList<>();

  /** The settings {@link #open()} used; null before. */
  AppSettings settings;

  /**
   * The table's versions, read through Iceberg's own API when the settings define its catalog (no
   * Spark session starts); else, for a catalog only Spark knows, through Spark. Close it when done.
   */
  Versions versions() {
    String name = resolve();
    String catalogName = name.substring(0, name.indexOf('.'));
    Optional<Catalog> catalog = IcebergCatalogs.open(settings, catalogName);
    if (catalog.isEmpty()) {
      return new Versions(open().metadata(), null);
    }
    try {
      return new Versions(VersionTable.open(catalog.get(), name), catalog.get());
    } catch (RuntimeException e) {
      IcebergCatalogs.close(catalog.get());
      throw e;
    }
  }

  /** A table's versions, and the catalog opened for them (null when Spark's). */
  record Versions(VersionTable table, Catalog catalog) implements AutoCloseable {
    @Override
    public void close() {
      if (catalog != null) {
        IcebergCatalogs.close(catalog);
      }
    }
  }

  /** Starts (or joins) the Spark session with the catalog configured and opens the table. */
  VersionCatalog open() {
    String name = resolve();
    return VersionCatalog.open(SparkSessions.forBuild(settings), name);
  }

  /**
   * Reads the settings (kept in {@link #settings}) and returns the table's qualified name ({@code
   * catalog.namespace.table}); starts nothing.
   */
  String resolve() {
    if (config == null && table == null) {
      throw new ConfigException(
          "no table given (pass --config FILE with the dataset's config, or --table"
              + " catalog.namespace.table)");
    }
    if (table != null && table.split("\\.", -1).length != 3) {
      throw new ConfigException("--table " + table + ": name the table as catalog.namespace.table");
    }
    AppSettings settings;
    String name = table;
    if (config != null) {
      BuildConfig build = ConfigLoader.load(config, overrides);
      settings = build.settings();
      if (name == null) {
        name = build.dataset().output().qualifiedName();
      }
    } else {
      settings = ConfigLoader.settings(overrides);
    }
    this.settings = settings;
    return name;
  }
}
