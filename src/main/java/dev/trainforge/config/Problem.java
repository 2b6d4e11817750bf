package dev.trainforge.config;

/**
 * The shape of every configuration problem: where it is ({@code file:line}, {@code --set ...}, or
 * the file with {@code (default)}), what is wrong, and, in parentheses, how to fix it:
 *
 * <pre>{@code conf/datasets/x.conf:12: key 'dataset.validation.top-k' is 0 (use 1 or more)}</pre>
 *
 * Every reader builds its messages here, so that they read alike. Costs a string concatenation.
 */
final class Problem {
  private Problem() {}

  /** {@code where: what (fix)}. */
  static String of(String where, String what, String fix) {
    return where + ": " + what + " (" + fix + ")";
  }

  /** {@code where: what}, for a problem whose statement already says what to do. */
  static String of(String where, String what) {
    return where + ": " + what;
  }

  /** How a key is named in a problem: {@code key 'dataset.labels.path'}. */
  static String key(String path) {
    return "key '" + path + "'";
  }
}
