package dev.trainforge.config;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * The tool's settings, {@code trainforge.*}: the Spark session, the catalog ({@link
 * CatalogReader}), object storage, lineage, progress and the join. Not {@code
 * trainforge.feature-source-defaults}: {@link SourcesReader} reads those.
 */
final class SettingsReader {
  private static final String P = "trainforge.";

  private SettingsReader() {}

  static AppSettings read(ConfigReader r) {
    int shuffle = atLeast(r, P + "spark.shuffle-partitions", 1, "use 1 or more");
    int joinPartitions =
        atLeast(
            r,
            P + "join.partitions",
            0,
            "use 0 for spark.sql.shuffle.partitions, or a positive count");
    AppSettings.CatalogSettings catalog = CatalogReader.read(r);
    return new AppSettings(
        r.optionalString(P + "spark.master"),
        r.string(P + "spark.app-name"),
        shuffle,
        withS3Settings(r, r.stringMap(P + "spark.conf")),
        catalog,
        joinPartitions,
        r.enumValue(P + "join.partitioning", AppSettings.JoinPartitioningKind.class),
        atLeast(
            r,
            P + "join.rows-per-partition",
            0,
            "use 0 for spark.sql.shuffle.partitions partitions, or a row count such as 350000"),
        progressInterval(r, P + "progress.interval"),
        r.bytes(P + "join.sort-memory"),
        lineage(r, P + "lineage."),
        r.bytes(P + "spark.small-build-bytes"));
  }

  /** A whole number, reported with {@code fix} when below {@code min}. */
  private static int atLeast(ConfigReader r, String key, int min, String fix) {
    int value = r.integer(key);
    if (value < min) {
      r.problem(key, Problem.key(key) + " is " + value, fix);
    }
    return value;
  }

  private static AppSettings.Lineage lineage(ConfigReader r, String p) {
    String transport = r.string(p + "transport");
    Optional<String> url = r.optionalString(p + "url");
    Optional<String> file = r.optionalString(p + "file");
    switch (transport) {
      case "none" -> {}
      case "http" -> {
        if (url.filter(u -> u.startsWith("http://") || u.startsWith("https://")).isEmpty()) {
          r.problem(
              p + "url",
              Problem.key(p + "url")
                  + " is '"
                  + url.orElse("")
                  + "', but transport http needs an http:// or https:// URL",
              "e.g. http://127.0.0.1:5000/api/v1/lineage");
        }
      }
      case "file" -> {
        if (file.isEmpty()) {
          r.problem(
              p + "file",
              Problem.key(p + "file") + " is not set, but transport file needs it",
              "a path to append events to");
        }
      }
      default ->
          r.problem(
              p + "transport",
              Problem.key(p + "transport") + " is '" + transport + "'",
              "use none, http or file");
    }
    return new AppSettings.Lineage(transport, url, file, r.string(p + "namespace"));
  }

  private static Duration progressInterval(ConfigReader r, String key) {
    Duration d = r.duration(key);
    if (d.isNegative() || d.isZero()) {
      // Only a value the user wrote can be bad: the default is positive.
      r.problem(
          key, Problem.key(key) + " is " + r.written(key), "use a positive duration, e.g. 30s");
    }
    return d;
  }

  /**
   * Adds the S3A settings of {@code trainforge.s3} to the extra Spark settings, where {@code
   * trainforge.spark.conf} does not set them itself. They are Hadoop settings, so they must be in
   * place when the session starts ({@code spark.hadoop.*}).
   */
  private static Map<String, String> withS3Settings(ConfigReader r, Map<String, String> conf) {
    Map<String, String> merged = new LinkedHashMap<>(conf);
    String s3a = "spark.hadoop.fs.s3a.";
    r.optionalString(P + "s3.endpoint")
        .ifPresent(
            endpoint -> {
              merged.putIfAbsent(s3a + "endpoint", endpoint);
              if (endpoint.startsWith("http://")) {
                merged.putIfAbsent(s3a + "connection.ssl.enabled", "false");
              }
            });
    r.optionalString(P + "s3.region")
        .ifPresent(region -> merged.putIfAbsent(s3a + "endpoint.region", region));
    if (r.bool(P + "s3.path-style-access")) {
      merged.putIfAbsent(s3a + "path.style.access", "true");
    }
    return merged;
  }
}
