package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * When a label is final: its outcome may still change until {@code horizon} after its label time (a
 * chargeback arrives weeks after the payment). A label is mature when {@code t + horizon <=
 * cutOff}, the moment the label values were observed; immature labels are excluded or flagged.
 *
 * @param horizon how long after its label time a label's value is final
 * @param cutOff when the label values were observed
 * @param action what happens to immature labels
 * @param flagColumn the boolean output column of {@link Action#FLAG}
 */
public record Maturity(Duration horizon, Instant cutOff, Action action, String flagColumn) {
  public Maturity {
    requireNonNull(horizon, "horizon is null");
    requireNonNull(cutOff, "cutOff is null");
    requireNonNull(action, "action is null");
    requireNonNull(flagColumn, "flagColumn is null");
    if (horizon.isNegative()) {
      throw new IllegalArgumentException("horizon is negative: " + horizon);
    }
  }

  /** What happens to a label whose horizon has not closed by the cut-off. */
  public enum Action {
    /** Left out of the dataset, and counted. */
    EXCLUDE,
    /** Kept, with {@code flagColumn} false (true for mature labels, null without a time). */
    FLAG
  }

  /** The latest label time, in microseconds, whose horizon closes by the cut-off. */
  public long latestMatureMicros() {
    long cut =
        Math.addExact(
            Math.multiplyExact(cutOff.getEpochSecond(), 1_000_000L), cutOff.getNano() / 1_000);
    return Math.subtractExact(cut, horizon.toNanos() / 1_000);
  }

  /** In words, for logs and reports: {@code horizon 30d, cut-off 2026-02-01T00:00:00Z}. */
  public String describe() {
    return "horizon " + Durations.format(horizon) + ", cut-off " + cutOff;
  }
}
