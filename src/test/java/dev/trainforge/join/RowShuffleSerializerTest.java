package dev.trainforge.join;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import scala.Tuple2;
import scala.reflect.ClassTag$;

class RowShuffleSerializerTest {
  private static final StructType SCHEMA =
      new StructType().add("k", DataTypes.LongType).add("s", DataTypes.StringType);

  private static UnsafeRow row(long k, int length) {
    char[] chars = new char[length];
    Arrays.fill(chars, (char) ('a' + (k % 26)));
    return SparkRows.unsafeRow(SCHEMA, new Object[] {k, SparkRows.string(new String(chars))});
  }

  private static byte[] write(List<UnsafeRow> rows, boolean flushBetween) {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    var out = new RowShuffleSerializer(2).newInstance().serializeStream(bytes);
    for (UnsafeRow r : rows) {
      out.writeKey(7, ClassTag$.MODULE$.Any());
      out.writeValue(r, ClassTag$.MODULE$.Any());
      if (flushBetween) {
        out.flush();
      }
    }
    out.close();
    return bytes.toByteArray();
  }

  private static scala.collection.Iterator<Tuple2<Object, Object>> read(byte[] bytes) {
    return new RowShuffleSerializer(2)
        .newInstance()
        .deserializeStream(new ByteArrayInputStream(bytes))
        .asKeyValueIterator();
  }

  @Test
  void rowsOfEverySizeComeBackInOrderWithTheirBytes() {
    Random random = new Random(18);
    List<UnsafeRow> rows = new ArrayList<>();
    for (int i = 0; i < 3000; i++) {
      // mostly small rows, some past the 64 KiB buffer
      rows.add(
          row(i, random.nextInt(20) == 0 ? 70_000 + random.nextInt(100_000) : random.nextInt(300)));
    }
    for (boolean flush : new boolean[] {false, true}) {
      var it = read(write(rows, flush));
      for (UnsafeRow expected : rows) {
        assertThat(it.hasNext()).isTrue();
        assertThat(it.hasNext()).isTrue();
        UnsafeRow got = (UnsafeRow) it.next()._2();
        assertThat(got.getLong(0)).isEqualTo(expected.getLong(0));
        assertThat(got.getBytes()).isEqualTo(expected.getBytes());
      }
      assertThat(it.hasNext()).isFalse();
    }
  }

  @Test
  void theRowHandedOutLastStaysIntactWhileTheReaderLooksAhead() {
    List<UnsafeRow> rows = new ArrayList<>();
    for (int i = 0; i < 2000; i++) {
      rows.add(row(i, 40 + (i * 37) % 900));
    }
    var it = read(write(rows, false));
    for (UnsafeRow expected : rows) {
      UnsafeRow got = (UnsafeRow) it.next()._2();
      it.hasNext();
      assertThat(got.getBytes()).isEqualTo(expected.getBytes());
    }
  }

  @Test
  void anEmptyStreamHasNoRowAndACutOneFailsNamingTheRow() {
    assertThat(read(new byte[0]).hasNext()).isFalse();
    byte[] whole = write(List.of(row(1, 100)), false);
    byte[] cut = Arrays.copyOf(whole, whole.length - 10);
    var it = read(cut);
    assertThatThrownBy(it::next)
        .isInstanceOf(UncheckedIOException.class)
        .hasMessageContaining("shuffle stream ends after");
  }

  @Test
  void aShufflePastTheBypassThresholdMovesEveryRowToItsPartition() {
    // 201 partitions: past spark.shuffle.sort.bypassMergeThreshold (200), Spark's serialized
    // shuffle writes each record alone and moves its bytes as this serializer wrote them.
    int partitions = 201;
    List<Tuple2<Integer, Integer>> pairs = new ArrayList<>();
    for (int i = 0; i < 1500; i++) {
      pairs.add(new Tuple2<>((i * 7919) % partitions, i));
    }
    JavaRDD<Tuple2<Integer, InternalRow>> routed =
        JavaSparkContext.fromSparkContext(SharedSpark.session().sparkContext())
            .parallelize(pairs, 3)
            .map(p -> new Tuple2<>(p._1(), (InternalRow) row(p._2(), p._2() % 500)));
    List<String> got =
        SparkRows.shuffleToPartitions(routed, partitions, 2)
            .mapPartitionsWithIndex(
                (partition, rows) -> {
                  List<String> seen = new ArrayList<>();
                  rows.forEachRemaining(
                      r -> seen.add(partition + ":" + r.getLong(0) + ":" + r.getUTF8String(1)));
                  return seen.iterator();
                },
                false)
            .collect();
    List<String> expected = new ArrayList<>();
    for (Tuple2<Integer, Integer> p : pairs) {
      expected.add(p._1() + ":" + p._2() + ":" + row(p._2(), p._2() % 500).getUTF8String(1));
    }
    assertThat(got).containsExactlyInAnyOrderElementsOf(expected);
  }
}
