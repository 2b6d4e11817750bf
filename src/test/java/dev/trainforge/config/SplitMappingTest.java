package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** dataset.split: the defaults of reference.conf, and every key mapped to its field. */
class SplitMappingTest {
  private static final List<String> LABELS =
      List.of(
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts",
          "dataset.labels.key-columns = [user_id]");

  /** The keys of a split by time (the hash keys are refused with it). */
  private static final List<String> BY_TIME =
      List.of(
          "dataset.split.by = time",
          "dataset.split.column = fold",
          "dataset.split.train-until = \"2026-01-20T00:00:00Z\"",
          "dataset.split.validation-until = \"2026-01-27T00:00:00Z\"");

  /** The keys of a split by hash. */
  private static final List<String> BY_HASH =
      List.of(
          "dataset.split.by = hash",
          "dataset.split.column = fold",
          "dataset.split.group-key = user_id",
          "dataset.split.seed = 42",
          "dataset.split.fractions.train = 0.7",
          "dataset.split.fractions.validation = 0.2",
          "dataset.split.fractions.test = 0.1");

  private static Optional<SplitSpec> read(List<String> split) {
    List<String> lines = new ArrayList<>(LABELS);
    lines.addAll(split);
    return ReferenceKeys.read(lines, r -> SplitReader.read(r, LabelsReader.read(r)));
  }

  @Test
  void byDefaultThereIsNoSplit() {
    assertThat(read(List.of())).isEmpty();
  }

  @Test
  void aSplitByHashTakesTheDefaultColumnSeedAndFractions() {
    assertThat(read(List.of("dataset.split.by = hash", "dataset.split.group-key = user_id")))
        .contains(
            new SplitSpec(
                SplitSpec.By.HASH,
                "split", // column
                Optional.empty(), // train-until
                Optional.empty(), // validation-until
                Optional.of("user_id"),
                0, // seed
                0.8, // fractions.train
                0.1, // fractions.validation
                0.1)); // fractions.test
  }

  @Test
  void everyKeyOfASplitByTimeMapsToItsField() {
    assertThat(read(BY_TIME))
        .contains(
            new SplitSpec(
                SplitSpec.By.TIME,
                "fold",
                Optional.of(Instant.parse("2026-01-20T00:00:00Z")),
                Optional.of(Instant.parse("2026-01-27T00:00:00Z")),
                Optional.empty(),
                0,
                0.8,
                0.1,
                0.1));
  }

  @Test
  void everyKeyOfASplitByHashMapsToItsField() {
    assertThat(read(BY_HASH))
        .contains(
            new SplitSpec(
                SplitSpec.By.HASH,
                "fold",
                Optional.empty(),
                Optional.empty(),
                Optional.of("user_id"),
                42,
                0.7,
                0.2,
                0.1));
  }

  @Test
  void theMappingTestsSetEveryKeyOfTheSection() {
    assertThat(ReferenceKeys.keysSet("dataset.split", BY_TIME, BY_HASH))
        .isEqualTo(Section.SPLIT.keys());
  }

  @Test
  void aColumnOrSeedSetToNullTakesItsDefaultAndAFractionSetToNullIsZero() {
    assertThat(
            read(
                List.of(
                    "dataset.split.by = hash",
                    "dataset.split.group-key = user_id",
                    "dataset.split.column = null",
                    "dataset.split.seed = null",
                    "dataset.split.fractions.train = 0.9",
                    "dataset.split.fractions.validation = null")))
        .contains(
            new SplitSpec(
                SplitSpec.By.HASH,
                "split",
                Optional.empty(),
                Optional.empty(),
                Optional.of("user_id"),
                0,
                0.9,
                0.0,
                0.1));
  }
}
