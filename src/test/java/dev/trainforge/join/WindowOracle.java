package dev.trainforge.join;

import java.math.BigDecimal;
import java.math.MathContext;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;

/**
 * The spec's "Windowed aggregations" as a brute-force scan, written from the spec alone: for each
 * label, every row of the source is tested against the window's definition, and the functions are
 * computed the obvious way (sums in exact decimals, the standard deviation in two passes).
 */
final class WindowOracle {
  private WindowOracle() {}

  /** A row: key, times, tie-break, content hash and named values. */
  record Row(
      Object key, Long e, Long a, Long tieBreak, long hash, java.util.Map<String, Object> v) {}

  /** An aggregation as the oracle reads it. */
  record Agg(String name, String function, String column, long window, int k) {}

  /** The rows of {@code rows} in the window of {@code agg} for a label with this key and time. */
  static List<Row> inWindow(
      Object key, long t, List<Row> rows, long lag, boolean exactMatches, long window) {
    long asOf = t - lag;
    List<Row> out = new ArrayList<>();
    for (Row r : rows) {
      if (r.key() == null || r.e() == null || r.a() == null || !r.key().equals(key)) {
        continue;
      }
      boolean upper = exactMatches ? r.e() <= asOf : r.e() < asOf;
      if (upper && r.e() > asOf - window && r.a() <= asOf) {
        out.add(r);
      }
    }
    return out;
  }

  /** The aggregation's value over {@code rows} (already the window's rows). */
  static Object value(Agg agg, List<Row> rows) {
    List<Object> values = new ArrayList<>();
    for (Row r : rows) {
      if (agg.column() != null && r.v().get(agg.column()) != null) {
        values.add(r.v().get(agg.column()));
      }
    }
    switch (agg.function()) {
      case "count":
        return agg.column() == null ? (long) rows.size() : (long) values.size();
      case "sum":
        if (values.isEmpty()) {
          return null;
        }
        if (!(values.get(0) instanceof Double)) {
          return values.stream().mapToLong(v -> ((Number) v).longValue()).sum();
        }
        return exactSum(values).doubleValue();
      case "avg":
        return values.isEmpty()
            ? null
            : exactSum(values)
                .divide(BigDecimal.valueOf(values.size()), MathContext.DECIMAL128)
                .doubleValue();
      case "min":
      case "max":
        if (values.isEmpty()) {
          return null;
        }
        Comparator<Object> order = WindowOracle::compareValues;
        return agg.function().equals("min")
            ? values.stream().min(order).get()
            : values.stream().max(order).get();
      case "stddev":
        if (values.size() < 2) {
          return null;
        }
        // (n Σx² - (Σx)²) / (n (n - 1)), exact in decimals until the division
        BigDecimal n = BigDecimal.valueOf(values.size());
        BigDecimal sum = exactSum(values);
        BigDecimal squares = BigDecimal.ZERO;
        for (Object v : values) {
          squares = squares.add(decimal(v).multiply(decimal(v)));
        }
        BigDecimal numerator = n.multiply(squares).subtract(sum.multiply(sum));
        return Math.sqrt(
            numerator
                .divide(n.multiply(n.subtract(BigDecimal.ONE)), MathContext.DECIMAL128)
                .doubleValue());
      case "last-k":
        List<Row> sorted = new ArrayList<>(rows);
        sorted.sort((x, y) -> Oracle.compare(feature(y), feature(x)));
        List<Object> out = new ArrayList<>();
        for (int i = 0; i < Math.min(agg.k(), sorted.size()); i++) {
          out.add(sorted.get(i).v().get(agg.column()));
        }
        return out;
      default:
        throw new IllegalArgumentException(agg.function());
    }
  }

  private static Oracle.FeatureRow feature(Row r) {
    return new Oracle.FeatureRow(r.key(), r.e(), r.a(), r.tieBreak(), r.hash(), List.of());
  }

  private static BigDecimal exactSum(List<Object> values) {
    BigDecimal sum = BigDecimal.ZERO;
    for (Object v : values) {
      sum = sum.add(decimal(v));
    }
    return sum;
  }

  private static BigDecimal decimal(Object v) {
    return v instanceof Double d ? new BigDecimal(d) : BigDecimal.valueOf(((Number) v).longValue());
  }

  private static int compareValues(Object x, Object y) {
    if (x instanceof Double a) {
      return Double.compare(a, (Double) y);
    }
    return Long.compare(((Number) x).longValue(), ((Number) y).longValue());
  }

  /** Whether a result equals the oracle's: doubles within 1e-9 relative, the rest exactly. */
  static boolean agrees(Object expected, Object actual) {
    if (expected instanceof Double e && actual instanceof Double a) {
      if (e.isNaN() || a.isNaN()) {
        return e.isNaN() && a.isNaN();
      }
      double scale = Math.max(Math.abs(e), Math.abs(a));
      return Math.abs(e - a) <= 1e-9 * scale || Math.abs(e - a) < 1e-300;
    }
    if (expected instanceof List<?> e && actual instanceof List<?> a) {
      return e.size() == a.size()
          && java.util.stream.IntStream.range(0, e.size())
              .allMatch(i -> Objects.equals(e.get(i), a.get(i)));
    }
    return Objects.equals(expected, actual);
  }
}
