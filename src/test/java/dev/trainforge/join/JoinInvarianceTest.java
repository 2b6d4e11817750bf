package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import dev.trainforge.version.ContentChecksum;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The join's content depends only on its inputs: not on partition counts or file order. */
class JoinInvarianceTest {
  @Test
  void sameContentWhateverThePartitionCount() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(11, 400);
    List<String> checksums = new ArrayList<>();
    for (int partitions : new int[] {1, 3, 17}) {
      Dataset<Row> out =
          new AsOfJoin(new KeyHashPartitioning(), partitions)
              .join(cases.labelFrame(spark), cases.joinSources(spark));
      checksums.add(ContentChecksum.of(out));
    }
    assertThat(checksums.get(0)).startsWith(cases.labels.size() + ":");
    assertThat(checksums).containsOnly(checksums.get(0));
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

  @Test
  void oneShufflePerDistinctKey() {
    SparkSession spark = SharedSpark.session();
    RandomCases cases = new RandomCases(13, 10);
    Dataset<Row> out =
        new AsOfJoin(new KeyHashPartitioning(), 4)
            .join(cases.labelFrame(spark), cases.joinSources(spark));
    String plan = out.queryExecution().executedPlan().toString();
    // three sources on two keys (user: ua and ub; merchant: mc): two exchanges
    int exchanges = plan.split("Exchange hashpartitioning", -1).length - 1;
    assertThat(exchanges).as(plan).isEqualTo(2);
  }
}
