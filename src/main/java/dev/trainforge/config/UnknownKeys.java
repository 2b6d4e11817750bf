package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigResolveOptions;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * Every key of a merged config that {@code reference.conf} does not define. Typesafe's checkValid
 * ignores unknown keys, and a typo in an optional key would otherwise silently use the default.
 * Walks the merged tree once.
 */
final class UnknownKeys {
  /** Subtrees whose keys are free-form names rather than settings. */
  static final Set<String> FREE_MAPS =
      Set.of(
          "trainforge.spark.conf",
          "trainforge.catalog.properties",
          "dataset.validation.expected-schema",
          "dataset.validation.columns");

  private UnknownKeys() {}

  /** A problem for every key of {@code merged} that {@code reference} does not define. */
  static List<String> in(Config merged, Config reference) {
    List<String> problems = new ArrayList<>();
    Config ref = reference.resolve(ConfigResolveOptions.defaults().setAllowUnresolved(true));
    ConfigObject sourceSchema = ref.getObject(SourcesReader.DEFAULTS);
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
    if (path.equals(SourcesReader.DEFAULTS)) {
      // The shared defaults are a source's keys: inside their keys, rename and aggregations too.
      checkSource(actual, path, sourceSchema, problems);
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

  /** {@code where: unknown key 'path'}, with the closest known key or the known keys here. */
  static String unknown(ConfigValue value, String path, String key, Set<String> known) {
    String where = ConfigReader.describe(value.origin());
    Optional<String> suggestion = Suggestions.closest(key, known);
    String parent = path.contains(".") ? path.substring(0, path.length() - key.length()) : "";
    return Problem.of(
        where,
        "unknown " + Problem.key(path),
        suggestion
            .map(s -> "did you mean '" + parent + s + "'?")
            .orElse("known keys here: " + String.join(", ", new TreeSet<>(known))));
  }
}
