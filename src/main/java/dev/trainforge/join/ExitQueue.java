package dev.trainforge.join;

import java.util.Arrays;
import java.util.PriorityQueue;
import org.apache.spark.sql.catalyst.InternalRow;

/**
 * The rows of the current key waiting to leave one window, taken out in exit order.
 *
 * <p>Rows enter in sort order, by visibility; a row's exit is {@code max(e + W, a) + g}. Unless a
 * row is late (its available time beyond its event time), exits come in entry order, so most rows
 * go to a first-in first-out queue of two arrays: no object and no heap step per row. A row whose
 * exit is before the last queued one goes to a heap instead. Taking out merges the two.
 */
final class ExitQueue {
  private record Late(long exit, InternalRow row) {}

  private long[] exits = new long[64];
  private InternalRow[] rows = new InternalRow[64];
  private int head;
  private int tail;
  private PriorityQueue<Late> late;

  void add(long exit, InternalRow row) {
    if (head < tail && exit < exits[tail - 1]) {
      if (late == null) {
        late = new PriorityQueue<>((x, y) -> Long.compare(x.exit(), y.exit()));
      }
      late.add(new Late(exit, row));
      return;
    }
    if (tail == exits.length) {
      makeRoom();
    }
    exits[tail] = exit;
    rows[tail++] = row;
  }

  /** Shifts the queue to the front, or doubles it when more than half is in use. */
  private void makeRoom() {
    int size = tail - head;
    if (size > exits.length / 2) {
      exits = Arrays.copyOf(exits, exits.length * 2);
      rows = Arrays.copyOf(rows, rows.length * 2);
    }
    System.arraycopy(exits, head, exits, 0, size);
    System.arraycopy(rows, head, rows, 0, size);
    Arrays.fill(rows, size, tail, null);
    head = 0;
    tail = size;
  }

  /** The next row whose exit is at or before {@code t}, taken out; null when there is none. */
  InternalRow pollUpTo(long t) {
    boolean queued = head < tail && exits[head] <= t;
    boolean fromLate = late != null && !late.isEmpty() && late.peek().exit() <= t;
    if (fromLate && (!queued || late.peek().exit() < exits[head])) {
      return late.poll().row();
    }
    if (!queued) {
      return null;
    }
    InternalRow row = rows[head];
    rows[head++] = null;
    return row;
  }

  void clear() {
    Arrays.fill(rows, head, tail, null);
    head = 0;
    tail = 0;
    if (late != null) {
      late.clear();
    }
  }
}
