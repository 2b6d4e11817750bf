package dev.trainforge.bench;

import java.util.LinkedHashMap;
import java.util.Map;

/** The benchmarks' command line: {@code --name value} pairs, in the order given. */
public final class BenchOptions {
  private BenchOptions() {}

  /**
   * Each {@code --name value} pair of {@code args} as name → value; a last lone word is ignored.
   */
  public static Map<String, String> parse(String[] args) {
    Map<String, String> opts = new LinkedHashMap<>();
    for (int i = 0; i + 1 < args.length; i += 2) {
      opts.put(args[i].replaceFirst("^--", ""), args[i + 1]);
    }
    return opts;
  }
}
