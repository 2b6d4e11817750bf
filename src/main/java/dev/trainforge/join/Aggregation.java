package dev.trainforge.join;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.util.Optional;

/**
 * One windowed aggregation of a source: {@code function(column)} over the source's rows of the
 * label's key with {@code τ - window < e <= τ} and {@code a <= τ}, where {@code τ} is the label's
 * as-of instant (see "Windowed aggregations" in {@code docs/point-in-time-semantics.md}).
 *
 * @param name the output column
 * @param function what is computed
 * @param columnName the source column it reads (as named on the join's input), null for {@code
 *     count(*)} (a field, not an {@code Optional}: the plan is shipped to tasks)
 * @param windowMicros the window's length, positive
 * @param k for {@link Function#LAST_K}, how many values; 0 otherwise
 */
public record Aggregation(
    String name, Function function, String columnName, long windowMicros, int k)
    implements Serializable {
  /** The functions, and what each needs. */
  public enum Function {
    COUNT("count"),
    SUM("sum"),
    AVG("avg"),
    MIN("min"),
    MAX("max"),
    STDDEV("stddev"),
    LAST_K("last-k");

    private final String configName;

    Function(String configName) {
      this.configName = configName;
    }

    /** The function's name in configuration, e.g. {@code last-k}. */
    public String configName() {
      return configName;
    }

    /** Whether the result over a window is a running total that rows add to and leave. */
    boolean subtractable() {
      return this == COUNT || this == SUM || this == AVG || this == STDDEV;
    }
  }

  public Aggregation {
    requireNonNull(name, "name is null");
    requireNonNull(function, "function is null");
    if (windowMicros <= 0) {
      throw new IllegalArgumentException(
          String.format(
              "aggregation '%s' has a window of %d µs, not positive", name, windowMicros));
    }
    if (function != Function.COUNT && columnName == null) {
      throw new IllegalArgumentException(
          String.format("aggregation '%s' (%s) needs a column", name, function.configName()));
    }
    if ((function == Function.LAST_K) != (k > 0)) {
      throw new IllegalArgumentException(
          String.format(
              "aggregation '%s': k is %d; last-k needs a positive k, other functions none",
              name, k));
    }
  }

  /**
   * What {@code function} needs of a column of {@code type}, e.g. "a number column", or null when
   * it can take it.
   */
  public static String unsupported(Function function, org.apache.spark.sql.types.DataType type) {
    return AggregatePlan.unsupported(function, type);
  }

  /** The column read, empty for {@code count(*)}. */
  public Optional<String> column() {
    return Optional.ofNullable(columnName);
  }

  /** {@code count(*)}, {@code count(column)}, or any function with a column. */
  public static Aggregation of(String name, Function function, String column, long windowMicros) {
    return new Aggregation(name, function, column, windowMicros, 0);
  }

  /** The last {@code k} values of {@code column} in the window, newest first. */
  public static Aggregation lastK(String name, String column, int k, long windowMicros) {
    return new Aggregation(name, Function.LAST_K, column, windowMicros, k);
  }
}
