package dev.trainforge.config;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The label table: one row per prediction event.
 *
 * @param source where it is read from
 * @param idColumn a stable, unique id per row
 * @param timeColumn the label (prediction) time
 * @param timeParsing how a text time column is parsed
 * @param keyColumns entity keys that feature sources join on
 * @param labelColumns label and pass-through columns copied to the output
 * @param windowStart inclusive lower bound of the label time, if any
 * @param windowEnd exclusive upper bound of the label time, if any
 * @param nullRows what happens to rows with a null time or key
 * @param maturity when labels are final, if a horizon is configured
 */
public record LabelSpec(
    SourceLocation source,
    String idColumn,
    String timeColumn,
    TimeParsing timeParsing,
    List<String> keyColumns,
    List<String> labelColumns,
    Optional<Instant> windowStart,
    Optional<Instant> windowEnd,
    NullRows nullRows,
    Optional<Maturity> maturity) {
  public LabelSpec {
    requireNonNull(source, "source is null");
    requireNonNull(idColumn, "idColumn is null");
    requireNonNull(timeColumn, "timeColumn is null");
    requireNonNull(timeParsing, "timeParsing is null");
    keyColumns = List.copyOf(keyColumns);
    labelColumns = List.copyOf(labelColumns);
    requireNonNull(windowStart, "windowStart is null");
    requireNonNull(windowEnd, "windowEnd is null");
    requireNonNull(nullRows, "nullRows is null");
    requireNonNull(maturity, "maturity is null");
  }

  /** The column that flags immature labels, when they are flagged rather than excluded. */
  public Optional<String> maturityFlagColumn() {
    return maturity.filter(m -> m.action() == Maturity.Action.FLAG).map(Maturity::flagColumn);
  }

  /** The label-side columns read from the label table: id, time, keys, label columns. */
  public List<String> inputColumns() {
    List<String> cols = new ArrayList<>();
    for (String c : concat(List.of(idColumn, timeColumn), keyColumns, labelColumns)) {
      if (!cols.contains(c)) {
        cols.add(c);
      }
    }
    return List.copyOf(cols);
  }

  /** The label-side columns of the output, in output order: the input columns, then the flag. */
  public List<String> outputColumns() {
    List<String> cols = new ArrayList<>(inputColumns());
    maturityFlagColumn().ifPresent(cols::add);
    return List.copyOf(cols);
  }

  @SafeVarargs
  private static List<String> concat(List<String>... lists) {
    List<String> all = new ArrayList<>();
    for (List<String> l : lists) {
      all.addAll(l);
    }
    return all;
  }
}
