package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Windowed aggregations in a dataset file: how they are read, hashed and refused. */
class AggregationConfigTest {
  @TempDir Path dir;

  private static String file(String aggregations) {
    return String.join(
        "\n",
        "dataset {", // 1
        "  name = fraud", // 2
        "  version = \"1\"", // 3
        "  labels {", // 4
        "    path = \"data/labels\"", // 5
        "    id-column = id", // 6
        "    time-column = ts", // 7
        "    key-columns = [user_id]", // 8
        "    label-columns = [is_fraud]", // 9
        "  }", // 10
        "  features.card {", // 11
        "    path = \"data/card\"", // 12
        "    keys { user_id = user_id }", // 13
        "    aggregations {", // 14
        aggregations, // 15
        "    }", // 16
        "  }", // 17
        "}",
        "");
  }

  private Path write(String aggregations) throws IOException {
    Path f = dir.resolve("fraud.conf");
    Files.writeString(f, file(aggregations));
    return f;
  }

  private List<String> problems(String aggregations) throws IOException {
    Path f = write(aggregations);
    try {
      ConfigLoader.load(f, List.of());
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void readsAggregationsInNameOrderAndNeedsNoColumns() throws IOException {
    BuildConfig config =
        ConfigLoader.load(
            write(
                "txn_count_1h { function = count, window = 1h }\n"
                    + "last5 { function = last-k, column = merchant, k = 5, window = 30d }"),
            List.of());
    FeatureSourceSpec card = config.dataset().features().get(0);
    assertThat(card.columns()).isEmpty();
    assertThat(card.aggregations())
        .containsExactly(
            new AggregationSpec(
                "last5",
                AggregationSpec.Function.LAST_K,
                Optional.of("merchant"),
                Duration.ofDays(30),
                5),
            new AggregationSpec(
                "txn_count_1h",
                AggregationSpec.Function.COUNT,
                Optional.empty(),
                Duration.ofHours(1),
                0));
    assertThat(card.outputColumns())
        .containsExactly(
            "card__status",
            "last5",
            "txn_count_1h",
            "card__window_event_time",
            "card__window_available_time");
  }

  @Test
  void aggregationsArePartOfTheConfigHash() throws IOException {
    String a =
        ConfigLoader.load(write("n { function = count, window = 1h }"), List.of()).configHash();
    String same =
        ConfigLoader.load(write("n { function = count, window = 60m }"), List.of()).configHash();
    String other =
        ConfigLoader.load(write("n { function = count, window = 2h }"), List.of()).configHash();
    assertThat(same).isEqualTo(a);
    assertThat(other).isNotEqualTo(a);
  }

  @Test
  void theRecordedConfigLoadsBackToTheSameHash() throws IOException {
    BuildConfig config =
        ConfigLoader.load(
            write(
                "s { function = sum, column = amount, window = 7d }\n"
                    + "l { function = last-k, column = m, k = 3, window = 90m }"),
            List.of());
    Path recorded = dir.resolve("recorded.conf");
    Files.writeString(recorded, RecordedConfig.toDatasetFile(config.canonicalJson()));
    assertThat(ConfigLoader.load(recorded, List.of()).configHash()).isEqualTo(config.configHash());
  }

  @Test
  void anUnknownFunctionIsNamedWithTheSourceAndASuggestion() throws IOException {
    String f = dir.resolve("fraud.conf").toString();
    assertThat(problems("s { function = summ, column = amount, window = 7d }"))
        .containsExactly(
            f
                + ":15: aggregation 's' of feature source 'card': function 'summ' is not one of"
                + " count, sum, avg, min, max, stddev, last-k (did you mean 'sum'?)");
  }

  @Test
  void aWindowOutsideOneMinuteTo730DaysIsRefused() throws IOException {
    String f = dir.resolve("fraud.conf").toString();
    assertThat(
            problems("a { function = count, window = 30s }\nb { function = count, window = 731d }"))
        .containsExactly(
            f
                + ":15: aggregation 'a' of feature source 'card': window is 30s (use a window from 1m"
                + " to 730d)",
            f
                + ":16: aggregation 'b' of feature source 'card': window is 731d (use a window from"
                + " 1m to 730d)");
  }

  @Test
  void aFunctionWithoutItsColumnOrKIsRefused() throws IOException {
    String f = dir.resolve("fraud.conf").toString();
    assertThat(
            problems(
                "a { function = sum, window = 1h }\n"
                    + "b { function = last-k, column = m, window = 1h }\n"
                    + "c { function = max, column = m, k = 2, window = 1h }\n"
                    + "d { function = count, windw = 1h }"))
        .containsExactly(
            f
                + ":15: aggregation 'a' of feature source 'card': sum needs a column (set column to"
                + " the source column it reads)",
            f
                + ":16: aggregation 'b' of feature source 'card': k is not set (last-k needs k from"
                + " 1 to 1000, e.g. k = 5)",
            f
                + ":17: aggregation 'c' of feature source 'card': k is only for last-k (remove k, or"
                + " use last-k)",
            f
                + ":18: aggregation 'd' of feature source 'card' has an unknown key 'windw' (did you"
                + " mean 'window'?)",
            f
                + ":18: aggregation 'd' of feature source 'card' has no window (set window, e.g."
                + " window = 7d; from 1m to 730d)");
  }
}
