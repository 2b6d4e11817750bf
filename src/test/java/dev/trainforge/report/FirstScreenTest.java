package dev.trainforge.report;

import static dev.trainforge.report.SampleReports.count;
import static dev.trainforge.report.SampleReports.metric;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.report.ValidationReport.Baseline;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What report.html's first screen says, on hand-built reports (shares chosen to be worked out). */
class FirstScreenTest {
  private static final String RULES = "(e <= t - g, a <= t - g, e >= t - M)";

  @Test
  void answersWhetherItIsOkAndWhatIsNewSinceTheBaseline() {
    FirstScreen fs = FirstScreen.of(SampleReports.v2(), SampleReports.v1());

    assertThat(fs.answer())
        .isEqualTo("Passes with 7 warnings: 5 new since v1, 2 recurring (also in v1).");
    assertThat(fs.newWarnings())
        .extracting(c -> c.check() + " " + c.subject())
        .containsExactly(
            "psi amount",
            "ks amount",
            "psi recent_failed_logins",
            "category-psi new_device",
            "match-rate-drop merchant_risk");
    // duplicate-key-time warned in v1 only: it is neither new nor recurring.
    assertThat(fs.recurring())
        .extracting(c -> c.check() + " " + c.subject())
        .containsExactly("null-label-key user_id, merchant_id", "hash-ties merchant_risk");
  }

  @Test
  void withoutTheBaselinesReportNoWarningIsCalledRecurring() {
    FirstScreen fs = FirstScreen.of(SampleReports.v2(), null);

    assertThat(fs.answer()).isEqualTo("Passes with 7 warnings.");
    assertThat(fs.baselineChecks()).isFalse();
    assertThat(fs.newWarnings()).hasSize(7);
    assertThat(fs.recurring()).isEmpty();
  }

  @Test
  void warningsThatAllRecurAreSaidToBeNothingNew() {
    ValidationReport v1 = SampleReports.v1();
    ValidationReport again =
        SampleReports.report(
            "2",
            new Baseline("previous", "v1", 101L, null),
            "2026-12-02T00:00:00Z",
            v1.checks(),
            v1.profile().sources(),
            List.of(),
            List.of());
    FirstScreen fs = FirstScreen.of(again, v1);

    assertThat(fs.answer()).isEqualTo("Passes with 3 warnings, none new: all also fired in v1.");
  }

  @Test
  void aPassingReportSaysSoAndAFailedOneThatNothingWasPublished() {
    ValidationReport pass =
        SampleReports.report(
            "3",
            Baseline.NONE,
            "2026-12-03T00:00:00Z",
            List.of(
                count("null-label-key", "user_id", 0, "0 rows"),
                CheckResult.skipped("psi", "amount", "psi", "no baseline")),
            List.of(),
            List.of(),
            List.of());
    assertThat(FirstScreen.of(pass, null).answer())
        .isEqualTo("Passes: 1 check passed, 1 skipped, none warned or failed.");

    FirstScreen failed = FirstScreen.of(SampleReports.v2(12, null), SampleReports.v1());
    assertThat(failed.verdict()).isEqualTo(Outcome.FAIL);
    assertThat(failed.answer()).isEqualTo("1 check failed: this version is not published.");
  }

  @Test
  void leakageLineSaysNoneOutOfHowManyMatchedRows() {
    // 18000 + 11600 + 17128 matched rows.
    assertThat(FirstScreen.of(SampleReports.v2(), null).leakage().describe())
        .isEqualTo(
            "none: 0 of 46728 matched rows in 3 sources break the point-in-time rules " + RULES);
  }

  @Test
  void leakageLineNamesTheSourceThatLeakedAndHow() {
    assertThat(FirstScreen.of(SampleReports.v2(12, null), null).leakage().describe())
        .isEqualTo(
            "12 of 46728 matched rows break the point-in-time rules "
                + RULES
                + ": user_auth 12 (12 after t - g, 0 known after t - g, 0 older than the max age)");
  }

  @Test
  void driftedColumnsComeWorstFirstWithWhereTheDriftIs() {
    FirstScreen fs = FirstScreen.of(SampleReports.v2(), SampleReports.v1());

    assertThat(fs.driftSummary()).isEqualTo("3 of 4 columns drifted against v1");
    assertThat(fs.drifted())
        .extracting(d -> d.column() + ": " + d.why().describe())
        .containsExactly(
            "amount: in the values: PSI 0.1863 among non-null values, KS effect 0.1500; biggest"
                + " change [10, 20]: 40.0% → 60.0% of non-null values; null share 0.0% → 0.0%",
            "recent_failed_logins: in the null share: 60.0% → 40.0% (PSI 0.1622 of 0.1622);"
                + " the non-null values are stable (PSI 0.0000 among them, KS effect 0)",
            "new_device: in the null share: 60.0% → 42.0% (PSI 0.1311 of 0.1311); the non-null"
                + " values are stable (PSI 0.0000 among them)");
    assertThat(FirstScreen.driftedColumns(SampleReports.v2())).isEqualTo(3);
  }

  @Test
  void aDriftInBothTheNullShareAndTheValuesSaysBoth() {
    // Null share 80% -> 40% (PSI 0.7167 of the column's 1.0235), and the non-null values moved
    // from half in each middle bin to a twelfth, a quarter and two thirds (their PSI 0.7810).
    ValidationReport r =
        SampleReports.report(
            "2",
            new Baseline("previous", "v1", 1L, null),
            "2026-12-02T00:00:00Z",
            List.of(
                metric("psi", "x", 1.023529380076621, "PSI 1.024"),
                metric("ks", "x", 0.3, "effect 0.3")),
            List.of(),
            List.of(
                SampleReports.numeric(
                    "x",
                    List.of(0.0, 0.1, 0.1, 0.0, 0.8),
                    List.of(0.05, 0.15, 0.4, 0.0, 0.4),
                    1.023529380076621,
                    0.3)),
            List.of());

    FirstScreen.DriftedColumn x = FirstScreen.of(r, null).drifted().get(0);

    assertThat(x.outcome()).isEqualTo(Outcome.FAIL);
    assertThat(x.why().describe())
        .isEqualTo(
            "in the null share and the values: null share 80.0% → 40.0% (PSI 0.7167 of 1.0235);"
                + " PSI 0.7810 among non-null values, KS effect 0.3000; biggest change [0, 10):"
                + " 50.0% → 25.0% of non-null values");
  }

  @Test
  void matchRatesAreFlaggedWhenTheyDropOrRiseBeyondTheLimit() {
    List<FirstScreen.MatchRate> rates =
        FirstScreen.of(SampleReports.v2(), SampleReports.v1()).matchRates();

    assertThat(rates)
        .extracting(m -> m.source() + " " + m.describe() + (m.beyondLimit() ? " FLAG" : ""))
        .containsExactly(
            "merchant_risk 99.0% → 90.0%, dropped 9.0 points (beyond ±5.0) FLAG",
            "user_auth 42.0% → 58.0%, rose 16.0 points (beyond ±5.0) FLAG",
            "user_profile 85.6% → 85.6%, unchanged");
    // The gate warns on the drop only; the rise is the report's flag.
    assertThat(rates)
        .extracting(FirstScreen.MatchRate::outcome)
        .containsExactly(Outcome.WARN, Outcome.PASS, Outcome.PASS);
  }

  @Test
  void withoutABaselineNothingIsComparedOrMeasured() {
    FirstScreen fs = FirstScreen.of(SampleReports.v1(), null);

    assertThat(fs.baseline()).isNull();
    assertThat(fs.driftSummary())
        .isEqualTo(
            "not measured: no baseline (a first version, or dataset.validation.baseline ="
                + " \"none\")");
    assertThat(fs.matchRates())
        .extracting(m -> m.source() + " " + m.describe() + (m.beyondLimit() ? " FLAG" : ""))
        .containsExactly("merchant_risk 99.0%", "user_auth 42.0%", "user_profile 85.6%");
  }
}
