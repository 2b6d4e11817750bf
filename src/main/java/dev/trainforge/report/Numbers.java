package dev.trainforge.report;

import java.util.Locale;

/**
 * How numbers are written for people: in report.html, in the gate's check details, by {@code diff},
 * {@code show} and the CLI's result lines. One place, so that the same value reads the same
 * everywhere. Machine output (report.json, {@code --json}) keeps full doubles.
 */
public final class Numbers {
  private Numbers() {}

  /**
   * A statistic: an integral value as an integer ({@code 15}, {@code 0}); otherwise four
   * significant digits ({@code 14.33}, {@code 0.5000}, {@code 0.004451}). Magnitudes of 10,000 and
   * more are rounded to an integer ({@code 153400}), never written with an exponent; only tiny
   * values below 1e-4 keep one ({@code 4.441e-17}).
   */
  public static String stat(double v) {
    if (Double.isNaN(v)) {
      return "NaN";
    }
    if (Double.isInfinite(v)) {
      return v > 0 ? "Inf" : "-Inf";
    }
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return String.valueOf((long) v);
    }
    if (Math.abs(v) >= 9999.5) {
      return String.format(Locale.ROOT, "%.0f", v);
    }
    return String.format(Locale.ROOT, "%.4g", v);
  }

  /** {@link #stat(double)}, or {@code missing} for null. */
  public static String stat(Double v, String missing) {
    return v == null ? missing : stat(v.doubleValue());
  }

  /** A rate or share with a fixed number of decimals: {@code fixed(0.5, 4)} is {@code 0.5000}. */
  public static String fixed(double v, int decimals) {
    return String.format(Locale.ROOT, "%." + decimals + "f", v);
  }

  /**
   * A share as a percentage with one decimal: {@code 0.5847} is {@code 58.5%}; a share above 0 that
   * would read {@code 0.0%} is {@code <0.1%}, so that a small share is not read as none.
   */
  public static String percent(double share) {
    if (share > 0 && share < 0.0005) {
      return "<0.1%";
    }
    return String.format(Locale.ROOT, "%.1f%%", share * 100);
  }

  /**
   * A duration in seconds, in the largest unit that keeps it at least 1, with one decimal: {@code
   * 42.0 s}, {@code 12.5 min}, {@code 3.2 h}, {@code 1.8 d}. Below one second: {@code 0.25 s}.
   */
  public static String duration(double seconds) {
    if (Double.isNaN(seconds) || Double.isInfinite(seconds)) {
      return stat(seconds) + " s";
    }
    double abs = Math.abs(seconds);
    // Each unit up to where its one decimal would round to the next unit (59.96 s is 1.0 min).
    if (abs < 0.995) {
      return String.format(Locale.ROOT, "%.2f s", seconds);
    }
    if (abs < 59.95) {
      return String.format(Locale.ROOT, "%.1f s", seconds);
    }
    if (abs < 59.95 * 60) {
      return String.format(Locale.ROOT, "%.1f min", seconds / 60);
    }
    if (abs < 23.95 * 3600) {
      return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
    }
    return String.format(Locale.ROOT, "%.1f d", seconds / 86_400);
  }

  /** {@link #duration(double)}, or {@code missing} for null. */
  public static String duration(Double seconds, String missing) {
    return seconds == null ? missing : duration(seconds.doubleValue());
  }

  /** A duration in milliseconds, as {@link #duration(double)}. */
  public static String millis(long millis) {
    return duration(millis / 1000.0);
  }
}
