package dev.trainforge.validate;

import static java.util.Objects.requireNonNull;

import java.io.Serializable;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import org.apache.datasketches.hll.HllSketch;
import org.apache.datasketches.hll.TgtHllType;
import org.apache.datasketches.hll.Union;
import org.apache.datasketches.kll.KllDoublesSketch;
import org.apache.datasketches.memory.Memory;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.function.FlatMapFunction;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.catalyst.InternalRow;
import org.apache.spark.sql.catalyst.expressions.BoundReference;
import org.apache.spark.sql.catalyst.expressions.Expression;
import org.apache.spark.sql.catalyst.expressions.UnsafeProjection;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.BinaryType;
import org.apache.spark.sql.types.BooleanType;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DoubleType;
import org.apache.spark.sql.types.LongType;
import org.apache.spark.sql.types.StringType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.apache.spark.unsafe.types.UTF8String;
import org.apache.spark.util.AccumulatorV2;

/**
 * Aggregates over all rows of a table, without grouping, computed in one pass: each metric declares
 * the per-row value it reads (a Spark column: one generated projection computes them all, each
 * once) and names its results; each task folds its rows into plain Java states (counters, moments,
 * sketches); the driver merges the tasks' states in partition order, and each metric's results are
 * read back by name.
 *
 * <p>Why not Spark's own aggregation: with a sketch among the aggregates Spark plans an object hash
 * aggregate, which runs every other aggregate's update through a generic joined row (about 100 ns
 * per aggregate per row) and evaluates each sketch's input expression interpreted. A profile of a
 * dozen columns has some fifty aggregates, so that cost several microseconds of CPU per row. Here a
 * count costs a test and an increment, moments a few floating-point operations, a sketch its own
 * update.
 *
 * <p>Costs one scan of the columns the values need and one Spark job; each task holds one state per
 * metric (a KLL sketch of a few KB, an HLL sketch of 4 KB), and only the states reach the driver.
 */
final class RowMetrics {
  /** KLL's accuracy parameter, as Spark's {@code kll_sketch_agg_double} uses by default. */
  static final int KLL_K = 200;

  private final List<Column> inputs = new ArrayList<>();
  private final List<String> countNames = new ArrayList<>();
  private final List<Integer> countInputs = new ArrayList<>();
  private final List<String> momentNames = new ArrayList<>();
  private final List<Integer> momentInputs = new ArrayList<>();
  private final List<String> kllNames = new ArrayList<>();
  private final List<Integer> kllInputs = new ArrayList<>();
  private final List<String> hllNames = new ArrayList<>();
  private final List<Integer> hllInputs = new ArrayList<>();
  private final List<Integer> hllLgK = new ArrayList<>();
  private final List<String> hashNames = new ArrayList<>();
  private final List<Integer> hashInputs = new ArrayList<>();
  private final Map<String, Object> results = new LinkedHashMap<>();
  private boolean ran;

  private int input(Column value) {
    inputs.add(requireNonNull(value, "value is null"));
    return inputs.size() - 1;
  }

  /** Declares a metric of {@code kind} that reads {@code value}; returns its name. */
  private String declare(String kind, List<Integer> ordinals, List<String> names, Column value) {
    ordinals.add(input(value));
    String name = kind + names.size();
    names.add(name);
    return name;
  }

  /** The number of rows where {@code flag} (a boolean) is true; {@link #longValue}. */
  String count(Column flag) {
    return declare("count", countInputs, countNames, flag.cast("boolean"));
  }

  /**
   * The moments of {@code value}'s non-null values, taken as doubles: names {@code <m>.min}, {@code
   * <m>.max}, {@code <m>.mean} and {@code <m>.stddev} (sample), each null without values (the
   * standard deviation also with one), as Spark's {@code min}, {@code max}, {@code avg} and {@code
   * stddev_samp} give them; returns {@code <m>}.
   */
  String moments(Column value) {
    return declare("moments", momentInputs, momentNames, value.cast("double"));
  }

  /**
   * A KLL sketch of {@code value}'s non-null values, taken as doubles, in the bytes of Spark's
   * {@code kll_sketch_agg_double} (null when there is none); {@link #bytes}.
   */
  String kll(Column value) {
    return declare("kll", kllInputs, kllNames, value.cast("double"));
  }

  /**
   * An HLL sketch of {@code value}'s distinct non-null values, in its updatable bytes ({@link
   * #bytes}, null without values); {@code <h>.estimate} is its rounded estimate ({@link
   * #longValue}). Integers, strings and bytes update it as Spark's {@code hll_sketch_agg} does
   * (integers as longs, strings as their UTF-8 bytes, empty strings left out); floating-point
   * values as doubles (the sketch's own canonical hash of a double); other types as their string
   * cast.
   */
  String hll(Column value, DataType type, int lgK) {
    Column v = value;
    if (type instanceof org.apache.spark.sql.types.IntegralType) {
      v = value.cast("long");
    } else if (type instanceof DoubleType || type instanceof org.apache.spark.sql.types.FloatType) {
      // a double's string cast costs more than the rest of the row's metrics together
      v = value.cast("double");
    } else if (!(type instanceof StringType) && !(type instanceof BinaryType)) {
      v = value.cast("string");
    }
    hllLgK.add(lgK);
    return declare("hll", hllInputs, hllNames, v);
  }

  /**
   * The exact sum of {@code hash} (a long) over all rows, as a decimal (null over no rows), as
   * {@code sum(cast(hash as decimal(38, 0)))} gives it.
   */
  String hashSum(Column hash) {
    return declare("hashsum", hashInputs, hashNames, hash.cast("long"));
  }

  /** Computes every metric over {@code rows} in one Spark job. */
  void run(Dataset<Row> rows) {
    Dataset<Row> values = rows.select(inputs.toArray(Column[]::new));
    Plan plan = plan(values.schema());
    merge(
        plan,
        values
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions((FlatMapFunction<Iterator<InternalRow>, byte[]>) plan::fold)
            .collect());
  }

  /**
   * The values the metrics read, in order: a pass that carries these metrics beside its own work
   * ({@link #carried}) selects them first.
   */
  List<Column> inputs() {
    return List.copyOf(inputs);
  }

  /**
   * The metrics' fold, for a pass of another's that carries them: its rows' first fields are {@link
   * #inputs}, of the types {@code schema} gives (the fields after those are the pass's own). Each
   * task folds its rows into one state; {@link #merge(Carried, List)} reads the tasks' states.
   */
  Carried carried(StructType schema) {
    return new Carried(plan(schema));
  }

  /** Reads the metrics' results from the states of {@code carried}'s tasks, in partition order. */
  void merge(Carried carried, List<byte[]> states) {
    merge(carried.plan, states);
  }

  private void merge(Plan plan, List<byte[]> states) {
    State total = plan.empty();
    for (byte[] s : states) {
      total.merge(State.fromBytes(s, plan), plan);
    }
    read(total);
    ran = true;
  }

  /**
   * {@code rows} as they pass to a job of another's (the write of the version), which folds these
   * metrics on the way, over the rows where {@code where} is true: the metrics' values are computed
   * beside the rows' columns in one generated projection, each task folds its rows into one state
   * as the job reads them and keeps it by partition (a task run again replaces its partition's
   * state, so a retried or speculative task counts once), and {@link #merge(Passing)} reads the
   * states, in partition order, once the job has run. Costs per row the metrics' fold and one copy
   * of the row; no scan and no job of its own.
   */
  Passing passing(Dataset<Row> rows, Column where) {
    List<Column> values = new ArrayList<>(inputs);
    values.add(functions.coalesce(where.cast("boolean"), functions.lit(false)));
    for (String name : rows.columns()) {
      values.add(dev.trainforge.spark.Columns.named(name));
    }
    Dataset<Row> projected = rows.select(values.toArray(Column[]::new));
    Plan plan = plan(projected.schema());
    int whereOrdinal = inputs.size();
    StructType schema = rows.schema();
    DataType[] types =
        Arrays.stream(schema.fields()).map(StructField::dataType).toArray(DataType[]::new);
    PartitionStates states = new PartitionStates();
    // Unnamed: a named accumulator's value goes to the listeners (UI, event log) with every task.
    rows.sparkSession().sparkContext().register(states);
    JavaRDD<InternalRow> passed =
        projected
            .queryExecution()
            .toRdd()
            .toJavaRDD()
            .mapPartitions(
                (FlatMapFunction<Iterator<InternalRow>, InternalRow>)
                    in -> new Folding(in, plan, whereOrdinal, types, states));
    Dataset<Row> out =
        ((org.apache.spark.sql.classic.SparkSession) rows.sparkSession())
            .internalCreateDataFrame(passed.rdd(), schema, false);
    return new Passing(out, plan, states, passed.getNumPartitions());
  }

  /** Reads the metrics' results from the states that {@code passing}'s job folded. */
  void merge(Passing passing) {
    if (!passing.complete()) {
      throw new IllegalStateException(
          "the job folded "
              + passing.states.value().size()
              + " of "
              + passing.partitions
              + " partitions");
    }
    merge(passing.plan, new ArrayList<>(passing.states.value().values()));
  }

  /** Rows that fold the metrics as another job reads them ({@link #passing}). */
  static final class Passing {
    private final Dataset<Row> rows;
    private final Plan plan;
    private final PartitionStates states;
    private final int partitions;

    private Passing(Dataset<Row> rows, Plan plan, PartitionStates states, int partitions) {
      this.rows = rows;
      this.plan = plan;
      this.states = states;
      this.partitions = partitions;
    }

    /** The rows, with the schema of those passed in: what the job is to read. */
    Dataset<Row> rows() {
      return rows;
    }

    /**
     * Whether a job has read every partition to its end, so that the states stand for all rows: not
     * before the job, nor when it stopped early.
     */
    boolean complete() {
      return states.value().size() == partitions;
    }
  }

  /** One task's rows, folded as they pass and projected back to the rows' own columns. */
  private static final class Folding implements Iterator<InternalRow> {
    private final Iterator<InternalRow> in;
    private final Plan plan;
    private final int whereOrdinal;
    private final UnsafeProjection columns;
    private final PartitionStates states;
    private final int partition = TaskContext.getPartitionId();
    private final State state;
    private boolean kept;

    Folding(
        Iterator<InternalRow> in,
        Plan plan,
        int whereOrdinal,
        DataType[] types,
        PartitionStates states) {
      this.in = in;
      this.plan = plan;
      this.whereOrdinal = whereOrdinal;
      this.states = states;
      this.state = plan.empty();
      List<Expression> refs = new ArrayList<>();
      for (int i = 0; i < types.length; i++) {
        refs.add(new BoundReference(whereOrdinal + 1 + i, types[i], true));
      }
      this.columns =
          UnsafeProjection.create(scala.jdk.javaapi.CollectionConverters.asScala(refs).toSeq());
    }

    @Override
    public boolean hasNext() {
      if (in.hasNext()) {
        return true;
      }
      // Only a partition read to its end stands for its rows.
      if (!kept) {
        kept = true;
        states.add(new PartitionState(partition, state.toBytes()));
      }
      return false;
    }

    @Override
    public InternalRow next() {
      InternalRow r = in.next();
      if (r.getBoolean(whereOrdinal)) {
        state.add(r, plan);
      }
      return columns.apply(r);
    }
  }

  /** A partition's state, in bytes. */
  record PartitionState(int partition, byte[] state) implements Serializable {}

  /**
   * The states of a job's partitions, by partition: a state added again for a partition replaces
   * the one before, as a retried task's does.
   */
  static final class PartitionStates
      extends AccumulatorV2<PartitionState, SortedMap<Integer, byte[]>> {
    private TreeMap<Integer, byte[]> states = new TreeMap<>();

    @Override
    public boolean isZero() {
      return states.isEmpty();
    }

    @Override
    public PartitionStates copy() {
      PartitionStates c = new PartitionStates();
      synchronized (this) {
        c.states.putAll(states);
      }
      return c;
    }

    @Override
    public synchronized void reset() {
      states = new TreeMap<>();
    }

    @Override
    public synchronized void add(PartitionState s) {
      states.put(s.partition(), s.state());
    }

    @Override
    public void merge(AccumulatorV2<PartitionState, SortedMap<Integer, byte[]>> other) {
      SortedMap<Integer, byte[]> theirs = other.value();
      synchronized (this) {
        states.putAll(theirs);
      }
    }

    @Override
    public synchronized SortedMap<Integer, byte[]> value() {
      return new TreeMap<>(states);
    }
  }

  /** The metrics' fold in a pass that carries them; shipped to the executors. */
  static final class Carried implements Serializable {
    private final Plan plan;

    private Carried(Plan plan) {
      this.plan = plan;
    }

    /** A task's fold: {@code add} each row, then {@code bytes} for its state. */
    Task start() {
      return new Task(plan);
    }

    /** One task's state. */
    static final class Task {
      private final Plan plan;
      private final State state;

      private Task(Plan plan) {
        this.plan = plan;
        this.state = plan.empty();
      }

      void add(InternalRow row) {
        state.add(row, plan);
      }

      byte[] bytes() {
        return state.toBytes();
      }
    }
  }

  private Plan plan(StructType schema) {
    byte[] hllKinds = new byte[hllInputs.size()];
    for (int i = 0; i < hllKinds.length; i++) {
      DataType t = schema.fields()[hllInputs.get(i)].dataType();
      hllKinds[i] =
          t instanceof LongType
              ? Plan.LONG
              : t instanceof DoubleType
                  ? Plan.DOUBLE
                  : t instanceof StringType ? Plan.STRING : Plan.BYTES;
    }
    checkTypes(schema, countInputs, BooleanType.class);
    checkTypes(schema, momentInputs, DoubleType.class);
    checkTypes(schema, kllInputs, DoubleType.class);
    checkTypes(schema, hashInputs, LongType.class);
    return new Plan(
        ints(countInputs),
        ints(momentInputs),
        ints(kllInputs),
        ints(hllInputs),
        hllKinds,
        ints(hllLgK),
        ints(hashInputs));
  }

  private static void checkTypes(StructType schema, List<Integer> ordinals, Class<?> type) {
    for (int o : ordinals) {
      if (!type.isInstance(schema.fields()[o].dataType())) {
        throw new IllegalStateException(
            "value "
                + o
                + " is "
                + schema.fields()[o].dataType()
                + ", not "
                + type.getSimpleName());
      }
    }
  }

  private static int[] ints(List<Integer> values) {
    return values.stream().mapToInt(Integer::intValue).toArray();
  }

  private void read(State s) {
    for (int i = 0; i < countNames.size(); i++) {
      results.put(countNames.get(i), s.counts[i]);
    }
    for (int i = 0; i < momentNames.size(); i++) {
      String m = momentNames.get(i);
      long n = s.momentCounts[i];
      results.put(m + ".min", n == 0 ? null : s.moments[i * M + MIN]);
      results.put(m + ".max", n == 0 ? null : s.moments[i * M + MAX]);
      results.put(m + ".mean", n == 0 ? null : s.moments[i * M + SUM] / n);
      results.put(m + ".stddev", n < 2 ? null : Math.sqrt(s.moments[i * M + M2] / (n - 1)));
    }
    for (int i = 0; i < kllNames.size(); i++) {
      results.put(kllNames.get(i), s.kll[i].isEmpty() ? null : s.kll[i].toByteArray());
    }
    for (int i = 0; i < hllNames.size(); i++) {
      HllSketch h = s.hllResult(i);
      results.put(hllNames.get(i), h.isEmpty() ? null : h.toUpdatableByteArray());
      results.put(hllNames.get(i) + ".estimate", Math.round(h.getEstimate()));
    }
    for (int i = 0; i < hashNames.size(); i++) {
      BigInteger sum =
          BigInteger.valueOf(s.hashHigh[i])
              .shiftLeft(32)
              .add(BigInteger.valueOf(s.hashLow[i]))
              .add(s.hashCarry[i]);
      results.put(hashNames.get(i), s.rows == 0 ? null : new BigDecimal(sum));
    }
  }

  private Object result(String name) {
    if (!ran) {
      throw new IllegalStateException("the metrics have not run");
    }
    if (!results.containsKey(name)) {
      throw new IllegalArgumentException("no metric result named " + name);
    }
    return results.get(name);
  }

  /** Every result by name, once the metrics have run: sketches in bytes, as the getters give. */
  Map<String, Object> results() {
    if (!ran) {
      throw new IllegalStateException("the metrics have not run");
    }
    return new LinkedHashMap<>(results);
  }

  /** A count, or an estimate; 0 for null. */
  long longValue(String name) {
    Object v = result(name);
    return v == null ? 0L : ((Number) v).longValue();
  }

  Double doubleValue(String name) {
    Object v = result(name);
    return v == null ? null : ((Number) v).doubleValue();
  }

  byte[] bytes(String name) {
    return (byte[]) result(name);
  }

  BigDecimal decimal(String name) {
    return (BigDecimal) result(name);
  }

  // ---- the pass ---------------------------------------------------------------------------

  private static final int M = 5, MIN = 0, MAX = 1, SUM = 2, MEAN = 3, M2 = 4;

  /** What a task needs: the ordinals of each metric's value; shipped to the executors. */
  private record Plan(
      int[] counts,
      int[] moments,
      int[] kll,
      int[] hll,
      byte[] hllKinds,
      int[] hllLgK,
      int[] hashes)
      implements Serializable {
    static final byte LONG = 0, STRING = 1, BYTES = 2, DOUBLE = 3;

    State empty() {
      return new State(this);
    }

    /** Folds one partition's rows into one state, in bytes. */
    Iterator<byte[]> fold(Iterator<InternalRow> rows) {
      State s = empty();
      while (rows.hasNext()) {
        s.add(rows.next(), this);
      }
      return List.of(s.toBytes()).iterator();
    }
  }

  /** One task's states, or their merge on the driver. */
  private static final class State {
    long rows;
    final long[] counts;
    final long[] momentCounts;
    final double[] moments;
    final KllDoublesSketch[] kll;
    final HllSketch[] hll;
    Union[] hllUnion;
    final long[] hashHigh;
    final long[] hashLow;
    final BigInteger[] hashCarry;

    State(Plan p) {
      counts = new long[p.counts().length];
      momentCounts = new long[p.moments().length];
      moments = new double[p.moments().length * M];
      kll = new KllDoublesSketch[p.kll().length];
      for (int i = 0; i < kll.length; i++) {
        kll[i] = KllDoublesSketch.newHeapInstance(KLL_K);
      }
      hll = new HllSketch[p.hll().length];
      for (int i = 0; i < hll.length; i++) {
        hll[i] = new HllSketch(p.hllLgK()[i], TgtHllType.HLL_8);
      }
      hashHigh = new long[p.hashes().length];
      hashLow = new long[p.hashes().length];
      hashCarry = new BigInteger[p.hashes().length];
      Arrays.fill(hashCarry, BigInteger.ZERO);
    }

    void add(InternalRow r, Plan p) {
      rows++;
      int[] c = p.counts();
      for (int i = 0; i < c.length; i++) {
        if (!r.isNullAt(c[i]) && r.getBoolean(c[i])) {
          counts[i]++;
        }
      }
      int[] m = p.moments();
      for (int i = 0; i < m.length; i++) {
        if (!r.isNullAt(m[i])) {
          addMoment(i, r.getDouble(m[i]));
        }
      }
      int[] k = p.kll();
      for (int i = 0; i < k.length; i++) {
        if (!r.isNullAt(k[i])) {
          kll[i].update(r.getDouble(k[i]));
        }
      }
      int[] h = p.hll();
      for (int i = 0; i < h.length; i++) {
        if (!r.isNullAt(h[i])) {
          addDistinct(i, r, h[i], p.hllKinds()[i]);
        }
      }
      int[] x = p.hashes();
      for (int i = 0; i < x.length; i++) {
        long v = r.getLong(x[i]);
        // high half signed, low half unsigned: both sums stay exact for 2^31 rows per task
        hashHigh[i] += v >> 32;
        hashLow[i] += v & 0xffffffffL;
      }
    }

    /** Spark's central-moment update (CentralMomentAgg), so that stddev_samp agrees with it. */
    private void addMoment(int i, double x) {
      int at = i * M;
      long n = ++momentCounts[i];
      if (n == 1) {
        moments[at + MIN] = x;
        moments[at + MAX] = x;
      } else {
        moments[at + MIN] = Math.min(moments[at + MIN], x);
        moments[at + MAX] = Math.max(moments[at + MAX], x);
      }
      moments[at + SUM] += x;
      double delta = x - moments[at + MEAN];
      double deltaN = delta / n;
      moments[at + MEAN] += deltaN;
      moments[at + M2] += delta * (delta - deltaN);
    }

    private void addDistinct(int i, InternalRow r, int ordinal, byte kind) {
      switch (kind) {
        case Plan.LONG -> hll[i].update(r.getLong(ordinal));
        case Plan.DOUBLE -> hll[i].update(r.getDouble(ordinal));
        case Plan.STRING -> {
          UTF8String s = r.getUTF8String(ordinal);
          if (s.numBytes() > 0) {
            hll[i].update(s.getBytes());
          }
        }
        default -> hll[i].update(r.getBinary(ordinal));
      }
    }

    void merge(State o, Plan p) {
      rows += o.rows;
      for (int i = 0; i < counts.length; i++) {
        counts[i] += o.counts[i];
      }
      for (int i = 0; i < momentCounts.length; i++) {
        mergeMoments(i, o);
      }
      for (int i = 0; i < kll.length; i++) {
        kll[i].merge(o.kll[i]);
      }
      if (hllUnion == null) {
        hllUnion = new Union[hll.length];
        for (int i = 0; i < hll.length; i++) {
          hllUnion[i] = new Union(p.hllLgK()[i]);
          hllUnion[i].update(hll[i]);
        }
      }
      for (int i = 0; i < hll.length; i++) {
        hllUnion[i].update(o.hll[i]);
      }
      for (int i = 0; i < hashHigh.length; i++) {
        // fold into an exact carry before the merged halves could overflow
        hashCarry[i] =
            hashCarry[i]
                .add(o.hashCarry[i])
                .add(BigInteger.valueOf(o.hashHigh[i]).shiftLeft(32))
                .add(BigInteger.valueOf(o.hashLow[i]));
      }
    }

    /** Spark's central-moment merge, in the order the driver takes the tasks. */
    private void mergeMoments(int i, State o) {
      long n1 = momentCounts[i], n2 = o.momentCounts[i];
      if (n2 == 0) {
        return;
      }
      int at = i * M;
      if (n1 == 0) {
        System.arraycopy(o.moments, at, moments, at, M);
        momentCounts[i] = n2;
        return;
      }
      long n = n1 + n2;
      moments[at + MIN] = Math.min(moments[at + MIN], o.moments[at + MIN]);
      moments[at + MAX] = Math.max(moments[at + MAX], o.moments[at + MAX]);
      moments[at + SUM] += o.moments[at + SUM];
      double delta = o.moments[at + MEAN] - moments[at + MEAN];
      double deltaN = delta / n;
      moments[at + MEAN] += deltaN * n2;
      moments[at + M2] += o.moments[at + M2] + delta * deltaN * n1 * n2;
      momentCounts[i] = n;
    }

    HllSketch hllResult(int i) {
      return hllUnion == null ? hll[i] : hllUnion[i].getResult(TgtHllType.HLL_8);
    }

    /**
     * The state in bytes, as a task returns it: whatever serializer the session uses, only a byte
     * array travels.
     */
    byte[] toBytes() {
      java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
      try (java.io.DataOutputStream out = new java.io.DataOutputStream(bytes)) {
        out.writeLong(rows);
        for (long c : counts) {
          out.writeLong(c);
        }
        for (long c : momentCounts) {
          out.writeLong(c);
        }
        for (double m : moments) {
          out.writeDouble(m);
        }
        for (int i = 0; i < hashHigh.length; i++) {
          out.writeLong(hashHigh[i]);
          out.writeLong(hashLow[i]);
        }
        for (KllDoublesSketch k : kll) {
          writeBytes(out, k.toByteArray());
        }
        for (HllSketch h : hll) {
          writeBytes(out, h.toUpdatableByteArray());
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return bytes.toByteArray();
    }

    static State fromBytes(byte[] bytes, Plan p) {
      State s = new State(p);
      try (java.io.DataInputStream in =
          new java.io.DataInputStream(new java.io.ByteArrayInputStream(bytes))) {
        s.rows = in.readLong();
        for (int i = 0; i < s.counts.length; i++) {
          s.counts[i] = in.readLong();
        }
        for (int i = 0; i < s.momentCounts.length; i++) {
          s.momentCounts[i] = in.readLong();
        }
        for (int i = 0; i < s.moments.length; i++) {
          s.moments[i] = in.readDouble();
        }
        for (int i = 0; i < s.hashHigh.length; i++) {
          s.hashHigh[i] = in.readLong();
          s.hashLow[i] = in.readLong();
        }
        for (int i = 0; i < s.kll.length; i++) {
          s.kll[i] = KllDoublesSketch.heapify(Memory.wrap(readBytes(in)));
        }
        for (int i = 0; i < s.hll.length; i++) {
          s.hll[i] = HllSketch.heapify(Memory.wrap(readBytes(in)));
        }
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      return s;
    }

    private static void writeBytes(java.io.DataOutputStream out, byte[] b)
        throws java.io.IOException {
      out.writeInt(b.length);
      out.write(b);
    }

    private static byte[] readBytes(java.io.DataInputStream in) throws java.io.IOException {
      byte[] b = new byte[in.readInt()];
      in.readFully(b);
      return b;
    }
  }
}
