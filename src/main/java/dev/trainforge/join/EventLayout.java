package dev.trainforge.join;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.unsafe.types.UTF8String;

/**
 * The shape of the join's events: the union of labels and the feature rows of the sources that
 * share a key, as flat rows {@code (key hash, keys..., time, order, salt, slot 0, ..., slot n-1)},
 * sorted on the first five parts:
 *
 * <ul>
 *   <li>key hash: {@code xxhash64} of the keys, null when a key is null; for one integer key, the
 *       key itself. It groups rows of a key in the sort, and range boundaries compare it first.
 *   <li>time: a label's time, or a feature row's visibility (see {@link AsOfJoin}).
 *   <li>order: a feature row's source index, or {@code m} for labels, so that at equal times
 *       feature rows come first. It also says what the row is.
 *   <li>salt: for a label a hash of its columns, so that labels equal in all else can still be
 *       split by a range; 0 for a feature row. A feature row's content hash, which orders rows
 *       equal in every time, is computed from its features where two rows tie ({@link
 *       ContentHash}): 8 bytes of noise less per row, in a shuffle that compresses the rest. In a
 *       group with windowed aggregations the salt of a feature event also says what it is: a row
 *       (with the windows whose exit was shipped apart as bits), a row's exit from a window, a
 *       carried copy, or carried running totals (see {@link #CARRIED_BEST} and the constants after
 *       it).
 *   <li>slots: typed value columns, shared by the kinds of rows. A label fills the slots of its
 *       payload (its columns other than keys and time); a feature row of source j those of its
 *       {@code e}, {@code a}, tie-break and features ({@link SourceFields}); every other slot is
 *       null. So a row is as wide as its widest kind, not as all of them together: five sources of
 *       one double feature share one double slot.
 * </ul>
 */
public final class EventLayout implements Serializable {
  private static final long serialVersionUID = 1L;

  static final String KEY_HASH = "__tf_kh";
  static final String SALT = "__tf_salt";
  static final String SLOT_PREFIX = "__tf_v";

  final List<String> keyColumns;
  final DataType[] keyTypes;
  final int sourceCount;
  final DataType[] slotTypes;

  /** Label payload field i is at event position {@code labelFields[i]}. */
  final int[] labelFields;

  final SourceFields[] sources;

  /** Per source: its windowed aggregations, or null when it has none. */
  final AggregatePlan[] aggregates;

  /** Per source: how many of its shipped feature fields are latest-value output columns. */
  final int[] latestCounts;

  /** The binary slot that carries running totals across partitions, or -1 without aggregations. */
  final int stateField;

  private final DataType[] keyTypesBeforeWidening;
  // one integer key: the key hash field is the key itself, and there is no key field of its own
  private final boolean direct;
  // per key: how to compare it, decided once (DataType.typeName() builds a string on every call)
  private final int[] keyKinds;

  private EventLayout(
      List<String> keyColumns,
      DataType[] keyTypes,
      List<DataType> slotTypes,
      int[] labelFields,
      SourceFields[] sources,
      AggregatePlan[] aggregates,
      int[] latestCounts,
      int stateField) {
    this.aggregates = aggregates.clone();
    this.latestCounts = latestCounts.clone();
    this.stateField = stateField;
    this.keyColumns = List.copyOf(keyColumns);
    this.direct = isDirect(keyTypes);
    this.keyTypesBeforeWidening = keyTypes.clone();
    this.keyTypes = direct ? new DataType[] {DataTypes.LongType} : keyTypes.clone();
    this.keyKinds = java.util.Arrays.stream(this.keyTypes).mapToInt(EventLayout::kindOf).toArray();
    this.slotTypes = slotTypes.toArray(DataType[]::new);
    this.labelFields = labelFields.clone();
    this.sources = sources.clone();
    this.sourceCount = sources.length;
  }

  /**
   * What one source ships: {@code e} unless derivable, {@code a} and the tie-break if carried, and
   * its feature types.
   *
   * @param eventShift visibility minus {@code e} for every row, or null when {@code e} is shipped
   */
  record SourceShape(
      Long eventShift, boolean available, boolean tieBreak, List<DataType> features) {
    SourceShape {
      features = List.copyOf(features);
    }
  }

  /** Plans the slots: each kind of row takes, per field, the first free slot of the same type. */
  static EventLayout plan(
      List<String> keyColumns,
      DataType[] keyTypes,
      List<DataType> labelPayload,
      List<SourceShape> shapes) {
    return plan(keyColumns, keyTypes, labelPayload, shapes, false);
  }

  /**
   * Like {@link #plan(List, DataType[], List, List)}, with a binary slot of its own for the running
   * totals that windowed aggregations carry across partitions when {@code stateSlot}.
   */
  static EventLayout plan(
      List<String> keyColumns,
      DataType[] keyTypes,
      List<DataType> labelPayload,
      List<SourceShape> shapes,
      boolean stateSlot) {
    int first = 4 + (isDirect(keyTypes) ? 0 : keyTypes.length);
    List<DataType> slots = new ArrayList<>();
    int[] label = assign(labelPayload, slots, first);
    SourceFields[] sources = new SourceFields[shapes.size()];
    for (int j = 0; j < shapes.size(); j++) {
      SourceShape s = shapes.get(j);
      List<DataType> fields = new ArrayList<>();
      if (s.eventShift() == null) {
        fields.add(DataTypes.LongType);
      }
      if (s.available()) {
        fields.add(DataTypes.LongType);
      }
      if (s.tieBreak()) {
        fields.add(DataTypes.LongType);
      }
      fields.addAll(s.features());
      int[] at = assign(fields, slots, first);
      int next = 0;
      int e = s.eventShift() == null ? at[next++] : -1;
      int a = s.available() ? at[next++] : -1;
      int tb = s.tieBreak() ? at[next++] : -1;
      int[] features = java.util.Arrays.copyOfRange(at, next, at.length);
      sources[j] =
          new SourceFields(e, s.eventShift() == null ? 0 : s.eventShift(), a, tb, features);
    }
    int state = -1;
    if (stateSlot) {
      state = first + slots.size();
      slots.add(DataTypes.BinaryType);
    }
    int[] latest = new int[sources.length];
    for (int j = 0; j < latest.length; j++) {
      latest[j] = sources[j].features().length;
    }
    return new EventLayout(
        keyColumns,
        keyTypes,
        slots,
        label,
        sources,
        new AggregatePlan[sources.length],
        latest,
        state);
  }

  /** This layout, with sources' aggregations and how many of their features are latest values. */
  EventLayout withAggregates(AggregatePlan[] plans, int[] latest) {
    return new EventLayout(
        keyColumns,
        direct ? keyTypesBeforeWidening : keyTypes,
        java.util.Arrays.asList(slotTypes),
        labelFields,
        sources,
        plans,
        latest,
        stateField);
  }

  /** Whether any source of the group aggregates over windows. */
  boolean hasAggregates() {
    return stateField >= 0;
  }

  /** Salt of a carried copy of a source's latest-value candidate: offered to it alone. */
  static final long CARRIED_BEST = Long.MIN_VALUE;

  /** Salt of a carried copy of a row that min, max or last-k of a later partition may use. */
  static final long CARRIED_ROW = Long.MIN_VALUE + 1;

  /** Salt of a row of running totals carried into a partition (in the state slot). */
  static final long TOTALS = Long.MIN_VALUE + 2;

  /** Salt of a row's exit from window w, shipped to the partition where it happens. */
  static long exitSalt(int w) {
    return -(w + 1L);
  }

  /** The window of an exit's salt, or -1 when the salt is not an exit's. */
  static int exitWindow(long salt) {
    return salt < 0 && salt >= -64 ? (int) (-salt - 1) : -1;
  }

  private static int[] assign(List<DataType> fields, List<DataType> slots, int first) {
    int[] at = new int[fields.size()];
    BitSet taken = new BitSet();
    for (int f = 0; f < fields.size(); f++) {
      int s = 0;
      while (s < slots.size() && (taken.get(s) || !slots.get(s).equals(fields.get(f)))) {
        s++;
      }
      if (s == slots.size()) {
        slots.add(fields.get(f));
      }
      taken.set(s);
      at[f] = first + s;
    }
    return at;
  }

  /** A candidate for source j's rows, which copies the rows it keeps. */
  Candidate candidate(int j) {
    return candidate(j, false);
  }

  /**
   * A candidate for source j's rows; one that keeps views of them when {@code rowsStay} (see {@link
   * Candidate#Candidate}).
   */
  Candidate candidate(int j, boolean rowsStay) {
    return new Candidate(sources[j], timeIndex(), new ContentHash(this, j), rowsStay);
  }

  /**
   * Whether keys of these (compare) types are one integer key, which is then its own key hash,
   * widened to a long: no hashing, and 8 bytes less per row.
   */
  static boolean isDirect(DataType[] keyTypes) {
    if (keyTypes.length != 1) {
      return false;
    }
    DataType t = keyTypes[0];
    return t.equals(DataTypes.LongType)
        || t.equals(DataTypes.IntegerType)
        || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType);
  }

  int keyCount() {
    return keyTypes.length;
  }

  /** Key fields besides the key hash. */
  private int keyFields() {
    return direct ? 0 : keyTypes.length;
  }

  int keyHashIndex() {
    return 0;
  }

  int keyIndex(int i) {
    return direct ? 0 : 1 + i;
  }

  int timeIndex() {
    return 1 + keyFields();
  }

  int orderIndex() {
    return 2 + keyFields();
  }

  int saltIndex() {
    return 3 + keyFields();
  }

  int slotIndex(int s) {
    return 4 + keyFields() + s;
  }

  /** The type of the slot at event position {@code field}. */
  DataType slotType(int field) {
    return slotTypes[field - slotIndex(0)];
  }

  static String slotName(int s) {
    return SLOT_PREFIX + s;
  }

  boolean isLabel(InternalRow event) {
    return event.getInt(orderIndex()) == sourceCount;
  }

  /** The source of a feature event: its order. */
  int sourceOf(InternalRow event) {
    return event.getInt(orderIndex());
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

  /** Whether key k is an integer (or boolean) type, whose value fits a long exactly. */
  boolean isIntegralKey(int k) {
    int kind = keyKinds[k];
    return kind == LONG || kind == INT || kind == SHORT || kind == BYTE || kind == BOOLEAN;
  }

  /** The value of integral key k of a row with non-null keys, as a long. */
  long integralKey(InternalRow row, int k) {
    int i = keyIndex(k);
    switch (keyKinds[k]) {
      case LONG:
        return row.getLong(i);
      case INT:
        return row.getInt(i);
      case SHORT:
        return row.getShort(i);
      case BYTE:
        return row.getByte(i);
      case BOOLEAN:
        return row.getBoolean(i) ? 1 : 0;
      default:
        throw new IllegalArgumentException("key " + k + " is not integral");
    }
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
