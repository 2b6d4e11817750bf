package dev.trainforge.config;

import static java.util.Map.entry;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ReferenceKeys.Section;
import dev.trainforge.config.ValidationSpec.Check;
import dev.trainforge.config.ValidationSpec.ColumnRule;
import dev.trainforge.config.ValidationSpec.Limit;
import dev.trainforge.config.ValidationSpec.Severity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** dataset.validation: the defaults of reference.conf, and every key mapped to its field. */
class ValidationMappingTest {
  private static final List<String> LABELS =
      List.of(
          "dataset.labels.path = \"data/labels\"",
          "dataset.labels.id-column = id",
          "dataset.labels.time-column = ts",
          "dataset.labels.label-columns = [is_fraud, amount]");

  private static final String P = "dataset.validation.";

  /** Every key of the section, each check's limit changed from its default. */
  private static final List<String> EVERY_KEY =
      List.of(
          P + "report-dir = \"/tmp/reports\"",
          P + "baseline = v3",
          P + "label-column = amount",
          P + "top-k = 5",
          P + "audit-branch-retention = 2d",
          P + "expected-schema = { is_fraud = \"int not null\" }",
          P
              + "columns = { amount { min = 0, max = 100000, max-null-rate = 0.01 },"
              + " channel { domain = [web, pos] } }",
          P + "checks.schema-contract.severity = warn",
          P + "checks.schema-change.severity = fail",
          P + "checks.empty-dataset.severity = warn",
          P + "checks.row-conservation.severity = warn",
          P + "checks.unique-label-id.severity = warn",
          P + "checks.duplicate-key-time.severity = fail",
          P + "checks.null-label-time.severity = warn",
          P + "checks.null-label-key.severity = fail",
          P + "checks.immature-labels.severity = warn",
          P + "checks.null-label.severity = warn",
          P + "checks.leakage.severity = warn",
          P + "checks.hash-ties.severity = fail",
          P + "checks.unmatched-source.severity = warn",
          P + "checks.column-rules.severity = off",
          P + "checks.psi.warn = 0.2",
          P + "checks.psi.fail = 0.5",
          P + "checks.category-psi.warn = 0.3",
          P + "checks.category-psi.fail = 0.6",
          P + "checks.ks.warn = 0.05",
          P + "checks.ks.fail = 0.2",
          P + "checks.new-categories.severity = off",
          P + "checks.vanished-categories.severity = fail",
          P + "checks.match-rate-drop.warn = 0.1",
          P + "checks.match-rate-drop.fail = 0.2");

  private static ValidationSpec read(List<String> validation) {
    List<String> lines = new ArrayList<>(LABELS);
    lines.addAll(validation);
    return ReferenceKeys.read(lines, r -> ValidationReader.read(r, LabelsReader.read(r)));
  }

  private static Limit warnAbove(double warn) {
    return new Limit(Optional.of(warn), Optional.empty());
  }

  private static Limit limits(double warn, double fail) {
    return new Limit(Optional.of(warn), Optional.of(fail));
  }

  private static final Limit OFF = Limit.of(Severity.OFF);
  private static final Limit WARN = Limit.of(Severity.WARN);
  private static final Limit FAIL = Limit.of(Severity.FAIL);

  @Test
  void anEmptySectionGivesTheDefaults() {
    assertThat(read(List.of()))
        .isEqualTo(
            new ValidationSpec(
                Optional.empty(), // report-dir: beside the table
                "previous", // baseline
                Optional.of("is_fraud"), // label-column: the first label column
                20, // top-k
                Duration.ofDays(7), // audit-branch-retention
                Map.of(), // expected-schema
                List.of(), // columns
                Map.ofEntries(
                    entry(Check.SCHEMA_CONTRACT, FAIL),
                    entry(Check.SCHEMA_CHANGE, WARN),
                    entry(Check.EMPTY_DATASET, FAIL),
                    entry(Check.ROW_CONSERVATION, FAIL),
                    entry(Check.UNIQUE_LABEL_ID, FAIL),
                    entry(Check.DUPLICATE_KEY_TIME, WARN),
                    entry(Check.NULL_LABEL_TIME, FAIL),
                    entry(Check.NULL_LABEL_KEY, WARN),
                    entry(Check.IMMATURE_LABELS, OFF),
                    entry(Check.NULL_LABEL, FAIL),
                    entry(Check.LEAKAGE, FAIL),
                    entry(Check.HASH_TIES, WARN),
                    entry(Check.UNMATCHED_SOURCE, FAIL),
                    entry(Check.COLUMN_RULES, FAIL),
                    entry(Check.PSI, limits(0.1, 0.25)),
                    entry(Check.CATEGORY_PSI, limits(0.1, 0.25)),
                    entry(Check.KS, warnAbove(0.1)),
                    entry(Check.NEW_CATEGORIES, WARN),
                    entry(Check.VANISHED_CATEGORIES, WARN),
                    entry(Check.MATCH_RATE_DROP, warnAbove(0.05)))));
  }

  @Test
  void everyKeyMapsToItsField() {
    assertThat(read(EVERY_KEY))
        .isEqualTo(
            new ValidationSpec(
                Optional.of("/tmp/reports"),
                "v3",
                Optional.of("amount"),
                5,
                Duration.ofDays(2),
                Map.of("is_fraud", "int not null"),
                List.of(
                    new ColumnRule(
                        "amount",
                        Optional.of(0.0),
                        Optional.of(100000.0),
                        Optional.of(0.01),
                        List.of()),
                    new ColumnRule(
                        "channel",
                        Optional.empty(),
                        Optional.empty(),
                        Optional.empty(),
                        List.of("web", "pos"))),
                Map.ofEntries(
                    entry(Check.SCHEMA_CONTRACT, WARN),
                    entry(Check.SCHEMA_CHANGE, FAIL),
                    entry(Check.EMPTY_DATASET, WARN),
                    entry(Check.ROW_CONSERVATION, WARN),
                    entry(Check.UNIQUE_LABEL_ID, WARN),
                    entry(Check.DUPLICATE_KEY_TIME, FAIL),
                    entry(Check.NULL_LABEL_TIME, WARN),
                    entry(Check.NULL_LABEL_KEY, FAIL),
                    entry(Check.IMMATURE_LABELS, WARN),
                    entry(Check.NULL_LABEL, WARN),
                    entry(Check.LEAKAGE, WARN),
                    entry(Check.HASH_TIES, FAIL),
                    entry(Check.UNMATCHED_SOURCE, WARN),
                    entry(Check.COLUMN_RULES, OFF),
                    entry(Check.PSI, limits(0.2, 0.5)),
                    entry(Check.CATEGORY_PSI, limits(0.3, 0.6)),
                    entry(Check.KS, limits(0.05, 0.2)),
                    entry(Check.NEW_CATEGORIES, OFF),
                    entry(Check.VANISHED_CATEGORIES, FAIL),
                    entry(Check.MATCH_RATE_DROP, limits(0.1, 0.2)))));
  }

  @Test
  void theMappingTestSetsEveryKeyOfTheSection() {
    assertThat(ReferenceKeys.keysSet("dataset.validation", EVERY_KEY))
        .isEqualTo(Section.VALIDATION.keys());
  }

  @Test
  void aSeverityOrThresholdSetToNullIsOffAndTheOtherKeysTakeTheirDefaults() {
    ValidationSpec spec =
        read(
            List.of(
                P + "baseline = null",
                P + "top-k = null",
                P + "audit-branch-retention = null",
                P + "checks.leakage.severity = null",
                P + "checks.psi.fail = null"));
    assertThat(spec.baseline()).isEqualTo("previous");
    assertThat(spec.topK()).isEqualTo(20);
    assertThat(spec.auditBranchRetention()).isEqualTo(Duration.ofDays(7));
    assertThat(spec.limit(Check.LEAKAGE)).isEqualTo(OFF);
    assertThat(spec.limit(Check.PSI)).isEqualTo(warnAbove(0.1));
  }
}
