package dev.trainforge.join;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;

/**
 * Sorts one partition of events into what the merge needs: each key's rows together, by time and
 * order, and the rows of null keys (labels only) first. Keys may come in any order, since a range
 * partition's rows already precede the next partition's; rows equal in key, time and order are left
 * in any order: they are feature rows of one source at one visibility, which the merge takes in any
 * order, or labels at one time, which it emits alike.
 *
 * <p>In memory: one counting pass spreads the rows over buckets of 8 to 16 rows by a mixed hash of
 * the group (the key itself for one integral key, else the 64-bit key hash), then each bucket,
 * small enough for the CPU cache, is sorted by (group, time, order) on primitive arrays; time and
 * order are packed in one long where the partition's times allow. Where the group is the key hash,
 * rows with equal hashes are checked for equal keys, and a true collision is sorted again by
 * comparison. The first pass also moves the rows into bucket order, so that the merge reads them
 * back from the cache. It holds the partition's rows and 28 bytes a row of sort fields, both twice
 * during the first pass; beyond {@code maxBytes} of rows it hands everything to Spark's sorter,
 * which spills to disk. Its arrays come from the {@link SortArena} of the task before on the same
 * thread, and go back to it when the task ends.
 */
final class EventSorter {
  static final int CHUNK = 1 << 20;
  // Buckets of 8 to 16 rows: most hold one key or two, whose few rows an insertion sort orders;
  // with time and order packed, a quarter less time than buckets of a hundred rows, which a
  // quicksort ordered (bench/sort.sh, 350,000 rows)...
  private static final int BUCKET_ROWS_BITS = 3;
  // ...but at most 2^16 buckets: beyond, the counts and the places the first pass writes to no
  // longer fit the cache (2^18 buckets sorted 3M rows 8% slower)
  private static final int MOST_BUCKET_BITS = 16;

  private final EventLayout layout;
  private final long maxBytes;
  // the group is the key's own value: no two keys share one
  private final boolean exactGroup;
  private final List<byte[]> chunks = new ArrayList<>();
  private byte[] chunk;
  private int used;
  private long bytes;
  private int n;
  private int nullKeys;
  private int numFields;
  private boolean spilled;
  // the arrays below, and the chunks, as the task before on this thread left them
  private final SortArena arena;
  // where each row is (chunk << 32 | offset), and its sort fields
  private long[] address;
  private long[] group;
  private long[] time;
  private int[] order;
  private long[] nullKeyAddress = new long[16];
  // the least and greatest non-null time added
  private long minTime = Long.MAX_VALUE;
  private long maxTime = Long.MIN_VALUE;
  // time[] holds time and order packed in one long, and order[] is not read
  private boolean packed;

  EventSorter(EventLayout layout, long maxBytes) {
    this(layout, maxBytes, SortArena.take(CHUNK));
  }

  /** A sorter on {@code arena}'s arrays (of {@link #CHUNK}-byte chunks). */
  EventSorter(EventLayout layout, long maxBytes, SortArena arena) {
    this.arena = arena;
    this.layout = layout;
    this.maxBytes = maxBytes;
    this.exactGroup = layout.keyCount() == 1 && layout.isIntegralKey(0);
    this.address = arena.longs(SortArena.ADDRESS, 1024);
    this.group = arena.longs(SortArena.GROUP, 1024);
    this.time = arena.longs(SortArena.TIME, 1024);
    this.order = arena.ints(SortArena.ORDER, 1024);
  }

  /** The most a partition may hold in memory before the sort spills: a sixteenth of the heap. */
  static long defaultMaxBytes() {
    return Math.min(512L << 20, Runtime.getRuntime().maxMemory() / 16);
  }

  /**
   * Sorts {@code events} (unsafe rows); the rows returned are views, valid until the next, though
   * their bytes stay where they are while this sorter lives when {@link #rowsStay()}.
   */
  Iterator<InternalRow> sort(Iterator<InternalRow> events) {
    while (events.hasNext()) {
      if (bytes > maxBytes) {
        return spilling(events);
      }
      add((UnsafeRow) events.next());
    }
    bucketSort();
    if (!exactGroup) {
      fixKeyHashCollisions();
    }
    return sorted();
  }

  /**
   * Whether the bytes of every sorted row stay where they are while this sorter lives: true after
   * an in-memory sort, false after Spark's sorter, whose rows are overwritten as it reads on.
   */
  boolean rowsStay() {
    return !spilled;
  }

  private void add(UnsafeRow row) {
    numFields = row.numFields();
    int size = row.getSizeInBytes();
    if (chunk == null || used + 4 + size > chunk.length) {
      chunk = arena.chunk(Math.max(CHUNK, 4 + size));
      chunks.add(chunk);
      used = 0;
    }
    long at = ((long) (chunks.size() - 1) << 32) | used;
    int written = SparkRows.copyInto(chunk, used, row);
    used += written;
    bytes += written;
    if (row.isNullAt(layout.keyHashIndex())) {
      if (nullKeys == nullKeyAddress.length) {
        nullKeyAddress = java.util.Arrays.copyOf(nullKeyAddress, 2 * nullKeys);
      }
      nullKeyAddress[nullKeys++] = at;
      return;
    }
    if (n == address.length) {
      grow();
    }
    address[n] = at;
    group[n] = exactGroup ? layout.integralKey(row, 0) : row.getLong(layout.keyHashIndex());
    // A null time sorts first: Long.MIN_VALUE µs is no instant Spark can hold.
    if (row.isNullAt(layout.timeIndex())) {
      time[n] = Long.MIN_VALUE;
    } else {
      long t = row.getLong(layout.timeIndex());
      time[n] = t;
      minTime = Math.min(minTime, t);
      maxTime = Math.max(maxTime, t);
    }
    order[n] = row.getInt(layout.orderIndex());
    n++;
  }

  private void grow() {
    int c = address.length * 2;
    address = arena.grow(SortArena.ADDRESS, address, c);
    group = arena.grow(SortArena.GROUP, group, c);
    time = arena.grow(SortArena.TIME, time, c);
    order = arena.grow(SortArena.ORDER, order, c);
  }

  // ---- sorting ---------------------------------------------------------------------------------

  /**
   * Spreads rows over about n/8 buckets (at most 2^16) by a mixed group hash, moving the rows
   * themselves into one array in bucket order, then sorts each bucket. Reading the rows back in
   * sorted order then touches one bucket's few kilobytes at a time, not the whole partition at
   * random: each row's first read is a cache hit. The move reads the chunks in the order they were
   * written and writes to as many places as there are buckets, which the cache holds.
   */
  private void bucketSort() {
    int bits =
        Math.max(
            0,
            Math.min(MOST_BUCKET_BITS, 31 - Integer.numberOfLeadingZeros(n >> BUCKET_ROWS_BITS)));
    int buckets = 1 << bits;
    int[] start = new int[buckets + 1];
    long[] byteStart = new long[buckets + 1];
    long nullKeyBytes = 0;
    for (int i = 0; i < nullKeys; i++) {
      nullKeyBytes += 4 + sizeAt(nullKeyAddress[i]);
    }
    for (int i = 0; i < n; i++) {
      int b = bucket(group[i], bits);
      start[b + 1]++;
      byteStart[b + 1] += 4 + sizeAt(address[i]);
    }
    byteStart[0] = nullKeyBytes;
    for (int b = 0; b < buckets; b++) {
      start[b + 1] += start[b];
      byteStart[b + 1] += byteStart[b];
    }
    byte[] rows = arena.rows(Math.toIntExact(byteStart[buckets]));
    int at = 0;
    for (int i = 0; i < nullKeys; i++) {
      long from = nullKeyAddress[i];
      nullKeyAddress[i] = at;
      at += moveRow(from, rows, at);
    }
    int[] next = java.util.Arrays.copyOf(start, buckets);
    long[] nextByte = java.util.Arrays.copyOf(byteStart, buckets);
    long[] addressOut = arena.longs(SortArena.ADDRESS_OUT, n);
    long[] groupOut = arena.longs(SortArena.GROUP_OUT, n);
    long[] timeOut = arena.longs(SortArena.TIME_OUT, n);
    int[] orderOut = arena.ints(SortArena.ORDER_OUT, n);
    int orderBits = 32 - Integer.numberOfLeadingZeros(layout.sourceCount);
    packed = fitsPacked(orderBits);
    for (int i = 0; i < n; i++) {
      int b = bucket(group[i], bits);
      int to = next[b]++;
      int byteTo = (int) nextByte[b];
      nextByte[b] += moveRow(address[i], rows, byteTo);
      addressOut[to] = byteTo;
      groupOut[to] = group[i];
      if (packed) {
        // a null time packs as 0, before every other time (1 on)
        long t = time[i] == Long.MIN_VALUE ? 0 : time[i] - minTime + 1;
        timeOut[to] = t << orderBits | order[i];
      } else {
        timeOut[to] = time[i];
        orderOut[to] = order[i];
      }
    }
    // every row now lives in the one array, as chunk 0
    chunks.clear();
    chunks.add(rows);
    chunk = null;
    arena.chunksDone();
    address = addressOut;
    group = groupOut;
    time = timeOut;
    order = orderOut;
    for (int b = 0; b < buckets; b++) {
      sortRange(start[b], start[b + 1]);
    }
  }

  /**
   * Whether every row's time (as an offset from the least, after null) and order fit one
   * non-negative long, {@code orderBits} of it the order: then a comparison reads two fields, not
   * three, and a swap moves three arrays, not four.
   */
  private boolean fitsPacked(int orderBits) {
    if (minTime > maxTime) {
      return true; // no time, or none but nulls
    }
    long span = maxTime - minTime;
    // span < 0: the difference overflowed, the times are more than 2^63 µs apart
    return span >= 0 && span < (1L << (62 - orderBits)) - 1;
  }

  /** The size of the row written at {@code address} of the chunks. */
  private int sizeAt(long address) {
    return SparkRows.sizeAt(chunks.get((int) (address >>> 32)), (int) address);
  }

  /** Copies the row at {@code address} of the chunks to {@code to} of {@code rows}; its bytes. */
  private int moveRow(long address, byte[] rows, int to) {
    byte[] from = chunks.get((int) (address >>> 32));
    int length = 4 + SparkRows.sizeAt(from, (int) address);
    System.arraycopy(from, (int) address, rows, to, length);
    return length;
  }

  private static int bucket(long group, int bits) {
    return bits == 0 ? 0 : (int) ((group * 0x9E3779B97F4A7C15L) >>> (64 - bits));
  }

  private int compare(int i, int j) {
    int c = Long.compare(group[i], group[j]);
    if (c == 0) {
      c = Long.compare(time[i], time[j]);
    }
    return c != 0 || packed ? c : Integer.compare(order[i], order[j]);
  }

  /** Quicksort with three-way partitioning (many rows may be equal), insertion sort when small. */
  private void sortRange(int lo, int hi) {
    while (hi - lo > 24) {
      swap(lo, medianOfThree(lo, lo + (hi - lo) / 2, hi - 1));
      // rows [lo, lt) < pivot, [lt, i) = pivot, (gt, hi) > pivot; the pivot stays at lt
      int lt = lo;
      int gt = hi - 1;
      int i = lo + 1;
      while (i <= gt) {
        int c = compare(i, lt);
        if (c < 0) {
          swap(i++, lt++);
        } else if (c > 0) {
          swap(i, gt--);
        } else {
          i++;
        }
      }
      // recurse into the smaller side, loop on the larger: stack depth stays logarithmic
      if (lt - lo < hi - gt - 1) {
        sortRange(lo, lt);
        lo = gt + 1;
      } else {
        sortRange(gt + 1, hi);
        hi = lt;
      }
    }
    for (int i = lo + 1; i < hi; i++) {
      for (int j = i; j > lo && compare(j, j - 1) < 0; j--) {
        swap(j, j - 1);
      }
    }
  }

  private int medianOfThree(int a, int b, int c) {
    if (compare(a, b) < 0) {
      return compare(b, c) < 0 ? b : compare(a, c) < 0 ? c : a;
    }
    return compare(a, c) < 0 ? a : compare(b, c) < 0 ? c : b;
  }

  private void swap(int i, int j) {
    swap(address, i, j);
    swap(group, i, j);
    swap(time, i, j);
    if (packed) {
      return;
    }
    int o = order[i];
    order[i] = order[j];
    order[j] = o;
  }

  private static void swap(long[] a, int i, int j) {
    long x = a[i];
    a[i] = a[j];
    a[j] = x;
  }

  /**
   * Within a run of equal key hashes, rows of different keys would interleave by time: such a run
   * (a 64-bit hash collision) is sorted again by comparison on all the order's fields.
   */
  private void fixKeyHashCollisions() {
    UnsafeRow first = new UnsafeRow(numFields);
    UnsafeRow other = new UnsafeRow(numFields);
    int start = 0;
    while (start < n) {
      int end = start + 1;
      while (end < n && group[end] == group[start]) {
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

  private void point(UnsafeRow row, int i) {
    pointAt(row, address[i]);
  }

  private void pointAt(UnsafeRow row, long address) {
    SparkRows.pointAt(row, chunks.get((int) (address >>> 32)), (int) address);
  }

  private Iterator<InternalRow> sorted() {
    UnsafeRow row = new UnsafeRow(numFields);
    return new Iterator<>() {
      private int next;

      @Override
      public boolean hasNext() {
        return next < nullKeys + n;
      }

      @Override
      public InternalRow next() {
        if (next >= nullKeys + n) {
          throw new NoSuchElementException();
        }
        int i = next++;
        // rows of null keys first: they match nothing, and no key's run is split by them
        pointAt(row, i < nullKeys ? nullKeyAddress[i] : address[i - nullKeys]);
        return row;
      }
    };
  }

  // ---- too large: Spark's sorter ---------------------------------------------------------------

  private Iterator<InternalRow> spilling(Iterator<InternalRow> rest) {
    spilled = true;
    // Visible on the log, and in Spark's task metrics (memory and disk bytes spilled).
    org.slf4j.LoggerFactory.getLogger(EventSorter.class)
        .warn(
            "As-of join: a partition holds more than {} bytes of rows (the in-memory sort's limit,"
                + " trainforge.join.sort-memory): sorting it with Spark's sorter, which may spill to"
                + " disk",
            maxBytes);
    SparkRows.ExternalSort sorter =
        SparkRows.externalSort(
            numFields, (x, y) -> Boundaries.compare(layout, x, y), layout.keyHashIndex());
    UnsafeRow row = new UnsafeRow(numFields);
    for (int i = 0; i < nullKeys; i++) {
      pointAt(row, nullKeyAddress[i]);
      sorter.insert(row);
    }
    for (int i = 0; i < n; i++) {
      point(row, i);
      sorter.insert(row);
    }
    chunks.clear();
    chunk = null;
    arena.chunksDone();
    while (rest.hasNext()) {
      sorter.insert((UnsafeRow) rest.next());
    }
    return sorter.sorted();
  }
}
