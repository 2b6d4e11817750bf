package dev.trainforge.bench;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.spark.sql.SparkSession;

/**
 * One benchmark method run in a Spark job group of its own, stopped after a time limit, with the
 * heap's peak over the run. A stopped method's jobs are cancelled, and the run ends only when no
 * Spark job is left: cancelled tasks run on until they notice, and their metrics must not count for
 * the next method.
 */
final class TimedRun {
  private TimedRun() {}

  /**
   * What a run did: its wall time (null when it was stopped or failed), why it has none, and the
   * peak heap use of this JVM during it.
   */
  record Outcome(Double seconds, String note, long peakHeapBytes) {}

  /**
   * Runs {@code body} with {@code out} in job group {@code group}; after {@code timeoutSeconds}
   * cancels the group, calls {@code onTimeout} (to stop work outside Spark) and interrupts it.
   */
  static Outcome run(
      SparkSession spark,
      String group,
      long timeoutSeconds,
      Runnable onTimeout,
      JoinBenchmark.Body body,
      Path out)
      throws InterruptedException {
    System.gc();
    List<MemoryPoolMXBean> heap = new ArrayList<>();
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        pool.resetPeakUsage();
        heap.add(pool);
      }
    }
    long start = System.nanoTime();
    ExecutorService executor = Executors.newSingleThreadExecutor();
    Future<?> run =
        executor.submit(
            () -> {
              spark.sparkContext().setJobGroup(group, group, true);
              body.run(out);
              return null;
            });
    Double seconds = null;
    String note = "";
    try {
      run.get(timeoutSeconds, TimeUnit.SECONDS);
      seconds = (System.nanoTime() - start) / 1e9;
    } catch (TimeoutException e) {
      spark.sparkContext().cancelJobGroup(group);
      onTimeout.run();
      run.cancel(true);
      note = "did not finish in " + timeoutSeconds + " s";
    } catch (ExecutionException e) {
      note = "failed: " + e.getCause();
      e.getCause().printStackTrace();
    } finally {
      executor.shutdownNow();
      executor.awaitTermination(120, TimeUnit.SECONDS);
      while (spark.sparkContext().statusTracker().getActiveJobIds().length > 0) {
        Thread.sleep(200);
      }
    }
    long peak = 0;
    for (MemoryPoolMXBean pool : heap) {
      peak += pool.getPeakUsage().getUsed();
    }
    return new Outcome(seconds, note, peak);
  }
}
