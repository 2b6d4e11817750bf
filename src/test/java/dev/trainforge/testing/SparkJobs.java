package dev.trainforge.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Supplier;
import org.apache.spark.sql.SparkSession;

/** Counts the Spark jobs that some work runs, in a job group of its own. */
public final class SparkJobs {
  private SparkJobs() {}

  /** What some work returned, and how many Spark jobs it ran. */
  public record Counted<T>(T result, int jobs) {}

  /** Runs {@code work} in a job group of its own, and counts the Spark jobs that ran in it. */
  public static <T> Counted<T> counting(SparkSession spark, Supplier<T> work) {
    String group = "counted-" + System.nanoTime();
    spark.sparkContext().setJobGroup(group, "work whose jobs a test counts", false);
    try {
      T result = work.get();
      return new Counted<>(
          result, spark.sparkContext().statusTracker().getJobIdsForGroup(group).length);
    } finally {
      spark.sparkContext().clearJobGroup();
    }
  }

  /** Runs {@code work}, and asserts that it ran no Spark job. */
  public static <T> T without(SparkSession spark, Supplier<T> work) {
    Counted<T> counted = counting(spark, work);
    assertThat(counted.jobs()).as("Spark jobs run").isZero();
    return counted.result();
  }
}
