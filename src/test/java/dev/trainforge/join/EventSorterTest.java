package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.junit.jupiter.api.Test;

/**
 * The sort before the merge, on hand-made events: in memory and through Spark's spilling sorter,
 * with one integer key (grouped by its value) and one string key (grouped by its hash, so forced
 * hash collisions must be caught). Runs inside Spark tasks, since the spilling sorter needs one.
 */
class EventSorterTest {
  private static final int ROWS = 3000;

  /** One source of (e, int feature); labels with no payload. */
  private static EventLayout layout(DataType keyType) {
    return EventLayout.plan(
        List.of("k"),
        new DataType[] {keyType},
        List.of(),
        List.of(new EventLayout.SourceShape(null, false, false, List.of(DataTypes.IntegerType))));
  }

  /** An integer key is its own key hash, with no field of its own. */
  private static StructType schema(DataType keyType) {
    StructType key = new StructType().add("kh", DataTypes.LongType, true);
    if (keyType.equals(DataTypes.StringType)) {
      key = key.add("k", keyType, true);
    }
    return key.add("t", DataTypes.LongType, true)
        .add("o", DataTypes.IntegerType, false)
        .add("salt", DataTypes.LongType, false)
        .add("e", DataTypes.LongType, true)
        .add("v", DataTypes.IntegerType, true);
  }

  /**
   * Random events over 12 keys, the first of them hot; a few null keys and null times, many rows at
   * one time. For the string key, keys 1 and 2 share key 0's hash: forced collisions.
   */
  private static List<InternalRow> events(boolean stringKey, long seed) {
    return events(stringKey, seed, ROWS);
  }

  private static List<InternalRow> events(boolean stringKey, long seed, int count) {
    return events(stringKey, seed, count, 0, 1);
  }

  /** Like {@link #events(boolean, long, int)}, at times {@code first + step * i}, i in [0, 30). */
  private static List<InternalRow> events(
      boolean stringKey, long seed, int count, long first, long step) {
    Random r = new Random(seed);
    List<InternalRow> rows = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      int key = r.nextInt(4) == 0 ? 0 : r.nextInt(12);
      boolean nullKey = r.nextInt(50) == 0;
      boolean label = r.nextBoolean();
      Long time = label && r.nextInt(40) == 0 ? null : first + step * r.nextInt(30);
      Object k = nullKey ? null : stringKey ? UTF8String.fromString("key-" + key) : (Object) key;
      long hash = stringKey ? (key <= 2 ? 77L : 1000L + key) : key;
      List<Object> fields = new ArrayList<>();
      fields.add(nullKey ? null : hash);
      if (stringKey) {
        fields.add(k);
      }
      fields.addAll(
          java.util.Arrays.asList(
              time,
              label ? 1 : 0,
              r.nextLong(),
              label ? null : (long) r.nextInt(30),
              label ? null : i));
      rows.add(new GenericInternalRow(fields.toArray()));
    }
    return rows;
  }

  /** Sorts the events in a task, with the given memory limit; returns them as (k, t, o) text. */
  private static List<String> sortInTask(boolean stringKey, long maxBytes) {
    DataType keyType = stringKey ? DataTypes.StringType : DataTypes.IntegerType;
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
    return sc.parallelize(List.of(1), 1)
        .flatMap(
            ignored -> {
              EventLayout layout = layout(keyType);
              EventSorter sorter = new EventSorter(layout, maxBytes);
              return sortedText(layout, sorter, events(stringKey, 7)).iterator();
            })
        .collect();
  }

  /** {@code events} sorted by {@code sorter}, as (k, t, o, salt) text. */
  private static List<String> sortedText(
      EventLayout layout, EventSorter sorter, List<InternalRow> events) {
    UnsafeProjection unsafe = UnsafeProjection.create(schema(layout.keyTypes[0]));
    Iterator<InternalRow> input =
        events.stream().map(row -> (InternalRow) unsafe.apply(row).copy()).iterator();
    List<String> out = new ArrayList<>();
    Iterator<InternalRow> sorted = sorter.sort(input);
    int k = layout.keyIndex(0);
    int t = layout.timeIndex();
    DataType compared = layout.keyTypes[0];
    while (sorted.hasNext()) {
      UnsafeRow row = (UnsafeRow) sorted.next();
      out.add(
          (row.isNullAt(k) ? "null" : row.get(k, compared).toString())
              + ","
              + (row.isNullAt(t) ? "null" : row.getLong(t))
              + ","
              + row.getInt(t + 1)
              + ","
              + row.getLong(t + 2));
    }
    return out;
  }

  private static void assertMergeOrder(List<String> sorted, boolean stringKey) {
    assertMergeOrder(sorted, stringKey, events(stringKey, 7));
  }

  private static void assertMergeOrder(
      List<String> sorted, boolean stringKey, List<InternalRow> events) {
    assertThat(sorted).hasSize(events.size());
    // the same rows, by their salts
    List<String> salts = sorted.stream().map(s -> s.substring(s.lastIndexOf(',') + 1)).toList();
    int salt = stringKey ? 4 : 3;
    List<String> expected = events.stream().map(row -> Long.toString(row.getLong(salt))).toList();
    assertThat(salts).containsExactlyInAnyOrderElementsOf(expected);

    List<String> seenKeys = new ArrayList<>();
    String key = null;
    long lastTime = Long.MIN_VALUE;
    int lastOrder = -1;
    boolean pastNullKeys = false;
    for (String s : sorted) {
      String[] f = s.split(",");
      if (f[0].equals("null")) {
        assertThat(pastNullKeys).as("null keys come first: " + s).isFalse();
        continue;
      }
      pastNullKeys = true;
      long time = f[1].equals("null") ? Long.MIN_VALUE : Long.parseLong(f[1]);
      int order = Integer.parseInt(f[2]);
      if (!f[0].equals(key)) {
        assertThat(seenKeys).as("each key's rows are together: " + f[0]).doesNotContain(f[0]);
        seenKeys.add(f[0]);
        key = f[0];
      } else {
        assertThat(time > lastTime || (time == lastTime && order >= lastOrder))
            .as("by time, then order, within key " + key + ": " + s)
            .isTrue();
      }
      lastTime = time;
      lastOrder = order;
    }
    assertThat(seenKeys).hasSize(12);
  }

  @Test
  void groupsAnIntegerKeyByItsValueAndSortsByTimeThenOrder() {
    assertMergeOrder(sortInTask(false, Long.MAX_VALUE), false);
  }

  /**
   * Time and order are packed in one long when the partition's times span less than 2^61 µs (one
   * bit for the order of one source and labels): times near the largest instant still pack, times
   * 2^62 µs apart do not, and both sort alike.
   */
  @Test
  void sortsByTimeWhetherOrNotTheTimesPackWithTheOrder() {
    EventLayout layout = layout(DataTypes.IntegerType);
    List<InternalRow> late = events(false, 7, ROWS, Long.MAX_VALUE - 100, 1);
    assertMergeOrder(
        sortedText(layout, new EventSorter(layout, Long.MAX_VALUE), late), false, late);
    List<InternalRow> apart = events(false, 7, ROWS, -(1L << 61), 1L << 57);
    assertMergeOrder(
        sortedText(layout, new EventSorter(layout, Long.MAX_VALUE), apart), false, apart);
  }

  @Test
  void keepsKeysWhoseHashesCollideApart() {
    assertMergeOrder(sortInTask(true, Long.MAX_VALUE), true);
  }

  @Test
  void hasSparksSpillingSorterTakeOverBeyondItsMemoryLimit() {
    List<String> spilled = sortInTask(true, 4096);
    assertMergeOrder(spilled, true);
    assertMergeOrder(sortInTask(false, 4096), false);
  }

  /**
   * Tasks that sort one after another on a thread take the arrays the task before gave back: a
   * large partition first, then smaller ones, so that later sorts run on longer arrays that still
   * hold the rows of the sort before.
   */
  @Test
  void sortsRightOnTheArraysThatTheTaskBeforeGaveBack() {
    int[] sizes = {3000, 3000, 600, 600, 1800, 1800, 700, 700, 2500, 2500};
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext());
    List<Integer> tasks = new ArrayList<>();
    for (int i = 0; i < sizes.length; i++) {
      tasks.add(i);
    }
    List<List<String>> results =
        sc.parallelize(tasks, sizes.length)
            .map(
                i -> {
                  EventLayout layout = layout(DataTypes.StringType);
                  SortArena arena = SortArena.take(EventSorter.CHUNK);
                  EventSorter sorter = new EventSorter(layout, Long.MAX_VALUE, arena);
                  List<String> out = new ArrayList<>();
                  out.add(Integer.toString(arena.uses()));
                  out.addAll(sortedText(layout, sorter, events(true, i, sizes[i])));
                  return out;
                })
            .collect();
    int reused = 0;
    for (int i = 0; i < sizes.length; i++) {
      List<String> result = results.get(i);
      reused += Integer.parseInt(result.get(0)) > 1 ? 1 : 0;
      assertMergeOrder(result.subList(1, result.size()), true, events(true, i, sizes[i]));
    }
    // Spark may start a task on a new thread, but not every one of them
    assertThat(reused).isPositive();
  }
}
