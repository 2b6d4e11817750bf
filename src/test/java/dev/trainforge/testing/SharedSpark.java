package dev.trainforge.testing;

import dev.trainforge.config.AppSettings;
import dev.trainforge.spark.SparkSessions;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.spark.sql.SparkSession;

/**
 * The one SparkSession of the test run: local[2], UI off, few shuffle partitions, Iceberg and Delta
 * configured as in production. Each test that publishes gets a catalog of its own, in a temp dir.
 */
public final class SharedSpark {
  private static SparkSession spark;
  private static final AtomicInteger CATALOGS = new AtomicInteger();

  private SharedSpark() {}

  public static synchronized SparkSession session() {
    if (spark == null) {
      spark =
          SparkSessions.localBuilder("local[2]", "trainforge-tests")
              .config("spark.ui.enabled", "false")
              .config("spark.sql.shuffle.partitions", "4")
              .config("spark.default.parallelism", "4")
              .getOrCreate();
      spark.sparkContext().setLogLevel("WARN");
    }
    return spark;
  }

  /** Settings with a fresh embedded catalog (JDBC on SQLite) under {@code dir}. */
  public static AppSettings freshCatalog(Path dir) {
    String name = "test_catalog_" + CATALOGS.incrementAndGet();
    AppSettings settings =
        new AppSettings(
            Optional.empty(),
            "trainforge-tests",
            4,
            Map.of(),
            new AppSettings.CatalogSettings(
                name,
                "jdbc",
                Optional.of("jdbc:sqlite:" + dir.resolve("catalog.db")),
                dir.resolve("warehouse").toString(),
                Map.of(
                    "jdbc.schema-version", "V1",
                    "jdbc.busy_timeout", "10000",
                    "jdbc.journal_mode", "WAL")),
            0,
            AppSettings.JoinPartitioningKind.RANGE,
            // exactly the partitions asked for: the tests' few rows still span several
            0L,
            java.time.Duration.ofSeconds(30),
            0L,
            AppSettings.Lineage.NONE,
            0L);
    SparkSessions.configure(session(), settings);
    return settings;
  }

  public static Path tempDir(String prefix) {
    try {
      return Files.createTempDirectory(prefix);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }
}
