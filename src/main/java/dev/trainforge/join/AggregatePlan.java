package dev.trainforge.join;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.types.ArrayType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;

/**
 * How one source's {@link Aggregation}s read its events and what they output, planned once per key
 * group: the field each reads, how its values compare and add, the source's distinct windows of
 * running totals, and what a row's entry and exit instants are.
 *
 * <p>A row counts for a label at {@code t} when {@code enter <= t < exit(W)}, with {@code enter =
 * max(e + ε, a) + g} (its visibility, the event's sort time) and {@code exit(W) = max(e + W, a) +
 * g}: the first label time at which {@code e <= τ - W}.
 */
final class AggregatePlan implements Serializable {
  private static final long serialVersionUID = 1L;

  /** How a value is read: as a long, as a double, or copied as it is. */
  enum Kind {
    INTEGRAL,
    FLOATING,
    TIME,
    OTHER
  }

  final List<Aggregation> aggregations;

  /** Per aggregation: the event field it reads, or -1 for {@code count(*)}. */
  final int[] fields;

  final Kind[] kinds;
  final DataType[] inputTypes;

  /** The distinct windows of running totals, shortest first; the last one is the longest. */
  final long[] windows;

  /** Per aggregation: its window's index in {@link #windows}. */
  final int[] windowOf;

  final long longestWindow;

  /** Per window: whether running totals (and so entries and exits) are kept for it. */
  final boolean[] tracked;

  final int lastK;
  final long lagMicros;
  final boolean exactMatches;

  /** {@code a - e} on every row, when {@code a} is not shipped; else null. */
  final Long availableShift;

  final SourceFields source;
  final int timeIndex;

  AggregatePlan(
      JoinSource s, SourceFields fields, Map<String, Integer> columnField, EventLayout layout) {
    this.aggregations = List.copyOf(s.aggregations());
    this.source = fields;
    this.timeIndex = layout.timeIndex();
    int n = aggregations.size();
    this.fields = new int[n];
    this.kinds = new Kind[n];
    this.inputTypes = new DataType[n];
    TreeSet<Long> distinct = new TreeSet<>();
    long longest = 0;
    int k = 0;
    for (int i = 0; i < n; i++) {
      Aggregation a = aggregations.get(i);
      int field = a.column().map(columnField::get).orElse(-1);
      this.fields[i] = field;
      this.inputTypes[i] = field < 0 ? DataTypes.LongType : layout.slotType(field);
      this.kinds[i] = kindOf(inputTypes[i]);
      distinct.add(a.windowMicros());
      longest = Math.max(longest, a.windowMicros());
      k = Math.max(k, a.k());
    }
    this.windows = distinct.stream().mapToLong(Long::longValue).toArray();
    this.windowOf = new int[n];
    for (int i = 0; i < n; i++) {
      windowOf[i] = java.util.Arrays.binarySearch(windows, aggregations.get(i).windowMicros());
    }
    this.longestWindow = longest;
    this.tracked = new boolean[windows.length];
    for (int w = 0; w < windows.length; w++) {
      // the longest window's row count says whether the source matched
      tracked[w] = w == windows.length - 1 || !totalsOf(w).isEmpty();
    }
    this.lastK = k;
    this.lagMicros = s.servingLagMicros();
    this.exactMatches = s.exactMatches();
    this.availableShift =
        s.availableShiftMicros().isPresent() ? s.availableShiftMicros().getAsLong() : null;
  }

  static Kind kindOf(DataType t) {
    if (t.equals(DataTypes.LongType)
        || t.equals(DataTypes.IntegerType)
        || t.equals(DataTypes.ShortType)
        || t.equals(DataTypes.ByteType)) {
      return Kind.INTEGRAL;
    }
    if (t.equals(DataTypes.DoubleType) || t.equals(DataTypes.FloatType)) {
      return Kind.FLOATING;
    }
    if (t.equals(DataTypes.TimestampType)
        || t.equals(DataTypes.TimestampNTZType)
        || t.equals(DataTypes.DateType)) {
      return Kind.TIME;
    }
    return Kind.OTHER;
  }

  /** Whether {@code function} can take a column of this type; null when it can. */
  static String unsupported(Aggregation.Function function, DataType type) {
    Kind kind = kindOf(type);
    return switch (function) {
      case COUNT, LAST_K -> null;
      case SUM, AVG, STDDEV ->
          kind == Kind.INTEGRAL || kind == Kind.FLOATING ? null : "a number column";
      case MIN, MAX -> kind == Kind.OTHER ? "a number, timestamp or date column" : null;
    };
  }

  /** The output type of aggregation i. */
  DataType outputType(int i) {
    Aggregation a = aggregations.get(i);
    return switch (a.function()) {
      case COUNT -> DataTypes.LongType;
      case SUM -> kinds[i] == Kind.INTEGRAL ? DataTypes.LongType : DataTypes.DoubleType;
      case AVG, STDDEV -> DataTypes.DoubleType;
      case MIN, MAX -> inputTypes[i];
      case LAST_K -> new ArrayType(inputTypes[i], true);
    };
  }

  /** The aggregations whose results are running totals over window w. */
  List<Integer> totalsOf(int w) {
    List<Integer> out = new ArrayList<>();
    for (int i = 0; i < aggregations.size(); i++) {
      if (windowOf[i] == w && aggregations.get(i).function().subtractable()) {
        out.add(i);
      }
    }
    return out;
  }

  /** {@code e} of a feature event. */
  long eventTime(InternalRow row) {
    return source.event() >= 0
        ? row.getLong(source.event())
        : row.getLong(timeIndex) - source.eventShift();
  }

  /** {@code a} of a feature event. */
  long availableTime(InternalRow row) {
    return source.available() >= 0 ? row.getLong(source.available()) : eventTime(row) + shift();
  }

  private long shift() {
    return availableShift == null ? 0 : availableShift;
  }

  /** The first label time at which the row has left a window of {@code window} µs. */
  long exit(InternalRow row, long window) {
    return Math.max(eventTime(row) + window, availableTime(row)) + lagMicros;
  }

  /** A value as a long that orders like it, for min and max (doubles by their bits, see below). */
  long orderBits(InternalRow row, int i) {
    int f = fields[i];
    DataType t = inputTypes[i];
    if (kinds[i] == Kind.FLOATING) {
      double d = t.equals(DataTypes.FloatType) ? row.getFloat(f) : row.getDouble(f);
      return sortableBits(d);
    }
    return integral(row, f, t);
  }

  static long integral(InternalRow row, int f, DataType t) {
    if (t.equals(DataTypes.LongType)
        || t.equals(DataTypes.TimestampType)
        || t.equals(DataTypes.TimestampNTZType)) {
      return row.getLong(f);
    }
    if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.DateType)) {
      return row.getInt(f);
    }
    if (t.equals(DataTypes.ShortType)) {
      return row.getShort(f);
    }
    return row.getByte(f);
  }

  double floating(InternalRow row, int i) {
    int f = fields[i];
    DataType t = inputTypes[i];
    if (kinds[i] == Kind.FLOATING) {
      return t.equals(DataTypes.FloatType) ? row.getFloat(f) : row.getDouble(f);
    }
    return integral(row, f, t);
  }

  /**
   * A double's bits, turned so that signed long order is {@link Double#compare} order (NaN
   * greatest, as Spark orders it): flip the magnitude bits of negatives.
   */
  static long sortableBits(double d) {
    long bits = Double.doubleToLongBits(d); // one NaN
    return bits < 0 ? bits ^ Long.MAX_VALUE : bits;
  }

  /** The value for output of {@link #orderBits}. */
  Object fromOrderBits(int i, long bits) {
    DataType t = inputTypes[i];
    if (kinds[i] == Kind.FLOATING) {
      double d = Double.longBitsToDouble(bits < 0 ? bits ^ Long.MAX_VALUE : bits);
      return t.equals(DataTypes.FloatType) ? (Object) (float) d : (Object) d;
    }
    if (t.equals(DataTypes.IntegerType) || t.equals(DataTypes.DateType)) {
      return (int) bits;
    }
    if (t.equals(DataTypes.ShortType)) {
      return (short) bits;
    }
    if (t.equals(DataTypes.ByteType)) {
      return (byte) bits;
    }
    return bits;
  }
}
