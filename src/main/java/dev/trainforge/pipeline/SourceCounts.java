package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.join.MatchStatus;
import java.util.EnumMap;
import java.util.Map;

/**
 * What the join did for one feature source: label rows per status, and how many winners were
 * decided by the content hash alone between rows with different values.
 */
public record SourceCounts(String source, Map<MatchStatus, Long> byStatus, long hashTies) {
  public SourceCounts {
    requireNonNull(source, "source is null");
    EnumMap<MatchStatus, Long> copy = new EnumMap<>(MatchStatus.class);
    for (MatchStatus s : MatchStatus.values()) {
      copy.put(s, byStatus.getOrDefault(s, 0L));
    }
    byStatus = java.util.Collections.unmodifiableMap(copy);
  }

  public long count(MatchStatus status) {
    return byStatus.get(status);
  }

  public long total() {
    return byStatus.values().stream().mapToLong(Long::longValue).sum();
  }
}
