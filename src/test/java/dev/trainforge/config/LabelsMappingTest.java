package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** dataset.labels: the defaults of reference.conf, and every key mapped to its field. */
class LabelsMappingTest {
  /** The required keys alone. */
  private static final List<String> REQUIRED =
      List.of(
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts");

  /** Every key of the section but table (see {@link #ICEBERG}). */
  private static final List<String> EVERY_KEY =
      List.of(
          "dataset.labels.format = delta",
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = txn_id",
          "dataset.labels.time-column = txn_time",
          "dataset.labels.time-format = \"yyyy-MM-dd HH:mm:ss\"",
          "dataset.labels.time-zone = Europe/Berlin",
          "dataset.labels.key-columns = [user_id, merchant_id]",
          "dataset.labels.label-columns = [is_fraud, amount]",
          "dataset.labels.window.start = \"2026-01-05T00:00:00Z\"",
          "dataset.labels.window.end = \"2026-02-01T00:00:00Z\"",
          "dataset.labels.null-rows = drop",
          "dataset.labels.maturity.horizon = 30d",
          "dataset.labels.maturity.cut-off = \"2026-03-01T00:00:00Z\"",
          "dataset.labels.maturity.action = flag",
          "dataset.labels.maturity.flag-column = mature");

  private static final List<String> ICEBERG =
      List.of(
          "dataset.labels.format = iceberg",
          "dataset.labels.table = \"lake.raw.transactions\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts");

  private static LabelSpec read(List<String> lines) {
    return ReferenceKeys.read(lines, LabelsReader::read);
  }

  @Test
  void theRequiredKeysAloneGiveTheDefaults() {
    assertThat(read(REQUIRED))
        .isEqualTo(
            new LabelSpec(
                new SourceLocation(SourceFormat.PARQUET, "data/labels"), // format, path
                "id",
                "ts",
                new TimeParsing(Optional.empty(), ZoneId.of("UTC")), // time-format, time-zone
                List.of(), // key-columns
                List.of(), // label-columns
                Optional.empty(), // window.start
                Optional.empty(), // window.end
                NullRows.KEEP, // null-rows
                Optional.empty())); // maturity.horizon null: no maturity
  }

  @Test
  void aHorizonAloneTakesTheDefaultActionAndFlagColumn() {
    List<String> lines = new ArrayList<>(REQUIRED);
    lines.add("dataset.labels.maturity.horizon = 30d");
    lines.add("dataset.labels.maturity.cut-off = \"2026-03-01T00:00:00Z\"");
    assertThat(read(lines).maturity())
        .contains(
            new Maturity(
                Duration.ofDays(30),
                Instant.parse("2026-03-01T00:00:00Z"),
                Maturity.Action.EXCLUDE,
                "label_mature"));
  }

  @Test
  void everyKeyMapsToItsField() {
    assertThat(read(EVERY_KEY))
        .isEqualTo(
            new LabelSpec(
                new SourceLocation(SourceFormat.DELTA, "data/labels"),
                "txn_id",
                "txn_time",
                new TimeParsing(Optional.of("yyyy-MM-dd HH:mm:ss"), ZoneId.of("Europe/Berlin")),
                List.of("user_id", "merchant_id"),
                List.of("is_fraud", "amount"),
                Optional.of(Instant.parse("2026-01-05T00:00:00Z")),
                Optional.of(Instant.parse("2026-02-01T00:00:00Z")),
                NullRows.DROP,
                Optional.of(
                    new Maturity(
                        Duration.ofDays(30),
                        Instant.parse("2026-03-01T00:00:00Z"),
                        Maturity.Action.FLAG,
                        "mature"))));
  }

  @Test
  void anIcebergTableMapsToItsLocation() {
    assertThat(read(ICEBERG).source())
        .isEqualTo(new SourceLocation(SourceFormat.ICEBERG, "lake.raw.transactions"));
  }

  @Test
  void theMappingTestsSetEveryKeyOfTheSection() {
    assertThat(ReferenceKeys.keysSet("dataset.labels", EVERY_KEY, ICEBERG))
        .isEqualTo(Section.LABELS.keys());
  }

  @Test
  void aKeySetToNullTakesItsDefault() {
    List<String> lines = new ArrayList<>(REQUIRED);
    lines.add("dataset.labels.format = null");
    lines.add("dataset.labels.time-zone = null");
    lines.add("dataset.labels.null-rows = null");
    lines.add("dataset.labels.maturity = null");
    assertThat(read(lines)).isEqualTo(read(REQUIRED));
  }
}
