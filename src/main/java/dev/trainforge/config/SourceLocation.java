package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

/**
 * Where a source lives: a directory for Parquet and Delta, a catalog table name for Iceberg.
 *
 * @param format how it is stored
 * @param location the directory (parquet, delta) or the table name (iceberg)
 */
public record SourceLocation(SourceFormat format, String location) {
  public SourceLocation {
    requireNonNull(format, "format is null");
    requireNonNull(location, "location is null");
  }

  public boolean isTable() {
    return format == SourceFormat.ICEBERG;
  }

  @Override
  public String toString() {
    return format.configName() + (isTable() ? " table '" : " path '") + location + "'";
  }
}
