package dev.trainforge.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;

import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinPartitioning;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.KeyHashPartitioning;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.synth.AsOfWorkload;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The as-of join benchmark: generates seeded data with {@link AsOfWorkload}, runs each method on
 * the same Parquet files in one JVM, checks that they agree (content checksum of id, values and
 * event times), and prints wall time, ratio to ours, peak heap, shuffle bytes and task times.
 *
 * <p>Every method reads the Parquet inputs and writes its result as Parquet. Spark 4.3's native
 * ASOF JOIN ({@code spark43-asof}) runs in a child process of its own ({@link Spark43AsOf}). Run it
 * with {@code bench/run.sh}; see BENCHMARKS.md.
 */
public final class JoinBenchmark {
  private final SparkSession spark;
  private final Path root;
  private final long asofTimeoutSeconds;
  private final Metrics metrics = new Metrics();
  private final StringBuilder report = new StringBuilder();
  // what a method run in another process said about itself, printed under the set's table
  private final List<String> notes = new ArrayList<>();
  // rows per partition of ours's range partitioning (--rows-per-partition)
  long rowsPerPartition = productRowsPerPartition();

  JoinBenchmark(SparkSession spark, Path root, long asofTimeoutSeconds) {
    this.spark = spark;
    this.root = root;
    this.asofTimeoutSeconds = asofTimeoutSeconds;
    spark.sparkContext().addSparkListener(metrics);
  }

  /** The product's default rows per partition of a range-partitioned join (reference.conf). */
  static long productRowsPerPartition() {
    return com.typesafe.config.ConfigFactory.defaultReference()
        .getLong("trainforge.join.rows-per-partition");
  }

  /** Ours's range partitioning, with the rows per partition this benchmark runs it with. */
  RangePartitioning ranges() {
    return new RangePartitioning(rowsPerPartition);
  }

  /**
   * What one method did: wall time (null: did not finish), peak heap (-1: not measured), shuffle
   * bytes written, longest and median task and those of the reduce side, the content checksum of
   * its output, a note, and the executor run and CPU time of all its tasks.
   */
  record Result(
      String method,
      Double seconds,
      long peakHeapMiB,
      long shuffleMiB,
      double maxTaskSeconds,
      double medianTaskSeconds,
      double maxReduceTaskSeconds,
      double medianReduceTaskSeconds,
      String checksum,
      String note,
      double taskSeconds,
      double taskCpuSeconds)
      implements Rounds.Run {}

  /**
   * Task metrics of whatever runs between {@link #reset} and now: this JVM's tasks, or those a
   * method run in another JVM reports with {@link #otherJvm} and {@link #add}.
   */
  static final class Metrics extends SparkListener {
    final AtomicLong shuffleBytes = new AtomicLong();
    final AtomicLong runMillis = new AtomicLong();
    final AtomicLong cpuNanos = new AtomicLong();
    final List<Long> taskMillis = new CopyOnWriteArrayList<>();
    // per stage: bytes of shuffle read, and task times
    final Map<Integer, AtomicLong> stageReadBytes = new ConcurrentHashMap<>();
    final Map<Integer, List<Long>> stageTaskMillis = new ConcurrentHashMap<>();
    // set when the method runs in another JVM (this JVM's heap says nothing of it), with its wall
    // time once it has ended
    volatile boolean otherJvm;
    volatile Double otherJvmSeconds;

    void reset() {
      shuffleBytes.set(0);
      runMillis.set(0);
      cpuNanos.set(0);
      taskMillis.clear();
      stageReadBytes.clear();
      stageTaskMillis.clear();
      otherJvm = false;
      otherJvmSeconds = null;
    }

    /** The method runs in another JVM; {@code seconds} is its wall time when it has ended. */
    void otherJvm(Double seconds) {
      otherJvm = true;
      otherJvmSeconds = seconds;
    }

    /** Counts one task of {@code stage}: its duration, executor run and CPU time, shuffle bytes. */
    void add(int stage, long millis, long run, long cpu, long shuffleWritten, long shuffleRead) {
      shuffleBytes.addAndGet(shuffleWritten);
      runMillis.addAndGet(run);
      cpuNanos.addAndGet(cpu);
      taskMillis.add(millis);
      stageReadBytes.computeIfAbsent(stage, k -> new AtomicLong()).addAndGet(shuffleRead);
      stageTaskMillis.computeIfAbsent(stage, k -> new CopyOnWriteArrayList<>()).add(millis);
    }

    /** Task times of the stage that read the most shuffle bytes: the join's reduce side. */
    List<Long> reduceTaskMillis() {
      return stageReadBytes.entrySet().stream()
          .filter(e -> e.getValue().get() > 0)
          .max(Map.Entry.comparingByValue(java.util.Comparator.comparingLong(AtomicLong::get)))
          .map(e -> stageTaskMillis.get(e.getKey()))
          .orElse(List.of());
    }

    @Override
    public void onStageCompleted(org.apache.spark.scheduler.SparkListenerStageCompleted done) {
      var info = done.stageInfo();
      if (Boolean.getBoolean("bench.stages")) {
        long ms =
            (long) info.completionTime().getOrElse(() -> 0L)
                - (long) info.submissionTime().getOrElse(() -> 0L);
        double cpu = info.taskMetrics() == null ? 0 : info.taskMetrics().executorCpuTime() / 1e9;
        log(
            "  stage %d (%d tasks) %.1f s, %.1f s CPU: %s",
            info.stageId(), info.numTasks(), ms / 1000.0, cpu, info.name());
      }
    }

    @Override
    public void onTaskEnd(SparkListenerTaskEnd end) {
      if (Boolean.getBoolean("bench.tasks") && end.taskMetrics() != null) {
        var info = end.taskInfo();
        var m = end.taskMetrics();
        log(
            "    task %d.%d on %s: launched %d, %.2f s, %.2f s CPU, %.2f s GC, %,d shuffle bytes read",
            end.stageId(),
            info.index(),
            info.executorId(),
            info.launchTime(),
            info.duration() / 1000.0,
            m.executorCpuTime() / 1e9,
            m.jvmGCTime() / 1000.0,
            m.shuffleReadMetrics().totalBytesRead());
      }
      if (end.taskMetrics() != null) {
        add(
            end.stageId(),
            end.taskInfo().duration(),
            end.taskMetrics().executorRunTime(),
            end.taskMetrics().executorCpuTime(),
            end.taskMetrics().shuffleWriteMetrics().bytesWritten(),
            end.taskMetrics().shuffleReadMetrics().totalBytesRead());
      }
    }
  }

  // ---- data ---------------------------------------------------------------------------------

  Path generate(String name, AsOfWorkload.Shape shape) throws Exception {
    return generate(name, shape, false);
  }

  /** Writes the workload's Parquet files under data/{@code name}, unless they exist. */
  Path generate(String name, AsOfWorkload.Shape shape, boolean uniformKeys) throws Exception {
    Path dir = root.resolve("data/" + name);
    Path marker = dir.resolve("_SHAPE");
    String described = shape + (uniformKeys ? " uniform" : "");
    if (Files.exists(marker) && Files.readString(marker).equals(described)) {
      log("data %s exists: %s", name, described);
      return dir;
    }
    long start = System.nanoTime();
    new AsOfWorkload(spark, shape, uniformKeys).writeAll(dir.toString(), 8);
    Files.writeString(marker, described);
    log("generated %s in %.1f s: %s", name, (System.nanoTime() - start) / 1e9, described);
    return dir;
  }

  private Dataset<Row> labels(Path data) {
    return spark.read().parquet(data.resolve("labels").toString());
  }

  private Dataset<Row> features(Path data, int j) {
    return spark.read().parquet(data.resolve("f" + j).toString());
  }

  /** The common result shape: id, then v_j and e_j per source (e as epoch micros). */
  private static List<String> outputColumns(int sources) {
    List<String> cols = new ArrayList<>(List.of("id"));
    for (int j = 0; j < sources; j++) {
      cols.add("v" + j);
      cols.add("e" + j);
    }
    return cols;
  }

  // ---- methods ------------------------------------------------------------------------------

  Dataset<Row> ours(Path data, List<Integer> sources, JoinPartitioning partitioning) {
    Dataset<Row> labels = labels(data).withColumn(JoinColumns.LABEL_TIME, col("t"));
    List<JoinSource> joinSources = new ArrayList<>();
    for (int j : sources) {
      Dataset<Row> f =
          features(data, j)
              .select(
                  col("k"),
                  col("e").as(JoinColumns.EVENT_TIME),
                  col("e").as(JoinColumns.AVAILABLE_TIME),
                  lit(null).cast("long").as(JoinColumns.TIE_BREAK),
                  col("v").as("s" + j + "__v"));
      joinSources.add(
          new JoinSource(
              "s" + j,
              f,
              List.of("k"),
              List.of("s" + j + "__v"),
              0,
              -1,
              true,
              false,
              false,
              java.util.OptionalLong.of(0)));
    }
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    Dataset<Row> out = new AsOfJoin(partitioning, partitions).join(labels, joinSources);
    // outputs are numbered by position, so that a run of source 3 alone compares as source 0
    List<Column> cols = new ArrayList<>(List.of(col("id")));
    for (int i = 0; i < sources.size(); i++) {
      int j = sources.get(i);
      cols.add(col("s" + j + "__v").as("v" + i));
      cols.add(unix_micros(col("s" + j + "__event_time")).as("e" + i));
    }
    return out.select(cols.toArray(Column[]::new));
  }

  /** Left join on key and time, then ROW_NUMBER() per label: the textbook SQL. */
  Dataset<Row> windowSql(Path data, int sources) {
    labels(data).createOrReplaceTempView("labels");
    StringBuilder sql = new StringBuilder("SELECT l.id");
    for (int j = 0; j < sources; j++) {
      features(data, j).createOrReplaceTempView("f" + j);
      sql.append(", j")
          .append(j)
          .append(".v AS v")
          .append(j)
          .append(", j")
          .append(j)
          .append(".e AS e")
          .append(j);
    }
    sql.append(" FROM labels l");
    for (int j = 0; j < sources; j++) {
      sql.append(" LEFT JOIN (SELECT id, v, e FROM (SELECT l.id, f.v, f.e, ROW_NUMBER() OVER")
          .append(" (PARTITION BY l.id ORDER BY f.e DESC) AS rn FROM labels l JOIN f")
          .append(j)
          .append(" f ON l.k = f.k AND f.e <= l.t) WHERE rn = 1) j")
          .append(j)
          .append(" ON l.id = j")
          .append(j)
          .append(".id");
    }
    return spark.sql(sql.toString());
  }

  /** Union of labels and feature rows, last(..., ignoreNulls) over a window by key: tempo's way. */
  Dataset<Row> unionLast(Path data, int sources) {
    Dataset<Row> result = labels(data).select("id", "k", "t");
    for (int j = 0; j < sources; j++) {
      Dataset<Row> l =
          result.selectExpr(
              "*",
              "t AS ts",
              "1 AS kind",
              "CAST(NULL AS DOUBLE) AS fv",
              "CAST(NULL AS BIGINT) AS fe");
      Dataset<Row> f =
          features(data, j)
              .selectExpr(
                  "CAST(NULL AS BIGINT) AS id",
                  "k",
                  "CAST(NULL AS BIGINT) AS t",
                  "e AS ts",
                  "0 AS kind",
                  "v AS fv",
                  "e AS fe");
      List<String> carried = new ArrayList<>();
      for (String c : result.columns()) {
        if (!List.of("id", "k", "t").contains(c)) {
          carried.add(c);
        }
      }
      for (String c : carried) {
        f = f.withColumn(c, lit(null).cast(result.schema().apply(c).dataType()));
      }
      l = l.select(orderedColumns(l, f));
      f = f.select(orderedColumns(l, f));
      Dataset<Row> u = l.unionByName(f);
      u.createOrReplaceTempView("u");
      String window =
          "OVER (PARTITION BY k ORDER BY ts, kind ROWS BETWEEN UNBOUNDED PRECEDING AND CURRENT ROW)";
      StringBuilder select = new StringBuilder("SELECT id, k, t");
      for (String c : carried) {
        select.append(", ").append(c);
      }
      select.append(", last(fv, true) ").append(window).append(" AS v").append(j);
      select.append(", last(fe, true) ").append(window).append(" AS e").append(j);
      result = spark.sql("SELECT * FROM (" + select + ", kind FROM u) WHERE kind = 1").drop("kind");
    }
    return result.select(outputColumns(sources).stream().map(c -> col(c)).toArray(Column[]::new));
  }

  private static Column[] orderedColumns(Dataset<Row> l, Dataset<Row> f) {
    return java.util.Arrays.stream(l.columns()).map(c -> col(c)).toArray(Column[]::new);
  }

  /** Spark's own Dataset.joinAsOf (a nested loop after rewriting). */
  Dataset<Row> joinAsOf(Path data, int sources) {
    Dataset<Row> result = labels(data);
    for (int j = 0; j < sources; j++) {
      var left = (org.apache.spark.sql.classic.Dataset<Row>) result;
      var right =
          (org.apache.spark.sql.classic.Dataset<Row>)
              features(data, j).selectExpr("k", "e AS e" + j, "v AS v" + j);
      result =
          left.joinAsOf(
              right,
              left.col("t"),
              right.col("e" + j),
              scala.jdk.javaapi.CollectionConverters.asScala(List.of("k")).toSeq(),
              "left",
              null,
              true,
              "backward");
    }
    return result.select(outputColumns(sources).stream().map(c -> col(c)).toArray(Column[]::new));
  }

  /** DuckDB's ASOF JOIN over the same Parquet files, in this process. */
  void duckDb(Path data, int sources, Path out) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("SET threads = 2");
      st.execute("SET temp_directory = '" + root.resolve("duckdb-tmp") + "'");
      StringBuilder select = new StringBuilder("SELECT l.id");
      StringBuilder from =
          new StringBuilder(" FROM read_parquet('" + data.resolve("labels") + "/*.parquet') l");
      for (int j = 0; j < sources; j++) {
        select
            .append(", f")
            .append(j)
            .append(".v AS v")
            .append(j)
            .append(", f")
            .append(j)
            .append(".e AS e")
            .append(j);
        from.append(" ASOF LEFT JOIN read_parquet('")
            .append(data.resolve("f" + j))
            .append("/*.parquet') f")
            .append(j)
            .append(" ON l.k = f")
            .append(j)
            .append(".k AND l.t >= f")
            .append(j)
            .append(".e");
      }
      st.execute("COPY (" + select + from + ") TO '" + out + "' (FORMAT PARQUET)");
    }
  }

  /** Read the inputs, write the labels, no join: what any method must at least do. */
  void ioFloor(Path data, int sources, Path out) {
    labels(data).write().parquet(out.toString());
    for (int j = 0; j < sources; j++) {
      features(data, j).selectExpr("sum(xxhash64(k, e, v) % 1000)").collect();
    }
  }

  /**
   * Spark 4.3's native ASOF JOIN in its own JVM ({@link Spark43AsOf}); its tasks are counted from
   * that JVM's event log, and what it said of its session and query goes under the table.
   */
  void spark43AsOf(Path data, int sources, Path out) throws Exception {
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    metrics.otherJvm(null);
    Spark43AsOf.Run run = Spark43AsOf.fromEnvironment().run(data, sources, partitions, out);
    for (SparkEventLog.Task t : run.events().tasks()) {
      metrics.add(
          t.stage(), t.millis(), t.runMillis(), t.cpuNanos(), t.shuffleWritten(), t.shuffleRead());
    }
    metrics.otherJvm(run.seconds());
    notes.add(run.describe());
  }

  // ---- running ------------------------------------------------------------------------------

  interface Body {
    void run(Path out) throws Exception;
  }

  /** Runs {@code body}; checksums the columns of {@code sources} sources (id, v_j, e_j). */
  Result measure(String set, String method, int sources, long timeoutSeconds, Body body)
      throws Exception {
    return measure(set, method, outputColumns(sources), timeoutSeconds, body);
  }

  /**
   * Runs {@code body} (stopped after {@code timeoutSeconds}), which writes Parquet to the path it
   * is given; measures it and checksums {@code checksummed} of what it wrote (null: every column).
   */
  Result measure(
      String set, String method, List<String> checksummed, long timeoutSeconds, Body body)
      throws Exception {
    Path out = root.resolve("out/" + set + "/" + method);
    deleteRecursively(out.toFile());
    Files.createDirectories(out.getParent());
    metrics.reset();
    String group = "bench-" + set + "-" + method;
    TimedRun.Outcome outcome = TimedRun.run(spark, group, timeoutSeconds, () -> {}, body, out);
    Double seconds = outcome.seconds();
    String note = outcome.note();
    long peak = outcome.peakHeapBytes();
    long peakMiB = peak >> 20;
    if (metrics.otherJvm) {
      // the method's own process, from its start to its exit; its heap is not this JVM's (-1)
      seconds = seconds == null ? null : metrics.otherJvmSeconds;
      peakMiB = -1;
    }
    List<Long> tasks = new ArrayList<>(metrics.taskMillis);
    Collections.sort(tasks);
    double max = tasks.isEmpty() ? 0 : tasks.get(tasks.size() - 1) / 1000.0;
    double median = tasks.isEmpty() ? 0 : tasks.get(tasks.size() / 2) / 1000.0;
    List<Long> reduce = new ArrayList<>(metrics.reduceTaskMillis());
    Collections.sort(reduce);
    double reduceMax = reduce.isEmpty() ? 0 : reduce.get(reduce.size() - 1) / 1000.0;
    double reduceMedian = reduce.isEmpty() ? 0 : reduce.get(reduce.size() / 2) / 1000.0;
    long shuffle = metrics.shuffleBytes.get() >> 20;
    String checksum = "";
    if (seconds != null && !method.equals("io-floor")) {
      Dataset<Row> written = spark.read().parquet(out.toString());
      checksum =
          ContentChecksum.of(
              checksummed == null
                  ? written
                  : written.select(checksummed.stream().map(c -> col(c)).toArray(Column[]::new)));
    }
    Result r =
        new Result(
            method,
            seconds,
            peakMiB,
            shuffle,
            max,
            median,
            reduceMax,
            reduceMedian,
            checksum,
            note,
            metrics.runMillis.get() / 1000.0,
            metrics.cpuNanos.get() / 1e9);
    log("%s %s: %s", set, method, r);
    return r;
  }

  List<Result> runSet(String set, Path data, int sources, List<String> methods) throws Exception {
    List<Result> results = new ArrayList<>();
    List<Integer> all = new ArrayList<>();
    for (int j = 0; j < sources; j++) {
      all.add(j);
    }
    long big = 100_000;
    // Methods that may be stopped run last: a cancelled task runs on until it ends, and would
    // share the cores with whatever came next. Spark 4.3's ASOF JOIN first of them: it runs in a
    // process of its own, which is killed at once.
    List<String> ordered = new ArrayList<>(methods);
    ordered.sort(java.util.Comparator.comparingInt(JoinBenchmark::stopRank));
    for (String m : ordered) {
      boolean mayStop = stopRank(m) > 0;
      results.add(measure(set, m, sources, mayStop ? asofTimeoutSeconds : big, body(m, data, all)));
    }
    return results;
  }

  /**
   * Runs {@code methods} in {@code rounds} {@link Rounds} (the methods that may be stopped still
   * last in each) and returns each method's fastest run. The note under the table lists every run,
   * and ours's time over each other method's, round by round. One round is {@link #runSet}.
   */
  List<Result> runRounds(String set, Path data, int sources, List<String> methods, int rounds)
      throws Exception {
    if (rounds <= 1) {
      return runSet(set, data, sources, methods);
    }
    Rounds<Result> runs = Rounds.run(set, methods, rounds, o -> runSet(set, data, sources, o));
    notes.add(runs.everyRun() + runs.oursOverOthers());
    return runs.fastest();
  }

  /** 0 for a method that always finishes, 1 for one in its own process, 2 for a stoppable one. */
  private static int stopRank(String method) {
    return switch (method) {
      case Spark43AsOf.METHOD -> 1;
      case "window-sql", "spark-joinAsOf" -> 2;
      default -> 0;
    };
  }

  /** What method {@code m} runs: it reads {@code data} and writes its result to {@code out}. */
  private Body body(String m, Path data, List<Integer> sources) {
    int n = sources.size();
    return switch (m) {
      case "ours" -> out -> write(ours(data, sources, ranges()), out);
      case "ours-hash" -> out -> write(ours(data, sources, new KeyHashPartitioning()), out);
      case "window-sql" -> out -> write(windowSql(data, n), out);
      case "union-last" -> out -> write(unionLast(data, n), out);
      case "spark-joinAsOf" -> out -> write(joinAsOf(data, n), out);
      case Spark43AsOf.METHOD -> out -> spark43AsOf(data, n, out);
      case "duckdb" -> out -> duckDb(data, n, out);
      case "io-floor" -> out -> ioFloor(data, n, out);
      default -> throw new IllegalArgumentException("unknown method " + m);
    };
  }

  static void write(Dataset<Row> rows, Path out) {
    rows.write().parquet(out.toString());
  }

  /** Prints the table of {@code results} (and the notes of methods run elsewhere); returns it. */
  String table(String title, List<Result> results) {
    Result ours = results.stream().filter(r -> r.method().equals("ours")).findFirst().orElse(null);
    String reference =
        results.stream().map(Result::checksum).filter(c -> !c.isEmpty()).findFirst().orElse("");
    StringBuilder sb = new StringBuilder();
    sb.append("\n### ").append(title).append("\n\n");
    sb.append(
        "| method | wall s | × ours | peak heap MiB | shuffle MiB | max task s | median task s"
            + " | reduce max / median s | same rows |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      String ratio =
          r.seconds() == null || ours == null || ours.seconds() == null
              ? "—"
              : String.format(Locale.ROOT, "%.2f", r.seconds() / ours.seconds());
      String same =
          r.method().equals("io-floor") || (r.seconds() != null && r.checksum().isEmpty())
              ? "n/a"
              : r.seconds() == null
                  ? r.note()
                  : r.checksum().equals(reference) ? "yes" : "NO: " + r.checksum();
      boolean unmeasured = r.seconds() == null && r.peakHeapMiB() < 0;
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %s | %s | %s | %s | %s | %s |%n",
              r.method(),
              r.seconds() == null ? "DNF" : String.format(Locale.ROOT, "%.1f", r.seconds()),
              ratio,
              r.peakHeapMiB() < 0 ? "—" : String.valueOf(r.peakHeapMiB()),
              // a method in another JVM that was stopped left no task figures
              unmeasured ? "—" : String.valueOf(r.shuffleMiB()),
              unmeasured ? "—" : String.format(Locale.ROOT, "%.1f", r.maxTaskSeconds()),
              unmeasured ? "—" : String.format(Locale.ROOT, "%.1f", r.medianTaskSeconds()),
              r.maxReduceTaskSeconds() == 0
                  ? "—"
                  : String.format(
                      Locale.ROOT,
                      "%.2f / %.2f",
                      r.maxReduceTaskSeconds(),
                      r.medianReduceTaskSeconds()),
              same));
    }
    for (String note : notes) {
      sb.append("\n").append(note).append("\n");
    }
    notes.clear();
    System.out.print(sb);
    report.append(sb);
    return sb.toString();
  }

  static void log(String format, Object... args) {
    // the time of day, to find each method's load average in a log of the machine's
    String now = java.time.LocalTime.now(java.time.ZoneOffset.UTC).withNano(0).toString();
    System.err.printf(Locale.ROOT, "[bench " + now + "] " + format + "%n", args);
  }

  static void deleteRecursively(File f) {
    File[] children = f.listFiles();
    if (children != null) {
      for (File c : children) {
        deleteRecursively(c);
      }
    }
    f.delete();
  }

  /** Runs every Spark method once on small data, so that no method pays for a cold JIT. */
  void warmUp() throws Exception {
    warmUp(List.of("ours", "ours-hash", "union-last", "duckdb", "io-floor"));
  }

  /** Runs {@code methods} once on small data, so that none of them pays for a cold JIT. */
  void warmUp(List<String> methods) throws Exception {
    Path data = generate("warm-up", new AsOfWorkload.Shape(9, 20_000, 200_000, 10_000, 1, 0));
    long start = System.nanoTime();
    for (String m : methods) {
      runSet("warm-up", data, 1, List.of(m));
    }
    log("warmed up in %.1f s", (System.nanoTime() - start) / 1e9);
  }

  // ---- main ---------------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchOptions.parse(args);
    String sets = opts.getOrDefault("sets", "S,H,M,L");
    double scale = Double.parseDouble(opts.getOrDefault("scale", "1"));
    long timeout = Long.parseLong(opts.getOrDefault("asof-timeout", "600"));
    List<String> methods =
        List.of(
            opts.getOrDefault(
                    "methods",
                    "ours,ours-hash,window-sql,union-last,spark-joinAsOf,spark43-asof,duckdb,"
                        + "io-floor")
                .split(","));
    if (methods.contains(Spark43AsOf.METHOD)) {
      Spark43AsOf.fromEnvironment(); // fails now, not after an hour of other methods
    }
    Path root = Path.of(opts.getOrDefault("dir", "target/bench")).toAbsolutePath();
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "64"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "1"));

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("trainforge-benchmark")
            .config("spark.sql.shuffle.partitions", String.valueOf(partitions))
            .config("spark.driver.host", "127.0.0.1")
            .config("spark.driver.bindAddress", "127.0.0.1")
            .config("spark.ui.enabled", "false")
            .config("spark.sql.session.timeZone", "UTC")
            .config("spark.serializer", "org.apache.spark.serializer.KryoSerializer")
            .config("spark.local.dir", root.resolve("spark-tmp").toString())
            .config(java.util.Map.<String, Object>copyOf(SparkSessions.SHUFFLE_IO))
            .getOrCreate();
    spark.sparkContext().setLogLevel("ERROR");
    JoinBenchmark bench = new JoinBenchmark(spark, root, timeout);
    if (opts.containsKey("rows-per-partition")) {
      bench.rowsPerPartition = Long.parseLong(opts.get("rows-per-partition"));
    }
    bench.warmUp();
    long n = (long) (20_000_000 * scale);
    long labels = (long) (2_000_000 * scale);
    long keys = (long) (1_000_000 * scale);
    for (String set : sets.split(",")) {
      switch (set) {
        case "S" -> {
          Path data = bench.generate("S", new AsOfWorkload.Shape(1, labels, n, keys, 1, 0));
          bench.table(
              String.format(
                  Locale.ROOT,
                  "(S) %,d labels × %,d feature rows, %,d keys, Zipf",
                  labels,
                  n,
                  keys),
              bench.runRounds("S", data, 1, methods, rounds));
        }
        case "U" -> {
          // the shape of issue 13's figures: Spark 4.3's ASOF JOIN finishes on uniform keys
          Path data = bench.generate("U", new AsOfWorkload.Shape(1, labels, n, keys, 1, 0), true);
          bench.table(
              String.format(
                  Locale.ROOT,
                  "(U) %,d labels × %,d feature rows, %,d keys, uniform",
                  labels,
                  n,
                  keys),
              bench.runRounds("U", data, 1, methods, rounds));
        }
        case "H" -> {
          Path data = bench.generate("H", new AsOfWorkload.Shape(2, labels, n, keys, 1, 0.2));
          bench.table(
              String.format(Locale.ROOT, "(H) as S, one key with 20%% of labels and feature rows"),
              bench.runRounds("H", data, 1, methods, rounds));
        }
        case "M" -> {
          long m = (long) (10_000_000 * scale);
          Path data = bench.generate("M", new AsOfWorkload.Shape(3, labels, m, keys, 5, 0));
          List<Result> results =
              new ArrayList<>(bench.runSet("M", data, 5, List.of("ours", "union-last", "duckdb")));
          double single = 0;
          for (int j = 0; j < 5; j++) {
            int source = j;
            Result r =
                bench.measure(
                    "M",
                    "ours-single-" + j,
                    1,
                    100_000,
                    out ->
                        bench
                            .ours(data, List.of(source), bench.ranges())
                            .write()
                            .parquet(out.toString()));
            single += r.seconds();
          }
          results.add(
              new Result(
                  "5 single-source runs of ours, summed", single, 0, 0, 0, 0, 0, 0, "", "", 0, 0));
          bench.table(
              String.format(Locale.ROOT, "(M) %,d labels, five sources of %,d rows", labels, m),
              results);
        }
        case "L" -> {
          List<Result> results = new ArrayList<>();
          for (long rows : new long[] {2_000_000, 4_000_000, 8_000_000, 16_000_000}) {
            long r = (long) (rows * scale);
            Path data = bench.generate("L" + r, new AsOfWorkload.Shape(4, labels, r, keys, 1, 0));
            Result ours =
                bench.measure(
                    "L" + r,
                    "ours",
                    1,
                    100_000,
                    out ->
                        bench
                            .ours(data, List.of(0), bench.ranges())
                            .write()
                            .parquet(out.toString()));
            results.add(
                new Result(
                    String.format(Locale.ROOT, "ours, %,d feature rows", r),
                    ours.seconds(),
                    ours.peakHeapMiB(),
                    ours.shuffleMiB(),
                    ours.maxTaskSeconds(),
                    ours.medianTaskSeconds(),
                    ours.maxReduceTaskSeconds(),
                    ours.medianReduceTaskSeconds(),
                    "",
                    "",
                    ours.taskSeconds(),
                    ours.taskCpuSeconds()));
          }
          bench.table(
              "(L) scale series, " + String.format(Locale.ROOT, "%,d", labels) + " labels",
              results);
        }
        case "single" -> {
          Path data =
              bench.generate(
                  "single", new AsOfWorkload.Shape(5, (long) (5_000_000 * scale), n, 1, 1, 0));
          bench.table(
              "one key: "
                  + String.format(
                      Locale.ROOT,
                      "%,d labels × %,d feature rows, heap %d MiB",
                      (long) (5_000_000 * scale),
                      n,
                      Runtime.getRuntime().maxMemory() >> 20),
              bench.runSet("single", data, 1, List.of("ours")));
        }
        default -> throw new IllegalArgumentException("unknown set " + set);
      }
    }
    Path reportFile = root.resolve("results.md");
    Files.writeString(reportFile, bench.report.toString());
    log("results in %s", reportFile);
    // a stopped method's task may still be running: end the JVM, and it, now
    System.exit(0);
  }
}
