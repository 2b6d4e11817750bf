package dev.trainforge.version;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.util.Properties;

/**
 * The version of this code and the git commit it was built from (written into the jar at build time
 * by scripts/build-info.sh; "unknown" when it was built outside a git work tree), recorded with
 * every dataset version it builds; and the host and user that run it.
 */
public final class CodeVersion {
  private static final String UNKNOWN = "unknown";
  private static final String VERSION = load("/trainforge-build.properties", "version");
  private static final String COMMIT = load("/trainforge-git.properties", "commit");
  private static final String DIRTY = load("/trainforge-git.properties", "dirty");

  private CodeVersion() {}

  /** The project version, e.g. {@code 0.1.0-SNAPSHOT}. */
  public static String get() {
    return VERSION;
  }

  /** The full git commit id the code was built from, or {@code unknown}. */
  public static String commit() {
    return COMMIT;
  }

  /**
   * {@code true} when the work tree it was built from had uncommitted changes to tracked files,
   * {@code false} when not, {@code unknown} without git.
   */
  public static String dirty() {
    return DIRTY;
  }

  /** The version with its commit, e.g. {@code 0.1.0-SNAPSHOT+3f2a9c1e5b7d (dirty)}. */
  public static String describe() {
    if (UNKNOWN.equals(COMMIT)) {
      return VERSION + " (commit unknown)";
    }
    return VERSION
        + "+"
        + COMMIT.substring(0, Math.min(12, COMMIT.length()))
        + ("true".equals(DIRTY) ? " (dirty)" : "");
  }

  /** The name of the host this runs on, or {@code unknown}. */
  public static String host() {
    String env = System.getenv("HOSTNAME");
    if (env != null && !env.isBlank()) {
      return env.strip();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return UNKNOWN;
    }
  }

  /** The operating-system user this runs as, or {@code unknown}. */
  public static String user() {
    String user = System.getProperty("user.name");
    return user == null || user.isBlank() ? UNKNOWN : user;
  }

  private static String load(String resource, String key) {
    try (InputStream in = CodeVersion.class.getResourceAsStream(resource)) {
      if (in == null) {
        return UNKNOWN;
      }
      Properties p = new Properties();
      p.load(in);
      String value = p.getProperty(key, UNKNOWN).strip();
      // An unfiltered placeholder (a build that skipped resource filtering) is not a value.
      return value.isEmpty() || value.startsWith("${") ? UNKNOWN : value;
    } catch (IOException e) {
      return UNKNOWN;
    }
  }
}
