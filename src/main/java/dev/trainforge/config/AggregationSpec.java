package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.Optional;

/**
 * A windowed aggregation of a feature source: {@code function(column)} over the source's rows of
 * the label's key in the window of length {@code window} that ends at the label's as-of instant.
 *
 * @param name the output column
 * @param function what is computed
 * @param column the source column it reads; empty only for {@code count} (then it counts rows)
 * @param window the window's length, from 1 minute to 730 days
 * @param k for {@code last-k}, how many values; 0 otherwise
 */
public record AggregationSpec(
    String name, Function function, Optional<String> column, Duration window, int k) {
  /** The shortest window. */
  public static final Duration MIN_WINDOW = Duration.ofMinutes(1);

  /** The longest window. */
  public static final Duration MAX_WINDOW = Duration.ofDays(730);

  /** The most values a last-k keeps. */
  public static final int MAX_K = 1000;

  /** The functions, by their names in configuration. */
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

    public String configName() {
      return configName;
    }

    /** The function of this name, if any. */
    public static Optional<Function> named(String name) {
      for (Function f : values()) {
        if (f.configName.equals(name)) {
          return Optional.of(f);
        }
      }
      return Optional.empty();
    }
  }

  public AggregationSpec {
    requireNonNull(name, "name is null");
    requireNonNull(function, "function is null");
    requireNonNull(column, "column is null");
    requireNonNull(window, "window is null");
  }
}
