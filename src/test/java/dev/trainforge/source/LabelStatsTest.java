package dev.trainforge.source;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.LabelSpec;
import dev.trainforge.config.Maturity;
import dev.trainforge.config.NullRows;
import dev.trainforge.config.SourceFormat;
import dev.trainforge.config.SourceLocation;
import dev.trainforge.config.TimeParsing;
import dev.trainforge.testing.SharedSpark;
import dev.trainforge.testing.SparkJobs;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The label scan's counts and time range come from the Parquet footers' statistics, without a Spark
 * job, exactly when those say it all; otherwise from a scan. Either way they are the scan's.
 */
class LabelStatsTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
  private static final StructType SCHEMA =
      new StructType()
          .add("id", DataTypes.LongType)
          .add("t", DataTypes.TimestampType)
          .add("k1", DataTypes.LongType)
          .add("k2", DataTypes.StringType)
          .add("y", DataTypes.IntegerType);

  private static SparkSession spark;
  private static Path dir;

  @BeforeAll
  static void setUp() {
    spark = SharedSpark.session();
    dir = SharedSpark.tempDir("trainforge-label-stats");
  }

  @Test
  void plainTimestampLabelsAreCountedFromTheFootersWithoutAJob() {
    String path = dir.resolve("plain").toString();
    List<Row> rows = new ArrayList<>();
    rows.add(row(1, START.plusSeconds(10), 7L, "a"));
    rows.add(row(2, START.plusSeconds(5), 8L, "b"));
    rows.add(row(3, null, 9L, "c"));
    rows.add(row(4, START.plusSeconds(86_400), 7L, "a"));
    write(path, List.of(rows.subList(0, 2), rows.subList(2, 4)), "TIMESTAMP_MICROS");
    LabelInput labels = open(path, spec(List.of("k1"), Optional.empty(), NullRows.KEEP));

    LabelInput.Stats stats = withJobs(labels::stats, true);

    assertThat(stats)
        .isEqualTo(
            new LabelInput.Stats(
                4,
                1,
                0,
                0,
                0,
                0,
                0,
                Optional.of(micros(START.plusSeconds(5))),
                Optional.of(micros(START.plusSeconds(86_400)))));
  }

  @Test
  void aLabelWindowInsideTheLabelsTimesIsScanned() {
    String path = dir.resolve("windowed").toString();
    write(
        path,
        List.of(
            List.of(
                row(1, START, 1L, "a"),
                row(2, START.plusSeconds(3_600), 1L, "a"),
                row(3, START.plusSeconds(7_200), 2L, "b"))),
        "TIMESTAMP_MICROS");
    LabelSpec spec =
        withWindow(
            spec(List.of("k1"), Optional.empty(), NullRows.KEEP),
            START.plusSeconds(1),
            START.plusSeconds(7_200));
    LabelInput labels = open(path, spec);

    LabelInput.Stats stats = withJobs(labels::stats, false);

    assertThat(stats.rows()).isEqualTo(1);
    assertThat(stats.minTimeMicros()).contains(micros(START.plusSeconds(3_600)));
    assertThat(stats.maxTimeMicros()).contains(micros(START.plusSeconds(3_600)));
  }

  /**
   * Random label tables (files, nulls in the time and the keys, timestamps in micro- or
   * milliseconds or INT96) under random specs (windows, maturity, null rows kept or dropped): the
   * stats always equal a scan's, and come without a job exactly when the footers say it all.
   */
  @Test
  void theStatsEqualAScansAndSkipItExactlyWhenTheFootersSayItAll() {
    Random random = new Random(20261203L);
    int withoutJob = 0;
    int cases = 24;
    for (int c = 0; c < cases; c++) {
      String path = dir.resolve("random-" + c).toString();
      String timestamps =
          List.of("TIMESTAMP_MICROS", "TIMESTAMP_MILLIS", "INT96").get(random.nextInt(3));
      boolean timeNulls = random.nextInt(3) == 0;
      int keysWithNulls = random.nextInt(4) == 0 ? random.nextInt(3) : 0;
      List<List<Row>> files = new ArrayList<>();
      long id = 0;
      long minT = Long.MAX_VALUE;
      long maxT = Long.MIN_VALUE;
      boolean[] nulls = new boolean[3]; // in t, k1, k2
      for (int f = 1 + random.nextInt(3); f > 0; f--) {
        List<Row> file = new ArrayList<>();
        for (int r = random.nextInt(40); r > 0; r--) {
          Instant t =
              timeNulls && random.nextInt(5) == 0
                  ? null
                  : START.plusMillis(random.nextInt(30 * 86_400) * 1_000L + random.nextInt(1_000));
          Long k1 = keysWithNulls >= 1 && random.nextInt(4) == 0 ? null : (long) random.nextInt(9);
          String k2 = keysWithNulls >= 2 && random.nextInt(4) == 0 ? null : "k" + random.nextInt(9);
          file.add(row(++id, t, k1, k2));
          nulls[0] |= t == null;
          nulls[1] |= k1 == null;
          nulls[2] |= k2 == null;
          if (t != null) {
            minT = Math.min(minT, micros(t));
            maxT = Math.max(maxT, micros(t));
          }
        }
        files.add(file);
      }
      write(path, files, timestamps);
      LabelSpec spec =
          spec(
              random.nextBoolean() ? List.of("k1") : List.of("k1", "k2"),
              random.nextInt(3) == 0
                  ? Optional.of(START.plus(Duration.ofDays(random.nextInt(40))))
                  : Optional.empty(),
              random.nextBoolean() ? NullRows.KEEP : NullRows.DROP);
      if (random.nextInt(3) == 0) {
        spec =
            withWindow(
                spec,
                START.plus(Duration.ofDays(random.nextInt(3) - 1)),
                START.plus(Duration.ofDays(15 + random.nextInt(30))));
      }
      LabelInput labels = open(path, spec);

      LabelInput.Stats scanned = labels.scan();
      SparkJobs.Counted<LabelInput.Stats> counted = SparkJobs.counting(spark, labels::stats);
      LabelInput.Stats stats = counted.result();
      boolean ranJob = counted.jobs() > 0;

      assertThat(stats).as("case %d", c).isEqualTo(scanned);
      assertThat(ranJob)
          .as("case %d ran a job", c)
          .isEqualTo(!footersSayItAll(spec, timestamps, minT, maxT, nulls));
      withoutJob += ranJob ? 0 : 1;

      List<String> keys = spec.keyColumns();
      // With a sample for the join: the same stats; where they take a scan, the scan's one job
      // samples the labels that go into the join too, and the sample stands for all of them.
      SparkJobs.Counted<LabelInput.Scanned> withSample =
          SparkJobs.counting(spark, () -> labels.statsAndSample(7, keys));
      assertThat(withSample.result().stats()).as("case %d", c).isEqualTo(scanned);
      assertThat(withSample.jobs()).as("case %d jobs", c).isEqualTo(ranJob ? 1 : 0);
      assertThat(withSample.result().sample().isPresent())
          .as("case %d sampled", c)
          .isEqualTo(ranJob);
      if (ranJob) {
        assertThat(withSample.result().sample().get().weight())
            .as("case %d labels the sample stands for", c)
            .isCloseTo(labels.joinInput().count(), org.assertj.core.data.Offset.offset(1e-6));
      }
    }
    // Both ways are taken.
    assertThat(withoutJob).isBetween(4, cases - 4);
  }

  /**
   * When the footers give the stats, from the spec and what was written: a UTC timestamp in micro-
   * or milliseconds, every timed label in the window and mature, and nulls in at most one of the
   * time and the keys.
   */
  private static boolean footersSayItAll(
      LabelSpec spec, String timestamps, long minT, long maxT, boolean[] nulls) {
    boolean timed = minT <= maxT;
    boolean inWindow =
        !timed
            || (spec.windowStart().map(s -> minT >= micros(s)).orElse(true)
                && spec.windowEnd().map(e -> maxT < micros(e)).orElse(true));
    boolean mature =
        !timed || spec.maturity().map(m -> maxT <= m.latestMatureMicros()).orElse(true);
    int withNulls = (nulls[0] ? 1 : 0) + (nulls[1] ? 1 : 0);
    if (spec.keyColumns().contains("k2") && nulls[2]) {
      withNulls++;
    }
    return !timestamps.equals("INT96") && inWindow && mature && withNulls <= 1;
  }

  private static Row row(long id, Instant t, Long k1, String k2) {
    return RowFactory.create(id, t == null ? null : Timestamp.from(t), k1, k2, (int) (id % 2));
  }

  private static void write(String path, List<List<Row>> files, String timestamps) {
    String before = spark.conf().get("spark.sql.parquet.outputTimestampType");
    spark.conf().set("spark.sql.parquet.outputTimestampType", timestamps);
    try {
      for (List<Row> file : files) {
        spark.createDataFrame(file, SCHEMA).coalesce(1).write().mode("append").parquet(path);
      }
    } finally {
      spark.conf().set("spark.sql.parquet.outputTimestampType", before);
    }
  }

  private static LabelSpec spec(
      List<String> keys, Optional<Instant> maturityCutOff, NullRows nullRows) {
    return new LabelSpec(
        new SourceLocation(SourceFormat.PARQUET, "unset"),
        "id",
        "t",
        TimeParsing.UTC,
        keys,
        List.of("y"),
        Optional.empty(),
        Optional.empty(),
        nullRows,
        maturityCutOff.map(
            cutOff ->
                new Maturity(Duration.ofDays(7), cutOff, Maturity.Action.FLAG, "label_mature")));
  }

  private static LabelSpec withWindow(LabelSpec s, Instant start, Instant end) {
    return new LabelSpec(
        s.source(),
        s.idColumn(),
        s.timeColumn(),
        s.timeParsing(),
        s.keyColumns(),
        s.labelColumns(),
        Optional.of(start),
        Optional.of(end),
        s.nullRows(),
        s.maturity());
  }

  private static LabelInput open(String path, LabelSpec s) {
    LabelSpec at =
        new LabelSpec(
            new SourceLocation(SourceFormat.PARQUET, path),
            s.idColumn(),
            s.timeColumn(),
            s.timeParsing(),
            s.keyColumns(),
            s.labelColumns(),
            s.windowStart(),
            s.windowEnd(),
            s.nullRows(),
            s.maturity());
    return LabelInput.open(new SourceReader(spark, "d"), at);
  }

  /** Runs {@code work} in a job group of its own, and checks whether a Spark job ran in it. */
  private static <T> T withJobs(java.util.function.Supplier<T> work, boolean none) {
    SparkJobs.Counted<T> counted = SparkJobs.counting(spark, work);
    assertThat(counted.jobs() == 0).as("no job ran").isEqualTo(none);
    return counted.result();
  }

  private static long micros(Instant i) {
    return LabelInput.micros(i);
  }
}
