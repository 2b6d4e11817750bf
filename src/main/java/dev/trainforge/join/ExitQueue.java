package dev.trainforge.join;

import java.util.Arrays;
import java.util.PriorityQueue;

/**
 * The rows of the current key waiting to leave one window, taken out in exit order. A row is what
 * the window's totals take from it ({@link WindowTotals#capture}): {@code stride} longs.
 *
 * <p>Rows enter in sort order, by visibility; a row's exit is {@code max(e + W, a) + g}. Unless a
 * row is late (its available time beyond its event time), exits come in entry order, so most rows
 * go to a first-in first-out queue of two arrays: no object and no heap step per row. A row whose
 * exit is before the last queued one goes to a heap instead. Taking out merges the two.
 */
final class ExitQueue {
  private record Late(long exit, long[] values) {}

  private final int stride;
  private long[] exits = new long[64];
  private long[] values;
  private int head;
  private int tail;
  private PriorityQueue<Late> late;

  /** A queue of rows of {@code stride} longs each. */
  ExitQueue(int stride) {
    this.stride = stride;
    this.values = new long[64 * stride];
  }

  /**
   * Queues the row at {@code at} of {@code row} ({@code stride} longs), to leave at {@code exit}.
   */
  void add(long exit, long[] row, int at) {
    if (head < tail && exit < exits[tail - 1]) {
      if (late == null) {
        late = new PriorityQueue<>((x, y) -> Long.compare(x.exit(), y.exit()));
      }
      late.add(new Late(exit, Arrays.copyOfRange(row, at, at + stride)));
      return;
    }
    if (tail == exits.length) {
      makeRoom();
    }
    exits[tail] = exit;
    System.arraycopy(row, at, values, tail * stride, stride);
    tail++;
  }

  /** Shifts the queue to the front, or doubles it when more than half is in use. */
  private void makeRoom() {
    int size = tail - head;
    if (size > exits.length / 2) {
      exits = Arrays.copyOf(exits, exits.length * 2);
      values = Arrays.copyOf(values, values.length * 2);
    }
    System.arraycopy(exits, head, exits, 0, size);
    System.arraycopy(values, head * stride, values, 0, size * stride);
    head = 0;
    tail = size;
  }

  /**
   * Takes out the next row whose exit is at or before {@code t}, copying its {@code stride} longs
   * into {@code into}; false when there is none.
   */
  boolean pollUpTo(long t, long[] into) {
    boolean queued = head < tail && exits[head] <= t;
    boolean fromLate = late != null && !late.isEmpty() && late.peek().exit() <= t;
    if (fromLate && (!queued || late.peek().exit() < exits[head])) {
      System.arraycopy(late.poll().values(), 0, into, 0, stride);
      return true;
    }
    if (!queued) {
      return false;
    }
    System.arraycopy(values, head * stride, into, 0, stride);
    head++;
    return true;
  }

  void clear() {
    head = 0;
    tail = 0;
    if (late != null) {
      late.clear();
    }
  }
}
