package dev.trainforge.join;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.function.ToLongFunction;
import org.apache.spark.Partitioner;
import org.apache.spark.SparkEnv;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.rdd.ShuffledRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.Attribute;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.GenericInternalRow;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.catalyst.expressions.UnsafeRow;
import org.apache.spark.sql.catalyst.expressions.XxHash64;
import org.apache.spark.sql.catalyst.plans.logical.LocalRelation;
import org.apache.spark.sql.catalyst.types.DataTypeUtils;
import org.apache.spark.sql.catalyst.util.ArrayData;
import org.apache.spark.sql.catalyst.util.GenericArrayData;
import org.apache.spark.sql.execution.UnsafeExternalRowSorter;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.Platform;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.collection.unsafe.sort.PrefixComparators;
import org.apache.spark.util.collection.unsafe.sort.RecordComparator;
import scala.Tuple2;
import scala.jdk.javaapi.CollectionConverters;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * The join's one door into Spark's internal API: everything it uses that is not Spark's public API
 * passes here, so that a Spark upgrade which moves one of these changes this file alone.
 *
 * <p>What passes: a DataFrame's rows as an RDD and back, a DataFrame of rows held on the driver and
 * its rows collected without a job, the shuffle of rows to chosen partitions in Spark's unsafe-row
 * format ({@link RowShuffleSerializer}), building a row, a string or an array value, the {@code
 * xxhash64} expression, rows copied into and read from plain byte arrays, and Spark's external
 * sorter (under Spark's memory manager, spilling to disk). What does not: the row format itself
 * ({@link InternalRow}, {@link UnsafeRow}, {@link UTF8String}), which the merge reads and writes as
 * its data, as Spark's own operators do.
 */
final class SparkRows {
  private SparkRows() {}

  // ---- DataFrames and RDDs ---------------------------------------------------------------------

  /** The rows {@code frame} computes, in Spark's row format (unsafe rows, reused by the reader). */
  static JavaRDD<InternalRow> rowsOf(Dataset<Row> frame) {
    return frame.queryExecution().toRdd().toJavaRDD();
  }

  /** A DataFrame of {@code rows}, which must hold {@code schema}'s fields in its types. */
  static Dataset<Row> frameOf(SparkSession session, JavaRDD<InternalRow> rows, StructType schema) {
    return ((org.apache.spark.sql.classic.SparkSession) session)
        .internalCreateDataFrame(rows.rdd(), schema, false);
  }

  /**
   * A DataFrame of {@code rows} held on the driver (a local relation), which must hold {@code
   * schema}'s fields in its types: a projection of it is computed on the driver, with no job.
   */
  static Dataset<Row> localFrame(SparkSession session, StructType schema, List<InternalRow> rows) {
    @SuppressWarnings({"unchecked", "rawtypes"})
    scala.collection.immutable.Seq<Attribute> attributes =
        (scala.collection.immutable.Seq) DataTypeUtils.toAttributes(schema);
    LocalRelation relation =
        new LocalRelation(
            attributes, CollectionConverters.asScala(rows).toSeq(), false, scala.Option.empty());
    return org.apache.spark.sql.classic.Dataset$.MODULE$.ofRows(
        (org.apache.spark.sql.classic.SparkSession) session, relation);
  }

  /**
   * The rows {@code frame} computes, collected to the driver in Spark's row format; a projection of
   * a {@link #localFrame} runs no job.
   */
  static InternalRow[] collectLocal(Dataset<Row> frame) {
    InternalRow[] rows = frame.queryExecution().executedPlan().executeCollect();
    InternalRow[] copies = new InternalRow[rows.length];
    for (int i = 0; i < rows.length; i++) {
      copies[i] = rows[i].copy();
    }
    return copies;
  }

  /**
   * One shuffle of unsafe rows of {@code fieldCount} fields, each to the partition it is paired
   * with. No partition column is shipped: Spark's row serializer writes the rows alone.
   */
  static JavaRDD<InternalRow> shuffleToPartitions(
      JavaRDD<Tuple2<Integer, InternalRow>> routed, int partitions, int fieldCount) {
    ShuffledRDD<Integer, InternalRow, InternalRow> shuffled =
        new ShuffledRDD<>(routed.rdd(), new ById(partitions), tag(), tag(), tag());
    shuffled.setSerializer(new RowShuffleSerializer(fieldCount));
    return shuffled.toJavaRDD().map(Tuple2::_2);
  }

  @SuppressWarnings("unchecked")
  private static <T> ClassTag<T> tag() {
    return (ClassTag<T>) ClassTag$.MODULE$.AnyRef();
  }

  /** The partitioner of rows already keyed by their partition. */
  private static final class ById extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    ById(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (Integer) key;
    }
  }

  // ---- values ----------------------------------------------------------------------------------

  /** A row of {@code values} in Spark's internal types (it keeps the array). */
  static InternalRow row(Object[] values) {
    return new GenericInternalRow(values);
  }

  /** {@code values} as an unsafe row of {@code schema}: a compact copy that owns its bytes. */
  static UnsafeRow unsafeRow(StructType schema, Object[] values) {
    return UnsafeProjection.create(schema).apply(new GenericInternalRow(values)).copy();
  }

  static UTF8String string(String value) {
    return UTF8String.fromString(value);
  }

  /** An array value of {@code values} in Spark's internal types (it keeps the array). */
  static ArrayData array(Object[] values) {
    return new GenericArrayData(values);
  }

  /**
   * Spark's {@code xxhash64(...)} of the fields at {@code ordinals} (of {@code types}), with
   * Spark's seed, as a function on rows. Interpreted: a few hundred nanoseconds a call.
   */
  static ToLongFunction<InternalRow> xxHash64(int[] ordinals, DataType[] types) {
    java.util.List<Expression> children = new java.util.ArrayList<>();
    for (int i = 0; i < ordinals.length; i++) {
      children.add(new BoundReference(ordinals[i], types[i], true));
    }
    Expression hash =
        new XxHash64(scala.jdk.javaapi.CollectionConverters.asScala(children).toSeq(), 42L);
    return row -> (Long) hash.eval(row);
  }

  /**
   * Runs {@code action} in this thread when the Spark task running in it ends, whether it succeeded
   * or not; outside a task, never.
   */
  static void onTaskEnd(Runnable action) {
    org.apache.spark.TaskContext task = org.apache.spark.TaskContext.get();
    if (task != null) {
      task.addTaskCompletionListener(
          (org.apache.spark.util.TaskCompletionListener) context -> action.run());
    }
  }

  // ---- unsafe rows in byte arrays --------------------------------------------------------------

  /** Writes {@code row} at {@code at} of {@code chunk} as its size, then its bytes; 4 + size. */
  static int copyInto(byte[] chunk, int at, UnsafeRow row) {
    int size = row.getSizeInBytes();
    Platform.putInt(chunk, Platform.BYTE_ARRAY_OFFSET + at, size);
    Platform.copyMemory(
        row.getBaseObject(), row.getBaseOffset(), chunk, Platform.BYTE_ARRAY_OFFSET + at + 4, size);
    return 4 + size;
  }

  /** The size of the row that {@link #copyInto} wrote at {@code at} of {@code chunk}. */
  static int sizeAt(byte[] chunk, int at) {
    return Platform.getInt(chunk, Platform.BYTE_ARRAY_OFFSET + at);
  }

  /** Points {@code row} at the row that {@link #copyInto} wrote at {@code at} of {@code chunk}. */
  static void pointAt(UnsafeRow row, byte[] chunk, int at) {
    long offset = Platform.BYTE_ARRAY_OFFSET + at;
    row.pointTo(chunk, offset + 4, Platform.getInt(chunk, offset));
  }

  // ---- Spark's external sorter -----------------------------------------------------------------

  /** Rows handed to Spark's external sorter, then read back in order. */
  interface ExternalSort {
    void insert(UnsafeRow row);

    /** The rows in order; views, valid until the next. Frees the sorter's memory when done. */
    Iterator<InternalRow> sorted();
  }

  /**
   * Spark's external sorter of unsafe rows of {@code fieldCount} fields in {@code order}, with the
   * long at {@code prefixField} (nulls first) as the sort prefix, which must agree with the order.
   * Its memory is Spark's (task memory, at the executor's page size), and it spills to disk,
   * counted in the task's spill metrics.
   */
  static ExternalSort externalSort(int fieldCount, Comparator<InternalRow> order, int prefixField) {
    StructType schema = new StructType();
    for (int i = 0; i < fieldCount; i++) {
      schema = schema.add("f" + i, DataTypes.BinaryType);
    }
    try {
      UnsafeExternalRowSorter sorter =
          UnsafeExternalRowSorter.createWithRecordComparator(
              schema,
              () -> new OrderOfRecords(order, fieldCount),
              PrefixComparators.LONG,
              new LongPrefix(prefixField),
              SparkEnv.get().memoryManager().pageSizeBytes(),
              false);
      return new ExternalSort() {
        @Override
        public void insert(UnsafeRow row) {
          try {
            sorter.insertRow(row);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }

        @Override
        public Iterator<InternalRow> sorted() {
          try {
            return scala.jdk.javaapi.CollectionConverters.asJava(sorter.sort());
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
        }
      };
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The sort prefix: a long field, nulls first. */
  private static final class LongPrefix extends UnsafeExternalRowSorter.PrefixComputer {
    private final int field;
    private final Prefix prefix = new Prefix();

    LongPrefix(int field) {
      this.field = field;
    }

    @Override
    public Prefix computePrefix(InternalRow row) {
      prefix.isNull = row.isNullAt(field);
      prefix.value = prefix.isNull ? Long.MIN_VALUE : row.getLong(field);
      return prefix;
    }
  }

  /** {@code order} on the sorter's records, read as unsafe rows. */
  private static final class OrderOfRecords extends RecordComparator {
    private final Comparator<InternalRow> order;
    private final UnsafeRow x;
    private final UnsafeRow y;

    OrderOfRecords(Comparator<InternalRow> order, int fieldCount) {
      this.order = order;
      this.x = new UnsafeRow(fieldCount);
      this.y = new UnsafeRow(fieldCount);
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
      return order.compare(x, y);
    }
  }
}
