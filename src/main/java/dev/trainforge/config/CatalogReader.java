package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code trainforge.catalog}: the Iceberg catalog. Its type must be one trainforge supports, and
 * its URI of the kind that type needs (the default URI is the embedded SQLite catalog's, so another
 * type needs its own); a password comes from the environment only. Reads the head of a SQLite file
 * named by the URI (16 bytes), nothing else.
 */
final class CatalogReader {
  private static final String P = "trainforge.catalog.";
  private static final String SQLITE = "jdbc:sqlite:";

  /** The URI schemes each catalog type needs; types not listed take no URI. */
  private static final Map<String, List<String>> URI_SCHEMES =
      Map.of(
          AppSettings.CatalogSettings.JDBC, List.of("jdbc:"),
          AppSettings.CatalogSettings.REST, List.of("http://", "https://"),
          AppSettings.CatalogSettings.HIVE, List.of("thrift://"));

  private static final Map<String, String> URI_EXAMPLES =
      Map.of(
          AppSettings.CatalogSettings.JDBC, "jdbc:postgresql://127.0.0.1:5432/trainforge",
          AppSettings.CatalogSettings.REST, "http://127.0.0.1:8181",
          AppSettings.CatalogSettings.HIVE, "thrift://metastore:9083");

  private CatalogReader() {}

  static AppSettings.CatalogSettings read(ConfigReader r) {
    String type = r.string(P + "type");
    if (!AppSettings.CatalogSettings.TYPES.contains(type)) {
      r.problem(
          P + "type",
          Problem.key(P + "type") + " has value '" + type + "'",
          "expected one of: " + String.join(", ", AppSettings.CatalogSettings.TYPES));
    }
    Optional<String> uri = uri(r, type);
    Optional<String> user = r.optionalString(P + "user");
    Optional<String> password = r.optionalString(P + "password");
    checkCredentials(r, type, user, password);
    String warehouse = r.string(P + "warehouse");
    return new AppSettings.CatalogSettings(
        r.string(P + "name"),
        type,
        uri,
        // A REST server names its warehouses as it likes (a path, or a catalog name): verbatim.
        type.equals(AppSettings.CatalogSettings.REST) ? warehouse : absoluteLocal(warehouse),
        r.stringMap(P + "properties"),
        user,
        password);
  }

  /** {@code uri}, a relative SQLite file made absolute; null: none. */
  private static Optional<String> uri(ConfigReader r, String type) {
    String key = P + "uri";
    Optional<String> uri = r.optionalString(key).map(CatalogReader::absoluteSqlite);
    uri.flatMap(CatalogReader::notSqlite)
        .ifPresent(
            file ->
                r.problem(
                    key,
                    Problem.key(key) + " names " + file + ", which is not a SQLite database",
                    "point it at the catalog.db that builds wrote, or move the file away to start"
                        + " an empty catalog, then `register` the tables"));
    List<String> schemes = URI_SCHEMES.getOrDefault(type, List.of());
    if (!schemes.isEmpty() && uri.filter(u -> schemes.stream().anyMatch(u::startsWith)).isEmpty()) {
      r.problem(
          key,
          Problem.key(key)
              + " is '"
              + uri.orElse("")
              + "', but a "
              + type
              + " catalog needs a URI starting with "
              + String.join(" or ", schemes),
          "set " + key + ", e.g. " + URI_EXAMPLES.get(type));
    }
    return uri;
  }

  private static void checkCredentials(
      ConfigReader r, String type, Optional<String> user, Optional<String> password) {
    boolean takesCredentials =
        type.equals(AppSettings.CatalogSettings.JDBC)
            || type.equals(AppSettings.CatalogSettings.REST);
    if (!takesCredentials && (user.isPresent() || password.isPresent())) {
      String key = user.isPresent() ? P + "user" : P + "password";
      r.problem(
          key,
          Problem.key(key)
              + " is set, but a "
              + type
              + " catalog takes no user or password from trainforge",
          "unset it, and TRAINFORGE_CATALOG_USER and TRAINFORGE_CATALOG_PASSWORD; a "
              + type
              + " catalog authenticates through its own client: Kerberos, AWS credentials");
    }
  }

  /**
   * A password in a dataset file or on the command line would end up in version control or in the
   * process list: it is read from the environment only. {@code user} is the file and the {@code
   * --set} overrides, before the merge.
   */
  static List<String> passwordOutsideTheEnvironment(Config user, ConfigReader r) {
    String key = P + "password";
    // Walked without resolving: the file's own substitutions are resolved only when merged.
    ConfigValue value = user.root();
    for (String part : List.of("trainforge", "catalog", "password")) {
      if (!(value instanceof ConfigObject object) || !object.containsKey(part)) {
        return List.of();
      }
      value = object.get(part);
    }
    if (value.valueType() == ConfigValueType.NULL) {
      return List.of();
    }
    // Where a --set came from is the whole --set, password included: name the key only.
    String where = r.where(key);
    if (where.startsWith("--set ")) {
      where = "--set " + key;
    }
    return List.of(
        Problem.of(
            where,
            Problem.key(key) + " is set in a config file or by --set",
            "a password is read from the environment only: remove it and set"
                + " TRAINFORGE_CATALOG_PASSWORD"));
  }

  /** A relative local path becomes absolute, so table locations do not depend on the cwd. */
  static String absoluteLocal(String location) {
    if (location.matches("^[A-Za-z][A-Za-z0-9+.-]*:.*")) {
      return location;
    }
    return Path.of(location).toAbsolutePath().normalize().toString();
  }

  /**
   * The file of a {@code jdbc:sqlite:} URI when it exists, is not empty and does not start with
   * SQLite's header: the JDBC driver would only fail later, deep in Iceberg, with a trace.
   */
  static Optional<String> notSqlite(String uri) {
    if (!uri.startsWith(SQLITE)) {
      return Optional.empty();
    }
    Path file = Path.of(uri.substring(SQLITE.length()).replaceFirst("\\?.*$", ""));
    try {
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        return Optional.empty();
      }
      byte[] header = new byte[16];
      try (InputStream in = Files.newInputStream(file)) {
        int n = in.readNBytes(header, 0, 16);
        String head = new String(header, 0, n, StandardCharsets.ISO_8859_1);
        return head.equals("SQLite format 3\0") ? Optional.empty() : Optional.of(file.toString());
      }
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  /** A {@code jdbc:sqlite:} URI with a relative file, made absolute; any other URI as it is. */
  static String absoluteSqlite(String uri) {
    if (!uri.startsWith(SQLITE)
        || uri.startsWith(SQLITE + ":")
        || uri.startsWith(SQLITE + "file:")) {
      return uri;
    }
    return SQLITE + Path.of(uri.substring(SQLITE.length())).toAbsolutePath().normalize();
  }
}
