package dev.trainforge.config;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * {@code dataset.labels}: the label table, its window, what happens to rows without a time or key,
 * and label maturity.
 */
final class LabelsReader {
  private static final String P = "dataset.labels.";

  private LabelsReader() {}

  static LabelSpec read(ConfigReader r) {
    SourceLocation source = SourceBlockReader.location(r, "dataset.labels");
    String id = r.requiredString(P + "id-column", "the label table's unique row id column");
    String time = r.requiredString(P + "time-column", "the label (prediction) time column");
    List<String> keys = r.stringList(P + "key-columns");
    List<String> labelColumns = r.stringList(P + "label-columns");
    Optional<Instant> start = r.optionalInstant(P + "window.start");
    Optional<Instant> end = r.optionalInstant(P + "window.end");
    if (start.isPresent() && end.isPresent() && !start.get().isBefore(end.get())) {
      r.problem(
          P + "window.end",
          "label window is empty: start " + start.get() + " is not before end " + end.get(),
          "the window is [start, end)");
    }
    return new LabelSpec(
        source,
        id == null ? "?" : id,
        time == null ? "?" : time,
        SourceBlockReader.timeParsing(r, "dataset.labels"),
        keys,
        labelColumns,
        start,
        end,
        r.enumValue(P + "null-rows", NullRows.class),
        maturity(r, end));
  }

  /** {@code dataset.labels.maturity}: empty without a horizon. */
  private static Optional<Maturity> maturity(ConfigReader r, Optional<Instant> windowEnd) {
    String p = P + "maturity.";
    Optional<Duration> horizon = r.optionalDuration(p + "horizon");
    Optional<String> cutOff = r.optionalString(p + "cut-off");
    Maturity.Action action = r.enumValue(p + "action", Maturity.Action.class);
    String flagColumn = r.string(p + "flag-column");
    if (horizon.isEmpty()) {
      return Optional.empty();
    }
    if (horizon.get().isNegative()) {
      r.problem(
          p + "horizon",
          Problem.key(p + "horizon")
              + " has value "
              + r.written(p + "horizon")
              + " which is negative",
          "write e.g. 30d, or null for labels final at once");
      return Optional.empty();
    }
    Optional<Instant> at;
    if (cutOff.isEmpty()) {
      r.problem(
          p + "cut-off",
          Problem.key(p + "cut-off") + " is not set but " + p + "horizon is",
          "set it to when the labels were observed, e.g. \"2026-02-01T00:00:00Z\", or to"
              + " \"window-end\"");
      return Optional.empty();
    } else if (cutOff.get().equals("window-end")) {
      if (windowEnd.isEmpty()) {
        r.problem(
            p + "cut-off",
            Problem.key(p + "cut-off")
                + " is 'window-end' but dataset.labels.window.end is not set",
            "set the window end, or an ISO-8601 cut-off instant");
      }
      at = windowEnd;
    } else {
      at = r.optionalInstant(p + "cut-off");
    }
    return at.map(c -> new Maturity(horizon.get(), c, action, flagColumn));
  }
}
