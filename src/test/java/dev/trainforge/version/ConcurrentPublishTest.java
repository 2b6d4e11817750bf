package dev.trainforge.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.pipeline.BuildResult;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Two builds of one version at once, on the shared session: one publishes, one is refused. */
class ConcurrentPublishTest {
  @TempDir Path dir;

  @Test
  void twoBuildsOfOneVersionAtOncePublishExactlyOnce() throws Exception {
    SparkSession spark = SharedSpark.session();
    String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
    spark
        .sql(
            "SELECT CAST(id AS STRING) AS id, timestamp_micros(unix_micros("
                + "TIMESTAMP'2026-01-02 00:00:00') + id * 60000000) AS ts, id % 7 AS user"
                + " FROM range(200)")
        .write()
        .parquet(dir.resolve("labels").toString());
    spark
        .sql(
            "SELECT id % 7 AS user, timestamp_micros(unix_micros(TIMESTAMP'2026-01-01 00:00:00')"
                + " + id * 600000000) AS e, CAST(id AS INT) AS v FROM range(300)")
        .write()
        .parquet(dir.resolve("features").toString());
    Path file = dir.resolve("c.conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "dataset {",
            "  name = conc",
            "  version = \"7\"",
            "  labels { path = \""
                + dir.resolve("labels")
                + "\", id-column = id,"
                + " time-column = ts, key-columns = [user] }",
            "  features.f { path = \""
                + dir.resolve("features")
                + "\", keys { user = user },"
                + " event-time-column = e, columns = [v] }",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());

    CyclicBarrier start = new CyclicBarrier(2);
    ExecutorService pool = Executors.newFixedThreadPool(2);
    List<Future<BuildResult>> builds = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      builds.add(
          pool.submit(
              () -> {
                start.await();
                return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream()))
                    .run(config);
              }));
    }
    List<BuildResult> won = new ArrayList<>();
    List<Throwable> lost = new ArrayList<>();
    for (Future<BuildResult> f : builds) {
      try {
        won.add(f.get());
      } catch (java.util.concurrent.ExecutionException e) {
        lost.add(e.getCause());
      }
    }
    pool.shutdown();

    assertThat(won).hasSize(1);
    assertThat(lost).hasSize(1);
    Table table = Spark3Util.loadIcebergTable(spark, catalog + ".datasets.conc");
    long winner = won.get(0).snapshotId();
    assertThat(lost.get(0))
        .isInstanceOf(VersionExistsException.class)
        .hasMessageStartingWith(
            "Cannot publish 'conc' v7: the version was published by another build meanwhile"
                + " (snapshot "
                + winner
                + "); this build's snapshot ")
        .hasMessageEndingWith(
            " was not published and its branch was removed (read the published version, or set"
                + " dataset.version to a new version)");
    assertThat(((VersionExistsException) lost.get(0)).exitCode().code()).isEqualTo(2);
    assertThat(table.refs()).containsOnlyKeys("main", "v7");
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(winner);
    assertThat(table.snapshot("v7").snapshotId()).isEqualTo(winner);
    assertThat(spark.read().option("versionAsOf", "v7").table(catalog + ".datasets.conc").count())
        .isEqualTo(200);
    assertThat(table.properties())
        .containsEntry("trainforge.content-checksum.v7", won.get(0).contentChecksum());
  }
}
