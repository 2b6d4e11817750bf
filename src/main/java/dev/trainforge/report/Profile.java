package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import java.util.Arrays;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the profile passes (one aggregation, one for exact distinct counts, one for top-k categories
 * when there are non-boolean categorical columns, and one for exact counts in the decile bins)
 * measured on a dataset version. Stored in the version's report.json, so that the next version
 * compares against it without reading old rows: it keeps the sketches, deciles, bin counts and
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
      stalenessSeconds = byRank(stalenessSeconds);
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
   * @param bins numeric: exact counts of the column's values in its own bins (its min, deciles and
   *     max, as {@link Bins}): the baseline side of the next version's PSI; null in reports written
   *     before these were stored
   * @param baselineBins numeric, with a baseline: exact counts of the column's values in the
   *     baseline's bins, the current side of the gate's PSI; null otherwise
   * @param baselineCategories categorical, with a baseline: exact counts of the baseline's top-k
   *     categories in this version (also of those that fell out of this version's top-k)
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
      Map<String, Long> ruleViolations,
      BinCounts bins,
      BinCounts baselineBins,
      List<CategoryCount> baselineCategories) {
    public static final String NUMERIC = "numeric";
    public static final String CATEGORICAL = "categorical";

    public ColumnProfile {
      requireNonNull(column, "column is null");
      requireNonNull(type, "type is null");
      requireNonNull(kind, "kind is null");
      quantiles = quantiles == null ? Map.of() : byRank(quantiles);
      deciles = deciles == null ? List.of() : List.copyOf(deciles);
      topK = topK == null ? List.of() : List.copyOf(topK);
      ruleViolations =
          ruleViolations == null
              ? Map.of()
              : Collections.unmodifiableMap(new TreeMap<>(ruleViolations));
      baselineCategories = baselineCategories == null ? null : List.copyOf(baselineCategories);
    }

    public boolean numeric() {
      return NUMERIC.equals(kind);
    }

    /** A column neither numeric nor categorical: its nulls and rule violations alone. */
    public static ColumnProfile other(
        String column, String type, String kind, long nulls, Map<String, Long> ruleViolations) {
      return new ColumnProfile(
          column,
          type,
          kind,
          nulls,
          0,
          null,
          null,
          null,
          null,
          0,
          null,
          null,
          null,
          null,
          0,
          ruleViolations,
          null,
          null,
          null);
    }

    /**
     * A categorical column: its top-k values and the count of the rest; with a baseline, this
     * version's counts of the baseline's top-k categories (else null).
     */
    public static ColumnProfile categorical(
        String column,
        String type,
        long nulls,
        long approxDistinct,
        List<CategoryCount> topK,
        long otherCount,
        Map<String, Long> ruleViolations,
        List<CategoryCount> baselineCategories) {
      return new ColumnProfile(
          column,
          type,
          CATEGORICAL,
          nulls,
          0,
          null,
          null,
          null,
          null,
          approxDistinct,
          null,
          null,
          null,
          topK,
          otherCount,
          ruleViolations,
          null,
          null,
          baselineCategories);
    }

    /** The summary of a numeric column's finite values (each null when there is none). */
    public record Moments(Double min, Double max, Double mean, Double stddev) {}

    /**
     * A numeric column: its moments, quantiles and sketch, and its exact bin counts (own bins, and
     * with a baseline, the baseline's bins; else null).
     */
    public static ColumnProfile numeric(
        String column,
        String type,
        long nulls,
        long nanOrInf,
        Moments moments,
        long approxDistinct,
        Map<String, Double> quantiles,
        List<Double> deciles,
        String sketch,
        Map<String, Long> ruleViolations,
        BinCounts bins,
        BinCounts baselineBins) {
      return new ColumnProfile(
          column,
          type,
          NUMERIC,
          nulls,
          nanOrInf,
          moments.min(),
          moments.max(),
          moments.mean(),
          moments.stddev(),
          approxDistinct,
          quantiles,
          deciles,
          sketch,
          null,
          0,
          ruleViolations,
          bins,
          baselineBins,
          null);
    }
  }

  /**
   * Exact counts of a column's values in a set of PSI bins, with the bins they count: underflow,
   * one per edge, overflow, and null/NaN/Inf, as {@link Bins#counts}.
   */
  public record BinCounts(double min, double max, List<Double> edges, List<Long> counts) {
    public BinCounts {
      edges = List.copyOf(requireNonNull(edges, "edges is null"));
      counts = List.copyOf(requireNonNull(counts, "counts is null"));
      if (counts.size() != edges.size() + 3) {
        throw new IllegalArgumentException(
            "bin counts need " + (edges.size() + 3) + " counts, got " + counts.size());
      }
    }

    public static BinCounts of(Bins bins, long[] counts) {
      return new BinCounts(
          bins.min(), bins.max(), bins.edges(), Arrays.stream(counts).boxed().toList());
    }

    /** The counts, if they are over exactly {@code bins}; else null. */
    public long[] over(Bins bins) {
      boolean same =
          Double.compare(min, bins.min()) == 0
              && Double.compare(max, bins.max()) == 0
              && edges.equals(bins.edges());
      return same ? counts.stream().mapToLong(Long::longValue).toArray() : null;
    }
  }

  /** Orders quantile names ({@code p01}, {@code p5}, {@code p50}, {@code p99}) by their rank. */
  public static final Comparator<String> BY_RANK =
      Comparator.comparingDouble(Profile::rank).thenComparing(Comparator.naturalOrder());

  /** The rank of a quantile name: {@code p05} is 0.05; NaN for another name. */
  public static double rank(String name) {
    if (name.length() > 1 && name.charAt(0) == 'p' && name.substring(1).matches("[0-9]+")) {
      return Integer.parseInt(name.substring(1)) / 100.0;
    }
    return Double.NaN;
  }

  /**
   * An unmodifiable copy of quantiles by name, in rank order (p01 before p50 before p99), so that
   * report.json, report.html and {@code diff} list them in order rather than in hash order.
   */
  static Map<String, Double> byRank(Map<String, Double> quantiles) {
    TreeMap<String, Double> sorted = new TreeMap<>(BY_RANK);
    quantiles.forEach(
        (k, v) -> sorted.put(requireNonNull(k, "quantile name is null"), requireNonNull(v, k)));
    return Collections.unmodifiableMap(new LinkedHashMap<>(sorted));
  }

  /** The quantile names of both columns with their ranks, in rank order. */
  public static Map<String, Double> orderedQuantiles(ColumnProfile a, ColumnProfile b) {
    TreeMap<String, Double> names = new TreeMap<>(BY_RANK);
    a.quantiles().keySet().forEach(k -> names.put(k, rank(k)));
    b.quantiles().keySet().forEach(k -> names.put(k, rank(k)));
    return Collections.unmodifiableMap(new LinkedHashMap<>(names));
  }

  /** A category and its count. */
  public record CategoryCount(String value, long count) {
    public CategoryCount {
      requireNonNull(value, "value is null");
    }
  }
}
