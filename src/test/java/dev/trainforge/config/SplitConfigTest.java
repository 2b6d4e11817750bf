package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** dataset.split: how it is read, checked, and hashed. */
class SplitConfigTest {
  @TempDir Path dir;

  private static final String DATASET =
      String.join(
          "\n",
          "dataset {",
          "  name = fraud",
          "  version = \"3\"",
          "  labels {",
          "    path = \"data/labels\"",
          "    id-column = id",
          "    time-column = ts",
          "    key-columns = [user_id]",
          "    label-columns = [is_fraud]",
          "  }",
          "  features {",
          "    user {",
          "      path = \"data/user\"",
          "      keys { user_id = user_id }",
          "      columns = [a]",
          "    }",
          "  }",
          "}",
          "");

  private Path file() throws IOException {
    Path file = dir.resolve("fraud.conf");
    Files.writeString(file, DATASET);
    return file;
  }

  /** Loads the dataset with overrides written as on the command line: --set key=value ... */
  private BuildConfig load(String... args) throws IOException {
    return ConfigLoader.load(
        file(), List.of(args).stream().filter(a -> !a.equals("--set")).toList());
  }

  private List<String> problems(String... overrides) throws IOException {
    try {
      load(overrides);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void noSplitByDefaultAndTheHashIgnoresTheAbsentSection() throws IOException {
    BuildConfig config = load();
    assertThat(config.dataset().split()).isEmpty();
    assertThat(CanonicalJson.definition(config.dataset())).doesNotContain("split");
  }

  @Test
  void readsASplitByTime() throws IOException {
    SplitSpec split =
        load(
                "--set", "dataset.split.by=time",
                "--set", "dataset.split.train-until=2026-01-20T00:00:00Z",
                "--set", "dataset.split.validation-until=2026-01-25T00:00:00Z")
            .dataset()
            .split()
            .orElseThrow();
    assertThat(split.by()).isEqualTo(SplitSpec.By.TIME);
    assertThat(split.column()).isEqualTo("split");
    assertThat(split.trainUntil()).contains(Instant.parse("2026-01-20T00:00:00Z"));
    assertThat(split.validationUntil()).contains(Instant.parse("2026-01-25T00:00:00Z"));
    assertThat(split.groupKey()).isEqualTo(Optional.empty());
  }

  @Test
  void theSplitIsPartOfTheConfigHashAndSpellingDoesNot() throws IOException {
    String none = load().configHash();
    String seed1 =
        load("--set", "dataset.split.by=hash", "--set", "dataset.split.group-key=user_id")
            .configHash();
    String seed2 =
        load(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.seed=2")
            .configHash();
    String spelledOtherwise =
        load(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.fractions={train = 0.80, validation = 0.10, test = 0.1}")
            .configHash();
    assertThat(seed1).isNotEqualTo(none).isNotEqualTo(seed2).isEqualTo(spelledOtherwise);
    assertThat(
            CanonicalJson.definition(
                load("--set", "dataset.split.by=hash", "--set", "dataset.split.group-key=user_id")
                    .dataset()))
        .contains(
            "\"split\":{\"by\":\"hash\",\"column\":\"split\",\"fractions\":{\"test\":0.1,"
                + "\"train\":0.8,\"validation\":0.1},\"group-key\":\"user_id\",\"seed\":0}");
  }

  @Test
  void fractionsMustSumToOne() throws IOException {
    assertThat(
            problems(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.fractions.train=0.7"))
        .containsExactly(
            "--set dataset.split.fractions.train=0.7: 1: dataset.split.fractions sum to 0.9, not 1"
                + " (train 0.7 + validation 0.1 + test 0.1)");
  }

  @Test
  void aFractionOutsideZeroToOneIsRejected() throws IOException {
    assertThat(
            problems(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.fractions={train = 1.2, validation = -0.2, test = 0}"))
        .containsExactly(
            "--set dataset.split.fractions={train = 1.2, validation = -0.2, test = 0}: 1: key"
                + " 'dataset.split.fractions.train' is 1.2 (use a share between 0 and 1)",
            "--set dataset.split.fractions={train = 1.2, validation = -0.2, test = 0}: 1: key"
                + " 'dataset.split.fractions.validation' is -0.2 (use a share between 0 and 1)");
  }

  @Test
  void cutOffsMustBeOrdered() throws IOException {
    assertThat(
            problems(
                "--set", "dataset.split.by=time",
                "--set", "dataset.split.train-until=2026-01-20T00:00:00Z",
                "--set", "dataset.split.validation-until=2026-01-20T00:00:00Z"))
        .containsExactly(
            "--set dataset.split.validation-until=2026-01-20T00:00:00Z: 1: split cut-offs are out"
                + " of order: validation-until 2026-01-20T00:00:00Z is not after train-until"
                + " 2026-01-20T00:00:00Z (train is t < train-until, validation is train-until <= t"
                + " < validation-until)");
  }

  @Test
  void aSplitByTimeNeedsTrainUntil() throws IOException {
    assertThat(problems("--set", "dataset.split.by=time"))
        .containsExactly(
            "--set dataset.split.by=time: 1: missing required key 'dataset.split.train-until' (by"
                + " = time needs the end of train, an ISO-8601 instant such as"
                + " \"2026-01-20T00:00:00Z\")");
  }

  @Test
  void theGroupKeyMustBeALabelColumn() throws IOException {
    assertThat(
            problems("--set", "dataset.split.by=hash", "--set", "dataset.split.group-key=account"))
        .containsExactly(
            "--set dataset.split.group-key=account: 1: key 'dataset.split.group-key' names"
                + " 'account', which is not a label column of the output [id, ts, user_id,"
                + " is_fraud] (add it to dataset.labels.key-columns or label-columns)");
    assertThat(problems("--set", "dataset.split.by=hash"))
        .containsExactly(
            "--set dataset.split.by=hash: 1: missing required key 'dataset.split.group-key' (by ="
                + " hash needs the label column whose rows share a split, e.g. user_id)");
  }

  @Test
  void keysOfTheOtherKindOrWithoutByAreRejected() throws IOException {
    assertThat(problems("--set", "dataset.split.group-key=user_id"))
        .containsExactly(
            "--set dataset.split.group-key=user_id: 1: key 'dataset.split.group-key' is set but"
                + " dataset.split.by is null (set dataset.split.by = time or hash)");
    assertThat(
            problems(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.train-until=2026-01-20T00:00:00Z"))
        .containsExactly(
            "--set dataset.split.train-until=2026-01-20T00:00:00Z: 1: key"
                + " 'dataset.split.train-until' is set but dataset.split.by is hash (remove it, or"
                + " change dataset.split.by)");
  }

  @Test
  void unknownKeysAndValuesAreNamed() throws IOException {
    assertThat(problems("--set", "dataset.split.by=random"))
        .containsExactly(
            "--set dataset.split.by=random: 1: key 'dataset.split.by' has value 'random'"
                + " (expected one of: time, hash)");
    assertThat(
            problems(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.fractions.trian=0.8"))
        .containsExactly(
            "--set dataset.split.fractions.trian=0.8: 1: unknown key"
                + " 'dataset.split.fractions.trian' (did you mean"
                + " 'dataset.split.fractions.train'?)");
  }

  @Test
  void theSplitColumnMustNotCollide() throws IOException {
    assertThat(
            problems(
                "--set", "dataset.split.by=hash",
                "--set", "dataset.split.group-key=user_id",
                "--set", "dataset.split.column=is_fraud"))
        .containsExactly(
            file()
                + ": output column 'is_fraud' would come from both label column 'is_fraud' and"
                + " dataset.split (set dataset.split.column to another name)");
  }
}
