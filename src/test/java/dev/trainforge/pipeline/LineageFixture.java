package dev.trainforge.pipeline;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpServer;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.validate.ValidationFailedException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.spark.sql.SparkSession;

/**
 * A real build and a failed one (a window after every label: the empty-dataset check fails), with
 * their OpenLineage events received over HTTP by a server on the loopback address, as sent.
 */
public final class LineageFixture {
  /**
   * @param built the result of the build that published v1
   * @param succeeded the events of that build, in the order received
   * @param failed the events of the failed build of v2
   */
  public record Recorded(BuildResult built, List<String> succeeded, List<String> failed) {}

  private LineageFixture() {}

  /** Runs both builds with their inputs, catalog and config under {@code dir}. */
  public static Recorded record(Path dir) throws Exception {
    List<String> events = new CopyOnWriteArrayList<>();
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/api/v1/lineage",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          events.add(new String(body, StandardCharsets.UTF_8));
          exchange.sendResponseHeaders(201, -1);
          exchange.close();
        });
    server.start();
    try {
      SparkSession spark = SharedSpark.session();
      String catalog = SharedSpark.freshCatalog(dir.resolve("catalog")).catalog().name();
      spark
          .sql("SELECT 'a' AS id, TIMESTAMP'2026-01-02 00:00:00' AS ts, 1L AS user")
          .write()
          .parquet(dir.resolve("labels").toString());
      spark
          .sql("SELECT 1L AS user, TIMESTAMP'2026-01-01 00:00:00' AS e, 5 AS v")
          .write()
          .parquet(dir.resolve("features").toString());
      String url = "http://127.0.0.1:" + server.getAddress().getPort() + "/api/v1/lineage";

      BuildResult built = build(dir, spark, catalog, url, "1", "");
      List<String> succeeded = new ArrayList<>(events);
      events.clear();
      assertThatThrownBy(
              () ->
                  build(
                      dir,
                      spark,
                      catalog,
                      url,
                      "2",
                      "  labels.window.start = \"2030-01-01T00:00:00Z\""))
          .isInstanceOf(ValidationFailedException.class);
      return new Recorded(built, succeeded, new ArrayList<>(events));
    } finally {
      server.stop(0);
    }
  }

  private static BuildResult build(
      Path dir, SparkSession spark, String catalog, String url, String version, String extra)
      throws IOException {
    Path file = dir.resolve("l" + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, dir.resolve("catalog")),
            "trainforge.lineage { transport = http, url = \"" + url + "\" }",
            "dataset {",
            "  name = lineage",
            "  version = \"" + version + "\"",
            "  labels { path = \""
                + dir.resolve("labels")
                + "\", id-column = id, time-column = ts,"
                + " key-columns = [user] }",
            "  features.f { path = \""
                + dir.resolve("features")
                + "\", keys { user = user },"
                + " event-time-column = e, columns = [v] }",
            extra,
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream()))
        .run(config, "manual__7");
  }
}
