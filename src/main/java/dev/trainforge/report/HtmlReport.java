package dev.trainforge.report;

import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.report.Profile.ColumnProfile;
import dev.trainforge.report.Profile.SourceProfile;
import dev.trainforge.report.ValidationReport.CategoryDrift;
import dev.trainforge.report.ValidationReport.NumericDrift;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or images from
 * elsewhere) that opens from a laptop or an object store. Its first screen ({@code <header
 * id="summary">}, {@link FirstScreen}) answers whether the version is OK, whether anything leaked,
 * which columns drifted and why, how each source's match rate moved against the baseline's, and
 * which warnings are new since the baseline (recurring ones folded away). Then per source the
 * status counts and staleness; per column, drifted ones first with a badge, a histogram of this
 * version against the baseline, null rate and drift scores with their definitions; what the build
 * cost; and every check. Rendering is linear in the report's size.
 */
public final class HtmlReport {
  private static final int BAR_W = 360;
  private static final int ROW_H = 14;

  /** The page's style, shared with the index page; nothing fetched from elsewhere. */
  static final String STYLE =
      "body{font-family:system-ui,sans-serif;margin:1.2em 2em;max-width:1100px;color:#222}"
          + "h1{margin:.2em 0 .3em}table{border-collapse:collapse;margin:.5em 0 1.5em}"
          + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right;font-size:13px}"
          + "th{background:#f3f3f3}td.l,th.l{text-align:left}"
          + ".PASS{color:#176b2c}.WARN{color:#9a6700}.FAIL{color:#b3261e}.SKIPPED{color:#777}"
          + "#verdict{font-size:2em;font-weight:bold;padding:.2em .6em;display:inline-block;"
          + "border:3px solid currentColor}.def{color:#555;font-size:12px}"
          + ".top{display:flex;align-items:center;gap:1em}#answer{font-size:1.2em;margin:0}"
          + "table.facts{width:100%;margin:.8em 0 .5em}table.facts>tbody>tr>th{text-align:left;"
          + "vertical-align:top;width:8em}table.facts>tbody>tr>td{text-align:left;font-size:14px}"
          + "table.facts ul{margin:0;padding-left:1.2em}table.facts table{margin:.2em 0}"
          + ".badge{font-size:12px;font-weight:bold;color:#fff;padding:1px 6px;border-radius:3px;"
          + "vertical-align:middle}.badge.WARN{background:#9a6700}.badge.FAIL{background:#b3261e}"
          + ".flag{font-weight:bold}.meta{font-size:13px;color:#444}"
          + "summary{cursor:pointer}svg text{font-size:11px;font-family:monospace}";

  private HtmlReport() {}

  /** report.html of {@code r}, without its baseline's checks: no warning is called recurring. */
  public static String render(ValidationReport r) {
    return render(r, null);
  }

  /**
   * report.html of {@code r}.
   *
   * @param baseline the report of {@code r}'s baseline, or null (none, or unreadable)
   */
  public static String render(ValidationReport r, ValidationReport baseline) {
    FirstScreen fs = FirstScreen.of(r, baseline);
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>")
        .append(esc(r.dataset() + " " + r.version() + ": " + r.verdict()))
        .append("</title><style>")
        .append(STYLE)
        .append("</style></head><body>\n");
    summary(h, r, fs);
    sources(h, r);
    columns(h, r, fs);
    cost(h, r);
    checks(h, r);
    h.append("</body></html>\n");
    return h.toString();
  }

  // ---- the first screen ----------------------------------------------------------------------

  private static void summary(StringBuilder h, ValidationReport r, FirstScreen fs) {
    h.append("<header id=\"summary\">\n<p class=meta><a href=\"../")
        .append(ReportIndex.FILE)
        .append("\">")
        .append(esc(r.dataset()))
        .append(": every build</a></p>\n<h1>")
        .append(esc(r.dataset()))
        .append(" version ")
        .append(esc(r.version()))
        .append("</h1>\n<div class=top><div id=\"verdict\" class=\"")
        .append(r.verdict())
        .append("\">")
        .append(r.verdict())
        .append("</div>\n<p id=\"answer\">")
        .append(esc(fs.answer()))
        .append("</p></div>\n<table class=facts>\n");
    leakage(h, fs.leakage());
    drift(h, fs);
    matchRates(h, fs);
    warnings(h, fs);
    h.append("</table>\n<p class=meta>")
        .append(r.count(Outcome.FAIL))
        .append(" failed, ")
        .append(r.count(Outcome.WARN))
        .append(" warned, ")
        .append(r.count(Outcome.PASS))
        .append(" passed, ")
        .append(r.count(Outcome.SKIPPED))
        .append(" skipped. Table <code>")
        .append(esc(r.table()))
        .append("</code>, audit snapshot ")
        .append(r.snapshotId())
        .append(" on branch <code>")
        .append(esc(r.branch()))
        .append("</code>, ")
        .append(r.profile().rows())
        .append(" rows, made ")
        .append(esc(when(r.createdAt())))
        .append(". Baseline: ")
        .append(esc(baseline(r.baseline())))
        .append(".</p>\n</header>\n");
  }

  private static void leakage(StringBuilder h, FirstScreen.Leakage l) {
    h.append("<tr id=\"leakage\"><th>Leakage</th><td class=\"")
        .append(l.leaks() == 0 ? Outcome.PASS : Outcome.FAIL)
        .append("\">")
        .append(esc(l.describe()))
        .append("</td></tr>\n");
  }

  private static void drift(StringBuilder h, FirstScreen fs) {
    h.append("<tr id=\"drift\"><th>Drift</th><td>").append(esc(fs.driftSummary()));
    if (!fs.drifted().isEmpty()) {
      h.append(":<ul>");
      for (FirstScreen.DriftedColumn d : fs.drifted()) {
        h.append("<li><a href=\"#")
            .append(anchor(d.column()))
            .append("\">")
            .append(esc(d.column()))
            .append("</a> ")
            .append(badge(d.outcome()))
            .append(' ')
            .append(esc(why(d)))
            .append("</li>");
      }
      h.append("</ul>");
    }
    h.append("</td></tr>\n");
  }

  /** A drifted column's reason, or its checks' findings when there are no shares to read. */
  static String why(FirstScreen.DriftedColumn d) {
    if (d.why() != null) {
      return d.why().describe();
    }
    return String.join("; ", d.checks().stream().map(c -> c.check() + ": " + c.detail()).toList());
  }

  private static void matchRates(StringBuilder h, FirstScreen fs) {
    if (fs.matchRates().isEmpty()) {
      return;
    }
    h.append("<tr id=\"match-rates\"><th>Match rate</th><td>");
    if (fs.baseline() == null) {
      h.append("no baseline to compare with:");
    } else {
      h.append("against ").append(esc(fs.baseline())).append(':');
    }
    h.append("<ul>");
    List<String> steady = new ArrayList<>();
    for (FirstScreen.MatchRate m : fs.matchRates()) {
      String line = m.source() + " " + m.describe();
      if (m.beyondLimit()) {
        h.append("<li class=\"flag ")
            .append(m.outcome() == Outcome.FAIL ? Outcome.FAIL : Outcome.WARN)
            .append("\">")
            .append(esc(line))
            .append("</li>");
      } else {
        steady.add(line);
      }
    }
    if (!steady.isEmpty()) {
      h.append("<li>").append(esc(String.join("; ", steady))).append("</li>");
    }
    h.append("</ul></td></tr>\n");
  }

  private static void warnings(StringBuilder h, FirstScreen fs) {
    List<CheckResult> fresh = new ArrayList<>(fs.failed());
    fresh.addAll(fs.newWarnings());
    String title =
        fs.baselineChecks()
            ? "New since " + fs.baseline()
            : fs.baseline() == null ? "Warnings" : "Warnings (baseline's report unread)";
    h.append("<tr id=\"new\"><th>").append(esc(title)).append("</th><td>");
    if (fresh.isEmpty()) {
      h.append("no failed or warned check");
    } else {
      checkTable(h, fresh, false);
    }
    h.append("</td></tr>\n");
    if (!fs.recurring().isEmpty()) {
      h.append("<tr id=\"recurring\"><th>Recurring</th><td><details><summary>")
          .append(fs.recurring().size())
          .append(fs.recurring().size() == 1 ? " warning" : " warnings")
          .append(" that also fired in ")
          .append(esc(fs.baseline()))
          .append(": ")
          .append(
              esc(
                  String.join(
                      ", ",
                      fs.recurring().stream().map(c -> c.check() + " " + c.subject()).toList())))
          .append("</summary>");
      checkTable(h, fs.recurring(), false);
      h.append("</details></td></tr>\n");
    }
  }

  private static String badge(Outcome o) {
    return "<span class=\"badge " + o + "\">drifted</span>";
  }

  /** An ISO-8601 instant as {@code 2026-12-02 14:14:28 UTC}; anything else as it is. */
  static String when(String iso) {
    if (iso == null) {
      return "";
    }
    try {
      return java.time.format.DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'")
          .withZone(java.time.ZoneOffset.UTC)
          .format(java.time.Instant.parse(iso));
    } catch (java.time.format.DateTimeParseException e) {
      return iso;
    }
  }

  /** The id of a column's section: {@code column-} and its name, spaces as underscores. */
  static String anchor(String column) {
    return esc("column-" + column.replaceAll("\\s", "_"));
  }

  /** What the build cost: per input, per key group of the join, per phase. */
  private static void cost(StringBuilder h, ValidationReport r) {
    dev.trainforge.spark.BuildCost c = r.cost();
    if (c == null) {
      return;
    }
    h.append("<h2>Cost</h2>\n<table><tr><th class=l>input</th><th class=l>location</th>")
        .append("<th>files</th><th>bytes</th><th>rows</th><th>task time</th></tr>\n");
    for (var s : c.sources()) {
      h.append("<tr><td class=l>")
          .append(esc(s.role()))
          .append("</td><td class=l><code>")
          .append(esc(s.uri()))
          .append("</code></td><td>")
          .append(s.files())
          .append("</td><td>")
          .append(s.bytes())
          .append("</td><td>")
          .append(s.rows())
          .append("</td><td>")
          .append(Numbers.millis(s.taskMillis()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<table><tr><th class=l>key group</th><th class=l>sources</th>")
        .append("<th>shuffle bytes written</th><th>shuffle bytes read</th>")
        .append("<th>records written</th></tr>\n");
    for (var g : c.keyGroups()) {
      h.append("<tr><td class=l>")
          .append(esc(String.join(", ", g.keys())))
          .append("</td><td class=l>")
          .append(esc(String.join(", ", g.sources())))
          .append("</td><td>")
          .append(g.shuffleBytesWritten())
          .append("</td><td>")
          .append(g.shuffleBytesRead())
          .append("</td><td>")
          .append(g.shuffleRecordsWritten())
          .append("</td></tr>\n");
    }
    h.append("</table>\n<table><tr><th class=l>phase</th><th>wall time</th>")
        .append("<th>task time</th></tr>\n");
    for (var p : c.phases()) {
      h.append("<tr><td class=l>")
          .append(esc(p.phase()))
          .append("</td><td>")
          .append(Numbers.millis(p.wallMillis()))
          .append("</td><td>")
          .append(Numbers.millis(p.taskMillis()))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p class=def>From Spark's metrics. Files, bytes and rows: what the")
        .append(" join's scan of each input read (bytes: the files' size on storage). Task")
        .append(" time: executor run time of every task that read the input (label scan,")
        .append(" sampling, join). Shuffle: the join's, one per group of sources sharing a key.")
        .append("</p>\n");
  }

  private static String baseline(ValidationReport.Baseline b) {
    if (b.snapshotId() == null) {
      return "none (no drift measured)";
    }
    return (b.tag() == null ? "" : b.tag() + ", ")
        + "snapshot "
        + b.snapshotId()
        + " ("
        + b.kind()
        + ")";
  }

  private static void sources(StringBuilder h, ValidationReport r) {
    h.append("<h2>Feature sources</h2>\n<table><tr><th class=l>source</th>");
    List<String> statuses =
        java.util.Arrays.stream(dev.trainforge.join.MatchStatus.values()).map(Enum::name).toList();
    statuses.forEach(s -> h.append("<th>").append(s).append("</th>"));
    h.append("<th>match rate</th><th>staleness p50 / p95 / p99</th><th>leaks</th>")
        .append("<th>hash ties</th></tr>\n");
    for (SourceProfile s : r.profile().sources()) {
      h.append("<tr><td class=l>").append(esc(s.source())).append("</td>");
      statuses.forEach(
          st -> h.append("<td>").append(s.statuses().getOrDefault(st, 0L)).append("</td>"));
      Map<String, Double> st = s.stalenessSeconds();
      h.append("<td>")
          .append(Numbers.fixed(s.matchRate(), 4))
          .append("</td><td>")
          .append(Numbers.duration(st.get("p50"), "&ndash;"))
          .append(" / ")
          .append(Numbers.duration(st.get("p95"), "&ndash;"))
          .append(" / ")
          .append(Numbers.duration(st.get("p99"), "&ndash;"))
          .append("</td><td class=\"")
          .append(s.leaks() == 0 ? "PASS" : "FAIL")
          .append("\">")
          .append(s.leaks())
          .append("</td><td>")
          .append(s.hashTies())
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p class=def>Leaks: matched rows breaking e &lt;= t - g, a &lt;= t - g")
        .append(" or e &gt;= t - M (must be 0). Staleness: t - e of matched rows, from a KLL")
        .append(" sketch.</p>\n");
  }

  /** Every column: the drifted ones first (worst first), with a badge and why; then the rest. */
  private static void columns(StringBuilder h, ValidationReport r, FirstScreen fs) {
    h.append("<h2>Columns</h2>\n<p class=def>Bars: share of rows per bin, this version (dark)")
        .append(" against the baseline (light). ")
        .append(esc(Statistics.PSI_DEFINITION))
        .append(". ")
        .append(esc(Statistics.KS_DEFINITION))
        .append(".</p>\n");
    Map<String, FirstScreen.DriftedColumn> drifted = new LinkedHashMap<>();
    fs.drifted().forEach(d -> drifted.put(d.column(), d));
    for (FirstScreen.DriftedColumn d : drifted.values()) {
      r.numericDrift().stream()
          .filter(n -> n.column().equals(d.column()))
          .forEach(n -> numeric(h, r, n, d));
      r.categoryDrift().stream()
          .filter(c -> c.column().equals(d.column()))
          .forEach(c -> categorical(h, r, c, d));
    }
    r.numericDrift().stream()
        .filter(n -> !drifted.containsKey(n.column()))
        .forEach(n -> numeric(h, r, n, null));
    r.categoryDrift().stream()
        .filter(c -> !drifted.containsKey(c.column()))
        .forEach(c -> categorical(h, r, c, null));
  }

  /** A column's heading, with the drift badge and the reason when it drifted. */
  private static void heading(
      StringBuilder h, String column, String kind, FirstScreen.DriftedColumn drifted) {
    h.append("<h3 id=\"")
        .append(anchor(column))
        .append("\">")
        .append(esc(column))
        .append(drifted == null ? "" : " " + badge(drifted.outcome()))
        .append(" <small>(")
        .append(kind)
        .append(")</small></h3>\n");
    if (drifted != null) {
      h.append("<p class=\"")
          .append(drifted.outcome())
          .append("\">Drift ")
          .append(esc(why(drifted)))
          .append("</p>\n");
    }
  }

  /** A column's heading and the start of its figures, its null rate; returns its profile. */
  private static ColumnProfile intro(
      StringBuilder h,
      ValidationReport r,
      String column,
      String kind,
      FirstScreen.DriftedColumn drifted) {
    heading(h, column, kind, drifted);
    ColumnProfile c = r.profile().column(column);
    h.append("<p>").append(nullRate(c, r.profile().rows()));
    return c;
  }

  private static void numeric(
      StringBuilder h, ValidationReport r, NumericDrift d, FirstScreen.DriftedColumn drifted) {
    ColumnProfile c = intro(h, r, d.column(), "numeric", drifted);
    h.append(", NaN/Inf ")
        .append(c.nanOrInf())
        .append(", min ")
        .append(num(c.min()))
        .append(", max ")
        .append(num(c.max()))
        .append(", mean ")
        .append(num(c.mean()))
        .append(", stddev ")
        .append(num(c.stddev()))
        .append(", ~distinct ")
        .append(c.approxDistinct())
        .append(", quantiles ")
        .append(esc(quantiles(c)))
        .append("<br>PSI ")
        .append(num(d.psi()))
        .append(", KS D ")
        .append(num(d.ks()))
        .append(" (noise ")
        .append(num(d.ksNoise()))
        .append(", effect ")
        .append(num(d.ksEffect()))
        .append(")</p>\n");
    chart(h, d.column(), d.bins(), d.currentShares(), d.baselineShares());
  }

  private static void categorical(
      StringBuilder h, ValidationReport r, CategoryDrift d, FirstScreen.DriftedColumn drifted) {
    ColumnProfile c = intro(h, r, d.column(), "categorical", drifted);
    h.append(", ~distinct ")
        .append(c.approxDistinct())
        .append("<br>PSI ")
        .append(num(d.psi()))
        .append(", new ")
        .append(esc(String.valueOf(d.newCategories())))
        .append(", vanished ")
        .append(esc(String.valueOf(d.vanishedCategories())))
        .append("</p>\n");
    chart(h, d.column(), d.categories(), d.currentShares(), d.baselineShares());
  }

  private static String nullRate(ColumnProfile c, long rows) {
    return "null rate "
        + Numbers.fixed(rows == 0 ? 0.0 : (double) c.nulls() / rows, 4)
        + " ("
        + c.nulls()
        + ")";
  }

  /** {@code p01 1.5, p05 2, ..., p99 98}: in rank order. */
  static String quantiles(ColumnProfile c) {
    if (c.quantiles().isEmpty()) {
      return "none";
    }
    StringBuilder sb = new StringBuilder();
    c.quantiles().entrySet().stream()
        .sorted(Map.Entry.comparingByKey(Profile.BY_RANK))
        .forEach(
            e ->
                sb.append(sb.length() == 0 ? "" : ", ")
                    .append(e.getKey())
                    .append(' ')
                    .append(Numbers.stat(e.getValue())));
    return sb.toString();
  }

  /** A horizontal bar chart: one row per bin, current share over the baseline's. */
  private static void chart(
      StringBuilder h, String column, List<String> bins, List<Double> now, List<Double> before) {
    if (bins.isEmpty()) {
      h.append("<p class=def>no values</p>\n");
      return;
    }
    double top = 0;
    for (int i = 0; i < bins.size(); i++) {
      top = Math.max(top, now.get(i));
      if (before != null) {
        top = Math.max(top, before.get(i));
      }
    }
    top = top == 0 ? 1 : top;
    int labelW = 190;
    int height = bins.size() * (ROW_H + 4) + 4;
    h.append("<svg class=\"chart\" data-column=\"")
        .append(esc(column))
        .append("\" width=\"")
        .append(labelW + BAR_W + 70)
        .append("\" height=\"")
        .append(height)
        .append("\" role=\"img\" aria-label=\"histogram of ")
        .append(esc(column))
        .append("\">");
    for (int i = 0; i < bins.size(); i++) {
      int y = 2 + i * (ROW_H + 4);
      h.append("<text x=\"0\" y=\"")
          .append(y + ROW_H - 3)
          .append("\">")
          .append(esc(shorten(bins.get(i))))
          .append("</text>");
      if (before != null) {
        h.append("<rect class=\"baseline\" x=\"")
            .append(labelW)
            .append("\" y=\"")
            .append(y)
            .append("\" width=\"")
            .append(width(before.get(i), top))
            .append("\" height=\"")
            .append(ROW_H)
            .append("\" fill=\"#c6d4ec\"/>");
      }
      h.append("<rect class=\"current\" x=\"")
          .append(labelW)
          .append("\" y=\"")
          .append(y + 3)
          .append("\" width=\"")
          .append(width(now.get(i), top))
          .append("\" height=\"")
          .append(ROW_H - 6)
          .append("\" fill=\"#1f4e9c\"/>");
      h.append("<text x=\"")
          .append(labelW + BAR_W + 4)
          .append("\" y=\"")
          .append(y + ROW_H - 3)
          .append("\">")
          .append(Numbers.fixed(now.get(i), 3))
          .append("</text>");
    }
    h.append("</svg>\n");
  }

  private static String width(double share, double top) {
    return Numbers.fixed(Math.max(0, share) / top * BAR_W, 1);
  }

  private static String shorten(String s) {
    return s.length() > 28 ? s.substring(0, 27) + "…" : s;
  }

  /**
   * Every check with its value, limits and definition, folded away: the first screen has the news.
   */
  private static void checks(StringBuilder h, ValidationReport r) {
    h.append("<h2 id=\"checks\">All checks</h2>\n<details><summary>")
        .append(r.checks().size())
        .append(" checks: ")
        .append(r.count(Outcome.FAIL))
        .append(" failed, ")
        .append(r.count(Outcome.WARN))
        .append(" warned, ")
        .append(r.count(Outcome.PASS))
        .append(" passed, ")
        .append(r.count(Outcome.SKIPPED))
        .append(" skipped; each with its value, limits and definition</summary>\n");
    checkTable(h, r.checks(), true);
    h.append("</details>\n");
  }

  /**
   * Checks as a table: check, subject, outcome and what was found; {@code full} adds the value, the
   * limits and the definition.
   */
  private static void checkTable(StringBuilder h, List<CheckResult> checks, boolean full) {
    h.append("<table><tr><th class=l>check</th><th class=l>subject</th><th>outcome</th>")
        .append(full ? "<th>value</th><th>warn above</th><th>fail above</th>" : "")
        .append("<th class=l>found</th>")
        .append(full ? "<th class=l>definition</th>" : "")
        .append("</tr>\n");
    for (CheckResult c : checks) {
      h.append("<tr><td class=l>")
          .append(esc(c.check()))
          .append("</td><td class=l>")
          .append(esc(c.subject()))
          .append("</td><td class=\"")
          .append(c.outcome())
          .append("\">")
          .append(c.outcome())
          .append("</td>");
      if (full) {
        h.append("<td>")
            .append(num(c.value()))
            .append("</td><td>")
            .append(num(c.warnAbove()))
            .append("</td><td>")
            .append(num(c.failAbove()))
            .append("</td>");
      }
      h.append("<td class=l>").append(esc(c.detail())).append("</td>");
      if (full) {
        h.append("<td class=\"l def\">").append(esc(c.definition())).append("</td>");
      }
      h.append("</tr>\n");
    }
    h.append("</table>\n");
  }

  private static String num(Double v) {
    return Numbers.stat(v, "&ndash;");
  }

  static String esc(String s) {
    if (s == null) {
      return "";
    }
    StringBuilder out = new StringBuilder(s.length());
    for (char ch : s.toCharArray()) {
      switch (ch) {
        case '<' -> out.append("&lt;");
        case '>' -> out.append("&gt;");
        case '&' -> out.append("&amp;");
        case '"' -> out.append("&quot;");
        case '\'' -> out.append("&#39;");
        default -> out.append(ch);
      }
    }
    return out.toString();
  }
}
