package dev.trainforge.bench;

import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pmod;
import static org.apache.spark.sql.functions.sum;
import static org.apache.spark.sql.functions.xxhash64;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.join.AsOfJoin;
import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.pipeline.Splits;
import dev.trainforge.source.FeatureInput;
import dev.trainforge.source.LabelInput;
import dev.trainforge.source.SourceReader;
import dev.trainforge.spark.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/**
 * The second half of {@code bench/generate.sh}: after {@code generate} has built a config's dataset
 * (its result file and Spark event log kept), runs the join alone and the I/O floor on the same
 * inputs in this JVM, and prints one table: each phase of {@code generate} with the Spark jobs it
 * ran (by the trainforge code that started them) and the driver's time between them, beside the
 * join alone and the I/O floor, and the ratio of generate to the join alone.
 *
 * <p><b>The join alone</b> is the join benchmark's {@code ours} on the build's inputs: the config's
 * inputs opened and planned as {@code generate} opens them (label scan and partition plans done
 * before the clock starts), then {@link AsOfJoin} with the config's partitioning, its sampling pass
 * included, writing Parquet. Its content checksum must equal the one {@code generate} published.
 * <b>The I/O floor</b> reads the same label rows and writes them as Parquet, and reads every row
 * the join would read of each feature source. Both run after a warm-up, in a session set up as
 * {@code generate}'s is, with the same heap.
 *
 * <p>Arguments: {@code --config F --result F --events DIR --time F --title T --dir DIR
 * [--load-generate "a / b"] [--started-ms N]}: the config generate built, its {@code
 * --result-file}, its {@code spark.eventLog.dir}, GNU time's {@code "%e %U %S"} of the generate
 * process, a title, where to write, the load average around the generate, and when the generate
 * process started (epoch milliseconds). Appends the table to {@code DIR/../results.md}.
 */
public final class GenerateBenchmark {
  private GenerateBenchmark() {}

  /** How a build's phase labels its Spark jobs: their description is this and the phase. */
  private static final String PREFIX = "trainforge: ";

  /** One row of the table. */
  private record Line(String step, double wall, Double task, Double cpu, Integer jobs) {}

  /** The join alone and the I/O floor on a build's inputs, and the load average around them. */
  private record Measured(
      JoinBenchmark.Result join, JoinBenchmark.Result floor, String loadBefore, String loadAfter) {}

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchOptions.parse(args);
    Path config = Path.of(required(opts, "config"));
    JsonNode result = new ObjectMapper().readTree(Path.of(required(opts, "result")).toFile());
    SparkEventLog events = SparkEventLog.read(Path.of(required(opts, "events")));
    String[] time = Files.readString(Path.of(required(opts, "time"))).trim().split("\\s+");
    Path dir = Path.of(required(opts, "dir")).toAbsolutePath();

    if (System.getProperty("spark.master") == null) {
      System.setProperty("spark.master", "local[2]");
    }
    BuildConfig build = ConfigLoader.load(config, List.of());
    SparkSession spark = SparkSessions.forBuild(build.settings());
    spark.sparkContext().setLogLevel("ERROR");
    JoinBenchmark bench = new JoinBenchmark(spark, dir, 600);
    Measured measured = measure(bench, build);

    StringBuilder out = new StringBuilder();
    out.append("\n## generate end to end: ")
        .append(opts.getOrDefault("title", config.toString()))
        .append("\n\n");
    out.append(header(config, result, measured, opts.getOrDefault("load-generate", "?")));
    double process = Double.parseDouble(time[0]);
    long started = Long.parseLong(opts.getOrDefault("started-ms", "-1"));
    out.append(table(phases(result, events, process, started), measured));
    out.append(
        String.format(
            Locale.ROOT,
            "**generate ÷ join alone: %s** whole process, %s the build's phases (goal: ≤ 1.5)."
                + " Join alone ÷ I/O floor: %s. The generate process used %s s of user and %s s of"
                + " system CPU.%n",
            ratio(process, measured.join().seconds()),
            ratio(sumOfPhases(result), measured.join().seconds()),
            ratio(measured.join().seconds(), measured.floor().seconds()),
            time[1],
            time[2]));
    System.out.print(out);
    // the table prints itself
    out.append(
        bench.table(
            "join alone and I/O floor on the same inputs",
            List.of(measured.join(), measured.floor())));
    Path results = dir.getParent().resolve("results.md");
    Files.writeString(
        results,
        out.toString(),
        java.nio.file.StandardOpenOption.CREATE,
        java.nio.file.StandardOpenOption.APPEND);
    JoinBenchmark.log("appended to %s", results);
    spark.stop();
  }

  private static String required(Map<String, String> opts, String name) {
    String value = opts.get(name);
    if (value == null) {
      throw new IllegalArgumentException(
          String.format("GenerateBenchmark needs --%s (run it with bench/generate.sh)", name));
    }
    return value;
  }

  /**
   * Warms up, opens and plans {@code build}'s inputs as generate does (label scan and partition
   * plans, untimed), then measures the join alone and the I/O floor on them.
   */
  private static Measured measure(JoinBenchmark bench, BuildConfig build) throws Exception {
    bench.warmUp(List.of("ours", "io-floor"));
    SparkSession spark = SparkSession.active();
    DatasetSpec spec = build.dataset();
    SourceReader reader = new SourceReader(spark, spec.name());
    LabelInput labels = LabelInput.open(reader, spec.labels());
    LabelInput.Stats stats = labels.stats();
    List<JoinSource> sources = new ArrayList<>();
    for (var f : spec.features()) {
      FeatureInput input = FeatureInput.open(reader, f, labels.schema());
      sources.add(
          input.toJoinSource(stats.maxTimeMicros().orElse(null), input.partitionPlan(stats)));
    }
    String loadBefore = load();
    String set = "generate-inputs";
    JoinBenchmark.Result join =
        bench.measure(
            set,
            "ours",
            null,
            100_000,
            out -> JoinBenchmark.write(join(build, labels, sources), out));
    JoinBenchmark.Result floor =
        bench.measure(set, "io-floor", null, 100_000, out -> ioFloor(labels, sources, out));
    return new Measured(join, floor, loadBefore, load());
  }

  /**
   * The lines above the table: config, heap, load, and whether the join alone wrote the same rows.
   */
  private static String header(
      Path config, JsonNode result, Measured measured, String loadGenerate) {
    String published = result.path("content-checksum").asText();
    String checksum = measured.join().checksum();
    return String.format(
            Locale.ROOT,
            "Config %s (%s), heap %s, `local[2]`. Load average (1 min) before / after: generate %s,"
                + " the join alone and the I/O floor %s / %s.%n%n",
            config,
            result.path("config-sha256").asText(),
            System.getProperty("bench.heap", "?"),
            loadGenerate,
            measured.loadBefore(),
            measured.loadAfter())
        + String.format(
            Locale.ROOT,
            "%d rows. Checksum of generate %s, of the join alone %s: %s.%n%n",
            result.path("rows-out").asLong(),
            published,
            checksum,
            published.equals(checksum) ? "the same rows" : "**NOT the same rows**");
  }

  /** The phase table, with the join alone and the I/O floor as its last rows. */
  private static String table(List<Line> lines, Measured measured) {
    StringBuilder out = new StringBuilder();
    out.append("| step | wall s | task s | task CPU s | Spark jobs |\n");
    out.append("|---|---:|---:|---:|---:|\n");
    for (Line l : lines) {
      out.append(
          String.format(
              Locale.ROOT,
              "| %s | %.1f | %s | %s | %s |%n",
              l.step(),
              l.wall(),
              l.task() == null ? "" : String.format(Locale.ROOT, "%.1f", l.task()),
              l.cpu() == null ? "" : String.format(Locale.ROOT, "%.1f", l.cpu()),
              l.jobs() == null ? "" : l.jobs()));
    }
    out.append(
        row(
            "**join alone** (`ours`: sample, join, write Parquet; same inputs, same heap)",
            measured.join()));
    out.append(
        row(
            "**I/O floor** (`io-floor`: read the same inputs, write the labels)",
            measured.floor()));
    return out.append("\n").toString();
  }

  /** The build's join, as generate plans it from the config, without the label time column. */
  static Dataset<Row> join(BuildConfig build, LabelInput labels, List<JoinSource> sources) {
    AsOfJoin join = DatasetBuild.asOfJoin(build.settings(), labels.joinInput().sparkSession());
    Dataset<Row> rows = join.join(labels.joinInput(), sources).drop(JoinColumns.LABEL_TIME);
    DatasetSpec spec = build.dataset();
    return spec.split().isPresent()
        ? Splits.assign(rows, spec.split().get(), spec.labels().timeColumn())
        : rows;
  }

  /** Writes the join's label rows as Parquet and reads every row it would read of each source. */
  static void ioFloor(LabelInput labels, List<JoinSource> sources, Path out) {
    labels.joinInput().write().parquet(out.toString());
    for (JoinSource s : sources) {
      Column[] all =
          java.util.Arrays.stream(s.rows().columns()).map(Column::new).toArray(Column[]::new);
      s.rows().agg(sum(pmod(xxhash64(all), lit(1000)))).collect();
    }
  }

  /**
   * The rows of the phase table: the whole process, the time outside the build's phases, then each
   * phase (from the result's cost) with its jobs grouped by call site (from the event log) and the
   * time between them, and any jobs outside every phase.
   */
  private static List<Line> phases(
      JsonNode result, SparkEventLog events, double process, long startedMillis) {
    Map<Integer, SparkEventLog.Job> jobOfStage = events.jobOfStage();
    Map<Integer, double[]> perJob = new LinkedHashMap<>(); // task run s, CPU s
    for (SparkEventLog.Task t : events.tasks()) {
      SparkEventLog.Job j = jobOfStage.get(t.stage());
      if (j != null) {
        double[] sums = perJob.computeIfAbsent(j.id(), k -> new double[2]);
        sums[0] += t.runMillis() / 1000.0;
        sums[1] += t.cpuNanos() / 1e9;
      }
    }
    List<Line> lines = new ArrayList<>();
    lines.add(
        group(
            "**generate, whole process** (`submit.sh`: the light JVM, then the build's)",
            events.jobs(),
            perJob,
            process));
    double inPhases = sumOfPhases(result);
    // the process's start and Spark's are both wall clock times of this machine
    long untilSpark = events.applicationStart() - startedMillis;
    if (startedMillis > 0 && untilSpark > 0 && untilSpark < process * 1000) {
      double beforeSpark = untilSpark / 1000.0;
      lines.add(
          new Line(
              "before Spark starts: the light JVM's check, the build's JVM, its config",
              beforeSpark,
              null,
              null,
              null));
      lines.add(
          new Line(
              "then, outside the phases: Spark session and catalog start, exit",
              process - beforeSpark - inPhases,
              null,
              null,
              null));
    } else {
      lines.add(
          new Line(
              "outside the phases: JVM starts, config, Spark session, exit",
              process - inPhases,
              null,
              null,
              null));
    }
    List<SparkEventLog.Job> left = new ArrayList<>(events.jobs());
    for (JsonNode p : result.path("cost").path("phases")) {
      String name = p.path("phase").asText();
      // Delta labels its own jobs "Delta: <the description it found>: <what it does>"
      List<SparkEventLog.Job> jobs =
          left.stream().filter(j -> j.description().contains(PREFIX + name)).toList();
      left.removeAll(jobs);
      double wall = p.path("wall-seconds").asDouble();
      // task times from the event log, whose jobs include those Delta labelled for the phase
      lines.add(group("**" + name + "**", jobs, perJob, wall));
      lines.addAll(byCallSite(jobs, name, perJob));
      if (!jobs.isEmpty()) {
        lines.add(
            new Line(
                "· the driver alone, between and around jobs",
                wall - union(jobs),
                null,
                null,
                null));
      }
    }
    if (!left.isEmpty()) {
      lines.add(group("jobs outside every phase", left, perJob, union(left)));
      lines.addAll(byCallSite(left, null, perJob));
    }
    return lines;
  }

  /** {@code jobs} of {@code phase} (null: of none) grouped by call site, one line each. */
  private static List<Line> byCallSite(
      List<SparkEventLog.Job> jobs, String phase, Map<Integer, double[]> perJob) {
    Map<String, List<SparkEventLog.Job>> sites = new LinkedHashMap<>();
    for (SparkEventLog.Job j : jobs) {
      // a job that another library labelled (Delta) is named by what it said it does
      String own =
          phase == null ? j.description() : j.description().replace(PREFIX + phase + ": ", "");
      String site =
          "`" + j.callSite() + "`" + (j.description().startsWith(PREFIX) ? "" : " (" + own + ")");
      sites.computeIfAbsent(site, k -> new ArrayList<>()).add(j);
    }
    List<Line> lines = new ArrayList<>();
    sites.forEach((site, js) -> lines.add(group("· jobs at " + site, js, perJob, union(js))));
    return lines;
  }

  private static Line group(
      String step, List<SparkEventLog.Job> jobs, Map<Integer, double[]> perJob, double wall) {
    double task = 0;
    double cpu = 0;
    for (SparkEventLog.Job j : jobs) {
      double[] sums = perJob.getOrDefault(j.id(), new double[2]);
      task += sums[0];
      cpu += sums[1];
    }
    return new Line(step, wall, task, cpu, jobs.size());
  }

  /** Seconds covered by at least one of {@code jobs}. */
  static double union(List<SparkEventLog.Job> jobs) {
    List<SparkEventLog.Job> sorted = new ArrayList<>(jobs);
    sorted.sort(java.util.Comparator.comparingLong(SparkEventLog.Job::submitted));
    long covered = 0;
    long end = Long.MIN_VALUE;
    for (SparkEventLog.Job j : sorted) {
      long from = Math.max(j.submitted(), end);
      if (j.completed() > from) {
        covered += j.completed() - from;
      }
      end = Math.max(end, j.completed());
    }
    return covered / 1000.0;
  }

  private static double sumOfPhases(JsonNode result) {
    double sum = 0;
    for (JsonNode p : result.path("cost").path("phases")) {
      sum += p.path("wall-seconds").asDouble();
    }
    return sum;
  }

  /** A row of the phase table for a method of the join benchmark. */
  private static String row(String step, JoinBenchmark.Result r) {
    return String.format(
        Locale.ROOT,
        "| %s | %s | %.1f | %.1f | |%n",
        step,
        seconds(r.seconds()),
        r.taskSeconds(),
        r.taskCpuSeconds());
  }

  private static String seconds(Double s) {
    return s == null ? "DNF" : String.format(Locale.ROOT, "%.1f", s);
  }

  private static String ratio(double a, Double b) {
    return b == null || b == 0 ? "—" : String.format(Locale.ROOT, "%.2f", a / b);
  }

  /** The 1-minute load average now. */
  private static String load() throws java.io.IOException {
    return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
  }
}
