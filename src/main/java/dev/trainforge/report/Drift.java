package dev.trainforge.report;

import dev.trainforge.report.Profile.CategoryCount;
import dev.trainforge.report.Profile.ColumnProfile;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.quantilescommon.QuantileSearchCriteria;

/**
 * The drift of one column between two stored column profiles, a baseline and a current one. The one
 * implementation behind the gate's {@code psi}, {@code ks} and {@code category-psi} checks,
 * report.json/report.html and {@code diff}: given the same two profiles they print the same
 * numbers. Pure: no Spark, no I/O, nothing but the two profiles.
 *
 * <p>Numeric shares over the baseline's bins are exact counts where a profile stores them: the
 * baseline's counts in its own bins, and the current version's counts in the baseline's bins (which
 * the profiler counts when it profiles a version against that baseline, or its own bins when they
 * are the same). The same rows therefore have PSI 0 however they were partitioned, though their
 * sketches differ. A side without stored counts (a report written before they were stored, or a
 * {@code diff} of two versions the gate never compared) is estimated from its KLL sketch, within
 * its rank error, and its exact null/NaN/Inf count; {@link Numeric#exact()} says which.
 *
 * <p>Category shares use the exact counts of the baseline's categories that the current profile
 * stores when it was measured against that baseline, else its top-k counts (a category outside them
 * counts as other).
 */
public final class Drift {
  private Drift() {}

  /**
   * A numeric column's drift.
   *
   * @param bins the baseline's bins
   * @param baselineShares the baseline's share per bin
   * @param currentShares the current share per bin
   * @param psi PSI of current against baseline over the bins
   * @param ks KS D between the two sketches
   * @param ksNoise what D can reach by chance and sketch error
   * @param ksEffect {@code max(0, ks - ksNoise)}: the gate's {@code ks} value
   * @param baselineExact whether the baseline's shares are exact counts (else from its sketch)
   * @param currentExact whether the current shares are exact counts (else from its sketch)
   */
  public record Numeric(
      Bins bins,
      double[] baselineShares,
      double[] currentShares,
      double psi,
      double ks,
      double ksNoise,
      double ksEffect,
      boolean baselineExact,
      boolean currentExact) {
    /** Whether both sides' shares are exact counts, so that PSI has no sketch error. */
    public boolean exact() {
      return baselineExact && currentExact;
    }
  }

  /**
   * A categorical column's drift over the baseline's top-k categories, {@code (other)} and {@code
   * (null)}.
   *
   * @param currentExact whether the current counts of the baseline's categories are exact: stored
   *     exact counts, or every one of them in the current top-k, or a top-k without other
   */
  public record Category(
      List<String> categories,
      double[] baselineShares,
      double[] currentShares,
      double psi,
      boolean currentExact) {}

  /**
   * One quantile on both sides.
   *
   * @param name {@code p01} .. {@code p99}
   * @param rank its normalized rank
   * @param from the baseline's value, or null
   * @param to the current value, or null
   * @param changed whether the change is more than the two sketches' rank error: false when the
   *     current value lies within the baseline's quantiles at {@code rank ± error}
   */
  public record Quantile(String name, double rank, Double from, Double to, boolean changed) {}

  /** Whether {@link #numeric} has a baseline to measure against. */
  public static boolean numericBaseline(ColumnProfile baseline) {
    return baseline != null
        && baseline.numeric()
        && baseline.min() != null
        && baseline.max() != null
        && !Statistics.sketch(baseline.sketch()).isEmpty();
  }

  /**
   * The drift of {@code current} against {@code baseline}, both numeric, on the baseline's bins;
   * null when the baseline has no finite values (no bins).
   */
  public static Numeric numeric(ColumnProfile baseline, ColumnProfile current) {
    if (!numericBaseline(baseline)) {
      return null;
    }
    KllDoublesSketch base = Statistics.sketch(baseline.sketch());
    KllDoublesSketch cur = Statistics.sketch(current.sketch());
    Bins bins = Bins.from(baseline.min(), baseline.max(), baseline.deciles());
    long[] baseCounts = counts(bins, baseline.bins());
    long[] curCounts = counts(bins, current.baselineBins());
    if (curCounts == null) {
      curCounts = counts(bins, current.bins());
    }
    double[] baseShares =
        baseCounts != null
            ? Statistics.shares(baseCounts)
            : bins.shares(base, baseline.nulls() + baseline.nanOrInf());
    double[] curShares =
        curCounts != null
            ? Statistics.shares(curCounts)
            : bins.shares(cur, current.nulls() + current.nanOrInf());
    double psi = Statistics.psi(curShares, baseShares);
    double ks = Statistics.ks(cur, base);
    double noise = Statistics.ksNoise(cur, base);
    return new Numeric(
        bins,
        baseShares,
        curShares,
        psi,
        ks,
        noise,
        Math.max(0, ks - noise),
        baseCounts != null,
        curCounts != null);
  }

  private static long[] counts(Bins bins, Profile.BinCounts stored) {
    return stored == null ? null : stored.over(bins);
  }

  /** The shares of a column's own values over its own deciles: a histogram without a baseline. */
  public static double[] ownShares(ColumnProfile c) {
    Bins own = Bins.from(c.min(), c.max(), c.deciles());
    long[] counts = counts(own, c.bins());
    return counts != null
        ? Statistics.shares(counts)
        : own.shares(Statistics.sketch(c.sketch()), c.nulls() + c.nanOrInf());
  }

  /**
   * The category drift of {@code current} against {@code baseline}: over the baseline's top-k
   * categories, other and null. Without stored exact counts of the baseline's categories, a
   * category outside the current stored top-k counts as other there.
   */
  public static Category categorical(ColumnProfile baseline, ColumnProfile current) {
    List<CategoryCount> categories = baseline.topK();
    int n = categories.size();
    Map<String, Long> exact = exactCounts(baseline, current);
    long[] before = new long[n + 2];
    long[] now = new long[n + 2];
    List<String> names = new ArrayList<>();
    long found = 0;
    for (int i = 0; i < n; i++) {
      String value = categories.get(i).value();
      names.add(value);
      before[i] = categories.get(i).count();
      now[i] = exact != null ? exact.get(value) : count(current, value);
      found += now[i];
    }
    names.add("(other)");
    before[n] = baseline.otherCount();
    now[n] = nonNull(current) - found;
    names.add("(null)");
    before[n + 1] = baseline.nulls();
    now[n + 1] = current.nulls();
    double[] baseShares = Statistics.shares(before);
    double[] curShares = Statistics.shares(now);
    // Top-k counts are exact counts too: only a baseline category missing from a truncated top-k
    // (one with an 'other') is a guess.
    boolean currentExact =
        exact != null
            || current.otherCount() == 0
            || categories.stream().allMatch(c -> inTopK(current, c.value()));
    return new Category(
        names, baseShares, curShares, Statistics.psi(curShares, baseShares), currentExact);
  }

  private static boolean inTopK(ColumnProfile c, String value) {
    return c.topK().stream().anyMatch(x -> x.value().equals(value));
  }

  /** The current exact counts of every baseline category, if the current profile stores them. */
  private static Map<String, Long> exactCounts(ColumnProfile baseline, ColumnProfile current) {
    if (current.baselineCategories() == null) {
      return null;
    }
    Map<String, Long> out = new HashMap<>();
    current.baselineCategories().forEach(c -> out.put(c.value(), c.count()));
    boolean all = baseline.topK().stream().allMatch(c -> out.containsKey(c.value()));
    return all ? out : null;
  }

  /** The stored count of {@code value} in {@code c}'s top-k, 0 if it is not there. */
  public static long count(ColumnProfile c, String value) {
    return c.topK().stream().filter(x -> x.value().equals(value)).mapToLong(x -> x.count()).sum();
  }

  private static long nonNull(ColumnProfile c) {
    return c.topK().stream().mapToLong(CategoryCount::count).sum() + c.otherCount();
  }

  /**
   * The stored quantiles of both sides, in rank order, each marked changed only when the difference
   * is more than the sketches' rank error: sketch noise is not reported as a change.
   */
  public static List<Quantile> quantiles(ColumnProfile baseline, ColumnProfile current) {
    KllDoublesSketch base = Statistics.sketch(baseline.sketch());
    KllDoublesSketch cur = Statistics.sketch(current.sketch());
    double error = Statistics.rankError(base) + Statistics.rankError(cur);
    List<Quantile> out = new ArrayList<>();
    for (Map.Entry<String, Double> e : Profile.orderedQuantiles(baseline, current).entrySet()) {
      String name = e.getKey();
      double rank = e.getValue();
      Double from = baseline.quantiles().get(name);
      Double to = current.quantiles().get(name);
      out.add(new Quantile(name, rank, from, to, changed(base, from, to, rank, error)));
    }
    return out;
  }

  private static boolean changed(
      KllDoublesSketch base, Double from, Double to, double rank, double error) {
    if (from == null || to == null) {
      return from != to;
    }
    if (from.equals(to)) {
      return false;
    }
    if (base.isEmpty()) {
      return true;
    }
    // Unchanged when the baseline puts the current value at this rank, give or take the error:
    // some baseline quantile within [rank - error, rank + error] equals it.
    double below = base.getRank(to, QuantileSearchCriteria.EXCLUSIVE);
    double atOrBelow = base.getRank(to, QuantileSearchCriteria.INCLUSIVE);
    return !(below < rank + error && atOrBelow >= rank - error);
  }
}
