package dev.trainforge.validate;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * What the profile passes (one aggregation, one for exact distinct counts, one for top-k
 * categories) measured on a dataset version. Stored in the version's report.json, so that the next
 * version compares against it without reading old rows: it keeps the sketches, deciles and
 * categories that drift needs.
 *
 * @param rows rows in the version
 * @param distinctLabelIds distinct non-null label ids
 * @param rowsWithKeysAndTime rows whose keys and label time are all non-null
 * @param distinctKeyTimes distinct (keys, label time) among those rows
 * @param nullLabelTime rows without a label time
 * @param nullLabelKey rows with a null entity key
 * @param schema the output schema
 * @param sources per feature source: statuses, staleness and the leakage audit
 * @param columns per profiled column (label and feature columns)
 */
public record Profile(
    long rows,
    long distinctLabelIds,
    long rowsWithKeysAndTime,
    long distinctKeyTimes,
    long nullLabelTime,
    long nullLabelKey,
    List<Field> schema,
    List<SourceProfile> sources,
    List<ColumnProfile> columns) {
  public Profile {
    schema = List.copyOf(schema);
    sources = List.copyOf(sources);
    columns = List.copyOf(columns);
  }

  /** The profile of {@code column}, or null. */
  public ColumnProfile column(String column) {
    return columns.stream().filter(c -> c.column().equals(column)).findFirst().orElse(null);
  }

  /** The profile of {@code source}, or null. */
  public SourceProfile source(String source) {
    return sources.stream().filter(s -> s.source().equals(source)).findFirst().orElse(null);
  }

  /** One output column: name, Spark SQL type, nullability. */
  public record Field(String name, String type, boolean nullable) {
    public Field {
      requireNonNull(name, "name is null");
      requireNonNull(type, "type is null");
    }
  }

  /**
   * What the join did for one source, and the leakage audit of its matched rows.
   *
   * @param statuses label rows per status
   * @param hashTies winners decided by the content hash alone
   * @param matchRate MATCHED / rows
   * @param stalenessSeconds p50, p95, p99 of {@code t - e} over matched rows (KLL sketch)
   * @param leakEventTime matched rows breaking {@code e <= t - g} ({@code <} if exact matches are
   *     excluded)
   * @param leakAvailableTime matched rows breaking {@code a <= t - g}
   * @param leakMaxAge matched rows breaking {@code e >= t - M}
   */
  public record SourceProfile(
      String source,
      Map<String, Long> statuses,
      long hashTies,
      double matchRate,
      Map<String, Double> stalenessSeconds,
      long leakEventTime,
      long leakAvailableTime,
      long leakMaxAge) {
    public SourceProfile {
      requireNonNull(source, "source is null");
      statuses = Map.copyOf(statuses);
      stalenessSeconds = Map.copyOf(stalenessSeconds);
    }

    public long leaks() {
      return leakEventTime + leakAvailableTime + leakMaxAge;
    }
  }

  /**
   * One profiled column. Numeric columns carry moments, quantiles, deciles and the KLL sketch
   * (base64) of their finite values; categorical ones (strings, booleans) their top-k categories.
   *
   * @param kind "numeric" or "categorical"
   * @param nulls null values
   * @param nanOrInf NaN and infinite values (numeric only)
   * @param approxDistinct approximate distinct values (HyperLogLog++, 5% relative error)
   * @param quantiles p01, p05, p25, p50, p75, p95, p99 from the sketch
   * @param deciles p10 .. p90 from the sketch: the bin edges of the next version's PSI
   * @param topK the most frequent categories, by count then value
   * @param otherCount non-null values outside {@code topK}
   * @param ruleViolations counts for declared rules: below-min, above-max, outside-domain
   */
  public record ColumnProfile(
      String column,
      String type,
      String kind,
      long nulls,
      long nanOrInf,
      Double min,
      Double max,
      Double mean,
      Double stddev,
      long approxDistinct,
      Map<String, Double> quantiles,
      List<Double> deciles,
      String sketch,
      List<CategoryCount> topK,
      long otherCount,
      Map<String, Long> ruleViolations) {
    public static final String NUMERIC = "numeric";
    public static final String CATEGORICAL = "categorical";

    public ColumnProfile {
      requireNonNull(column, "column is null");
      requireNonNull(type, "type is null");
      requireNonNull(kind, "kind is null");
      quantiles = quantiles == null ? Map.of() : Map.copyOf(quantiles);
      deciles = deciles == null ? List.of() : List.copyOf(deciles);
      topK = topK == null ? List.of() : List.copyOf(topK);
      ruleViolations = ruleViolations == null ? Map.of() : Map.copyOf(ruleViolations);
    }

    public boolean numeric() {
      return NUMERIC.equals(kind);
    }
  }

  /** A category and its count. */
  public record CategoryCount(String value, long count) {
    public CategoryCount {
      requireNonNull(value, "value is null");
    }
  }
}
