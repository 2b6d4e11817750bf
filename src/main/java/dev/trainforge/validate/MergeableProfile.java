package dev.trainforge.validate;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trainforge.join.MatchStatus;
import dev.trainforge.report.Profile;
import dev.trainforge.report.Profile.CategoryCount;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.Statistics;
import dev.trainforge.report.ValidationReport;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;

/**
 * A profile of some rows with the sketches it summarises ({@link Profiler.Measured#sketches}), so
 * that profiles of disjoint parts (the days of a rolling version) merge into the profile of the
 * whole without reading its rows. Stored as JSON beside the table, one per day.
 *
 * <p>What a merge gives, compared with {@link Profiler} run over the whole: every count exactly
 * (rows, statuses, hash ties, leaks, nulls, NaN, rule violations, (keys, time) distinct counts,
 * which cannot repeat across days); min and max exactly; mean and standard deviation combined
 * exactly up to floating-point rounding; quantiles and deciles from the merged KLL sketches, within
 * the sketches' rank error; distinct values from the merged HLL sketches (about 1.6%, where the
 * whole's HLL++ estimate has 5%); label ids summed over the parts (exact when an id is on one day
 * only, as ids are). Top-k categories are summed over the parts' top-k lists: exact when each part
 * listed all of its categories (booleans always do), an undercount of a category that fell out of a
 * part's top-k otherwise. The bin counts that drift compares exactly are per build and not merged
 * (drift compares a build with the previous version's build).
 *
 * @param profile the profile of the part
 * @param sketches its sketches by name ({@code staleness:<source>}, {@code distinct:<column>})
 */
public record MergeableProfile(Profile profile, Map<String, String> sketches) {
  public MergeableProfile {
    requireNonNull(profile, "profile is null");
    sketches = Map.copyOf(sketches);
  }

  public String toJson() {
    try {
      return ValidationReport.mapper().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render a profile as JSON", e);
    }
  }

  public static MergeableProfile fromJson(String json) {
    try {
      return ValidationReport.mapper().readValue(json, MergeableProfile.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a trainforge day profile: " + e.getMessage(), e);
    }
  }

  /**
   * The profile of the union of {@code parts}' rows (disjoint parts, in order: the last one's
   * schema is the whole's), keeping at most {@code topK} categories per column.
   */
  public static MergeableProfile merge(List<MergeableProfile> parts, int topK) {
    if (parts.isEmpty()) {
      throw new IllegalArgumentException("no profiles to merge");
    }
    long rows = 0;
    long ids = 0;
    long withKeysAndTime = 0;
    long keyTimes = 0;
    long nullTime = 0;
    long nullKey = 0;
    for (MergeableProfile m : parts) {
      Profile p = m.profile();
      rows += p.rows();
      ids += p.distinctLabelIds();
      withKeysAndTime += p.rowsWithKeysAndTime();
      keyTimes += p.distinctKeyTimes();
      nullTime += p.nullLabelTime();
      nullKey += p.nullLabelKey();
    }
    Map<String, String> sketches = new TreeMap<>();
    List<Profile.SourceProfile> sources = new ArrayList<>();
    for (String name : names(parts, true)) {
      sources.add(mergeSource(parts, name, rows, sketches));
    }
    List<ColumnProfile> columns = new ArrayList<>();
    for (String name : names(parts, false)) {
      columns.add(mergeColumn(parts, name, topK, sketches));
    }
    Profile whole =
        new Profile(
            rows,
            ids,
            withKeysAndTime,
            keyTimes,
            nullTime,
            nullKey,
            parts.get(parts.size() - 1).profile().schema(),
            sources,
            columns);
    return new MergeableProfile(whole, sketches);
  }

  /** Source or column names of all parts, in order of first appearance. */
  private static List<String> names(List<MergeableProfile> parts, boolean sources) {
    java.util.LinkedHashSet<String> out = new java.util.LinkedHashSet<>();
    for (MergeableProfile m : parts) {
      if (sources) {
        m.profile().sources().forEach(s -> out.add(s.source()));
      } else {
        m.profile().columns().forEach(c -> out.add(c.column()));
      }
    }
    return List.copyOf(out);
  }

  private static Profile.SourceProfile mergeSource(
      List<MergeableProfile> parts, String name, long rows, Map<String, String> sketches) {
    Map<String, Long> statuses = new LinkedHashMap<>();
    long ties = 0;
    long leakEvent = 0;
    long leakAvailable = 0;
    long leakMaxAge = 0;
    KllDoublesSketch staleness = KllDoublesSketch.newHeapInstance();
    for (MergeableProfile m : parts) {
      Profile.SourceProfile s = m.profile().source(name);
      if (s == null) {
        continue;
      }
      s.statuses().forEach((k, v) -> statuses.merge(k, v, Long::sum));
      ties += s.hashTies();
      leakEvent += s.leakEventTime();
      leakAvailable += s.leakAvailableTime();
      leakMaxAge += s.leakMaxAge();
      String sketch = m.sketches().get("staleness:" + name);
      if (sketch != null) {
        staleness.merge(Statistics.sketch(sketch));
      }
    }
    // Statuses in their declared order, as a profile lists them.
    Map<String, Long> ordered = new LinkedHashMap<>();
    for (MatchStatus s : MatchStatus.values()) {
      if (statuses.containsKey(s.name())) {
        ordered.put(s.name(), statuses.remove(s.name()));
      }
    }
    ordered.putAll(statuses);
    Map<String, Double> stale = new TreeMap<>();
    if (!staleness.isEmpty()) {
      stale.put("p50", Statistics.quantile(staleness, 0.5));
      stale.put("p95", Statistics.quantile(staleness, 0.95));
      stale.put("p99", Statistics.quantile(staleness, 0.99));
      sketches.put(
          "staleness:" + name, Base64.getEncoder().encodeToString(staleness.toByteArray()));
    }
    long matched = ordered.getOrDefault(MatchStatus.MATCHED.name(), 0L);
    return new Profile.SourceProfile(
        name,
        ordered,
        ties,
        rows == 0 ? 0.0 : (double) matched / rows,
        stale,
        leakEvent,
        leakAvailable,
        leakMaxAge);
  }

  private static ColumnProfile mergeColumn(
      List<MergeableProfile> parts, String name, int topK, Map<String, String> sketches) {
    ColumnProfile last = null;
    long nulls = 0;
    long nan = 0;
    Double min = null;
    Double max = null;
    long n = 0;
    double mean = 0;
    double m2 = 0;
    long nonNull = 0;
    Map<String, Long> violations = new TreeMap<>();
    Map<String, Long> categories = new LinkedHashMap<>();
    KllDoublesSketch values = KllDoublesSketch.newHeapInstance();
    Union distinct = new Union(Profiler.HLL_LG_K);
    boolean allDistinct = true;
    long largestDistinct = 0;
    for (MergeableProfile m : parts) {
      ColumnProfile c = m.profile().column(name);
      long partRows = m.profile().rows();
      if (c == null) {
        // A column the part did not have reads as null in the whole.
        nulls += partRows;
        continue;
      }
      last = c;
      nulls += c.nulls();
      nan += c.nanOrInf();
      nonNull += partRows - c.nulls();
      c.ruleViolations().forEach((k, v) -> violations.merge(k, v, Long::sum));
      if (c.min() != null) {
        min = min == null ? c.min() : Math.min(min, c.min());
      }
      if (c.max() != null) {
        max = max == null ? c.max() : Math.max(max, c.max());
      }
      long k = partRows - c.nulls() - c.nanOrInf();
      if (c.numeric() && k > 0 && c.mean() != null) {
        // Chan et al.: the combined mean and sum of squared deviations of two parts.
        double partM2 = c.stddev() == null || k < 2 ? 0.0 : c.stddev() * c.stddev() * (k - 1);
        double delta = c.mean() - mean;
        long total = n + k;
        mean += delta * k / total;
        m2 += partM2 + delta * delta * ((double) n * k / total);
        n = total;
      }
      if (c.sketch() != null) {
        values.merge(Statistics.sketch(c.sketch()));
      }
      c.topK().forEach(x -> categories.merge(x.value(), x.count(), Long::sum));
      largestDistinct = Math.max(largestDistinct, c.approxDistinct());
      String hll = m.sketches().get("distinct:" + name);
      if (hll != null) {
        distinct.update(HllSketch.heapify(Memory.wrap(Base64.getDecoder().decode(hll))));
      } else if (c.approxDistinct() > 0) {
        allDistinct = false;
      }
    }
    if (last == null) {
      throw new IllegalArgumentException("no part has column " + name);
    }
    long approxDistinct =
        allDistinct ? Math.round(distinct.getResult().getEstimate()) : largestDistinct;
    if (allDistinct && !distinct.isEmpty()) {
      sketches.put(
          "distinct:" + name,
          Base64.getEncoder().encodeToString(distinct.getResult().toCompactByteArray()));
    }
    if (!last.numeric() && !ColumnProfile.CATEGORICAL.equals(last.kind())) {
      return ColumnProfile.other(name, last.type(), last.kind(), nulls, violations);
    }
    if (!last.numeric()) {
      List<CategoryCount> top =
          categories.entrySet().stream()
              .map(e -> new CategoryCount(e.getKey(), e.getValue()))
              .sorted(
                  Comparator.comparingLong(CategoryCount::count)
                      .reversed()
                      .thenComparing(CategoryCount::value))
              .limit(topK)
              .toList();
      long inTop = top.stream().mapToLong(CategoryCount::count).sum();
      return ColumnProfile.categorical(
          name, last.type(), nulls, approxDistinct, top, nonNull - inTop, violations, null);
    }
    Map<String, Double> quantiles = new TreeMap<>();
    List<Double> deciles = new ArrayList<>();
    if (!values.isEmpty()) {
      for (double r : Profiler.QUANTILE_RANKS) {
        quantiles.put(String.format("p%02d", Math.round(r * 100)), Statistics.quantile(values, r));
      }
      for (double r : Profiler.DECILE_RANKS) {
        deciles.add(Statistics.quantile(values, r));
      }
    }
    return ColumnProfile.numeric(
        name,
        last.type(),
        nulls,
        nan,
        new ColumnProfile.Moments(
            min, max, n == 0 ? null : mean, n < 2 ? null : Math.sqrt(m2 / (n - 1))),
        approxDistinct,
        quantiles,
        deciles,
        values.isEmpty() ? null : Base64.getEncoder().encodeToString(values.toByteArray()),
        violations,
        null,
        null);
  }
}
