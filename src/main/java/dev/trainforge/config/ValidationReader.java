package dev.trainforge.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code dataset.validation}: where the report goes, the baseline, the declared schema and column
 * rules, and the limit of every check.
 */
final class ValidationReader {
  private static final String P = "dataset.validation.";
  private static final Set<String> COLUMN_RULE_KEYS =
      Set.of("min", "max", "max-null-rate", "domain");

  private ValidationReader() {}

  static ValidationSpec read(ConfigReader r, LabelSpec labels) {
    Map<ValidationSpec.Check, ValidationSpec.Limit> limits = limits(r);
    Optional<String> labelColumn = r.optionalString(P + "label-column");
    if (labelColumn.isPresent() && !labels.labelColumns().contains(labelColumn.get())) {
      r.problem(
          P + "label-column",
          Problem.key(P + "label-column")
              + " names '"
              + labelColumn.get()
              + "', which is not in dataset.labels.label-columns "
              + labels.labelColumns(),
          "add it there, or name one of them");
    }
    int topK = r.integer(P + "top-k");
    if (topK < 1) {
      r.problem(P + "top-k", Problem.key(P + "top-k") + " is " + topK, "use 1 or more");
    }
    return new ValidationSpec(
        r.optionalString(P + "report-dir").map(CatalogReader::absoluteLocal),
        r.string(P + "baseline"),
        labelColumn.or(() -> labels.labelColumns().stream().findFirst()),
        Math.max(topK, 1),
        r.duration(P + "audit-branch-retention"),
        r.stringMap(P + "expected-schema"),
        columnRules(r, P + "columns"),
        limits);
  }

  /**
   * The limit of every check: {@code warn} and {@code fail} thresholds of a metric, the {@code
   * severity} of a count. A threshold or a severity set to null disables it: null is off.
   */
  private static Map<ValidationSpec.Check, ValidationSpec.Limit> limits(ConfigReader r) {
    Map<ValidationSpec.Check, ValidationSpec.Limit> limits =
        new EnumMap<>(ValidationSpec.Check.class);
    for (ValidationSpec.Check check : ValidationSpec.Check.values()) {
      String key = P + "checks." + check.configName();
      limits.put(
          check,
          check.isMetric()
              ? new ValidationSpec.Limit(
                  r.optionalDouble(key + ".warn"), r.optionalDouble(key + ".fail"))
              : ValidationSpec.Limit.of(
                  r.optionalEnum(key + ".severity", ValidationSpec.Severity.class)
                      .orElse(ValidationSpec.Severity.OFF)));
    }
    return limits;
  }

  /** {@code columns { amount { min = 0, max = 1 } }}, sorted by column. */
  private static List<ValidationSpec.ColumnRule> columnRules(ConfigReader r, String path) {
    List<ValidationSpec.ColumnRule> rules = new ArrayList<>();
    Config merged = r.config();
    if (!merged.hasPath(path)) {
      return rules;
    }
    for (Map.Entry<String, ConfigValue> e : merged.getObject(path).entrySet()) {
      String column = e.getKey();
      String key = path + "." + ConfigUtil.quoteString(column);
      if (!(e.getValue() instanceof ConfigObject rule)) {
        r.problem(
            Problem.of(
                ConfigReader.describe(e.getValue().origin()),
                Problem.key(key) + " must be an object such as { min = 0, max = 1 }"));
        continue;
      }
      for (Map.Entry<String, ConfigValue> k : rule.entrySet()) {
        if (!COLUMN_RULE_KEYS.contains(k.getKey())) {
          r.problem(
              UnknownKeys.unknown(
                  k.getValue(), key + "." + k.getKey(), k.getKey(), COLUMN_RULE_KEYS));
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
    rules.sort(Comparator.comparing(ValidationSpec.ColumnRule::column));
    return rules;
  }
}
