package dev.trainforge.spark;

import dev.trainforge.config.AppSettings;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;

/**
 * The Spark session a build runs in: the one spark-submit set up, or an embedded local one when no
 * master is set. Settings the job needs are applied only where the caller has not set them, except
 * the session time zone, which is always UTC (the join's times are instants).
 */
public final class SparkSessions {
  /** The Hadoop file system of {@code file:} paths in a local session. */
  static final String LOCAL_FILES = "spark.hadoop.fs.file.impl";

  /**
   * How shuffle files are written, for every session, the benchmarks' included. On Java 17 {@code
   * FileChannel.transferTo} from one file to another maps the source into memory and writes from
   * the mapping, so Spark's map side, which writes a file per reduce partition and then copies them
   * into one, faults in every page of them once more; a copy through a buffer reads them instead.
   * On S the join's map stage took 4.0-4.6 s instead of 4.9-5.8 s (BENCHMARKS.md).
   */
  public static final Map<String, String> SHUFFLE_IO = Map.of("spark.file.transferTo", "false");

  private SparkSessions() {}

  /** Static settings: they must be in place before the session starts. */
  static Map<String, String> staticDefaults(Map<String, String> overrides) {
    Map<String, String> conf = new LinkedHashMap<>();
    conf.put(
        "spark.sql.extensions",
        "org.apache.iceberg.spark.extensions.IcebergSparkSessionExtensions,"
            + "io.delta.sql.DeltaSparkSessionExtension");
    conf.put("spark.sql.catalog.spark_catalog", "org.apache.spark.sql.delta.catalog.DeltaCatalog");
    conf.put("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.put("spark.sql.adaptive.enabled", "true");
    conf.put("spark.databricks.delta.snapshotPartitions", "2");
    conf.putAll(SHUFFLE_IO);
    conf.putAll(overrides);
    return conf;
  }

  /**
   * A builder for a local session on loopback with the settings every trainforge session needs
   * (Iceberg and Delta, UTC); callers add their own.
   */
  public static SparkSession.Builder localBuilder(String master, String appName) {
    SparkSession.Builder builder =
        SparkSession.builder()
            .master(master)
            .appName(appName)
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.sql.session.timeZone", "UTC")
            .config(LOCAL_FILES, LocalFiles.class.getName());
    staticDefaults(Map.of()).forEach(builder::config);
    return builder;
  }

  /**
   * Gets the enclosing session, or starts one on the configured master (an embedded {@code
   * local[*]} when none is set anywhere); then applies {@link #configure}.
   */
  public static SparkSession forBuild(AppSettings settings) {
    SparkConf existing = new SparkConf(true);
    String master = settings.sparkMaster().orElse(existing.get("spark.master", "local[*]"));
    boolean local = master.startsWith("local");
    SparkSession.Builder builder =
        SparkSession.builder().appName(settings.appName()).master(master);
    if (local) {
      setIfAbsent(
          builder,
          existing,
          "spark.sql.shuffle.partitions",
          String.valueOf(settings.shufflePartitions()));
      setIfAbsent(builder, existing, "spark.driver.host", "127.0.0.1");
      setIfAbsent(builder, existing, "spark.driver.bindAddress", "127.0.0.1");
      setIfAbsent(builder, existing, "spark.ui.showConsoleProgress", "false");
      // Local files' permissions set in the JVM, not by a chmod process per file (LocalFiles).
      setIfAbsent(builder, existing, LOCAL_FILES, LocalFiles.class.getName());
      // Pinned Parquet inputs are read as lists of files, one path each: past 32 paths Spark
      // lists them in a Spark job of its own per source (1-3 s each on the sample). In one JVM
      // that job has no more threads than the driver's own listing.
      setIfAbsent(
          builder, existing, "spark.sql.sources.parallelPartitionDiscovery.threshold", "1024");
      // Adaptive execution coalesces a shuffle into partitions of up to half its size (on 2
      // cores) or 64 MiB, which packs into 3 tasks as often as 2: the second wave leaves a core
      // idle. The validation's distinct counts on S shuffle about 25 MiB: 4 MiB shares it out.
      setIfAbsent(builder, existing, "spark.sql.adaptive.advisoryPartitionSizeInBytes", "4m");
    }
    staticDefaults(settings.sparkConf()).forEach((k, v) -> setIfAbsent(builder, existing, k, v));
    SparkSession spark = builder.getOrCreate();
    if (local) {
      spark.sparkContext().setLogLevel("WARN");
    }
    configure(spark, settings);
    return spark;
  }

  private static void setIfAbsent(
      SparkSession.Builder builder, SparkConf existing, String key, String value) {
    if (!existing.contains(key)) {
      builder.config(key, value);
    }
  }

  /**
   * Runtime settings every build needs: UTC session time zone and the Iceberg catalog. Creates the
   * local directories an embedded catalog needs.
   */
  public static void configure(SparkSession spark, AppSettings settings) {
    spark.conf().set("spark.sql.session.timeZone", "UTC");
    // The join plans are wide; keep their string form whole in the UI, without a warning.
    spark.conf().set("spark.sql.debug.maxToStringFields", "1000");
    AppSettings.CatalogSettings catalog = settings.catalog();
    catalog.createLocalDirectories();
    catalog.sparkProperties().forEach((k, v) -> spark.conf().set(k, v));
  }
}
