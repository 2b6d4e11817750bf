package dev.trainforge.pipeline;

import static org.apache.spark.sql.functions.count;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.to_date;

import dev.trainforge.config.DatasetSpec;
import dev.trainforge.spark.Columns;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.text.TextFiles;
import dev.trainforge.validate.MergeableProfile;
import dev.trainforge.validate.Profiler;
import dev.trainforge.version.VersionPublisher;
import dev.trainforge.version.VersionPublisher.AuditBranch;
import dev.trainforge.version.VersionStateException;
import java.sql.Timestamp;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;

/**
 * One build of a rolling dataset ({@code dataset.retention}): which label days it computes (its
 * window, whole UTC days), which days of the head it was made on it keeps as they are, and which
 * fell out of the retention. The retention ends at the newest day the version holds, so a backfill
 * of an older window replaces exactly its days and keeps every newer one.
 *
 * <p>Costs: reading the head's list of days (one small file); no row of a kept day is read or
 * rewritten (the table is partitioned by day, so replacing and dropping days is a metadata-only
 * delete); the checksum of a one-day window comes from the validation pass, a longer window costs
 * one grouped aggregation over its own rows.
 */
final class RollingBuild {
  /** The snapshot summary key (under {@link VersionPublisher#PREFIX}) naming the days file. */
  static final String SUMMARY_KEY = "days";

  private final DatasetSpec spec;
  private final VersionPublisher publisher;
  private final AuditBranch audit;
  private final LocalDate from;
  private final LocalDate to;
  private final RollingDays previous;
  private final boolean headIsRolling;
  private final LocalDate keepFrom;

  private RollingBuild(
      DatasetSpec spec,
      VersionPublisher publisher,
      AuditBranch audit,
      RollingDays previous,
      boolean headIsRolling) {
    this.spec = spec;
    this.publisher = publisher;
    this.audit = audit;
    this.from = utcDate(spec.labels().windowStart().orElseThrow());
    this.to = utcDate(spec.labels().windowEnd().orElseThrow());
    this.previous = previous;
    this.headIsRolling = headIsRolling;
    LocalDate newest = max(previous.newest(to.minusDays(1)), to.minusDays(1));
    this.keepFrom = newest.minusDays(spec.retentionDays().orElseThrow() - 1);
  }

  /**
   * Plans the build on the head {@code audit} was made on.
   *
   * @throws VersionStateException when the window starts before the retention: its older days would
   *     be computed, then dropped
   */
  static RollingBuild plan(DatasetSpec spec, VersionPublisher publisher, AuditBranch audit) {
    String location = audit.baseSummary().get(VersionPublisher.PREFIX + SUMMARY_KEY);
    RollingDays previous = RollingDays.NONE;
    if (location != null) {
      String text = publisher.readText(location);
      if (text == null) {
        throw new VersionStateException(
            String.format(
                "Cannot build '%s' %s: the head of %s (snapshot %d) lists its days in %s, which is"
                    + " missing (restore the file, or publish a full window first)",
                spec.name(), spec.tag(), audit.table(), audit.base(), location));
      }
      previous = RollingDays.parse(text);
    }
    RollingBuild build = new RollingBuild(spec, publisher, audit, previous, location != null);
    if (build.from.isBefore(build.keepFrom)) {
      throw new VersionStateException(
          String.format(
              "Cannot build '%s' %s: the label window %s..%s starts before the retention of %d"
                  + " days ending %s, so its days before %s would be computed and dropped (set"
                  + " dataset.labels.window.start to %sT00:00:00Z or later, or widen"
                  + " dataset.retention)",
              spec.name(),
              spec.tag(),
              build.from,
              build.to.minusDays(1),
              spec.retentionDays().orElseThrow(),
              build.keepFrom.plusDays(spec.retentionDays().orElseThrow() - 1),
              build.keepFrom,
              build.keepFrom));
    }
    return build;
  }

  /** The rows of the days this build computes. */
  Column window() {
    Column t = Columns.named(spec.labels().timeColumn());
    return t.geq(lit(midnight(from))).and(t.lt(lit(midnight(to))));
  }

  /**
   * The rows of the head that this version does not keep: its window's days, the days before the
   * retention, rows without a time; everything when the head is not a rolling version.
   */
  Column replaced() {
    if (!headIsRolling) {
      return lit(true);
    }
    Column t = Columns.named(spec.labels().timeColumn());
    return window().or(t.lt(lit(midnight(keepFrom)))).or(t.isNull());
  }

  /** The version that built the day before this window, if the head holds that day. */
  Optional<String> builderOfDayBefore() {
    return Optional.ofNullable(previous.days().get(from.minusDays(1)))
        .map(RollingDays.Day::builtBy);
  }

  /** The snapshot {@code main} must still point at when this version publishes. */
  Optional<Long> base() {
    return Optional.ofNullable(audit.base());
  }

  /** Where this version's list of days goes: beside the table, named by the audit branch. */
  String daysLocation() {
    return audit.location() + "/trainforge-days/" + audit.branch() + ".json";
  }

  /**
   * Records the days of the new version: the window's days as {@code built} holds them, whose
   * checksum is {@code windowChecksum}, and the kept days of the head. Stores each new day's
   * profile beside the table (a one-day window's is {@code measured}; a longer window's days are
   * profiled one by one with {@code dayProfiler}, each pass reading its own day). Writes the list
   * beside the table and returns it.
   */
  RollingDays record(
      Dataset<Row> built, String windowChecksum, Profiler.Measured measured, Profiler dayProfiler) {
    Map<LocalDate, RollingDays.Day> days = new TreeMap<>();
    if (to.equals(from.plusDays(1))) {
      long rows = Long.parseLong(windowChecksum.substring(0, windowChecksum.indexOf(':')));
      if (rows > 0) {
        days.put(
            from,
            new RollingDays.Day(rows, windowChecksum, spec.tag(), storeProfile(from, measured)));
      }
    } else {
      String time = spec.labels().timeColumn();
      for (Map.Entry<LocalDate, String> e : dayChecksums(built, time).entrySet()) {
        String checksum = e.getValue();
        Profiler.Measured day =
            dayProfiler.profile(built.where(onDays(time, java.util.List.of(e.getKey()))));
        days.put(
            e.getKey(),
            new RollingDays.Day(
                Long.parseLong(checksum.substring(0, checksum.indexOf(':'))),
                checksum,
                spec.tag(),
                storeProfile(e.getKey(), day)));
      }
    }
    RollingDays out = previous.replace(from, to, days, keepFrom);
    publisher.writeText(daysLocation(), out.toJson());
    return out;
  }

  private String storeProfile(LocalDate day, Profiler.Measured measured) {
    String location =
        audit.location() + "/trainforge-days/" + audit.branch() + "/" + day + ".profile.json";
    publisher.writeText(location, measured.mergeable().toJson());
    return location;
  }

  /**
   * True when every day of the head that this version keeps has a stored profile (days built before
   * day profiles were stored have none), so that the version's profile can be merged.
   */
  boolean keptDaysHaveProfiles() {
    return previous.days().entrySet().stream()
        .filter(e -> !e.getKey().isBefore(keepFrom))
        .filter(e -> e.getKey().isBefore(from) || !e.getKey().isBefore(to))
        .allMatch(e -> e.getValue().profile() != null);
  }

  /**
   * The profile of the whole version, merged from the stored profiles of its {@code days}: one
   * small file read per day (through one {@code io}), no row read.
   */
  static MergeableProfile versionProfile(
      RollingDays days, org.apache.iceberg.io.FileIO io, int topK) {
    java.util.List<MergeableProfile> parts = new java.util.ArrayList<>();
    for (Map.Entry<LocalDate, RollingDays.Day> e : days.days().entrySet()) {
      String location = e.getValue().profile();
      String text = location == null ? null : TextFiles.read(io, location);
      if (text == null) {
        throw new VersionStateException(
            String.format(
                "The profile of label day %s (built by %s) is missing at %s",
                e.getKey(), e.getValue().builtBy(), location));
      }
      parts.add(MergeableProfile.fromJson(text));
    }
    return MergeableProfile.merge(parts, topK);
  }

  /** One line for the build log, before the join. */
  String describe() {
    long kept =
        previous.days().keySet().stream()
            .filter(d -> !d.isBefore(keepFrom) && (d.isBefore(from) || !d.isBefore(to)))
            .count();
    long dropped = previous.days().keySet().stream().filter(d -> d.isBefore(keepFrom)).count();
    return String.format(
        "Rolling window of %d days: computes label days %s..%s; keeps %d days of the head%s;"
            + " drops %d days before %s",
        spec.retentionDays().orElseThrow(),
        from,
        to.minusDays(1),
        kept,
        audit.base() == null ? "" : " (snapshot " + audit.base() + ")",
        dropped,
        keepFrom);
  }

  /** One line for the build log, once the days are known. */
  String describe(RollingDays days) {
    return String.format(
        "Version %s holds %d label days (%s) and %d rows",
        spec.tag(),
        days.days().size(),
        days.days().isEmpty() ? "-" : days.days().firstKey() + ".." + days.days().lastKey(),
        days.rows());
  }

  /**
   * The {@link ContentChecksum} of each UTC day of {@code rows}, by the label time column {@code
   * timeColumn}; days without rows are absent, rows without a time in none. One grouped
   * aggregation.
   */
  static Map<LocalDate, String> dayChecksums(Dataset<Row> rows, String timeColumn) {
    Column day = to_date(Columns.named(timeColumn));
    Map<LocalDate, String> out = new TreeMap<>();
    for (Row r :
        rows.where(day.isNotNull())
            .groupBy(day)
            .agg(count(lit(1)), ContentChecksum.hashSum(rows.columns()))
            .collectAsList()) {
      out.put(r.getDate(0).toLocalDate(), ContentChecksum.format(r.getLong(1), r.getDecimal(2)));
    }
    return out;
  }

  /** The rows whose label time {@code timeColumn} falls on one of {@code days} (UTC). */
  static Column onDays(String timeColumn, java.util.Collection<LocalDate> days) {
    Column t = Columns.named(timeColumn);
    Column any = lit(false);
    LocalDate runStart = null;
    LocalDate runEnd = null;
    for (LocalDate d : new java.util.TreeSet<>(days)) {
      if (runEnd != null && runEnd.equals(d)) {
        runEnd = d.plusDays(1);
        continue;
      }
      if (runStart != null) {
        any = any.or(t.geq(lit(midnight(runStart))).and(t.lt(lit(midnight(runEnd)))));
      }
      runStart = d;
      runEnd = d.plusDays(1);
    }
    if (runStart != null) {
      any = any.or(t.geq(lit(midnight(runStart))).and(t.lt(lit(midnight(runEnd)))));
    }
    return any;
  }

  private static LocalDate utcDate(java.time.Instant i) {
    return i.atOffset(ZoneOffset.UTC).toLocalDate();
  }

  private static Timestamp midnight(LocalDate d) {
    return Timestamp.from(d.atStartOfDay(ZoneOffset.UTC).toInstant());
  }

  private static LocalDate max(LocalDate a, LocalDate b) {
    return a.isAfter(b) ? a : b;
  }
}
