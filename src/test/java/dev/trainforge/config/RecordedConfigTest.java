package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The dataset file written back from a recorded spec defines the same rows: the same hash. */
class RecordedConfigTest {
  /** Overrides of the sample that set every optional block of a dataset. */
  static final List<String> EVERY_OPTIONAL_BLOCK =
      List.of(
          "dataset.features.user_auth.max-age=36h",
          "dataset.labels.window.start=2026-01-05T00:00:00Z",
          "dataset.labels.window.end=2026-02-01T00:00:00Z",
          "dataset.labels.maturity.horizon=2d",
          "dataset.labels.maturity.cut-off=window-end",
          "dataset.split.by=hash",
          "dataset.split.group-key=user_id",
          "dataset.split.seed=7",
          "dataset.retention=30d");

  @TempDir Path dir;

  @Test
  void theSampleWithEveryOptionalBlockRoundTripsToTheSameConfigAndHash() throws Exception {
    for (List<String> overrides : List.of(List.<String>of(), EVERY_OPTIONAL_BLOCK)) {
      BuildConfig original = ConfigLoader.load(Path.of("conf/datasets/card_fraud.conf"), overrides);
      Path file = dir.resolve("recorded.conf");
      Files.writeString(file, RecordedConfig.toDatasetFile(original.canonicalJson()));
      BuildConfig back = ConfigLoader.load(file, List.of());
      assertThat(back.canonicalJson()).isEqualTo(original.canonicalJson());
      assertThat(back.configHash()).isEqualTo(original.configHash());
    }
  }
}
