package dev.trainforge.config;

/** How a source is stored. */
public enum SourceFormat {
  PARQUET,
  DELTA,
  ICEBERG;

  /** The spelling used in configuration files. */
  public String configName() {
    return name().toLowerCase(java.util.Locale.ROOT);
  }
}
