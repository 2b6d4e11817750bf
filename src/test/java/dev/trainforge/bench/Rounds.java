package dev.trainforge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A benchmark's methods run in rounds, every other round in reverse order, so that no method always
 * runs first in the JVM (and pays alone for compiling the code the methods share) or always right
 * after the same other method (on this host a method's time also depends on the memory the one
 * before it gave back). Every run is kept; a method's fastest run stands for it, since the minutes
 * when the host is slow only ever add time. A method that did not finish is not run again.
 *
 * @param <R> a run's result
 */
final class Rounds<R extends Rounds.Run> {
  /** What a run says of itself: its method, and its wall time, null when it did not finish. */
  interface Run {
    String method();

    Double seconds();
  }

  /** One round: runs the methods in the order given and returns their results. */
  interface Round<R> {
    List<R> run(List<String> order) throws Exception;
  }

  private final Map<String, List<R>> runs = new LinkedHashMap<>();

  private Rounds(List<String> methods) {
    methods.forEach(m -> runs.put(m, new ArrayList<>()));
  }

  /** Runs {@code rounds} rounds of {@code methods} on data set {@code set}. */
  static <R extends Run> Rounds<R> run(String set, List<String> methods, int rounds, Round<R> round)
      throws Exception {
    Rounds<R> all = new Rounds<>(methods);
    for (int r = 0; r < rounds; r++) {
      List<String> order = new ArrayList<>();
      for (String m : methods) {
        List<R> before = all.runs.get(m);
        if (before.isEmpty() || before.get(0).seconds() != null) {
          order.add(m);
        }
      }
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      JoinBenchmark.log("%s, round %d of %d: %s", set, r + 1, rounds, order);
      for (R result : round.run(order)) {
        all.runs.get(result.method()).add(result);
      }
    }
    return all;
  }

  /** Each method's fastest run that finished, or its first run when none did; in method order. */
  List<R> fastest() {
    List<R> fastest = new ArrayList<>();
    for (List<R> of : runs.values()) {
      R pick = of.get(0);
      for (R r : of) {
        Double s = r.seconds();
        Double best = pick.seconds();
        if (s != null && (best == null || s < best)) {
          pick = r;
        }
      }
      fastest.add(pick);
    }
    return fastest;
  }

  /** A note line: every run's seconds (DNF when it did not finish), method by method. */
  String everyRun() {
    List<String> parts = new ArrayList<>();
    runs.forEach(
        (m, of) -> parts.add(m + " " + String.join(", ", of.stream().map(this::shown).toList())));
    return "- every run (s, in round order): " + String.join("; ", parts);
  }

  /**
   * A note line per other method: {@code ours}'s time over its time, round by round; empty without
   * runs of {@code ours}.
   */
  String oursOverOthers() {
    List<R> ours = runs.getOrDefault("ours", List.of());
    StringBuilder sb = new StringBuilder();
    runs.forEach(
        (m, of) -> {
          if (m.equals("ours") || ours.isEmpty()) {
            return;
          }
          List<String> ratios = new ArrayList<>();
          for (int i = 0; i < Math.min(ours.size(), of.size()); i++) {
            Double a = ours.get(i).seconds();
            Double b = of.get(i).seconds();
            ratios.add(a == null || b == null ? "—" : String.format(Locale.ROOT, "%.2f", a / b));
          }
          sb.append(String.format(Locale.ROOT, "%n- ours ÷ %s, round by round: %s", m, ratios));
        });
    return sb.toString();
  }

  private String shown(R run) {
    Double s = run.seconds();
    return s == null ? "DNF" : String.format(Locale.ROOT, "%.1f", s);
  }
}
