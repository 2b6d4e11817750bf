package dev.trainforge.report;

import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.report.Profile.CategoryCount;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.Profile.SourceProfile;
import dev.trainforge.report.ValidationReport.Baseline;
import dev.trainforge.report.ValidationReport.CategoryDrift;
import dev.trainforge.report.ValidationReport.NumericDrift;
import dev.trainforge.spark.BuildCost;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Hand-built reports of a small dataset, as the gate writes them: version 1 without a baseline and
 * version 2 against it, in which {@code amount}'s values moved, {@code recent_failed_logins} and
 * {@code new_device} lost nulls (their source matched more rows) and one source matched fewer.
 * Every share and rate is chosen so that the expected sentences can be worked out by hand.
 */
final class SampleReports {
  static final String DATASET = "card_fraud";
  static final List<String> NUMERIC_BINS = List.of("< 0", "[0, 10)", "[10, 20]", "> 20");

  private SampleReports() {}

  /** Version 1: no baseline; two warnings that recur in version 2, one that does not. */
  static ValidationReport v1() {
    List<CheckResult> checks = new ArrayList<>();
    checks.add(count("null-label-key", "user_id, merchant_id", 56, "56 rows have a null key"));
    checks.add(count("hash-ties", "merchant_risk", 312, "312 labels got one of several ties"));
    checks.add(count("duplicate-key-time", "keys and label time", 4, "4 rows repeat"));
    leakage(checks, 0);
    for (String s : List.of("merchant_risk", "user_auth", "user_profile")) {
      checks.add(CheckResult.skipped("match-rate-drop", s, "drop", "no baseline for this source"));
    }
    return report(
        "1",
        Baseline.NONE,
        "2026-12-01T09:00:00Z",
        checks,
        sources(0.99, 0.42, 0),
        List.of(),
        List.of());
  }

  /** Version 2 against version 1. */
  static ValidationReport v2() {
    return v2(0, "/reports/card_fraud/audit_v1/report.json");
  }

  /**
   * Version 2 against version 1.
   *
   * @param leaks rows of user_auth that leak
   * @param baselineReport where version 1's report.json is
   */
  static ValidationReport v2(long leaks, String baselineReport) {
    List<CheckResult> checks = new ArrayList<>();
    checks.add(count("null-label-key", "user_id, merchant_id", 56, "56 rows have a null key"));
    checks.add(count("hash-ties", "merchant_risk", 312, "312 labels got one of several ties"));
    checks.add(count("duplicate-key-time", "keys and label time", 0, "0 rows repeat"));
    leakage(checks, leaks);
    checks.add(metric("psi", "amount", 0.18625092503649043, "PSI 0.1863 over 7 bins"));
    checks.add(metric("ks", "amount", 0.15, "D 0.2, noise 0.05, effect 0.15"));
    checks.add(metric("psi", "recent_failed_logins", 0.16218604324326574, "PSI 0.1622"));
    checks.add(metric("ks", "recent_failed_logins", 0.0, "D 0.01, noise 0.02, effect 0"));
    checks.add(metric("category-psi", "new_device", 0.13108293006681881, "PSI 0.1311"));
    checks.add(count("new-categories", "new_device", 0, "none"));
    checks.add(count("vanished-categories", "new_device", 0, "none"));
    checks.add(metric("match-rate-drop", "merchant_risk", 0.99 - 0.90, "match rate 0.9000"));
    checks.add(metric("match-rate-drop", "user_auth", 0.42 - 0.58, "match rate 0.5800"));
    checks.add(metric("match-rate-drop", "user_profile", 0.0, "match rate 0.8564"));
    List<NumericDrift> numeric =
        List.of(
            numeric(
                "amount",
                List.of(0.1, 0.4, 0.4, 0.1, 0.0),
                List.of(0.05, 0.25, 0.6, 0.1, 0.0),
                0.18625092503649043,
                0.15),
            numeric(
                "recent_failed_logins",
                List.of(0.0, 0.25, 0.15, 0.0, 0.6),
                List.of(0.0, 0.375, 0.225, 0.0, 0.4),
                0.16218604324326574,
                0.0),
            numeric(
                "txn_count_7d",
                List.of(0.2, 0.3, 0.3, 0.2, 0.0),
                List.of(0.2, 0.3, 0.3, 0.2, 0.0),
                0.0,
                0.0));
    List<CategoryDrift> categorical =
        List.of(
            new CategoryDrift(
                "new_device",
                List.of("false", "true", "(other)", "(null)"),
                List.of(0.36, 0.04, 0.0, 0.6),
                List.of(0.522, 0.058, 0.0, 0.42),
                0.13108293006681881,
                List.of(),
                List.of()));
    return report(
        "2",
        new Baseline("previous", "v1", 111L, baselineReport),
        "2026-12-02T14:14:28.111113203Z",
        checks,
        sources(0.90, 0.58, leaks),
        numeric,
        categorical);
  }

  static ValidationReport report(
      String version,
      Baseline baseline,
      String createdAt,
      List<CheckResult> checks,
      List<SourceProfile> sources,
      List<NumericDrift> numeric,
      List<CategoryDrift> categorical) {
    Outcome verdict =
        checks.stream().anyMatch(c -> c.outcome() == Outcome.FAIL)
            ? Outcome.FAIL
            : checks.stream().anyMatch(c -> c.outcome() == Outcome.WARN)
                ? Outcome.WARN
                : Outcome.PASS;
    List<ColumnProfile> columns = new ArrayList<>();
    numeric.forEach(d -> columns.add(numericColumn(d.column())));
    categorical.forEach(d -> columns.add(categoricalColumn(d.column())));
    Profile profile = new Profile(20000, 20000, 19944, 19944, 0, 56, List.of(), sources, columns);
    return new ValidationReport(
        ValidationReport.FORMAT,
        DATASET,
        version,
        "trainforge.datasets.card_fraud",
        "audit_v" + version,
        100L + Integer.parseInt(version),
        createdAt,
        baseline,
        verdict,
        checks,
        profile,
        numeric,
        categorical,
        new BuildCost(
            List.of(new BuildCost.Phase("as-of join", 125_300, 2_000)),
            List.of(new BuildCost.Source("labels", "/data/labels", 1, 487_712, 20000, 1_200)),
            List.of()));
  }

  /** A count check that warns above 0. */
  static CheckResult count(String check, String subject, long value, String detail) {
    Outcome o = value > 0 ? Outcome.WARN : Outcome.PASS;
    return new CheckResult(check, subject, o, (double) value, 0.0, null, "a count", detail);
  }

  /** A metric check that warns above 0.1 and fails above 0.25 (match rate: warns above 0.05). */
  static CheckResult metric(String check, String subject, double value, String detail) {
    double warn = check.equals("match-rate-drop") ? 0.05 : 0.1;
    Double fail = check.equals("match-rate-drop") ? null : 0.25;
    Outcome o =
        fail != null && value > fail ? Outcome.FAIL : value > warn ? Outcome.WARN : Outcome.PASS;
    return new CheckResult(check, subject, o, value, warn, fail, "a metric", detail);
  }

  private static void leakage(List<CheckResult> checks, long userAuthLeaks) {
    for (String s : List.of("merchant_risk", "user_auth", "user_profile")) {
      long leaks = s.equals("user_auth") ? userAuthLeaks : 0;
      checks.add(
          new CheckResult(
              "leakage",
              s,
              leaks > 0 ? Outcome.FAIL : Outcome.PASS,
              (double) leaks,
              null,
              0.0,
              "matched rows breaking e <= t - g, a <= t - g, or e >= t - M",
              leaks + " after t - g, 0 known after t - g, 0 older than the max age"));
    }
  }

  /** Three sources; matched rows 19800 + rows x user_auth's rate + 17128. */
  private static List<SourceProfile> sources(double merchantRate, double authRate, long leaks) {
    long auth = Math.round(20000 * authRate);
    long merchant = Math.round(20000 * merchantRate);
    return List.of(
        source("merchant_risk", merchant, merchantRate, 0),
        source("user_auth", auth, authRate, leaks),
        source("user_profile", 17128, 0.8564, 0));
  }

  private static SourceProfile source(String name, long matched, double rate, long leaks) {
    Map<String, Long> statuses = new LinkedHashMap<>();
    statuses.put("MATCHED", matched);
    statuses.put("NO_MATCH", 20000 - matched);
    return new SourceProfile(
        name,
        statuses,
        0,
        rate,
        Map.of("p50", 46_440.0, "p95", 153_400.0, "p99", 172_800.0),
        leaks,
        0,
        0);
  }

  static NumericDrift numeric(
      String column, List<Double> before, List<Double> after, double psi, double ksEffect) {
    List<String> bins = new ArrayList<>(NUMERIC_BINS);
    bins.add("null/NaN/Inf");
    return new NumericDrift(
        column, bins, before, after, List.of(), psi, ksEffect + 0.05, 0.05, ksEffect);
  }

  private static ColumnProfile numericColumn(String name) {
    // Inserted out of rank order: the page lists them in order.
    Map<String, Double> quantiles = new LinkedHashMap<>();
    quantiles.put("p99", 20.0);
    quantiles.put("p05", 0.5);
    quantiles.put("p50", 9.5);
    quantiles.put("p01", 0.0);
    return ColumnProfile.numeric(
        name,
        "double",
        8000,
        0,
        new ColumnProfile.Moments(0.0, 20.0, 9.5, 5.0),
        21,
        quantiles,
        List.of(),
        null,
        null,
        null,
        null);
  }

  private static ColumnProfile categoricalColumn(String name) {
    return ColumnProfile.categorical(
        name,
        "boolean",
        8000,
        2,
        List.of(new CategoryCount("false", 10800), new CategoryCount("true", 1200)),
        0,
        null,
        null);
  }
}
