package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import dev.trainforge.report.Profile.Field;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Columns added, removed or retyped between two schemas, by name, types compared as Spark SQL type
 * strings (nullability ignored). The one schema comparison of the gate's {@code schema-change}
 * check and of {@code diff}.
 */
public final class SchemaDiff {
  private SchemaDiff() {}

  /** One change: {@code +} added, {@code -} removed, {@code ~} type changed. */
  public record Change(String kind, String column, String fromType, String toType) {
    public static final String ADDED = "+";
    public static final String REMOVED = "-";
    public static final String RETYPED = "~";

    public Change {
      requireNonNull(kind, "kind is null");
      requireNonNull(column, "column is null");
    }

    /** {@code + name type}, {@code - name type} or {@code ~ name old -> new}. */
    public String render() {
      return switch (kind) {
        case ADDED -> "+ " + column + " " + toType;
        case REMOVED -> "- " + column + " " + fromType;
        default -> "~ " + column + " " + fromType + " -> " + toType;
      };
    }
  }

  /**
   * The changes from {@code from} to {@code to}: added and retyped columns in {@code to}'s order,
   * then removed ones in {@code from}'s order.
   */
  public static List<Change> of(List<Field> from, List<Field> to) {
    Map<String, String> old = new LinkedHashMap<>();
    from.forEach(f -> old.putIfAbsent(f.name(), f.type()));
    List<Change> out = new ArrayList<>();
    for (Field f : to) {
      if (!old.containsKey(f.name())) {
        out.add(new Change(Change.ADDED, f.name(), null, f.type()));
      } else {
        String was = old.remove(f.name());
        if (!was.equals(f.type())) {
          out.add(new Change(Change.RETYPED, f.name(), was, f.type()));
        }
      }
    }
    old.forEach((name, type) -> out.add(new Change(Change.REMOVED, name, type, null)));
    return out;
  }

  /** The changes as one line, comma-separated, or {@code no change}. */
  public static String render(List<Change> changes) {
    return changes.isEmpty()
        ? "no change"
        : String.join(", ", changes.stream().map(Change::render).toList());
  }
}
