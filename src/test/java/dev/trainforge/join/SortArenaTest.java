package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** The arrays a sorter takes over from the sorter before it on the same thread. */
class SortArenaTest {
  @Test
  void keepsAnArrayLongEnoughAndReplacesOneTooShort() {
    SortArena arena = new SortArena(1024);
    long[] first = arena.longs(SortArena.BUCKET_GROUP, 100);
    assertThat(first).hasSize(100);
    assertThat(arena.longs(SortArena.BUCKET_GROUP, 50)).isSameAs(first);
    long[] longer = arena.longs(SortArena.BUCKET_GROUP, 200);
    assertThat(longer).hasSize(200).isNotSameAs(first);
    assertThat(arena.longs(SortArena.BUCKET_GROUP, 150)).isSameAs(longer);
    // slots are apart
    assertThat(arena.longs(SortArena.BUCKET_TIME, 10)).isNotSameAs(longer);
  }

  @Test
  void keepsWhatItGrewTo() {
    SortArena arena = new SortArena(1024);
    int[] order = arena.ints(SortArena.BUCKET_ORDER, 4);
    order[3] = 42;
    int[] grown = arena.grow(SortArena.BUCKET_ORDER, order, 8);
    assertThat(grown).hasSize(8);
    assertThat(grown[3]).isEqualTo(42);
    assertThat(arena.ints(SortArena.BUCKET_ORDER, 8)).isSameAs(grown);
  }

  @Test
  void lendsChunksOnlyUntilGivenBack() {
    SortArena arena = new SortArena(1024);
    byte[] a = arena.chunk(1024);
    byte[] b = arena.chunk(1024);
    assertThat(b).isNotSameAs(a);
    // a row larger than a chunk gets an array of its own
    assertThat(arena.chunk(5000)).hasSize(5000);
    arena.giveBack();
    SortArena again = SortArena.take(1024);
    assertThat(again).isSameAs(arena);
    assertThat(again.uses()).isEqualTo(1);
    byte[] c = again.chunk(1024);
    byte[] d = again.chunk(1024);
    assertThat(java.util.List.of(c, d))
        .usingElementComparator((x, y) -> x == y ? 0 : 1)
        .containsExactlyInAnyOrder(a, b);
    assertThat(again.chunk(1024)).isNotSameAs(a).isNotSameAs(b);
  }

  @Test
  void isNotGivenBackOutsideASparkTask() {
    SortArena first = SortArena.take(4096);
    SortArena second = SortArena.take(4096);
    assertThat(second).isNotSameAs(first);
    assertThat(second.uses()).isEqualTo(1);
  }

  @Test
  void takesNoArenaOfAnotherChunkSize() {
    SortArena arena = SortArena.take(2048);
    arena.giveBack();
    assertThat(SortArena.take(4096)).isNotSameAs(arena);
  }

  @Test
  void keepsChunksWhoseRowsHaveMovedOnForTheNextTask() {
    SortArena arena = new SortArena(1024);
    byte[] a = arena.chunk(1024);
    arena.chunksDone();
    // a is idle, not free: this task gets a new chunk
    byte[] b = arena.chunk(1024);
    assertThat(b).isNotSameAs(a);
    arena.giveBack();
    SortArena again = SortArena.take(1024);
    assertThat(java.util.List.of(again.chunk(1024), again.chunk(1024)))
        .usingElementComparator((x, y) -> x == y ? 0 : 1)
        .containsExactlyInAnyOrder(a, b);
  }
}
