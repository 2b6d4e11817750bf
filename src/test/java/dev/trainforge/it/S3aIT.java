package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.testing.SharedSpark;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.FileUtil;
import org.apache.iceberg.DataFile;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * The sample build entirely on object storage through S3A: labels and feature logs (Parquet and a
 * Delta table) read from {@code s3a://}, the Iceberg warehouse on {@code s3a://}. The server is
 * S3Proxy (in memory) on 127.0.0.1, run as a process of its own; the build runs through {@code
 * submit.sh} with the endpoint and credentials from the environment, as the README shows.
 */
class S3aIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String BUCKET = "trainforge-it";
  private static final String ACCESS_KEY = "trainforge-it";
  private static final String SECRET_KEY = UUID.randomUUID().toString();
  private static final List<String> SAMPLE_DIRS =
      List.of("transactions", "user_features", "merchant_risk", "user_auth_events");
  private static ChildProcess server;
  private static Path dir;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    dir = SharedSpark.tempDir("trainforge-s3-it");
    port = ItEnv.freePort();
    Path props = dir.resolve("s3proxy.properties");
    Files.writeString(
        props,
        String.join(
            "\n",
            "s3proxy.endpoint=http://127.0.0.1:" + port,
            "s3proxy.authorization=aws-v2-or-v4",
            "s3proxy.identity=" + ACCESS_KEY,
            "s3proxy.credential=" + SECRET_KEY,
            // In memory; the *-nio2 providers break S3A's renames.
            "jclouds.provider=transient",
            "jclouds.identity=" + ACCESS_KEY,
            "jclouds.credential=" + SECRET_KEY,
            ""));
    server =
        ChildProcess.start(
            "s3proxy",
            List.of(
                ItEnv.java(),
                "-Xmx1g",
                "-DLOG_LEVEL=info",
                "-cp",
                ItEnv.s3proxyClasspath(),
                "org.gaul.s3proxy.Main",
                "--properties",
                props.toString()),
            dir,
            Map.of(),
            dir.resolve("s3proxy.log"));
    awaitListening(Duration.ofSeconds(60));
    try (S3Client s3 =
        S3Client.builder()
            .endpointOverride(URI.create(endpoint()))
            .forcePathStyle(true)
            .region(Region.US_EAST_1)
            .credentialsProvider(
                StaticCredentialsProvider.create(
                    AwsBasicCredentials.create(ACCESS_KEY, SECRET_KEY)))
            .build()) {
      s3.createBucket(b -> b.bucket(BUCKET));
    }
    try (FileSystem s3a = FileSystem.newInstance(URI.create("s3a://" + BUCKET + "/"), s3aConf())) {
      FileSystem local = FileSystem.getLocal(new Configuration());
      for (String d : SAMPLE_DIRS) {
        FileUtil.copy(
            local,
            new org.apache.hadoop.fs.Path(ItEnv.repo().resolve("sample-data").resolve(d).toUri()),
            s3a,
            new org.apache.hadoop.fs.Path("s3a://" + BUCKET + "/sample-data/" + d),
            false,
            s3aConf());
      }
    }
  }

  private static String endpoint() {
    return "http://127.0.0.1:" + port;
  }

  /** S3A settings of this test JVM (the build itself gets them from the environment). */
  private static Configuration s3aConf() {
    Configuration conf = new Configuration();
    s3aSettings().forEach(conf::set);
    return conf;
  }

  private static Map<String, String> s3aSettings() {
    Map<String, String> s = new HashMap<>();
    s.put("fs.s3a.endpoint", endpoint());
    s.put("fs.s3a.endpoint.region", "us-east-1");
    s.put("fs.s3a.path.style.access", "true");
    s.put("fs.s3a.connection.ssl.enabled", "false");
    s.put("fs.s3a.access.key", ACCESS_KEY);
    s.put("fs.s3a.secret.key", SECRET_KEY);
    return s;
  }

  private static void awaitListening(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      assertThat(server.isAlive()).as("S3Proxy exited:\n%s", server.tail()).isTrue();
      try (Socket socket = new Socket()) {
        socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
        return;
      } catch (IOException notYet) {
        Thread.sleep(300);
      }
    }
    throw new AssertionError(
        "S3Proxy is not listening on 127.0.0.1:" + port + ":\n" + server.tail());
  }

  @AfterAll
  static void stopServer() {
    if (server != null) {
      server.close();
    }
  }

  @Test
  void serverListensOnLoopbackOnly() throws IOException {
    // The kernel's socket tables: every listening socket (state 0A) on the server's port.
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    List<String> listening = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
          listening.add(f[1]);
        }
      }
    }
    // 127.0.0.1 in the tables' little-endian hex: as IPv4, or IPv4-mapped IPv6 (::ffff:127.0.0.1),
    // as Java binds it on a dual-stack host. Not 0.0.0.0 or ::, which would be every interface.
    assertThat(listening)
        .isNotEmpty()
        .allMatch(
            a ->
                a.equals("0100007F" + hexPort)
                    || a.equals("0000000000000000FFFF00000100007F" + hexPort),
            "a loopback address");
  }

  @Test
  void buildReadsAndPublishesThroughS3a() throws Exception {
    Path home = dir.resolve("home");
    Path result = dir.resolve("result.json");
    String catalog = SampleBuilds.newCatalogName();
    String data = "s3a://" + BUCKET + "/sample-data/";
    String warehouse = "s3a://" + BUCKET + "/warehouse";
    List<String> command =
        List.of(
            "./submit.sh",
            "generate",
            "--config",
            SampleBuilds.CONFIG,
            "--set",
            "dataset.labels.path=" + data + "transactions",
            "--set",
            "dataset.features.user_profile.path=" + data + "user_features",
            "--set",
            "dataset.features.merchant_risk.path=" + data + "merchant_risk",
            "--set",
            "dataset.features.user_auth.path=" + data + "user_auth_events",
            "--set",
            "trainforge.catalog.name=" + catalog,
            "--run-id",
            "s3-it",
            "--result-file",
            result.toString());
    Map<String, String> env = new HashMap<>();
    env.put("AWS_ACCESS_KEY_ID", ACCESS_KEY);
    env.put("AWS_SECRET_ACCESS_KEY", SECRET_KEY);
    env.put("TRAINFORGE_S3_ENDPOINT", endpoint());
    env.put("TRAINFORGE_S3_REGION", "us-east-1");
    env.put("TRAINFORGE_S3_PATH_STYLE_ACCESS", "true");
    env.put("TRAINFORGE_HOME", home.toString());
    env.put("TRAINFORGE_WAREHOUSE", warehouse);
    env.put("TRAINFORGE_DRIVER_MEMORY", "2g");
    Path log = dir.resolve("submit.log");
    int code =
        ChildProcess.run("submit.sh", command, ItEnv.repo(), env, log, Duration.ofMinutes(10));
    assertThat(code).as("submit.sh exit code; its output:\n%s", ChildProcess.tail(log)).isZero();
    assertThat(Files.readString(log))
        .contains("Feature source 'merchant_risk'")
        // The Delta source's log replayed by Kernel over s3a, its files read as Parquet.
        .contains("Feature source 'merchant_risk': Delta version 0 read as its 60 Parquet files")
        .contains("rows       20000 out = 20000 label rows in");
    // Nothing was written to a local warehouse.
    assertThat(home.resolve("warehouse")).doesNotExist();
    // list reads the table's metadata and the report from S3 without Spark (submit.sh's light
    // JVM: Iceberg's catalog API, the s3a file system with the same settings and credentials).
    List<String> list = new ArrayList<>(List.of("./submit.sh", "list", "--json"));
    list.addAll(command.subList(2, command.indexOf("--run-id")));
    Path listLog = dir.resolve("list.log");
    int listed =
        ChildProcess.run("submit.sh list", list, ItEnv.repo(), env, listLog, Duration.ofMinutes(3));
    assertThat(listed).as("submit.sh list: %s", ChildProcess.tail(listLog)).isZero();
    // The log holds stderr too: the JSON array starts at its "[ {".
    String printed = Files.readString(listLog);
    JsonNode versions = JSON.readTree(printed.substring(printed.indexOf("[ {")));
    assertThat(versions).hasSize(1);
    assertThat(versions.get(0).path("tag").asText()).isEqualTo("v1");
    assertThat(versions.get(0).path("validation").asText()).isIn("PASS", "WARN");

    s3aSettings().forEach(SharedSpark.session().sparkContext().hadoopConfiguration()::set);
    SampleBuilds.attachCatalog(catalog, home, warehouse);
    Table table = SampleBuilds.table(catalog);
    assertThat(table.location()).startsWith(warehouse + "/");
    Snapshot snapshot = SampleBuilds.tagged(table, "v1");
    JsonNode json = JSON.readTree(result.toFile());
    assertThat(snapshot.snapshotId()).isEqualTo(json.path("snapshot-id").asLong());
    List<String> files = new ArrayList<>();
    for (DataFile f : snapshot.addedDataFiles(table.io())) {
      files.add(f.location());
    }
    assertThat(files).isNotEmpty().allMatch(f -> f.startsWith(warehouse + "/"));
    assertThat(SampleBuilds.checksum(catalog, "v1")).isEqualTo(SampleBuilds.localChecksum());

    // The Python read path loads the same version from S3 (clients/python/tests/test_s3.py),
    // with the S3 settings and credentials of the build's environment.
    Map<String, String> pyEnv = new HashMap<>(env);
    pyEnv.put("TRAINFORGE_CLIENT_TEST_S3_HOME", home.toString());
    pyEnv.put("TRAINFORGE_CLIENT_TEST_S3_CATALOG", catalog);
    pyEnv.put("PYTHONPATH", ItEnv.repo().resolve("clients/python/src").toString());
    Pytest.passes(
        2,
        dir,
        "python-client-s3",
        pyEnv,
        Duration.ofMinutes(5),
        "clients/python/tests/test_s3.py");
  }
}
