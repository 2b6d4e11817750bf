package dev.trainforge.source;

import static java.util.Objects.requireNonNull;

import java.time.LocalDate;
import java.util.List;
import java.util.Optional;
import java.util.SortedSet;
import java.util.TreeSet;

/**
 * Which event-date partitions a build reads from one source: every date from {@code date(min t -
 * M)} (or the beginning, without a max age) through {@code date(max t - g)}, and which of those
 * exist. Every candidate of every label of the build lies in that range, so pruning never changes a
 * row. A planned date that is missing after the source's first partition is a gap.
 *
 * @param source the source's name
 * @param column the partition column
 * @param from the first planned date, if bounded
 * @param to the last planned date
 * @param existing every partition date that exists
 * @param missing planned dates that do not exist, from the first existing partition on
 */
public record PartitionPlan(
    String source,
    String column,
    Optional<LocalDate> from,
    LocalDate to,
    SortedSet<LocalDate> existing,
    List<LocalDate> missing) {
  public PartitionPlan {
    requireNonNull(source, "source is null");
    requireNonNull(column, "column is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    existing = java.util.Collections.unmodifiableSortedSet(new TreeSet<>(existing));
    missing = List.copyOf(missing);
  }

  static PartitionPlan of(
      String source,
      String column,
      Optional<LocalDate> from,
      LocalDate to,
      SortedSet<LocalDate> existing) {
    List<LocalDate> missing = new java.util.ArrayList<>();
    if (!existing.isEmpty()) {
      LocalDate first = existing.first();
      LocalDate d = from.filter(f -> f.isAfter(first)).orElse(first);
      for (; !d.isAfter(to); d = d.plusDays(1)) {
        if (!existing.contains(d)) {
          missing.add(d);
        }
      }
    }
    return new PartitionPlan(source, column, from, to, existing, missing);
  }

  /** The existing partitions inside the plan: what the build reads. */
  public SortedSet<LocalDate> read() {
    SortedSet<LocalDate> read = new TreeSet<>(existing.headSet(to.plusDays(1)));
    return from.map(f -> (SortedSet<LocalDate>) new TreeSet<>(read.tailSet(f))).orElse(read);
  }

  /** One line for the build log. */
  public String describe() {
    return String.format(
        "Feature source '%s': plans %s=%s..%s; %d partitions exist (%s..%s); reads %d; missing %d%s",
        source,
        column,
        from.map(Object::toString).orElse("*"),
        to,
        existing.size(),
        existing.isEmpty() ? "-" : existing.first(),
        existing.isEmpty() ? "-" : existing.last(),
        read().size(),
        missing.size(),
        missing.isEmpty() ? "" : " " + abbreviate(missing));
  }

  static String abbreviate(List<LocalDate> dates) {
    return dates.size() <= 5
        ? dates.toString()
        : dates.subList(0, 5).toString().replace("]", ", ... (" + dates.size() + " in all)]");
  }
}
