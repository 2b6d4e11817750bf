package dev.trainforge.join;

import static dev.trainforge.spark.Columns.named;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The shape of the join's events: the union of labels and the feature rows of the sources that
 * share a key. Every event is {@code (key hash, keys..., time, order, salt, label, source 0, ...,
 * source m-1)}, sorted on the first five parts:
 *
 * <ul>
 *   <li>key hash: {@code xxhash64} of the keys, null when a key is null. Sorting on it first gives
 *       Spark's sorter a full 64-bit prefix and spreads keys evenly over ranges.
 *   <li>time: a label's time, or a feature row's visibility (see {@link AsOfJoin}).
 *   <li>order: a feature row's source index, or {@code m} for labels, so that at equal times
 *       feature rows come first.
 *   <li>salt: a hash of the row, so that rows equal in all else can still be split by a range.
 *   <li>label: the label payload struct, null on feature rows; source j: {@code (e, a, tie-break,
 *       content hash, features...)}, without {@code a} or the tie-break when the source does not
 *       need them ({@link SourceSlots}), non-null only on rows of source j.
 * </ul>
 */
public final class EventLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String KEY_HASH = "__tf_kh";
  static final String SALT = "__tf_salt";

  final List<String> keyColumns;
  final DataType[] keyTypes;
  final int sourceCount;
  final int[] sourceFieldCounts;
  final int labelFieldCount;
  final SourceSlots[] slots;
  // per key: how to compare it, decided once (DataType.typeName() builds a string on every call)
  private final int[] keyKinds;

  EventLayout(
      List<String> keyColumns,
      DataType[] keyTypes,
      StructType label,
      List<StructType> sources,
      List<SourceSlots> slots) {
    this.keyColumns = List.copyOf(keyColumns);
    this.keyTypes = keyTypes.clone();
    this.keyKinds = java.util.Arrays.stream(keyTypes).mapToInt(EventLayout::kindOf).toArray();
    this.slots = slots.toArray(SourceSlots[]::new);
    this.sourceCount = sources.size();
    this.sourceFieldCounts = sources.stream().mapToInt(StructType::size).toArray();
    this.labelFieldCount = label.size();
  }

  /** A candidate for source j's rows. */
  Candidate candidate(int j) {
    return new Candidate(slots[j]);
  }

  int keyCount() {
    return keyTypes.length;
  }

  int keyHashIndex() {
    return 0;
  }

  int keyIndex(int i) {
    return 1 + i;
  }

  int timeIndex() {
    return 1 + keyCount();
  }

  int orderIndex() {
    return 2 + keyCount();
  }

  int saltIndex() {
    return 3 + keyCount();
  }

  int labelIndex() {
    return 4 + keyCount();
  }

  int sourceIndex(int j) {
    return 5 + keyCount() + j;
  }

  /** Fields of an event row. */
  int fieldCount() {
    return 5 + keyCount() + sourceCount;
  }

  /** The sort order within partitions; range partitions follow the same order. */
  Column[] sortOrder() {
    List<Column> sort = new ArrayList<>();
    sort.add(named(KEY_HASH).asc_nulls_first());
    for (String k : keyColumns) {
      sort.add(named(k).asc_nulls_first());
    }
    sort.add(named(JoinColumns.LABEL_TIME).asc_nulls_first());
    sort.add(named(JoinColumns.ORDER).asc());
    sort.add(named(SALT).asc());
    return sort.toArray(Column[]::new);
  }

  boolean isLabel(InternalRow event) {
    return !event.isNullAt(labelIndex());
  }

  /** The source a feature event belongs to: the one whose struct is set. */
  int sourceOf(InternalRow event) {
    int order = event.getInt(orderIndex());
    if (order < sourceCount && !event.isNullAt(sourceIndex(order))) {
      return order;
    }
    for (int j = 0; j < sourceCount; j++) {
      if (!event.isNullAt(sourceIndex(j))) {
        return j;
      }
    }
    throw new IllegalStateException("event has neither a label nor a source row");
  }

  InternalRow source(InternalRow event, int j) {
    return event.getStruct(sourceIndex(j), sourceFieldCounts[j]);
  }

  InternalRow label(InternalRow event) {
    return event.getStruct(labelIndex(), labelFieldCount);
  }

  /** Whether two events have equal, non-null keys. */
  boolean sameKey(InternalRow x, InternalRow y) {
    if (x.isNullAt(0) || y.isNullAt(0) || x.getLong(0) != y.getLong(0)) {
      return false;
    }
    for (int i = 0; i < keyCount(); i++) {
      if (compareKey(x, y, i) != 0) {
        return false;
      }
    }
    return true;
  }

  private static final int LONG = 0;
  private static final int INT = 1;
  private static final int SHORT = 2;
  private static final int BYTE = 3;
  private static final int BOOLEAN = 4;
  private static final int STRING = 5;
  private static final int DECIMAL = 6;
  private static final int UNSUPPORTED = 7;

  private static int kindOf(DataType type) {
    String t = type.typeName();
    if (t.equals("long") || t.equals("timestamp") || t.equals("timestamp_ntz")) {
      return LONG;
    }
    if (t.equals("integer") || t.equals("date")) {
      return INT;
    }
    if (t.equals("short")) {
      return SHORT;
    }
    if (t.equals("byte")) {
      return BYTE;
    }
    if (t.equals("boolean")) {
      return BOOLEAN;
    }
    if (t.equals("string")) {
      return STRING;
    }
    if (type instanceof org.apache.spark.sql.types.DecimalType) {
      return DECIMAL;
    }
    return UNSUPPORTED; // fails on the first comparison, as before
  }

  /** Compares key {@code k} of two rows, as Spark's sort does (nulls first). */
  int compareKey(InternalRow x, InternalRow y, int k) {
    int i = keyIndex(k);
    boolean xn = x.isNullAt(i);
    boolean yn = y.isNullAt(i);
    if (xn || yn) {
      return Boolean.compare(!xn, !yn);
    }
    switch (keyKinds[k]) {
      case LONG:
        return Long.compare(x.getLong(i), y.getLong(i));
      case INT:
        return Integer.compare(x.getInt(i), y.getInt(i));
      case SHORT:
        return Short.compare(x.getShort(i), y.getShort(i));
      case BYTE:
        return Byte.compare(x.getByte(i), y.getByte(i));
      case BOOLEAN:
        return Boolean.compare(x.getBoolean(i), y.getBoolean(i));
      case STRING:
        UTF8String a = x.getUTF8String(i);
        return a.binaryCompare(y.getUTF8String(i));
      case DECIMAL:
        org.apache.spark.sql.types.DecimalType d =
            (org.apache.spark.sql.types.DecimalType) keyTypes[k];
        return x.getDecimal(i, d.precision(), d.scale())
            .compare(y.getDecimal(i, d.precision(), d.scale()));
      default:
        throw new IllegalArgumentException("unsupported key type " + keyTypes[k].simpleString());
    }
  }
}
