package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A feature source: an append-only log of feature values, joined as of each label's time.
 *
 * @param name the source's name, the prefix of its output columns
 * @param source where it is read from
 * @param keys its key columns and the label columns they equal, ordered by label column
 * @param eventTimeColumn when a value is valid from
 * @param availableTimeColumn when a value became known, if a column says so
 * @param availableDelay otherwise, a constant delay after the event time (zero: known at once)
 * @param tieBreakColumn orders rows of equal event and available time, if any
 * @param columns the feature columns to attach
 * @param rename output names that replace {@code <source>__<column>}
 * @param maxAge how stale a value may be and still be used, if limited
 * @param servingLag how long after it becomes known a value can be served
 * @param exactMatches whether a value with event time equal to the label time is used
 * @param partitionColumn the column holding the UTC date of the event time, if any
 * @param allowPartitionGaps whether a missing date inside the planned partitions is allowed
 * @param timeParsing how text time columns are parsed
 * @param aggregations windowed aggregations, by output name, beside or instead of {@code columns}
 */
public record FeatureSourceSpec(
    String name,
    SourceLocation source,
    List<KeyMapping> keys,
    String eventTimeColumn,
    Optional<String> availableTimeColumn,
    Duration availableDelay,
    Optional<String> tieBreakColumn,
    List<String> columns,
    Map<String, String> rename,
    Optional<Duration> maxAge,
    Duration servingLag,
    boolean exactMatches,
    Optional<String> partitionColumn,
    boolean allowPartitionGaps,
    TimeParsing timeParsing,
    List<AggregationSpec> aggregations) {
  public FeatureSourceSpec {
    requireNonNull(name, "name is null");
    requireNonNull(source, "source is null");
    keys = List.copyOf(keys);
    requireNonNull(eventTimeColumn, "eventTimeColumn is null");
    requireNonNull(availableTimeColumn, "availableTimeColumn is null");
    requireNonNull(availableDelay, "availableDelay is null");
    requireNonNull(tieBreakColumn, "tieBreakColumn is null");
    columns = List.copyOf(columns);
    rename = Map.copyOf(rename);
    requireNonNull(maxAge, "maxAge is null");
    requireNonNull(servingLag, "servingLag is null");
    requireNonNull(partitionColumn, "partitionColumn is null");
    requireNonNull(timeParsing, "timeParsing is null");
    aggregations = List.copyOf(aggregations);
  }

  /** Whether the source attaches latest values (else only aggregations). */
  public boolean hasLatestValues() {
    return !columns.isEmpty();
  }

  /** The longest aggregation window, if the source aggregates. */
  public Optional<Duration> longestWindow() {
    return aggregations.stream().map(AggregationSpec::window).max(Duration::compareTo);
  }

  /** The newest event time among the rows in the longest window (for the leakage audit). */
  public String windowEventTimeOutput() {
    return name + "__window_event_time";
  }

  /** The newest available time among the rows in the longest window (for the leakage audit). */
  public String windowAvailableTimeOutput() {
    return name + "__window_available_time";
  }

  /** The label columns this source joins on, in a fixed order. */
  public List<String> labelKeyColumns() {
    return keys.stream().map(KeyMapping::labelColumn).toList();
  }

  /** The output name of a feature column. */
  public String outputName(String column) {
    return rename.getOrDefault(column, name + "__" + column);
  }

  public String eventTimeOutput() {
    return name + "__event_time";
  }

  public String availableTimeOutput() {
    return name + "__available_time";
  }

  public String statusOutput() {
    return name + "__status";
  }

  public String hashTieOutput() {
    return name + "__hash_tie";
  }

  /** Whether the available time can differ from the event time. */
  public boolean hasAvailableTime() {
    return availableTimeColumn.isPresent() || !availableDelay.isZero();
  }

  /** Every output column this source adds, in output order. */
  public List<String> outputColumns() {
    java.util.ArrayList<String> out = new java.util.ArrayList<>();
    for (String c : columns) {
      out.add(outputName(c));
    }
    if (hasLatestValues()) {
      out.add(eventTimeOutput());
      if (hasAvailableTime()) {
        out.add(availableTimeOutput());
      }
    }
    out.add(statusOutput());
    if (hasLatestValues()) {
      out.add(hashTieOutput());
    }
    if (!aggregations.isEmpty()) {
      aggregations.forEach(a -> out.add(a.name()));
      out.add(windowEventTimeOutput());
      out.add(windowAvailableTimeOutput());
    }
    return List.copyOf(out);
  }
}
