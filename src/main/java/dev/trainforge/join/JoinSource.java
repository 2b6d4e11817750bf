package dev.trainforge.join;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.List;
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
 */
public record JoinSource(
    String name,
    Dataset<Row> rows,
    List<String> keyColumns,
    List<String> featureColumns,
    long servingLagMicros,
    long maxAgeMicros,
    boolean exactMatches,
    boolean emitAvailableTime) {
  public JoinSource {
    requireNonNull(name, "name is null");
    requireNonNull(rows, "rows is null");
    keyColumns = List.copyOf(keyColumns);
    featureColumns = List.copyOf(featureColumns);
    if (keyColumns.isEmpty()) {
      throw new IllegalArgumentException("source '" + name + "' has no key columns");
    }
    if (featureColumns.isEmpty()) {
      throw new IllegalArgumentException("source '" + name + "' has no feature columns");
    }
    if (servingLagMicros < 0) {
      throw new IllegalArgumentException("source '" + name + "' has a negative serving lag");
    }
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

  /** The columns this source adds to every label row, in order. */
  public List<String> outputColumns() {
    List<String> out = new ArrayList<>(featureColumns);
    out.add(eventTimeColumn());
    if (emitAvailableTime) {
      out.add(availableTimeColumn());
    }
    out.add(statusColumn());
    out.add(hashTieColumn());
    return out;
  }
}
