package dev.trainforge.spark;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.testing.SharedSpark;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.spark.SparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Work beside the caller's: its result, its failure, and the caller's job description. */
class BesideTest {
  @Test
  void sparkJobsBesideTheCallerCarryTheCallersJobDescriptionAndReturnTheirResult() {
    SparkSession spark = SharedSpark.session();
    SparkContext sc = spark.sparkContext();
    String before = sc.getLocalProperty("spark.job.description");
    sc.setJobDescription("trainforge: the caller's phase");
    try {
      Beside<String> beside =
          Beside.start(
              "beside-test",
              () ->
                  sc.getLocalProperty("spark.job.description")
                      + " / "
                      + spark.range(100).count()
                      + " / "
                      + Thread.currentThread().getName());
      assertThat(beside.join()).isEqualTo("trainforge: the caller's phase / 100 / beside-test");
    } finally {
      sc.setJobDescription(before);
    }
  }

  @Test
  void joinThrowsTheWorksOwnException() {
    IllegalStateException thrown = new IllegalStateException("no partitions");
    Beside<Integer> beside =
        Beside.start(
            "beside-test",
            () -> {
              throw thrown;
            });
    assertThatThrownBy(beside::join).isSameAs(thrown);
  }

  @Test
  void awaitWaitsForTheEndOfFailingWorkWithoutThrowing() throws Exception {
    CountDownLatch started = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    AtomicBoolean ended = new AtomicBoolean();
    Beside<Integer> beside =
        Beside.start(
            "beside-test",
            () -> {
              started.countDown();
              try {
                release.await(10, TimeUnit.SECONDS);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              ended.set(true);
              throw new IllegalArgumentException("the listing failed");
            });
    assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    Thread releaser =
        new Thread(
            () -> {
              try {
                Thread.sleep(200);
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
              }
              release.countDown();
            });
    releaser.start();
    beside.await();
    assertThat(ended).isTrue();
  }
}
