package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.spark.sql.catalyst.InternalRow;
import org.junit.jupiter.api.Test;

class ExitQueueTest {
  @Test
  void rowsComeOutByExitWhateverOrderTheyWentInAndOnlyOnceDue() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      ExitQueue queue = new ExitQueue();
      List<long[]> added = new ArrayList<>(); // {exit, id}
      long clock = 0;
      long last = 0;
      List<Long> out = new ArrayList<>();
      int n = random.nextInt(300);
      for (int i = 0; i < n; i++) {
        // mostly rising exits, some late ones (earlier than the last), some ties; as in the
        // merge, a row enters after the labels already served, so it exits after them too
        long exit =
            Math.max(
                clock + 1,
                random.nextInt(5) == 0 ? last - random.nextInt(50) : last + random.nextInt(3) * 10);
        last = Math.max(last, exit);
        queue.add(exit, SparkRows.row(new Object[] {exit, (long) i}));
        added.add(new long[] {exit, i});
        if (random.nextInt(4) == 0) {
          clock += random.nextInt(40);
          drain(queue, clock, out);
        }
      }
      drain(queue, Long.MAX_VALUE, out);
      assertThat(out).hasSize(n);
      assertThat(out).isSorted().as("round %d", round);
      assertThat(queue.pollUpTo(Long.MAX_VALUE)).isNull();
    }
  }

  @Test
  void aClearedQueueHoldsNothing() {
    ExitQueue queue = new ExitQueue();
    queue.add(5, SparkRows.row(new Object[] {5L, 0L}));
    queue.add(3, SparkRows.row(new Object[] {3L, 1L}));
    queue.clear();
    assertThat(queue.pollUpTo(Long.MAX_VALUE)).isNull();
    queue.add(9, SparkRows.row(new Object[] {9L, 2L}));
    assertThat(queue.pollUpTo(8)).isNull();
    assertThat(queue.pollUpTo(9).getLong(1)).isEqualTo(2L);
  }

  /** Takes out every due row at {@code clock}; each must be due, and in exit order. */
  private static void drain(ExitQueue queue, long clock, List<Long> out) {
    for (InternalRow r = queue.pollUpTo(clock); r != null; r = queue.pollUpTo(clock)) {
      assertThat(r.getLong(0)).isLessThanOrEqualTo(clock);
      out.add(r.getLong(0));
    }
  }
}
