package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The tool's own settings, under {@code trainforge}: Spark session, Iceberg catalog, join.
 *
 * @param sparkMaster the master of an embedded session, if set; else spark-submit's or local[*]
 * @param appName the Spark application name
 * @param shufflePartitions spark.sql.shuffle.partitions of an embedded session
 * @param sparkConf extra Spark settings, applied where the caller has not set them
 * @param catalog the Iceberg catalog datasets are published to
 * @param joinPartitions partitions of the join's shuffle; 0 means spark.sql.shuffle.partitions
 * @param joinPartitioning how the join spreads rows over partitions
 */
public record AppSettings(
    Optional<String> sparkMaster,
    String appName,
    int shufflePartitions,
    Map<String, String> sparkConf,
    CatalogSettings catalog,
    int joinPartitions,
    JoinPartitioningKind joinPartitioning) {
  public AppSettings {
    requireNonNull(sparkMaster, "sparkMaster is null");
    requireNonNull(appName, "appName is null");
    sparkConf = Map.copyOf(sparkConf);
    requireNonNull(catalog, "catalog is null");
    requireNonNull(joinPartitioning, "joinPartitioning is null");
  }

  /** How the as-of join spreads rows over partitions. */
  public enum JoinPartitioningKind {
    /** Ranges of (key, time): hot keys split, with exact carry-in. */
    RANGE,
    /** One partition per key hash. */
    HASH
  }

  /**
   * An Iceberg catalog in the Spark session.
   *
   * @param name its name in Spark SQL
   * @param type jdbc, rest, hive, glue or hadoop
   * @param uri the catalog's URI, if its type needs one
   * @param warehouse where table data is written
   * @param properties further catalog properties
   */
  public record CatalogSettings(
      String name,
      String type,
      Optional<String> uri,
      String warehouse,
      Map<String, String> properties) {
    public CatalogSettings {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
      requireNonNull(uri, "uri is null");
      requireNonNull(warehouse, "warehouse is null");
      properties = Map.copyOf(properties);
    }

    /** Every Spark setting that defines this catalog, sorted by key. */
    public Map<String, String> sparkProperties() {
      String prefix = "spark.sql.catalog." + name;
      Map<String, String> conf = new TreeMap<>();
      conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
      conf.put(prefix + ".type", type);
      uri.ifPresent(u -> conf.put(prefix + ".uri", u));
      conf.put(prefix + ".warehouse", warehouse);
      properties.forEach((k, v) -> conf.put(prefix + "." + k, v));
      return conf;
    }
  }
}
