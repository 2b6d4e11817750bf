package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * {@code dataset.features}: one feature source per entry, each over the shared defaults of {@code
 * trainforge.feature-source-defaults}, with its aggregations ({@link AggregationsReader}).
 */
final class SourcesReader {
  /** The block every feature source takes its defaults from. */
  static final String DEFAULTS = "trainforge.feature-source-defaults";

  /** What a feature source, an aggregation and a dataset may be called. */
  static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]*");

  private SourcesReader() {}

  /** The sources, by name; problems name the source, the key and the fix. */
  static List<FeatureSourceSpec> read(ConfigReader r, LabelSpec labels) {
    Config merged = r.config();
    if (!merged.hasPath("dataset.features") || merged.getObject("dataset.features").isEmpty()) {
      r.problem(
          "dataset.features",
          "dataset.features is empty",
          "add at least one feature source, see conf/datasets/card_fraud.conf");
      return List.of();
    }
    List<FeatureSourceSpec> out = new ArrayList<>();
    for (String name : new TreeSet<>(merged.getObject("dataset.features").keySet())) {
      String p = "dataset.features." + name;
      if (!(merged.getValue(p) instanceof ConfigObject)) {
        r.problemAt(p, Problem.key(p) + " must be an object describing a feature source");
        continue;
      }
      out.add(readSource(r, name, labels));
    }
    return out;
  }

  /**
   * A reader of one source: its own keys over the merged shared defaults, and for a key it sets to
   * null, the default of {@code reference.conf}'s shared block. Problems go to {@code outer} when
   * the source is read.
   */
  private static ConfigReader sourceReader(ConfigReader outer, String p) {
    Config merged = outer.config();
    Config withDefaults =
        merged.getConfig(p).withFallback(merged.getConfig(DEFAULTS)).atPath(p).withFallback(merged);
    Config defaults = outer.defaults().getConfig(DEFAULTS).atPath(p).withFallback(outer.defaults());
    return new ConfigReader(withDefaults, defaults, outer.file());
  }

  private static FeatureSourceSpec readSource(ConfigReader outer, String name, LabelSpec labels) {
    String p = "dataset.features." + name;
    ConfigReader r = sourceReader(outer, p);
    if (!NAME.matcher(name).matches()) {
      r.problem(
          p,
          "feature source name '" + name + "'",
          "use lower-case letters, digits and underscores, starting with a letter");
    }
    SourceLocation source = SourceBlockReader.location(r, p);
    List<KeyMapping> keys = keys(outer, r, p, name, labels);
    List<String> columns = r.stringList(p + ".columns");
    List<AggregationSpec> aggregations = AggregationsReader.read(r, p, name);
    boolean declared =
        r.isSet(p + ".aggregations")
            && r.config().getValue(p + ".aggregations") instanceof ConfigObject o
            && !o.isEmpty();
    if (columns.isEmpty() && !declared) {
      r.problem(
          p,
          "feature source '" + name + "' selects no columns",
          "set " + p + ".columns to the feature columns to attach, or " + p + ".aggregations");
    }
    Map<String, String> rename = rename(r, p, columns);
    Optional<String> availableColumn = r.optionalString(p + ".available-time-column");
    Duration delay = nonNegative(r, p + ".available-delay");
    if (availableColumn.isPresent() && !delay.isZero()) {
      r.problem(
          p + ".available-delay",
          "feature source '" + name + "' sets both available-time-column and available-delay",
          "use one");
    }
    Optional<Duration> maxAge = maxAge(r, p + ".max-age");
    ExactMatches exact = r.enumValue(p + ".exact-matches", ExactMatches.class);
    FeatureSourceSpec spec =
        new FeatureSourceSpec(
            name,
            source,
            keys,
            r.string(p + ".event-time-column"),
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
            SourceBlockReader.timeParsing(r, p),
            aggregations);
    r.problems().forEach(outer::problem);
    return spec;
  }

  /**
   * {@code keys}: feature column = label column, ordered by label column. A label column that is
   * not a key column is reported to {@code outer} at once, before the source's other problems.
   */
  private static List<KeyMapping> keys(
      ConfigReader outer, ConfigReader r, String p, String name, LabelSpec labels) {
    Map<String, String> keyMap = r.stringMap(p + ".keys");
    List<KeyMapping> keys = new ArrayList<>();
    if (keyMap.isEmpty()) {
      r.problem(
          p,
          "feature source '" + name + "' has no keys",
          "set " + p + ".keys, e.g. keys { user_id = user_id }: feature column = label column");
    }
    keyMap.forEach(
        (featureColumn, labelColumn) -> {
          if (!labels.keyColumns().contains(labelColumn)) {
            outer.problem(
                Problem.of(
                    r.where(p + ".keys"),
                    "feature source '"
                        + name
                        + "' maps key '"
                        + featureColumn
                        + "' to label column '"
                        + labelColumn
                        + "', which is not in dataset.labels.key-columns "
                        + labels.keyColumns(),
                    "add it there or fix the mapping"));
          }
          keys.add(new KeyMapping(featureColumn, labelColumn));
        });
    keys.sort(Comparator.comparing(KeyMapping::labelColumn));
    return keys;
  }

  /** {@code rename}: selected column = output name. */
  private static Map<String, String> rename(ConfigReader r, String p, List<String> columns) {
    Map<String, String> rename = r.stringMap(p + ".rename");
    for (String renamed : rename.keySet()) {
      if (!columns.contains(renamed)) {
        r.problem(
            p + ".rename",
            Problem.key(p + ".rename." + renamed) + " renames a column that is not selected",
            "selected: " + columns);
      }
    }
    return rename;
  }

  private static Optional<Duration> maxAge(ConfigReader r, String key) {
    Optional<Duration> maxAge = r.optionalDuration(key);
    if (maxAge.isPresent() && (maxAge.get().isNegative() || maxAge.get().isZero())) {
      r.problem(
          key,
          Problem.key(key) + " is " + r.written(key),
          "use a positive duration, or null for no limit");
    }
    return maxAge;
  }

  private static Duration nonNegative(ConfigReader r, String path) {
    Duration d = r.duration(path);
    if (d.isNegative()) {
      r.problem(
          path, Problem.key(path) + " is " + r.written(path), "use 0s or a positive duration");
      return Duration.ZERO;
    }
    return d;
  }

  /** The spelling of dataset.features.*.exact-matches. */
  enum ExactMatches {
    ALLOWED,
    EXCLUDED
  }
}
