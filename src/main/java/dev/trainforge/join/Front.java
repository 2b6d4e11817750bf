package dev.trainforge.join;

import java.util.Collection;
import java.util.Map;
import java.util.TreeMap;

/**
 * The rows that can still be the max (or min) of a window: those that no other row beats both in
 * value and in how long it stays in the window. Ordered by exit, their values strictly worsen, so
 * the best row in the window at label time {@code t} is the first one with an exit after {@code t}.
 * For random values a front holds about the logarithm of the rows offered; for values that only
 * fall (for max) it holds them all.
 *
 * @param <T> what each kept entry carries
 */
final class Front<T> {
  /** An entry: when its row leaves the window, its value as order bits, and what it carries. */
  record Entry<T>(long exit, long bits, T payload) {}

  private final boolean max;
  private final TreeMap<Long, Entry<T>> byExit = new TreeMap<>();

  Front(boolean max) {
    this.max = max;
  }

  private boolean atLeastAsGood(long x, long y) {
    return max ? x >= y : x <= y;
  }

  void offer(long exit, long bits, T payload) {
    offer(new Entry<>(exit, bits, payload));
  }

  void offer(Entry<T> e) {
    Map.Entry<Long, Entry<T>> later = byExit.ceilingEntry(e.exit());
    if (later != null && atLeastAsGood(later.getValue().bits(), e.bits())) {
      return;
    }
    var earlier = byExit.headMap(e.exit(), true).descendingMap().entrySet().iterator();
    while (earlier.hasNext()) {
      if (!atLeastAsGood(e.bits(), earlier.next().getValue().bits())) {
        break;
      }
      earlier.remove();
    }
    byExit.put(e.exit(), e);
  }

  /** The best value among rows still in the window at label time {@code t}, or null. */
  Long best(long t) {
    byExit.headMap(t, true).clear();
    return byExit.isEmpty() ? null : byExit.firstEntry().getValue().bits();
  }

  Collection<Entry<T>> entries() {
    return byExit.values();
  }

  void clear() {
    byExit.clear();
  }
}
