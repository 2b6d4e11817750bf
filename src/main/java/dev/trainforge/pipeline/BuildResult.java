package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.report.Numbers;
import dev.trainforge.spark.BuildCost;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build did: the version it published, where, from how many label rows, and what the join
 * found per source.
 *
 * @param dataset the dataset name
 * @param version the dataset version
 * @param table the Iceberg table
 * @param tag the version's tag
 * @param snapshotId the published snapshot
 * @param configHash SHA-256 of the canonical dataset spec
 * @param labelRowsRead label rows inside the window (and rows without a time)
 * @param labelRowsDropped rows with a null time or key dropped before the join, by configuration
 * @param rowsOut rows published; always {@code labelRowsRead - labelRowsDropped}
 * @param sources per-source status counts, in the order of the output columns
 * @param verdict the validation gate's verdict: PASS or WARN (a FAIL publishes nothing)
 * @param report where report.json is
 * @param contentChecksum the published rows' {@link dev.trainforge.spark.ContentChecksum}
 * @param existed true when the version already existed with the same config hash and input pins,
 *     and nothing was recomputed
 * @param millis wall time of the build
 * @param days the label days a rolling version holds ({@code dataset.retention}), if it is one
 * @param cost what the build cost: per phase, per input and per key group of the join
 */
public record BuildResult(
    String dataset,
    String version,
    String table,
    String tag,
    long snapshotId,
    String configHash,
    long labelRowsRead,
    long labelRowsDropped,
    long rowsOut,
    List<SourceCounts> sources,
    String verdict,
    String report,
    String contentChecksum,
    boolean existed,
    long millis,
    java.util.Optional<RollingDays> days,
    BuildCost cost) {
  public BuildResult {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(version, "version is null");
    requireNonNull(table, "table is null");
    requireNonNull(tag, "tag is null");
    requireNonNull(configHash, "configHash is null");
    sources = List.copyOf(sources);
    requireNonNull(verdict, "verdict is null");
    requireNonNull(report, "report is null");
    requireNonNull(contentChecksum, "contentChecksum is null");
    requireNonNull(days, "days is null");
    requireNonNull(cost, "cost is null");
  }

  /** This result with what the build that made it cost. */
  public BuildResult withCost(BuildCost costs) {
    return new BuildResult(
        dataset,
        version,
        table,
        tag,
        snapshotId,
        configHash,
        labelRowsRead,
        labelRowsDropped,
        rowsOut,
        sources,
        verdict,
        report,
        contentChecksum,
        existed,
        millis,
        days,
        costs);
  }

  /**
   * The result as one JSON object, for orchestrators: dataset, version, table, tag, snapshot id,
   * config hash, row counts and per-source status counts.
   */
  public String toJson() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("dataset", dataset);
    root.put("version", version);
    root.put("table", table);
    root.put("tag", tag);
    root.put("snapshot-id", snapshotId);
    root.put("config-sha256", configHash);
    root.put("label-rows-read", labelRowsRead);
    root.put("label-rows-dropped", labelRowsDropped);
    root.put("rows-out", rowsOut);
    Map<String, Object> bySource = new LinkedHashMap<>();
    for (SourceCounts s : sources) {
      Map<String, Object> counts = new LinkedHashMap<>();
      s.byStatus().forEach((status, n) -> counts.put(status.name(), n));
      counts.put("hash-ties", s.hashTies());
      bySource.put(s.source(), counts);
    }
    root.put("sources", bySource);
    root.put("verdict", verdict);
    root.put("report", report);
    root.put("content-checksum", contentChecksum);
    root.put("existed", existed);
    root.put("millis", millis);
    root.put("cost", cost.toMap());
    days.ifPresent(
        d -> {
          Map<String, Object> held = new LinkedHashMap<>();
          held.put("count", d.days().size());
          held.put("first", d.days().isEmpty() ? null : d.days().firstKey().toString());
          held.put("last", d.days().isEmpty() ? null : d.days().lastKey().toString());
          held.put("rows", d.rows());
          root.put("days", held);
        });
    try {
      return new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsString(root);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render the build result as JSON", e);
    }
  }

  /** A short, human-readable summary for the end of a run. */
  public String summary() {
    StringBuilder sb = new StringBuilder();
    if (existed) {
      sb.append(
          String.format(
              "Version %s of '%s' already existed with the same config and input pins;"
                  + " nothing was recomputed%n",
              version, dataset));
    } else {
      sb.append(
          String.format("Built '%s' version %s in %s%n", dataset, version, Numbers.millis(millis)));
    }
    sb.append(String.format("  table      %s%n", table));
    sb.append(String.format("  tag        %s (snapshot %d)%n", tag, snapshotId));
    sb.append(String.format("  config     sha256:%s%n", configHash.substring(0, 16)));
    sb.append(String.format("  checksum   %s%n", contentChecksum));
    sb.append(
        String.format(
            "  rows       %d out = %d label rows in%s%n",
            rowsOut,
            labelRowsRead - labelRowsDropped,
            labelRowsDropped > 0 ? " (" + labelRowsDropped + " null-key/time rows dropped)" : ""));
    sb.append(
        String.format(
            "  %-24s %9s %9s %9s %9s %9s%n",
            "source", "MATCHED", "NO_MATCH", "NULL_KEY", "NULL_TIME", "hash-ties"));
    for (SourceCounts s : sources) {
      sb.append(
          String.format(
              "  %-24s %9d %9d %9d %9d %9d%n",
              s.source(),
              s.count(dev.trainforge.join.MatchStatus.MATCHED),
              s.count(dev.trainforge.join.MatchStatus.NO_MATCH),
              s.count(dev.trainforge.join.MatchStatus.NULL_KEY),
              s.count(dev.trainforge.join.MatchStatus.NULL_TIME),
              s.hashTies()));
    }
    days.ifPresent(
        d ->
            sb.append(
                String.format(
                    "  days       %d label days (%s), %d rows in the version%n",
                    d.days().size(),
                    d.days().isEmpty() ? "-" : d.days().firstKey() + ".." + d.days().lastKey(),
                    d.rows())));
    for (BuildCost.Source s : cost.sources()) {
      sb.append(
          String.format(
              "  read       %-24s %d files, %d bytes, %d rows, task %.1f s%n",
              s.role(), s.files(), s.bytes(), s.rows(), s.taskMillis() / 1000.0));
    }
    for (BuildCost.KeyGroup g : cost.keyGroups()) {
      sb.append(
          String.format(
              "  shuffle    %-24s %d bytes written, %d read%n",
              String.join(",", g.keys()) + " " + g.sources(),
              g.shuffleBytesWritten(),
              g.shuffleBytesRead()));
    }
    if (!cost.phases().isEmpty()) {
      sb.append(
          String.format(
              "  cost       %.1f s wall, %.1f s task time%n",
              cost.phases().stream().mapToLong(BuildCost.Phase::wallMillis).sum() / 1000.0,
              cost.taskMillis() / 1000.0));
    }
    sb.append(String.format("  validation %s, report %s%n", verdict, report));
    sb.append(
        String.format(
            "  read it    spark.read().option(\"versionAsOf\", \"%s\").table(\"%s\")%n",
            tag, table));
    return sb.toString();
  }
}
