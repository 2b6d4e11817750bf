package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.ValidationSpec.Limit;

/**
 * One check's outcome, with its raw value and limits, passing or not.
 *
 * @param check the check's config name, e.g. {@code leakage}
 * @param subject what was checked: a source, a column, or the dataset
 * @param outcome PASS, WARN, FAIL, or SKIPPED (nothing to compare with, or turned off)
 * @param value the measured value (a count, a rate, a statistic), or null when skipped
 * @param warnAbove the value above which it warns, or null
 * @param failAbove the value above which it fails, or null
 * @param definition how the value is computed
 * @param detail what was found, in words
 */
public record CheckResult(
    String check,
    String subject,
    Outcome outcome,
    Double value,
    Double warnAbove,
    Double failAbove,
    String definition,
    String detail) {
  public CheckResult {
    requireNonNull(check, "check is null");
    requireNonNull(subject, "subject is null");
    requireNonNull(outcome, "outcome is null");
    requireNonNull(definition, "definition is null");
    requireNonNull(detail, "detail is null");
  }

  public enum Outcome {
    PASS,
    WARN,
    FAIL,
    SKIPPED
  }

  /** The result of comparing {@code value} with {@code limit}. */
  public static CheckResult of(
      String check, String subject, double value, Limit limit, String definition, String detail) {
    Outcome outcome;
    if (limit.warnAbove().isEmpty() && limit.failAbove().isEmpty()) {
      outcome = Outcome.SKIPPED;
    } else if (limit.failAbove().isPresent() && value > limit.failAbove().get()) {
      outcome = Outcome.FAIL;
    } else if (limit.warnAbove().isPresent() && value > limit.warnAbove().get()) {
      outcome = Outcome.WARN;
    } else {
      outcome = Outcome.PASS;
    }
    return new CheckResult(
        check,
        subject,
        outcome,
        value,
        limit.warnAbove().orElse(null),
        limit.failAbove().orElse(null),
        definition,
        detail);
  }

  public static CheckResult skipped(String check, String subject, String definition, String why) {
    return new CheckResult(check, subject, Outcome.SKIPPED, null, null, null, definition, why);
  }
}
