package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException.BadValue;
import com.typesafe.config.ConfigException.WrongType;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Typed reads from a resolved config that collect every problem instead of stopping at the first: a
 * user fixes a config file once, not once per mistake. Each problem names where the value was set,
 * the key path, the bad value and the fix.
 */
final class ConfigReader {
  private final Config config;
  private final String file;
  private final List<String> problems = new ArrayList<>();

  ConfigReader(Config config, String file) {
    this.config = config;
    this.file = file;
  }

  Config config() {
    return config;
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

  boolean isSet(String path) {
    return config.hasPath(path);
  }

  String requiredString(String path, String hint) {
    if (!config.hasPath(path)) {
      problem(where(path) + ": missing required key '" + path + "' (" + hint + ")");
      return null;
    }
    return string(path);
  }

  Optional<String> optionalString(String path) {
    return config.hasPath(path) ? Optional.ofNullable(string(path)) : Optional.empty();
  }

  String stringOr(String path, String fallback) {
    return optionalString(path).orElse(fallback);
  }

  private String string(String path) {
    try {
      String s = config.getString(path);
      if (s.isBlank()) {
        problem(where(path) + ": key '" + path + "' is empty (set a value or remove the key)");
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

  /** A memory size ({@code 512m}, {@code 2g}, {@code 0}); 0 when unset or not a size (reported). */
  long bytes(String path) {
    if (!config.hasPath(path)) {
      return 0L;
    }
    try {
      long b = config.getBytes(path);
      if (b < 0) {
        problem(where(path) + ": key '" + path + "' is " + written(path) + " (use 0 or a size)");
        return 0L;
      }
      return b;
    } catch (BadValue | WrongType e) {
      problem(
          where(path)
              + ": key '"
              + path
              + "' has value "
              + render(path)
              + " which is not a memory size (write e.g. 512m, 2g, or 0 for the default)");
      return 0L;
    }
  }

  Duration duration(String path) {
    return optionalDuration(path).orElse(Duration.ZERO);
  }

  Optional<Duration> optionalDuration(String path) {
    if (!config.hasPath(path)) {
      return Optional.empty();
    }
    try {
      return Optional.of(config.getDuration(path));
    } catch (BadValue | WrongType e) {
      problem(
          where(path)
              + ": key '"
              + path
              + "' has value "
              + render(path)
              + " which is not a duration (write e.g. 30d, 12h, 15m or 0s)");
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

  int integer(String path) {
    try {
      return config.getInt(path);
    } catch (WrongType | BadValue e) {
      problem(wrongType(path, "a whole number"));
      return 0;
    }
  }

  boolean bool(String path) {
    if (!config.hasPath(path)) {
      return false;
    }
    try {
      return config.getBoolean(path);
    } catch (WrongType e) {
      problem(wrongType(path, "true or false"));
      return false;
    }
  }

  /** An enum value written in lower case with dashes, e.g. {@code null-rows = drop}. */
  <E extends Enum<E>> E enumValue(String path, Class<E> type, E fallback) {
    Optional<String> raw = optionalString(path);
    if (raw.isEmpty()) {
      return fallback;
    }
    for (E constant : type.getEnumConstants()) {
      if (spelling(constant).equals(raw.get())) {
        return constant;
      }
    }
    List<String> allowed = new ArrayList<>();
    for (E constant : type.getEnumConstants()) {
      allowed.add(spelling(constant));
    }
    problem(
        where(path)
            + ": key '"
            + path
            + "' has value '"
            + raw.get()
            + "' (expected one of: "
            + String.join(", ", allowed)
            + ")");
    return fallback;
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
            describe(e.getValue().origin())
                + ": key '"
                + path
                + "."
                + e.getKey()
                + "' must be a string, got "
                + typeName(t));
      }
    }
    return out;
  }

  private String wrongType(String path, String expected) {
    ConfigValue v = config.getValue(path);
    return where(path)
        + ": key '"
        + path
        + "' must be "
        + expected
        + ", got "
        + typeName(v.valueType())
        + " "
        + v.render(com.typesafe.config.ConfigRenderOptions.concise());
  }

  /** The value at {@code path} as the user wrote it: {@code -3d}, not {@code PT-72H}. */
  String written(String path) {
    return String.valueOf(config.getValue(path).unwrapped());
  }

  String render(String path) {
    return config.getValue(path).render(com.typesafe.config.ConfigRenderOptions.concise());
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
