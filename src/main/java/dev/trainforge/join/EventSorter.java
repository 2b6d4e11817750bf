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
 * the group (the key itself for one integral key, else the 64-bit key hash), moving the rows into
 * bucket order; then each bucket, small enough for the CPU cache, is sorted by (group, time, order)
 * on primitive arrays, with time and order packed in one long where the bucket's times allow. Where
 * the group is the key hash, rows with equal hashes are checked for equal keys, and a true
 * collision is sorted again by comparison. The merge then reads the rows back a bucket at a time,
 * from the cache. It holds the partition's rows, twice during the move, and 12 bytes a row of place
 * and hash; beyond {@code maxBytes} of rows it hands everything to Spark's sorter, which spills to
 * disk. Its arrays come from the {@link SortArena} of the task before on the same thread, and go
 * back to it when the task ends.
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
  // where each row with a key is: (chunk << 32 | offset) in the order added; once sorted, its
  // offset in the one array of sorted rows (chunk 0), in sorted order
  private long[] address;
  // each row's mixed group hash, whose top bits are its bucket
  private int[] hash;
  private long[] nullKeyAddress = new long[16];
  // the bucket being sorted: each row's offset and sort fields; time and order packed in time[]
  // when the bucket's times allow (then order[] is not read)
  private int[] rowAt;
  private long[] group;
  private long[] time;
  private int[] order;
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
    this.hash = arena.ints(SortArena.HASH, 1024);
    this.rowAt = arena.ints(SortArena.BUCKET_ROW, 64);
    this.group = arena.longs(SortArena.BUCKET_GROUP, 64);
    this.time = arena.longs(SortArena.BUCKET_TIME, 64);
    this.order = arena.ints(SortArena.BUCKET_ORDER, 64);
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
      address = arena.grow(SortArena.ADDRESS, address, 2 * n);
      hash = arena.grow(SortArena.HASH, hash, 2 * n);
    }
    address[n] = at;
    hash[n] = (int) ((groupOf(row) * 0x9E3779B97F4A7C15L) >>> 32);
    n++;
  }

  private long groupOf(UnsafeRow row) {
    return exactGroup ? layout.integralKey(row, 0) : row.getLong(layout.keyHashIndex());
  }

  // ---- sorting ---------------------------------------------------------------------------------

  /**
   * Spreads rows over about n/8 buckets (at most 2^16) by their mixed group hash, moving the rows
   * into one array in bucket order, then sorts each bucket in turn: reads its rows' sort fields
   * into small arrays, sorts those, and writes the rows' places in sorted order. A bucket's rows
   * are a few hundred bytes together, so the sort and the merge after it read them from the cache.
   * The move reads the chunks in the order they were written, and writes to as many places as there
   * are buckets; it keeps no sort fields for the whole partition, only each row's place and hash.
   */
  private void bucketSort() {
    int bits =
        Math.max(
            0,
            Math.min(MOST_BUCKET_BITS, 31 - Integer.numberOfLeadingZeros(n >> BUCKET_ROWS_BITS)));
    int buckets = 1 << bits;
    long[] byteStart = new long[buckets + 1];
    long nullKeyBytes = 0;
    for (int i = 0; i < nullKeys; i++) {
      nullKeyBytes += 4 + sizeAt(nullKeyAddress[i]);
    }
    for (int i = 0; i < n; i++) {
      byteStart[bucket(hash[i], bits) + 1] += 4 + sizeAt(address[i]);
    }
    byteStart[0] = nullKeyBytes;
    for (int b = 0; b < buckets; b++) {
      byteStart[b + 1] += byteStart[b];
    }
    byte[] rows = arena.rows(Math.toIntExact(byteStart[buckets]));
    int at = 0;
    for (int i = 0; i < nullKeys; i++) {
      long from = nullKeyAddress[i];
      nullKeyAddress[i] = at;
      at += moveRow(from, rows, at);
    }
    long[] next = java.util.Arrays.copyOf(byteStart, buckets);
    for (int i = 0; i < n; i++) {
      int b = bucket(hash[i], bits);
      next[b] += moveRow(address[i], rows, (int) next[b]);
    }
    // every row now lives in the one array, as chunk 0
    chunks.clear();
    chunks.add(rows);
    chunk = null;
    arena.chunksDone();
    UnsafeRow view = new UnsafeRow(numFields);
    int sorted = 0;
    for (int b = 0; b < buckets; b++) {
      sorted = sortBucket(rows, (int) byteStart[b], (int) byteStart[b + 1], view, sorted);
    }
  }

  /**
   * Sorts the rows in [{@code from}, {@code to}) of {@code rows}, one bucket, by (group, time,
   * order), and writes their offsets in that order into {@link #address} from {@code sorted}.
   * Returns where the next bucket's offsets go.
   */
  private int sortBucket(byte[] rows, int from, int to, UnsafeRow view, int sorted) {
    int k = 0;
    long minTime = Long.MAX_VALUE;
    long maxTime = Long.MIN_VALUE;
    for (int at = from; at < to; k++) {
      if (k == rowAt.length) {
        growBucket();
      }
      SparkRows.pointAt(view, rows, at);
      rowAt[k] = at;
      group[k] = groupOf(view);
      // A null time sorts first: Long.MIN_VALUE µs is no instant Spark can hold.
      long t =
          view.isNullAt(layout.timeIndex()) ? Long.MIN_VALUE : view.getLong(layout.timeIndex());
      if (t != Long.MIN_VALUE) {
        minTime = Math.min(minTime, t);
        maxTime = Math.max(maxTime, t);
      }
      time[k] = t;
      order[k] = view.getInt(layout.orderIndex());
      at += 4 + view.getSizeInBytes();
    }
    if (k > 1) {
      packed = pack(k, minTime, maxTime);
      sortRange(0, k);
      if (!exactGroup) {
        fixKeyHashCollisions(k);
      }
    }
    for (int i = 0; i < k; i++) {
      address[sorted + i] = rowAt[i];
    }
    return sorted + k;
  }

  private void growBucket() {
    int c = rowAt.length * 2;
    rowAt = arena.grow(SortArena.BUCKET_ROW, rowAt, c);
    group = arena.grow(SortArena.BUCKET_GROUP, group, c);
    time = arena.grow(SortArena.BUCKET_TIME, time, c);
    order = arena.grow(SortArena.BUCKET_ORDER, order, c);
  }

  /**
   * Packs each of the bucket's k rows' time (as an offset from the least, after null) and order
   * into {@link #time}, when they fit one non-negative long: then a comparison reads two fields,
   * not three, and a swap moves three arrays, not four. Returns whether it packed.
   */
  private boolean pack(int k, long minTime, long maxTime) {
    int orderBits = 32 - Integer.numberOfLeadingZeros(layout.sourceCount);
    if (minTime <= maxTime) {
      long span = maxTime - minTime;
      // span < 0: the difference overflowed, the times are more than 2^63 µs apart
      if (span < 0 || span >= (1L << (62 - orderBits)) - 1) {
        return false;
      }
    }
    for (int i = 0; i < k; i++) {
      // a null time packs as 0, before every other time (1 on)
      long t = time[i] == Long.MIN_VALUE ? 0 : time[i] - minTime + 1;
      time[i] = t << orderBits | order[i];
    }
    return true;
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

  private static int bucket(int hash, int bits) {
    return bits == 0 ? 0 : hash >>> (32 - bits);
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
    int r = rowAt[i];
    rowAt[i] = rowAt[j];
    rowAt[j] = r;
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
   * Within a run of equal key hashes in the bucket's first k rows, rows of different keys would
   * interleave by time: such a run (a 64-bit hash collision) is sorted again by comparison on all
   * the order's fields.
   */
  private void fixKeyHashCollisions(int k) {
    UnsafeRow first = new UnsafeRow(numFields);
    UnsafeRow other = new UnsafeRow(numFields);
    int start = 0;
    while (start < k) {
      int end = start + 1;
      while (end < k && group[end] == group[start]) {
        end++;
      }
      if (end - start > 1 && hasTwoKeys(start, end, first, other)) {
        sortByComparison(start, end);
      }
      start = end;
    }
  }

  private boolean hasTwoKeys(int start, int end, UnsafeRow first, UnsafeRow other) {
    pointAt(first, rowAt[start]);
    for (int i = start + 1; i < end; i++) {
      pointAt(other, rowAt[i]);
      if (!layout.sameKey(first, other)) {
        return true;
      }
    }
    return false;
  }

  private void sortByComparison(int start, int end) {
    List<Integer> rows = new ArrayList<>();
    for (int i = start; i < end; i++) {
      rows.add(rowAt[i]);
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
      rowAt[i] = rows.get(i - start);
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
