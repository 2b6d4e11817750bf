package dev.trainforge.config;

import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * A feature source's {@code aggregations}: a block per output column, {@code name { function = sum,
 * column = amount, window = 7d }}, with {@code k} for last-k. Each problem names the source, the
 * aggregation and the fix.
 */
final class AggregationsReader {
  private static final Set<String> KEYS = Set.of("function", "column", "window", "k");

  private AggregationsReader() {}

  /** The aggregations under {@code p.aggregations}, by name; none when it is not set. */
  static List<AggregationSpec> read(ConfigReader r, String p, String source) {
    String at = p + ".aggregations";
    if (!r.isSet(at)) {
      return List.of();
    }
    if (!(r.config().getValue(at) instanceof ConfigObject block)) {
      r.problemAt(
          at,
          Problem.key(at)
              + " must be a block of aggregations, e.g. aggregations { txn_count_7d {"
              + " function = count, window = 7d } }");
      return List.of();
    }
    List<AggregationSpec> out = new ArrayList<>();
    for (String name : new TreeSet<>(block.keySet())) {
      String q = at + "." + name;
      String where = r.where(q);
      String what = String.format("aggregation '%s' of feature source '%s'", name, source);
      if (!(block.get(name) instanceof ConfigObject agg)) {
        r.problem(
            Problem.of(
                where,
                what + " must be a block, e.g. { function = sum, column = amount, window = 7d }"));
        continue;
      }
      unknownKeys(r, where, what, agg);
      if (!SourcesReader.NAME.matcher(name).matches()) {
        r.problem(
            Problem.of(
                where,
                what + ": the name is its output column",
                "use lower-case letters, digits and underscores, starting with a letter"));
      }
      read(r, q, name, where, what).ifPresent(out::add);
    }
    return out;
  }

  private static void unknownKeys(ConfigReader r, String where, String what, ConfigObject agg) {
    for (String key : new TreeSet<>(agg.keySet())) {
      if (!KEYS.contains(key)) {
        r.problem(
            Problem.of(
                where,
                what + " has an unknown key '" + key + "'",
                Suggestions.closest(key, KEYS)
                    .map(s -> "did you mean '" + s + "'?")
                    .orElse("known keys: column, function, k, window")));
      }
    }
  }

  /** One aggregation at {@code q}; empty when it has a problem (reported). */
  private static Optional<AggregationSpec> read(
      ConfigReader r, String q, String name, String where, String what) {
    Optional<AggregationSpec.Function> function = function(r, q, where, what);
    Optional<String> column = r.optionalString(q + ".column");
    Optional<Duration> window = r.optionalDuration(q + ".window");
    if (window.isEmpty()) {
      r.problem(
          Problem.of(
              where, what + " has no window", "set window, e.g. window = 7d; from 1m to 730d"));
    } else if (window.get().compareTo(AggregationSpec.MIN_WINDOW) < 0
        || window.get().compareTo(AggregationSpec.MAX_WINDOW) > 0) {
      r.problem(
          Problem.of(
              where,
              what + ": window is " + r.written(q + ".window"),
              "use a window from 1m to 730d"));
    }
    boolean hasK = r.isSet(q + ".k");
    int k = hasK ? r.integer(q + ".k") : 0;
    if (function.isEmpty() || window.isEmpty()) {
      return Optional.empty();
    }
    AggregationSpec.Function f = function.get();
    if (f != AggregationSpec.Function.COUNT && column.isEmpty()) {
      r.problem(
          Problem.of(
              where,
              what + ": " + f.configName() + " needs a column",
              "set column to the source column it reads"));
      return Optional.empty();
    }
    if (f == AggregationSpec.Function.LAST_K && (k < 1 || k > AggregationSpec.MAX_K)) {
      r.problem(
          Problem.of(
              where,
              what + ": k is " + (hasK ? String.valueOf(k) : "not set"),
              "last-k needs k from 1 to " + AggregationSpec.MAX_K + ", e.g. k = 5"));
      return Optional.empty();
    }
    if (f != AggregationSpec.Function.LAST_K && hasK) {
      r.problem(Problem.of(where, what + ": k is only for last-k", "remove k, or use last-k"));
      return Optional.empty();
    }
    return Optional.of(new AggregationSpec(name, f, column, window.get(), k));
  }

  private static Optional<AggregationSpec.Function> function(
      ConfigReader r, String q, String where, String what) {
    Optional<String> fn = r.optionalString(q + ".function");
    List<String> names =
        Arrays.stream(AggregationSpec.Function.values())
            .map(AggregationSpec.Function::configName)
            .toList();
    Optional<AggregationSpec.Function> function = fn.flatMap(AggregationSpec.Function::named);
    if (fn.isEmpty()) {
      r.problem(
          Problem.of(
              where,
              what + " has no function",
              "set function to one of " + String.join(", ", names)));
    } else if (function.isEmpty()) {
      String statement =
          what + ": function '" + fn.get() + "' is not one of " + String.join(", ", names);
      r.problem(
          Suggestions.closest(fn.get(), Set.copyOf(names))
              .map(s -> Problem.of(where, statement, "did you mean '" + s + "'?"))
              .orElse(Problem.of(where, statement)));
    }
    return function;
  }
}
