package dev.trainforge.it;

import java.io.IOException;
import java.io.Reader;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;

/**
 * Where the integration tests' environment is: written by {@code scripts/it-env.sh}, which Maven
 * runs in {@code pre-integration-test}. A missing environment fails the test, never skips it.
 */
public final class ItEnv {
  private static Properties props;

  private ItEnv() {}

  /** The repository root (the tests run there). */
  public static Path repo() {
    return Path.of("").toAbsolutePath();
  }

  /** The venv's python, with Airflow and pytest. */
  public static Path python() {
    return existing("python");
  }

  /** A Spark distribution (pyspark's package directory): bin/spark-class, bin/spark-submit. */
  public static Path sparkHome() {
    return existing("spark.home");
  }

  /** S3Proxy's classpath, to run it as a process of its own. */
  public static String s3proxyClasspath() {
    try {
      return Files.readString(existing("s3proxy.classpath.file")).trim();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Debian's Chromium, to render pages headless. */
  public static Path chromium() {
    return existing("chromium");
  }

  /** The bin directory of a PostgreSQL server: initdb, postgres, pg_ctl. */
  public static Path postgresBin() {
    return existing("postgres.bin");
  }

  /** The classpath of the Iceberg REST catalog server (it/iceberg-rest/pom.xml). */
  public static String restCatalogClasspath() {
    try {
      return Files.readString(existing("iceberg-rest.classpath.file")).trim();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The REST catalog server's source file, run by Java's source launcher. */
  public static Path restCatalogMain() {
    return existing("iceberg-rest.main");
  }

  /**
   * The local addresses listening on TCP {@code port}, from the kernel's socket tables, in their
   * little-endian hex form ({@code 0100007F:1F90} is 127.0.0.1:8080).
   */
  public static List<String> listeningAddresses(int port) {
    String hexPort = String.format(Locale.ROOT, ":%04X", port);
    List<String> listening = new ArrayList<>();
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      try {
        for (String line : Files.readAllLines(Path.of(table))) {
          String[] f = line.trim().split("\\s+");
          // State 0A is LISTEN.
          if (f.length > 3 && f[1].endsWith(hexPort) && f[3].equals("0A")) {
            listening.add(f[1]);
          }
        }
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    return listening;
  }

  /** Whether a {@link #listeningAddresses} entry is 127.0.0.1, as IPv4 or IPv4-mapped IPv6. */
  public static boolean isLoopback(String address) {
    String host = address.substring(0, address.indexOf(':'));
    return host.equals("0100007F") || host.equals("0000000000000000FFFF00000100007F");
  }

  /** The java of this JVM, for the processes the tests start. */
  public static String java() {
    return Path.of(System.getProperty("java.home"), "bin", "java").toString();
  }

  /** A TCP port free on 127.0.0.1 right now. */
  public static int freePort() {
    try (ServerSocket socket = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return socket.getLocalPort();
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static synchronized Path existing(String key) {
    if (props == null) {
      String file = System.getProperty("trainforge.it.env", "target/it-env.properties");
      Path path = Path.of(file);
      if (!Files.isRegularFile(path)) {
        throw new IllegalStateException(
            "integration test environment '"
                + path
                + "' is missing: run the tests with ./mvnw -B verify (which runs"
                + " scripts/it-env.sh first), or run bash scripts/it-env.sh");
      }
      props = new Properties();
      try (Reader reader = Files.newBufferedReader(path)) {
        props.load(reader);
      } catch (IOException e) {
        throw new IllegalStateException(e);
      }
    }
    String value = props.getProperty(key);
    if (value == null || !Files.exists(Path.of(value))) {
      throw new IllegalStateException(
          "integration test environment: '"
              + key
              + "' is '"
              + value
              + "', which does not exist: rerun bash scripts/it-env.sh");
    }
    return Path.of(value);
  }
}
