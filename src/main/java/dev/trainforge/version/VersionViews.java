package dev.trainforge.version;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.report.ValidationReport;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * The text and JSON that {@code list} and {@code show} print, from version metadata and reports
 * already read: rendering only, no I/O.
 */
public final class VersionViews {
  private static final ObjectMapper JSON = new ObjectMapper();

  private VersionViews() {}

  /**
   * A version with its validation report, if one could be read.
   *
   * @param report the report, or empty when the summary names none or the file is gone
   */
  public record Entry(VersionInfo version, Optional<ValidationReport> report) {
    /** PASS, WARN or FAIL; {@code -} without a report location, {@code missing} without a file. */
    public String verdict() {
      if (version.property("report").isEmpty()) {
        return "-";
      }
      return report.map(r -> r.verdict().name()).orElse("missing");
    }
  }

  /** The versions as aligned text, one per line, oldest first, with a header. */
  public static String listText(List<Entry> entries) {
    return listText(entries, Optional.empty());
  }

  /**
   * The versions as aligned text, then a line per retracted version and, when {@code main} was
   * moved by hand since the last publish, why.
   */
  public static String listText(List<Entry> entries, Optional<RefNote> mainMoved) {
    List<String[]> rows = new ArrayList<>();
    rows.add(new String[] {"VERSION", "CREATED", "ROWS", "CONFIG", "VALIDATION", "MAIN"});
    for (Entry e : entries) {
      VersionInfo v = e.version();
      rows.add(
          new String[] {
            v.tag(),
            created(v),
            v.rows().map(String::valueOf).orElse("-"),
            v.shortConfigHash(),
            e.verdict(),
            v.main() ? "main" : ""
          });
    }
    int[] width = new int[rows.get(0).length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        width[i] = Math.max(width[i], r[i].length());
      }
    }
    StringBuilder sb = new StringBuilder();
    for (String[] r : rows) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        line.append(String.format(Locale.ROOT, "%-" + width[i] + "s", r[i]));
        if (i < r.length - 1) {
          line.append("  ");
        }
      }
      sb.append(line.toString().stripTrailing()).append('\n');
    }
    for (Entry e : entries) {
      e.version()
          .property("note")
          .ifPresent(n -> sb.append(e.version().tag()).append(": note: ").append(n).append('\n'));
    }
    for (Entry e : entries) {
      e.version()
          .retracted()
          .ifPresent(
              n -> sb.append(e.version().tag()).append(": ").append(n.describe()).append('\n'));
    }
    mainMoved.ifPresent(n -> sb.append("main: ").append(n.describe()).append('\n'));
    return sb.toString();
  }

  /** The versions as a JSON array, oldest first. */
  public static String listJson(List<Entry> entries) {
    ArrayNode array = JSON.createArrayNode();
    for (Entry e : entries) {
      VersionInfo v = e.version();
      ObjectNode o = array.addObject();
      o.put("tag", v.tag());
      o.put("version", v.property("version").orElse(null));
      o.put("snapshot-id", v.snapshotId());
      o.put("created-at", v.createdAt().toString());
      o.put("rows", v.rows().orElse(null));
      o.put("config-sha256", v.property("config-sha256").orElse(null));
      o.put("validation", e.verdict());
      o.put("main", v.main());
      o.put("report", v.property("report").orElse(null));
      o.put("retracted", v.retracted().map(RefNote::describe).orElse(null));
      o.put("note", v.property("note").orElse(null));
    }
    try {
      return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(array) + "\n";
    } catch (JsonProcessingException ex) {
      throw new IllegalStateException("Cannot render the version list as JSON", ex);
    }
  }

  /**
   * The whole manifest of one version: identity, rows, window, code, run, validation summary, then
   * every {@code trainforge.*} summary property (JSON values pretty-printed), whatever keys the
   * build that wrote it knew.
   */
  public static String show(String table, Entry entry) {
    return show(table, entry, Optional.empty());
  }

  /**
   * {@link #show(String, Entry)}, then {@code python}: a line that reads the version in Python (see
   * {@link #pythonSnippet}).
   */
  public static String show(String table, Entry entry, Optional<String> python) {
    VersionInfo v = entry.version();
    StringBuilder sb = new StringBuilder();
    field(
        sb, "version", v.tag() + " (snapshot " + v.snapshotId() + ")" + (v.main() ? ", main" : ""));
    field(sb, "table", table);
    field(sb, "created", created(v));
    field(sb, "dataset", v.property("dataset").orElse("-"));
    field(sb, "rows", v.rows().map(String::valueOf).orElse("-"));
    field(sb, "config", v.property("config-sha256").map(h -> "sha256:" + h).orElse("-"));
    field(sb, "code", v.property("code-version").orElse("-"));
    field(sb, "run id", v.property("run-id").orElse("-"));
    field(sb, "window", window(v));
    field(sb, "validation", validation(entry));
    field(sb, "report", v.property("report").orElse("-"));
    v.property("note").ifPresent(n -> field(sb, "note", n));
    v.retracted().ifPresent(n -> field(sb, "retracted", n.describe()));
    sb.append("properties (every trainforge.* key of the snapshot summary):\n");
    for (Map.Entry<String, String> p : v.trainforgeProperties().entrySet()) {
      Optional<String> pretty = prettyJson(p.getValue());
      if (pretty.isPresent()) {
        sb.append("  ").append(p.getKey()).append(" =\n");
        pretty.get().lines().forEach(l -> sb.append("    ").append(l).append('\n'));
      } else {
        String value = p.getValue().isEmpty() ? "" : " " + p.getValue();
        sb.append("  ").append(p.getKey()).append(" =").append(value).append('\n');
      }
    }
    python.ifPresent(py -> sb.append(PYTHON_HEADER).append("  ").append(py).append('\n'));
    return sb.toString();
  }

  static final String PYTHON_HEADER =
      "read it in Python (pip install clients/python; README, \"Read a version in Python\"):\n";

  /**
   * A line of Python that loads {@code tag} of {@code table} with the trainforge_client package
   * (clients/python), for the catalogs it reads: jdbc on an SQLite file, and rest.
   *
   * @param table catalog.namespace.table
   * @param type the catalog's type
   * @param uri the catalog's URI
   * @param warehouse the catalog's warehouse (passed for rest only)
   */
  public static Optional<String> pythonSnippet(
      String table, String tag, String type, Optional<String> uri, String warehouse) {
    String args;
    if (type.equals("jdbc") && uri.filter(u -> u.startsWith("jdbc:sqlite:")).isPresent()) {
      args = ", catalog_uri=" + pyString(uri.get());
    } else if (type.equals("rest") && uri.isPresent()) {
      args =
          ", catalog_type=\"rest\", catalog_uri="
              + pyString(uri.get())
              + ", warehouse="
              + pyString(warehouse);
    } else {
      return Optional.empty();
    }
    return Optional.of(
        "from trainforge_client import load; df = load("
            + pyString(tag)
            + ", table="
            + pyString(table)
            + args
            + ").to_pandas()");
  }

  /** A Python string literal (a JSON string is one). */
  private static String pyString(String s) {
    try {
      return JSON.writeValueAsString(s);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String validation(Entry entry) {
    if (entry.report().isEmpty()) {
      return entry.verdict().equals("-")
          ? "- (built without a report)"
          : "missing (report.json not found)";
    }
    ValidationReport r = entry.report().get();
    return String.format(
        Locale.ROOT,
        "%s: %d failed, %d warned, %d passed, %d skipped",
        r.verdict(),
        r.count(Outcome.FAIL),
        r.count(Outcome.WARN),
        r.count(Outcome.PASS),
        r.count(Outcome.SKIPPED));
  }

  private static String window(VersionInfo v) {
    Optional<String> start = v.property("window-start");
    Optional<String> end = v.property("window-end");
    if (start.isEmpty() && end.isEmpty()) {
      return "all label times";
    }
    return "[" + start.orElse("-inf") + ", " + end.orElse("+inf") + ")";
  }

  private static String created(VersionInfo v) {
    return v.createdAt().truncatedTo(ChronoUnit.SECONDS).toString();
  }

  private static void field(StringBuilder sb, String name, String value) {
    sb.append(String.format(Locale.ROOT, "%-11s%s%n", name, value).replace("\r\n", "\n"));
  }

  /** A JSON object or array, indented; empty for any other value. */
  static Optional<String> prettyJson(String value) {
    String v = value.strip();
    if (!(v.startsWith("{") || v.startsWith("["))) {
      return Optional.empty();
    }
    try {
      JsonNode node = JSON.readTree(v);
      return Optional.of(JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node));
    } catch (JsonProcessingException e) {
      return Optional.empty();
    }
  }
}
