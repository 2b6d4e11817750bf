package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import dev.trainforge.testing.Cli;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A block written twice in one dataset file is refused, naming both places, not merged. */
class DuplicateBlocksTest {
  @TempDir Path dir;

  private Path write(String... lines) throws IOException {
    Path file = dir.resolve("dup.conf");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private static final String[] LABELS = {
    "dataset {", // 1
    "  name = dup", // 2
    "  version = \"1\"", // 3
    "  labels { path = \"l\", id-column = id, time-column = ts, key-columns = [u] }", // 4
  };

  private Path withFeatures(String... lines) throws IOException {
    String[] all = new String[LABELS.length + lines.length + 1];
    System.arraycopy(LABELS, 0, all, 0, LABELS.length);
    System.arraycopy(lines, 0, all, LABELS.length, lines.length);
    all[all.length - 1] = "}";
    return write(all);
  }

  @Test
  void aFeatureSourceWrittenTwiceInTheFeaturesBlockIsRefusedWithBothLines() throws IOException {
    Path file =
        withFeatures(
            "  features {", // 5
            "    user {", // 6
            "      path = \"a\", keys { u = u }, columns = [x]", // 7
            "    }", // 8
            "    merchant { path = \"m\", keys { u = u }, columns = [y] }", // 9
            "    user {", // 10
            "      path = \"b\", keys { u = u }, columns = [z]", // 11
            "    }", // 12
            "  }");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
    assertThat(e.exitCode().code()).isEqualTo(2);
    assertThat(e.problems())
        .containsExactly(
            file
                + ":6 and "
                + file
                + ":10: feature source 'user' (dataset.features.user) is written twice in one file;"
                + " HOCON would merge the blocks silently, key by key, the later value winning"
                + " (keep one block, or give each source a name of its own)");
  }

  @Test
  void aSourceWrittenOnceAsAPathExpressionAndOnceInsideTheDatasetBlockIsFound() throws IOException {
    Path file =
        write(
            "dataset.features.user { path = \"a\", keys { u = u }, columns = [x] }", // 1
            "dataset {", // 2
            "  name = dup, version = \"1\"", // 3
            "  labels { path = \"l\", id-column = id, time-column = ts, key-columns = [u] }", // 4
            "  features {", // 5
            "    // user { is only a comment here, and so is # this {", // 6
            "    other { path = \"x { y\", keys { u = u }, columns = [x] }", // 7
            "    \"user\" { path = \"\"\"b", // 8
            "}\"\"\", keys { u = u }, columns = [z] }", // 9
            "  }", // 10
            "}");
    assertThat(HoconBlocks.duplicates(Files.readString(file)))
        .containsExactly(
            Map.entry("dataset.features.user", List.of(1, 8)),
            Map.entry("dataset.features.user.keys", List.of(1, 9)));
    Cli.Run run = Cli.run("generate", "--config", file.toString());
    assertThat(run.exitCode()).isEqualTo(2);
    assertThat(run.err())
        .isEqualTo(
            "Invalid configuration: "
                + file
                + ":1 and "
                + file
                + ":8: feature source 'user' (dataset.features.user) is written twice in one file;"
                + " HOCON would merge the blocks silently, key by key, the later value winning"
                + " (keep one block, or give each source a name of its own)\n");
  }

  @Test
  void theLabelsBlockWrittenTwiceIsRefused() throws IOException {
    Path file =
        withFeatures(
            "  labels { label-columns = [y] }", // 5
            "  features.user { path = \"a\", keys { u = u }, columns = [x] }");
    ConfigException e =
        catchThrowableOfType(ConfigException.class, () -> ConfigLoader.load(file, List.of()));
    assertThat(e.problems())
        .containsExactly(
            file
                + ":4 and "
                + file
                + ":5: the labels block (dataset.labels) is written twice in one file; HOCON would"
                + " merge the blocks silently, key by key, the later value winning (keep one block,"
                + " or give each source a name of its own)");
  }

  @Test
  void settingOneKeyOfASourceOutsideItsBlockIsNotADuplicate() throws IOException {
    Path file =
        withFeatures(
            "  features.user { path = \"a\", keys { u = u }, columns = [x] }", // 5
            "  features.user.max-age = 2d", // 6
            "  features { merchant { path = \"m\", keys { u = u }, columns = [y] } }");
    BuildConfig config = ConfigLoader.load(file, List.of());
    assertThat(config.dataset().features())
        .extracting(FeatureSourceSpec::name)
        .containsExactly("merchant", "user");
  }

  @Test
  void theSampleDatasetFileHasNoDuplicates() throws IOException {
    String text = Files.readString(Path.of("conf/datasets/card_fraud.conf"));
    assertThat(HoconBlocks.of(text))
        .containsKeys(
            "dataset",
            "dataset.labels",
            "dataset.features",
            "dataset.features.user_profile",
            "dataset.features.user_profile.keys",
            "dataset.features.merchant_risk",
            "dataset.features.user_auth.rename");
    assertThat(HoconBlocks.duplicates(text)).isEmpty();
  }
}
