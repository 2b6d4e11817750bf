package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import dev.trainforge.text.Sha256;
import java.io.File;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Loads a dataset file into a checked {@link BuildConfig}: the file, then {@code --set} overrides
 * on top, with {@code reference.conf} as the defaults and environment variables for {@code ${?VAR}}
 * lines. Every check that needs no data runs here, before Spark starts, and every problem found is
 * reported at once.
 */
public final class ConfigLoader {
  private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");
  private static final String DEFAULTS = "trainforge.feature-source-defaults";

  /** Subtrees whose keys are free-form names rather than settings. */
  private static final Set<String> FREE_MAPS =
      Set.of(
          "trainforge.spark.conf",
          "trainforge.catalog.properties",
          "dataset.validation.expected-schema",
          "dataset.validation.columns");

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

  private static final Set<String> COLUMN_RULE_KEYS =
      Set.of("min", "max", "max-null-rate", "domain");

  private ConfigLoader() {}

  /** Loads and checks {@code file} with {@code overrides} of the form {@code key=value}. */
  public static BuildConfig load(Path file, List<String> overrides) {
    Config user = overrides(overrides).withFallback(parseFile(file));
    Config merged = resolve(user.withFallback(reference()), file.toString());
    List<String> problems = new ArrayList<>(unknownKeys(merged, reference()));
    ConfigReader reader = new ConfigReader(merged, file.toString());
    AppSettings settings = readSettings(reader);
    DatasetSpec dataset = readDataset(reader);
    problems.addAll(reader.problems());
    problems.addAll(passwordsOutsideTheEnvironment(user, reader));
    if (problems.isEmpty()) {
      problems.addAll(outputCollisions(dataset, file.toString()));
    }
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return new BuildConfig(
        dataset,
        settings,
        file.toString(),
        CanonicalJson.of(dataset),
        Sha256.hex(CanonicalJson.definition(dataset)));
  }

  /**
   * The tool's settings alone, for commands that read a published table without a dataset file:
   * {@code reference.conf} with {@code overrides} ({@code trainforge.*} keys) on top.
   */
  public static AppSettings settings(List<String> overrides) {
    Config merged = resolve(overrides(overrides).withFallback(reference()), "--set");
    List<String> problems = new ArrayList<>(unknownKeys(merged, reference()));
    ConfigReader reader = new ConfigReader(merged, "--set");
    AppSettings settings = readSettings(reader);
    problems.addAll(reader.problems());
    if (!problems.isEmpty()) {
      throw new ConfigException(problems);
    }
    return settings;
  }

  static Config reference() {
    return ConfigFactory.parseResourcesAnySyntax(
        ConfigLoader.class.getClassLoader(),
        "reference",
        ConfigParseOptions.defaults().setAllowMissing(false));
  }

  private static Config parseFile(Path file) {
    File f = file.toFile();
    if (!f.isFile()) {
      throw new ConfigException(
          "cannot read config file '"
              + file
              + "': no such file (pass --config with the path of a dataset file, e.g."
              + " conf/datasets/card_fraud.conf)");
    }
    Config parsed;
    try {
      parsed = ConfigFactory.parseFile(f, ConfigParseOptions.defaults().setAllowMissing(false));
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException("cannot parse config file '" + file + "': " + e.getMessage());
    }
    List<String> duplicates = duplicateBlocks(file);
    if (!duplicates.isEmpty()) {
      throw new ConfigException(duplicates);
    }
    return parsed;
  }

  /**
   * A feature source (or the labels) written as two blocks in one file: HOCON merges them into one
   * without a word, key by key, so a copied block silently changes another source. Refused, with
   * the line of every block.
   */
  static List<String> duplicateBlocks(Path file) {
    String text;
    try {
      text = java.nio.file.Files.readString(file, StandardCharsets.UTF_8);
    } catch (java.io.IOException | java.io.UncheckedIOException e) {
      return List.of(); // the parser has read it; nothing more to say here
    }
    List<String> problems = new ArrayList<>();
    HoconBlocks.duplicates(text)
        .forEach(
            (path, lines) -> {
              String what;
              if (path.equals("dataset.labels")) {
                what = "the labels block (dataset.labels)";
              } else if (path.startsWith("dataset.features.")
                  && path.indexOf('.', "dataset.features.".length()) < 0) {
                what =
                    "feature source '"
                        + path.substring("dataset.features.".length())
                        + "' ("
                        + path
                        + ")";
              } else {
                return;
              }
              List<String> places = new ArrayList<>();
              lines.forEach(l -> places.add(file + ":" + l));
              problems.add(
                  String.join(" and ", places)
                      + ": "
                      + what
                      + " is written "
                      + (lines.size() == 2 ? "twice" : lines.size() + " times")
                      + " in one file; HOCON would merge the blocks silently, key by key, the later"
                      + " value winning (keep one block, or give each source a name of its own)");
            });
    return problems;
  }

  private static Config overrides(List<String> overrides) {
    Config result = ConfigFactory.empty();
    for (String override : overrides) {
      int eq = override.indexOf('=');
      if (eq <= 0) {
        throw new ConfigException(
            "--set '" + override + "' is not key=value (e.g. --set dataset.version=2)");
      }
      String key = override.substring(0, eq).trim();
      String value = override.substring(eq + 1);
      String trimmed = value.strip();
      boolean structured = !trimmed.isEmpty() && "\"{[".indexOf(trimmed.charAt(0)) >= 0;
      if (!structured && (trimmed.contains("//") || trimmed.contains("#"))) {
        // Unquoted, HOCON would read "//" or "#" as the start of a comment and silently cut
        // s3a://bucket/path to "s3a:". A comment is never meant on the command line.
        value = ConfigUtil.quoteString(trimmed);
      }
      Config one;
      try {
        one = parseOverride(key, value, override);
      } catch (com.typesafe.config.ConfigException e) {
        if (structured) {
          throw unparsable(override, e);
        }
        // A plain value HOCON cannot read unquoted, such as 2026-01-05T00:00:00Z: a string.
        try {
          one = parseOverride(key, ConfigUtil.quoteString(trimmed), override);
        } catch (com.typesafe.config.ConfigException again) {
          throw unparsable(override, e);
        }
      }
      result = one.withFallback(result);
    }
    return result;
  }

  private static ConfigException unparsable(
      String override, com.typesafe.config.ConfigException e) {
    return new ConfigException(
        "--set '" + override + "' cannot be parsed: " + e.getMessage() + " (quote the value)");
  }

  private static Config parseOverride(String key, String value, String override) {
    return ConfigFactory.parseString(
        key + " = " + value,
        ConfigParseOptions.defaults().setOriginDescription("--set " + override));
  }

  private static Config resolve(Config config, String file) {
    try {
      return config.resolve(ConfigResolveOptions.defaults());
    } catch (com.typesafe.config.ConfigException e) {
      throw new ConfigException(
          "cannot resolve '" + file + "': " + e.getMessage() + " (define it or set the variable)");
    }
  }

  // ---- unknown keys -------------------------------------------------------------------------

  /**
   * Every key of {@code merged} that the reference does not define. Typesafe's checkValid ignores
   * unknown keys, and a typo in an optional key would otherwise silently use the default.
   */
  static List<String> unknownKeys(Config merged, Config reference) {
    List<String> problems = new ArrayList<>();
    Config ref = reference.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    ConfigObject sourceSchema = ref.getObject(DEFAULTS);
    for (Map.Entry<String, ConfigValue> top : merged.root().entrySet()) {
      String key = top.getKey();
      if (!ref.root().containsKey(key)) {
        problems.add(unknown(top.getValue(), key, key, ref.root().keySet()));
        continue;
      }
      if (top.getValue() instanceof ConfigObject obj) {
        check(obj, key, (ConfigObject) ref.root().get(key), sourceSchema, problems);
      }
    }
    return problems;
  }

  private static void check(
      ConfigObject actual,
      String path,
      ConfigObject schema,
      ConfigObject sourceSchema,
      List<String> problems) {
    if (FREE_MAPS.contains(path)) {
      return;
    }
    for (Map.Entry<String, ConfigValue> e : actual.entrySet()) {
      String key = e.getKey();
      String child = path + "." + key;
      if (path.equals("dataset.features")) {
        if (e.getValue() instanceof ConfigObject source) {
          checkSource(source, child, sourceSchema, problems);
        }
        continue;
      }
      if (!schema.containsKey(key)) {
        problems.add(unknown(e.getValue(), child, key, schema.keySet()));
      } else if (e.getValue() instanceof ConfigObject obj
          && schema.get(key) instanceof ConfigObject childSchema) {
        check(obj, child, childSchema, sourceSchema, problems);
      }
    }
  }

  private static void checkSource(
      ConfigObject source, String path, ConfigObject schema, List<String> problems) {
    // Only a source's own keys are checked: inside keys and rename, any name is valid.
    for (Map.Entry<String, ConfigValue> e : source.entrySet()) {
      if (!schema.containsKey(e.getKey())) {
        problems.add(unknown(e.getValue(), path + "." + e.getKey(), e.getKey(), schema.keySet()));
      }
    }
  }

  private static String unknown(ConfigValue value, String path, String key, Set<String> known) {
    String where = ConfigReader.describe(value.origin());
    Optional<String> suggestion = Suggestions.closest(key, known);
    String parent = path.contains(".") ? path.substring(0, path.length() - key.length()) : "";
    return where
        + ": unknown key '"
        + path
        + "'"
        + suggestion
            .map(s -> " (did you mean '" + parent + s + "'?)")
            .orElse(
                " (known keys here: " + String.join(", ", new java.util.TreeSet<>(known)) + ")");
  }

  // ---- settings -----------------------------------------------------------------------------

  private static AppSettings readSettings(ConfigReader r) {
    String p = "trainforge.";
    int shuffle = r.integer(p + "spark.shuffle-partitions");
    if (shuffle < 1) {
      r.problem(
          r.where(p + "spark.shuffle-partitions")
              + ": key 'trainforge.spark.shuffle-partitions' is "
              + shuffle
              + " (use 1 or more)");
    }
    int joinPartitions = r.integer(p + "join.partitions");
    if (joinPartitions < 0) {
      r.problem(
          r.where(p + "join.partitions")
              + ": key 'trainforge.join.partitions' is "
              + joinPartitions
              + " (use 0 for spark.sql.shuffle.partitions, or a positive count)");
    }
    AppSettings.CatalogSettings catalog = readCatalog(r);
    return new AppSettings(
        r.optionalString(p + "spark.master"),
        r.stringOr(p + "spark.app-name", "trainforge"),
        shuffle,
        withS3Settings(r, r.stringMap(p + "spark.conf")),
        catalog,
        joinPartitions,
        r.enumValue(
            p + "join.partitioning",
            AppSettings.JoinPartitioningKind.class,
            AppSettings.JoinPartitioningKind.RANGE),
        progressInterval(r, p + "progress.interval"),
        r.bytes(p + "join.sort-memory"),
        lineage(r, p + "lineage."));
  }

  private static AppSettings.Lineage lineage(ConfigReader r, String p) {
    String transport = r.stringOr(p + "transport", "none");
    Optional<String> url = r.optionalString(p + "url");
    Optional<String> file = r.optionalString(p + "file");
    switch (transport) {
      case "none" -> {}
      case "http" -> {
        if (url.filter(u -> u.startsWith("http://") || u.startsWith("https://")).isEmpty()) {
          r.problem(
              String.format(
                  "%s: key '%surl' is '%s', but transport http needs an http:// or https:// URL"
                      + " (e.g. http://127.0.0.1:5000/api/v1/lineage)",
                  r.where(p + "url"), p, url.orElse("")));
        }
      }
      case "file" -> {
        if (file.isEmpty()) {
          r.problem(
              String.format(
                  "%s: key '%sfile' is not set, but transport file needs it (a path to append"
                      + " events to)",
                  r.where(p + "file"), p));
        }
      }
      default ->
          r.problem(
              String.format(
                  "%s: key '%stransport' is '%s' (use none, http or file)",
                  r.where(p + "transport"), p, transport));
    }
    return new AppSettings.Lineage(transport, url, file, r.stringOr(p + "namespace", "trainforge"));
  }

  private static java.time.Duration progressInterval(ConfigReader r, String key) {
    java.time.Duration d = r.duration(key);
    if (d.isNegative() || d.isZero()) {
      r.problem(
          String.format(
              "%s: key '%s' is %s (use a positive duration, e.g. 30s)",
              r.where(key), key, r.isSet(key) ? r.written(key) : d));
      return java.time.Duration.ofSeconds(30);
    }
    return d;
  }

  /**
   * The Iceberg catalog: its type must be one trainforge supports, and its URI of the kind that
   * type needs (the default URI is the embedded SQLite catalog's, so another type needs its own).
   */
  private static AppSettings.CatalogSettings readCatalog(ConfigReader r) {
    String p = "trainforge.catalog.";
    String type = r.stringOr(p + "type", AppSettings.CatalogSettings.JDBC);
    if (!AppSettings.CatalogSettings.TYPES.contains(type)) {
      r.problem(
          r.where(p + "type")
              + ": key '"
              + p
              + "type' has value '"
              + type
              + "' (expected one of: "
              + String.join(", ", AppSettings.CatalogSettings.TYPES)
              + ")");
    }
    Optional<String> uri = r.optionalString(p + "uri").map(ConfigLoader::absoluteSqlite);
    uri.flatMap(ConfigLoader::notSqlite)
        .ifPresent(
            file ->
                r.problem(
                    String.format(
                        "%s: key '%suri' names %s, which is not a SQLite database (point it at the"
                            + " catalog.db that builds wrote, or move the file away to start an"
                            + " empty catalog, then `register` the tables)",
                        r.where(p + "uri"), p, file)));
    List<String> schemes = URI_SCHEMES.getOrDefault(type, List.of());
    if (!schemes.isEmpty() && uri.filter(u -> schemes.stream().anyMatch(u::startsWith)).isEmpty()) {
      r.problem(
          r.where(p + "uri")
              + ": key '"
              + p
              + "uri' is '"
              + uri.orElse("")
              + "', but a "
              + type
              + " catalog needs a URI starting with "
              + String.join(" or ", schemes)
              + " (set "
              + p
              + "uri, e.g. "
              + URI_EXAMPLES.get(type)
              + ")");
    }
    Optional<String> user = r.optionalString(p + "user");
    Optional<String> password = r.optionalString(p + "password");
    boolean takesCredentials =
        type.equals(AppSettings.CatalogSettings.JDBC)
            || type.equals(AppSettings.CatalogSettings.REST);
    if (!takesCredentials && (user.isPresent() || password.isPresent())) {
      String key = user.isPresent() ? p + "user" : p + "password";
      r.problem(
          r.where(key)
              + ": key '"
              + key
              + "' is set, but a "
              + type
              + " catalog takes no user or password from trainforge (unset it, and"
              + " TRAINFORGE_CATALOG_USER and TRAINFORGE_CATALOG_PASSWORD; a "
              + type
              + " catalog authenticates through its own client: Kerberos, AWS credentials)");
    }
    String warehouse = r.stringOr(p + "warehouse", "trainforge-data/warehouse");
    return new AppSettings.CatalogSettings(
        r.stringOr(p + "name", "trainforge"),
        type,
        uri,
        // A REST server names its warehouses as it likes (a path, or a catalog name): verbatim.
        type.equals(AppSettings.CatalogSettings.REST) ? warehouse : absoluteLocal(warehouse),
        r.stringMap(p + "properties"),
        user,
        password);
  }

  /**
   * A password in a dataset file or on the command line would end up in version control or in the
   * process list: it is read from the environment only.
   */
  private static List<String> passwordsOutsideTheEnvironment(Config user, ConfigReader r) {
    String key = "trainforge.catalog.password";
    // Walked without resolving: the file's own substitutions are resolved only when merged.
    ConfigValue value = user.root();
    for (String part : List.of("trainforge", "catalog", "password")) {
      if (!(value instanceof ConfigObject object) || !object.containsKey(part)) {
        return List.of();
      }
      value = object.get(part);
    }
    if (value.valueType() == com.typesafe.config.ConfigValueType.NULL) {
      return List.of();
    }
    // Where a --set came from is the whole --set, password included: name the key only.
    String where = r.where(key);
    if (where.startsWith("--set ")) {
      where = "--set " + key;
    }
    return List.of(
        where
            + ": key '"
            + key
            + "' is set in a config file or by --set (a password is read from the environment"
            + " only: remove it and set TRAINFORGE_CATALOG_PASSWORD)");
  }

  /**
   * Adds the S3A settings of {@code trainforge.s3} to the extra Spark settings, where {@code
   * trainforge.spark.conf} does not set them itself. They are Hadoop settings, so they must be in
   * place when the session starts ({@code spark.hadoop.*}).
   */
  private static Map<String, String> withS3Settings(ConfigReader r, Map<String, String> conf) {
    Map<String, String> merged = new LinkedHashMap<>(conf);
    String s3a = "spark.hadoop.fs.s3a.";
    r.optionalString("trainforge.s3.endpoint")
        .ifPresent(
            endpoint -> {
              merged.putIfAbsent(s3a + "endpoint", endpoint);
              if (endpoint.startsWith("http://")) {
                merged.putIfAbsent(s3a + "connection.ssl.enabled", "false");
              }
            });
    r.optionalString("trainforge.s3.region")
        .ifPresent(region -> merged.putIfAbsent(s3a + "endpoint.region", region));
    if (r.bool("trainforge.s3.path-style-access")) {
      merged.putIfAbsent(s3a + "path.style.access", "true");
    }
    return merged;
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
    String prefix = "jdbc:sqlite:";
    if (!uri.startsWith(prefix)) {
      return Optional.empty();
    }
    Path file = Path.of(uri.substring(prefix.length()).replaceFirst("\\?.*$", ""));
    try {
      if (!Files.isRegularFile(file) || Files.size(file) == 0) {
        return Optional.empty();
      }
      byte[] header = new byte[16];
      try (var in = Files.newInputStream(file)) {
        int n = in.readNBytes(header, 0, 16);
        String head = new String(header, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1);
        return head.equals("SQLite format 3\0") ? Optional.empty() : Optional.of(file.toString());
      }
    } catch (java.io.IOException e) {
      return Optional.empty();
    }
  }

  static String absoluteSqlite(String uri) {
    String prefix = "jdbc:sqlite:";
    if (!uri.startsWith(prefix)
        || uri.startsWith(prefix + ":")
        || uri.startsWith(prefix + "file:")) {
      return uri;
    }
    return prefix + Path.of(uri.substring(prefix.length())).toAbsolutePath().normalize();
  }

  // ---- dataset ------------------------------------------------------------------------------

  private static DatasetSpec readDataset(ConfigReader r) {
    String name = r.requiredString("dataset.name", "name the dataset, e.g. card_fraud");
    if (name != null && !NAME.matcher(name).matches()) {
      r.problem(
          r.where("dataset.name")
              + ": key 'dataset.name' has value '"
              + name
              + "' (use lower-case letters, digits and underscores, starting with a letter)");
    }
    String version = r.requiredString("dataset.version", "e.g. version = \"1\"");
    if (version != null && !VERSION.matcher(version).matches()) {
      r.problem(
          r.where("dataset.version")
              + ": key 'dataset.version' has value '"
              + version
              + "' (use letters, digits, '.', '_' and '-')");
    }
    LabelSpec labels = readLabels(r);
    List<FeatureSourceSpec> features = readFeatures(r, labels);
    OutputSpec output =
        new OutputSpec(
            r.optionalString("dataset.output.catalog")
                .orElse(r.stringOr("trainforge.catalog.name", "trainforge")),
            r.stringOr("dataset.output.namespace", "datasets"),
            r.optionalString("dataset.output.table").orElse(name == null ? "unnamed" : name));
    return new DatasetSpec(
        name == null ? "unnamed" : name,
        version == null ? "0" : version,
        labels,
        features,
        output,
        readValidation(r, labels),
        readSplit(r, labels),
        readRetention(r, labels));
  }

  /**
   * {@code dataset.retention}: whole days, and a label window of whole UTC days, since a rolling
   * version replaces and keeps label days, never parts of one.
   */
  private static Optional<java.time.Duration> readRetention(ConfigReader r, LabelSpec labels) {
    String key = "dataset.retention";
    Optional<java.time.Duration> retention = r.optionalDuration(key);
    if (retention.isEmpty()) {
      return Optional.empty();
    }
    java.time.Duration d = retention.get();
    if (d.isNegative() || d.isZero() || d.toSeconds() % 86_400 != 0) {
      r.problem(
          String.format(
              "%s: key '%s' has value %s (a rolling window keeps whole label days: write e.g."
                  + " 90d)",
              r.where(key), key, r.written(key)));
      return Optional.empty();
    }
    for (Optional<Instant> bound : List.of(labels.windowStart(), labels.windowEnd())) {
      if (bound.isEmpty()
          || bound.get().getEpochSecond() % 86_400 != 0
          || bound.get().getNano() != 0) {
        r.problem(
            String.format(
                "%s: dataset.retention is set but the label window [%s, %s) is not whole UTC days"
                    + " (set dataset.labels.window.start and .end to midnights UTC, e.g."
                    + " 2026-01-05T00:00:00Z)",
                r.where(key),
                labels.windowStart().map(Object::toString).orElse("unbounded"),
                labels.windowEnd().map(Object::toString).orElse("unbounded")));
        break;
      }
    }
    return retention;
  }

  private static Optional<SplitSpec> readSplit(ConfigReader r, LabelSpec labels) {
    String p = "dataset.split.";
    int problemsBefore = r.problems().size();
    Optional<SplitSpec.By> by =
        r.isSet(p + "by")
            ? Optional.of(r.enumValue(p + "by", SplitSpec.By.class, SplitSpec.By.TIME))
            : Optional.empty();
    if (r.problems().size() > problemsBefore) {
      return Optional.empty(); // an unknown 'by', already reported
    }
    List<String> timeKeys = List.of(p + "train-until", p + "validation-until");
    List<String> hashKeys = List.of(p + "group-key");
    for (String key : by.isEmpty() ? concat(timeKeys, hashKeys) : List.<String>of()) {
      if (r.isSet(key)) {
        r.problem(
            r.where(key)
                + ": key '"
                + key
                + "' is set but dataset.split.by is null (set dataset.split.by = time or hash)");
      }
    }
    if (by.isEmpty()) {
      return Optional.empty();
    }
    List<String> unused = by.get() == SplitSpec.By.TIME ? hashKeys : timeKeys;
    for (String key : unused) {
      if (r.isSet(key)) {
        r.problem(
            r.where(key)
                + ": key '"
                + key
                + "' is set but dataset.split.by is "
                + ConfigReader.spelling(by.get())
                + " (remove it, or change dataset.split.by)");
      }
    }
    String column = r.stringOr(p + "column", "split");
    Optional<Instant> trainUntil = instant(r, p + "train-until");
    Optional<Instant> validationUntil = instant(r, p + "validation-until");
    Optional<String> groupKey = r.optionalString(p + "group-key");
    if (by.get() == SplitSpec.By.TIME) {
      if (trainUntil.isEmpty() && !r.isSet(p + "train-until")) {
        r.problem(
            r.where(p + "by")
                + ": missing required key '"
                + p
                + "train-until' (by = time needs the end of train, an ISO-8601 instant such as"
                + " \"2026-01-20T00:00:00Z\")");
      }
      if (trainUntil.isPresent()
          && validationUntil.isPresent()
          && !trainUntil.get().isBefore(validationUntil.get())) {
        r.problem(
            r.where(p + "validation-until")
                + ": split cut-offs are out of order: validation-until "
                + validationUntil.get()
                + " is not after train-until "
                + trainUntil.get()
                + " (train is t < train-until, validation is train-until <= t <"
                + " validation-until)");
      }
    } else {
      if (groupKey.isEmpty()) {
        r.problem(
            r.where(p + "by")
                + ": missing required key '"
                + p
                + "group-key' (by = hash needs the label column whose rows share a split, e.g."
                + " user_id)");
      } else if (!labels.outputColumns().contains(groupKey.get())) {
        r.problem(
            r.where(p + "group-key")
                + ": key '"
                + p
                + "group-key' names '"
                + groupKey.get()
                + "', which is not a label column of the output "
                + labels.outputColumns()
                + " (add it to dataset.labels.key-columns or label-columns)");
      }
    }
    double[] fractions = new double[3];
    List<String> names = List.of(SplitSpec.TRAIN, SplitSpec.VALIDATION, SplitSpec.TEST);
    for (int i = 0; i < 3; i++) {
      String key = p + "fractions." + names.get(i);
      fractions[i] = r.optionalDouble(key).orElse(0.0);
      if (fractions[i] < 0 || fractions[i] > 1) {
        r.problem(
            r.where(key)
                + ": key '"
                + key
                + "' is "
                + fractions[i]
                + " (use a share between 0 and 1)");
      }
    }
    double sum = fractions[0] + fractions[1] + fractions[2];
    if (by.get() == SplitSpec.By.HASH && Math.abs(sum - 1.0) > 1e-9) {
      // Point at a fraction the user set, not at the merged object or the defaults.
      String where =
          names.stream()
              .map(n -> r.where(p + "fractions." + n))
              .filter(w -> !w.endsWith("(" + ConfigReader.DEFAULT + ")"))
              .findFirst()
              .orElse(r.file());
      r.problem(
          where
              + ": dataset.split.fractions sum to "
              + new java.math.BigDecimal(sum)
                  .round(new java.math.MathContext(6))
                  .stripTrailingZeros()
                  .toPlainString()
              + ", not 1 (train "
              + fractions[0]
              + " + validation "
              + fractions[1]
              + " + test "
              + fractions[2]
              + ")");
    }
    return Optional.of(
        new SplitSpec(
            by.get(),
            column,
            trainUntil,
            validationUntil,
            groupKey,
            r.integer(p + "seed"),
            fractions[0],
            fractions[1],
            fractions[2]));
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static ValidationSpec readValidation(ConfigReader r, LabelSpec labels) {
    String p = "dataset.validation.";
    Map<ValidationSpec.Check, ValidationSpec.Limit> limits =
        new java.util.EnumMap<>(ValidationSpec.Check.class);
    for (ValidationSpec.Check check : ValidationSpec.Check.values()) {
      String key = p + "checks." + check.configName();
      if (check.isMetric()) {
        limits.put(
            check,
            new ValidationSpec.Limit(
                r.optionalDouble(key + ".warn"), r.optionalDouble(key + ".fail")));
      } else {
        limits.put(
            check,
            ValidationSpec.Limit.of(
                r.enumValue(
                    key + ".severity",
                    ValidationSpec.Severity.class,
                    ValidationSpec.Severity.OFF)));
      }
    }
    Optional<String> labelColumn = r.optionalString(p + "label-column");
    if (labelColumn.isPresent() && !labels.labelColumns().contains(labelColumn.get())) {
      r.problem(
          r.where(p + "label-column")
              + ": key '"
              + p
              + "label-column' names '"
              + labelColumn.get()
              + "', which is not in dataset.labels.label-columns "
              + labels.labelColumns()
              + " (add it there, or name one of them)");
    }
    int topK = r.integer(p + "top-k");
    if (topK < 1) {
      r.problem(r.where(p + "top-k") + ": key '" + p + "top-k' is " + topK + " (use 1 or more)");
    }
    return new ValidationSpec(
        r.optionalString(p + "report-dir").map(ConfigLoader::absoluteLocal),
        r.stringOr(p + "baseline", ValidationSpec.PREVIOUS),
        labelColumn.or(() -> labels.labelColumns().stream().findFirst()),
        Math.max(topK, 1),
        r.optionalDuration(p + "audit-branch-retention").orElse(Duration.ofDays(7)),
        r.stringMap(p + "expected-schema"),
        readColumnRules(r, p + "columns"),
        limits);
  }

  private static List<ValidationSpec.ColumnRule> readColumnRules(ConfigReader r, String path) {
    List<ValidationSpec.ColumnRule> rules = new ArrayList<>();
    Config merged = r.config();
    if (!merged.hasPath(path)) {
      return rules;
    }
    for (Map.Entry<String, ConfigValue> e : merged.getObject(path).entrySet()) {
      String column = e.getKey();
      String key = path + "." + com.typesafe.config.ConfigUtil.quoteString(column);
      if (!(e.getValue() instanceof ConfigObject rule)) {
        r.problem(
            ConfigReader.describe(e.getValue().origin())
                + ": key '"
                + key
                + "' must be an object such as { min = 0, max = 1 }");
        continue;
      }
      for (Map.Entry<String, ConfigValue> k : rule.entrySet()) {
        if (!COLUMN_RULE_KEYS.contains(k.getKey())) {
          r.problem(unknown(k.getValue(), key + "." + k.getKey(), k.getKey(), COLUMN_RULE_KEYS));
        }
      }
      rules.add(
          new ValidationSpec.ColumnRule(
              column,
              r.optionalDouble(key + ".min"),
              r.optionalDouble(key + ".max"),
              r.optionalDouble(key + ".max-null-rate"),
              r.stringList(key + ".domain")));
    }
    rules.sort(java.util.Comparator.comparing(ValidationSpec.ColumnRule::column));
    return rules;
  }

  private static LabelSpec readLabels(ConfigReader r) {
    String p = "dataset.labels.";
    SourceLocation source = readLocation(r, "dataset.labels");
    String id = r.requiredString(p + "id-column", "the label table's unique row id column");
    String time = r.requiredString(p + "time-column", "the label (prediction) time column");
    List<String> keys = r.stringList(p + "key-columns");
    List<String> labelColumns = r.stringList(p + "label-columns");
    Optional<Instant> start = instant(r, p + "window.start");
    Optional<Instant> end = instant(r, p + "window.end");
    if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
      r.problem(
          r.where(p + "window.end")
              + ": label window is empty: start "
              + start.get()
              + " is not before end "
              + end.get()
              + " (the window is [start, end))");
    }
    return new LabelSpec(
        source,
        id == null ? "?" : id,
        time == null ? "?" : time,
        timeParsing(r, "dataset.labels"),
        keys,
        labelColumns,
        start,
        end,
        r.enumValue(p + "null-rows", NullRows.class, NullRows.KEEP),
        maturity(r, end));
  }

  private static Optional<Maturity> maturity(ConfigReader r, Optional<Instant> windowEnd) {
    String p = "dataset.labels.maturity.";
    Optional<java.time.Duration> horizon = r.optionalDuration(p + "horizon");
    Optional<String> cutOff = r.optionalString(p + "cut-off");
    Maturity.Action action =
        r.enumValue(p + "action", Maturity.Action.class, Maturity.Action.EXCLUDE);
    String flagColumn = r.stringOr(p + "flag-column", "label_mature");
    if (horizon.isEmpty()) {
      return Optional.empty();
    }
    if (horizon.get().isNegative()) {
      r.problem(
          r.where(p + "horizon")
              + ": key '"
              + p
              + "horizon' has value "
              + r.written(p + "horizon")
              + " which is negative (write e.g. 30d, or null for labels final at once)");
      return Optional.empty();
    }
    Optional<Instant> at;
    if (cutOff.isEmpty()) {
      r.problem(
          r.where(p + "cut-off")
              + ": key '"
              + p
              + "cut-off' is not set but "
              + p
              + "horizon is (set it to when the labels were observed, e.g."
              + " \"2026-02-01T00:00:00Z\", or to \"window-end\")");
      return Optional.empty();
    } else if (cutOff.get().equals("window-end")) {
      if (windowEnd.isEmpty()) {
        r.problem(
            r.where(p + "cut-off")
                + ": key '"
                + p
                + "cut-off' is 'window-end' but dataset.labels.window.end is not set (set the"
                + " window end, or an ISO-8601 cut-off instant)");
      }
      at = windowEnd;
    } else {
      at = instant(r, p + "cut-off");
    }
    return at.map(c -> new Maturity(horizon.get(), c, action, flagColumn));
  }

  private static Optional<Instant> instant(ConfigReader r, String path) {
    Optional<String> raw = r.optionalString(path);
    try {
      return raw.map(Instant::parse);
    } catch (DateTimeParseException e) {
      r.problem(
          r.where(path)
              + ": key '"
              + path
              + "' has value '"
              + raw.get()
              + "' which is not an ISO-8601 instant (write e.g. \"2026-01-01T00:00:00Z\")");
      return Optional.empty();
    }
  }

  private static TimeParsing timeParsing(ConfigReader r, String prefix) {
    Optional<String> pattern = r.optionalString(prefix + ".time-format");
    String zoneName = r.stringOr(prefix + ".time-zone", "UTC");
    ZoneId zone = ZoneId.of("UTC");
    try {
      zone = ZoneId.of(zoneName);
    } catch (DateTimeException e) {
      r.problem(
          r.where(prefix + ".time-zone")
              + ": key '"
              + prefix
              + ".time-zone' has value '"
              + zoneName
              + "' which is not a time zone (write e.g. UTC or Europe/Berlin)");
    }
    pattern.ifPresent(
        pat -> {
          try {
            java.time.format.DateTimeFormatter.ofPattern(pat);
          } catch (IllegalArgumentException e) {
            r.problem(
                r.where(prefix + ".time-format")
                    + ": key '"
                    + prefix
                    + ".time-format' has value '"
                    + pat
                    + "' which is not a date-time pattern: "
                    + e.getMessage());
          }
        });
    return new TimeParsing(pattern, zone);
  }

  private static SourceLocation readLocation(ConfigReader r, String prefix) {
    SourceFormat format = r.enumValue(prefix + ".format", SourceFormat.class, SourceFormat.PARQUET);
    Optional<String> path = r.optionalString(prefix + ".path");
    Optional<String> table = r.optionalString(prefix + ".table");
    if (format == SourceFormat.ICEBERG) {
      if (path.isPresent()) {
        r.problem(
            r.where(prefix + ".path")
                + ": key '"
                + prefix
                + ".path' is set but format is iceberg (set "
                + prefix
                + ".table to the table name instead)");
      }
      if (table.isEmpty()) {
        r.problem(
            r.where(prefix + ".format")
                + ": missing required key '"
                + prefix
                + ".table' (an iceberg source is read by table name, e.g. catalog.db.table)");
      }
      return new SourceLocation(format, table.orElse("?"));
    }
    if (table.isPresent()) {
      r.problem(
          r.where(prefix + ".table")
              + ": key '"
              + prefix
              + ".table' is set but format is "
              + format.configName()
              + " (set "
              + prefix
              + ".path to its directory instead, or format = iceberg)");
    }
    if (path.isEmpty()) {
      r.problem(
          r.where(prefix)
              + ": missing required key '"
              + prefix
              + ".path' (the directory of the "
              + format.configName()
              + " data)");
    }
    return new SourceLocation(format, path.orElse("?"));
  }

  private static List<FeatureSourceSpec> readFeatures(ConfigReader r, LabelSpec labels) {
    Config merged = r.config();
    if (!merged.hasPath("dataset.features") || merged.getObject("dataset.features").isEmpty()) {
      r.problem(
          r.where("dataset.features")
              + ": dataset.features is empty (add at least one feature source, see"
              + " conf/datasets/card_fraud.conf)");
      return List.of();
    }
    List<FeatureSourceSpec> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(merged.getObject("dataset.features").keySet())) {
      String p = "dataset.features." + name;
      if (!(merged.getValue(p) instanceof ConfigObject)) {
        r.problem(r.where(p) + ": key '" + p + "' must be an object describing a feature source");
        continue;
      }
      out.add(readFeature(r, merged, name, labels));
    }
    return out;
  }

  private static FeatureSourceSpec readFeature(
      ConfigReader outer, Config merged, String name, LabelSpec labels) {
    String p = "dataset.features." + name;
    // The source's own keys over the shared defaults, read with the same collecting reader.
    Config withDefaults =
        merged.getConfig(p).withFallback(merged.getConfig(DEFAULTS)).atPath(p).withFallback(merged);
    ConfigReader r = new ConfigReader(withDefaults, outer.file());
    if (!NAME.matcher(name).matches()) {
      r.problem(
          r.where(p)
              + ": feature source name '"
              + name
              + "' (use lower-case letters, digits and underscores, starting with a letter)");
    }
    SourceLocation source = readLocation(r, p);
    Map<String, String> keyMap = r.stringMap(p + ".keys");
    List<KeyMapping> keys = new ArrayList<>();
    if (keyMap.isEmpty()) {
      r.problem(
          r.where(p)
              + ": feature source '"
              + name
              + "' has no keys (set "
              + p
              + ".keys, e.g. keys { user_id = user_id }: feature column = label column)");
    }
    keyMap.forEach(
        (featureColumn, labelColumn) -> {
          if (!labels.keyColumns().contains(labelColumn)) {
            outer.problem(
                r.where(p + ".keys")
                    + ": feature source '"
                    + name
                    + "' maps key '"
                    + featureColumn
                    + "' to label column '"
                    + labelColumn
                    + "', which is not in dataset.labels.key-columns "
                    + labels.keyColumns()
                    + " (add it there or fix the mapping)");
          }
          keys.add(new KeyMapping(featureColumn, labelColumn));
        });
    keys.sort(java.util.Comparator.comparing(KeyMapping::labelColumn));
    List<String> columns = r.stringList(p + ".columns");
    List<AggregationSpec> aggregations = readAggregations(r, p, name);
    boolean declared =
        r.isSet(p + ".aggregations")
            && r.config().getValue(p + ".aggregations") instanceof ConfigObject o
            && !o.isEmpty();
    if (columns.isEmpty() && !declared) {
      r.problem(
          r.where(p)
              + ": feature source '"
              + name
              + "' selects no columns (set "
              + p
              + ".columns to the feature columns to attach, or "
              + p
              + ".aggregations)");
    }
    Map<String, String> rename = r.stringMap(p + ".rename");
    for (String renamed : rename.keySet()) {
      if (!columns.contains(renamed)) {
        r.problem(
            r.where(p + ".rename")
                + ": key '"
                + p
                + ".rename."
                + renamed
                + "' renames a column that is not selected (selected: "
                + columns
                + ")");
      }
    }
    Optional<String> availableColumn = r.optionalString(p + ".available-time-column");
    Duration delay = nonNegative(r, p + ".available-delay");
    if (availableColumn.isPresent() && !delay.isZero()) {
      r.problem(
          r.where(p + ".available-delay")
              + ": feature source '"
              + name
              + "' sets both available-time-column and available-delay (use one)");
    }
    Optional<Duration> maxAge = r.optionalDuration(p + ".max-age");
    if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
      r.problem(
          r.where(p + ".max-age")
              + ": key '"
              + p
              + ".max-age' is "
              + r.written(p + ".max-age")
              + " (use a positive duration, or null for no limit)");
    }
    ExactMatches exact =
        r.enumValue(p + ".exact-matches", ExactMatches.class, ExactMatches.ALLOWED);
    FeatureSourceSpec spec =
        new FeatureSourceSpec(
            name,
            source,
            keys,
            r.stringOr(p + ".event-time-column", "event_time"),
            availableColumn,
            delay,
            r.optionalString(p + ".tie-break-column"),
            columns,
            rename,
            maxAge,
            nonNegative(r, p + ".serving-lag"),
            exact == ExactMatches.ALLOWED,
            r.optionalString(p + ".partition-column"),
            r.bool(p + ".allow-partition-gaps"),
            timeParsing(r, p),
            aggregations);
    r.problems().forEach(outer::problem);
    return spec;
  }

  private static final Set<String> AGGREGATION_KEYS = Set.of("function", "column", "window", "k");

  /**
   * A source's aggregations: a block per output column, {@code name { function = sum, column =
   * amount, window = 7d }}, with {@code k} for last-k. Each problem names the source, the
   * aggregation and the fix.
   */
  private static List<AggregationSpec> readAggregations(ConfigReader r, String p, String source) {
    String at = p + ".aggregations";
    if (!r.isSet(at)) {
      return List.of();
    }
    if (!(r.config().getValue(at) instanceof ConfigObject block)) {
      r.problem(
          String.format(
              "%s: key '%s' must be a block of aggregations, e.g. aggregations { txn_count_7d {"
                  + " function = count, window = 7d } }",
              r.where(at), at));
      return List.of();
    }
    List<AggregationSpec> out = new ArrayList<>();
    for (String name : new java.util.TreeSet<>(block.keySet())) {
      String q = at + "." + name;
      String what =
          String.format("%s: aggregation '%s' of feature source '%s'", r.where(q), name, source);
      if (!(block.get(name) instanceof ConfigObject agg)) {
        r.problem(what + " must be a block, e.g. { function = sum, column = amount, window = 7d }");
        continue;
      }
      for (String key : new java.util.TreeSet<>(agg.keySet())) {
        if (!AGGREGATION_KEYS.contains(key)) {
          r.problem(
              String.format(
                  "%s has an unknown key '%s'%s",
                  what,
                  key,
                  Suggestions.closest(key, AGGREGATION_KEYS)
                      .map(s -> " (did you mean '" + s + "'?)")
                      .orElse(" (known keys: column, function, k, window)")));
        }
      }
      if (!NAME.matcher(name).matches()) {
        r.problem(
            what
                + ": the name is its output column (use lower-case letters, digits and"
                + " underscores, starting with a letter)");
      }
      Optional<String> fn = r.optionalString(q + ".function");
      List<String> names =
          java.util.Arrays.stream(AggregationSpec.Function.values())
              .map(AggregationSpec.Function::configName)
              .toList();
      Optional<AggregationSpec.Function> function = fn.flatMap(AggregationSpec.Function::named);
      if (fn.isEmpty()) {
        r.problem(
            String.format(
                "%s has no function (set function to one of %s)", what, String.join(", ", names)));
      } else if (function.isEmpty()) {
        r.problem(
            String.format(
                "%s: function '%s' is not one of %s%s",
                what,
                fn.get(),
                String.join(", ", names),
                Suggestions.closest(fn.get(), Set.copyOf(names))
                    .map(s -> " (did you mean '" + s + "'?)")
                    .orElse("")));
      }
      Optional<String> column = r.optionalString(q + ".column");
      Optional<Duration> window = r.optionalDuration(q + ".window");
      if (window.isEmpty()) {
        r.problem(what + " has no window (set window, e.g. window = 7d; from 1m to 730d)");
      } else if (window.get().compareTo(AggregationSpec.MIN_WINDOW) < 0
          || window.get().compareTo(AggregationSpec.MAX_WINDOW) > 0) {
        r.problem(
            String.format(
                "%s: window is %s (use a window from 1m to 730d)", what, r.written(q + ".window")));
      }
      int k = r.isSet(q + ".k") ? r.integer(q + ".k") : 0;
      if (function.isEmpty() || window.isEmpty()) {
        continue;
      }
      AggregationSpec.Function f = function.get();
      if (f != AggregationSpec.Function.COUNT && column.isEmpty()) {
        r.problem(
            String.format(
                "%s: %s needs a column (set column to the source column it reads)",
                what, f.configName()));
        continue;
      }
      if (f == AggregationSpec.Function.LAST_K && (k < 1 || k > AggregationSpec.MAX_K)) {
        r.problem(
            String.format(
                "%s: k is %s (last-k needs k from 1 to %d, e.g. k = 5)",
                what, r.isSet(q + ".k") ? String.valueOf(k) : "not set", AggregationSpec.MAX_K));
        continue;
      }
      if (f != AggregationSpec.Function.LAST_K && r.isSet(q + ".k")) {
        r.problem(String.format("%s: k is only for last-k (remove k, or use last-k)", what));
        continue;
      }
      out.add(new AggregationSpec(name, f, column, window.get(), k));
    }
    return out;
  }

  private static Duration nonNegative(ConfigReader r, String path) {
    Duration d = r.duration(path);
    if (d.isNegative()) {
      r.problem(
          r.where(path)
              + ": key '"
              + path
              + "' is "
              + r.written(path)
              + " (use 0s or a positive duration)");
      return Duration.ZERO;
    }
    return d;
  }

  /** The spelling of dataset.features.*.exact-matches. */
  enum ExactMatches {
    ALLOWED,
    EXCLUDED
  }

  // ---- output collisions --------------------------------------------------------------------

  static List<String> outputCollisions(DatasetSpec dataset, String file) {
    Map<String, String> owners = new LinkedHashMap<>();
    List<String> problems = new ArrayList<>();
    for (String c : dataset.labels().outputColumns()) {
      owners.put(c, "label column '" + c + "'");
    }
    for (FeatureSourceSpec source : dataset.features()) {
      for (String c : source.outputColumns()) {
        String owner = "feature source '" + source.name() + "'";
        String previous = owners.putIfAbsent(c, owner);
        if (previous != null) {
          problems.add(
              file
                  + ": output column '"
                  + c
                  + "' would come from both "
                  + previous
                  + " and "
                  + owner
                  + " (rename one in dataset.features."
                  + source.name()
                  + ".rename)");
        }
      }
    }
    dataset
        .split()
        .ifPresent(
            split -> {
              String previous = owners.putIfAbsent(split.column(), "dataset.split");
              if (previous != null) {
                problems.add(
                    file
                        + ": output column '"
                        + split.column()
                        + "' would come from both "
                        + previous
                        + " and dataset.split (set dataset.split.column to another name)");
              }
            });
    for (String c : owners.keySet()) {
      if (c.startsWith("__tf_")) {
        problems.add(
            file + ": output column '" + c + "' uses the reserved prefix '__tf_' (rename it)");
      }
    }
    return problems;
  }
}
