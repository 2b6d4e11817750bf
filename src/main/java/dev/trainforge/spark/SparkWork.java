package dev.trainforge.spark;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.spark.SparkContext;
import org.apache.spark.SparkStageInfo;
import org.apache.spark.scheduler.SparkListener;
import org.apache.spark.scheduler.SparkListenerTaskEnd;

/**
 * What Spark is doing and has done for this driver: the run time of finished tasks (from Spark's
 * task metrics, through a listener) and the progress of active stages (from its status tracker).
 * The one place that reads Spark's scheduler; costs a counter update per finished task.
 */
public final class SparkWork implements AutoCloseable {
  private final SparkContext context;
  private final AtomicLong taskMillis = new AtomicLong();
  private final SparkListener listener;

  public SparkWork(SparkContext context) {
    this.context = context;
    this.listener =
        new SparkListener() {
          @Override
          public void onTaskEnd(SparkListenerTaskEnd end) {
            if (end.taskMetrics() != null) {
              taskMillis.addAndGet(end.taskMetrics().executorRunTime());
            }
          }
        };
    context.addSparkListener(listener);
  }

  /**
   * Executor run time of the tasks that finished since this was made, in milliseconds. Spark
   * delivers task ends asynchronously, so the last tasks of a job may arrive a little later.
   */
  public long taskMillis() {
    return taskMillis.get();
  }

  /** The active stages, e.g. {@code stage 12 (mapPartitions at AsOfJoin.java:160): 34/64 tasks}. */
  public List<String> activeStages() {
    List<String> out = new ArrayList<>();
    for (int id : context.statusTracker().getActiveStageIds()) {
      scala.Option<SparkStageInfo> info = context.statusTracker().getStageInfo(id);
      if (info.isDefined()) {
        SparkStageInfo s = info.get();
        out.add(
            String.format(
                "stage %d (%s): %d/%d tasks", id, s.name(), s.numCompletedTasks(), s.numTasks()));
      }
    }
    return out;
  }

  @Override
  public void close() {
    context.removeSparkListener(listener);
  }
}
