package dev.trainforge.join;

import java.io.Serializable;

/**
 * Where the order fields sit in a source's row inside the merge: {@code e} is always first, then
 * {@code a} and the tie-break if the source carries them, then the content hash, then the features.
 * A field a source does not carry is -1: a missing {@code a} orders like {@code e} (it is {@code e}
 * plus a constant), a missing tie-break is null on every row.
 *
 * @param available position of {@code a}, or -1
 * @param tieBreak position of the tie-break, or -1
 * @param hash position of the content hash
 */
record SourceSlots(int available, int tieBreak, int hash) implements Serializable {
  /** The slots of a source that carries the given fields. */
  static SourceSlots of(boolean available, boolean tieBreak) {
    int next = 1;
    int a = available ? next++ : -1;
    int tb = tieBreak ? next++ : -1;
    return new SourceSlots(a, tb, next);
  }

  /** Fields before the features. */
  int fixedFields() {
    return hash + 1;
  }
}
