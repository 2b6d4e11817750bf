package dev.trainforge.config;

import java.time.Duration;

/** Durations in the config's own spelling ({@code 30d}, {@code 1h30m}), not ISO-8601's PT720H. */
public final class Durations {
  private Durations() {}

  /**
   * {@code d} as a config file would write it: whole days, hours, minutes, seconds and
   * milliseconds, largest first, e.g. {@code 3d}, {@code -3d}, {@code 1h30m}, {@code 0s}.
   */
  public static String format(Duration d) {
    if (d.isZero()) {
      return "0s";
    }
    StringBuilder sb = new StringBuilder(d.isNegative() ? "-" : "");
    Duration rest = d.abs();
    long[] units = {86_400_000L, 3_600_000L, 60_000L, 1_000L, 1L};
    String[] names = {"d", "h", "m", "s", "ms"};
    long millis = rest.toMillis();
    for (int i = 0; i < units.length; i++) {
      long n = millis / units[i];
      if (n > 0) {
        sb.append(n).append(names[i]);
        millis -= n * units[i];
      }
    }
    long nanos = rest.minusMillis(rest.toMillis()).toNanos();
    if (nanos > 0) {
      sb.append(nanos).append("ns");
    }
    return sb.toString();
  }
}
