package dev.trainforge.validate;

import dev.trainforge.validate.CheckResult.Outcome;
import dev.trainforge.validate.Profile.ColumnProfile;
import dev.trainforge.validate.Profile.SourceProfile;
import dev.trainforge.validate.ValidationReport.CategoryDrift;
import dev.trainforge.validate.ValidationReport.NumericDrift;
import java.util.List;
import java.util.Map;

/**
 * report.html: one self-contained page (inline CSS and SVG, no scripts, fonts or images from
 * elsewhere) that opens from a laptop or an object store. Verdict first; then per source the status
 * counts and staleness; then per column a histogram of this version against the baseline, null rate
 * and drift scores with their definitions; then every check.
 */
public final class HtmlReport {
  private static final int BAR_W = 360;
  private static final int ROW_H = 14;

  private HtmlReport() {}

  public static String render(ValidationReport r) {
    StringBuilder h = new StringBuilder(32_768);
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
        .append("<title>")
        .append(esc(r.dataset() + " " + r.version() + ": " + r.verdict()))
        .append("</title><style>")
        .append(
            "body{font-family:system-ui,sans-serif;margin:2em;max-width:1100px;color:#222}"
                + "table{border-collapse:collapse;margin:.5em 0 1.5em}"
                + "td,th{border:1px solid #ccc;padding:2px 8px;text-align:right;font-size:13px}"
                + "th{background:#f3f3f3}td.l,th.l{text-align:left}"
                + ".PASS{color:#176b2c}.WARN{color:#9a6700}.FAIL{color:#b3261e}.SKIPPED{color:#777}"
                + "#verdict{font-size:2em;font-weight:bold;padding:.3em .6em;display:inline-block;"
                + "border:3px solid currentColor}.def{color:#555;font-size:12px}"
                + "svg text{font-size:11px;font-family:monospace}")
        .append("</style></head><body>\n");
    h.append("<h1>")
        .append(esc(r.dataset()))
        .append(" version ")
        .append(esc(r.version()))
        .append("</h1>\n<div id=\"verdict\" class=\"")
        .append(r.verdict())
        .append("\">")
        .append(r.verdict())
        .append("</div>\n<p>")
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
        .append(esc(r.createdAt()))
        .append(". Baseline: ")
        .append(esc(baseline(r.baseline())))
        .append(".</p>\n");
    failures(h, r);
    sources(h, r);
    columns(h, r);
    cost(h, r);
    checks(h, r);
    h.append("</body></html>\n");
    return h.toString();
  }

  /** What the build cost: per input, per key group of the join, per phase. */
  private static void cost(StringBuilder h, ValidationReport r) {
    dev.trainforge.spark.BuildCost c = r.cost();
    if (c == null) {
      return;
    }
    h.append("<h2>Cost</h2>\n<table><tr><th class=l>input</th><th class=l>location</th>")
        .append("<th>files</th><th>bytes</th><th>rows</th><th>task seconds</th></tr>\n");
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
          .append(Numbers.fixed(s.taskMillis() / 1000.0, 1))
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
    h.append("</table>\n<table><tr><th class=l>phase</th><th>wall seconds</th>")
        .append("<th>task seconds</th></tr>\n");
    for (var p : c.phases()) {
      h.append("<tr><td class=l>")
          .append(esc(p.phase()))
          .append("</td><td>")
          .append(Numbers.fixed(p.wallMillis() / 1000.0, 1))
          .append("</td><td>")
          .append(Numbers.fixed(p.taskMillis() / 1000.0, 1))
          .append("</td></tr>\n");
    }
    h.append("</table>\n<p class=def>From Spark's metrics. Files, bytes and rows: what the")
        .append(" join's scan of each input read (bytes: the files' size on storage). Task")
        .append(" seconds: executor run time of every task that read the input (label scan,")
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

  private static void failures(StringBuilder h, ValidationReport r) {
    List<CheckResult> bad =
        r.checks().stream()
            .filter(c -> c.outcome() == Outcome.FAIL || c.outcome() == Outcome.WARN)
            .toList();
    if (!bad.isEmpty()) {
      checkTable(h, "Failed and warned checks", bad);
    }
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

  private static void columns(StringBuilder h, ValidationReport r) {
    h.append("<h2>Columns</h2>\n<p class=def>Bars: share of rows per bin, this version (dark)")
        .append(" against the baseline (light). ")
        .append(esc(Statistics.PSI_DEFINITION))
        .append(". ")
        .append(esc(Statistics.KS_DEFINITION))
        .append(".</p>\n");
    for (NumericDrift d : r.numericDrift()) {
      ColumnProfile c = r.profile().column(d.column());
      h.append("<h3>").append(esc(d.column())).append(" <small>(numeric)</small></h3>\n");
      h.append("<p>")
          .append(nullRate(c, r.profile().rows()))
          .append(", NaN/Inf ")
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
    for (CategoryDrift d : r.categoryDrift()) {
      ColumnProfile c = r.profile().column(d.column());
      h.append("<h3>").append(esc(d.column())).append(" <small>(categorical)</small></h3>\n");
      h.append("<p>")
          .append(nullRate(c, r.profile().rows()))
          .append(", ~distinct ")
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

  private static void checks(StringBuilder h, ValidationReport r) {
    checkTable(h, "All checks", r.checks());
  }

  private static void checkTable(StringBuilder h, String title, List<CheckResult> checks) {
    h.append("<h2>")
        .append(title)
        .append("</h2>\n<table><tr><th class=l>check</th><th class=l>subject</th>")
        .append("<th>outcome</th><th>value</th><th>warn above</th><th>fail above</th>")
        .append("<th class=l>found</th><th class=l>definition</th></tr>\n");
    for (CheckResult c : checks) {
      h.append("<tr><td class=l>")
          .append(esc(c.check()))
          .append("</td><td class=l>")
          .append(esc(c.subject()))
          .append("</td><td class=\"")
          .append(c.outcome())
          .append("\">")
          .append(c.outcome())
          .append("</td><td>")
          .append(num(c.value()))
          .append("</td><td>")
          .append(num(c.warnAbove()))
          .append("</td><td>")
          .append(num(c.failAbove()))
          .append("</td><td class=l>")
          .append(esc(c.detail()))
          .append("</td><td class=\"l def\">")
          .append(esc(c.definition()))
          .append("</td></tr>\n");
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
