package dev.trainforge.validate;

import static org.apache.spark.sql.functions.array;
import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.count_distinct;
import static org.apache.spark.sql.functions.explode;
import static org.apache.spark.sql.functions.isnan;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.struct;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.FloatType;

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
 * <p>Costs one scan of the tuples' columns and one shuffle of a 24-byte (tuple, hash) row per row
 * and tuple; each task holds its partition's hashes as a sorted long array (8 bytes each, outside
 * Spark's memory manager: with adaptive execution a partition is about {@code
 * spark.sql.adaptive.advisoryPartitionSizeInBytes} of shuffle data, so a few MB). Where Spark would
 * group every row by its values in a hash map (a cache miss per row once the map outgrows the
 * cache), this sorts primitive longs. With repeated hashes, one more scan for their rows.
 */
final class DistinctCounts {
  /** Beyond this many repeated hashes of one tuple, its exact count groups all rows. */
  static final int MAX_REPEATED_HASHES = 10_000;

  private DistinctCounts() {}

  /**
   * The number of distinct non-null tuples of each of {@code tuples} among {@code rows}, in order.
   *
   * @param types the types of each tuple's columns
   */
  static long[] of(Dataset<Row> rows, List<List<Column>> tuples, List<List<DataType>> types) {
    return of(rows, tuples, types, -1L);
  }

  /**
   * As {@link #of(Dataset, List, List)}, with each hash cut to the bits of {@code hashMask}: a test
   * makes distinct tuples share hashes this way.
   */
  static long[] of(
      Dataset<Row> rows, List<List<Column>> tuples, List<List<DataType>> types, long hashMask) {
    int n = tuples.size();
    List<Column> tagged = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      tagged.add(struct(lit(i).as("tag"), hash(tuples.get(i), types.get(i), hashMask).as("h")));
    }
    Dataset<Row> hashes =
        rows.select(explode(array(tagged.toArray(Column[]::new))).as("p"))
            .select(col("p.tag").as("tag"), col("p.h").as("h"))
            .where(col("h").isNotNull());
    Dataset<Row> byHash = hashes.repartition(col("h"));
    List<byte[]> parts =
        byHash
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(
                (FlatMapFunction<Iterator<InternalRow>, byte[]>) it -> countPartition(it, n))
            .collect();
    long[] distinctHashes = new long[n];
    List<List<Long>> repeated = new ArrayList<>();
    boolean[] tooMany = new boolean[n];
    for (int i = 0; i < n; i++) {
      repeated.add(new ArrayList<>());
    }
    for (byte[] part : parts) {
      read(part, distinctHashes, repeated, tooMany);
    }
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

  /** One partition's hashes by tag: the distinct count and the repeated hashes of each. */
  private static Iterator<byte[]> countPartition(Iterator<InternalRow> rows, int tags) {
    long[][] hashes = new long[tags][1024];
    int[] sizes = new int[tags];
    while (rows.hasNext()) {
      InternalRow r = rows.next();
      int tag = r.getInt(0);
      if (sizes[tag] == hashes[tag].length) {
        hashes[tag] = Arrays.copyOf(hashes[tag], sizes[tag] * 2);
      }
      hashes[tag][sizes[tag]++] = r.getLong(1);
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
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return List.of(bytes.toByteArray()).iterator();
  }

  private static void read(
      byte[] part, long[] distinct, List<List<Long>> repeated, boolean[] tooMany) {
    try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(part))) {
      for (int tag = 0; tag < distinct.length; tag++) {
        distinct[tag] += in.readLong();
        tooMany[tag] |= in.readBoolean();
        int size = in.readInt();
        for (int i = 0; i < size; i++) {
          repeated.get(tag).add(in.readLong());
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
