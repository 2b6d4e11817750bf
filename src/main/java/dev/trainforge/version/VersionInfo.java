package dev.trainforge.version;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * One published version as its tag and snapshot record it: nothing here reads rows.
 *
 * @param tag the version's tag, e.g. {@code v1}
 * @param snapshotId the tagged snapshot
 * @param createdAt when the snapshot was committed
 * @param main whether {@code main} points at this snapshot (the latest published version)
 * @param summary the snapshot summary, Iceberg's keys and this tool's {@code trainforge.*} keys
 * @param retracted why the version was retracted, if it was
 */
public record VersionInfo(
    String tag,
    long snapshotId,
    Instant createdAt,
    boolean main,
    Map<String, String> summary,
    Optional<RefNote> retracted) {
  public VersionInfo {
    requireNonNull(tag, "tag is null");
    requireNonNull(createdAt, "createdAt is null");
    summary = Map.copyOf(summary);
    requireNonNull(retracted, "retracted is null");
  }

  /** A version that was not retracted. */
  public VersionInfo(
      String tag, long snapshotId, Instant createdAt, boolean main, Map<String, String> summary) {
    this(tag, snapshotId, createdAt, main, summary, Optional.empty());
  }

  /** A {@code trainforge.*} summary property, by its name without the prefix. */
  public Optional<String> property(String name) {
    return Optional.ofNullable(summary.get(VersionPublisher.PREFIX + name))
        .filter(v -> !v.isEmpty());
  }

  /** Every {@code trainforge.*} summary property, whatever its name, sorted by key. */
  public Map<String, String> trainforgeProperties() {
    Map<String, String> out = new TreeMap<>();
    summary.forEach(
        (k, v) -> {
          if (k.startsWith(VersionPublisher.PREFIX)) {
            out.put(k, v);
          }
        });
    return out;
  }

  /** Rows in the version: the snapshot's record count, else the label rows the build read. */
  public Optional<Long> rows() {
    return Optional.ofNullable(summary.get("total-records"))
        .or(() -> property("label-rows"))
        .map(Long::parseLong);
  }

  /** The config hash, shortened as the build summary prints it: {@code sha256:<16 hex>}. */
  public String shortConfigHash() {
    return property("config-sha256")
        .map(h -> "sha256:" + h.substring(0, Math.min(16, h.length())))
        .orElse("-");
  }
}
