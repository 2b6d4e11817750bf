package dev.trainforge.bench;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.unix_micros;

import dev.trainforge.join.Aggregation;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import dev.trainforge.join.RangePartitioning;
import dev.trainforge.spark.SparkSessions;
import dev.trainforge.synth.AsOfWorkload;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The windowed-aggregation benchmark (issue 18): count over 1 h, sum over 7 d and avg over 30 d of
 * one feature column per label, event time only (available time = event time, serving lag 0, exact
 * matches included), computed by our join and by what users write today, on the same Parquet files
 * in one JVM. Each method writes {@code (id, cnt_1h, sum_7d, avg_30d)} as Parquet; every finished
 * method is compared row by row with the first one that finished (counts equal, sums and averages
 * within a relative 1e-9, nulls alike).
 *
 * <p>Methods: {@code ours} (the three aggregations alone, no latest-value column), {@code
 * ours-latest} (the plain latest-value join on the same data: the baseline), {@code ours-both} (the
 * latest value and the three aggregations in one join), {@code duckdb} (window functions with
 * {@code RANGE … PRECEDING} over the union of labels and rows), {@code spark-range-join} (a range
 * join on key and time, {@code GROUP BY} label) and {@code spark-window} (window functions with
 * {@code RANGE … PRECEDING} over the union). Every method is stopped after {@code --timeout}
 * seconds. Run it with {@code bench/windows.sh}; see BENCHMARKS.md.
 */
public final class WindowBenchmark {
  static final long HOUR = 3_600_000_000L;
  static final long DAY = 24 * HOUR;
  static final long W1 = HOUR;
  static final long W7 = 7 * DAY;
  static final long W30 = 30 * DAY;
  static final List<String> OUTPUT = List.of("id", "cnt_1h", "sum_7d", "avg_30d");

  private final SparkSession spark;
  private final Path root;
  private final long timeoutSeconds;
  private final JoinBenchmark.Metrics metrics = new JoinBenchmark.Metrics();
  private final StringBuilder report = new StringBuilder();
  private final AtomicReference<Statement> duckStatement = new AtomicReference<>();
  // rows per partition of ours's range partitioning (--rows-per-partition)
  long rowsPerPartition = JoinBenchmark.productRowsPerPartition();

  WindowBenchmark(SparkSession spark, Path root, long timeoutSeconds) {
    this.spark = spark;
    this.root = root;
    this.timeoutSeconds = timeoutSeconds;
    spark.sparkContext().addSparkListener(metrics);
  }

  /** What one method did; {@code agreement} is "yes", "reference", "NO: …" or empty. */
  record Result(
      String method,
      Double seconds,
      long peakHeapMiB,
      long shuffleMiB,
      double maxReduceTaskSeconds,
      double medianReduceTaskSeconds,
      int reduceTasks,
      String agreement,
      String note)
      implements Rounds.Run {}

  // ---- data ---------------------------------------------------------------------------------

  Path generate(String name, AsOfWorkload.Shape shape) throws Exception {
    Path dir = root.resolve("data/" + name);
    Path marker = dir.resolve("_SHAPE");
    String describe = shape + " uniform keys";
    if (Files.exists(marker) && Files.readString(marker).equals(describe)) {
      JoinBenchmark.log("data %s exists: %s", name, describe);
      return dir;
    }
    long start = System.nanoTime();
    new AsOfWorkload(spark, shape, true).writeAll(dir.toString(), 8);
    Files.writeString(marker, describe);
    JoinBenchmark.log(
        "generated %s in %.1f s: %s", name, (System.nanoTime() - start) / 1e9, describe);
    return dir;
  }

  private String labelsPath(Path data) {
    return data.resolve("labels").toString();
  }

  private String featuresPath(Path data) {
    return data.resolve("f0").toString();
  }

  // ---- methods ------------------------------------------------------------------------------

  /** Our join: the three aggregations, the latest value, or both. */
  Dataset<Row> ours(Path data, boolean latest, boolean aggregations) {
    Dataset<Row> labels =
        spark.read().parquet(labelsPath(data)).withColumn(JoinColumns.LABEL_TIME, col("t"));
    Dataset<Row> f =
        spark
            .read()
            .parquet(featuresPath(data))
            .select(
                col("k"),
                col("e").as(JoinColumns.EVENT_TIME),
                col("e").as(JoinColumns.AVAILABLE_TIME),
                lit(null).cast("long").as(JoinColumns.TIE_BREAK),
                col("v").as("s0__v"));
    List<Aggregation> aggs =
        aggregations
            ? List.of(
                Aggregation.of("cnt_1h", Aggregation.Function.COUNT, null, W1),
                Aggregation.of("sum_7d", Aggregation.Function.SUM, "s0__v", W7),
                Aggregation.of("avg_30d", Aggregation.Function.AVG, "s0__v", W30))
            : List.of();
    JoinSource source =
        new JoinSource(
            "s0",
            f,
            List.of("k"),
            latest ? List.of("s0__v") : List.of(),
            0,
            -1,
            true,
            false,
            false,
            OptionalLong.of(0),
            aggs);
    int partitions = Integer.parseInt(spark.conf().get("spark.sql.shuffle.partitions"));
    Dataset<Row> out =
        new AsOfJoin(new RangePartitioning(rowsPerPartition), partitions)
            .join(labels, List.of(source));
    List<org.apache.spark.sql.Column> cols = new ArrayList<>(List.of(col("id")));
    if (latest) {
      cols.add(col("s0__v").as("v"));
      cols.add(unix_micros(col("s0__event_time")).as("e"));
    }
    if (aggregations) {
      cols.add(col("cnt_1h"));
      cols.add(col("sum_7d"));
      cols.add(col("avg_30d"));
    }
    return out.select(cols.toArray(org.apache.spark.sql.Column[]::new));
  }

  /**
   * Labels left-joined to the rows of their key in the longest window, {@code e <= t} and {@code e
   * > t - 30 d}, grouped by label, with one conditional aggregate per window.
   */
  Dataset<Row> sparkRangeJoin(Path data) {
    spark.read().parquet(labelsPath(data)).createOrReplaceTempView("wb_labels");
    spark.read().parquet(featuresPath(data)).createOrReplaceTempView("wb_f");
    return spark.sql(
        String.format(
            Locale.ROOT,
            "SELECT l.id,"
                + " count(CASE WHEN f.e > l.t - %d THEN 1 END) AS cnt_1h,"
                + " sum(CASE WHEN f.e > l.t - %d THEN f.v END) AS sum_7d,"
                + " avg(f.v) AS avg_30d"
                + " FROM wb_labels l LEFT JOIN wb_f f"
                + " ON l.k = f.k AND f.e <= l.t AND f.e > l.t - %d"
                + " GROUP BY l.id",
            W1,
            W7,
            W30));
  }

  /**
   * The union of labels ({@code kind = 1}, no value) and rows ({@code kind = 0}) by key, ordered by
   * time, with {@code RANGE BETWEEN W - 1 µs PRECEDING AND CURRENT ROW}: in a RANGE frame the
   * current row's peers are all rows with its time, so a label at {@code t} sees every row with
   * {@code t - W < e <= t} (times are integer microseconds), each once; labels in the frame add
   * nothing, their value and event time being null.
   */
  static String unionWindowSql(String labels, String features, String bigint) {
    return String.format(
        Locale.ROOT,
        "SELECT id, cnt_1h, sum_7d, avg_30d FROM ("
            + "SELECT id, kind,"
            + " count(fe) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN %d PRECEDING AND CURRENT ROW)"
            + " AS cnt_1h,"
            + " sum(fv) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN %d PRECEDING AND CURRENT ROW)"
            + " AS sum_7d,"
            + " avg(fv) OVER (PARTITION BY k ORDER BY ts RANGE BETWEEN %d PRECEDING AND CURRENT ROW)"
            + " AS avg_30d"
            + " FROM (SELECT id, k, t AS ts, 1 AS kind, CAST(NULL AS DOUBLE) AS fv,"
            + " CAST(NULL AS %s) AS fe FROM %s"
            + " UNION ALL SELECT CAST(NULL AS %s) AS id, k, e AS ts, 0 AS kind, v AS fv, e AS fe"
            + " FROM %s) u) w WHERE kind = 1",
        W1 - 1,
        W7 - 1,
        W30 - 1,
        bigint,
        labels,
        bigint,
        features);
  }

  Dataset<Row> sparkWindow(Path data) {
    spark.read().parquet(labelsPath(data)).createOrReplaceTempView("wb_labels");
    spark.read().parquet(featuresPath(data)).createOrReplaceTempView("wb_f");
    return spark.sql(unionWindowSql("wb_labels", "wb_f", "BIGINT"));
  }

  /** The same union and window functions in DuckDB, in this process, over the same files. */
  void duckDb(Path data, Path out) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("SET threads = 2");
      st.execute("SET memory_limit = '4GB'");
      st.execute("SET temp_directory = '" + root.resolve("duckdb-tmp") + "'");
      duckStatement.set(st);
      try {
        String sql =
            unionWindowSql(
                "read_parquet('" + labelsPath(data) + "/*.parquet')",
                "read_parquet('" + featuresPath(data) + "/*.parquet')",
                "BIGINT");
        st.execute("COPY (" + sql + ") TO '" + out + "' (FORMAT PARQUET)");
      } finally {
        duckStatement.set(null);
      }
    }
  }

  // ---- running ------------------------------------------------------------------------------

  private JoinBenchmark.Body body(String m, Path data) {
    return switch (m) {
      case "ours" -> out -> ours(data, false, true).write().parquet(out.toString());
      case "ours-latest" -> out -> ours(data, true, false).write().parquet(out.toString());
      case "ours-both" -> out -> ours(data, true, true).write().parquet(out.toString());
      case "duckdb" -> out -> duckDb(data, out);
      case "spark-range-join" -> out -> sparkRangeJoin(data).write().parquet(out.toString());
      case "spark-window" -> out -> sparkWindow(data).write().parquet(out.toString());
      default -> throw new IllegalArgumentException("unknown method " + m);
    };
  }

  /** Runs {@code method}, stops it after the timeout, and compares its output with {@code ref}. */
  Result measure(String set, String method, Path data, Path ref) throws Exception {
    Path out = root.resolve("out/" + set + "/" + method);
    JoinBenchmark.deleteRecursively(out.toFile());
    Files.createDirectories(out.getParent());
    metrics.reset();
    String group = "wbench-" + set + "-" + method;
    JoinBenchmark.Body body = body(method, data);
    TimedRun.Outcome outcome =
        TimedRun.run(
            spark,
            group,
            timeoutSeconds,
            () -> {
              Statement st = duckStatement.get();
              if (st != null) {
                try {
                  st.cancel();
                } catch (java.sql.SQLException e) {
                  JoinBenchmark.log("%s %s: cannot cancel DuckDB: %s", set, method, e);
                }
              }
            },
            body,
            out);
    Double seconds = outcome.seconds();
    String note = outcome.note();
    if (note.startsWith("failed")) {
      JoinBenchmark.log("%s %s %s", set, method, note);
    }
    long peak = outcome.peakHeapBytes();
    List<Long> reduce = new ArrayList<>(metrics.reduceTaskMillis());
    Collections.sort(reduce);
    double reduceMax = reduce.isEmpty() ? 0 : reduce.get(reduce.size() - 1) / 1000.0;
    double reduceMedian = reduce.isEmpty() ? 0 : reduce.get(reduce.size() / 2) / 1000.0;
    long shuffle = metrics.shuffleBytes.get() >> 20;
    String agreement = "";
    if (seconds != null && !method.equals("ours-latest")) {
      agreement = ref == null ? "reference" : compare(ref, out);
    }
    Result r =
        new Result(
            method,
            seconds,
            peak >> 20,
            shuffle,
            reduceMax,
            reduceMedian,
            reduce.size(),
            agreement,
            note);
    JoinBenchmark.log("%s %s: %s", set, method, r);
    return r;
  }

  /**
   * Compares two outputs by label id: the same ids once each, equal counts, sums and averages both
   * null or within a relative 1e-9 (ours sums doubles exactly, the others in their own order).
   */
  String compare(Path ref, Path out) {
    Dataset<Row> a =
        spark
            .read()
            .parquet(ref.toString())
            .selectExpr("id", "cnt_1h AS c1", "sum_7d AS s1", "avg_30d AS a1");
    Dataset<Row> b =
        spark
            .read()
            .parquet(out.toString())
            .selectExpr("id AS id2", "cnt_1h AS c2", "sum_7d AS s2", "avg_30d AS a2");
    Dataset<Row> j = a.join(b, a.col("id").equalTo(b.col("id2")), "full_outer");
    j.createOrReplaceTempView("wb_cmp");
    String rel = "abs(%1$s1 - %1$s2) / greatest(abs(%1$s1), abs(%1$s2), 1e-300)";
    String bad =
        String.format(
            Locale.ROOT,
            "(id IS NULL OR id2 IS NULL OR NOT (c1 <=> c2)"
                + " OR (s1 IS NULL) <> (s2 IS NULL) OR (a1 IS NULL) <> (a2 IS NULL)"
                + " OR coalesce(%s, 0) > 1e-9 OR coalesce(%s, 0) > 1e-9)",
            String.format(Locale.ROOT, rel, "s"),
            String.format(Locale.ROOT, rel, "a"));
    Row s =
        spark
            .sql(
                "SELECT count(*), count(id), count(id2), count_if("
                    + bad
                    + "), max("
                    + String.format(Locale.ROOT, rel, "s")
                    + "), max("
                    + String.format(Locale.ROOT, rel, "a")
                    + "), sum(c1), count(s1), count(a1) FROM wb_cmp")
            .first();
    long rows = s.getLong(0);
    long mismatches = s.getLong(3);
    String detail =
        String.format(
            Locale.ROOT,
            "%,d rows, %,d ref ids, %,d ids; max rel. diff sum %.1e, avg %.1e; total count %d,"
                + " non-null sums %d, avgs %d",
            rows,
            s.getLong(1),
            s.getLong(2),
            s.isNullAt(4) ? 0.0 : s.getDouble(4),
            s.isNullAt(5) ? 0.0 : s.getDouble(5),
            s.isNullAt(6) ? 0 : s.getLong(6),
            s.getLong(7),
            s.getLong(8));
    JoinBenchmark.log("compare %s with %s: %,d mismatches; %s", out, ref, mismatches, detail);
    if (mismatches == 0 && s.getLong(1) == rows && s.getLong(2) == rows) {
      return "yes";
    }
    List<Row> examples =
        spark.sql("SELECT * FROM wb_cmp WHERE " + bad + " LIMIT 5").collectAsList();
    JoinBenchmark.log("mismatches, e.g.: %s", examples);
    return String.format(Locale.ROOT, "NO: %,d of %,d differ", mismatches, rows);
  }

  /**
   * Runs the methods {@code rounds} times, every other round in reverse order, so that no method
   * always runs first in the JVM and pays alone for compiling the code the others share (Parquet's
   * reader and writer, the shuffle). Returns each method's fastest run that finished (or its
   * first), and logs every run. A method that does not finish is not run again.
   */
  List<Result> runRounds(String set, Path data, List<String> methods, int rounds) throws Exception {
    Rounds<Result> runs = Rounds.run(set, methods, rounds, order -> runSet(set, data, order));
    runsNote = runs.everyRun() + String.format("%n");
    return runs.fastest();
  }

  private String runsNote = "";

  List<Result> runSet(String set, Path data, List<String> methods) throws Exception {
    List<Result> results = new ArrayList<>();
    Path ref = null;
    for (String m : methods) {
      Result r = measure(set, m, data, ref);
      results.add(r);
      if (ref == null && r.seconds() != null && !m.equals("ours-latest")) {
        ref = root.resolve("out/" + set + "/" + m);
      }
    }
    return results;
  }

  private static String ratio(Result a, Result b) {
    if (a == null || b == null || a.seconds() == null || b.seconds() == null) {
      return "—";
    }
    return String.format(Locale.ROOT, "%.2f", a.seconds() / b.seconds());
  }

  void table(String title, List<Result> results) {
    Map<String, Result> by = new LinkedHashMap<>();
    results.forEach(r -> by.put(r.method(), r));
    Result ours = by.get("ours");
    StringBuilder sb = new StringBuilder();
    sb.append("\n### ").append(title).append("\n\n");
    sb.append(
        "| method | wall s | × ours | peak heap MiB | shuffle MiB | reduce stage: tasks, max / median s"
            + " | same values |\n");
    sb.append("|---|---:|---:|---:|---:|---:|---|\n");
    for (Result r : results) {
      sb.append(
          String.format(
              Locale.ROOT,
              "| %s | %s | %s | %d | %d | %s | %s |%n",
              r.method(),
              r.seconds() == null ? "DNF" : String.format(Locale.ROOT, "%.1f", r.seconds()),
              ratio(r, ours),
              r.peakHeapMiB(),
              r.shuffleMiB(),
              r.reduceTasks() == 0
                  ? "—"
                  : String.format(
                      Locale.ROOT,
                      "%d, %.2f / %.2f",
                      r.reduceTasks(),
                      r.maxReduceTaskSeconds(),
                      r.medianReduceTaskSeconds()),
              r.seconds() == null ? r.note() : r.agreement().isEmpty() ? "n/a" : r.agreement()));
    }
    sb.append("\n");
    sb.append(runsNote);
    runsNote = "";
    sb.append(
        String.format(
            Locale.ROOT, "- ours ÷ ours-latest: %s%n", ratio(ours, by.get("ours-latest"))));
    sb.append(String.format(Locale.ROOT, "- ours ÷ duckdb: %s%n", ratio(ours, by.get("duckdb"))));
    sb.append(
        String.format(
            Locale.ROOT,
            "- spark-range-join ÷ ours: %s; spark-window ÷ ours: %s%n",
            ratio(by.get("spark-range-join"), ours),
            ratio(by.get("spark-window"), ours)));
    if (ours != null && ours.reduceTasks() > 0) {
      sb.append(
          String.format(
              Locale.ROOT,
              "- ours's merge stage: longest reduce task %.2f s, median %.2f s (%.1f×)%n",
              ours.maxReduceTaskSeconds(),
              ours.medianReduceTaskSeconds(),
              ours.maxReduceTaskSeconds() / Math.max(1e-3, ours.medianReduceTaskSeconds())));
    }
    System.out.print(sb);
    report.append(sb);
  }

  /** Runs {@code warmUpMethods} once on small data, so that their code is loaded and compiled. */
  void warmUp(List<String> warmUpMethods) throws Exception {
    Path data = generate("warm-up", new AsOfWorkload.Shape(9, 20_000, 200_000, 10_000, 1, 0));
    long start = System.nanoTime();
    runSet("warm-up", data, warmUpMethods);
    JoinBenchmark.log("warmed up in %.1f s", (System.nanoTime() - start) / 1e9);
  }

  // ---- main ---------------------------------------------------------------------------------

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchOptions.parse(args);
    String sets = opts.getOrDefault("sets", "S,H");
    double scale = Double.parseDouble(opts.getOrDefault("scale", "1"));
    long timeout = Long.parseLong(opts.getOrDefault("timeout", "600"));
    List<String> methods =
        List.of(
            opts.getOrDefault("methods", "ours,ours-latest,duckdb,spark-range-join,spark-window")
                .split(","));
    Path root = Path.of(opts.getOrDefault("dir", "target/bench-windows")).toAbsolutePath();
    int partitions = Integer.parseInt(opts.getOrDefault("partitions", "64"));
    boolean warmUp = Boolean.parseBoolean(opts.getOrDefault("warm-up", "true"));
    int rounds = Integer.parseInt(opts.getOrDefault("rounds", "2"));

    SparkSession spark =
        SparkSession.builder()
            .master("local[2]")
            .appName("trainforge-window-benchmark")
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
    WindowBenchmark bench = new WindowBenchmark(spark, root, timeout);
    if (opts.containsKey("rows-per-partition")) {
      bench.rowsPerPartition = Long.parseLong(opts.get("rows-per-partition"));
    }
    if (warmUp) {
      bench.warmUp(methods);
    }
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
                  "(S) %,d labels × %,d feature rows, %,d keys, uniform",
                  labels,
                  n,
                  keys),
              bench.runRounds("S", data, methods, rounds));
        }
        case "H" -> {
          Path data = bench.generate("H", new AsOfWorkload.Shape(2, labels, n, keys, 1, 0.25));
          bench.table(
              String.format(
                  Locale.ROOT,
                  "(H) as S, one key with 25%% of labels and feature rows, the rest uniform"),
              bench.runRounds("H", data, methods, rounds));
        }
        default -> throw new IllegalArgumentException("unknown set " + set);
      }
    }
    Path reportFile = root.resolve("results-" + sets.replace(',', '-') + ".md");
    Files.writeString(reportFile, bench.report.toString());
    JoinBenchmark.log("results in %s", reportFile);
    System.exit(0);
  }
}
