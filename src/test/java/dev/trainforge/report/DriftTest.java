package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.trainforge.report.Profile.ColumnProfile;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/** The one drift computation, on hand-made profiles (no Spark). */
class DriftTest {
  /**
   * A numeric profile of {@code values} as the profiler writes it, with or without exact counts.
   */
  private static ColumnProfile numeric(double[] values, boolean exactCounts) {
    KllDoublesSketch s = KllDoublesSketch.newHeapInstance();
    double min = Double.POSITIVE_INFINITY;
    double max = Double.NEGATIVE_INFINITY;
    for (double v : values) {
      s.update(v);
      min = Math.min(min, v);
      max = Math.max(max, v);
    }
    // Inserted out of rank order: the profile lists them in order anyway.
    Map<String, Double> quantiles = new LinkedHashMap<>();
    for (String q : List.of("p99", "p50", "p01", "p75", "p05", "p95", "p25")) {
      quantiles.put(q, Statistics.quantile(s, Profile.rank(q)));
    }
    List<Double> deciles = new ArrayList<>();
    for (int i = 1; i <= 9; i++) {
      deciles.add(Statistics.quantile(s, i / 10.0));
    }
    Profile.BinCounts bins = null;
    if (exactCounts) {
      Bins own = Bins.from(min, max, deciles);
      long[] below = new long[own.edges().size()];
      long atMostMax = 0;
      for (double v : values) {
        for (int i = 0; i < below.length; i++) {
          below[i] += v < own.edges().get(i) ? 1 : 0;
        }
        atMostMax += v <= max ? 1 : 0;
      }
      bins = Profile.BinCounts.of(own, own.counts(below, atMostMax, values.length, 0));
    }
    return ColumnProfile.numeric(
        "x",
        "double",
        0,
        0,
        new ColumnProfile.Moments(min, max, null, null),
        0,
        quantiles,
        deciles,
        Base64.getEncoder().encodeToString(s.toByteArray()),
        null,
        bins,
        null);
  }

  private static double[] range(int from, int to) {
    double[] out = new double[to - from + 1];
    for (int i = from; i <= to; i++) {
      out[i - from] = i;
    }
    return out;
  }

  @Test
  void anIdenticalProfileHasNoDriftWithOrWithoutStoredCounts() {
    for (boolean exact : new boolean[] {true, false}) {
      // 5,000 values: the sketch is in estimation mode (its shares are estimates).
      ColumnProfile c = numeric(range(1, 5000), exact);
      assertThat(Statistics.sketch(c.sketch()).isEstimationMode()).isTrue();
      Drift.Numeric d = Drift.numeric(c, c);
      assertThat(d.exact()).isEqualTo(exact);
      assertThat(d.psi()).isEqualTo(0.0);
      assertThat(d.ks()).isEqualTo(0.0);
      assertThat(d.ksEffect()).isEqualTo(0.0);
      assertThat(Drift.quantiles(c, c)).noneMatch(Drift.Quantile::changed);
    }
  }

  @Test
  void aBaselineWithoutStoredCountsIsReadFromItsSketchAsTheGateDidBefore() {
    // A baseline from an older report (no exact counts), and a current version with them.
    ColumnProfile base = numeric(range(1, 100), false);
    ColumnProfile cur = numeric(range(51, 150), true);
    Drift.Numeric d = Drift.numeric(base, cur);
    assertThat(d.baselineExact()).isFalse();
    // 1..100 on its deciles 10 .. 90: 9, 10 x 8 and 11 values per bin, nothing outside.
    assertThat(d.baselineShares())
        .containsExactly(
            new double[] {0, 0.09, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.1, 0.11, 0, 0},
            within(1e-12));
    assertThat(d.ks()).isCloseTo(0.5, within(1e-12));
    // No exact counts of cur over base's bins are stored, and its own bins differ: its sketch
    // (exact here, 100 values) gives the shares: 51..59, 60..69, 70..79, 80..89, 90..100, and
    // 50 values above the max.
    assertThat(d.currentExact()).isFalse();
    assertThat(d.currentShares())
        .containsExactly(
            new double[] {0, 0, 0, 0, 0, 0, 0.09, 0.1, 0.1, 0.1, 0.11, 0.5, 0}, within(1e-12));
  }

  @Test
  void aQuantileChangeBeyondTheRankErrorIsAChange() {
    ColumnProfile a = numeric(range(1, 100), false);
    ColumnProfile b = numeric(range(2, 101), false);
    List<Drift.Quantile> q = Drift.quantiles(a, b);
    assertThat(q)
        .extracting(Drift.Quantile::name)
        .containsExactly("p01", "p05", "p25", "p50", "p75", "p95", "p99");
    // Exact sketches have no rank error: 50 -> 51 is a change.
    assertThat(q.get(3).from()).isEqualTo(50.0);
    assertThat(q.get(3).to()).isEqualTo(51.0);
    assertThat(q.get(3).changed()).isTrue();
  }

  @Test
  void quantilesAreInRankOrderInTheProfileAndReportHtml() {
    ColumnProfile c = numeric(range(1, 100), false);
    assertThat(c.quantiles().keySet())
        .containsExactly("p01", "p05", "p25", "p50", "p75", "p95", "p99");
    assertThat(HtmlReport.quantiles(c))
        .isEqualTo("p01 1, p05 5, p25 25, p50 50, p75 75, p95 95, p99 99");
  }

  @Test
  void categoryPsiUsesStoredExactCountsOfTheBaselinesCategories() {
    ColumnProfile base = categorical(List.of(cc("web", 50), cc("pos", 30)), 20, 0, null);
    // 'pos' fell out of the current top-1; the stored exact count says 30 rows still have it.
    ColumnProfile withCounts =
        categorical(List.of(cc("web", 50)), 50, 0, List.of(cc("web", 50), cc("pos", 30)));
    ColumnProfile topKOnly = categorical(List.of(cc("web", 50)), 50, 0, null);
    Drift.Category exact = Drift.categorical(base, withCounts);
    assertThat(exact.currentExact()).isTrue();
    assertThat(exact.psi()).isEqualTo(0.0);
    Drift.Category guessed = Drift.categorical(base, topKOnly);
    assertThat(guessed.currentExact()).isFalse();
    assertThat(guessed.currentShares()).containsExactly(0.5, 0.0, 0.5, 0.0);
  }

  private static Profile.CategoryCount cc(String value, long count) {
    return new Profile.CategoryCount(value, count);
  }

  private static ColumnProfile categorical(
      List<Profile.CategoryCount> top,
      long other,
      long nulls,
      List<Profile.CategoryCount> baselineCategories) {
    return ColumnProfile.categorical("c", "string", nulls, 0, top, other, null, baselineCategories);
  }
}
