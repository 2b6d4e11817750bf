package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.cli.Main;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.SharedSpark;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;

/**
 * The sample build as the integration tests compare it: a local build in this JVM (the reference),
 * and access to versions other processes published into a catalog of their own.
 */
public final class SampleBuilds {
  public static final String CONFIG = "conf/datasets/card_fraud.conf";
  public static final String TABLE = "datasets.card_fraud";
  private static final AtomicInteger CATALOGS = new AtomicInteger();
  private static String localChecksum;

  private SampleBuilds() {}

  /** The content checksum of the sample version built locally, in this JVM (built once). */
  public static synchronized String localChecksum() {
    if (localChecksum == null) {
      String catalog = "it_local";
      generate(SharedSpark.tempDir("trainforge-it-local"), catalog, "1");
      localChecksum = checksum(catalog, "v1");
    }
    return localChecksum;
  }

  /**
   * Builds {@code version} of the sample in this JVM's shared session, with its embedded state
   * under {@code home} and the catalog named {@code catalog}; fails the test unless it publishes.
   *
   * @param overrides further {@code --set} values
   * @return what the build printed on its standard output
   */
  public static String generate(Path home, String catalog, String version, String... overrides) {
    SharedSpark.session();
    List<String> args =
        new ArrayList<>(
            List.of(
                "generate",
                "--config",
                CONFIG,
                "--set",
                "trainforge.home=" + home,
                "--set",
                "trainforge.catalog.name=" + catalog,
                "--set",
                "dataset.version=" + version));
    for (String o : overrides) {
      args.addAll(List.of("--set", o));
    }
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    int code =
        Main.commandLine()
            .setOut(new PrintWriter(out))
            .setErr(new PrintWriter(err))
            .execute(args.toArray(String[]::new));
    assertThat(code).as("build of version %s in catalog %s: %s", version, catalog, err).isZero();
    return out.toString();
  }

  /**
   * A catalog name of its own for a build in another process: the JDBC catalog scopes its tables by
   * catalog name, so the reader must use the name the build used.
   */
  public static String newCatalogName() {
    return "it_catalog_" + CATALOGS.incrementAndGet();
  }

  /**
   * Registers, in the shared test session, the embedded catalog {@code name} another process
   * published into (JDBC on SQLite under {@code home}, data in {@code warehouse}).
   */
  public static void attachCatalog(String name, Path home, String warehouse) {
    SparkSession spark = SharedSpark.session();
    String prefix = "spark.sql.catalog." + name;
    Map.of(
            prefix,
            "org.apache.iceberg.spark.SparkCatalog",
            prefix + ".type",
            "jdbc",
            prefix + ".uri",
            "jdbc:sqlite:" + home.resolve("catalog.db"),
            prefix + ".warehouse",
            warehouse,
            prefix + ".jdbc.schema-version",
            "V1")
        .forEach(spark.conf()::set);
  }

  public static String checksum(String catalog, String tag) {
    return ContentChecksum.of(
        SharedSpark.session().read().option("versionAsOf", tag).table(catalog + "." + TABLE));
  }

  public static Table table(String catalog) {
    try {
      return Spark3Util.loadIcebergTable(SharedSpark.session(), catalog + "." + TABLE);
    } catch (Exception e) {
      throw new AssertionError("cannot load " + catalog + "." + TABLE, e);
    }
  }

  /** The snapshot a tag points to. */
  public static Snapshot tagged(Table table, String tag) {
    assertThat(table.refs()).containsKey(tag);
    return table.snapshot(table.refs().get(tag).snapshotId());
  }
}
