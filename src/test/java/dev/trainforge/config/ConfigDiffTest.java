package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ConfigDiffTest {
  @Test
  void changedAddedAndRemovedKeysAreNamedInTheWordsOfTheDatasetFile() {
    String before =
        "{\"features\":{\"user_auth\":{\"max-age-seconds\":\"86400\",\"columns\":[\"a\"],"
            + "\"serving-lag-seconds\":\"0\"}},\"labels\":{\"window-end\":\"2026-03-01T00:00:00Z\"}}";
    String after =
        "{\"features\":{\"user_auth\":{\"max-age-seconds\":\"172800\",\"columns\":[\"a\",\"b\"],"
            + "\"serving-lag-seconds\":\"5400\"}},\"labels\":{\"window-end\":null},"
            + "\"split\":{\"by\":\"time\"}}";
    assertThat(ConfigDiff.between(before, after))
        .containsExactly(
            "features.user_auth.columns [\"a\"] -> [\"a\",\"b\"]",
            "features.user_auth.max-age 1d -> 2d",
            "features.user_auth.serving-lag 0s -> 90m",
            "- labels.window-end 2026-03-01T00:00:00Z",
            "+ split.by time");
  }

  @Test
  void equalSpecsHaveNoDifference() {
    String spec = "{\"a\":{\"b-seconds\":\"1.5\"},\"c\":[1,2]}";
    assertThat(ConfigDiff.between(spec, spec)).isEmpty();
    assertThat(ConfigDiff.duration("1.5")).isEqualTo("1.5s");
    assertThat(ConfigDiff.duration("7200")).isEqualTo("2h");
  }
}
