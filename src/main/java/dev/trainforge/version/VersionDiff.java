package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import dev.trainforge.report.Drift;
import dev.trainforge.report.Numbers;
import dev.trainforge.report.Profile;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.SchemaDiff;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * What changed between two versions: schema (from table metadata), row counts (from the snapshot
 * summaries), and per-column statistics and drift computed from the profiles stored in the two
 * versions' report.json, so no rows are read. Drift of {@code to} is measured against {@code from},
 * as the gate measures a new version against its baseline.
 *
 * @param table the table
 * @param from the older side
 * @param to the newer side
 * @param schema added (+), removed (-) and retyped (~) columns
 * @param rows per side, if known
 * @param stats per-column statistic lines, empty when a side has no stored profile
 * @param statsSource where the statistics come from, or why there are none
 */
public record VersionDiff(
    String table,
    VersionInfo from,
    VersionInfo to,
    List<SchemaDiff.Change> schema,
    List<StatLine> stats,
    String statsSource) {
  public VersionDiff {
    requireNonNull(table, "table is null");
    requireNonNull(from, "from is null");
    requireNonNull(to, "to is null");
    schema = List.copyOf(schema);
    stats = List.copyOf(stats);
    requireNonNull(statsSource, "statsSource is null");
  }

  /** One statistic of one column (or source) on both sides; a drift score has only the right. */
  public record StatLine(String subject, String statistic, String from, String to) {
    public StatLine {
      requireNonNull(subject, "subject is null");
      requireNonNull(statistic, "statistic is null");
      requireNonNull(from, "from is null");
      requireNonNull(to, "to is null");
    }
  }

  /**
   * Compares two versions. Costs two schema resolutions and reads the two profiles given.
   *
   * @param fromProfile the older version's stored profile, or null
   * @param toProfile the newer version's stored profile, or null
   */
  public static VersionDiff of(
      String table,
      VersionInfo from,
      StructType fromSchema,
      Profile fromProfile,
      VersionInfo to,
      StructType toSchema,
      Profile toProfile) {
    return of(table, from, fields(fromSchema), fromProfile, to, fields(toSchema), toProfile);
  }

  /**
   * Compares two versions whose columns are given as fields (name, Spark type name, nullability),
   * as {@link VersionTable#fields} reads them from table metadata.
   */
  public static VersionDiff of(
      String table,
      VersionInfo from,
      List<Profile.Field> fromSchema,
      Profile fromProfile,
      VersionInfo to,
      List<Profile.Field> toSchema,
      Profile toProfile) {
    List<StatLine> stats = new ArrayList<>();
    String source;
    if (fromProfile == null || toProfile == null) {
      source =
          "not available: "
              + (fromProfile == null ? from.tag() : to.tag())
              + " has no stored profile (its report.json is missing)";
    } else {
      source =
          "from the profiles stored in each version's report.json (no rows read); psi and ks of "
              + to.tag()
              + " against "
              + from.tag();
      for (Profile.SourceProfile s : toProfile.sources()) {
        Profile.SourceProfile old = fromProfile.source(s.source());
        stats.add(
            new StatLine(
                s.source(),
                "match-rate",
                old == null ? "-" : fmt(old.matchRate()),
                fmt(s.matchRate())));
      }
      for (ColumnProfile c : toProfile.columns()) {
        ColumnProfile old = fromProfile.column(c.column());
        if (old == null || old.numeric() != c.numeric()) {
          stats.add(new StatLine(c.column(), "kind", old == null ? "-" : old.kind(), c.kind()));
          continue;
        }
        if (c.numeric()) {
          numeric(old, c, stats);
        } else {
          categorical(old, c, stats);
        }
      }
    }
    return new VersionDiff(table, from, to, SchemaDiff.of(fromSchema, toSchema), stats, source);
  }

  /** The schema changes, by {@link SchemaDiff} as the gate's schema-change check. */
  static List<SchemaDiff.Change> schemaChanges(StructType from, StructType to) {
    return SchemaDiff.of(fields(from), fields(to));
  }

  private static List<Profile.Field> fields(StructType schema) {
    List<Profile.Field> out = new ArrayList<>();
    for (StructField f : schema.fields()) {
      out.add(new Profile.Field(f.name(), f.dataType().simpleString(), f.nullable()));
    }
    return out;
  }

  private static void numeric(ColumnProfile old, ColumnProfile c, List<StatLine> out) {
    String col = c.column();
    out.add(new StatLine(col, "nulls", String.valueOf(old.nulls()), String.valueOf(c.nulls())));
    out.add(new StatLine(col, "mean", fmt(old.mean()), fmt(c.mean())));
    out.add(new StatLine(col, "stddev", fmt(old.stddev()), fmt(c.stddev())));
    out.add(new StatLine(col, "min", fmt(old.min()), fmt(c.min())));
    // In rank order; a change within the sketches' rank error is noise, shown as "=".
    for (Drift.Quantile q : Drift.quantiles(old, c)) {
      out.add(new StatLine(col, q.name(), fmt(q.from()), q.changed() ? fmt(q.to()) : "="));
    }
    out.add(new StatLine(col, "max", fmt(old.max()), fmt(c.max())));
    // The gate's computation (Drift), on the same two stored profiles.
    Drift.Numeric d = Drift.numeric(old, c);
    if (d == null) {
      out.add(new StatLine(col, "psi", "", "- (no finite values in the older version)"));
      return;
    }
    out.add(new StatLine(col, "psi", "", fmt(d.psi()) + (d.exact() ? "" : ESTIMATED)));
    out.add(new StatLine(col, "ks", "", fmt(d.ks())));
    out.add(new StatLine(col, "ks-effect", "", fmt(d.ksEffect())));
  }

  private static void categorical(ColumnProfile old, ColumnProfile c, List<StatLine> out) {
    String col = c.column();
    out.add(new StatLine(col, "nulls", String.valueOf(old.nulls()), String.valueOf(c.nulls())));
    out.add(
        new StatLine(
            col,
            "distinct~",
            String.valueOf(old.approxDistinct()),
            String.valueOf(c.approxDistinct())));
    out.add(new StatLine(col, "top", top(old), top(c)));
    if (values(old) == 0 || values(c) == 0) {
      return;
    }
    // The gate's computation (Drift): over the older version's top-k, other and null.
    Drift.Category d = Drift.categorical(old, c);
    out.add(new StatLine(col, "psi", "", fmt(d.psi()) + (d.currentExact() ? "" : ESTIMATED)));
  }

  private static long values(ColumnProfile c) {
    return c.nulls() + c.otherCount() + c.topK().stream().mapToLong(x -> x.count()).sum();
  }

  private static String top(ColumnProfile c) {
    return c.topK().isEmpty()
        ? "-"
        : c.topK().get(0).value() + " (" + c.topK().get(0).count() + ")";
  }

  /**
   * Marks a PSI with a side estimated from a sketch or a top-k: two versions the gate never
   * compared, or a report from before exact counts were stored.
   */
  static final String ESTIMATED = " (estimated)";

  static String fmt(Double v) {
    return Numbers.stat(v, "-");
  }

  /** The diff as aligned text, one fact per line. */
  public String render() {
    StringBuilder sb = new StringBuilder();
    line(sb, "Diff of %s: %s -> %s%n", table, from.tag(), to.tag());
    String rowsFrom = from.rows().map(String::valueOf).orElse("-");
    String rowsTo = to.rows().map(String::valueOf).orElse("-");
    String delta =
        from.rows().isPresent() && to.rows().isPresent()
            ? String.format(" (%+d)", to.rows().get() - from.rows().get())
            : "";
    line(sb, "  rows     %s -> %s%s%n", rowsFrom, rowsTo, delta);
    String hashFrom = from.shortConfigHash();
    String hashTo = to.shortConfigHash();
    line(
        sb,
        "  config   %s -> %s%s%n",
        hashFrom,
        hashTo,
        hashFrom.equals(hashTo) ? " (same row definition)" : "");
    for (String change :
        dev.trainforge.config.ConfigDiff.between(
            from.property("config").orElse(null), to.property("config").orElse(null))) {
      if (!change.startsWith("version ") && !change.startsWith("name ")) {
        line(sb, "           %s%n", change);
      }
    }
    if (schema.isEmpty()) {
      line(sb, "  schema   no changes%n");
    }
    for (int i = 0; i < schema.size(); i++) {
      line(sb, "  %s %s%n", i == 0 ? "schema  " : "        ", schema.get(i).render());
    }
    line(sb, "  statistics %s%n", statsSource);
    if (!stats.isEmpty()) {
      int w = "column".length();
      int s = "statistic".length();
      int f = from.tag().length();
      for (StatLine l : stats) {
        w = Math.max(w, l.subject().length());
        s = Math.max(s, l.statistic().length());
        f = Math.max(f, l.from().length());
      }
      String format = "    %-" + w + "s  %-" + s + "s  %-" + f + "s  %s%n";
      line(sb, format, "column", "statistic", from.tag(), to.tag());
      for (StatLine l : stats) {
        line(sb, format, l.subject(), l.statistic(), l.from(), l.to());
      }
    }
    return sb.toString().lines().map(String::stripTrailing).reduce("", (a, b) -> a + b + "\n");
  }

  private static void line(StringBuilder sb, String format, Object... args) {
    sb.append(String.format(Locale.ROOT, format, args));
  }
}
