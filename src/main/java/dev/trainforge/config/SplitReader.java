package dev.trainforge.config;

import java.math.BigDecimal;
import java.math.MathContext;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * {@code dataset.split}: none while {@code by} is null; by time against cut-offs, or by a hash of a
 * group key with a seed and fractions. Keys of the other kind are refused, so that a split never
 * silently ignores what the user wrote.
 */
final class SplitReader {
  private static final String P = "dataset.split.";
  private static final List<String> TIME_KEYS = List.of(P + "train-until", P + "validation-until");
  private static final List<String> HASH_KEYS = List.of(P + "group-key");
  private static final List<String> NAMES =
      List.of(SplitSpec.TRAIN, SplitSpec.VALIDATION, SplitSpec.TEST);

  private SplitReader() {}

  static Optional<SplitSpec> read(ConfigReader r, LabelSpec labels) {
    int problemsBefore = r.problems().size();
    Optional<SplitSpec.By> by = r.optionalEnum(P + "by", SplitSpec.By.class);
    if (r.problems().size() > problemsBefore) {
      return Optional.empty(); // an unknown 'by', already reported
    }
    if (by.isEmpty()) {
      for (String key : concat(TIME_KEYS, HASH_KEYS)) {
        if (r.isSet(key)) {
          r.problem(
              key,
              Problem.key(key) + " is set but dataset.split.by is null",
              "set dataset.split.by = time or hash");
        }
      }
      return Optional.empty();
    }
    for (String key : by.get() == SplitSpec.By.TIME ? HASH_KEYS : TIME_KEYS) {
      if (r.isSet(key)) {
        r.problem(
            key,
            Problem.key(key) + " is set but dataset.split.by is " + ConfigReader.spelling(by.get()),
            "remove it, or change dataset.split.by");
      }
    }
    String column = r.string(P + "column");
    Optional<Instant> trainUntil = r.optionalInstant(P + "train-until");
    Optional<Instant> validationUntil = r.optionalInstant(P + "validation-until");
    Optional<String> groupKey = r.optionalString(P + "group-key");
    if (by.get() == SplitSpec.By.TIME) {
      checkCutOffs(r, trainUntil, validationUntil);
    } else {
      checkGroupKey(r, groupKey, labels);
    }
    double[] fractions = fractions(r, by.get());
    return Optional.of(
        new SplitSpec(
            by.get(),
            column,
            trainUntil,
            validationUntil,
            groupKey,
            r.integer(P + "seed"),
            fractions[0],
            fractions[1],
            fractions[2]));
  }

  private static void checkCutOffs(
      ConfigReader r, Optional<Instant> trainUntil, Optional<Instant> validationUntil) {
    if (trainUntil.isEmpty() && !r.isSet(P + "train-until")) {
      r.problem(
          P + "by",
          "missing required " + Problem.key(P + "train-until"),
          "by = time needs the end of train, an ISO-8601 instant such as"
              + " \"2026-01-20T00:00:00Z\"");
    }
    if (trainUntil.isPresent()
        && validationUntil.isPresent()
        && !trainUntil.get().isBefore(validationUntil.get())) {
      r.problem(
          P + "validation-until",
          "split cut-offs are out of order: validation-until "
              + validationUntil.get()
              + " is not after train-until "
              + trainUntil.get(),
          "train is t < train-until, validation is train-until <= t < validation-until");
    }
  }

  private static void checkGroupKey(ConfigReader r, Optional<String> groupKey, LabelSpec labels) {
    if (groupKey.isEmpty()) {
      r.problem(
          P + "by",
          "missing required " + Problem.key(P + "group-key"),
          "by = hash needs the label column whose rows share a split, e.g. user_id");
    } else if (!labels.outputColumns().contains(groupKey.get())) {
      r.problem(
          P + "group-key",
          Problem.key(P + "group-key")
              + " names '"
              + groupKey.get()
              + "', which is not a label column of the output "
              + labels.outputColumns(),
          "add it to dataset.labels.key-columns or label-columns");
    }
  }

  /**
   * Train, validation and test shares. A fraction set to null is 0 (that split gets no rows). By
   * hash they must sum to 1.
   */
  private static double[] fractions(ConfigReader r, SplitSpec.By by) {
    double[] fractions = new double[3];
    for (int i = 0; i < 3; i++) {
      String key = P + "fractions." + NAMES.get(i);
      fractions[i] = r.optionalDouble(key).orElse(0.0);
      if (fractions[i] < 0 || fractions[i] > 1) {
        r.problem(key, Problem.key(key) + " is " + fractions[i], "use a share between 0 and 1");
      }
    }
    double sum = fractions[0] + fractions[1] + fractions[2];
    if (by == SplitSpec.By.HASH && Math.abs(sum - 1.0) > 1e-9) {
      // Point at a fraction the user set, not at the merged object or the defaults.
      String where =
          NAMES.stream()
              .map(n -> r.where(P + "fractions." + n))
              .filter(w -> !w.endsWith("(" + ConfigReader.DEFAULT + ")"))
              .findFirst()
              .orElse(r.file());
      r.problem(
          Problem.of(
              where,
              "dataset.split.fractions sum to "
                  + new BigDecimal(sum)
                      .round(new MathContext(6))
                      .stripTrailingZeros()
                      .toPlainString()
                  + ", not 1",
              "train "
                  + fractions[0]
                  + " + validation "
                  + fractions[1]
                  + " + test "
                  + fractions[2]));
    }
    return fractions;
  }

  private static List<String> concat(List<String> a, List<String> b) {
    List<String> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }
}
