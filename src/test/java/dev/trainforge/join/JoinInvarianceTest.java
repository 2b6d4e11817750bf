package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.trainforge.spark.ContentChecksum;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.testing.SparkJobs;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.apache.spark.Dependency;
import org.apache.spark.ShuffleDependency;
import org.apache.spark.rdd.RDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.assertj.core.data.Offset;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.jdk.javaapi.CollectionConverters;

/** The join's content depends only on its inputs: not on partition counts or file order. */
class JoinInvarianceTest {
  @Test
  void sameContentWhateverThePartitionCountOrPartitioning() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(11, 400, 2000);
    List<String> checksums = new ArrayList<>();
    for (JoinPartitioning partitioning : partitionings()) {
      for (int partitions : new int[] {1, 3, 17, 200}) {
        Dataset<Row> out =
            new AsOfJoin(partitioning, partitions)
                .join(cases.labelFrame(spark), cases.joinSources(spark));
        checksums.add(ContentChecksum.of(out));
      }
    }
    assertThat(checksums.get(0)).startsWith(cases.labels.size() + ":");
    assertThat(checksums).containsOnly(checksums.get(0));
  }

  /**
   * Labels sampled before the join, in a pass of their own (a build's label scan): the same rows as
   * the join that samples them itself, and each key group's sampling job reads its feature rows
   * alone, the labels' sort fields computed on the driver with no job.
   */
  @Test
  void labelsSampledBeforehandGiveTheSameRowsAndLeaveTheSamplingJobTheFeatureRows() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(14, 400, 2000);
    for (int partitions : new int[] {1, 3, 17, 200}) {
      Dataset<Row> labels = cases.labelFrame(spark);
      String expected =
          ContentChecksum.of(
              new AsOfJoin(new RangePartitioning(), partitions)
                  .join(labels, cases.joinSources(spark)));
      LabelSample sample = LabelSample.take(labels, List.of("user", "merchant"), partitions);
      assertThat(sample.weight()).isCloseTo(cases.labels.size(), Offset.offset(1e-6));
      AsOfJoin join = new AsOfJoin(new RangePartitioning(), partitions);
      SparkJobs.Counted<Dataset<Row>> planned =
          SparkJobs.counting(spark, () -> join.join(labels, cases.joinSources(spark), sample));

      assertThat(ContentChecksum.of(planned.result()))
          .as("%d partitions", partitions)
          .isEqualTo(expected);
      // two key groups: one sampling job each (none with one partition), none for the labels
      assertThat(planned.jobs()).isEqualTo(partitions == 1 ? 0 : 2);
      for (AsOfJoin.GroupRun run : join.runs()) {
        Dataset<Row> sortFields = run.arranged().sampled().get(0);
        assertThat(sortFields.filter(col(JoinColumns.ORDER).geq(run.sources().size())).count())
            .as("label events the sampling job of %s reads", run.keys())
            .isZero();
      }
    }
  }

  @Test
  void aLabelSampleWithoutAGroupsKeyIsRefused() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(15, 20);
    LabelSample sample = LabelSample.take(cases.labelFrame(spark), List.of("user"), 3);

    assertThatThrownBy(
            () ->
                new AsOfJoin(new RangePartitioning(), 3)
                    .join(cases.labelFrame(spark), cases.joinSources(spark), sample))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage(
            "the label sample has no key column 'merchant' (it holds [user, %s, %s]): take it with"
                + " every source's key columns",
            JoinColumns.LABEL_TIME, AsOfJoin.LABEL_SALT);
  }

  @Test
  void sameContentWhateverTheInputFileOrder(@TempDir Path dir) {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(12, 400);
    List<String> checksums = new ArrayList<>();
    int layout = 0;
    for (boolean ascending : new boolean[] {true, false}) {
      layout++;
      List<JoinSource> sources = new ArrayList<>();
      for (JoinSource s : cases.joinSources(spark)) {
        String path = dir.resolve("layout" + layout + "/" + s.name()).toString();
        Dataset<Row> rows = s.rows();
        // different file counts and row orders: 3 files ascending, 5 files descending
        rows.repartition(ascending ? 3 : 5)
            .sortWithinPartitions(
                ascending ? col(JoinColumns.EVENT_TIME).asc() : col(JoinColumns.EVENT_TIME).desc())
            .write()
            .parquet(path);
        sources.add(
            new JoinSource(
                s.name(),
                spark.read().parquet(path),
                s.keyColumns(),
                s.featureColumns(),
                s.servingLagMicros(),
                s.maxAgeMicros(),
                s.exactMatches(),
                s.emitAvailableTime()));
      }
      checksums.add(
          ContentChecksum.of(
              new AsOfJoin(new KeyHashPartitioning(), 4).join(cases.labelFrame(spark), sources)));
    }
    assertThat(checksums.get(0)).isEqualTo(checksums.get(1));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("partitionings")
  void oneShufflePerDistinctKey(JoinPartitioning partitioning) {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(13, 10);
    Dataset<Row> out =
        new AsOfJoin(partitioning, 4).join(cases.labelFrame(spark), cases.joinSources(spark));
    // three sources on two keys (user: ua and ub; merchant: mc): two shuffles in all
    assertThat(shuffles(out.queryExecution().toRdd())).isEqualTo(2);
  }

  static List<JoinPartitioning> partitionings() {
    return List.of(new KeyHashPartitioning(), new RangePartitioning());
  }

  /** The shuffles in an RDD's whole lineage: what Spark will execute, across plan boundaries. */
  static int shuffles(RDD<?> rdd) {
    Set<Integer> seen = new HashSet<>();
    Deque<RDD<?>> todo = new ArrayDeque<>(List.of(rdd));
    int shuffles = 0;
    while (!todo.isEmpty()) {
      RDD<?> r = todo.pop();
      if (!seen.add(r.id())) {
        continue;
      }
      for (Dependency<?> d : CollectionConverters.asJava(r.dependencies())) {
        if (d instanceof ShuffleDependency<?, ?, ?>) {
          shuffles++;
        }
        todo.push(d.rdd());
      }
    }
    return shuffles;
  }
}
