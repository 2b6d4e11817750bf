package dev.trainforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Spark 4.3's native {@code ASOF JOIN} as a method of the join benchmark ({@value #METHOD}): {@code
 * bench/spark43_asof.py} in a child process, on the Python of the venv that {@code bench/run.sh}
 * keeps with {@code pyspark==4.3.0} (its Spark runs in a JVM of its own: it cannot share this one's
 * Spark 4.1). The child gets {@code local[2]}, this JVM's heap and shuffle partitions, reads the
 * same Parquet files and writes Parquet; its tasks are read back from its event log.
 *
 * <p>The wall time is the child's, from its start to its exit: Python, the JVM and the session
 * start are in it (the child also prints its session and query times apart). When the thread
 * running it is interrupted (the benchmark's timeout), the child and its JVM are killed.
 *
 * @param python the venv's Python
 * @param script {@code bench/spark43_asof.py}
 * @param heap the child's heap, as {@code -Xmx} takes it
 */
record Spark43AsOf(Path python, Path script, String heap) {
  /** The method's name in {@code --methods}. */
  static final String METHOD = "spark43-asof";

  /** Set by bench/run.sh: the venv's Python. */
  static final String PYTHON_VARIABLE = "TRAINFORGE_SPARK43_PYTHON";

  Spark43AsOf {
    if (!Files.isExecutable(python)) {
      throw new IllegalArgumentException(
          String.format(
              "%s=%s is not an executable Python (run the benchmark with bench/run.sh, which"
                  + " makes the venv)",
              PYTHON_VARIABLE, python));
    }
    if (!Files.isRegularFile(script)) {
      throw new IllegalArgumentException(
          String.format("%s is missing (run the benchmark from the repository root)", script));
    }
    if (!heap.matches("[0-9]+[kKmMgG]?")) {
      throw new IllegalArgumentException(
          String.format("heap '%s' is not a Java heap size such as 12g (set -Dbench.heap)", heap));
    }
  }

  /**
   * The method as bench/run.sh sets it up: Python from {@value #PYTHON_VARIABLE}, the heap from
   * {@code -Dbench.heap} (bench/jvm.sh sets it to this JVM's {@code -Xmx}).
   */
  static Spark43AsOf fromEnvironment() {
    String python = System.getenv(PYTHON_VARIABLE);
    if (python == null || python.isBlank()) {
      throw new IllegalStateException(
          String.format(
              "method %s needs %s (the venv's Python): run the benchmark with bench/run.sh,"
                  + " which makes the venv from bench/requirements-spark43.txt",
              METHOD, PYTHON_VARIABLE));
    }
    String heap = System.getProperty("bench.heap", (Runtime.getRuntime().maxMemory() >> 20) + "m");
    return new Spark43AsOf(
        Path.of(python), Path.of("bench/spark43_asof.py").toAbsolutePath(), heap);
  }

  /**
   * One run.
   *
   * @param seconds the child's wall time, start to exit
   * @param sessionSeconds until its Spark session was up, as it measured
   * @param querySeconds its query (read, join, write), as it measured
   * @param sparkVersion the version its session reported
   * @param events its event log
   */
  record Run(
      double seconds,
      double sessionSeconds,
      double querySeconds,
      String sparkVersion,
      SparkEventLog events) {
    /** One line for under the benchmark's table. */
    String describe() {
      return String.format(
          Locale.ROOT,
          "%s: Spark %s in its own process, %.1f s from start to exit: session up after %.1f s,"
              + " then the query (read, ASOF JOIN, write) %.1f s.",
          METHOD,
          sparkVersion,
          seconds,
          sessionSeconds,
          querySeconds);
    }
  }

  /**
   * Joins {@code data}'s labels with its {@code sources} feature sources and writes the result to
   * {@code out}; its log, event log and scratch space go to a directory beside {@code out}.
   *
   * @throws IllegalStateException when the child fails (its log says why)
   * @throws InterruptedException when interrupted; the child is killed first
   */
  Run run(Path data, int sources, int partitions, Path out)
      throws IOException, InterruptedException {
    Path work = out.resolveSibling(out.getFileName() + "-process");
    JoinBenchmark.deleteRecursively(work.toFile());
    Path events = Files.createDirectories(work.resolve("events"));
    Path scratch = Files.createDirectories(work.resolve("tmp"));
    Path log = work.resolve("stderr.log");
    Path said = work.resolve("stdout.json");
    ProcessBuilder builder =
        new ProcessBuilder(
                List.of(
                    python.toString(),
                    script.toString(),
                    "--data",
                    data.toString(),
                    "--sources",
                    String.valueOf(sources),
                    "--out",
                    out.toString(),
                    "--heap",
                    heap,
                    "--partitions",
                    String.valueOf(partitions),
                    "--local-dir",
                    scratch.toString(),
                    "--event-log-dir",
                    events.toString()))
            .redirectError(log.toFile())
            .redirectOutput(said.toFile());
    builder.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    long start = System.nanoTime();
    Process child = builder.start();
    try {
      int code = child.waitFor();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (code != 0) {
        throw new IllegalStateException(
            String.format("%s exited with code %d: its log is %s", METHOD, code, log));
      }
      List<String> lines = Files.readAllLines(said);
      JsonNode report = new ObjectMapper().readTree(lines.get(lines.size() - 1));
      return new Run(
          seconds,
          report.get("session-seconds").asDouble(),
          report.get("query-seconds").asDouble(),
          report.get("spark").asText(),
          SparkEventLog.read(events));
    } finally {
      kill(child);
    }
  }

  /** Kills the child and what it started (Spark's JVM), children first, if still running. */
  private static void kill(Process child) throws InterruptedException {
    // the descendants must be listed while the child lives: once it is gone, they are not its own
    List<ProcessHandle> started = child.descendants().toList();
    started.forEach(ProcessHandle::destroyForcibly);
    child.destroyForcibly();
    child.waitFor(30, TimeUnit.SECONDS);
    for (ProcessHandle p : started) {
      p.onExit().completeOnTimeout(p, 30, TimeUnit.SECONDS).join();
    }
  }
}
