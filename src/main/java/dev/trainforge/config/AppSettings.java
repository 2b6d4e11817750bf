package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
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
 * @param joinPartitions partitions of the join's shuffle; 0: sized by the rows (range partitioning
 *     with {@code joinRowsPerPartition}), else spark.sql.shuffle.partitions
 * @param joinPartitioning how the join spreads rows over partitions
 * @param joinRowsPerPartition with {@code joinPartitions} 0, rows per partition of a
 *     range-partitioned join; 0 for spark.sql.shuffle.partitions partitions
 * @param progressInterval how often a long build phase logs the progress of its Spark stages
 * @param joinSortMemoryBytes the most a join task sorts in memory before Spark's spilling sorter
 *     takes over; 0 for a sixteenth of the heap, at most 512 MiB
 * @param lineage where OpenLineage run events go
 * @param smallBuildBytes inputs smaller than this on storage make a small build, whose local JVM
 *     compiles with C1 alone ({@code submit.sh}); 0 for none
 */
public record AppSettings(
    Optional<String> sparkMaster,
    String appName,
    int shufflePartitions,
    Map<String, String> sparkConf,
    CatalogSettings catalog,
    int joinPartitions,
    JoinPartitioningKind joinPartitioning,
    long joinRowsPerPartition,
    java.time.Duration progressInterval,
    long joinSortMemoryBytes,
    Lineage lineage,
    long smallBuildBytes) {
  public AppSettings {
    requireNonNull(sparkMaster, "sparkMaster is null");
    requireNonNull(appName, "appName is null");
    sparkConf = Map.copyOf(sparkConf);
    requireNonNull(catalog, "catalog is null");
    requireNonNull(joinPartitioning, "joinPartitioning is null");
    requireNonNull(progressInterval, "progressInterval is null");
    requireNonNull(lineage, "lineage is null");
    if (joinRowsPerPartition < 0) {
      throw new IllegalArgumentException(
          "joinRowsPerPartition is negative: " + joinRowsPerPartition);
    }
    if (joinSortMemoryBytes < 0) {
      throw new IllegalArgumentException("joinSortMemoryBytes is negative: " + joinSortMemoryBytes);
    }
    if (smallBuildBytes < 0) {
      throw new IllegalArgumentException("smallBuildBytes is negative: " + smallBuildBytes);
    }
  }

  /**
   * OpenLineage run events of every build.
   *
   * @param transport {@code none}, {@code http} (POST to {@code url}) or {@code file} (append to
   *     {@code file})
   * @param url the endpoint, for http
   * @param file the file, for file
   * @param namespace the job namespace
   */
  public record Lineage(
      String transport, Optional<String> url, Optional<String> file, String namespace) {
    public Lineage {
      requireNonNull(transport, "transport is null");
      requireNonNull(url, "url is null");
      requireNonNull(file, "file is null");
      requireNonNull(namespace, "namespace is null");
    }

    /** No events. */
    public static final Lineage NONE =
        new Lineage("none", Optional.empty(), Optional.empty(), "trainforge");
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
   * @param warehouse where table data is written (for rest: the warehouse the server expects)
   * @param properties further catalog properties
   * @param user the user of a jdbc catalog's database, or of a rest catalog's basic auth
   * @param password that user's password; only ever from the environment, never printed
   */
  public record CatalogSettings(
      String name,
      String type,
      Optional<String> uri,
      String warehouse,
      Map<String, String> properties,
      Optional<String> user,
      Optional<String> password) {
    // Iceberg's catalog types (its "type" property) that trainforge supports.
    public static final String JDBC = "jdbc";
    public static final String REST = "rest";
    public static final String HIVE = "hive";
    public static final String GLUE = "glue";
    public static final String HADOOP = "hadoop";

    /** The supported types, in the order error messages list them. */
    public static final List<String> TYPES = List.of(JDBC, REST, HIVE, GLUE, HADOOP);

    public CatalogSettings {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
      requireNonNull(uri, "uri is null");
      requireNonNull(warehouse, "warehouse is null");
      properties = Map.copyOf(properties);
      requireNonNull(user, "user is null");
      requireNonNull(password, "password is null");
    }

    /** A catalog without credentials. */
    public CatalogSettings(
        String name,
        String type,
        Optional<String> uri,
        String warehouse,
        Map<String, String> properties) {
      this(name, type, uri, warehouse, properties, Optional.empty(), Optional.empty());
    }

    /**
     * Every Spark setting that defines this catalog, sorted by key. The {@code jdbc.*} properties
     * (the defaults hold the embedded SQLite catalog's) are passed to a jdbc catalog only. The user
     * and password become {@code jdbc.user} and {@code jdbc.password} of a jdbc catalog, and HTTP
     * basic auth of a rest catalog. Spark hides settings named like passwords in its UI.
     */
    public Map<String, String> sparkProperties() {
      String prefix = "spark.sql.catalog." + name;
      Map<String, String> conf = new TreeMap<>();
      conf.put(prefix, "org.apache.iceberg.spark.SparkCatalog");
      conf.put(prefix + ".type", type);
      if (!type.equals(GLUE) && !type.equals(HADOOP)) {
        // Glue and Hadoop catalogs have no URI; the embedded default's would only mislead.
        uri.ifPresent(u -> conf.put(prefix + ".uri", u));
      }
      conf.put(prefix + ".warehouse", warehouse);
      properties.forEach(
          (k, v) -> {
            if (type.equals(JDBC) || !k.startsWith("jdbc.")) {
              conf.put(prefix + "." + k, v);
            }
          });
      if (type.equals(JDBC)) {
        user.ifPresent(u -> conf.put(prefix + ".jdbc.user", u));
        password.ifPresent(p -> conf.put(prefix + ".jdbc.password", p));
      } else if (type.equals(REST) && user.isPresent()) {
        conf.put(prefix + ".rest.auth.type", "basic");
        conf.put(prefix + ".rest.auth.basic.username", user.get());
        password.ifPresent(p -> conf.put(prefix + ".rest.auth.basic.password", p));
      }
      return conf;
    }

    /** Never shows the password. */
    @Override
    public String toString() {
      return "CatalogSettings[name="
          + name
          + ", type="
          + type
          + ", uri="
          + uri.orElse("")
          + ", warehouse="
          + warehouse
          + ", properties="
          + properties
          + ", user="
          + user.orElse("")
          + ", password="
          + (password.isPresent() ? "****" : "")
          + "]";
    }

    /**
     * Creates the local directories an embedded catalog needs: the SQLite file's directory and a
     * local warehouse (a REST server's warehouse is the server's business).
     */
    public void createLocalDirectories() {
      uri.ifPresent(CatalogSettings::createSqliteDirectory);
      if (!type.equals(REST) && !warehouse.contains(":")) {
        new java.io.File(warehouse).mkdirs();
      }
    }

    private static void createSqliteDirectory(String uri) {
      String prefix = "jdbc:sqlite:";
      if (uri.startsWith(prefix) && !uri.startsWith(prefix + ":")) {
        java.io.File parent =
            new java.io.File(uri.substring(prefix.length())).getAbsoluteFile().getParentFile();
        if (parent != null) {
          parent.mkdirs();
        }
      }
    }
  }
}
