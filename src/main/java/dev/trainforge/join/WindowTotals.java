package dev.trainforge.join;

import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The running totals of one source over one window: the rows in it, and per count, sum, avg or
 * stddev its non-null values and their exact sums. A row adds when it enters the window and
 * subtracts the same when it leaves, so the totals are exact for any window, in any order; a state
 * written by {@link #write} adds into another, which is how totals cross partition boundaries.
 */
final class WindowTotals {
  private final AggregatePlan plan;
  private final int[] aggregations;
  private long rows;
  private final long[] nonNull;
  private final long[] longSums;
  private final ExactSum[] sums;
  private final ExactSum[] squares;
  private final int maskWords;
  private final long[] scratch;

  WindowTotals(AggregatePlan plan, int window) {
    this.plan = plan;
    List<Integer> of = plan.totalsOf(window);
    this.aggregations = of.stream().mapToInt(Integer::intValue).toArray();
    int n = aggregations.length;
    this.nonNull = new long[n];
    this.longSums = new long[n];
    this.sums = new ExactSum[n];
    this.squares = new ExactSum[n];
    this.maskWords = (n + 63) >>> 6;
    this.scratch = new long[maskWords + n];
    for (int j = 0; j < n; j++) {
      int i = aggregations[j];
      Aggregation.Function f = plan.aggregations.get(i).function();
      boolean floating = plan.kinds[i] == AggregatePlan.Kind.FLOATING;
      if ((f == Aggregation.Function.SUM || f == Aggregation.Function.AVG) && floating
          || f == Aggregation.Function.STDDEV) {
        sums[j] = new ExactSum();
      }
      if (f == Aggregation.Function.STDDEV) {
        squares[j] = new ExactSum();
      }
    }
  }

  /**
   * Longs that {@link #capture} writes per row: a mask of the aggregations that skip the row (no
   * column, or a null value), one bit each, then one value per aggregation.
   */
  int stride() {
    return maskWords + aggregations.length;
  }

  /**
   * Writes what this window's totals take from a row into {@code into} from {@code at}: {@link
   * #stride()} longs, so that a row waiting to leave the window is a few longs, not a copy of it.
   */
  void capture(InternalRow row, long[] into, int at) {
    java.util.Arrays.fill(into, at, at + maskWords, 0L);
    for (int j = 0; j < aggregations.length; j++) {
      int i = aggregations[j];
      int f = plan.fields[i];
      long value = 0;
      if (f < 0 || row.isNullAt(f)) {
        into[at + (j >>> 6)] |= 1L << j;
      } else if (sums[j] != null) {
        value = Double.doubleToRawLongBits(plan.floating(row, i));
      } else if (plan.kinds[i] == AggregatePlan.Kind.INTEGRAL) {
        value = AggregatePlan.integral(row, f, plan.inputTypes[i]);
      }
      into[at + maskWords + j] = value;
    }
  }

  /** Adds a row's values ({@code sign} 1) or takes them out ({@code sign} -1). */
  void add(InternalRow row, int sign) {
    capture(row, scratch, 0);
    add(scratch, 0, sign);
  }

  /**
   * Adds the values that {@link #capture} wrote at {@code at} of {@code values} ({@code sign} 1),
   * or takes them out ({@code sign} -1).
   */
  void add(long[] values, int at, int sign) {
    rows += sign;
    for (int j = 0; j < aggregations.length; j++) {
      if ((values[at + (j >>> 6)] & (1L << j)) != 0) {
        continue;
      }
      long value = values[at + maskWords + j];
      nonNull[j] += sign;
      if (sums[j] == null) {
        longSums[j] += sign * value; // 0 unless the column is integral
        continue;
      }
      double x = Double.longBitsToDouble(value);
      if (sign > 0) {
        sums[j].add(x);
      } else {
        sums[j].subtract(x);
      }
      if (squares[j] != null) {
        // x² exactly, as the sum of two doubles
        double hi = x * x;
        double lo = Math.fma(x, x, -hi);
        if (sign > 0) {
          squares[j].add(hi);
          squares[j].add(lo);
        } else {
          squares[j].subtract(hi);
          squares[j].subtract(lo);
        }
      }
    }
  }

  long rows() {
    return rows;
  }

  boolean isEmpty() {
    if (rows != 0) {
      return false;
    }
    for (long n : nonNull) {
      if (n != 0) {
        return false;
      }
    }
    return true;
  }

  void clear() {
    rows = 0;
    java.util.Arrays.fill(nonNull, 0);
    java.util.Arrays.fill(longSums, 0);
    for (int j = 0; j < aggregations.length; j++) {
      if (sums[j] != null) {
        sums[j].clear();
      }
      if (squares[j] != null) {
        squares[j].clear();
      }
    }
  }

  /** Writes each aggregation's result into {@code out}, at its index in the plan. */
  void results(Object[] out) {
    for (int j = 0; j < aggregations.length; j++) {
      int i = aggregations[j];
      Aggregation a = plan.aggregations.get(i);
      long n = nonNull[j];
      out[i] =
          switch (a.function()) {
            case COUNT -> a.column().isEmpty() ? rows : n;
            case SUM -> n == 0 ? null : sums[j] == null ? (Object) longSums[j] : sums[j].value();
            case AVG ->
                n == 0
                    ? null
                    : (sums[j] == null ? (double) longSums[j] : sums[j].value()) / (double) n;
            case STDDEV -> n < 2 ? null : stddev(sums[j], squares[j], n);
            default -> throw new IllegalStateException(a.function() + " is not a running total");
          };
    }
  }

  /**
   * The sample standard deviation from exact sums: {@code (n Σx² - (Σx)²) / (n (n - 1))} is
   * computed exactly on the sums' integers, then rounded once, so that no cancellation creeps in.
   */
  private static double stddev(ExactSum sum, ExactSum squares, long n) {
    double s = sum.value();
    double q = squares.value();
    if (Double.isNaN(s) || Double.isInfinite(s) || Double.isNaN(q) || Double.isInfinite(q)) {
      return Double.NaN;
    }
    BigInteger a = sum.integer(); // Σx in units of 2^-1074
    BigInteger b = squares.integer(); // Σx² in units of 2^-1074
    BigInteger numerator =
        b.shiftLeft(1074).multiply(BigInteger.valueOf(n)).subtract(a.multiply(a)); // 2^-2148
    if (numerator.signum() <= 0) {
      return 0.0;
    }
    int drop = Math.max(0, numerator.bitLength() - 62);
    double scaled = numerator.shiftRight(drop).doubleValue();
    double variance = scaled / ((double) n * (double) (n - 1));
    return Math.sqrt(Math.scalb(variance, drop - 2148));
  }

  /** Writes the state (to be added into another's by {@link #read}). */
  byte[] write() {
    int size = 8 + 16 * aggregations.length;
    for (int j = 0; j < aggregations.length; j++) {
      size += sums[j] == null ? 0 : sums[j].maxBytes();
      size += squares[j] == null ? 0 : squares[j].maxBytes();
    }
    ByteBuffer out = ByteBuffer.allocate(size);
    out.putLong(rows);
    for (int j = 0; j < aggregations.length; j++) {
      out.putLong(nonNull[j]).putLong(longSums[j]);
      if (sums[j] != null) {
        sums[j].write(out);
      }
      if (squares[j] != null) {
        squares[j].write(out);
      }
    }
    return java.util.Arrays.copyOf(out.array(), out.position());
  }

  /** Adds a state written by {@link #write} of totals of the same plan and window. */
  void read(ByteBuffer in) {
    rows += in.getLong();
    for (int j = 0; j < aggregations.length; j++) {
      nonNull[j] += in.getLong();
      longSums[j] += in.getLong();
      if (sums[j] != null) {
        sums[j].read(in);
      }
      if (squares[j] != null) {
        squares[j].read(in);
      }
    }
  }

  /** Adds another's totals (same plan and window). */
  void add(WindowTotals other) {
    read(ByteBuffer.wrap(other.write()));
  }
}
