package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import dev.trainforge.report.CheckResult.Outcome;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * index.html: one self-contained page per dataset, in its report directory ({@code
 * trainforge-reports/<dataset>/index.html}), that lists every build's report, newest first. Each
 * build writes a small {@value #ENTRY} beside its report, so that the index is rebuilt from those
 * (one small read per build) and not from every report.json. Rendering is linear in the entries.
 */
public final class ReportIndex {
  /** The index page, in the dataset's report directory. */
  public static final String FILE = "index.html";

  /** One build's line of the index, beside its report.json. */
  public static final String ENTRY = "index-entry.json";

  private ReportIndex() {}

  /**
   * One build's line.
   *
   * @param dataset the dataset
   * @param version the version it built
   * @param branch its audit branch: the name of its report's directory
   * @param createdAt when its report was made (ISO-8601)
   * @param verdict the gate's verdict
   * @param rows rows in the version
   * @param driftedColumns columns with a drift check that warned or failed
   * @param columns columns whose drift was measured
   * @param failed failed checks
   * @param warned warned checks
   * @param baseline the baseline's name ({@code v2}), or null without one
   */
  public record Entry(
      String dataset,
      String version,
      String branch,
      String createdAt,
      Outcome verdict,
      long rows,
      int driftedColumns,
      int columns,
      long failed,
      long warned,
      String baseline) {
    public Entry {
      requireNonNull(dataset, "dataset is null");
      requireNonNull(branch, "branch is null");
      requireNonNull(verdict, "verdict is null");
    }

    /** The line of {@code report}. */
    public static Entry of(ValidationReport report) {
      return new Entry(
          report.dataset(),
          report.version(),
          report.branch(),
          report.createdAt(),
          report.verdict(),
          report.profile().rows(),
          FirstScreen.driftedColumns(report),
          report.numericDrift().size() + report.categoryDrift().size(),
          report.count(Outcome.FAIL),
          report.count(Outcome.WARN),
          FirstScreen.name(report.baseline()));
    }

    public String toJson() {
      try {
        return ValidationReport.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
      } catch (JsonProcessingException e) {
        throw new IllegalStateException("Cannot render the index entry as JSON", e);
      }
    }

    public static Entry fromJson(String json) {
      try {
        return ValidationReport.mapper().readValue(json, Entry.class);
      } catch (JsonProcessingException e) {
        throw new IllegalArgumentException("Not a trainforge " + ENTRY + ": " + e.getMessage(), e);
      }
    }
  }

  /**
   * The index page of {@code dataset}: one row per entry, newest first.
   *
   * @param note a sentence under the table (what the index could not list), or null
   */
  public static String render(String dataset, List<Entry> entries, String note) {
    List<Entry> rows = new ArrayList<>(entries);
    rows.sort(Comparator.comparing(ReportIndex::made).reversed().thenComparing(Entry::branch));
    StringBuilder h = new StringBuilder(4_096 + 400 * rows.size());
    h.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
        .append(HtmlReport.esc(dataset))
        .append(": every build</title><style>")
        .append(HtmlReport.STYLE)
        .append("</style></head><body>\n<h1>")
        .append(HtmlReport.esc(dataset))
        .append(": every build</h1>\n<p class=meta>")
        .append(rows.size())
        .append(rows.size() == 1 ? " build" : " builds")
        .append(", newest first. A failed build published nothing; its audit branch is kept for")
        .append(" inspection.</p>\n<table id=\"builds\"><tr><th class=l>version</th>")
        .append("<th class=l>made</th><th>verdict</th><th>rows</th><th>drifted columns</th>")
        .append("<th>failed</th><th>warned</th><th class=l>baseline</th>")
        .append("<th class=l>audit branch</th><th class=l>report</th></tr>\n");
    for (Entry e : rows) {
      row(h, e);
    }
    h.append("</table>\n");
    if (note != null) {
      h.append("<p class=def>").append(HtmlReport.esc(note)).append("</p>\n");
    }
    h.append("</body></html>\n");
    return h.toString();
  }

  /** When the entry's report was made; the epoch when it does not say. */
  private static java.time.Instant made(Entry e) {
    try {
      return e.createdAt() == null
          ? java.time.Instant.EPOCH
          : java.time.Instant.parse(e.createdAt());
    } catch (java.time.format.DateTimeParseException x) {
      return java.time.Instant.EPOCH;
    }
  }

  private static void row(StringBuilder h, Entry e) {
    String link = HtmlReport.esc(e.branch()) + "/" + ReportStore.HTML;
    h.append("<tr><td class=l>")
        .append(HtmlReport.esc(e.version()))
        .append("</td><td class=l>")
        .append(HtmlReport.esc(HtmlReport.when(e.createdAt())))
        .append("</td><td class=\"")
        .append(e.verdict())
        .append("\">")
        .append(e.verdict())
        .append("</td><td>")
        .append(e.rows())
        .append("</td><td class=\"")
        .append(e.driftedColumns() > 0 ? Outcome.WARN : Outcome.PASS)
        .append("\">")
        .append(e.driftedColumns())
        .append(" of ")
        .append(e.columns())
        .append("</td><td>")
        .append(e.failed())
        .append("</td><td>")
        .append(e.warned())
        .append("</td><td class=l>")
        .append(e.baseline() == null ? "none" : HtmlReport.esc(e.baseline()))
        .append("</td><td class=l><code>")
        .append(HtmlReport.esc(e.branch()))
        .append("</code></td><td class=l><a href=\"")
        .append(link)
        .append("\">report</a></td></tr>\n");
  }
}
