package dev.trainforge.version;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version of this code, recorded with every dataset version it builds. */
public final class CodeVersion {
  private static final String VERSION = load();

  private CodeVersion() {}

  public static String get() {
    return VERSION;
  }

  private static String load() {
    try (InputStream in = CodeVersion.class.getResourceAsStream("/trainforge-build.properties")) {
      if (in == null) {
        return "unknown";
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version", "unknown");
    } catch (IOException e) {
      return "unknown";
    }
  }
}
