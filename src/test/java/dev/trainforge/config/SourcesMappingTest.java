package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import java.time.Duration;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * A feature source: the defaults of reference.conf's trainforge.feature-source-defaults, and every
 * key mapped to its field, set in the source or in the shared defaults block.
 */
class SourcesMappingTest {
  private static final List<String> LABELS =
      List.of(
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts",
          "dataset.labels.key-columns = [user_id, merchant_id]");

  /** The keys a source needs. */
  private static final List<String> REQUIRED =
      List.of(
          "dataset.features.user.path = \"data/user\"",
          "dataset.features.user.keys = { uid = user_id }",
          "dataset.features.user.columns = [a]");

  /** Every key but table and available-delay (see {@link #THROUGH_THE_DEFAULTS}). */
  private static final List<String> EVERY_KEY =
      List.of(
          "dataset.features.user.format = delta",
          "dataset.features.user.path = \"data/user\"",
          "dataset.features.user.keys = { uid = user_id, mid = merchant_id }",
          "dataset.features.user.event-time-column = valid_from",
          "dataset.features.user.available-time-column = computed_at",
          "dataset.features.user.tie-break-column = seq",
          "dataset.features.user.columns = [a, b]",
          "dataset.features.user.aggregations = { n_7d { function = count, window = 7d } }",
          "dataset.features.user.rename = { a = user_a }",
          "dataset.features.user.max-age = 3d",
          "dataset.features.user.serving-lag = 1h",
          "dataset.features.user.exact-matches = excluded",
          "dataset.features.user.partition-column = event_date",
          "dataset.features.user.allow-partition-gaps = true",
          "dataset.features.user.time-format = \"yyyy-MM-dd HH:mm:ss\"",
          "dataset.features.user.time-zone = Europe/Berlin");

  /** The other keys, set in the shared defaults block for a source that sets nothing itself. */
  private static final List<String> THROUGH_THE_DEFAULTS =
      List.of(
          "trainforge.feature-source-defaults.format = iceberg",
          "trainforge.feature-source-defaults.table = \"lake.features.user\"",
          "trainforge.feature-source-defaults.keys = { user_id = user_id }",
          "trainforge.feature-source-defaults.columns = [a]",
          "trainforge.feature-source-defaults.available-delay = 5m",
          "dataset.features.user = {}");

  private static FeatureSourceSpec read(List<String> source) {
    List<String> lines = new ArrayList<>(LABELS);
    lines.addAll(source);
    List<FeatureSourceSpec> sources =
        ReferenceKeys.read(lines, r -> SourcesReader.read(r, LabelsReader.read(r)));
    assertThat(sources).hasSize(1);
    return sources.get(0);
  }

  @Test
  void theRequiredKeysAloneGiveTheDefaults() {
    assertThat(read(REQUIRED))
        .isEqualTo(
            new FeatureSourceSpec(
                "user",
                new SourceLocation(SourceFormat.PARQUET, "data/user"), // format, path
                List.of(new KeyMapping("uid", "user_id")),
                "event_time", // event-time-column
                Optional.empty(), // available-time-column
                Duration.ZERO, // available-delay
                Optional.empty(), // tie-break-column
                List.of("a"),
                Map.of(), // rename
                Optional.empty(), // max-age
                Duration.ZERO, // serving-lag
                true, // exact-matches = allowed
                Optional.empty(), // partition-column
                false, // allow-partition-gaps
                new TimeParsing(Optional.empty(), ZoneId.of("UTC")), // time-format, time-zone
                List.of())); // aggregations
  }

  @Test
  void everyKeyMapsToItsField() {
    assertThat(read(EVERY_KEY))
        .isEqualTo(
            new FeatureSourceSpec(
                "user",
                new SourceLocation(SourceFormat.DELTA, "data/user"),
                List.of(new KeyMapping("mid", "merchant_id"), new KeyMapping("uid", "user_id")),
                "valid_from",
                Optional.of("computed_at"),
                Duration.ZERO,
                Optional.of("seq"),
                List.of("a", "b"),
                Map.of("a", "user_a"),
                Optional.of(Duration.ofDays(3)),
                Duration.ofHours(1),
                false,
                Optional.of("event_date"),
                true,
                new TimeParsing(Optional.of("yyyy-MM-dd HH:mm:ss"), ZoneId.of("Europe/Berlin")),
                List.of(
                    new AggregationSpec(
                        "n_7d",
                        AggregationSpec.Function.COUNT,
                        Optional.empty(),
                        Duration.ofDays(7),
                        0))));
  }

  @Test
  void theSharedDefaultsBlockMapsToEverySource() {
    FeatureSourceSpec source = read(THROUGH_THE_DEFAULTS);
    assertThat(source.source())
        .isEqualTo(new SourceLocation(SourceFormat.ICEBERG, "lake.features.user"));
    assertThat(source.keys()).containsExactly(new KeyMapping("user_id", "user_id"));
    assertThat(source.columns()).containsExactly("a");
    assertThat(source.availableDelay()).isEqualTo(Duration.ofMinutes(5));
  }

  @Test
  void theMappingTestsSetEveryKeyOfTheSection() {
    Set<String> set = new TreeSet<>(ReferenceKeys.keysSet("dataset.features.user", EVERY_KEY));
    set.addAll(ReferenceKeys.keysSet("trainforge.feature-source-defaults", THROUGH_THE_DEFAULTS));
    assertThat(set).isEqualTo(Section.SOURCES.keys());
  }

  @Test
  void aKeySetToNullTakesReferenceConfsDefault() {
    List<String> lines = new ArrayList<>(REQUIRED);
    for (String key :
        List.of(
            "format",
            "event-time-column",
            "available-delay",
            "serving-lag",
            "exact-matches",
            "allow-partition-gaps",
            "time-zone")) {
      lines.add("dataset.features.user." + key + " = null");
    }
    assertThat(read(lines)).isEqualTo(read(REQUIRED));
  }

  @Test
  void anUnknownKeyInTheSharedDefaultsIsRefused() {
    List<String> lines = new ArrayList<>(LABELS);
    lines.addAll(REQUIRED);
    lines.add("trainforge.feature-source-defaults.max_age = 3d");
    ConfigReader r = ReferenceKeys.reader(lines);
    assertThat(r.problems())
        .singleElement()
        .asString()
        .endsWith(
            ": unknown key 'trainforge.feature-source-defaults.max_age' (did you mean"
                + " 'trainforge.feature-source-defaults.max-age'?)");
  }
}
