package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class ExitQueueTest {
  @Test
  void rowsComeOutByExitWhateverOrderTheyWentInAndOnlyOnceDue() {
    Random random = new Random(7);
    for (int round = 0; round < 200; round++) {
      ExitQueue queue = new ExitQueue(2);
      List<Long> ids = new ArrayList<>();
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
        queue.add(exit, new long[] {-1, exit, i}, 1);
        if (random.nextInt(4) == 0) {
          clock += random.nextInt(40);
          drain(queue, clock, out, ids);
        }
      }
      drain(queue, Long.MAX_VALUE, out, ids);
      assertThat(out).hasSize(n);
      assertThat(out).isSorted().as("round %d", round);
      // each row once, its values intact
      assertThat(ids)
          .containsExactlyInAnyOrderElementsOf(
              java.util.stream.LongStream.range(0, n).boxed().toList());
      assertThat(queue.pollUpTo(Long.MAX_VALUE, new long[2])).isFalse();
    }
  }

  @Test
  void aClearedQueueHoldsNothing() {
    ExitQueue queue = new ExitQueue(2);
    long[] row = new long[2];
    queue.add(5, new long[] {5, 0}, 0);
    queue.add(3, new long[] {3, 1}, 0);
    queue.clear();
    assertThat(queue.pollUpTo(Long.MAX_VALUE, row)).isFalse();
    queue.add(9, new long[] {9, 2}, 0);
    assertThat(queue.pollUpTo(8, row)).isFalse();
    assertThat(queue.pollUpTo(9, row)).isTrue();
    assertThat(row).containsExactly(9, 2);
  }

  /** Takes out every due row at {@code clock} (exit and id); each must be due. */
  private static void drain(ExitQueue queue, long clock, List<Long> out, List<Long> ids) {
    long[] row = new long[2];
    while (queue.pollUpTo(clock, row)) {
      assertThat(row[0]).isLessThanOrEqualTo(clock);
      out.add(row[0]);
      ids.add(row[1]);
    }
  }
}
