package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The validation gate of a dataset: where the report goes, what drift is measured against, and the
 * limits of every check. Not part of the row definition: changing a threshold does not change the
 * config hash.
 *
 * @param reportDir where reports are written, or empty for beside the table
 * @param baseline "previous" (the latest published version), "none", or a tag
 * @param labelColumn the target column, if any
 * @param topK categories kept per categorical column
 * @param auditBranchRetention how long a failed build's audit branch is kept
 * @param expectedSchema declared output columns: name to "type" or "type not null"
 * @param columnRules declared bounds and domains
 * @param limits the limits of every check
 */
public record ValidationSpec(
    Optional<String> reportDir,
    String baseline,
    Optional<String> labelColumn,
    int topK,
    Duration auditBranchRetention,
    Map<String, String> expectedSchema,
    List<ColumnRule> columnRules,
    Map<Check, Limit> limits) {
  public static final String PREVIOUS = "previous";
  public static final String NONE = "none";

  public ValidationSpec {
    requireNonNull(reportDir, "reportDir is null");
    requireNonNull(baseline, "baseline is null");
    requireNonNull(labelColumn, "labelColumn is null");
    requireNonNull(auditBranchRetention, "auditBranchRetention is null");
    expectedSchema = Map.copyOf(expectedSchema);
    columnRules = List.copyOf(columnRules);
    EnumMap<Check, Limit> all = new EnumMap<>(Check.class);
    for (Check c : Check.values()) {
      all.put(c, limits.getOrDefault(c, Limit.OFF));
    }
    limits = java.util.Collections.unmodifiableMap(all);
  }

  public Limit limit(Check check) {
    return limits.get(check);
  }

  /** The checks of the gate, by their config names under {@code dataset.validation.checks}. */
  public enum Check {
    SCHEMA_CONTRACT,
    SCHEMA_CHANGE,
    EMPTY_DATASET,
    ROW_CONSERVATION,
    UNIQUE_LABEL_ID,
    DUPLICATE_KEY_TIME,
    NULL_LABEL_TIME,
    NULL_LABEL_KEY,
    IMMATURE_LABELS,
    NULL_LABEL,
    LEAKAGE,
    HASH_TIES,
    UNMATCHED_SOURCE,
    COLUMN_RULES,
    PSI,
    CATEGORY_PSI,
    KS,
    NEW_CATEGORIES,
    VANISHED_CATEGORIES,
    MATCH_RATE_DROP;

    /** The config name, e.g. {@code unique-label-id}. */
    public String configName() {
      return ConfigReader.spelling(this);
    }

    /** Whether the check is limited by thresholds ({@code warn}, {@code fail}), not a severity. */
    public boolean isMetric() {
      return this == PSI || this == CATEGORY_PSI || this == KS || this == MATCH_RATE_DROP;
    }
  }

  /** Severity of a count check: a count above zero warns or fails. */
  public enum Severity {
    OFF,
    WARN,
    FAIL
  }

  /**
   * When a check warns or fails: its value strictly above {@code warnAbove} warns, strictly above
   * {@code failAbove} fails. A count check with severity fail has {@code failAbove = 0}.
   */
  public record Limit(Optional<Double> warnAbove, Optional<Double> failAbove) {
    public static final Limit OFF = new Limit(Optional.empty(), Optional.empty());

    public Limit {
      requireNonNull(warnAbove, "warnAbove is null");
      requireNonNull(failAbove, "failAbove is null");
    }

    public static Limit of(Severity severity) {
      return switch (severity) {
        case OFF -> OFF;
        case WARN -> new Limit(Optional.of(0.0), Optional.empty());
        case FAIL -> new Limit(Optional.empty(), Optional.of(0.0));
      };
    }
  }

  /**
   * Declared bounds and domain of one output column.
   *
   * @param column the output column
   * @param min the smallest allowed value
   * @param max the largest allowed value
   * @param maxNullRate the largest allowed share of nulls, 0..1
   * @param domain the allowed values of a categorical column; empty means any
   */
  public record ColumnRule(
      String column,
      Optional<Double> min,
      Optional<Double> max,
      Optional<Double> maxNullRate,
      List<String> domain) {
    public ColumnRule {
      requireNonNull(column, "column is null");
      requireNonNull(min, "min is null");
      requireNonNull(max, "max is null");
      requireNonNull(maxNullRate, "maxNullRate is null");
      domain = List.copyOf(domain);
    }
  }
}
