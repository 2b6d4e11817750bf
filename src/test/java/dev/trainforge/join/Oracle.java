package dev.trainforge.join;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * The as-of rule of docs/point-in-time-semantics.md as a brute-force scan, written from the spec
 * alone: for each label and source, look at every feature row. Quadratic and obviously right; the
 * join must agree with it row for row.
 */
final class Oracle {
  private Oracle() {}

  /** A feature row: its key, times in microseconds, tie-break, content hash and values. */
  record FeatureRow(Object key, Long e, Long a, Long tieBreak, long hash, List<Object> values) {}

  /** A source: its rows and the rule's parameters. */
  record Source(List<FeatureRow> rows, long lag, Long maxAge, boolean exactMatches) {}

  /** What the rule says for one label and one source. */
  record Expected(
      MatchStatus status,
      List<Object> values,
      Long eventTime,
      Long availableTime,
      Boolean hashTie) {}

  static Expected expect(Object labelKey, Long t, Source source, int valueCount) {
    if (t == null) {
      return none(MatchStatus.NULL_TIME, valueCount);
    }
    if (labelKey == null) {
      return none(MatchStatus.NULL_KEY, valueCount);
    }
    long asOf = t - source.lag();
    List<FeatureRow> candidates = new ArrayList<>();
    for (FeatureRow f : source.rows()) {
      if (f.key() == null || f.e() == null || f.a() == null || !f.key().equals(labelKey)) {
        continue; // SQL equality: null matches nothing; null times compare false
      }
      boolean eventOk = source.exactMatches() ? f.e() <= asOf : f.e() < asOf;
      boolean fresh = source.maxAge() == null || f.e() >= t - source.maxAge();
      if (eventOk && f.a() <= asOf && fresh) {
        candidates.add(f);
      }
    }
    if (candidates.isEmpty()) {
      return none(MatchStatus.NO_MATCH, valueCount);
    }
    FeatureRow winner = candidates.get(0);
    for (FeatureRow f : candidates) {
      if (compare(f, winner) > 0) {
        winner = f;
      }
    }
    boolean tie = false;
    for (FeatureRow f : candidates) {
      if (compareTimes(f, winner) == 0 && f.hash() != winner.hash()) {
        tie = true;
      }
    }
    return new Expected(MatchStatus.MATCHED, winner.values(), winner.e(), winner.a(), tie);
  }

  private static Expected none(MatchStatus status, int valueCount) {
    List<Object> nulls = new ArrayList<>();
    for (int i = 0; i < valueCount; i++) {
      nulls.add(null);
    }
    return new Expected(status, nulls, null, null, null);
  }

  /** The spec's total order: (e, a, tie-break with nulls first, content hash). */
  static int compare(FeatureRow x, FeatureRow y) {
    int c = compareTimes(x, y);
    return c != 0 ? c : Long.compare(x.hash(), y.hash());
  }

  private static int compareTimes(FeatureRow x, FeatureRow y) {
    int c = Long.compare(x.e(), y.e());
    if (c == 0) {
      c = Long.compare(x.a(), y.a());
    }
    if (c == 0 && !Objects.equals(x.tieBreak(), y.tieBreak())) {
      if (x.tieBreak() == null) {
        return -1;
      }
      if (y.tieBreak() == null) {
        return 1;
      }
      c = Long.compare(x.tieBreak(), y.tieBreak());
    }
    return c;
  }
}
