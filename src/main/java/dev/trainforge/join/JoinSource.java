package dev.trainforge.join;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One feature source as the join sees it: rows with the key columns named as on the label side,
 * {@link JoinColumns#EVENT_TIME}, {@link JoinColumns#AVAILABLE_TIME}, {@link JoinColumns#TIE_BREAK}
 * and the feature columns under their output names, plus the rule's parameters.
 *
 * @param name the source's name, prefix of its status columns
 * @param rows the normalized rows
 * @param keyColumns the label key columns this source joins on
 * @param featureColumns the feature columns, by output name
 * @param servingLagMicros {@code g}: label time minus this is the as-of instant
 * @param maxAgeMicros {@code M}, or a negative number for no limit
 * @param exactMatches whether {@code e = t - g} is a candidate
 * @param emitAvailableTime whether to output {@code <name>__available_time}
 * @param hasTieBreak false when {@link JoinColumns#TIE_BREAK} is null on every row: the join then
 *     neither reads nor shuffles it
 * @param availableShiftMicros present when {@link JoinColumns#AVAILABLE_TIME} is the event time
 *     plus this constant on every row: it then orders like the event time, and unless it is emitted
 *     the join drops it after computing visibility; the event time, then visibility minus a
 *     constant, is not shipped either: 16 bytes less per row
 * @param aggregations windowed aggregations over the source's rows, beside or instead of its
 *     latest-value columns; the columns they read are among the source's rows' columns
 */
public record JoinSource(
    String name,
    Dataset<Row> rows,
    List<String> keyColumns,
    List<String> featureColumns,
    long servingLagMicros,
    long maxAgeMicros,
    boolean exactMatches,
    boolean emitAvailableTime,
    boolean hasTieBreak,
    OptionalLong availableShiftMicros,
    List<Aggregation> aggregations) {
  /** A source without aggregations. */
  public JoinSource(
      String name,
      Dataset<Row> rows,
      List<String> keyColumns,
      List<String> featureColumns,
      long servingLagMicros,
      long maxAgeMicros,
      boolean exactMatches,
      boolean emitAvailableTime,
      boolean hasTieBreak,
      OptionalLong availableShiftMicros) {
    this(
        name,
        rows,
        keyColumns,
        featureColumns,
        servingLagMicros,
        maxAgeMicros,
        exactMatches,
        emitAvailableTime,
        hasTieBreak,
        availableShiftMicros,
        List.of());
  }

  /** A source whose tie-break and available time may be anything: the join carries both. */
  public JoinSource(
      String name,
      Dataset<Row> rows,
      List<String> keyColumns,
      List<String> featureColumns,
      long servingLagMicros,
      long maxAgeMicros,
      boolean exactMatches,
      boolean emitAvailableTime) {
    this(
        name,
        rows,
        keyColumns,
        featureColumns,
        servingLagMicros,
        maxAgeMicros,
        exactMatches,
        emitAvailableTime,
        true,
        OptionalLong.empty(),
        List.of());
  }

  public JoinSource {
    requireNonNull(name, "name is null");
    requireNonNull(rows, "rows is null");
    requireNonNull(availableShiftMicros, "availableShiftMicros is null");
    keyColumns = List.copyOf(keyColumns);
    featureColumns = List.copyOf(featureColumns);
    aggregations = List.copyOf(aggregations);
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("source '" + name + "' has no key columns");
    }
    if (featureColumns.isEmpty() && aggregations.isEmpty()) {
      throw new IllegalArgumentException(
          "source '" + name + "' has neither feature columns nor aggregations");
    }
    if (servingLagMicros < 0) {
      throw new IllegalArgumentException("source '" + name + "' has a negative serving lag");
    }
  }

  /** Whether the join's row of this source keeps the available time: emitted or not derivable. */
  boolean carriesAvailableTime() {
    return emitAvailableTime || availableShiftMicros.isEmpty();
  }

  /** Visibility minus {@code e} on every row, when the available time is a shifted event time. */
  OptionalLong visibilityShiftMicros() {
    if (availableShiftMicros.isEmpty()) {
      return OptionalLong.empty();
    }
    long exact = exactMatches ? 0 : 1;
    return OptionalLong.of(Math.max(exact, availableShiftMicros.getAsLong()) + servingLagMicros);
  }

  public String eventTimeColumn() {
    return name + "__event_time";
  }

  public String availableTimeColumn() {
    return name + "__available_time";
  }

  public String statusColumn() {
    return name + "__status";
  }

  public String hashTieColumn() {
    return name + "__hash_tie";
  }

  /** Whether the source has latest-value columns (else only aggregations). */
  public boolean hasLatestValues() {
    return !featureColumns.isEmpty();
  }

  /** The newest event time among the rows in the longest window, for the leakage audit. */
  public String windowEventTimeColumn() {
    return name + "__window_event_time";
  }

  /** The newest available time among the rows in the longest window, for the leakage audit. */
  public String windowAvailableTimeColumn() {
    return name + "__window_available_time";
  }

  /** The source columns the join ships: the latest-value columns, then those only aggregated. */
  public List<String> shippedColumns() {
    List<String> out = new ArrayList<>(featureColumns);
    for (Aggregation a : aggregations) {
      a.column().filter(c -> !out.contains(c)).ifPresent(out::add);
    }
    return out;
  }

  /**
   * The columns this source adds to every label row, in order: latest values with their event time,
   * available time (when emitted), status and hash tie; a source with aggregations only has the
   * status alone; then the aggregations and the newest times in their longest window.
   */
  public List<String> outputColumns() {
    List<String> out = new ArrayList<>(featureColumns);
    if (hasLatestValues()) {
      out.add(eventTimeColumn());
      if (emitAvailableTime) {
        out.add(availableTimeColumn());
      }
    }
    out.add(statusColumn());
    if (hasLatestValues()) {
      out.add(hashTieColumn());
    }
    if (!aggregations.isEmpty()) {
      aggregations.forEach(a -> out.add(a.name()));
      out.add(windowEventTimeColumn());
      out.add(windowAvailableTimeColumn());
    }
    return out;
  }
}
