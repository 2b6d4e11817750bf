package dev.trainforge.pipeline;

import static java.util.Objects.requireNonNull;

import dev.trainforge.spark.BuildCost;
import dev.trainforge.spark.SparkWork;
import java.io.PrintStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.spark.sql.SparkSession;

/**
 * The phases of one build, on the log and as data: a line when one phase ends and the next begins
 * (with the elapsed time and the phase's wall and task time), and during a long phase a line at a
 * steady interval with the progress of its Spark stages. Each phase also labels the Spark jobs it
 * runs (their description in the Spark UI). A short build prints one line per phase and nothing
 * more.
 */
final class Phases implements AutoCloseable {
  private final SparkSession spark;
  private final PrintStream log;
  private final SparkWork work;
  private final ScheduledExecutorService ticker;
  private final long started = System.nanoTime();
  private final long intervalNanos;
  private final List<BuildCost.Phase> done = new ArrayList<>();
  private String current;
  private long currentStart;
  private long currentTasks;

  Phases(SparkSession spark, PrintStream log, Duration interval) {
    this.spark = requireNonNull(spark, "spark is null");
    this.log = requireNonNull(log, "log is null");
    this.work = new SparkWork(spark);
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "trainforge-progress");
              t.setDaemon(true);
              return t;
            });
    long every = Math.max(1, interval.toMillis());
    this.intervalNanos = TimeUnit.MILLISECONDS.toNanos(every);
    ticker.scheduleAtFixedRate(this::tick, every, every, TimeUnit.MILLISECONDS);
  }

  /** Ends the current phase, if any, and begins {@code name}. */
  synchronized void begin(String name) {
    long now = System.nanoTime();
    BuildCost.Phase ended = endCurrent(now);
    current = name;
    currentStart = now;
    currentTasks = work.taskMillis();
    spark.sparkContext().setJobDescription(DESCRIPTION_PREFIX + name);
    log.printf(
        "[%6.1f s] %s%s%n",
        seconds(now - started), name, ended == null ? "" : " (" + describe(ended) + ")");
  }

  /** Ends the current phase; the build is done with Spark. */
  synchronized void end() {
    BuildCost.Phase ended = endCurrent(System.nanoTime());
    spark.sparkContext().setJobDescription(null);
    if (ended != null) {
      log.printf("[%6.1f s] done (%s)%n", seconds(System.nanoTime() - started), describe(ended));
    }
  }

  /**
   * What each finished phase cost, in order: its wall time, and the run time of the tasks of the
   * jobs it labelled (counted once Spark has delivered their ends).
   */
  synchronized List<BuildCost.Phase> costs() {
    work.settle();
    List<BuildCost.Phase> out = new ArrayList<>();
    for (BuildCost.Phase c : done) {
      out.add(
          new BuildCost.Phase(
              c.phase(), c.wallMillis(), work.taskMillis(DESCRIPTION_PREFIX + c.phase())));
    }
    return out;
  }

  /** What Spark did for this build. */
  SparkWork work() {
    return work;
  }

  private static final String DESCRIPTION_PREFIX = "trainforge: ";

  private BuildCost.Phase endCurrent(long now) {
    if (current == null) {
      return null;
    }
    BuildCost.Phase c =
        new BuildCost.Phase(
            current,
            TimeUnit.NANOSECONDS.toMillis(now - currentStart),
            work.taskMillis() - currentTasks);
    done.add(c);
    current = null;
    return c;
  }

  private static String describe(BuildCost.Phase c) {
    return String.format(
        "%s: %.1f s, task time %.1f s",
        c.phase(), c.wallMillis() / 1000.0, c.taskMillis() / 1000.0);
  }

  private synchronized void tick() {
    // Only a phase that has run for a whole interval reports: a short build prints no tick.
    if (current == null || System.nanoTime() - currentStart < intervalNanos) {
      return;
    }
    List<String> stages = work.activeStages();
    log.printf(
        "[%6.1f s]   still %s, %.0f s in%s%n",
        seconds(System.nanoTime() - started),
        current,
        seconds(System.nanoTime() - currentStart),
        stages.isEmpty() ? "" : ": " + String.join("; ", stages));
  }

  private static double seconds(long nanos) {
    return nanos / 1e9;
  }

  @Override
  public void close() {
    ticker.shutdownNow();
    work.close();
  }
}
