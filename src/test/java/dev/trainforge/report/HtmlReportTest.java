package dev.trainforge.report;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** report.html's content, on hand-built reports: the first screen first, exact strings. */
class HtmlReportTest {
  private static final String PAGE = HtmlReport.render(SampleReports.v2(), SampleReports.v1());

  /** The first screen: everything inside {@code <header id="summary">}. */
  private static String firstScreen(String page) {
    int from = page.indexOf("<header id=\"summary\">");
    int to = page.indexOf("</header>");
    assertThat(from).as("the first screen's start").isGreaterThan(0);
    assertThat(to).as("the first screen's end").isGreaterThan(from);
    return page.substring(from, to);
  }

  @Test
  void firstScreenAnswersIsItOkDidAnythingLeakWhatDriftedAndWhatIsNew() {
    String top = firstScreen(PAGE);

    assertThat(top)
        .containsSubsequence(
            "<div id=\"verdict\" class=\"WARN\">WARN</div>",
            "<p id=\"answer\">Passes with 7 warnings: 5 new since v1, 2 recurring (also in"
                + " v1).</p>",
            "<tr id=\"leakage\"><th>Leakage</th><td class=\"PASS\">none: 0 of 46728 matched rows"
                + " in 3 sources break the point-in-time rules (e &lt;= t - g, a &lt;= t - g, e"
                + " &gt;= t - M)</td></tr>",
            "<tr id=\"drift\"><th>Drift</th><td>3 of 4 columns drifted against v1:<ul>"
                + "<li><a href=\"#column-amount\">amount</a> <span class=\"badge WARN\">drifted"
                + "</span> in the values: PSI 0.1863 among non-null values, KS effect 0.1500;"
                + " biggest change [10, 20]: 40.0% → 60.0% of non-null values; null share 0.0% →"
                + " 0.0%</li>",
            "<li><a href=\"#column-recent_failed_logins\">recent_failed_logins</a> <span"
                + " class=\"badge WARN\">drifted</span> in the null share: 60.0% → 40.0% (PSI"
                + " 0.1622 of 0.1622); the non-null values are stable (PSI 0.0000 among them, KS"
                + " effect 0)</li>",
            "<a href=\"#column-new_device\">new_device</a>",
            "<tr id=\"match-rates\"><th>Match rate</th><td>against v1:<ul>"
                + "<li class=\"flag WARN\">merchant_risk 99.0% → 90.0%, dropped 9.0 points (beyond"
                + " ±5.0)</li><li class=\"flag WARN\">user_auth 42.0% → 58.0%, rose 16.0 points"
                + " (beyond ±5.0)</li><li>user_profile 85.6% → 85.6%, unchanged</li></ul>",
            "<tr id=\"new\"><th>New since v1</th>",
            "<td class=l>psi</td><td class=l>amount</td>",
            "<td class=l>match-rate-drop</td><td class=l>merchant_risk</td>",
            "<tr id=\"recurring\"><th>Recurring</th><td><details><summary>2 warnings that also"
                + " fired in v1: null-label-key user_id, merchant_id, hash-ties merchant_risk"
                + "</summary>",
            "<td class=l>null-label-key</td>",
            "made 2026-12-02 14:14:28 UTC. Baseline: v1, snapshot 111 (previous).</p>");
    // New warnings are not repeated among the recurring ones, nor recurring ones among the new.
    String news =
        top.substring(top.indexOf("<tr id=\"new\">"), top.indexOf("<tr id=\"recurring\">"));
    assertThat(news).doesNotContain("null-label-key", "hash-ties");
    assertThat(top).doesNotContain("<details open");
  }

  @Test
  void firstScreenLinksToTheIndexOfEveryBuild() {
    assertThat(firstScreen(PAGE))
        .startsWith(
            "<header id=\"summary\">\n<p class=meta><a href=\"../index.html\">card_fraud: every"
                + " build</a></p>\n<h1>card_fraud version 2</h1>");
  }

  @Test
  void aLeakIsOnTheFirstScreenInTheFailColour() {
    String top = firstScreen(HtmlReport.render(SampleReports.v2(12, null), SampleReports.v1()));

    assertThat(top)
        .contains("<div id=\"verdict\" class=\"FAIL\">FAIL</div>")
        .contains("<p id=\"answer\">1 check failed: this version is not published.</p>")
        .contains(
            "<tr id=\"leakage\"><th>Leakage</th><td class=\"FAIL\">12 of 46728 matched rows break"
                + " the point-in-time rules (e &lt;= t - g, a &lt;= t - g, e &gt;= t - M):"
                + " user_auth 12 (12 after t - g, 0 known after t - g, 0 older than the max"
                + " age)</td></tr>");
  }

  @Test
  void withoutTheBaselinesReportWarningsAreNotSplit() {
    String top = firstScreen(HtmlReport.render(SampleReports.v2()));

    assertThat(top)
        .contains("<p id=\"answer\">Passes with 7 warnings.</p>")
        .contains("<tr id=\"new\"><th>Warnings (baseline&#39;s report unread)</th>")
        .doesNotContain("id=\"recurring\"");
  }

  @Test
  void aFirstVersionSaysDriftWasNotMeasured() {
    String top = firstScreen(HtmlReport.render(SampleReports.v1(), null));

    assertThat(top)
        .contains(
            "<tr id=\"drift\"><th>Drift</th><td>not measured: no baseline (a first version, or"
                + " dataset.validation.baseline = &quot;none&quot;)</td></tr>")
        .contains(
            "<tr id=\"match-rates\"><th>Match rate</th><td>no baseline to compare with:<ul><li>"
                + "merchant_risk 99.0%; user_auth 42.0%; user_profile 85.6%</li></ul></td></tr>")
        .contains("<tr id=\"new\"><th>Warnings</th>");
  }

  @Test
  void driftedColumnsComeFirstWithABadgeAndWhy() {
    int columns = PAGE.indexOf("<h2>Columns</h2>");
    assertThat(PAGE.substring(columns))
        .containsSubsequence(
            "<h3 id=\"column-amount\">amount <span class=\"badge WARN\">drifted</span>"
                + " <small>(numeric)</small></h3>\n<p class=\"WARN\">Drift in the values: PSI"
                + " 0.1863 among non-null values",
            "<h3 id=\"column-recent_failed_logins\">recent_failed_logins <span class=\"badge"
                + " WARN\">drifted</span> <small>(numeric)</small></h3>",
            "<h3 id=\"column-new_device\">new_device <span class=\"badge WARN\">drifted</span>"
                + " <small>(categorical)</small></h3>",
            "<h3 id=\"column-txn_count_7d\">txn_count_7d <small>(numeric)</small></h3>");
  }

  @Test
  void timesAreInHumanUnitsAndQuantilesInRankOrder() {
    assertThat(PAGE)
        // staleness p50 / p95 / p99: 46440 s, 153400 s, 172800 s
        .contains("<td>12.9 h / 1.8 d / 2.0 d</td>")
        // cost: 125300 ms wall, 2000 ms task; the labels' tasks 1200 ms
        .contains("<tr><td class=l>as-of join</td><td>2.1 min</td><td>2.0 s</td></tr>")
        .contains("<td>1.2 s</td></tr>")
        .contains("quantiles p01 0, p05 0.5000, p50 9.500, p99 20<br>")
        .doesNotContain("e+0");
  }

  @Test
  void everyCheckIsKeptFoldedAwayBelow() {
    assertThat(PAGE)
        .contains(
            "<h2 id=\"checks\">All checks</h2>\n<details><summary>16 checks: 0 failed, 7 warned,"
                + " 9 passed, 0 skipped; each with its value, limits and definition</summary>");
  }

  @Test
  void thePageFetchesNothingFromElsewhere() {
    assertThat(PAGE).doesNotContain("<script", "<link", "@import", "url(", "http://", "https://");
  }
}
