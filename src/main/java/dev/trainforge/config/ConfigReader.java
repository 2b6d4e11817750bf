package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigRenderOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed reads from a resolved config that collect every problem instead of stopping at the first: a
 * user fixes a config file once, not once per mistake. Each problem has the shape of {@link
 * Problem}: where the value was set, the key path, the bad value and the fix.
 *
 * <p>Defaults live in {@code reference.conf} only. The merged config holds them already; {@code
 * defaults} ({@code reference.conf} resolved on its own) answers for a key the user set to null, or
 * inside a block set to null: the reads that need a value ({@link #string}, {@link #integer},
 * {@link #bool}, {@link #bytes}, {@link #duration}, {@link #enumValue}) then take the key's
 * default, and {@link #string} and {@link #enumValue} take it in place of a bad value too (so that
 * one mistake is reported once). The optional reads ({@code optional*}, lists and maps) take null
 * as "none".
 */
final class ConfigReader {
  private final Config config;
  private final Config defaults;
  private final String file;
  private final List<String> problems = new ArrayList<>();

  /**
   * @param config the merged, resolved config
   * @param defaults {@code reference.conf} resolved on its own, at the same paths as {@code config}
   * @param file the dataset file (or {@code --set}), named where a problem has no line
   */
  ConfigReader(Config config, Config defaults, String file) {
    this.config = config;
    this.defaults = defaults;
    this.file = file;
  }

  Config config() {
    return config;
  }

  Config defaults() {
    return defaults;
  }

  String file() {
    return file;
  }

  List<String> problems() {
    return problems;
  }

  void problem(String message) {
    problems.add(message);
  }

  /** A problem at the place {@code path} was set: {@code where: what (fix)}. */
  void problem(String path, String what, String fix) {
    problems.add(Problem.of(where(path), what, fix));
  }

  /** A problem at the place {@code path} was set, whose statement says what to do. */
  void problemAt(String path, String what) {
    problems.add(Problem.of(where(path), what));
  }

  /** Where a key was set: {@code file:line}, or the dataset file when it was never set. */
  String where(String path) {
    // hasPath is false for null values too: a key left at its null default was never set.
    if (!config.hasPath(path)) {
      return file;
    }
    String place = describe(config.getValue(path).origin());
    return place.equals(DEFAULT) ? file + " (" + DEFAULT + ")" : place;
  }

  /** How a value left at its {@code reference.conf} default is placed in messages. */
  static final String DEFAULT = "default";

  /**
   * Where a value was written: {@code file:line}, or {@link #DEFAULT} for a value of {@code
   * reference.conf} (never its {@code jar:file:...} location, which means nothing to a user). A
   * value merged or concatenated from several places is placed at the first that is not a default.
   */
  static String describe(ConfigOrigin origin) {
    String merged = "merge of ";
    if (origin.resource() != null && origin.resource().endsWith("reference.conf")) {
      return DEFAULT;
    }
    if (origin.description().startsWith(merged)) {
      for (String part : origin.description().substring(merged.length()).split(",")) {
        if (!part.contains("reference.conf")) {
          return part.replaceFirst(": (\\d+)(-\\d+)?$", ":$1").strip();
        }
      }
      return DEFAULT;
    }
    if (origin.filename() != null) {
      return origin.lineNumber() > 0
          ? origin.filename() + ":" + origin.lineNumber()
          : origin.filename();
    }
    if (origin.resource() != null) {
      return origin.resource() + (origin.lineNumber() > 0 ? ":" + origin.lineNumber() : "");
    }
    return origin.description();
  }

  /** Whether {@code path} holds a value that is not null. */
  boolean isSet(String path) {
    return config.hasPath(path);
  }

  /**
   * The config to read {@code path} from: the merged one, or where the value is null, the defaults.
   * A key the code reads this way has a default by construction (the defaults tests load every
   * one); one without is a programming error.
   */
  private Config from(String path) {
    return config.hasPath(path) ? config : defaultsOf(path);
  }

  private Config defaultsOf(String path) {
    if (!defaults.hasPath(path)) {
      throw new IllegalStateException("reference.conf has no default for '" + path + "'");
    }
    return defaults;
  }

  String requiredString(String path, String hint) {
    if (!config.hasPath(path)) {
      problem(path, "missing required " + Problem.key(path), hint);
      return null;
    }
    return text(path);
  }

  Optional<String> optionalString(String path) {
    return config.hasPath(path) ? Optional.ofNullable(text(path)) : Optional.empty();
  }

  /** A string with a default; the default when what the user wrote is not one (reported). */
  String string(String path) {
    return optionalString(path).orElseGet(() -> defaultsOf(path).getString(path));
  }

  private String text(String path) {
    try {
      String s = config.getString(path);
      if (s.isBlank()) {
        problem(path, Problem.key(path) + " is empty", "set a value or remove the key");
        return null;
      }
      return s;
    } catch (WrongType e) {
      problem(wrongType(path, "a string"));
      return null;
    }
  }

  List<String> stringList(String path) {
    if (!config.hasPath(path)) {
      return List.of();
    }
    try {
      return config.getStringList(path);
    } catch (WrongType e) {
      problem(wrongType(path, "a list of strings") + hintList(path));
      return List.of();
    }
  }

  private String hintList(String path) {
    ConfigValue v = config.getValue(path);
    return v.valueType() == ConfigValueType.STRING ? " (write [\"" + v.unwrapped() + "\"])" : "";
  }

  /** A memory size ({@code 512m}, {@code 2g}, {@code 0}); 0 when not a size (reported). */
  long bytes(String path) {
    if (!config.hasPath(path)) {
      return defaultsOf(path).getBytes(path);
    }
    try {
      long b = config.getBytes(path);
      if (b < 0) {
        problem(path, Problem.key(path) + " is " + written(path), "use 0 or a size");
        return 0L;
      }
      return b;
    } catch (BadValue | WrongType e) {
      problem(
          path,
          Problem.key(path) + " has value " + render(path) + " which is not a memory size",
          "write e.g. 512m, 2g, or 0 for the default");
      return 0L;
    }
  }

  /** A duration with a default; zero when what the user wrote is not a duration (reported). */
  Duration duration(String path) {
    return config.hasPath(path)
        ? optionalDuration(path).orElse(Duration.ZERO)
        : defaultsOf(path).getDuration(path);
  }

  Optional<Duration> optionalDuration(String path) {
    if (!config.hasPath(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(config.getDuration(path));
    } catch (BadValue | WrongType e) {
      problem(
          path,
          Problem.key(path) + " has value " + render(path) + " which is not a duration",
          "write e.g. 30d, 12h, 15m or 0s");
      return Optional.empty();
    }
  }

  Optional<Double> optionalDouble(String path) {
    if (!config.hasPath(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(config.getDouble(path));
    } catch (WrongType | BadValue e) {
      problem(wrongType(path, "a number"));
      return Optional.empty();
    }
  }

  /** A whole number with a default; 0 when what the user wrote is not one (reported). */
  int integer(String path) {
    try {
      return from(path).getInt(path);
    } catch (WrongType | BadValue e) {
      problem(wrongType(path, "a whole number"));
      return 0;
    }
  }

  /** A boolean with a default; false when what the user wrote is not one (reported). */
  boolean bool(String path) {
    try {
      return from(path).getBoolean(path);
    } catch (WrongType e) {
      problem(wrongType(path, "true or false"));
      return false;
    }
  }

  /** An ISO-8601 instant, e.g. {@code "2026-01-01T00:00:00Z"}; empty when null or not one. */
  Optional<Instant> optionalInstant(String path) {
    Optional<String> raw = optionalString(path);
    try {
      return raw.map(Instant::parse);
    } catch (DateTimeParseException e) {
      problem(
          path,
          Problem.key(path) + " has value '" + raw.get() + "' which is not an ISO-8601 instant",
          "write e.g. \"2026-01-01T00:00:00Z\"");
      return Optional.empty();
    }
  }

  /**
   * An enum value with a default, written in lower case with dashes, e.g. {@code null-rows = drop};
   * the default when what the user wrote is not one (reported).
   */
  <E extends Enum<E>> E enumValue(String path, Class<E> type) {
    return optionalEnum(path, type)
        .orElseGet(
            () ->
                named(type, defaultsOf(path).getString(path))
                    .orElseThrow(() -> new IllegalStateException("bad default of '" + path + "'")));
  }

  /** An enum value that may be null; empty when null, or not one of the values (reported). */
  <E extends Enum<E>> Optional<E> optionalEnum(String path, Class<E> type) {
    Optional<String> raw = optionalString(path);
    if (raw.isEmpty()) {
      return Optional.empty();
    }
    Optional<E> constant = named(type, raw.get());
    if (constant.isEmpty()) {
      List<String> allowed = new ArrayList<>();
      for (E c : type.getEnumConstants()) {
        allowed.add(spelling(c));
      }
      problem(
          path,
          Problem.key(path) + " has value '" + raw.get() + "'",
          "expected one of: " + String.join(", ", allowed));
    }
    return constant;
  }

  private static <E extends Enum<E>> Optional<E> named(Class<E> type, String spelt) {
    for (E constant : type.getEnumConstants()) {
      if (spelling(constant).equals(spelt)) {
        return Optional.of(constant);
      }
    }
    return Optional.empty();
  }

  static String spelling(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT).replace('_', '-');
  }

  /** An object whose values are strings, sorted by key. */
  Map<String, String> stringMap(String path) {
    Map<String, String> out = new TreeMap<>();
    if (!config.hasPath(path)) {
      return out;
    }
    ConfigValue value = config.getValue(path);
    if (!(value instanceof ConfigObject object)) {
      problem(wrongType(path, "an object of names to strings"));
      return out;
    }
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      ConfigValueType t = e.getValue().valueType();
      if (t == ConfigValueType.STRING
          || t == ConfigValueType.NUMBER
          || t == ConfigValueType.BOOLEAN) {
        out.put(e.getKey(), String.valueOf(e.getValue().unwrapped()));
      } else {
        problem(
            Problem.of(
                describe(e.getValue().origin()),
                Problem.key(path + "." + e.getKey()) + " must be a string, got " + typeName(t)));
      }
    }
    return out;
  }

  private String wrongType(String path, String expected) {
    ConfigValue v = config.getValue(path);
    return Problem.of(
        where(path),
        Problem.key(path)
            + " must be "
            + expected
            + ", got "
            + typeName(v.valueType())
            + " "
            + v.render(ConfigRenderOptions.concise()));
  }

  /** The value at {@code path} as the user wrote it: {@code -3d}, not {@code PT-72H}. */
  String written(String path) {
    return String.valueOf(config.getValue(path).unwrapped());
  }

  String render(String path) {
    return config.getValue(path).render(ConfigRenderOptions.concise());
  }

  static String typeName(ConfigValueType t) {
    return switch (t) {
      case OBJECT -> "an object";
      case LIST -> "a list";
      case NUMBER -> "a number";
      case BOOLEAN -> "a boolean";
      case NULL -> "null";
      case STRING -> "a string";
    };
  }
}
