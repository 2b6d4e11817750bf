package dev.trainforge.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * {@code dataset}: its name, version, output table and retention, and its sections, each read by
 * its own reader ({@link LabelsReader}, {@link SourcesReader}, {@link ValidationReader}, {@link
 * SplitReader}).
 */
final class DatasetReader {
  private static final Pattern VERSION = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]*");

  private DatasetReader() {}

  static DatasetSpec read(ConfigReader r) {
    String name = r.requiredString("dataset.name", "name the dataset, e.g. card_fraud");
    if (name != null && !SourcesReader.NAME.matcher(name).matches()) {
      r.problem(
          "dataset.name",
          Problem.key("dataset.name") + " has value '" + name + "'",
          "use lower-case letters, digits and underscores, starting with a letter");
    }
    String version = r.requiredString("dataset.version", "e.g. version = \"1\"");
    if (version != null && !VERSION.matcher(version).matches()) {
      r.problem(
          "dataset.version",
          Problem.key("dataset.version") + " has value '" + version + "'",
          "use letters, digits, '.', '_' and '-'");
    }
    LabelSpec labels = LabelsReader.read(r);
    List<FeatureSourceSpec> features = SourcesReader.read(r, labels);
    OutputSpec output = output(r, name);
    return new DatasetSpec(
        name == null ? "unnamed" : name,
        version == null ? "0" : version,
        labels,
        features,
        output,
        ValidationReader.read(r, labels),
        SplitReader.read(r, labels),
        retention(r, labels));
  }

  /** {@code dataset.output}: a null catalog is trainforge.catalog.name, a null table the name. */
  private static OutputSpec output(ConfigReader r, String name) {
    return new OutputSpec(
        r.optionalString("dataset.output.catalog").orElse(r.string("trainforge.catalog.name")),
        r.string("dataset.output.namespace"),
        r.optionalString("dataset.output.table").orElse(name == null ? "unnamed" : name));
  }

  /**
   * {@code dataset.retention}: whole days, and a label window of whole UTC days, since a rolling
   * version replaces and keeps label days, never parts of one.
   */
  private static Optional<Duration> retention(ConfigReader r, LabelSpec labels) {
    String key = "dataset.retention";
    Optional<Duration> retention = r.optionalDuration(key);
    if (retention.isEmpty()) {
      return Optional.empty();
    }
    Duration d = retention.get();
    if (d.isNegative() || d.isZero() || d.toSeconds() % 86_400 != 0) {
      r.problem(
          key,
          Problem.key(key) + " has value " + r.written(key),
          "a rolling window keeps whole label days: write e.g. 90d");
      return Optional.empty();
    }
    for (Optional<Instant> bound : List.of(labels.windowStart(), labels.windowEnd())) {
      if (bound.isEmpty()
          || bound.get().getEpochSecond() % 86_400 != 0
          || bound.get().getNano() != 0) {
        r.problem(
            key,
            "dataset.retention is set but the label window ["
                + labels.windowStart().map(Object::toString).orElse("unbounded")
                + ", "
                + labels.windowEnd().map(Object::toString).orElse("unbounded")
                + ") is not whole UTC days",
            "set dataset.labels.window.start and .end to midnights UTC, e.g."
                + " 2026-01-05T00:00:00Z");
        break;
      }
    }
    return retention;
  }

  /**
   * Output columns that two owners (labels, sources, the split) would write, and columns that use
   * the reserved prefix {@code __tf_}. Run once the dataset has no other problem.
   */
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
              Problem.of(
                  file,
                  "output column '" + c + "' would come from both " + previous + " and " + owner,
                  "rename one in dataset.features." + source.name() + ".rename"));
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
                    Problem.of(
                        file,
                        "output column '"
                            + split.column()
                            + "' would come from both "
                            + previous
                            + " and dataset.split",
                        "set dataset.split.column to another name"));
              }
            });
    for (String c : owners.keySet()) {
      if (c.startsWith("__tf_")) {
        problems.add(
            Problem.of(
                file, "output column '" + c + "' uses the reserved prefix '__tf_'", "rename it"));
      }
    }
    return problems;
  }
}
