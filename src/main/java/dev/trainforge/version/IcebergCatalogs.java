package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.AppSettings;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.hadoop.conf.Configuration;
import org.apache.iceberg.CatalogProperties;
import org.apache.iceberg.CatalogUtil;
import org.apache.iceberg.catalog.Catalog;

/**
 * Iceberg catalogs opened directly through Iceberg's own API, configured exactly as a Spark session
 * of the same settings would configure them ({@code spark.sql.catalog.<name>.*}, Hadoop settings
 * from {@code spark.hadoop.*} and the AWS environment), without starting Spark or loading its
 * classes. The read-side commands use them for metadata: a catalog lookup and a metadata file read
 * take well under a second, where starting Spark takes several.
 */
public final class IcebergCatalogs {
  private IcebergCatalogs() {}

  /** Spark's Iceberg catalog classes: a catalog configured with one of them is an Iceberg one. */
  private static final java.util.Set<String> ICEBERG_SPARK_CATALOGS =
      java.util.Set.of(
          "org.apache.iceberg.spark.SparkCatalog", "org.apache.iceberg.spark.SparkSessionCatalog");

  /**
   * The Spark settings a session started for {@code settings} would have: {@code
   * trainforge.spark.conf} (with the S3 settings), under the {@code spark.*} system properties
   * (spark-submit's and submit.sh's {@code --conf}), under the catalog's own settings, which {@link
   * dev.trainforge.spark.SparkSessions#configure} sets last.
   */
  public static Map<String, String> sparkConf(AppSettings settings) {
    Map<String, String> conf = new TreeMap<>(settings.sparkConf());
    for (String key : System.getProperties().stringPropertyNames()) {
      if (key.startsWith("spark.")) {
        conf.put(key, System.getProperty(key));
      }
    }
    conf.putAll(settings.catalog().sparkProperties());
    return conf;
  }

  /**
   * The Hadoop configuration a Spark session with {@code sparkConf} would give catalog {@code
   * name}, as Spark builds it: Hadoop's defaults and site files, S3 credentials and endpoint from
   * the AWS environment variables, every {@code spark.hadoop.*} setting, and the catalog's own
   * {@code spark.sql.catalog.<name>.hadoop.*} overrides ({@code name} null: none, the session's own
   * Hadoop settings).
   */
  public static Configuration hadoopConf(Map<String, String> sparkConf, String name) {
    Configuration conf = new Configuration();
    String key = System.getenv("AWS_ACCESS_KEY_ID");
    String secret = System.getenv("AWS_SECRET_ACCESS_KEY");
    if (key != null && secret != null) {
      for (String scheme : new String[] {"fs.s3", "fs.s3n"}) {
        conf.set(scheme + ".awsAccessKeyId", key);
        conf.set(scheme + ".awsSecretAccessKey", secret);
      }
      conf.set("fs.s3a.access.key", key);
      conf.set("fs.s3a.secret.key", secret);
      String token = System.getenv("AWS_SESSION_TOKEN");
      if (token != null) {
        conf.set("fs.s3a.session.token", token);
      }
    }
    String endpoint = System.getenv("AWS_ENDPOINT_URL");
    if (endpoint != null && !endpoint.isEmpty()) {
      conf.set("fs.s3a.endpoint", endpoint);
    }
    conf.set("io.file.buffer.size", sparkConf.getOrDefault("spark.buffer.size", "65536"));
    conf.set("fs.s3a.downgrade.syncable.exceptions", "true");
    String hadoop = "spark.hadoop.";
    sparkConf.forEach(
        (k, v) -> {
          if (k.startsWith(hadoop)) {
            conf.set(k.substring(hadoop.length()), v);
          }
        });
    if (name == null) {
      return conf;
    }
    String overrides = "spark.sql.catalog." + name + ".hadoop.";
    sparkConf.forEach(
        (k, v) -> {
          if (k.startsWith(overrides)) {
            conf.set(k.substring(overrides.length()), v);
          }
        });
    return conf;
  }

  /**
   * The properties of catalog {@code name} in {@code sparkConf} (without their {@code
   * spark.sql.catalog.<name>.} prefix), or empty when {@code name} is not an Iceberg catalog there.
   */
  static Optional<Map<String, String>> catalogProperties(
      Map<String, String> sparkConf, String name) {
    String prefix = "spark.sql.catalog." + name;
    if (!ICEBERG_SPARK_CATALOGS.contains(sparkConf.get(prefix))) {
      return Optional.empty();
    }
    Map<String, String> options = new TreeMap<>(String.CASE_INSENSITIVE_ORDER);
    sparkConf.forEach(
        (k, v) -> {
          if (k.startsWith(prefix + ".")) {
            options.put(k.substring(prefix.length() + 1), v);
          }
        });
    return Optional.of(options);
  }

  /**
   * Opens Iceberg catalog {@code name} as a Spark session of {@code settings} would, or returns
   * empty when the settings do not define it as an Iceberg catalog (then only Spark can resolve
   * it). The caller closes the catalog when it is {@link AutoCloseable}. Creates the local
   * directories an embedded catalog needs, as a session does.
   */
  public static Optional<Catalog> open(AppSettings settings, String name) {
    requireNonNull(settings, "settings is null");
    requireNonNull(name, "name is null");
    Map<String, String> sparkConf = sparkConf(settings);
    Optional<Map<String, String>> properties = catalogProperties(sparkConf, name);
    if (properties.isEmpty()) {
      return Optional.empty();
    }
    if (name.equals(settings.catalog().name())) {
      settings.catalog().createLocalDirectories();
    }
    Map<String, String> options = properties.get();
    options.put(CatalogProperties.USER, System.getProperty("user.name", ""));
    return Optional.of(CatalogUtil.buildIcebergCatalog(name, options, hadoopConf(sparkConf, name)));
  }

  /** Closes {@code catalog} if it holds resources (connections, a FileIO). */
  public static void close(Catalog catalog) {
    if (catalog instanceof AutoCloseable closeable) {
      try {
        closeable.close();
      } catch (Exception e) {
        throw new IllegalStateException("Cannot close catalog " + catalog.name(), e);
      }
    }
  }
}
