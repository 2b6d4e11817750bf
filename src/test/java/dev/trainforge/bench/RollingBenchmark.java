package dev.trainforge.bench;

import dev.trainforge.config.BuildConfig;
import dev.trainforge.config.ConfigLoader;
import dev.trainforge.pipeline.BuildResult;
import dev.trainforge.pipeline.DatasetBuild;
import dev.trainforge.testing.DatasetFiles;
import dev.trainforge.testing.SharedSpark;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.sql.SparkSession;

/**
 * Does a daily build of a rolling dataset cost the same whatever its retention? For each retention
 * (7, 30, 180 days by default) a table is seeded with one build of the days before the measured
 * ones; then three daily builds are timed, each computing one new day and keeping the others. All
 * tables read the same seeded label table and feature log (partitioned by day, max age 3 days, so
 * each daily build reads the same partitions). Prints the median daily build per retention and its
 * ratio to the shortest retention; checks that every daily version's checksum equals the sum of its
 * days. Run with {@code bench/rolling.sh}; see BENCHMARKS.md. With {@code --sparse-seed true} the
 * feature log starts 3 days before the first measured day, so the seed builds stay cheap at large
 * sizes; the measured builds read the same rows either way.
 */
public final class RollingBenchmark {
  private static final LocalDate FIRST = LocalDate.parse("2026-01-01");

  public static void main(String[] args) throws Exception {
    Map<String, String> opts = BenchOptions.parse(args);
    long labelsPerDay = Long.parseLong(opts.getOrDefault("labels-per-day", "10000"));
    int[] retentions =
        Arrays.stream(opts.getOrDefault("retentions", "7,30,180").split(","))
            .mapToInt(Integer::parseInt)
            .toArray();
    int measured = Integer.parseInt(opts.getOrDefault("days", "3"));
    Path root = Path.of(opts.getOrDefault("dir", "target/bench-rolling")).toAbsolutePath();
    int longest = Arrays.stream(retentions).max().orElseThrow();
    int days = longest + measured;

    SparkSession spark = SharedSpark.session();
    spark.sparkContext().setLogLevel("ERROR");
    String catalog = SharedSpark.freshCatalog(root.resolve("catalog")).catalog().name();
    // With --sparse-seed true, feature rows exist only from 3 days (the max age) before the first
    // measured day: the days that the measured daily builds read are as dense as ever, and the
    // seed builds, which only fill the retained days, need not join the whole feature log.
    boolean sparseSeed = Boolean.parseBoolean(opts.getOrDefault("sparse-seed", "false"));
    long featureDays = sparseSeed ? measured + 3 : days + 3;
    LocalDate featureStart = sparseSeed ? FIRST.plusDays(longest) : FIRST;
    long users = Math.max(1000, labelsPerDay / 2);
    spark
        .sql(
            String.format(
                Locale.ROOT,
                "SELECT CAST(id AS STRING) AS id, TIMESTAMP'%s 00:00:00' + make_interval(0, 0, 0,"
                    + " 0, 0, 0, CAST(id AS DOUBLE) * 86400 / %d) AS ts, pmod(hash(id), %d) AS user,"
                    + " CAST(id %% 2 AS INT) AS label FROM range(%d)",
                FIRST,
                labelsPerDay,
                users,
                labelsPerDay * days))
        .write()
        .mode("overwrite")
        .parquet(root.resolve("labels").toString());
    spark
        .sql(
            String.format(
                Locale.ROOT,
                "SELECT user, e, v, to_date(e) AS event_date FROM (SELECT pmod(hash(id, 1), %d) AS"
                    + " user, TIMESTAMP'%s 00:00:00' - INTERVAL 3 DAYS + make_interval(0, 0, 0, 0,"
                    + " 0, 0, CAST(id AS DOUBLE) * 86400 / %d) AS e, CAST(id AS DOUBLE) AS v FROM"
                    + " range(%d))",
                users,
                featureStart,
                labelsPerDay * 10,
                labelsPerDay * 10 * featureDays))
        .write()
        .mode("overwrite")
        .partitionBy("event_date")
        .parquet(root.resolve("features").toString());

    StringBuilder table = new StringBuilder();
    table.append(
        String.format(
            Locale.ROOT,
            "Daily build of one day (%,d labels, %,d feature rows a day%s) into a rolling"
                + " version%n%n",
            labelsPerDay,
            labelsPerDay * 10,
            sparseSeed ? ", from 3 days before the first measured day" : ""));
    table.append(
        "| retention | seed build s | daily builds s | median s | × shortest | checksum = sum of days |\n");
    table.append("|---:|---:|---|---:|---:|---|\n");
    Double shortest = null;
    for (int retention : retentions) {
      String name = "r" + retention;
      LocalDate firstMeasured = FIRST.plusDays(longest);
      LocalDate seedFrom = firstMeasured.minusDays(retention - 1);
      long t0 = System.nanoTime();
      build(spark, catalog, root, name, retention, "seed", seedFrom, firstMeasured);
      double seed = (System.nanoTime() - t0) / 1e9;
      List<Double> times = new ArrayList<>();
      boolean sums = true;
      for (int d = 0; d < measured; d++) {
        LocalDate day = firstMeasured.plusDays(d);
        long t = System.nanoTime();
        BuildResult r = build(spark, catalog, root, name, retention, "d" + d, day, day.plusDays(1));
        times.add((System.nanoTime() - t) / 1e9);
        sums &=
            r.days().isPresent()
                && r.days().get().checksum().equals(r.contentChecksum())
                && r.days().get().days().size() == retention;
      }
      List<Double> sorted = new ArrayList<>(times);
      sorted.sort(null);
      double median = sorted.get(sorted.size() / 2);
      if (shortest == null) {
        shortest = median;
      }
      table.append(
          String.format(
              Locale.ROOT,
              "| %d days | %.1f | %s | %.1f | %.2f | %s |%n",
              retention,
              seed,
              String.join(
                  ", ", times.stream().map(x -> String.format(Locale.ROOT, "%.1f", x)).toList()),
              median,
              median / shortest,
              sums ? "yes" : "NO"));
    }
    System.out.println(table);
    Files.writeString(root.resolve("results.md"), table.toString());
    spark.stop();
  }

  private static BuildResult build(
      SparkSession spark,
      String catalog,
      Path root,
      String table,
      int retention,
      String version,
      LocalDate from,
      LocalDate to)
      throws Exception {
    Path file = root.resolve(table + "-" + version + ".conf");
    Files.writeString(
        file,
        String.join(
            "\n",
            DatasetFiles.catalogLines(catalog, root.resolve("catalog")),
            "dataset {",
            "  name = rolling",
            "  version = \"" + version + "\"",
            "  retention = " + retention + "d",
            "  output.table = " + table,
            "  labels {",
            "    path = \"" + root.resolve("labels") + "\"",
            "    id-column = id, time-column = ts, key-columns = [user], label-columns = [label]",
            "    window.start = \"" + from + "T00:00:00Z\"",
            "    window.end = \"" + to + "T00:00:00Z\"",
            "  }",
            "  features.f {",
            "    path = \"" + root.resolve("features") + "\"",
            "    keys { user = user }, event-time-column = e, columns = [v]",
            "    max-age = 3d, partition-column = event_date",
            "  }",
            "  validation.baseline = none",
            "}"));
    BuildConfig config = ConfigLoader.load(file, List.of());
    return new DatasetBuild(spark, new PrintStream(new ByteArrayOutputStream())).run(config);
  }
}
