package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.testing.SharedSpark;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.UserPrincipal;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipFile;
import org.apache.iceberg.Table;
import org.apache.iceberg.spark.Spark3Util;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Iceberg's JDBC catalog on a real PostgreSQL server: Debian's package, started on 127.0.0.1 on a
 * free port with a fresh data directory (as the package's {@code postgres} user when the tests run
 * as root, which the server refuses). Two versions of the sample are built by two {@code submit.sh}
 * processes with the catalog's URI, user and password from the environment, as the README shows;
 * this JVM, a third process, then reads their tags through the same catalog.
 */
class PostgresCatalogIT {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final String USER = "trainforge";
  private static final String DATABASE = "trainforge";
  private static final String PASSWORD = "pw-" + UUID.randomUUID();
  private static final String CATALOG = "pg_it";
  private static ChildProcess server;
  private static Path dir;
  private static Path data;
  private static int port;

  @BeforeAll
  static void startServer() throws Exception {
    dir = SharedSpark.tempDir("trainforge-pg-it");
    data = dir.resolve("pgdata");
    port = ItEnv.freePort();
    Path passwordFile = dir.resolve("password");
    Files.writeString(passwordFile, PASSWORD + "\n");
    if (isRoot()) {
      // The server runs as 'postgres': it must own its directory and read the password file.
      UserPrincipal postgres =
          dir.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("postgres");
      Files.setOwner(dir, postgres);
      Files.setOwner(passwordFile, postgres);
    }
    Path bin = ItEnv.postgresBin();
    List<String> initdb =
        asServerUser(
            bin.resolve("initdb").toString(),
            "-D",
            data.toString(),
            "-U",
            USER,
            "--pwfile=" + passwordFile,
            "--auth=scram-sha-256",
            "--encoding=UTF8",
            "--no-locale");
    Path initLog = dir.resolve("initdb.log");
    int code = ChildProcess.run("initdb", initdb, dir, Map.of(), initLog, Duration.ofMinutes(2));
    assertThat(code).as("initdb exit code; its output:\n%s", ChildProcess.tail(initLog)).isZero();
    server =
        ChildProcess.start(
            "postgres",
            asServerUser(
                bin.resolve("postgres").toString(),
                "-D",
                data.toString(),
                "-h",
                "127.0.0.1",
                "-p",
                String.valueOf(port),
                // Its Unix socket in the test's directory, not /var/run/postgresql.
                "-k",
                dir.toString()),
            dir,
            Map.of(),
            dir.resolve("postgres.log"));
    try (Connection c = awaitConnection("postgres", Duration.ofSeconds(60));
        Statement s = c.createStatement()) {
      s.execute("CREATE DATABASE " + DATABASE);
    }
  }

  private static boolean isRoot() {
    return "root".equals(System.getProperty("user.name"));
  }

  private static List<String> asServerUser(String... command) {
    List<String> full = new ArrayList<>();
    if (isRoot()) {
      full.addAll(List.of("runuser", "-u", "postgres", "--"));
    }
    full.addAll(List.of(command));
    return full;
  }

  private static String jdbcUri() {
    return "jdbc:postgresql://127.0.0.1:" + port + "/" + DATABASE;
  }

  private static Connection awaitConnection(String database, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    String url = "jdbc:postgresql://127.0.0.1:" + port + "/" + database;
    while (true) {
      assertThat(server.isAlive()).as("postgres exited:\n%s", server.tail()).isTrue();
      try {
        return DriverManager.getConnection(url, USER, PASSWORD);
      } catch (SQLException notYet) {
        if (System.nanoTime() > deadline) {
          throw new AssertionError(
              "PostgreSQL does not accept connections on 127.0.0.1:" + port + ":\n" + server.tail(),
              notYet);
        }
        Thread.sleep(200);
      }
    }
  }

  @AfterAll
  static void stopServer() {
    if (server == null) {
      return;
    }
    // A fast shutdown: disconnects clients and checkpoints; then the process is gone.
    ChildProcess.run(
        "pg_ctl stop",
        asServerUser(
            ItEnv.postgresBin().resolve("pg_ctl").toString(),
            "-D",
            data.toString(),
            "-m",
            "fast",
            "-w",
            "stop"),
        dir,
        Map.of(),
        dir.resolve("pg_ctl.log"),
        Duration.ofMinutes(1));
    server.close();
    // The cluster's files (about 50 MB); the logs stay beside them for inspection.
    try (var files = Files.walk(data)) {
      files.sorted(java.util.Comparator.reverseOrder()).map(Path::toFile).forEach(File::delete);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void serverListensOnLoopbackOnly() {
    assertThat(ItEnv.listeningAddresses(port)).isNotEmpty().allMatch(ItEnv::isLoopback);
  }

  @Test
  void shadedJarRegistersThePostgresDriver() throws IOException {
    try (ZipFile jar = new ZipFile(ItEnv.repo().resolve("target/trainforge.jar").toFile())) {
      assertThat(jar.getEntry("org/postgresql/Driver.class")).isNotNull();
      String drivers =
          new String(
              jar.getInputStream(jar.getEntry("META-INF/services/java.sql.Driver")).readAllBytes(),
              java.nio.charset.StandardCharsets.UTF_8);
      assertThat(drivers.lines().map(String::trim))
          .contains("org.postgresql.Driver", "org.sqlite.JDBC");
    }
  }

  @Test
  void twoProcessesPublishTwoVersionsThatAThirdSees() throws Exception {
    Path home = dir.resolve("home");
    String warehouse = dir.resolve("warehouse").toString();
    Map<String, String> env = new HashMap<>();
    env.put("TRAINFORGE_HOME", home.toString());
    env.put("TRAINFORGE_WAREHOUSE", warehouse);
    env.put("TRAINFORGE_CATALOG_TYPE", null);
    env.put("TRAINFORGE_CATALOG_URI", jdbcUri());
    env.put("TRAINFORGE_CATALOG_USER", USER);
    env.put("TRAINFORGE_CATALOG_PASSWORD", PASSWORD);
    env.put("TRAINFORGE_DRIVER_MEMORY", "2g");
    JsonNode v1 = submit("1", env);
    JsonNode v2 = submit("2", env);
    // The embedded SQLite catalog was not used.
    assertThat(home.resolve("catalog.db")).doesNotExist();

    // The catalog's rows are in PostgreSQL, under the catalog's name.
    try (Connection c = awaitConnection(DATABASE, Duration.ofSeconds(10));
        Statement s = c.createStatement();
        ResultSet rs =
            s.executeQuery(
                "SELECT catalog_name, table_namespace, table_name FROM iceberg_tables")) {
      List<String> tables = new ArrayList<>();
      while (rs.next()) {
        tables.add(rs.getString(1) + "." + rs.getString(2) + "." + rs.getString(3));
      }
      assertThat(tables).containsExactly(CATALOG + "." + SampleBuilds.TABLE);
    }

    attach(PASSWORD);
    Table table = SampleBuilds.table(CATALOG);
    assertThat(table.location()).startsWith(warehouse + "/");
    assertThat(SampleBuilds.tagged(table, "v1").snapshotId())
        .isEqualTo(v1.path("snapshot-id").asLong());
    assertThat(SampleBuilds.tagged(table, "v2").snapshotId())
        .isEqualTo(v2.path("snapshot-id").asLong());
    assertThat(table.currentSnapshot().snapshotId()).isEqualTo(v2.path("snapshot-id").asLong());
    // The same inputs and config under another version number: the same rows.
    assertThat(SampleBuilds.checksum(CATALOG, "v2"))
        .isEqualTo(SampleBuilds.checksum(CATALOG, "v1"));
  }

  @Test
  void aWrongPasswordIsRefusedByTheServer() {
    String name = "pg_it_wrong_password";
    attachAs(name, "not-" + PASSWORD);
    // Loaded directly: a table lookup would fall back to the session catalog and hide the cause.
    assertThatThrownBy(() -> Spark3Util.loadIcebergCatalog(SharedSpark.session(), name))
        .rootCause()
        .hasMessageContaining("password authentication failed for user \"" + USER + "\"");
  }

  private JsonNode submit(String version, Map<String, String> env) throws IOException {
    Path result = dir.resolve("result-v" + version + ".json");
    Path log = dir.resolve("submit-v" + version + ".log");
    List<String> command =
        List.of(
            "./submit.sh",
            "generate",
            "--config",
            SampleBuilds.CONFIG,
            "--set",
            "trainforge.catalog.name=" + CATALOG,
            "--set",
            "dataset.version=" + version,
            "--result-file",
            result.toString());
    long start = System.nanoTime();
    int code =
        ChildProcess.run("submit.sh", command, ItEnv.repo(), env, log, Duration.ofMinutes(5));
    System.out.printf(
        "PostgresCatalogIT: version %s built in %.1f s%n",
        version, (System.nanoTime() - start) / 1e9);
    assertThat(code).as("submit.sh exit code; its output:\n%s", ChildProcess.tail(log)).isZero();
    assertThat(Files.readString(log))
        .contains("rows       20000 out = 20000 label rows in")
        .doesNotContain(PASSWORD);
    return JSON.readTree(result.toFile());
  }

  private static void attach(String password) {
    attachAs(CATALOG, password);
  }

  /** Registers the PostgreSQL catalog under {@code name} in the shared test session. */
  private static void attachAs(String name, String password) {
    String prefix = "spark.sql.catalog." + name;
    Map.of(
            prefix,
            "org.apache.iceberg.spark.SparkCatalog",
            prefix + ".type",
            "jdbc",
            prefix + ".uri",
            jdbcUri(),
            prefix + ".warehouse",
            dir.resolve("warehouse").toString(),
            prefix + ".jdbc.user",
            USER,
            prefix + ".jdbc.password",
            password,
            prefix + ".jdbc.schema-version",
            "V1")
        .forEach(SharedSpark.session().conf()::set);
  }
}
