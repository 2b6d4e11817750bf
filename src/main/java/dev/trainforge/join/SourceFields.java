package dev.trainforge.join;

import java.io.Serializable;

/**
 * Where one source's fields sit in a feature event (absolute field positions, see {@link
 * EventLayout}).
 *
 * @param event position of {@code e}, or -1 when it is not shipped: then {@code e = time -
 *     eventShift}, since the visibility is {@code e} plus a constant for every row of the source
 * @param eventShift visibility minus {@code e}, when {@code event} is -1
 * @param available position of {@code a}, or -1: a missing {@code a} is {@code e} plus a constant
 *     and orders like {@code e}
 * @param tieBreak position of the tie-break, or -1 when the source has none (null on every row)
 * @param features positions of the shipped value columns: the latest-value columns in the source's
 *     order, then the columns only its aggregations read
 */
record SourceFields(int event, long eventShift, int available, int tieBreak, int[] features)
    implements Serializable {
  SourceFields {
    features = features.clone();
  }
}
