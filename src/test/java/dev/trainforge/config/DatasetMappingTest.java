package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * dataset's own keys (name, version, features, output, retention): the defaults of reference.conf,
 * and every key mapped to its field. The labels, split and validation have tests of their own.
 */
class DatasetMappingTest {
  private static final List<String> REQUIRED =
      List.of(
          "dataset.name = fraud",
          "dataset.version = \"3\"",
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts",
          "dataset.labels.key-columns = [user_id]",
          "dataset.features = { user { path = \"data/user\", keys { user_id = user_id },"
              + " columns = [a] } }");

  private static final List<String> EVERY_KEY =
      List.of(
          "dataset.output.catalog = lake",
          "dataset.output.namespace = ml",
          "dataset.output.table = fraud_training",
          "dataset.retention = 30d",
          "dataset.labels.window.start = \"2026-01-05T00:00:00Z\"",
          "dataset.labels.window.end = \"2026-02-01T00:00:00Z\"");

  private static DatasetSpec read(List<String> more) {
    List<String> lines = new ArrayList<>(REQUIRED);
    lines.addAll(more);
    return ReferenceKeys.read(lines, DatasetReader::read);
  }

  @Test
  void theRequiredKeysAloneGiveTheDefaults() {
    DatasetSpec spec = read(List.of());
    assertThat(spec.name()).isEqualTo("fraud");
    assertThat(spec.version()).isEqualTo("3");
    assertThat(spec.features()).extracting(FeatureSourceSpec::name).containsExactly("user");
    // output.catalog: trainforge.catalog.name; output.table: the dataset's name.
    assertThat(spec.output()).isEqualTo(new OutputSpec("trainforge", "datasets", "fraud"));
    assertThat(spec.retention()).isEmpty();
  }

  @Test
  void aNullOutputCatalogIsTheCatalogsName() {
    assertThat(read(List.of("trainforge.catalog.name = lake")).output().catalog())
        .isEqualTo("lake");
  }

  @Test
  void everyKeyMapsToItsField() {
    DatasetSpec spec = read(EVERY_KEY);
    assertThat(spec.output()).isEqualTo(new OutputSpec("lake", "ml", "fraud_training"));
    assertThat(spec.retention()).contains(Duration.ofDays(30));
  }

  @Test
  void theMappingTestsSetEveryKeyOfTheSection() {
    Set<String> keys = ReferenceKeys.keysSet("dataset", REQUIRED, EVERY_KEY);
    keys.removeIf(k -> k.startsWith("labels."));
    assertThat(keys).isEqualTo(Section.DATASET.keys());
  }

  @Test
  void aNullNamespaceTakesItsDefault() {
    assertThat(read(List.of("dataset.output.namespace = null")).output().namespace())
        .isEqualTo("datasets");
    assertThat(read(List.of("dataset.output = null")).output())
        .isEqualTo(new OutputSpec("trainforge", "datasets", "fraud"));
  }
}
