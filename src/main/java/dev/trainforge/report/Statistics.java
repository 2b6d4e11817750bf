package dev.trainforge.report;

import java.util.Base64;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The statistics of the gate, as plain functions with their definitions. All are computed on the
 * driver from counts and sketches that one Spark aggregation produced.
 */
public final class Statistics {
  /** The floor of a bin's share in PSI, so that an empty bin gives a finite term. */
  public static final double PSI_EPSILON = 1e-4;

  /** The two-sample KS critical coefficient at the 5% level, c(0.05). */
  public static final double KS_C_ALPHA = 1.358;

  public static final String PSI_DEFINITION =
      "PSI = sum over bins of (current - baseline) * ln(current / baseline), natural log, each"
          + " share floored at epsilon = 1e-4";

  public static final String KS_DEFINITION =
      "KS D = max |F_current(x) - F_baseline(x)| over the items of both KLL sketches; noise ="
          + " 1.358 * sqrt((n + m) / (n * m)) + both sketches' rank errors; effect = max(0, D -"
          + " noise)";

  private Statistics() {}

  /** Shares of a total; all zero when the total is zero. */
  public static double[] shares(long[] counts) {
    long total = 0;
    for (long c : counts) {
      total += c;
    }
    double[] out = new double[counts.length];
    for (int i = 0; i < counts.length; i++) {
      out[i] = total == 0 ? 0.0 : (double) counts[i] / total;
    }
    return out;
  }

  /**
   * The population stability index of {@code current} against {@code baseline}, both shares over
   * the same bins: {@code sum((c - b) * ln(c / b))}, with each share floored at {@link
   * #PSI_EPSILON}.
   */
  public static double psi(double[] current, double[] baseline) {
    if (current.length != baseline.length) {
      throw new IllegalArgumentException(
          "PSI needs equal bins: " + current.length + " vs " + baseline.length);
    }
    double sum = 0;
    for (int i = 0; i < current.length; i++) {
      double c = Math.max(current[i], PSI_EPSILON);
      double b = Math.max(baseline[i], PSI_EPSILON);
      sum += (c - b) * Math.log(c / b);
    }
    return sum;
  }

  /** The KS statistic between two sketched distributions, evaluated at every retained item. */
  public static double ks(KllDoublesSketch current, KllDoublesSketch baseline) {
    if (current.isEmpty() || baseline.isEmpty()) {
      return 0.0;
    }
    TreeSet<Double> points = new TreeSet<>();
    for (double x : current.getSortedView().getQuantiles()) {
      points.add(x);
    }
    for (double x : baseline.getSortedView().getQuantiles()) {
      points.add(x);
    }
    double d = 0;
    for (double x : points) {
      double f1 = current.getRank(x, QuantileSearchCriteria.INCLUSIVE);
      double f2 = baseline.getRank(x, QuantileSearchCriteria.INCLUSIVE);
      d = Math.max(d, Math.abs(f1 - f2));
    }
    return d;
  }

  /**
   * What a KS statistic between these samples can reach by chance at the 5% level, plus the rank
   * error of both sketches: the part of D above this is the effect size.
   */
  public static double ksNoise(KllDoublesSketch current, KllDoublesSketch baseline) {
    long n = current.getN();
    long m = baseline.getN();
    if (n == 0 || m == 0) {
      return 1.0;
    }
    double sampling = KS_C_ALPHA * Math.sqrt((double) (n + m) / ((double) n * m));
    return sampling + rankError(current) + rankError(baseline);
  }

  /** The sketch's normalized rank error (single rank, 99% confidence); 0 for an exact sketch. */
  public static double rankError(KllDoublesSketch sketch) {
    // An exact sketch (every item retained) has no rank error.
    return sketch.isEstimationMode() ? sketch.getNormalizedRankError(false) : 0.0;
  }

  /** A sketch from Spark's {@code kll_sketch_agg_double} bytes, or an empty one for null. */
  public static KllDoublesSketch sketch(byte[] bytes) {
    if (bytes == null || bytes.length == 0) {
      return KllDoublesSketch.newHeapInstance();
    }
    return KllDoublesSketch.heapify(Memory.wrap(bytes));
  }

  public static KllDoublesSketch sketch(String base64) {
    return sketch(base64 == null ? null : Base64.getDecoder().decode(base64));
  }

  /** The sketch's value at a normalized rank (inclusive), or null for an empty sketch. */
  public static Double quantile(KllDoublesSketch sketch, double rank) {
    return sketch.isEmpty() ? null : sketch.getQuantile(rank, QuantileSearchCriteria.INCLUSIVE);
  }

  /** The share of the sketched values strictly below {@code x}. */
  public static double shareBelow(KllDoublesSketch sketch, double x) {
    return sketch.isEmpty() ? 0.0 : sketch.getRank(x, QuantileSearchCriteria.EXCLUSIVE);
  }
}
