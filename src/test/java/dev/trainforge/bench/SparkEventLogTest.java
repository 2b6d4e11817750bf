package dev.trainforge.bench;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SparkEventLogTest {
  @TempDir Path dir;

  private static String jobStart(
      int id, long at, String description, String execution, String stack) {
    return String.format(
        "{\"Event\":\"SparkListenerJobStart\",\"Job ID\":%d,\"Submission Time\":%d,"
            + "\"Stage Infos\":[{\"Stage ID\":%d,\"Stage Name\":\"first at X.java:1\","
            + "\"Details\":\"%s\"},{\"Stage ID\":%d,\"Stage Name\":\"collect at Y.java:2\","
            + "\"Details\":\"org.apache.spark.sql.Dataset.collect(Dataset.scala:1)\"}],"
            + "\"Stage IDs\":[%d,%d],\"Properties\":{\"spark.job.description\":\"%s\"%s}}",
        id,
        at,
        2 * id + 1,
        stack,
        2 * id,
        2 * id,
        2 * id + 1,
        description,
        execution == null ? "" : ",\"spark.sql.execution.id\":\"" + execution + "\"");
  }

  private static String task(int stage, long launch, long finish, long written, long local) {
    return String.format(
        "{\"Event\":\"SparkListenerTaskEnd\",\"Stage ID\":%d,\"Task Info\":{\"Launch Time\":%d,"
            + "\"Finish Time\":%d},\"Task Metrics\":{\"Executor Run Time\":%d,"
            + "\"Executor CPU Time\":%d,\"Shuffle Read Metrics\":{\"Remote Bytes Read\":1,"
            + "\"Local Bytes Read\":%d},\"Shuffle Write Metrics\":{\"Shuffle Bytes Written\":%d}}}",
        stage, launch, finish, finish - launch - 1, 1_000_000L * (finish - launch), local, written);
  }

  /** A rolling log of two parts, as Spark 4 writes by default. */
  private Path rollingLog() throws Exception {
    Path log = Files.createDirectories(dir.resolve("eventlog_v2_local-7"));
    Files.write(
        log.resolve("events_2_local-7"),
        List.of(
            task(3, 2_100, 2_600, 0, 50),
            "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":1,\"Completion Time\":2700}"));
    Files.write(
        log.resolve("events_1_local-7"),
        List.of(
            "{\"Event\":\"SparkListenerLogStart\",\"Spark Version\":\"4.1.3\"}",
            "{\"Event\":\"SparkListenerApplicationStart\",\"App Name\":\"trainforge\","
                + "\"Timestamp\":400,\"User\":\"root\"}",
            "{\"Event\":\"org.apache.spark.sql.execution.ui.SparkListenerSQLExecutionStart\","
                + "\"executionId\":4,\"details\":\"org.apache.spark.sql.Dataset.first(Dataset.scala:9)"
                + "\\ndev.trainforge.validate.Profiler$Aggregates.run(Profiler.java:135)"
                + "\\ndev.trainforge.pipeline.DatasetBuild.build(DatasetBuild.java:240)\"}",
            jobStart(
                0,
                1_000,
                "trainforge: pin and check inputs",
                null,
                "org.apache.spark.sql.Dataset.first(Dataset.scala:9)\\n"
                    + "dev.trainforge.source.InputPins.delta(InputPins.java:87)"),
            task(0, 1_000, 1_400, 300, 0),
            task(1, 1_400, 1_900, 0, 280),
            "{\"Event\":\"SparkListenerJobEnd\",\"Job ID\":0,\"Completion Time\":1950}",
            jobStart(
                1,
                2_000,
                "trainforge: validate audit snapshot 12",
                "4",
                "java.util.concurrent.CompletableFuture$AsyncSupply.run(CompletableFuture.java:1768)"),
            "{\"Event\":\"SparkListenerTaskStart\",\"Stage ID\":3}"));
    Files.writeString(log.resolve("appstatus_local-7"), "");
    return log;
  }

  @Test
  void readsJobsInOrderOfStartAndTasksFromEveryPartOfARollingLog() throws Exception {
    SparkEventLog log = SparkEventLog.read(rollingLog());

    assertThat(log.jobs())
        .extracting(
            SparkEventLog.Job::id, SparkEventLog.Job::description, SparkEventLog.Job::millis)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(0, "trainforge: pin and check inputs", 950L),
            org.assertj.core.groups.Tuple.tuple(1, "trainforge: validate audit snapshot 12", 700L));
    assertThat(log.tasks())
        .containsExactly(
            new SparkEventLog.Task(0, 400, 399, 400_000_000L, 300, 1),
            new SparkEventLog.Task(1, 500, 499, 500_000_000L, 0, 281),
            new SparkEventLog.Task(3, 500, 499, 500_000_000L, 0, 51));
    assertThat(log.jobOfStage().get(3).id()).isEqualTo(1);
    assertThat(log.applicationStart()).isEqualTo(400);
  }

  @Test
  void namesAJobByTheTrainforgeFrameOfItsSqlExecutionElseOfItsResultStage() throws Exception {
    SparkEventLog log = SparkEventLog.read(rollingLog());

    // job 1 ran on another thread (adaptive execution): its own stack names no trainforge code,
    // its SQL execution's does
    assertThat(log.jobs())
        .extracting(SparkEventLog.Job::callSite)
        .containsExactly("InputPins.delta:87", "Profiler$Aggregates.run:135");
  }

  @Test
  void readsTheOneLogOfADirectoryGivenAsSparkEventLogDir() throws Exception {
    rollingLog();

    assertThat(SparkEventLog.read(dir).jobs()).hasSize(2);
  }

  @Test
  void refusesADirectoryOfSeveralLogs() throws Exception {
    rollingLog();
    Files.writeString(dir.resolve("local-8"), "");

    assertThatThrownBy(() -> SparkEventLog.read(dir))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(dir + " holds 2 event logs, not one: give each run its own spark.eventLog.dir");
  }

  @Test
  void aJobWithoutAnEndLastsNoTime() throws Exception {
    Path log = dir.resolve("local-9");
    Files.write(log, List.of(jobStart(5, 3_000, "", null, "")));

    SparkEventLog read = SparkEventLog.read(log);

    assertThat(read.jobs())
        .extracting(SparkEventLog.Job::millis, SparkEventLog.Job::callSite)
        .containsExactly(org.assertj.core.groups.Tuple.tuple(0L, "first at X.java:1"));
    assertThat(read.applicationStart()).isEqualTo(-1);
  }

  @Test
  void theUnionOfJobsCountsOverlappingTimeOnce() {
    List<SparkEventLog.Job> jobs =
        List.of(
            new SparkEventLog.Job(0, "", "", 1_000, 2_000, List.of()),
            new SparkEventLog.Job(1, "", "", 1_500, 2_500, List.of()),
            new SparkEventLog.Job(2, "", "", 1_600, 1_700, List.of()),
            new SparkEventLog.Job(3, "", "", 4_000, 4_250, List.of()));

    assertThat(GenerateBenchmark.union(jobs)).isEqualTo(1.75);
  }
}
