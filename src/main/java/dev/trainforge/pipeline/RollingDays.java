package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.spark.ContentChecksum;
import java.time.LocalDate;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * The label days that a rolling version holds ({@code dataset.retention}): for each UTC day, its
 * rows, their content checksum and the version whose build computed them (whose recorded pins and
 * config made them). A version's checksum is the sum of its days' checksums, so a daily build never
 * reads the days it keeps. Kept as a small JSON file beside the table, named in the version's
 * snapshot summary ({@code trainforge.days}).
 *
 * @param days each day held, in order
 */
public record RollingDays(SortedMap<LocalDate, Day> days) {
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * One label day.
   *
   * @param rows rows of the day
   * @param checksum their {@link ContentChecksum}
   * @param builtBy the tag of the version whose build computed them
   * @param profile where their profile ({@link dev.trainforge.validate.MergeableProfile}) is
   *     stored; null for days built before day profiles were stored
   */
  public record Day(long rows, String checksum, String builtBy, String profile) {
    public Day {
      requireNonNull(checksum, "checksum is null");
      requireNonNull(builtBy, "builtBy is null");
    }
  }

  public RollingDays {
    days = Collections.unmodifiableSortedMap(new TreeMap<>(days));
  }

  public static final RollingDays NONE = new RollingDays(new TreeMap<>());

  /** The days of {@code json}, as {@link #toJson} wrote them. */
  public static RollingDays parse(String json) {
    try {
      Map<String, Map<String, Object>> raw =
          JSON.readValue(
              json,
              new com.fasterxml.jackson.core.type.TypeReference<
                  Map<String, Map<String, Object>>>() {});
      SortedMap<LocalDate, Day> days = new TreeMap<>();
      raw.forEach(
          (day, d) ->
              days.put(
                  LocalDate.parse(day),
                  new Day(
                      ((Number) d.get("rows")).longValue(),
                      (String) d.get("checksum"),
                      (String) d.get("built-by"),
                      (String) d.get("profile"))));
      return new RollingDays(days);
    } catch (JsonProcessingException | RuntimeException e) {
      throw new IllegalStateException("Unreadable list of rolling days: " + e.getMessage(), e);
    }
  }

  /** Canonical JSON: days in order, fields sorted. */
  public String toJson() {
    Map<String, Map<String, Object>> out = new TreeMap<>();
    days.forEach(
        (day, d) -> {
          Map<String, Object> m = new TreeMap<>();
          m.put("built-by", d.builtBy());
          m.put("checksum", d.checksum());
          if (d.profile() != null) {
            m.put("profile", d.profile());
          }
          m.put("rows", d.rows());
          out.put(day.toString(), m);
        });
    try {
      return JSON.writeValueAsString(out);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * These days with {@code [from, to)} replaced by {@code built}, and none before {@code keepFrom}.
   */
  public RollingDays replace(
      LocalDate from, LocalDate to, Map<LocalDate, Day> built, LocalDate keepFrom) {
    SortedMap<LocalDate, Day> out = new TreeMap<>(days);
    out.keySet().removeIf(d -> !d.isBefore(from) && d.isBefore(to));
    out.putAll(built);
    out.keySet().removeIf(d -> d.isBefore(keepFrom));
    return new RollingDays(out);
  }

  /** The newest day held, or {@code orElse} with none. */
  public LocalDate newest(LocalDate orElse) {
    return days.isEmpty() ? orElse : days.lastKey();
  }

  public long rows() {
    return days.values().stream().mapToLong(Day::rows).sum();
  }

  /** The checksum of all the days' rows together. */
  public String checksum() {
    return ContentChecksum.combine(days.values().stream().map(Day::checksum).toList());
  }
}
