package dev.trainforge.join;

import java.lang.ref.SoftReference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

/**
 * The large arrays of an {@link EventSorter}, handed on from a task to the next one that sorts on
 * the same thread.
 *
 * <p>Why: a partition's sort holds its rows twice and 12 bytes a row of place and hash (tens of
 * megabytes a partition on S). Allocated afresh in every task, the JVM zeroes them and the kernel
 * faults their pages in anew, which took about a quarter of the merge stage's CPU on S. Taken from
 * the task before, they cost neither: a task allocates only what outgrows its predecessor's arrays.
 *
 * <p>An arena is taken by one sorter at a time, and given back when its task ends, since until then
 * the merge reads views into the arrays. Between tasks the thread holds it through a soft
 * reference: the GC frees it before the heap runs short. So are the chunks once the rows have left
 * them, while the merge runs. Without a Spark task (a sort in a unit test, say) nothing is given
 * back, and the sorter allocates as it always did.
 */
final class SortArena {
  /** A slot of long arrays: where the rows lie, then one bucket's groups and times. */
  static final int ADDRESS = 0;

  static final int BUCKET_GROUP = 1;
  static final int BUCKET_TIME = 2;

  /** A slot of int arrays: the rows' hashes, then one bucket's row offsets and orders. */
  static final int HASH = 0;

  static final int BUCKET_ROW = 1;
  static final int BUCKET_ORDER = 2;

  private static final ThreadLocal<SoftReference<SortArena>> HELD = new ThreadLocal<>();

  private final long[][] longs = new long[3][];
  private final int[][] ints = new int[3][];
  private byte[] rows;
  private final Deque<byte[]> freeChunks = new ArrayDeque<>();
  private final List<byte[]> lentChunks = new ArrayList<>();
  // chunks whose rows have moved on, kept for the next task only if the GC leaves them
  private SoftReference<List<byte[]>> idleChunks;
  private final int chunkSize;
  private int uses;

  SortArena(int chunkSize) {
    this.chunkSize = chunkSize;
  }

  /**
   * The arena this thread's last task gave back, if the GC has left it and its chunks are {@code
   * chunkSize} bytes, or a new one; given back when the current Spark task ends.
   */
  static SortArena take(int chunkSize) {
    SoftReference<SortArena> held = HELD.get();
    SortArena arena = held == null ? null : held.get();
    HELD.remove();
    if (arena == null || arena.chunkSize != chunkSize) {
      arena = new SortArena(chunkSize);
    }
    arena.uses++;
    SparkRows.onTaskEnd(arena::giveBack);
    return arena;
  }

  /** How many sorters have taken this arena, this one included. */
  int uses() {
    return uses;
  }

  /** Makes this the thread's arena again: every chunk lent is free, every array kept. */
  void giveBack() {
    freeChunks.addAll(lentChunks);
    lentChunks.clear();
    List<byte[]> idle = idleChunks == null ? null : idleChunks.get();
    if (idle != null) {
      freeChunks.addAll(idle);
    }
    idleChunks = null;
    HELD.set(new SoftReference<>(this));
  }

  /**
   * Says that the rows have left the chunks (moved into sorted order, or to Spark's sorter): until
   * the task ends the chunks are held softly, so that the GC may take them back while the merge or
   * Spark's sorter needs the heap.
   */
  void chunksDone() {
    List<byte[]> idle = new ArrayList<>(lentChunks);
    idle.addAll(freeChunks);
    lentChunks.clear();
    freeChunks.clear();
    idleChunks = new SoftReference<>(idle);
  }

  /** The slot's long array if it holds at least {@code length} elements, else a new one, kept. */
  long[] longs(int slot, int length) {
    long[] a = longs[slot];
    if (a == null || a.length < length) {
      a = new long[length];
      longs[slot] = a;
    }
    return a;
  }

  /** A copy of {@code from} in an array of {@code length} elements, which the slot then keeps. */
  long[] grow(int slot, long[] from, int length) {
    long[] a = Arrays.copyOf(from, length);
    longs[slot] = a;
    return a;
  }

  /** The slot's int array if it holds at least {@code length} elements, else a new one, kept. */
  int[] ints(int slot, int length) {
    int[] a = ints[slot];
    if (a == null || a.length < length) {
      a = new int[length];
      ints[slot] = a;
    }
    return a;
  }

  /** A copy of {@code from} in an array of {@code length} elements, which the slot then keeps. */
  int[] grow(int slot, int[] from, int length) {
    int[] a = Arrays.copyOf(from, length);
    ints[slot] = a;
    return a;
  }

  /** A byte array of at least {@code length} bytes for the sorted rows, kept. */
  byte[] rows(int length) {
    if (rows == null || rows.length < length) {
      rows = new byte[length];
    }
    return rows;
  }

  /**
   * A chunk of {@code chunkSize} bytes, free until the task ends; a larger request (one row that
   * does not fit) gets an array of its own, not kept.
   */
  byte[] chunk(int length) {
    if (length > chunkSize) {
      return new byte[length];
    }
    byte[] c = freeChunks.isEmpty() ? new byte[chunkSize] : freeChunks.pop();
    lentChunks.add(c);
    return c;
  }
}
