package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;

/**
 * The keys of {@code reference.conf}, by section, and readers of a config text as the loader reads
 * it, without the caller's environment: what the defaults and full-mapping tests of each section
 * compare against. A block of free-form names ({@code keys {}}, {@code spark.conf}) is one key.
 */
final class ReferenceKeys {
  /** No environment variables: the defaults are reference.conf's, whatever the caller's shell. */
  static final Map<String, String> NO_ENVIRONMENT = Map.of();

  private ReferenceKeys() {}

  /** The config sections, each read by its own reader and tested by its own class. */
  enum Section {
    SETTINGS("trainforge", "feature-source-defaults"),
    SOURCES("trainforge.feature-source-defaults"),
    DATASET("dataset", "labels", "split", "validation"),
    LABELS("dataset.labels"),
    SPLIT("dataset.split"),
    VALIDATION("dataset.validation");

    private final String prefix;
    private final List<String> excluded;

    Section(String prefix, String... excluded) {
      this.prefix = prefix;
      this.excluded = List.of(excluded);
    }

    /** Its keys in reference.conf, relative to its prefix: {@code maturity.horizon}. */
    Set<String> keys() {
      Set<String> keys = new TreeSet<>();
      for (String key : all()) {
        if (key.startsWith(prefix + ".")) {
          keys.add(key.substring(prefix.length() + 1));
        }
      }
      keys.removeIf(k -> excluded.stream().anyMatch(e -> k.equals(e) || k.startsWith(e + ".")));
      return keys;
    }

    /** Its keys, absolute: {@code dataset.labels.maturity.horizon}. */
    Set<String> absoluteKeys() {
      Set<String> keys = new TreeSet<>();
      keys().forEach(k -> keys.add(prefix + "." + k));
      return keys;
    }
  }

  /** Every key of reference.conf, absolute. */
  static Set<String> all() {
    Config reference =
        ConfigLoader.reference()
            .resolve(ConfigResolveOptions.defaults().setUseSystemEnvironment(false));
    Set<String> keys = new TreeSet<>();
    leaves(reference.root(), "", keys);
    return keys;
  }

  private static void leaves(ConfigObject object, String parent, Set<String> out) {
    for (Map.Entry<String, ConfigValue> e : object.entrySet()) {
      String path = parent.isEmpty() ? e.getKey() : parent + "." + e.getKey();
      if (e.getValue() instanceof ConfigObject block
          && !block.isEmpty()
          && !UnknownKeys.FREE_MAPS.contains(path)) {
        leaves(block, path, out);
      } else {
        out.add(path);
      }
    }
  }

  /**
   * The keys that {@code lineSets} ({@code key = value} lines) set under {@code prefix}, relative
   * to it.
   */
  @SafeVarargs
  static Set<String> keysSet(String prefix, Collection<String>... lineSets) {
    Set<String> keys = new TreeSet<>();
    for (Collection<String> lines : lineSets) {
      for (String line : lines) {
        String key = line.substring(0, line.indexOf('=')).strip();
        if (key.startsWith(prefix + ".")) {
          keys.add(key.substring(prefix.length() + 1));
        }
      }
    }
    return keys;
  }

  /** A reader of {@code lines} over reference.conf, as the loader makes it, without environment. */
  static ConfigReader reader(Collection<String> lines) {
    return reader(lines, NO_ENVIRONMENT);
  }

  /**
   * What {@code section} reads from {@code lines}, which must hold no problem: the one place the
   * section tests read through.
   */
  static <T> T read(
      Collection<String> lines,
      Map<String, String> environment,
      Function<ConfigReader, T> section) {
    ConfigReader r = reader(lines, environment);
    T read = section.apply(r);
    assertThat(r.problems()).isEmpty();
    return read;
  }

  static <T> T read(Collection<String> lines, Function<ConfigReader, T> section) {
    return read(lines, NO_ENVIRONMENT, section);
  }

  static ConfigReader reader(Collection<String> lines, Map<String, String> environment) {
    return ConfigLoader.reader(
        ConfigFactory.parseString(String.join("\n", lines)), "test.conf", environment);
  }
}
