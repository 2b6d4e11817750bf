package dev.trainforge.spark;

import static java.util.Objects.requireNonNull;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What a build cost, from Spark's own metrics: per phase its wall and task time, per input (the
 * labels and each feature source) what the join read of it and the run time of the tasks that read
 * it, and per key group of the join the bytes its shuffle wrote and read.
 *
 * @param phases each phase of the build, in order
 * @param sources the labels, then each feature source in config order
 * @param keyGroups each shuffle of the join, in the order the join runs them
 */
public record BuildCost(List<Phase> phases, List<Source> sources, List<KeyGroup> keyGroups) {
  public BuildCost {
    phases = List.copyOf(phases);
    sources = List.copyOf(sources);
    keyGroups = List.copyOf(keyGroups);
  }

  /** No cost recorded (a version that already existed). */
  public static final BuildCost NONE = new BuildCost(List.of(), List.of(), List.of());

  /**
   * One phase.
   *
   * @param phase what the phase did
   * @param wallMillis its wall time
   * @param taskMillis the executor run time of the Spark tasks of its jobs
   */
  public record Phase(String phase, long wallMillis, long taskMillis) {
    public Phase {
      requireNonNull(phase, "phase is null");
    }
  }

  /**
   * One input.
   *
   * @param role "labels" or "feature:&lt;name&gt;"
   * @param uri its absolute location (or table name)
   * @param files files the join read of it (after partition pruning)
   * @param bytes their size on storage
   * @param rows rows the join's scan of it returned
   * @param taskMillis executor run time of every task that read it: the label scan, the join's
   *     sampling pass and the join (the map side of its shuffle included)
   */
  public record Source(
      String role, String uri, long files, long bytes, long rows, long taskMillis) {
    public Source {
      requireNonNull(role, "role is null");
      requireNonNull(uri, "uri is null");
    }
  }

  /**
   * One shuffle of the join: the sources that share an entity key, with the labels.
   *
   * @param keys the entity key columns
   * @param sources the feature sources of the group
   * @param shuffleBytesWritten bytes its map tasks wrote
   * @param shuffleBytesRead bytes its reduce tasks read (local and remote)
   * @param shuffleRecordsWritten records its map tasks wrote
   */
  public record KeyGroup(
      List<String> keys,
      List<String> sources,
      long shuffleBytesWritten,
      long shuffleBytesRead,
      long shuffleRecordsWritten) {
    public KeyGroup {
      keys = List.copyOf(keys);
      sources = List.copyOf(sources);
    }
  }

  /** Total task time of all phases. */
  public long taskMillis() {
    return phases.stream().mapToLong(Phase::taskMillis).sum();
  }

  /** As plain maps and lists, for JSON: keys in kebab case, times in seconds. */
  public Map<String, Object> toMap() {
    Map<String, Object> root = new LinkedHashMap<>();
    root.put(
        "phases",
        phases.stream()
            .map(
                p -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("phase", p.phase());
                  m.put("wall-seconds", p.wallMillis() / 1000.0);
                  m.put("task-seconds", p.taskMillis() / 1000.0);
                  return m;
                })
            .toList());
    root.put(
        "sources",
        sources.stream()
            .map(
                s -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("role", s.role());
                  m.put("uri", s.uri());
                  m.put("files", s.files());
                  m.put("bytes", s.bytes());
                  m.put("rows", s.rows());
                  m.put("task-seconds", s.taskMillis() / 1000.0);
                  return m;
                })
            .toList());
    root.put(
        "key-groups",
        keyGroups.stream()
            .map(
                g -> {
                  Map<String, Object> m = new LinkedHashMap<>();
                  m.put("keys", g.keys());
                  m.put("sources", g.sources());
                  m.put("shuffle-bytes-written", g.shuffleBytesWritten());
                  m.put("shuffle-bytes-read", g.shuffleBytesRead());
                  m.put("shuffle-records-written", g.shuffleRecordsWritten());
                  return m;
                })
            .toList());
    return root;
  }

  /**
   * A compact one-line form for a snapshot summary or table property: per input {@code
   * role=files/bytes/rows/task-seconds}, per key group {@code keys=written/read} shuffle bytes, and
   * the total wall and task seconds.
   */
  public String compact() {
    StringBuilder sb = new StringBuilder();
    for (Source s : sources) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "%s=%df/%dB/%dr/%.1fs",
                  s.role(),
                  s.files(),
                  s.bytes(),
                  s.rows(),
                  s.taskMillis() / 1000.0));
    }
    for (KeyGroup g : keyGroups) {
      sb.append(sb.isEmpty() ? "" : " ")
          .append(
              String.format(
                  java.util.Locale.ROOT,
                  "shuffle[%s]=%dB/%dB",
                  String.join(",", g.keys()),
                  g.shuffleBytesWritten(),
                  g.shuffleBytesRead()));
    }
    sb.append(sb.isEmpty() ? "" : " ")
        .append(
            String.format(
                java.util.Locale.ROOT,
                "wall=%.1fs task=%.1fs",
                phases.stream().mapToLong(Phase::wallMillis).sum() / 1000.0,
                taskMillis() / 1000.0));
    return sb.toString();
  }
}
