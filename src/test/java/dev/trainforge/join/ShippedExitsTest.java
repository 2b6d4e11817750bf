package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/**
 * How much more a hot key's feature row weighs when the range partitioner places boundaries: one
 * event more per window whose exit leaves the row's partition ({@code Boundaries.shippedExits}).
 */
class ShippedExitsTest {
  private static final long HOUR = 3_600_000_000L;
  private static final long DAY = 24 * HOUR;

  @Test
  void shipsEveryExitOfWindowsLongerThanTheKeysPartitions() {
    // 10 partitions' worth of rows over 10 days: any partition of the key spans under a day
    double[] extra =
        Boundaries.shippedExits(
            0, new double[] {1000}, 10 * DAY, new long[][] {{7 * DAY, 30 * DAY}}, 100);
    assertThat(extra[0]).isEqualTo(2.0);
  }

  @Test
  void shipsFewExitsOfWindowsShorterThanTheKeysPartitions() {
    // 10 partitions' worth over 1000 days: a partition spans tens of days, a minute's exit stays
    double[] extra =
        Boundaries.shippedExits(
            0, new double[] {1000}, 1000 * DAY, new long[][] {{60_000_000L}}, 100);
    assertThat(extra[0]).isLessThan(1e-4).isPositive();
  }

  /**
   * H's shape, roughly: a 30-day exit always leaves a partition of the key, an hour's rarely. The
   * estimate settles where the key's partitions, counted with the exits they ship, span about 5
   * days: 1 + 1/120 + 1 events a row.
   */
  @Test
  void settlesWhereTheExitsAndTheKeysPartitionsAgree() {
    double[] extra =
        Boundaries.shippedExits(
            0, new double[] {1000}, 100 * DAY, new long[][] {{HOUR, 30 * DAY}}, 100);
    double partitions = 1000 * (1 + extra[0]) / 100;
    assertThat(extra[0]).isCloseTo(1 + HOUR * partitions / (100.0 * DAY), within(1e-9));
    assertThat(partitions).isCloseTo(20.08, within(0.01));
  }

  @Test
  void weighsOnlySourcesWithWindowsAndCountsLabelsOnce() {
    double[] extra =
        Boundaries.shippedExits(
            500, new double[] {1000, 1000}, DAY, new long[][] {{30 * DAY}, {}}, 100);
    assertThat(extra).containsExactly(1.0, 0.0);
  }
}
