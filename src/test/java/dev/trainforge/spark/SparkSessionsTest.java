package dev.trainforge.spark;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SparkSessionsTest {
  @Test
  void shuffleFilesAreCopiedThroughABufferUnlessTheCallerSaysOtherwise() {
    assertThat(SparkSessions.staticDefaults(Map.of()))
        .containsEntry("spark.file.transferTo", "false");
    assertThat(SparkSessions.staticDefaults(Map.of("spark.file.transferTo", "true")))
        .containsEntry("spark.file.transferTo", "true");
  }

  @Test
  void everyLocalSessionGetsTheShuffleSettings() {
    assertThat(SharedSpark.session().sparkContext().getConf().get("spark.file.transferTo"))
        .isEqualTo("false");
  }
}
