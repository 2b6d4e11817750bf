package dev.trainforge.join;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.SparkEnv;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.execution.UnsafeExternalRowSorter;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.util.collection.unsafe.sort.PrefixComparators;
import org.apache.spark.util.collection.unsafe.sort.RecordComparator;

/**
 * Sorts one partition of events into the order the merge needs: by key hash, keys, time and order,
 * nulls first. Rows equal in all of these are left in any order: they are feature rows of one
 * source at one visibility, which the merge takes in any order, or labels at one time, which it
 * emits alike.
 *
 * <p>In memory, it is a least-significant-digit radix sort over the key hash, time and order,
 * skipping the bytes that are equal on every row: about 15 linear passes instead of {@code n log n}
 * comparisons of rows that mostly share their key hash. Keys are then compared only to find key
 * hash collisions, whose rows are re-sorted by comparison. It holds the partition's rows and about
 * 90 bytes a row of sort fields; beyond {@code maxBytes} of rows it hands everything to Spark's
 * sorter, which spills to disk.
 */
final class EventSorter {
  private static final int CHUNK = 1 << 20;

  private final EventLayout layout;
  private final long maxBytes;
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] chunk;
  private int used;
  private long bytes;
  private int n;
  private int numFields;
  // where each row is (chunk << 32 | offset), and its sort fields, made unsigned-comparable
  private long[] address = new long[1024];
  private long[] order = new long[1024];
  private long[] time = new long[1024];
  private long[] hash = new long[1024];

  EventSorter(EventLayout layout, long maxBytes) {
    this.layout = layout;
    this.maxBytes = maxBytes;
  }

  /** The most a partition may hold in memory before the sort spills: a sixteenth of the heap. */
  static long defaultMaxBytes() {
    return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 16);
  }

  /** Sorts {@code events} (unsafe rows); the rows returned are views, valid until the next. */
  Iterator<InternalRow> sort(Iterator<InternalRow> events) {
    while (events.hasNext()) {
      if (bytes > maxBytes) {
        return spilling(events);
      }
      add((UnsafeRow) events.next());
    }
    radixSort();
    fixKeyHashCollisions();
    return sorted();
  }

  private void add(UnsafeRow row) {
    numFields = row.numFields();
    int size = row.getSizeInBytes();
    if (chunk == null || used + 4 + size > chunk.length) {
      chunk = new byte[Math.max(CHUNK, 4 + size)];
      chunks.add(chunk);
      used = 0;
    }
    // each row is its size, then its bytes
    Platform.putInt(chunk, Platform.BYTE_ARRAY_OFFSET + used, size);
    Platform.copyMemory(
        row.getBaseObject(),
        row.getBaseOffset(),
        chunk,
        Platform.BYTE_ARRAY_OFFSET + used + 4,
        size);
    if (n == address.length) {
      grow();
    }
    address[n] = ((long) (chunks.size() - 1) << 32) | used;
    order[n] = row.getInt(layout.orderIndex());
    // A null time sorts first: as 0, below every real time (Long.MIN_VALUE is no instant).
    time[n] =
        row.isNullAt(layout.timeIndex()) ? 0 : row.getLong(layout.timeIndex()) ^ Long.MIN_VALUE;
    // Rows are grouped by the key hash's low 32 bits; runs that hold more than one key (or a null
    // key) are sorted again by comparison.
    hash[n] =
        row.isNullAt(layout.keyHashIndex()) ? 0 : row.getLong(layout.keyHashIndex()) & 0xFFFFFFFFL;
    used += 4 + size;
    bytes += 4 + size;
    n++;
  }

  private void grow() {
    int c = address.length * 2;
    address = java.util.Arrays.copyOf(address, c);
    order = java.util.Arrays.copyOf(order, c);
    time = java.util.Arrays.copyOf(time, c);
    hash = java.util.Arrays.copyOf(hash, c);
  }

  // ---- radix sort ------------------------------------------------------------------------------

  private static final int BITS = 11;
  private static final int BUCKETS = 1 << BITS;

  /**
   * Least significant digit first, 11 bits a digit: order, then time, then the key hash's low 32
   * bits. A digit that is the same on every row is skipped: typically one pass for the order, four
   * for the time and three for the hash.
   */
  private void radixSort() {
    long[][] keys = {order, time, hash};
    int[] widths = {32, 64, 32};
    long[] addressOut = new long[n];
    long[][] keysOut = {new long[n], new long[n], new long[n]};
    int[] counts = new int[BUCKETS];
    for (int k = 0; k < keys.length; k++) {
      for (int shift = 0; shift < widths[k]; shift += BITS) {
        long[] key = keys[k];
        java.util.Arrays.fill(counts, 0);
        for (int i = 0; i < n; i++) {
          counts[digit(key[i], shift)]++;
        }
        if (counts[digit(key[0], shift)] == n) {
          continue;
        }
        int sum = 0;
        for (int b = 0; b < BUCKETS; b++) {
          int c = counts[b];
          counts[b] = sum;
          sum += c;
        }
        for (int i = 0; i < n; i++) {
          int to = counts[digit(key[i], shift)]++;
          addressOut[to] = address[i];
          // carry only the keys this and later passes read
          for (int later = k; later < keys.length; later++) {
            keysOut[later][to] = keys[later][i];
          }
        }
        long[] a = address;
        address = addressOut;
        addressOut = a;
        for (int later = k; later < keys.length; later++) {
          long[] t = keys[later];
          keys[later] = keysOut[later];
          keysOut[later] = t;
        }
      }
    }
    time = keys[1];
    hash = keys[2];
  }

  private static int digit(long key, int shift) {
    return (int) (key >>> shift) & (BUCKETS - 1);
  }

  /**
   * Within a run of equal low hash bits, rows of different keys would interleave by time: such a
   * run (two keys whose hashes share their low 32 bits, or a null key) is sorted again by
   * comparison on all the order's fields.
   */
  private void fixKeyHashCollisions() {
    UnsafeRow first = new UnsafeRow(numFields);
    UnsafeRow other = new UnsafeRow(numFields);
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && hash[end] == hash[start]) {
        end++;
      }
      if (end - start > 1 && hasTwoKeys(start, end, first, other)) {
        sortByComparison(start, end);
      }
      start = end;
    }
  }

  private boolean hasTwoKeys(int start, int end, UnsafeRow first, UnsafeRow other) {
    point(first, start);
    for (int i = start + 1; i < end; i++) {
      point(other, i);
      if (!layout.sameKey(first, other)) {
        return true;
      }
    }
    return false;
  }

  private void sortByComparison(int start, int end) {
    List<Long> rows = new ArrayList<>();
    for (int i = start; i < end; i++) {
      rows.add(address[i]);
    }
    UnsafeRow x = new UnsafeRow(numFields);
    UnsafeRow y = new UnsafeRow(numFields);
    rows.sort(
        (a, b) -> {
          pointAt(x, a);
          pointAt(y, b);
          return Boundaries.compare(layout, x, y);
        });
    for (int i = start; i < end; i++) {
      address[i] = rows.get(i - start);
    }
  }

  // ---- reading back ----------------------------------------------------------------------------

  private UnsafeRow view(int i) {
    UnsafeRow row = new UnsafeRow(numFields);
    point(row, i);
    return row;
  }

  private void point(UnsafeRow row, int i) {
    pointAt(row, address[i]);
  }

  private void pointAt(UnsafeRow row, long address) {
    byte[] c = chunks.get((int) (address >>> 32));
    long at = Platform.BYTE_ARRAY_OFFSET + (int) address;
    row.pointTo(c, at + 4, Platform.getInt(c, at));
  }

  private Iterator<InternalRow> sorted() {
    UnsafeRow row = new UnsafeRow(numFields);
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < n;
      }

      @Override
      public InternalRow next() {
        if (next >= n) {
          throw new NoSuchElementException();
        }
        point(row, next++);
        return row;
      }
    };
  }

  // ---- too large: Spark's sorter ---------------------------------------------------------------

  private Iterator<InternalRow> spilling(Iterator<InternalRow> rest) {
    int fields = numFields;
    try {
      UnsafeExternalRowSorter sorter =
          UnsafeExternalRowSorter.createWithRecordComparator(
              schema(),
              () -> new EventComparator(layout, fields),
              PrefixComparators.LONG,
              new KeyHashPrefix(layout),
              SparkEnv.get().memoryManager().pageSizeBytes(),
              false);
      for (int i = 0; i < n; i++) {
        sorter.insertRow(view(i));
      }
      chunks.clear();
      while (rest.hasNext()) {
        sorter.insertRow((UnsafeRow) rest.next());
      }
      return scala.jdk.javaapi.CollectionConverters.asJava(sorter.sort());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private StructType schema() {
    StructType s = new StructType();
    for (int i = 0; i < numFields; i++) {
      s = s.add("f" + i, DataTypes.BinaryType);
    }
    return s;
  }

  /** Spark's sort prefix: the key hash, nulls first. */
  private static final class KeyHashPrefix extends UnsafeExternalRowSorter.PrefixComputer {
    private final EventLayout layout;
    private final Prefix prefix = new Prefix();

    KeyHashPrefix(EventLayout layout) {
      this.layout = layout;
    }

    @Override
    public Prefix computePrefix(InternalRow row) {
      prefix.isNull = row.isNullAt(layout.keyHashIndex());
      prefix.value = prefix.isNull ? Long.MIN_VALUE : row.getLong(layout.keyHashIndex());
      return prefix;
    }
  }

  /** The full event order on Spark's sorted records. */
  private static final class EventComparator extends RecordComparator {
    private final EventLayout layout;
    private final UnsafeRow x;
    private final UnsafeRow y;

    EventComparator(EventLayout layout, int numFields) {
      this.layout = layout;
      this.x = new UnsafeRow(numFields);
      this.y = new UnsafeRow(numFields);
    }

    @Override
    public int compare(
        Object leftBase,
        long leftOffset,
        int leftLength,
        Object rightBase,
        long rightOffset,
        int rightLength) {
      x.pointTo(leftBase, leftOffset, leftLength);
      y.pointTo(rightBase, rightOffset, rightLength);
      return Boundaries.compare(layout, x, y);
    }
  }
}
