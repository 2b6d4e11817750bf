package dev.trainforge.report;

import static java.util.Objects.requireNonNull;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import dev.trainforge.report.CheckResult.Outcome;
import dev.trainforge.spark.BuildCost;
import java.util.List;

/**
 * The gate's verdict on one build, with every check and every raw value: the content of report.json
 * (format {@value #FORMAT}, documented in docs/report.md).
 *
 * @param format the report format version
 * @param dataset the dataset name
 * @param version the dataset version
 * @param table the Iceberg table
 * @param branch the audit branch the checked snapshot is on
 * @param snapshotId the checked snapshot
 * @param createdAt when the report was made (ISO-8601)
 * @param baseline what drift was measured against
 * @param verdict FAIL if any check failed, else WARN if any warned, else PASS
 * @param checks every check, in a fixed order
 * @param profile this version's profile (also the next version's baseline)
 * @param numericDrift per numeric column: bins, shares, PSI and KS
 * @param categoryDrift per categorical column: categories, shares and PSI
 * @param cost what the build cost (per phase, per input, per key group), or null for a report
 *     written before costs were recorded
 */
@JsonInclude(JsonInclude.Include.ALWAYS)
public record ValidationReport(
    int format,
    String dataset,
    String version,
    String table,
    String branch,
    long snapshotId,
    String createdAt,
    Baseline baseline,
    Outcome verdict,
    List<CheckResult> checks,
    Profile profile,
    List<NumericDrift> numericDrift,
    List<CategoryDrift> categoryDrift,
    BuildCost cost) {
  public static final int FORMAT = 1;

  /** This report with what the build cost. */
  public ValidationReport withCost(BuildCost cost) {
    return new ValidationReport(
        format,
        dataset,
        version,
        table,
        branch,
        snapshotId,
        createdAt,
        baseline,
        verdict,
        checks,
        profile,
        numericDrift,
        categoryDrift,
        cost);
  }

  public ValidationReport {
    requireNonNull(dataset, "dataset is null");
    requireNonNull(baseline, "baseline is null");
    requireNonNull(verdict, "verdict is null");
    checks = List.copyOf(checks);
    requireNonNull(profile, "profile is null");
    numericDrift = List.copyOf(numericDrift);
    categoryDrift = List.copyOf(categoryDrift);
  }

  /**
   * The baseline of drift.
   *
   * @param kind "previous", "tag" or "none"
   * @param tag its tag, if any
   * @param snapshotId its snapshot, or null
   * @param report its report.json, or null
   */
  public record Baseline(String kind, String tag, Long snapshotId, String report) {
    public static final Baseline NONE = new Baseline("none", null, null, null);
  }

  /**
   * A numeric column against the baseline on the baseline's decile bins. Without a baseline, the
   * bins come from this version's own deciles and only {@code currentShares} is set.
   */
  public record NumericDrift(
      String column,
      List<String> bins,
      List<Double> baselineShares,
      List<Double> currentShares,
      List<Long> currentCounts,
      Double psi,
      Double ks,
      Double ksNoise,
      Double ksEffect) {}

  /** A categorical column against the baseline's top-k categories, other and null. */
  public record CategoryDrift(
      String column,
      List<String> categories,
      List<Double> baselineShares,
      List<Double> currentShares,
      Double psi,
      List<String> newCategories,
      List<String> vanishedCategories) {}

  public long count(Outcome outcome) {
    return checks.stream().filter(c -> c.outcome() == outcome).count();
  }

  /** The one line an orchestrator's log shows. */
  public String summaryLine(String location) {
    return String.format(
        "Validation %s for '%s' version %s: %d failed, %d warned, %d passed, %d skipped;"
            + " report %s",
        verdict,
        dataset,
        version,
        count(Outcome.FAIL),
        count(Outcome.WARN),
        count(Outcome.PASS),
        count(Outcome.SKIPPED),
        location);
  }

  public static ObjectMapper mapper() {
    return new ObjectMapper()
        .setPropertyNamingStrategy(PropertyNamingStrategies.KEBAB_CASE)
        .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);
  }

  public String toJson() {
    try {
      return mapper().writerWithDefaultPrettyPrinter().writeValueAsString(this);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("Cannot render the validation report as JSON", e);
    }
  }

  public static ValidationReport fromJson(String json) {
    try {
      return mapper().readValue(json, ValidationReport.class);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("Not a trainforge report.json: " + e.getMessage(), e);
    }
  }
}
