package dev.trainforge.bench;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;

/**
 * A benchmark's methods run in rounds, every other round in reverse order, so that no method always
 * runs first in the JVM (and pays alone for compiling the code the methods share) or always right
 * after the same other method (on this host a method's time also depends on the memory the one
 * before it gave back). Every run is kept; a method's fastest run stands for it, since the minutes
 * when the host is slow only ever add time. A method that did not finish is not run again.
 *
 * @param <R> a run's result
 */
final class Rounds<R> {
  /** One round: runs the methods in the order given and returns their results. */
  interface Round<R> {
    List<R> run(List<String> order) throws Exception;
  }

  private final Map<String, List<R>> runs = new LinkedHashMap<>();
  private final Function<R, String> method;
  private final Function<R, Double> seconds;

  private Rounds(List<String> methods, Function<R, String> method, Function<R, Double> seconds) {
    methods.forEach(m -> runs.put(m, new ArrayList<>()));
    this.method = method;
    this.seconds = seconds;
  }

  /**
   * Runs {@code rounds} rounds of {@code methods} on data set {@code set}.
   *
   * @param method a result's method
   * @param seconds a result's wall time, null when the method did not finish
   */
  static <R> Rounds<R> run(
      String set,
      List<String> methods,
      int rounds,
      Function<R, String> method,
      Function<R, Double> seconds,
      Round<R> round)
      throws Exception {
    Rounds<R> all = new Rounds<>(methods, method, seconds);
    for (int r = 0; r < rounds; r++) {
      List<String> order = new ArrayList<>();
      for (String m : methods) {
        List<R> before = all.runs.get(m);
        if (before.isEmpty() || seconds.apply(before.get(0)) != null) {
          order.add(m);
        }
      }
      if (r % 2 == 1) {
        Collections.reverse(order);
      }
      JoinBenchmark.log("%s, round %d of %d: %s", set, r + 1, rounds, order);
      for (R result : round.run(order)) {
        all.runs.get(method.apply(result)).add(result);
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
        Double s = seconds.apply(r);
        Double best = seconds.apply(pick);
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
            Double a = seconds.apply(ours.get(i));
            Double b = seconds.apply(of.get(i));
            ratios.add(a == null || b == null ? "—" : String.format(Locale.ROOT, "%.2f", a / b));
          }
          sb.append(String.format(Locale.ROOT, "%n- ours ÷ %s, round by round: %s", m, ratios));
        });
    return sb.toString();
  }

  private String shown(R run) {
    Double s = seconds.apply(run);
    return s == null ? "DNF" : String.format(Locale.ROOT, "%.1f", s);
  }
}
