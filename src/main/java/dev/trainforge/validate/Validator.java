package dev.trainforge.validate;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.DatasetSpec;
import dev.trainforge.config.FeatureSourceSpec;
import dev.trainforge.config.Maturity;
import dev.trainforge.config.ValidationSpec;
import dev.trainforge.config.ValidationSpec.Check;
import dev.trainforge.config.ValidationSpec.ColumnRule;
import dev.trainforge.config.ValidationSpec.Limit;
import dev.trainforge.report.Bins;
import dev.trainforge.report.CheckResult;
import dev.trainforge.report.Drift;
import dev.trainforge.report.Numbers;
import dev.trainforge.report.Profile;
import dev.trainforge.report.Profile.CategoryCount;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.Profile.Field;
import dev.trainforge.report.SchemaDiff;
import dev.trainforge.report.Statistics;
import dev.trainforge.report.ValidationReport.CategoryDrift;
import dev.trainforge.report.ValidationReport.NumericDrift;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * Turns a measured version and its baseline into a verdict: every configured check, each with its
 * value, limits and definition. Pure: no Spark, no I/O.
 */
public final class Validator {
  private final DatasetSpec spec;
  private final ValidationSpec v;

  public Validator(DatasetSpec spec) {
    this.spec = requireNonNull(spec, "spec is null");
    this.v = spec.validation();
  }

  /** The results of every check, in a fixed order. */
  public record Outcome(
      List<CheckResult> checks, List<NumericDrift> numeric, List<CategoryDrift> categorical) {
    /** FAIL if any check failed, else WARN if any warned, else PASS. */
    public CheckResult.Outcome verdict() {
      if (checks.stream().anyMatch(c -> c.outcome() == CheckResult.Outcome.FAIL)) {
        return CheckResult.Outcome.FAIL;
      }
      if (checks.stream().anyMatch(c -> c.outcome() == CheckResult.Outcome.WARN)) {
        return CheckResult.Outcome.WARN;
      }
      return CheckResult.Outcome.PASS;
    }
  }

  /**
   * Checks {@code measured}.
   *
   * @param expectedRows label rows in, after the declared filters
   * @param immatureLabels labels whose maturity horizon had not closed by the cut-off
   * @param baseline the baseline's profile, or null
   */
  public Outcome validate(
      Profiler.Measured measured, long expectedRows, long immatureLabels, Profile baseline) {
    return validate(measured, expectedRows, immatureLabels, 0L, baseline, "the build has no rows");
  }

  /**
   * Checks {@code measured}.
   *
   * @param expectedRows label rows in, after the declared filters
   * @param immatureLabels labels whose maturity horizon had not closed by the cut-off
   * @param timelessOutsideWindow label rows without a time that the label window left out: they
   *     count as rows with a null label time, as they would in a build without a window
   * @param baseline the baseline's profile, or null
   * @param whyEmpty why the labels gave no row, in words, for the {@code empty-dataset} check
   */
  public Outcome validate(
      Profiler.Measured measured,
      long expectedRows,
      long immatureLabels,
      long timelessOutsideWindow,
      Profile baseline,
      String whyEmpty) {
    requireNonNull(whyEmpty, "whyEmpty is null");
    Profile p = measured.profile();
    long nullLabelTime = p.nullLabelTime() + timelessOutsideWindow;
    List<CheckResult> checks = new ArrayList<>();
    checks.addAll(schemaContract(p));
    checks.add(schemaChange(p, baseline));
    checks.add(
        count(
            Check.EMPTY_DATASET,
            "dataset",
            p.rows() == 0 ? 1 : 0,
            "1 when the version would have 0 rows",
            p.rows() == 0 ? "0 rows: " + whyEmpty : p.rows() + " rows"));
    checks.add(
        count(
            Check.ROW_CONSERVATION,
            "dataset",
            Math.abs(p.rows() - expectedRows),
            "|rows out - label rows in|",
            p.rows() + " rows out, " + expectedRows + " label rows in"));
    checks.add(
        count(
            Check.UNIQUE_LABEL_ID,
            spec.labels().idColumn(),
            p.rows() - p.distinctLabelIds(),
            "rows - distinct non-null label ids",
            (p.rows() - p.distinctLabelIds()) + " rows repeat a label id or have none"));
    checks.add(
        count(
            Check.DUPLICATE_KEY_TIME,
            "keys and label time",
            p.rowsWithKeysAndTime() - p.distinctKeyTimes(),
            "rows with all keys and a time - distinct (keys, label time)",
            (p.rowsWithKeysAndTime() - p.distinctKeyTimes())
                + " rows repeat the keys and time of another row"));
    checks.add(
        count(
            Check.NULL_LABEL_TIME,
            spec.labels().timeColumn(),
            nullLabelTime,
            "rows with a null label time",
            nullLabelTime
                + " rows have no label time"
                + (timelessOutsideWindow > 0
                    ? " (" + timelessOutsideWindow + " left out: outside the label window)"
                    : "")));
    checks.add(
        count(
            Check.NULL_LABEL_KEY,
            String.join(", ", spec.labels().keyColumns()),
            p.nullLabelKey(),
            "rows with a null entity key",
            p.nullLabelKey() + " rows have a null key"));
    spec.labels()
        .maturity()
        .ifPresent(
            m ->
                checks.add(
                    count(
                        Check.IMMATURE_LABELS,
                        spec.labels().timeColumn(),
                        immatureLabels,
                        "labels with t + horizon > cut-off (" + m.describe() + ")",
                        immatureLabels
                            + " labels not yet mature, "
                            + (m.action() == Maturity.Action.EXCLUDE
                                ? "excluded"
                                : "kept with " + m.flagColumn() + " = false"))));
    v.labelColumn()
        .map(p::column)
        .ifPresent(
            c ->
                checks.add(
                    count(
                        Check.NULL_LABEL,
                        c.column(),
                        c.nulls(),
                        "rows whose label is null",
                        c.nulls() + " of " + p.rows() + " labels are null")));
    for (FeatureSourceSpec f : spec.features()) {
      Profile.SourceProfile s = p.source(f.name());
      checks.add(
          count(
              Check.LEAKAGE,
              f.name(),
              s.leaks(),
              "matched rows breaking e <= t - g"
                  + (f.exactMatches() ? "" : " (e < t - g: exact matches excluded)")
                  + ", a <= t - g, or e >= t - M"
                  + (f.aggregations().isEmpty()
                      ? ""
                      : "; and rows whose aggregates counted a row breaking the first two"),
              s.leakEventTime()
                  + " after t - g, "
                  + s.leakAvailableTime()
                  + " known after t - g, "
                  + s.leakMaxAge()
                  + " older than the max age"));
      checks.add(
          count(
              Check.HASH_TIES,
              f.name(),
              s.hashTies(),
              "winners decided by the content hash alone, between rows with different values",
              s.hashTies() + " labels got one of several conflicting rows equal in every time"));
      checks.add(unmatchedSource(f, s));
    }
    checks.addAll(columnRules(p));
    DriftChecks drift = drift(measured, baseline);
    checks.addAll(drift.checks);
    return new Outcome(checks, drift.numeric, drift.categorical);
  }

  /**
   * 1 when a source matched no label row although some had a key and a time: all its feature
   * columns are null. Skipped when no label row could match (no rows, or every key or time null).
   */
  private CheckResult unmatchedSource(FeatureSourceSpec f, Profile.SourceProfile s) {
    String def =
        "1 when the source gives no label row a MATCHED value, although some label rows have"
            + " a key and a time";
    Map<String, Long> statuses = new java.util.TreeMap<>(s.statuses());
    long matched = statuses.getOrDefault("MATCHED", 0L);
    long couldMatch =
        statuses.entrySet().stream()
            .filter(e -> !e.getKey().equals("NULL_KEY") && !e.getKey().equals("NULL_TIME"))
            .mapToLong(Map.Entry::getValue)
            .sum();
    if (couldMatch == 0) {
      return CheckResult.skipped(
          Check.UNMATCHED_SOURCE.configName(),
          f.name(),
          def,
          "no label row has both a key and a time");
    }
    String detail;
    if (matched > 0) {
      detail = matched + " of " + couldMatch + " label rows with a key and a time matched";
    } else {
      List<String> counts = new ArrayList<>();
      statuses.forEach(
          (status, n) -> {
            if (n > 0) {
              counts.add(n + " " + status);
            }
          });
      detail =
          "no MATCHED row: source '"
              + f.name()
              + "' matched none of the "
              + couldMatch
              + " label rows with a key and a time ("
              + String.join(", ", counts)
              + "), so its columns are all null (check dataset.features."
              + f.name()
              + ".keys, max-age, serving-lag and the partitions it read)";
    }
    return count(Check.UNMATCHED_SOURCE, f.name(), matched == 0 ? 1 : 0, def, detail);
  }

  private CheckResult count(Check check, String subject, long value, String def, String detail) {
    return CheckResult.of(check.configName(), subject, value, v.limit(check), def, detail);
  }

  // ---- schema -------------------------------------------------------------------------------

  private List<CheckResult> schemaContract(Profile p) {
    List<CheckResult> out = new ArrayList<>();
    Map<String, Field> actual =
        p.schema().stream().collect(Collectors.toMap(Field::name, f -> f, (a, b) -> a));
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(v.expectedSchema()).entrySet()) {
      String declared = e.getValue().trim().toLowerCase(java.util.Locale.ROOT);
      boolean notNull = declared.endsWith(" not null");
      String type = notNull ? declared.substring(0, declared.length() - 9).trim() : declared;
      Field f = actual.get(e.getKey());
      String problem;
      if (f == null) {
        problem = "missing (the output has no column '" + e.getKey() + "')";
      } else if (!f.type().equals(type)) {
        problem = "has type " + f.type() + ", declared " + type;
      } else if (notNull && f.nullable()) {
        problem = "is nullable, declared not null";
      } else {
        problem = null;
      }
      out.add(
          count(
              Check.SCHEMA_CONTRACT,
              e.getKey(),
              problem == null ? 0 : 1,
              "1 when the column is missing or its type or nullability differs from"
                  + " validation.expected-schema",
              problem == null ? "as declared: " + e.getValue() : problem));
    }
    return out;
  }

  private CheckResult schemaChange(Profile p, Profile baseline) {
    String def = "columns added, removed or retyped since the baseline";
    if (baseline == null) {
      return CheckResult.skipped(Check.SCHEMA_CHANGE.configName(), "dataset", def, "no baseline");
    }
    List<SchemaDiff.Change> changes = SchemaDiff.of(baseline.schema(), p.schema());
    return count(Check.SCHEMA_CHANGE, "dataset", changes.size(), def, SchemaDiff.render(changes));
  }

  // ---- declared rules -----------------------------------------------------------------------

  private List<CheckResult> columnRules(Profile p) {
    List<CheckResult> out = new ArrayList<>();
    Limit limit = v.limit(Check.COLUMN_RULES);
    for (ColumnRule rule : v.columnRules()) {
      ColumnProfile c = p.column(rule.column());
      String subject = rule.column();
      String name = Check.COLUMN_RULES.configName();
      if (c == null) {
        out.add(
            CheckResult.of(
                name,
                subject,
                1,
                limit,
                "1 when a column with declared rules is not in the output",
                "the output has no column '" + rule.column() + "'"));
        continue;
      }
      Map<String, Long> vio = c.ruleViolations();
      rule.min()
          .ifPresent(
              m ->
                  out.add(
                      CheckResult.of(
                          name,
                          subject + " >= " + m,
                          vio.getOrDefault("below-min", 0L),
                          limit,
                          "values below the declared min",
                          vio.getOrDefault("below-min", 0L) + " values below " + m)));
      rule.max()
          .ifPresent(
              m ->
                  out.add(
                      CheckResult.of(
                          name,
                          subject + " <= " + m,
                          vio.getOrDefault("above-max", 0L),
                          limit,
                          "values above the declared max",
                          vio.getOrDefault("above-max", 0L) + " values above " + m)));
      if (!rule.domain().isEmpty()) {
        long outside = vio.getOrDefault("outside-domain", 0L);
        out.add(
            CheckResult.of(
                name,
                subject + " in " + rule.domain(),
                outside,
                limit,
                "non-null values outside the declared domain",
                outside + " values outside the domain"));
      }
      rule.maxNullRate()
          .ifPresent(
              m -> {
                double rate = p.rows() == 0 ? 0 : (double) vio.getOrDefault("null", 0L) / p.rows();
                // The declared rate is the limit, at the rule's severity.
                Limit rateLimit =
                    new Limit(limit.warnAbove().map(x -> m), limit.failAbove().map(x -> m));
                out.add(
                    CheckResult.of(
                        name,
                        subject + " null rate",
                        rate,
                        rateLimit,
                        "nulls / rows, against the declared max-null-rate",
                        String.format("null rate %.6f, max %s", rate, m)));
              });
    }
    return out;
  }

  // ---- drift --------------------------------------------------------------------------------

  private record DriftChecks(
      List<CheckResult> checks, List<NumericDrift> numeric, List<CategoryDrift> categorical) {}

  private DriftChecks drift(Profiler.Measured measured, Profile baseline) {
    Profile p = measured.profile();
    List<CheckResult> checks = new ArrayList<>();
    List<NumericDrift> numeric = new ArrayList<>();
    List<CategoryDrift> categorical = new ArrayList<>();
    for (ColumnProfile c : p.columns()) {
      ColumnProfile base = baseline == null ? null : baseline.column(c.column());
      if (c.numeric()) {
        numeric.add(numericDrift(c, base, measured.binCounts().get(c.column()), checks));
      } else if (ColumnProfile.CATEGORICAL.equals(c.kind())) {
        categorical.add(
            categoryDrift(c, base, measured.categoryCounts().get(c.column()), p.rows(), checks));
      }
    }
    for (FeatureSourceSpec f : spec.features()) {
      Profile.SourceProfile now = p.source(f.name());
      Profile.SourceProfile before = baseline == null ? null : baseline.source(f.name());
      String def = "baseline match rate - this match rate (MATCHED / rows), in rate points";
      if (before == null) {
        checks.add(
            CheckResult.skipped(
                Check.MATCH_RATE_DROP.configName(), f.name(), def, "no baseline for this source"));
      } else {
        checks.add(
            CheckResult.of(
                Check.MATCH_RATE_DROP.configName(),
                f.name(),
                before.matchRate() - now.matchRate(),
                v.limit(Check.MATCH_RATE_DROP),
                def,
                "match rate "
                    + Numbers.fixed(now.matchRate(), 4)
                    + ", baseline "
                    + Numbers.fixed(before.matchRate(), 4)));
      }
    }
    return new DriftChecks(checks, numeric, categorical);
  }

  private NumericDrift numericDrift(
      ColumnProfile c, ColumnProfile base, long[] counts, List<CheckResult> checks) {
    if (base == null || !base.numeric() || !Drift.numericBaseline(base)) {
      String why =
          base == null
              ? "no baseline"
              : base.numeric()
                  ? "the baseline has no values for this column"
                  : "the baseline column is not numeric";
      checks.add(
          CheckResult.skipped(Check.PSI.configName(), c.column(), Statistics.PSI_DEFINITION, why));
      checks.add(
          CheckResult.skipped(Check.KS.configName(), c.column(), Statistics.KS_DEFINITION, why));
      if (c.min() == null) {
        return new NumericDrift(
            c.column(), List.of(), null, List.of(), List.of(), null, null, null, null);
      }
      // Without a baseline, show this version on its own deciles.
      return new NumericDrift(
          c.column(),
          Bins.from(c.min(), c.max(), c.deciles()).labels(),
          null,
          boxed(Drift.ownShares(c)),
          List.of(),
          null,
          null,
          null,
          null);
    }
    // The same computation as diff's, from the two profiles alone (see Drift).
    Drift.Numeric d = Drift.numeric(base, c);
    checks.add(
        CheckResult.of(
            Check.PSI.configName(),
            c.column(),
            d.psi(),
            v.limit(Check.PSI),
            Statistics.PSI_DEFINITION
                + "; bins: under/overflow of the baseline's min/max, its distinct deciles, and"
                + " null/NaN/Inf; shares are exact counts, from the baseline's stored profile and"
                + " this version's rows (a baseline profile without counts: from its sketch)",
            "PSI "
                + Numbers.stat(d.psi())
                + " over "
                + d.bins().size()
                + " bins"
                + (d.exact() ? "" : " (baseline shares estimated from its sketch)")));
    checks.add(
        CheckResult.of(
            Check.KS.configName(),
            c.column(),
            d.ksEffect(),
            v.limit(Check.KS),
            Statistics.KS_DEFINITION,
            "D "
                + Numbers.stat(d.ks())
                + ", noise "
                + Numbers.stat(d.ksNoise())
                + ", effect "
                + Numbers.stat(d.ksEffect())));
    return new NumericDrift(
        c.column(),
        d.bins().labels(),
        boxed(d.baselineShares()),
        boxed(d.currentShares()),
        counts == null ? List.of() : Arrays.stream(counts).boxed().toList(),
        d.psi(),
        d.ks(),
        d.ksNoise(),
        d.ksEffect());
  }

  private CategoryDrift categoryDrift(
      ColumnProfile c,
      ColumnProfile base,
      Map<String, Long> baseCategoryCounts,
      long rows,
      List<CheckResult> checks) {
    String psiDef =
        Statistics.PSI_DEFINITION
            + "; bins: the baseline's top-k categories, other, and null; exact counts";
    if (base == null || base.numeric()) {
      String why = base == null ? "no baseline" : "the baseline column is not categorical";
      for (Check check :
          List.of(Check.CATEGORY_PSI, Check.NEW_CATEGORIES, Check.VANISHED_CATEGORIES)) {
        checks.add(CheckResult.skipped(check.configName(), c.column(), psiDef, why));
      }
      List<String> cats = new ArrayList<>();
      List<Double> shares = new ArrayList<>();
      for (CategoryCount cc : c.topK()) {
        cats.add(cc.value());
        shares.add(rows == 0 ? 0 : (double) cc.count() / rows);
      }
      cats.add("(other)");
      shares.add(rows == 0 ? 0 : (double) c.otherCount() / rows);
      cats.add("(null)");
      shares.add(rows == 0 ? 0 : (double) c.nulls() / rows);
      return new CategoryDrift(c.column(), cats, null, shares, null, List.of(), List.of());
    }
    // The same computation as diff's, from the two profiles alone (see Drift).
    Drift.Category d = Drift.categorical(base, c);
    checks.add(
        CheckResult.of(
            Check.CATEGORY_PSI.configName(),
            c.column(),
            d.psi(),
            v.limit(Check.CATEGORY_PSI),
            psiDef,
            "PSI " + Numbers.stat(d.psi()) + " over " + d.categories().size() + " categories"));
    Set<String> baseValues =
        base.topK().stream().map(CategoryCount::value).collect(Collectors.toSet());
    List<String> added =
        c.topK().stream().map(CategoryCount::value).filter(x -> !baseValues.contains(x)).toList();
    // Vanished is a yes/no per category: counted exactly over this version's rows when the
    // profiler counted the baseline's categories, else from the stored top-k.
    List<String> vanished = new ArrayList<>();
    for (CategoryCount b : base.topK()) {
      long now =
          baseCategoryCounts == null
              ? Drift.count(c, b.value())
              : baseCategoryCounts.getOrDefault(b.value(), 0L);
      if (b.count() > 0 && now == 0) {
        vanished.add(b.value());
      }
    }
    checks.add(
        CheckResult.of(
            Check.NEW_CATEGORIES.configName(),
            c.column(),
            added.size(),
            v.limit(Check.NEW_CATEGORIES),
            "categories in this version's top-k that are not among the baseline's top-k (new,"
                + " when the baseline had no 'other')",
            added.isEmpty() ? "none" : String.join(", ", added)));
    checks.add(
        CheckResult.of(
            Check.VANISHED_CATEGORIES.configName(),
            c.column(),
            vanished.size(),
            v.limit(Check.VANISHED_CATEGORIES),
            "baseline top-k categories with no row in this version",
            vanished.isEmpty() ? "none" : String.join(", ", vanished)));
    return new CategoryDrift(
        c.column(),
        d.categories(),
        boxed(d.baselineShares()),
        boxed(d.currentShares()),
        d.psi(),
        added,
        vanished);
  }

  private static List<Double> boxed(double[] xs) {
    return Arrays.stream(xs).boxed().toList();
  }
}
