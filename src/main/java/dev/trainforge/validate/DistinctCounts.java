package dev.trainforge.validate;

import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.spark.HashPartitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;
import scala.Tuple2;

/**
 * Exact counts of distinct tuples of columns, as Spark's {@code count_distinct} gives them (rows
 * with a null in the tuple left out), by sorting 64-bit hashes rather than grouping the values.
 *
 * <p>Each row's tuple is hashed (xxhash64, floating-point zeros and NaNs made one value first, as
 * Spark's grouping does); one shuffle by hash brings equal hashes to one task, which sorts them as
 * primitive longs and counts the distinct hashes and the hashes that repeat. Equal tuples have
 * equal hashes, so a tuple whose hash does not repeat is distinct from every other: when no hash
 * repeats, the count of distinct hashes is the answer. The tuples behind repeated hashes
 * (duplicates, or rarely two tuples sharing a hash) are then counted exactly by Spark, among the
 * rows with those hashes only; past {@link #MAX_REPEATED_HASHES} repeated hashes, among all rows.
 *
 * <p>Costs one scan of the tuples' columns and one shuffle of 8 bytes per row and tuple (the
 * hashes, packed in arrays of up to {@link #CHUNK} per tuple and reduce partition; {@code
 * spark.sql.shuffle.partitions} reduce partitions). A map task holds one such array per tuple and
 * reduce partition; a reduce task holds its partition's hashes as a sorted long array (8 bytes
 * each, outside Spark's memory manager: on S, 2M rows and two tuples over 8 partitions, 4 MB a
 * task). Where Spark would group every row by its values in a hash map (a cache miss per row once
 * the map outgrows the cache), this sorts primitive longs. With repeated hashes, one more scan for
 * their rows. The same scan can carry other {@link RowMetrics} (their states reach the driver
 * through the reduce tasks, each once, whatever task is retried), which saves those metrics a scan
 * of their own.
 */
final class DistinctCounts {
  /** Beyond this many repeated hashes of one tuple, its exact count groups all rows. */
  static final int MAX_REPEATED_HASHES = 10_000;

  private DistinctCounts() {}

  /**
   * The number of distinct non-null tuples of each of {@code tuples} among {@code rows}, in order,
   * and {@code carried}'s metrics computed in the same scan of {@code rows} (read back from {@code
   * carried} afterwards; a {@code new RowMetrics()} carries none).
   *
   * @param types the types of each tuple's columns
   * @param hashMask the bits of each hash kept: -1 for all (a test makes distinct tuples share
   *     hashes by cutting them)
   */
  static long[] of(
      Dataset<Row> rows,
      List<List<Column>> tuples,
      List<List<DataType>> types,
      long hashMask,
      RowMetrics carried) {
    int n = tuples.size();
    List<Column> selected = new ArrayList<>(carried.inputs());
    int first = selected.size();
    for (int i = 0; i < n; i++) {
      selected.add(hash(tuples.get(i), types.get(i), hashMask).as("h" + i));
    }
    Dataset<Row> values = rows.select(selected.toArray(Column[]::new));
    RowMetrics.Carried metrics = carried.carried(values.schema());
    int parts = Math.max(1, rows.sparkSession().sessionState().conf().numShufflePartitions());
    List<byte[]> outputs =
        JavaPairRDD.fromJavaRDD(
                values
                    .queryExecution()
                    .toRdd()
                    .toJavaRDD()
                    .mapPartitionsWithIndex(
                        (Function2<
                                Integer, Iterator<InternalRow>, Iterator<Tuple2<Integer, byte[]>>>)
                            (index, it) -> mapPartition(index, it, first, n, parts, metrics),
                        false))
            .partitionBy(new HashPartitioner(parts))
            .mapPartitions(
                (FlatMapFunction<Iterator<Tuple2<Integer, byte[]>>, byte[]>)
                    it -> countPartition(it, n))
            .collect();
    long[] distinctHashes = new long[n];
    List<List<Long>> repeated = new ArrayList<>();
    boolean[] tooMany = new boolean[n];
    for (int i = 0; i < n; i++) {
      repeated.add(new ArrayList<>());
    }
    TreeMap<Integer, byte[]> states = new TreeMap<>();
    for (byte[] output : outputs) {
      read(output, distinctHashes, repeated, tooMany, states);
    }
    carried.merge(metrics, new ArrayList<>(states.values()));
    long[] out = new long[n];
    for (int i = 0; i < n; i++) {
      List<Long> r = repeated.get(i);
      Column[] tuple = tuples.get(i).toArray(Column[]::new);
      if (r.isEmpty()) {
        out[i] = distinctHashes[i];
      } else if (tooMany[i] || r.size() > MAX_REPEATED_HASHES) {
        out[i] = countDistinct(rows, tuple);
      } else {
        Column h = hash(tuples.get(i), types.get(i), hashMask);
        long amongRepeated = countDistinct(rows.where(h.isin(r.toArray())), tuple);
        out[i] = distinctHashes[i] - r.size() + amongRepeated;
      }
    }
    return out;
  }

  private static long countDistinct(Dataset<Row> rows, Column[] tuple) {
    return rows.agg(count_distinct(tuple[0], Arrays.copyOfRange(tuple, 1, tuple.length)))
        .first()
        .getLong(0);
  }

  /** The tuple's hash, null when any of its columns is null. */
  private static Column hash(List<Column> tuple, List<DataType> types, long mask) {
    Column anyNull = lit(false);
    Column[] values = new Column[tuple.size()];
    for (int j = 0; j < values.length; j++) {
      Column c = tuple.get(j);
      anyNull = anyNull.or(c.isNull());
      DataType t = types.get(j);
      values[j] =
          t instanceof DoubleType || t instanceof FloatType
              ? when(c.equalTo(0), lit(0.0).cast(t))
                  .when(isnan(c), lit(Double.NaN).cast(t))
                  .otherwise(c)
              : c;
    }
    Column h = xxhash64(values);
    return when(anyNull.unary_$bang(), mask == -1L ? h : h.bitwiseAND(lit(mask)));
  }

  private static final byte HASHES = 0;
  private static final byte STATE = 1;

  /** Hashes per record the map side sends: 32 KB buffers per tuple and reduce partition. */
  private static final int CHUNK = 4096;

  /**
   * One map task: folds its rows into the carried metrics' state, and sends each tuple's hash to
   * the reduce partition its value picks, in records of up to {@link #CHUNK} hashes of one tuple
   * (made as the rows come: the task holds one buffer per tuple and reduce partition, not its
   * hashes); at the end, the state, with the task's index, to one reduce partition.
   */
  private static Iterator<Tuple2<Integer, byte[]>> mapPartition(
      int index,
      Iterator<InternalRow> rows,
      int first,
      int tuples,
      int parts,
      RowMetrics.Carried metrics) {
    RowMetrics.Carried.Task fold = metrics.start();
    long[][] buffers = new long[tuples * parts][CHUNK];
    int[] sizes = new int[tuples * parts];
    ArrayDeque<Tuple2<Integer, byte[]>> ready = new ArrayDeque<>();
    return new Iterator<>() {
      private boolean done;

      @Override
      public boolean hasNext() {
        while (ready.isEmpty() && !done) {
          if (rows.hasNext()) {
            add(rows.next());
          } else {
            for (int b = 0; b < buffers.length; b++) {
              flush(b);
            }
            ready.add(new Tuple2<>(index % parts, state()));
            done = true;
          }
        }
        return !ready.isEmpty();
      }

      @Override
      public Tuple2<Integer, byte[]> next() {
        if (!hasNext()) {
          throw new java.util.NoSuchElementException();
        }
        return ready.poll();
      }

      private void add(InternalRow r) {
        fold.add(r);
        for (int tag = 0; tag < tuples; tag++) {
          if (!r.isNullAt(first + tag)) {
            long h = r.getLong(first + tag);
            int b = tag * parts + Math.floorMod(h, parts);
            buffers[b][sizes[b]++] = h;
            if (sizes[b] == CHUNK) {
              flush(b);
            }
          }
        }
      }

      private void flush(int b) {
        if (sizes[b] == 0) {
          return;
        }
        ByteBuffer out = ByteBuffer.allocate(9 + 8 * sizes[b]);
        out.put(HASHES).putInt(b / parts).putInt(sizes[b]);
        out.asLongBuffer().put(buffers[b], 0, sizes[b]);
        ready.add(new Tuple2<>(b % parts, out.array()));
        sizes[b] = 0;
      }

      private byte[] state() {
        byte[] bytes = fold.bytes();
        return ByteBuffer.allocate(5 + bytes.length).put(STATE).putInt(index).put(bytes).array();
      }
    };
  }

  /**
   * One reduce task: its hashes by tuple, sorted, give the distinct count and the repeated hashes
   * of each; the map tasks' states it received pass through, with their indexes.
   */
  private static Iterator<byte[]> countPartition(
      Iterator<Tuple2<Integer, byte[]>> records, int tags) {
    long[][] hashes = new long[tags][1024];
    int[] sizes = new int[tags];
    List<byte[]> states = new ArrayList<>();
    while (records.hasNext()) {
      byte[] record = records.next()._2();
      if (record[0] == STATE) {
        states.add(record);
        continue;
      }
      ByteBuffer in = ByteBuffer.wrap(record, 1, record.length - 1);
      int tag = in.getInt();
      int size = in.getInt();
      if (sizes[tag] + size > hashes[tag].length) {
        hashes[tag] = Arrays.copyOf(hashes[tag], Math.max(sizes[tag] + size, sizes[tag] * 2));
      }
      in.slice().asLongBuffer().get(hashes[tag], sizes[tag], size);
      sizes[tag] += size;
    }
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (int tag = 0; tag < tags; tag++) {
        long[] h = hashes[tag];
        int size = sizes[tag];
        Arrays.sort(h, 0, size);
        long distinct = 0;
        List<Long> repeated = new ArrayList<>();
        for (int i = 0; i < size; i++) {
          if (i == 0 || h[i] != h[i - 1]) {
            distinct++;
          } else if ((repeated.isEmpty() || repeated.get(repeated.size() - 1) != h[i])
              && repeated.size() <= MAX_REPEATED_HASHES) {
            repeated.add(h[i]);
          }
        }
        out.writeLong(distinct);
        out.writeBoolean(repeated.size() > MAX_REPEATED_HASHES);
        out.writeInt(repeated.size());
        for (long x : repeated) {
          out.writeLong(x);
        }
      }
      out.writeInt(states.size());
      for (byte[] state : states) {
        out.writeInt(state.length);
        out.write(state);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(bytes.toByteArray()).iterator();
  }

  private static void read(
      byte[] part,
      long[] distinct,
      List<List<Long>> repeated,
      boolean[] tooMany,
      Map<Integer, byte[]> states) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(part))) {
      for (int tag = 0; tag < distinct.length; tag++) {
        distinct[tag] += in.readLong();
        tooMany[tag] |= in.readBoolean();
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
          repeated.get(tag).add(in.readLong());
        }
      }
      for (int s = in.readInt(); s > 0; s--) {
        byte[] record = new byte[in.readInt()];
        in.readFully(record);
        int index = ByteBuffer.wrap(record, 1, 4).getInt();
        states.put(index, Arrays.copyOfRange(record, 5, record.length));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
