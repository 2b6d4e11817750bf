package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import dev.trainforge.config.ValidationSpec.Check;
import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.report.ValidationReport.CategoryDrift;
import dev.trainforge.report.ValidationReport.NumericDrift;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What the first screen of report.html says: is the version OK, did anything leak, which columns
 * drifted and why, how each source's match rate moved, and which warnings are new since the
 * baseline and which recur. Built from one report and its baseline's report alone. Pure: no I/O;
 * linear in the number of checks and bins.
 *
 * @param verdict the gate's verdict
 * @param baseline the baseline's name in sentences ({@code v2}, or {@code snapshot 123}), or null
 *     when drift had no baseline
 * @param baselineChecks whether the baseline's checks were read, so that a warning can be told new
 *     or recurring; false without a baseline or when its report could not be read
 * @param counts checks per outcome
 * @param failed the failed checks
 * @param newWarnings warnings that did not fire in the baseline (every warning without its checks)
 * @param recurring warnings that also fired in the baseline (same check and subject)
 * @param leakage what the leakage audit found
 * @param measuredColumns the columns whose drift was measured (numeric and categorical)
 * @param drifted the columns with a drift check that warned or failed, the worst first
 * @param matchRates per feature source, this match rate against the baseline's
 */
public record FirstScreen(
    Outcome verdict,
    String baseline,
    boolean baselineChecks,
    java.util.Map<Outcome, Long> counts,
    List<CheckResult> failed,
    List<CheckResult> newWarnings,
    List<CheckResult> recurring,
    Leakage leakage,
    int measuredColumns,
    List<DriftedColumn> drifted,
    List<MatchRate> matchRates) {
  /** The checks that measure a column's drift; a column is drifted when one warns or fails. */
  static final Set<String> DRIFT_CHECKS =
      Set.of(
          Check.PSI.configName(),
          Check.KS.configName(),
          Check.CATEGORY_PSI.configName(),
          Check.NEW_CATEGORIES.configName(),
          Check.VANISHED_CATEGORIES.configName());

  public FirstScreen {
    requireNonNull(verdict, "verdict is null");
    counts = java.util.Map.copyOf(counts);
    failed = List.copyOf(failed);
    newWarnings = List.copyOf(newWarnings);
    recurring = List.copyOf(recurring);
    requireNonNull(leakage, "leakage is null");
    drifted = List.copyOf(drifted);
    matchRates = List.copyOf(matchRates);
  }

  /**
   * The first screen of {@code report}.
   *
   * @param baselineReport the report of {@code report}'s baseline, or null when it has none or its
   *     report could not be read (then no warning is called recurring)
   */
  public static FirstScreen of(ValidationReport report, ValidationReport baselineReport) {
    requireNonNull(report, "report is null");
    Set<String> before = new HashSet<>();
    if (baselineReport != null) {
      baselineReport.checks().stream()
          .filter(FirstScreen::flagged)
          .map(FirstScreen::key)
          .forEach(before::add);
    }
    List<CheckResult> fresh = new ArrayList<>();
    List<CheckResult> recurring = new ArrayList<>();
    for (CheckResult c : report.checks()) {
      if (c.outcome() == Outcome.WARN) {
        (before.contains(key(c)) ? recurring : fresh).add(c);
      }
    }
    java.util.Map<Outcome, Long> counts = new java.util.EnumMap<>(Outcome.class);
    for (Outcome o : Outcome.values()) {
      counts.put(o, report.count(o));
    }
    return new FirstScreen(
        report.verdict(),
        name(report.baseline()),
        baselineReport != null && report.baseline().snapshotId() != null,
        counts,
        report.checks().stream().filter(c -> c.outcome() == Outcome.FAIL).toList(),
        fresh,
        recurring,
        Leakage.of(report),
        report.numericDrift().size() + report.categoryDrift().size(),
        DriftedColumn.of(report),
        MatchRate.of(report));
  }

  /** The baseline's name in sentences, or null when there is none. */
  static String name(ValidationReport.Baseline b) {
    if (b.snapshotId() == null) {
      return null;
    }
    return b.tag() != null ? b.tag() : "snapshot " + b.snapshotId();
  }

  static boolean flagged(CheckResult c) {
    return c.outcome() == Outcome.WARN || c.outcome() == Outcome.FAIL;
  }

  private static String key(CheckResult c) {
    return c.check() + '\u0000' + c.subject();
  }

  /** The number of drifted columns of {@code report}: what the index lists per build. */
  public static int driftedColumns(ValidationReport report) {
    return (int)
        report.checks().stream()
            .filter(c -> DRIFT_CHECKS.contains(c.check()) && flagged(c))
            .map(CheckResult::subject)
            .distinct()
            .count();
  }

  /** The first screen's answer to "is it OK?", in one sentence. */
  public String answer() {
    long warned = counts.get(Outcome.WARN);
    return switch (verdict) {
      case FAIL ->
          failed.size()
              + (failed.size() == 1 ? " check" : " checks")
              + " failed: this version"
              + " is not published.";
      case WARN -> "Passes with " + warned + (warned == 1 ? " warning" : " warnings") + news();
      default ->
          "Passes: "
              + counts.get(Outcome.PASS)
              + (counts.get(Outcome.PASS) == 1 ? " check passed, " : " checks passed, ")
              + counts.get(Outcome.SKIPPED)
              + " skipped, none warned or failed.";
    };
  }

  /** What of the warnings is new since the baseline, as the end of the answer. */
  private String news() {
    if (!baselineChecks) {
      return ".";
    }
    if (newWarnings.isEmpty()) {
      return ", none new: all also fired in " + baseline + ".";
    }
    return ": "
        + newWarnings.size()
        + " new since "
        + baseline
        + ", "
        + recurring.size()
        + " recurring (also in "
        + baseline
        + ").";
  }

  /** The drift line's head: how many columns drifted, against what. */
  public String driftSummary() {
    if (baseline == null) {
      return "not measured: no baseline (a first version, or dataset.validation.baseline ="
          + " \"none\")";
    }
    if (drifted.isEmpty()) {
      return "none of " + measuredColumns + " columns drifted against " + baseline;
    }
    return drifted.size() + " of " + measuredColumns + " columns drifted against " + baseline;
  }

  /**
   * What the leakage audit found over every feature source.
   *
   * @param leaks matched rows breaking the point-in-time rules, over every source
   * @param matchedRows matched rows, over every source
   * @param sources the feature sources audited
   * @param leaking the leakage checks of the sources with leaks
   * @param gated whether the leakage check warns or fails on a leak (else it only counts)
   */
  public record Leakage(
      long leaks, long matchedRows, int sources, List<CheckResult> leaking, boolean gated) {
    public Leakage {
      leaking = List.copyOf(leaking);
    }

    static Leakage of(ValidationReport report) {
      List<CheckResult> checks =
          report.checks().stream()
              .filter(c -> c.check().equals(Check.LEAKAGE.configName()))
              .toList();
      long leaks = checks.stream().mapToLong(c -> count(c.value())).sum();
      long matched =
          report.profile().sources().stream()
              .mapToLong(s -> s.statuses().getOrDefault("MATCHED", 0L))
              .sum();
      return new Leakage(
          leaks,
          matched,
          checks.size(),
          checks.stream().filter(c -> count(c.value()) > 0).toList(),
          checks.stream().allMatch(c -> c.warnAbove() != null || c.failAbove() != null));
    }

    private static long count(Double value) {
      return value == null ? 0 : value.longValue();
    }

    /** The leakage line. */
    public String describe() {
      if (sources == 0) {
        return "nothing to audit: the dataset has no feature source";
      }
      String rules = "e <= t - g, a <= t - g, e >= t - M";
      String off = gated ? "" : " (the leakage check is off: counted, not gated)";
      if (leaks == 0) {
        return "none: 0 of "
            + matchedRows
            + " matched rows in "
            + sources
            + (sources == 1 ? " source" : " sources")
            + " break the point-in-time rules ("
            + rules
            + ")"
            + off;
      }
      List<String> parts = new ArrayList<>();
      for (CheckResult c : leaking) {
        parts.add(c.subject() + " " + count(c.value()) + " (" + c.detail() + ")");
      }
      return leaks
          + " of "
          + matchedRows
          + " matched rows break the point-in-time rules ("
          + rules
          + "): "
          + String.join("; ", parts)
          + off;
    }
  }

  /**
   * A drifted column.
   *
   * @param column its name
   * @param kind numeric or categorical
   * @param outcome its worst drift check's outcome
   * @param checks its drift checks that warned or failed
   * @param why where the drift is: the null share, the values, or both
   */
  public record DriftedColumn(
      String column, String kind, Outcome outcome, List<CheckResult> checks, Why why) {
    public DriftedColumn {
      requireNonNull(column, "column is null");
      checks = List.copyOf(checks);
    }

    static List<DriftedColumn> of(ValidationReport report) {
      List<Shares> columns = new ArrayList<>();
      report.numericDrift().forEach(d -> columns.add(Shares.of(d)));
      report.categoryDrift().forEach(d -> columns.add(Shares.of(d)));
      List<DriftedColumn> out = new ArrayList<>();
      for (Shares c : columns) {
        List<CheckResult> flagged = flaggedDrift(report, c.column());
        if (!flagged.isEmpty()) {
          Why why = c.before() == null ? null : Why.of(c, nullName(report, c), report.checks());
          out.add(new DriftedColumn(c.column(), c.kind(), worst(flagged), flagged, why));
        }
      }
      out.sort(
          Comparator.comparing((DriftedColumn c) -> c.outcome() == Outcome.FAIL ? 0 : 1)
              .thenComparing(c -> c.why() == null ? 0 : -c.why().psi()));
      return out;
    }

    /**
     * "null share", or "null/NaN/Inf share" for a numeric column with NaN or infinite values: its
     * null bin holds those too.
     */
    private static String nullName(ValidationReport report, Shares c) {
      Profile.ColumnProfile p = report.profile().column(c.column());
      return p != null && p.numeric() && p.nanOrInf() > 0 ? "null/NaN/Inf share" : "null share";
    }

    private static List<CheckResult> flaggedDrift(ValidationReport report, String column) {
      return report.checks().stream()
          .filter(c -> c.subject().equals(column) && DRIFT_CHECKS.contains(c.check()))
          .filter(FirstScreen::flagged)
          .toList();
    }

    private static Outcome worst(List<CheckResult> checks) {
      return checks.stream().anyMatch(c -> c.outcome() == Outcome.FAIL)
          ? Outcome.FAIL
          : Outcome.WARN;
    }
  }

  /**
   * A column's shares over its drift bins, numeric or categorical alike; the last bin is the null
   * bin.
   *
   * @param before the baseline's shares, or null without a baseline
   * @param ksEffect KS effect size (numeric), or null
   * @param added new categories (categorical)
   * @param vanished vanished categories (categorical)
   */
  record Shares(
      String column,
      String kind,
      List<String> bins,
      List<Double> before,
      List<Double> after,
      Double ksEffect,
      List<String> added,
      List<String> vanished) {
    static Shares of(NumericDrift d) {
      return new Shares(
          d.column(),
          "numeric",
          d.bins(),
          d.baselineShares(),
          d.currentShares(),
          d.ksEffect(),
          List.of(),
          List.of());
    }

    static Shares of(CategoryDrift d) {
      return new Shares(
          d.column(),
          "categorical",
          d.categories(),
          d.baselineShares(),
          d.currentShares(),
          null,
          d.newCategories(),
          d.vanishedCategories());
    }
  }

  /**
   * Where a column's drift is. PSI (a symmetric Kullback-Leibler divergence) splits, by the chain
   * rule, into the PSI of the null share alone (two bins: null, and not null) and a weighted sum of
   * the non-null values' own divergences. So the PSI of the null share says how much of the drift
   * the null share makes; the PSI of the non-null values alone (their shares renormalized to 1) and
   * KS (which reads only finite values) say whether the values themselves moved. The null bin holds
   * null, NaN and infinite values ({@code (null)} for categories).
   *
   * @param psi the column's PSI
   * @param nulls the null bin on both sides and the PSI of the null share alone
   * @param values the non-null values: their PSI, KS effect, biggest bin change, categories
   * @param inNullShare whether the null share makes at least half of the PSI, which warned or
   *     failed
   * @param inValues whether the values drifted: their own PSI above the check's limit, a KS or
   *     category check that warned or failed, or a PSI that is not mostly the null bin's
   */
  public record Why(
      double psi, NullShare nulls, Values values, boolean inNullShare, boolean inValues) {

    /**
     * The null bin.
     *
     * @param name "null share" or "null/NaN/Inf share"
     * @param before its baseline share
     * @param after its current share
     * @param psi the PSI of the null share alone: over the two bins null and not null
     */
    public record NullShare(String name, double before, double after, double psi) {}

    /**
     * The non-null values.
     *
     * @param psi their PSI with their shares renormalized to 1, or null when one side has none
     * @param ksEffect KS effect size (numeric), or null
     * @param bin the bin whose share of non-null values moved most, or null
     * @param binBefore its baseline share of non-null values
     * @param binAfter its current share of non-null values
     * @param added new categories
     * @param vanished vanished categories
     */
    public record Values(
        Double psi,
        Double ksEffect,
        String bin,
        double binBefore,
        double binAfter,
        List<String> added,
        List<String> vanished) {
      public Values {
        added = List.copyOf(added);
        vanished = List.copyOf(vanished);
      }
    }

    /**
     * The drift of one column from its bins (the last one the null bin) and shares on both sides.
     */
    static Why of(Shares shares, String nullName, List<CheckResult> checks) {
      String column = shares.column();
      int n = shares.bins().size() - 1;
      double[] b = shares.before().stream().mapToDouble(Double::doubleValue).toArray();
      double[] a = shares.after().stream().mapToDouble(Double::doubleValue).toArray();
      double psi = Statistics.psi(a, b);
      NullShare nulls =
          new NullShare(
              nullName,
              b[n],
              a[n],
              Statistics.psi(new double[] {a[n], 1 - a[n]}, new double[] {b[n], 1 - b[n]}));
      double[] vb = renormalized(b, n);
      double[] va = renormalized(a, n);
      Double valuesPsi = vb == null || va == null ? null : Statistics.psi(va, vb);
      int biggest = -1;
      for (int i = 0; vb != null && va != null && i < n; i++) {
        if (biggest < 0 || Math.abs(va[i] - vb[i]) > Math.abs(va[biggest] - vb[biggest])) {
          biggest = i;
        }
      }
      Values values =
          new Values(
              valuesPsi,
              shares.ksEffect(),
              biggest < 0 ? null : shares.bins().get(biggest),
              biggest < 0 ? 0 : vb[biggest],
              biggest < 0 ? 0 : va[biggest],
              shares.added(),
              shares.vanished());
      CheckResult psiCheck = check(checks, column, Check.PSI, Check.CATEGORY_PSI);
      boolean psiFlagged = psiCheck != null && flagged(psiCheck);
      boolean inNullShare = psiFlagged && nulls.psi() >= psi / 2;
      Double limit = psiCheck == null ? null : lowest(psiCheck);
      boolean otherFlagged =
          checks.stream()
              .filter(c -> c.subject().equals(column) && flagged(c))
              .anyMatch(
                  c ->
                      c.check().equals(Check.KS.configName())
                          || c.check().equals(Check.NEW_CATEGORIES.configName())
                          || c.check().equals(Check.VANISHED_CATEGORIES.configName()));
      boolean inValues =
          !inNullShare || otherFlagged || (valuesPsi != null && limit != null && valuesPsi > limit);
      return new Why(psi, nulls, values, inNullShare, inValues);
    }

    private static CheckResult check(List<CheckResult> checks, String column, Check... names) {
      for (CheckResult c : checks) {
        for (Check name : names) {
          if (c.subject().equals(column) && c.check().equals(name.configName())) {
            return c;
          }
        }
      }
      return null;
    }

    private static Double lowest(CheckResult c) {
      return c.warnAbove() != null ? c.warnAbove() : c.failAbove();
    }

    /** The first {@code n} shares scaled to sum to 1; null when they sum to 0. */
    private static double[] renormalized(double[] shares, int n) {
      double total = 0;
      for (int i = 0; i < n; i++) {
        total += shares[i];
      }
      if (total <= 0) {
        return null;
      }
      double[] out = new double[n];
      for (int i = 0; i < n; i++) {
        out[i] = shares[i] / total;
      }
      return out;
    }

    /** Where the drift is, in one sentence. */
    public String describe() {
      String move = Numbers.percent(nulls.before()) + " → " + Numbers.percent(nulls.after());
      String share =
          move + " (PSI " + Numbers.fixed(nulls.psi(), 4) + " of " + Numbers.fixed(psi, 4) + ")";
      if (inNullShare && !inValues) {
        return "in the "
            + nulls.name()
            + ": "
            + share
            + "; the non-null values are stable ("
            + valuesPsi("PSI ", " among them")
            + ksEffect()
            + ")";
      }
      String valuesPart =
          valuesPsi("PSI ", " among non-null values") + ksEffect() + biggestBin() + categories();
      if (inNullShare) {
        return "in the "
            + nulls.name()
            + " and the values: "
            + nulls.name()
            + " "
            + share
            + "; "
            + valuesPart;
      }
      return "in the values: " + valuesPart + "; " + nulls.name() + " " + move;
    }

    private String valuesPsi(String prefix, String suffix) {
      return values.psi() == null
          ? "no non-null values on one side"
          : prefix + Numbers.fixed(values.psi(), 4) + suffix;
    }

    private String ksEffect() {
      return values.ksEffect() == null ? "" : ", KS effect " + Numbers.stat(values.ksEffect());
    }

    private String biggestBin() {
      if (values.bin() == null) {
        return "";
      }
      return "; biggest change "
          + values.bin()
          + ": "
          + Numbers.percent(values.binBefore())
          + " → "
          + Numbers.percent(values.binAfter())
          + " of non-null values";
    }

    private String categories() {
      String out = "";
      if (!values.added().isEmpty()) {
        out += "; new: " + String.join(", ", values.added());
      }
      if (!values.vanished().isEmpty()) {
        out += "; vanished: " + String.join(", ", values.vanished());
      }
      return out;
    }
  }

  /**
   * A feature source's match rate against the baseline's, in both directions: the gate's {@code
   * match-rate-drop} check warns only on a drop; the report also flags a rise beyond the same
   * limit, since a source that suddenly matches more rows changed as much as one that matches
   * fewer.
   *
   * @param source the feature source
   * @param current this version's match rate
   * @param baseline the baseline's, or null without one
   * @param limit the check's lowest limit, in rate points (0..1), or null when it is off
   * @param outcome the {@code match-rate-drop} check's outcome
   */
  public record MatchRate(
      String source, double current, Double baseline, Double limit, Outcome outcome) {
    public MatchRate {
      requireNonNull(source, "source is null");
      requireNonNull(outcome, "outcome is null");
    }

    static List<MatchRate> of(ValidationReport report) {
      List<MatchRate> out = new ArrayList<>();
      for (Profile.SourceProfile s : report.profile().sources()) {
        CheckResult c =
            report.checks().stream()
                .filter(
                    x ->
                        x.check().equals(Check.MATCH_RATE_DROP.configName())
                            && x.subject().equals(s.source()))
                .findFirst()
                .orElse(null);
        // The check's value is the baseline's rate minus this one.
        Double before = c == null || c.value() == null ? null : s.matchRate() + c.value();
        Double limit = c == null ? null : c.warnAbove() != null ? c.warnAbove() : c.failAbove();
        out.add(
            new MatchRate(
                s.source(),
                s.matchRate(),
                before,
                limit,
                c == null ? Outcome.SKIPPED : c.outcome()));
      }
      return out;
    }

    /** This rate minus the baseline's, or null without a baseline. */
    public Double change() {
      return baseline == null ? null : current - baseline;
    }

    /** Whether it moved more than the limit, down (the gate's check) or up (the report's flag). */
    public boolean beyondLimit() {
      return baseline != null && limit != null && Math.abs(current - baseline) > limit;
    }

    /** {@code 41.5% → 57.8%, rose 16.2 points (beyond ±5.0)}; without a baseline {@code 57.8%}. */
    public String describe() {
      if (baseline == null) {
        return Numbers.percent(current);
      }
      double points = (current - baseline) * 100;
      String move =
          Math.abs(points) < 0.05
              ? "unchanged"
              : (points > 0 ? "rose " : "dropped ")
                  + Numbers.fixed(Math.abs(points), 1)
                  + " points";
      return Numbers.percent(baseline)
          + " → "
          + Numbers.percent(current)
          + ", "
          + move
          + (beyondLimit() ? " (beyond ±" + Numbers.fixed(limit * 100, 1) + ")" : "");
    }
  }
}
