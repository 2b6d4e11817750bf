package dev.trainforge.bench;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

/**
 * Spark's event log of one application (uncompressed), read back: its jobs and its tasks. Serves
 * the benchmarks that run Spark in another JVM ({@code generate}, Spark 4.3) and need its job and
 * task metrics. Reads the whole log once, line by line; keeps a few numbers per job and per task.
 *
 * @param applicationStart when the SparkContext began to start, epoch milliseconds; -1 if not
 *     logged
 * @param jobs every job, in the order they started
 * @param tasks every task that ended, with metrics, in the order they ended
 */
record SparkEventLog(long applicationStart, List<Job> jobs, List<Task> tasks) {
  SparkEventLog {
    jobs = List.copyOf(jobs);
    tasks = List.copyOf(tasks);
  }

  /**
   * One job.
   *
   * @param id Spark's job id
   * @param description its description ({@code spark.job.description}), or "" when it had none
   * @param callSite where the application started it: the first frame of {@code dev.trainforge}
   *     code in the call stack of its SQL execution (which adaptive execution may run from another
   *     thread) or else of its result stage, else Spark's short call site
   * @param submitted when it was submitted, epoch milliseconds
   * @param completed when it ended, epoch milliseconds (its submission time if no end was logged)
   * @param stages its stages
   */
  record Job(
      int id,
      String description,
      String callSite,
      long submitted,
      long completed,
      List<Integer> stages) {
    Job {
      if (completed < submitted) {
        throw new IllegalArgumentException(
            String.format(
                "job %d ends (%d) before it starts (%d): not an event log of one application",
                id, completed, submitted));
      }
      stages = List.copyOf(stages);
    }

    long millis() {
      return completed - submitted;
    }
  }

  /**
   * One task.
   *
   * @param stage its stage
   * @param millis launch to finish, as Spark's task duration
   * @param runMillis the executor's run time
   * @param cpuNanos the executor's CPU time
   * @param shuffleWritten shuffle bytes it wrote
   * @param shuffleRead shuffle bytes it read, local and remote
   */
  record Task(
      int stage,
      long millis,
      long runMillis,
      long cpuNanos,
      long shuffleWritten,
      long shuffleRead) {}

  /**
   * Reads the log at {@code path}: a file, or the directory of a rolling log ({@code
   * eventlog_v2_*}, whose {@code events_<n>_*} files are read in the order of n), or a directory
   * holding exactly one of either.
   */
  static SparkEventLog read(Path path) {
    List<Path> files = files(path);
    ObjectMapper json = new ObjectMapper();
    Map<Integer, JsonNode> starts = new LinkedHashMap<>();
    Map<Integer, Long> ends = new LinkedHashMap<>();
    Map<String, String> executionStacks = new LinkedHashMap<>();
    List<Task> tasks = new ArrayList<>();
    long applicationStart = -1;
    for (Path file : files) {
      try (BufferedReader in = Files.newBufferedReader(file)) {
        for (String line = in.readLine(); line != null; line = in.readLine()) {
          // most lines are events this reader skips: look before parsing
          if (line.startsWith("{\"Event\":\"SparkListenerJobStart\"")) {
            JsonNode e = json.readTree(line);
            starts.put(e.get("Job ID").asInt(), e);
          } else if (line.startsWith("{\"Event\":\"SparkListenerJobEnd\"")) {
            JsonNode e = json.readTree(line);
            ends.put(e.get("Job ID").asInt(), e.get("Completion Time").asLong());
          } else if (line.startsWith("{\"Event\":\"SparkListenerTaskEnd\"")) {
            task(json.readTree(line), tasks);
          } else if (line.startsWith("{\"Event\":\"SparkListenerApplicationStart\"")) {
            applicationStart = json.readTree(line).get("Timestamp").asLong();
          } else if (line.startsWith(SQL_EXECUTION_START)) {
            JsonNode e = json.readTree(line);
            executionStacks.put(e.get("executionId").asText(), e.path("details").asText());
          }
        }
      } catch (IOException e) {
        throw new UncheckedIOException("Cannot read the event log " + file, e);
      }
    }
    List<Job> jobs = new ArrayList<>();
    starts.forEach((id, e) -> jobs.add(job(id, e, ends.get(id), executionStacks)));
    return new SparkEventLog(applicationStart, jobs, tasks);
  }

  private static List<Path> files(Path path) {
    if (Files.isRegularFile(path)) {
      return List.of(path);
    }
    List<Path> entries = list(path);
    List<Path> parts =
        entries.stream()
            .filter(p -> p.getFileName().toString().startsWith("events_"))
            .sorted(Comparator.comparingInt(SparkEventLog::partNumber))
            .toList();
    if (!parts.isEmpty()) {
      return parts;
    }
    List<Path> logs =
        entries.stream().filter(p -> !p.getFileName().toString().startsWith(".")).toList();
    if (logs.size() != 1) {
      throw new IllegalArgumentException(
          String.format(
              "%s holds %d event logs, not one: give each run its own spark.eventLog.dir",
              path, logs.size()));
    }
    return files(logs.get(0));
  }

  private static List<Path> list(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.toList();
    } catch (IOException e) {
      throw new UncheckedIOException(
          "Cannot list the event log directory " + dir + " (is spark.eventLog.dir right?)", e);
    }
  }

  /** n of {@code events_<n>_<app id>}. */
  private static int partNumber(Path p) {
    String name = p.getFileName().toString();
    return Integer.parseInt(name.substring("events_".length(), name.indexOf('_', 7)));
  }

  private static void task(JsonNode e, List<Task> tasks) {
    JsonNode m = e.get("Task Metrics");
    if (m == null || m.isNull()) {
      return;
    }
    JsonNode info = e.get("Task Info");
    JsonNode read = m.path("Shuffle Read Metrics");
    tasks.add(
        new Task(
            e.get("Stage ID").asInt(),
            info.get("Finish Time").asLong() - info.get("Launch Time").asLong(),
            m.path("Executor Run Time").asLong(),
            m.path("Executor CPU Time").asLong(),
            m.path("Shuffle Write Metrics").path("Shuffle Bytes Written").asLong(),
            read.path("Remote Bytes Read").asLong() + read.path("Local Bytes Read").asLong()));
  }

  private static final String SQL_EXECUTION_START =
      "{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart\"";

  private static Job job(int id, JsonNode start, Long end, Map<String, String> executionStacks) {
    long submitted = start.get("Submission Time").asLong();
    List<Integer> stages = new ArrayList<>();
    start.get("Stage IDs").forEach(s -> stages.add(s.asInt()));
    // the result stage has the highest id of the job's stages
    JsonNode result = null;
    for (JsonNode s : start.get("Stage Infos")) {
      if (result == null || s.get("Stage ID").asInt() > result.get("Stage ID").asInt()) {
        result = s;
      }
    }
    String execution = start.path("Properties").path("spark.sql.execution.id").asText("");
    String callSite = trainforgeFrame(executionStacks.getOrDefault(execution, ""));
    if (callSite == null && result != null) {
      callSite = trainforgeFrame(result.path("Details").asText());
    }
    if (callSite == null) {
      callSite = result == null ? "" : result.path("Stage Name").asText();
    }
    String description = start.path("Properties").path("spark.job.description").asText("");
    return new Job(id, description, callSite, submitted, end == null ? submitted : end, stages);
  }

  /** The first frame of trainforge code in {@code stack}, as {@link #shortFrame}; else null. */
  private static String trainforgeFrame(String stack) {
    for (String frame : stack.split("\n")) {
      if (frame.startsWith("dev.trainforge.") && frame.contains("(")) {
        return shortFrame(frame);
      }
    }
    return null;
  }

  /** {@code a.b.Class.method(Class.java:12)} as {@code Class.method:12}. */
  static String shortFrame(String frame) {
    String[] names = frame.substring(0, frame.indexOf('(')).split("\\.");
    String where = frame.substring(frame.indexOf('(') + 1, frame.length() - 1);
    String line = where.contains(":") ? where.substring(where.lastIndexOf(':')) : "";
    return names.length < 2
        ? frame
        : names[names.length - 2] + "." + names[names.length - 1] + line;
  }

  /** Which job each stage belongs to (the first job that lists it). */
  Map<Integer, Job> jobOfStage() {
    Map<Integer, Job> out = new LinkedHashMap<>();
    for (Job j : jobs) {
      j.stages().forEach(s -> out.putIfAbsent(s, j));
    }
    return out;
  }
}
