package dev.trainforge.config;

import java.util.Collection;
import java.util.Optional;

/** "Did you mean" for misspelt names: the closest known name within a small edit distance. */
public final class Suggestions {
  private Suggestions() {}

  /** The known name closest to {@code name}, if one is within a third of its length. */
  public static Optional<String> closest(String name, Collection<String> known) {
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    for (String candidate : known) {
      int d = distance(name, candidate);
      if (d < bestDistance || (d == bestDistance && candidate.compareTo(best) < 0)) {
        best = candidate;
        bestDistance = d;
      }
    }
    int limit = Math.max(2, name.length() / 3);
    return bestDistance <= limit ? Optional.ofNullable(best) : Optional.empty();
  }

  /** Levenshtein distance, ignoring case and treating '-' and '_' as equal. */
  static int distance(String a, String b) {
    a = normalize(a);
    b = normalize(b);
    int[] prev = new int[b.length() + 1];
    int[] cur = new int[b.length() + 1];
    for (int j = 0; j <= b.length(); j++) {
      prev[j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      cur[0] = i;
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        cur[j] = Math.min(Math.min(cur[j - 1] + 1, prev[j] + 1), prev[j - 1] + cost);
      }
      int[] t = prev;
      prev = cur;
      cur = t;
    }
    return prev[b.length()];
  }

  private static String normalize(String s) {
    return s.toLowerCase(java.util.Locale.ROOT).replace('_', '-');
  }
}
