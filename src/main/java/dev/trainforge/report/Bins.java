package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The PSI bins of a numeric column, fixed from the baseline: an underflow bin below the baseline's
 * minimum, one bin per distinct baseline decile {@code [edge, next edge)}, the last one closed at
 * the baseline's maximum, an overflow bin above it, and a bin for null, NaN and infinite values.
 *
 * @param min the baseline's smallest finite value
 * @param max the baseline's largest finite value
 * @param edges the distinct lower edges of the inner bins: min, then the deciles above it
 */
public record Bins(double min, double max, List<Double> edges) {
  public Bins {
    edges = List.copyOf(requireNonNull(edges, "edges is null"));
    if (edges.isEmpty()) {
      throw new IllegalArgumentException("bins need at least one edge");
    }
  }

  /** The bins of a baseline with a minimum, a maximum and deciles. */
  public static Bins from(double min, double max, List<Double> deciles) {
    TreeSet<Double> edges = new TreeSet<>();
    edges.add(min);
    for (double d : deciles) {
      if (d > min && d <= max) {
        edges.add(d);
      }
    }
    return new Bins(min, max, new ArrayList<>(edges));
  }

  /** Number of bins: underflow, inner bins, overflow, null. */
  public int size() {
    return edges.size() + 3;
  }

  /** A label per bin, in order. */
  public List<String> labels() {
    List<String> out = new ArrayList<>();
    out.add("< " + fmt(min));
    for (int i = 0; i < edges.size(); i++) {
      boolean last = i == edges.size() - 1;
      out.add(
          "[" + fmt(edges.get(i)) + ", " + (last ? fmt(max) + "]" : fmt(edges.get(i + 1)) + ")"));
    }
    out.add("> " + fmt(max));
    out.add("null/NaN/Inf");
    return out;
  }

  /**
   * Bin counts from cumulative counts: {@code below[i]} = finite values below {@code edges[i]},
   * {@code atMostMax} = finite values at most {@code max}, {@code finite} = all finite values.
   */
  public long[] counts(long[] below, long atMostMax, long finite, long nullish) {
    long[] out = new long[size()];
    out[0] = below[0];
    for (int i = 0; i < edges.size(); i++) {
      long upper = i == edges.size() - 1 ? atMostMax : below[i + 1];
      out[i + 1] = upper - below[i];
    }
    out[edges.size() + 1] = finite - atMostMax;
    out[edges.size() + 2] = nullish;
    return out;
  }

  /**
   * The baseline's own shares of these bins: inner bins from its sketch (within the sketch's rank
   * error), nothing under- or overflowing by construction, and its null share counted exactly.
   */
  public double[] baselineShares(KllDoublesSketch sketch, long finite, long nullish) {
    double total = finite + nullish;
    double[] out = new double[size()];
    if (total == 0) {
      return out;
    }
    double finiteShare = finite / total;
    for (int i = 0; i < edges.size(); i++) {
      double lo = Statistics.shareBelow(sketch, edges.get(i));
      double hi = i == edges.size() - 1 ? 1.0 : Statistics.shareBelow(sketch, edges.get(i + 1));
      out[i + 1] = (hi - lo) * finiteShare;
    }
    out[edges.size() + 2] = nullish / total;
    return out;
  }

  /**
   * Any column's shares of these bins, estimated from its sketch of finite values (within the
   * sketch's rank error) and its exact count of null, NaN and infinite values: what {@link Drift}
   * uses for a side whose profile stores no exact counts over these bins. For the baseline's own
   * sketch nothing falls under or over, and the shares equal {@link #baselineShares}.
   */
  public double[] shares(KllDoublesSketch sketch, long nullish) {
    double[] out = new double[size()];
    double total = (double) sketch.getN() + nullish;
    if (total == 0) {
      return out;
    }
    double finiteShare = sketch.getN() / total;
    if (!sketch.isEmpty()) {
      double atMostMax = sketch.getRank(max, QuantileSearchCriteria.INCLUSIVE);
      out[0] = Statistics.shareBelow(sketch, min) * finiteShare;
      for (int i = 0; i < edges.size(); i++) {
        double lo = Statistics.shareBelow(sketch, edges.get(i));
        double hi =
            i == edges.size() - 1 ? atMostMax : Statistics.shareBelow(sketch, edges.get(i + 1));
        out[i + 1] = (hi - lo) * finiteShare;
      }
      out[edges.size() + 1] = (1.0 - atMostMax) * finiteShare;
    }
    out[edges.size() + 2] = nullish / total;
    return out;
  }

  private static String fmt(double v) {
    return Numbers.stat(v);
  }
}
