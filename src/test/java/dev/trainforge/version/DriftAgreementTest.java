package dev.trainforge.version;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.ConfigLoader;
import dev.trainforge.config.DatasetSpec;
import dev.trainforge.report.CheckResult;
import dev.trainforge.report.Drift;
import dev.trainforge.report.Numbers;
import dev.trainforge.report.Profile;
import dev.trainforge.report.ValidationReport;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.validate.Profiler;
import dev.trainforge.validate.Validator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The gate, report.json and diff measure drift with one computation ({@link Drift}): the same two
 * profiles give the same numbers on every path, and unchanged data gives none, however the rows
 * were partitioned. Profiles come from the real profiler on Spark, with sketches large enough to be
 * in estimation mode (their items are sampled, so two sketches of the same rows differ).
 */
class DriftAgreementTest {
  private static final int ROWS = 20_000;

  @TempDir Path dir;
  private SparkSession spark;
  private DatasetSpec spec;

  @BeforeEach
  void setUp() throws Exception {
    spark = SharedSpark.session();
    Path file = dir.resolve("drift.conf");
    Files.createDirectories(dir.resolve("labels"));
    Files.createDirectories(dir.resolve("features"));
    Files.writeString(
        file,
        DatasetFiles.oneSource(
            "drift",
            dir,
            "drift",
            "1",
            dir.resolve("labels"),
            dir.resolve("features"),
            "[v, channel]"));
    spec = ConfigLoader.load(file, List.of()).dataset();
  }

  /**
   * Output rows as the join writes them: {@code f__v} a skewed number (scaled by {@code scale}),
   * {@code f__channel} one of three channels ({@code appShare} of them 'app'), some nulls.
   */
  private Dataset<Row> rows(double scale, double appShare) {
    return spark
        .sql(
            "SELECT concat('l', id) AS id, TIMESTAMP'2026-01-02 00:00:00' + make_interval(0, 0, 0,"
                + " 0, 0, 0, id) AS ts, id % 97 AS user, CAST(id % 2 AS INT) AS label,"
                + " CASE WHEN id % 50 = 0 THEN NULL ELSE pow(CAST(pmod(hash(id), 1000) AS DOUBLE),"
                + " 2) / 100 * "
                + scale
                + " END AS f__v, CASE WHEN id % 40 = 0 THEN NULL WHEN pmod(hash(id, 7), 1000) < "
                + Math.round(appShare * 1000)
                + " THEN 'app' WHEN id % 3 = 0 THEN 'pos' ELSE 'web' END AS f__channel,"
                + " TIMESTAMP'2026-01-01 00:00:00' AS f__event_time, 'MATCHED' AS f__status, false"
                + " AS f__hash_tie FROM range("
                + ROWS
                + ")")
        .localCheckpoint();
  }

  private Profiler.Measured profile(Dataset<Row> rows, Profile baseline) {
    return new Profiler(spec, baseline).profile(rows);
  }

  /** The profile as diff reads it: from report.json. */
  private static Profile stored(Profiler.Measured m, Validator.Outcome o) {
    return ValidationReport.fromJson(json(m, o)).profile();
  }

  private static String json(Profiler.Measured m, Validator.Outcome o) {
    ValidationReport report =
        new ValidationReport(
            ValidationReport.FORMAT,
            "drift",
            "1",
            "t",
            "audit",
            1L,
            "2026-01-01T00:00:00Z",
            ValidationReport.Baseline.NONE,
            o.verdict(),
            o.checks(),
            m.profile(),
            o.numeric(),
            o.categorical(),
            null);
    return report.toJson();
  }

  private static VersionInfo version(String tag, long rows) {
    return new VersionInfo(
        tag, 1L, Instant.parse("2026-01-05T10:11:12Z"), false, Map.of("total-records", "" + rows));
  }

  private static VersionDiff diff(Profile from, Profile to) {
    return VersionDiff.of(
        "t",
        version("v1", from.rows()),
        new org.apache.spark.sql.types.StructType(),
        from,
        version("v2", to.rows()),
        new org.apache.spark.sql.types.StructType(),
        to);
  }

  private static String line(VersionDiff d, String column, String statistic) {
    return d.stats().stream()
        .filter(l -> l.subject().equals(column) && l.statistic().equals(statistic))
        .map(VersionDiff.StatLine::to)
        .findFirst()
        .orElseThrow(() -> new AssertionError("no " + statistic + " of " + column));
  }

  private static CheckResult check(Validator.Outcome o, String check, String subject) {
    return o.checks().stream()
        .filter(c -> c.check().equals(check) && c.subject().equals(subject))
        .findFirst()
        .orElseThrow(() -> new AssertionError("no check " + check + " on " + subject));
  }

  private Validator.Outcome gate(Profiler.Measured m, Profile baseline) {
    return new Validator(spec).validate(m, m.profile().rows(), 0, baseline);
  }

  @Test
  void theGateReportAndDiffGiveTheSameDriftForTheSamePairOfProfiles() {
    Profiler.Measured m1 = profile(rows(1.0, 0.10), null);
    Profile v1 = stored(m1, gate(m1, null));
    // v2 drifts: larger values, more 'app'.
    Profiler.Measured m2 = profile(rows(1.15, 0.25), v1);
    Validator.Outcome gate = gate(m2, v1);
    Profile v2 = stored(m2, gate);

    Drift.Numeric numeric = Drift.numeric(v1.column("f__v"), v2.column("f__v"));
    assertThat(numeric.exact()).isTrue();
    assertThat(numeric.psi()).isGreaterThan(0.01);
    // The gate's checks and its report.json entries...
    assertThat(check(gate, "psi", "f__v").value()).isEqualTo(numeric.psi());
    assertThat(check(gate, "ks", "f__v").value()).isEqualTo(numeric.ksEffect());
    ValidationReport.NumericDrift reported =
        gate.numeric().stream().filter(n -> n.column().equals("f__v")).findFirst().get();
    assertThat(reported.psi()).isEqualTo(numeric.psi());
    assertThat(reported.ks()).isEqualTo(numeric.ks());
    assertThat(reported.currentShares()).containsExactly(box(numeric.currentShares()));
    Drift.Category category = Drift.categorical(v1.column("f__channel"), v2.column("f__channel"));
    assertThat(category.psi()).isGreaterThan(0.01);
    assertThat(check(gate, "category-psi", "f__channel").value()).isEqualTo(category.psi());
    // ... and diff, from the two profiles read back from report.json, print the same numbers.
    VersionDiff d = diff(v1, v2);
    assertThat(line(d, "f__v", "psi")).isEqualTo(Numbers.stat(numeric.psi()));
    assertThat(line(d, "f__v", "ks")).isEqualTo(Numbers.stat(numeric.ks()));
    assertThat(line(d, "f__v", "ks-effect")).isEqualTo(Numbers.stat(numeric.ksEffect()));
    assertThat(line(d, "f__channel", "psi")).isEqualTo(Numbers.stat(category.psi()));
    // Recomputed from the stored profiles, the drift is the gate's to the last bit.
    Drift.Numeric again = Drift.numeric(v1.column("f__v"), v2.column("f__v"));
    assertThat(again.psi()).isEqualTo(check(gate, "psi", "f__v").value());
  }

  @Test
  void theSameRowsProfiledTwiceInAnotherPartitioningHaveNoDrift() {
    Dataset<Row> rows = rows(1.0, 0.10);
    Profiler.Measured m1 = profile(rows.repartition(1), null);
    Profile v1 = stored(m1, gate(m1, null));
    Profiler.Measured m2 = profile(rows.repartition(7), v1);
    Validator.Outcome gate = gate(m2, v1);
    Profile v2 = stored(m2, gate);
    // The sketches of the same rows differ (KLL samples, in merge order)...
    assertThat(v2.column("f__v").sketch()).isNotEqualTo(v1.column("f__v").sketch());

    // ... but the drift is computed from exact counts: none.
    assertThat(check(gate, "psi", "f__v").value()).isEqualTo(0.0);
    assertThat(check(gate, "ks", "f__v").value()).isEqualTo(0.0);
    assertThat(check(gate, "category-psi", "f__channel").value()).isEqualTo(0.0);
    VersionDiff d = diff(v1, v2);
    assertThat(line(d, "f__v", "psi")).isEqualTo("0");
    assertThat(line(d, "f__v", "ks-effect")).isEqualTo("0");
    assertThat(line(d, "f__channel", "psi")).isEqualTo("0");
    // The two sketches are not the same: their medians may differ, but within the sketches'
    // rank error, which is not reported as a change.
    for (String q : List.of("p01", "p05", "p25", "p50", "p75", "p95", "p99")) {
      assertThat(line(d, "f__v", q)).as(q).isEqualTo("=");
    }
  }

  @Test
  void anIdenticalProfileHasNoDrift() {
    Profiler.Measured m1 = profile(rows(1.0, 0.10), null);
    Profile v1 = stored(m1, gate(m1, null));
    Drift.Numeric numeric = Drift.numeric(v1.column("f__v"), v1.column("f__v"));
    assertThat(numeric.psi()).isEqualTo(0.0);
    assertThat(numeric.ks()).isEqualTo(0.0);
    assertThat(numeric.ksEffect()).isEqualTo(0.0);
    assertThat(Drift.categorical(v1.column("f__channel"), v1.column("f__channel")).psi())
        .isEqualTo(0.0);
    assertThat(Drift.quantiles(v1.column("f__v"), v1.column("f__v")))
        .noneMatch(Drift.Quantile::changed);
    VersionDiff d = diff(v1, v1);
    assertThat(line(d, "f__v", "psi")).isEqualTo("0");
    assertThat(line(d, "f__v", "ks")).isEqualTo("0");
    assertThat(line(d, "f__v", "p50")).isEqualTo("=");
    assertThat(line(d, "f__channel", "psi")).isEqualTo("0");
  }

  @Test
  void quantilesAreListedInRankOrder() {
    Profiler.Measured m1 = profile(rows(1.0, 0.10), null);
    Validator.Outcome o = gate(m1, null);
    String json = json(m1, o);
    int at = -1;
    for (String q : List.of("p01", "p05", "p25", "p50", "p75", "p95", "p99")) {
      int next = json.indexOf("\"" + q + "\"", at + 1);
      assertThat(next).as("%s in report.json after the quantile before it", q).isGreaterThan(at);
      at = next;
    }
    Profile v1 = stored(m1, o);
    assertThat(v1.column("f__v").quantiles().keySet())
        .containsExactly("p01", "p05", "p25", "p50", "p75", "p95", "p99");
    assertThat(
            diff(v1, v1).stats().stream()
                .filter(l -> l.subject().equals("f__v"))
                .map(VersionDiff.StatLine::statistic))
        .containsSubsequence("min", "p01", "p05", "p25", "p50", "p75", "p95", "p99", "max");
  }

  private static Double[] box(double[] xs) {
    return java.util.Arrays.stream(xs).boxed().toArray(Double[]::new);
  }
}
