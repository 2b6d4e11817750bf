package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.iceberg.SnapshotRef;
import org.apache.iceberg.Table;
import org.apache.iceberg.catalog.TableIdentifier;
import org.apache.iceberg.rest.RESTCatalog;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Publishing through an Iceberg REST catalog ({@code trainforge.catalog.type = rest}): the server
 * is Iceberg's reference REST servlet over a JDBC catalog (it/iceberg-rest/), run as a process of
 * its own on 127.0.0.1. The sample is built twice in this JVM through the command line; a REST
 * client of its own then finds both tags on the server.
 */
class RestCatalogIT {
  private static final String CATALOG = "rest_it";
  private static ChildProcess server;
  private static Path dir;
  private static Path warehouse;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    dir = SharedSpark.tempDir("trainforge-rest-it");
    warehouse = dir.resolve("server-warehouse");
    port = ItEnv.freePort();
    server =
        ChildProcess.start(
            "iceberg-rest",
            List.of(
                ItEnv.java(),
                "-Xmx512m",
                "-cp",
                ItEnv.restCatalogClasspath(),
                ItEnv.restCatalogMain().toString(),
                String.valueOf(port),
                warehouse.toString(),
                dir.resolve("server-catalog.db").toString()),
            dir,
            Map.of(),
            dir.resolve("iceberg-rest.log"));
    awaitConfigEndpoint(Duration.ofSeconds(90));
  }

  private static String uri() {
    return "http://127.0.0.1:" + port;
  }

  private static void awaitConfigEndpoint(Duration timeout) throws InterruptedException {
    HttpClient http = HttpClient.newHttpClient();
    HttpRequest config =
        HttpRequest.newBuilder(URI.create(uri() + "/v1/config"))
            .timeout(Duration.ofSeconds(2))
            .build();
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as("REST catalog server exited:\n%s", server.tail()).isTrue();
      try {
        if (http.send(config, HttpResponse.BodyHandlers.ofString()).statusCode() == 200) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(300);
    }
    throw new AssertionError("REST catalog not answering on " + uri() + ":\n" + server.tail());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void serverListensOnLoopbackOnly() {
    assertThat(ItEnv.listeningAddresses(port)).isNotEmpty().allMatch(ItEnv::isLoopback);
  }

  @Test
  void buildsPublishTaggedVersionsThroughTheRestCatalog() throws Exception {
    Path home = dir.resolve("home");
    generate(home, "1");
    generate(home, "2");
    // The embedded SQLite catalog was not used.
    assertThat(home.resolve("catalog.db")).doesNotExist();

    // A REST client of its own, outside Spark: the server has the table, its tags and main.
    try (RESTCatalog rest = new RESTCatalog()) {
      rest.initialize("check", Map.of("uri", uri()));
      Table table = rest.loadTable(TableIdentifier.of("datasets", "card_fraud"));
      assertThat(table.location()).startsWith(warehouse.toString());
      Map<String, SnapshotRef> refs = table.refs();
      assertThat(refs).containsKeys("main", "v1", "v2");
      assertThat(refs.get("v1").isTag()).isTrue();
      assertThat(refs.get("v2").isTag()).isTrue();
      assertThat(refs.get("main").snapshotId()).isEqualTo(refs.get("v2").snapshotId());
      assertThat(refs.get("v1").snapshotId()).isNotEqualTo(refs.get("v2").snapshotId());
      assertThat(table.snapshot(refs.get("v1").snapshotId()).summary())
          .containsEntry("trainforge.version", "1");
      // No audit branch is left behind by a published build.
      assertThat(refs.keySet()).containsExactlyInAnyOrder("main", "v1", "v2");
    }
    // Spark reads both versions through the REST catalog: the same inputs, the same rows.
    assertThat(SampleBuilds.checksum(CATALOG, "v2"))
        .isEqualTo(SampleBuilds.checksum(CATALOG, "v1"));
  }

  private void generate(Path home, String version) {
    long start = System.nanoTime();
    String out =
        SampleBuilds.generate(
            home,
            CATALOG,
            version,
            "trainforge.catalog.type=rest",
            "trainforge.catalog.uri=" + uri(),
            "trainforge.catalog.user=null");
    System.out.printf(
        "RestCatalogIT: version %s built in %.1f s%n", version, (System.nanoTime() - start) / 1e9);
    assertThat(out).contains("rows       20000 out = 20000 label rows in");
  }
}
