package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.junit.jupiter.api.Test;

/** The gate's statistics against values computed by hand. */
class StatisticsTest {
  private static KllDoublesSketch sketchOf(int from, int to) {
    KllDoublesSketch s = KllDoublesSketch.newHeapInstance();
    for (int i = from; i <= to; i++) {
      s.update(i);
    }
    return s;
  }

  @Test
  void psiOfIdenticalSharesIsZero() {
    assertThat(Statistics.psi(new double[] {0.2, 0.3, 0.5}, new double[] {0.2, 0.3, 0.5}))
        .isEqualTo(0.0);
  }

  @Test
  void psiFloorsAnEmptyBinAtEpsilon() {
    // 2 * (0.5 - 0.25) * ln 2 + (1e-4 - 0.5) * ln(1e-4 / 0.5), by hand.
    double expected = 2 * 0.25 * Math.log(2) + (1e-4 - 0.5) * Math.log(1e-4 / 0.5);
    assertThat(expected).isCloseTo(4.604318, within(1e-6));
    assertThat(Statistics.psi(new double[] {0.5, 0.5, 0}, new double[] {0.25, 0.25, 0.5}))
        .isCloseTo(expected, within(1e-12));
  }

  @Test
  void psiIsSymmetricInItsTerms() {
    double[] a = {0.1, 0.6, 0.3};
    double[] b = {0.3, 0.3, 0.4};
    assertThat(Statistics.psi(a, b)).isCloseTo(Statistics.psi(b, a), within(1e-12));
  }

  @Test
  void sharesOfNoRowsAreZero() {
    assertThat(Statistics.shares(new long[] {0, 0})).containsExactly(0.0, 0.0);
    assertThat(Statistics.shares(new long[] {1, 3})).containsExactly(0.25, 0.75);
  }

  @Test
  void ksOfHalfOverlappingRangesIsOneHalf() {
    // 1..100 against 51..150: at x = 50 one CDF is 0.5, the other 0.
    KllDoublesSketch a = sketchOf(1, 100);
    KllDoublesSketch b = sketchOf(51, 150);
    assertThat(Statistics.ks(a, b)).isCloseTo(0.5, within(1e-12));
    // Both sketches are exact (fewer items than k), so the noise is the sampling term alone.
    assertThat(Statistics.ksNoise(a, b))
        .isCloseTo(1.358 * Math.sqrt(200.0 / 10_000), within(1e-12));
    assertThat(Statistics.ks(a, sketchOf(1, 100))).isEqualTo(0.0);
  }

  @Test
  void quantilesOfAnExactSketch() {
    KllDoublesSketch s = sketchOf(1, 100);
    assertThat(Statistics.quantile(s, 0.5)).isEqualTo(50.0);
    assertThat(Statistics.quantile(s, 0.99)).isEqualTo(99.0);
    assertThat(Statistics.quantile(s, 1.0)).isEqualTo(100.0);
    assertThat(Statistics.shareBelow(s, 26)).isEqualTo(0.25);
    assertThat(Statistics.quantile(KllDoublesSketch.newHeapInstance(), 0.5)).isNull();
  }

  @Test
  void binsMergeRepeatedDecilesAndKeepUnderOverflowAndNull() {
    Bins binary = Bins.from(0, 1, List.of(0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 0.0, 1.0, 1.0));
    assertThat(binary.edges()).containsExactly(0.0, 1.0);
    assertThat(binary.labels()).containsExactly("< 0", "[0, 1)", "[1, 1]", "> 1", "null/NaN/Inf");
    // finite values: below 0: 0, below 1: 3, at most 1: 5, all 6 (one above the max); 2 nulls.
    assertThat(binary.counts(new long[] {0, 3}, 5, 6, 2)).containsExactly(0, 3, 2, 1, 2);
  }

  @Test
  void baselineSharesComeFromItsSketch() {
    KllDoublesSketch s = sketchOf(1, 100);
    Bins bins = Bins.from(1, 100, List.of(10.0, 20.0, 30.0, 40.0, 50.0, 60.0, 70.0, 80.0, 90.0));
    double[] shares = bins.baselineShares(s, 100, 0);
    assertThat(shares).hasSize(13);
    assertThat(shares[0]).isEqualTo(0.0);
    assertThat(shares[1]).isCloseTo(0.09, within(1e-12)); // [1, 10): 1..9
    assertThat(shares[2]).isCloseTo(0.10, within(1e-12)); // [10, 20)
    assertThat(shares[10]).isCloseTo(0.11, within(1e-12)); // [90, 100]
    assertThat(shares[11]).isEqualTo(0.0);
    assertThat(shares[12]).isEqualTo(0.0);
  }
}
