package dev.trainforge.config;

import java.util.Map;
import java.util.TreeMap;

/**
 * The dataset spec as canonical JSON ({@link dev.trainforge.text.CanonicalJson}): sorted keys,
 * durations in seconds, no whitespace. Two specs that define the same rows render the same, however
 * their files spell them.
 */
public final class CanonicalJson {
  private CanonicalJson() {}

  /** The whole spec: name, version, labels, features and output. */
  public static String of(DatasetSpec spec) {
    return dev.trainforge.text.CanonicalJson.write(tree(spec));
  }

  /**
   * Only what defines the rows: the labels, the feature sources and the split, if any. Not the
   * name, version or output table, so that the same definition built under another version or
   * catalog hashes alike.
   */
  public static String definition(DatasetSpec spec) {
    Map<String, Object> tree = tree(spec);
    tree.keySet().retainAll(java.util.Set.of("labels", "features", "split", "retention-days"));
    return dev.trainforge.text.CanonicalJson.write(tree);
  }

  private static Map<String, Object> tree(DatasetSpec spec) {
    Map<String, Object> root = new TreeMap<>();
    root.put("name", spec.name());
    root.put("version", spec.version());
    root.put("labels", labels(spec.labels()));
    Map<String, Object> features = new TreeMap<>();
    for (FeatureSourceSpec f : spec.features()) {
      features.put(f.name(), feature(f));
    }
    root.put("features", features);
    // Only when set, so that datasets without a split keep the hashes they always had.
    spec.split().ifPresent(split -> root.put("split", split(split)));
    spec.retentionDays().ifPresent(days -> root.put("retention-days", days));
    Map<String, Object> output = new TreeMap<>();
    output.put("catalog", spec.output().catalog());
    output.put("namespace", spec.output().namespace());
    output.put("table", spec.output().table());
    root.put("output", output);
    return root;
  }

  private static Map<String, Object> labels(LabelSpec l) {
    Map<String, Object> m = new TreeMap<>();
    m.put("format", l.source().format().configName());
    m.put("location", l.source().location());
    m.put("id-column", l.idColumn());
    m.put("time-column", l.timeColumn());
    m.put("time-format", l.timeParsing().pattern().orElse(null));
    m.put("time-zone", l.timeParsing().zone().getId());
    m.put("key-columns", l.keyColumns());
    m.put("label-columns", l.labelColumns());
    m.put("window-start", l.windowStart().map(Object::toString).orElse(null));
    m.put("window-end", l.windowEnd().map(Object::toString).orElse(null));
    m.put("null-rows", ConfigReader.spelling(l.nullRows()));
    // Only when configured, so that configs written before maturity existed keep their hash.
    l.maturity()
        .ifPresent(
            mat -> {
              Map<String, Object> mm = new TreeMap<>();
              mm.put("horizon-seconds", seconds(mat.horizon()));
              mm.put("cut-off", mat.cutOff().toString());
              mm.put("action", ConfigReader.spelling(mat.action()));
              mm.put("flag-column", mat.action() == Maturity.Action.FLAG ? mat.flagColumn() : null);
              m.put("maturity", mm);
            });
    return m;
  }

  private static Map<String, Object> split(SplitSpec s) {
    Map<String, Object> m = new TreeMap<>();
    m.put("by", ConfigReader.spelling(s.by()));
    m.put("column", s.column());
    if (s.by() == SplitSpec.By.TIME) {
      m.put("train-until", s.trainUntil().map(Object::toString).orElse(null));
      m.put("validation-until", s.validationUntil().map(Object::toString).orElse(null));
    } else {
      m.put("group-key", s.groupKey().orElse(null));
      m.put("seed", s.seed());
      Map<String, Object> fractions = new TreeMap<>();
      fractions.put(SplitSpec.TRAIN, decimal(s.train()));
      fractions.put(SplitSpec.VALIDATION, decimal(s.validation()));
      fractions.put(SplitSpec.TEST, decimal(s.test()));
      m.put("fractions", fractions);
    }
    return m;
  }

  private static java.math.BigDecimal decimal(double d) {
    // 0.8 and 0.80 render alike; a BigDecimal is written as a JSON number
    return java.math.BigDecimal.valueOf(d).stripTrailingZeros();
  }

  private static Map<String, Object> feature(FeatureSourceSpec f) {
    Map<String, Object> m = new TreeMap<>();
    m.put("format", f.source().format().configName());
    m.put("location", f.source().location());
    Map<String, Object> keys = new TreeMap<>();
    f.keys().forEach(k -> keys.put(k.featureColumn(), k.labelColumn()));
    m.put("keys", keys);
    m.put("event-time-column", f.eventTimeColumn());
    m.put("available-time-column", f.availableTimeColumn().orElse(null));
    m.put("available-delay-seconds", seconds(f.availableDelay()));
    m.put("tie-break-column", f.tieBreakColumn().orElse(null));
    m.put("columns", f.columns());
    m.put("rename", new TreeMap<>(f.rename()));
    m.put("max-age-seconds", f.maxAge().map(CanonicalJson::seconds).orElse(null));
    m.put("serving-lag-seconds", seconds(f.servingLag()));
    m.put("exact-matches", f.exactMatches() ? "allowed" : "excluded");
    m.put("partition-column", f.partitionColumn().orElse(null));
    m.put("allow-partition-gaps", f.allowPartitionGaps());
    m.put("time-format", f.timeParsing().pattern().orElse(null));
    m.put("time-zone", f.timeParsing().zone().getId());
    if (!f.aggregations().isEmpty()) {
      // only when present: the hash of every source without aggregations stays as it was
      Map<String, Object> aggregations = new TreeMap<>();
      for (AggregationSpec a : f.aggregations()) {
        Map<String, Object> am = new TreeMap<>();
        am.put("function", a.function().configName());
        am.put("column", a.column().orElse(null));
        am.put("window-seconds", seconds(a.window()));
        am.put("k", a.function() == AggregationSpec.Function.LAST_K ? a.k() : null);
        aggregations.put(a.name(), am);
      }
      m.put("aggregations", aggregations);
    }
    return m;
  }

  private static String seconds(java.time.Duration d) {
    // exact decimal seconds, so 1.5s and 1500ms render alike
    return new java.math.BigDecimal(d.getSeconds())
        .add(java.math.BigDecimal.valueOf(d.getNano(), 9))
        .stripTrailingZeros()
        .toPlainString();
  }
}
