package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.Snapshot;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The sample build submitted through {@code submit.sh} to a real Spark standalone cluster on
 * 127.0.0.1 (a master and two one-core workers, started with {@code spark-class} from pyspark's
 * Spark distribution). What local mode hides shows here: closures that do not serialize, state kept
 * on the driver, a class missing from the shaded jar.
 */
class ClusterSubmitIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final List<ChildProcess> DAEMONS = new ArrayList<>();
  private static Path dir;
  private static int masterPort;
  private static int masterUiPort;

  @BeforeAll
  static void startCluster() throws Exception {
    dir = SharedSpark.tempDir("trainforge-cluster-it");
    Path confDir = Files.createDirectories(dir.resolve("spark-conf"));
    masterPort = ItEnv.freePort();
    masterUiPort = ItEnv.freePort();
    String master = "spark://127.0.0.1:" + masterPort;
    DAEMONS.add(
        daemon(
            "master",
            confDir,
            "org.apache.spark.deploy.master.Master",
            "--host",
            "127.0.0.1",
            "--port",
            String.valueOf(masterPort),
            "--webui-port",
            String.valueOf(masterUiPort)));
    for (int i = 1; i <= 2; i++) {
      Path work = Files.createDirectories(dir.resolve("worker-" + i));
      DAEMONS.add(
          daemon(
              "worker-" + i,
              confDir,
              "org.apache.spark.deploy.worker.Worker",
              "--host",
              "127.0.0.1",
              "--port",
              String.valueOf(ItEnv.freePort()),
              "--webui-port",
              String.valueOf(ItEnv.freePort()),
              "--cores",
              "1",
              "--memory",
              "1g",
              "--work-dir",
              work.toString(),
              master));
    }
    awaitAliveWorkers(2, Duration.ofSeconds(90));
  }

  private static ChildProcess daemon(String name, Path confDir, String... args) {
    List<String> command = new ArrayList<>();
    command.add(ItEnv.sparkHome().resolve("bin/spark-class").toString());
    command.addAll(List.of(args));
    return ChildProcess.start(
        name,
        command,
        dir,
        Map.of(
            "SPARK_HOME", ItEnv.sparkHome().toString(),
            // An empty conf dir: no spark-defaults.conf or spark-env.sh of the machine applies.
            "SPARK_CONF_DIR", confDir.toString(),
            "SPARK_LOCAL_IP", "127.0.0.1",
            "SPARK_DAEMON_MEMORY", "512m",
            "JAVA_HOME", System.getProperty("java.home")),
        dir.resolve(name + ".log"));
  }

  /** The master's state, from its web UI's JSON endpoint. */
  private static JsonNode masterState() throws IOException {
    try (InputStream in =
        URI.create("http://127.0.0.1:" + masterUiPort + "/json/").toURL().openStream()) {
      return JSON.readTree(in);
    }
  }

  private static void awaitAliveWorkers(int count, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "no answer";
    while (System.nanoTime() < deadline) {
      for (ChildProcess d : DAEMONS) {
        assertThat(d.isAlive()).as("%s exited early:\n%s", d.log(), d.tail()).isTrue();
      }
      try {
        JsonNode state = masterState();
        last = state.toString();
        if (state.path("aliveworkers").asInt() == count) {
          return;
        }
      } catch (IOException e) {
        last = e.toString();
      }
      Thread.sleep(500);
    }
    throw new AssertionError(
        "the cluster did not get " + count + " live workers within " + timeout + ": " + last);
  }

  @AfterAll
  static void stopCluster() {
    // Workers first (they stop their executors), then the master.
    for (int i = DAEMONS.size() - 1; i >= 0; i--) {
      DAEMONS.get(i).close();
    }
  }

  @Test
  void clusterBuildMatchesLocalChecksum() throws Exception {
    Path home = dir.resolve("home");
    Path result = dir.resolve("result.json");
    String catalog = SampleBuilds.newCatalogName();
    List<String> command =
        List.of(
            "./submit.sh",
            "--master",
            "spark://127.0.0.1:" + masterPort,
            "--conf",
            "spark.executor.memory=768m",
            "--conf",
            "spark.driver.memory=2g",
            "--conf",
            "spark.driver.host=127.0.0.1",
            "--conf",
            "spark.sql.shuffle.partitions=8",
            "--conf",
            "spark.ui.enabled=false",
            "generate",
            "--config",
            SampleBuilds.CONFIG,
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--run-id",
            "cluster-it",
            "--result-file",
            result.toString());
    Path log = dir.resolve("submit.log");
    long start = System.nanoTime();
    int code =
        ChildProcess.run(
            "submit.sh",
            command,
            ItEnv.repo(),
            Map.of(
                "SPARK_HOME", ItEnv.sparkHome().toString(),
                "SPARK_CONF_DIR", dir.resolve("spark-conf").toString(),
                "SPARK_LOCAL_IP", "127.0.0.1",
                "TRAINFORGE_HOME", home.toString()),
            log,
            Duration.ofMinutes(10));
    System.out.printf(
        "cluster build: exit %d in %.1f s%n", code, (System.nanoTime() - start) / 1e9);
    assertThat(code).as("submit.sh exit code; its output:\n%s", ChildProcess.tail(log)).isZero();

    // It ran on the cluster: the master lists it as a finished application with executors.
    JsonNode apps = masterState().path("completedapps");
    assertThat(apps.findValuesAsText("name")).contains("trainforge");

    JsonNode json = JSON.readTree(result.toFile());
    assertThat(json.path("rows-out").asLong()).isEqualTo(20000);
    assertThat(json.path("tag").asText()).isEqualTo("v1");

    SampleBuilds.attachCatalog(catalog, home, home.resolve("warehouse").toString());
    Snapshot snapshot = SampleBuilds.tagged(SampleBuilds.table(catalog), "v1");
    assertThat(snapshot.snapshotId()).isEqualTo(json.path("snapshot-id").asLong());
    assertThat(snapshot.summary()).containsEntry("trainforge.run-id", "cluster-it");
    assertThat(SampleBuilds.checksum(catalog, "v1")).isEqualTo(SampleBuilds.localChecksum());
  }
}
