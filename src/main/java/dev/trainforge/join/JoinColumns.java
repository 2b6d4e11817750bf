package dev.trainforge.join;

/**
 * Names of the internal columns the join reads and writes. The {@code __tf_} prefix is reserved:
 * configuration rejects output columns that use it.
 */
public final class JoinColumns {
  /** Label time, epoch microseconds (nullable), on the label input. */
  public static final String LABEL_TIME = "__tf_t";

  /** Feature event time, epoch microseconds, on a source's input. */
  public static final String EVENT_TIME = "__tf_e";

  /** Feature available time, epoch microseconds, on a source's input. */
  public static final String AVAILABLE_TIME = "__tf_a";

  /** Feature tie-break value (nullable; nulls order first), on a source's input. */
  public static final String TIE_BREAK = "__tf_tb";

  static final String ORDER = "__tf_o";

  private JoinColumns() {}
}
