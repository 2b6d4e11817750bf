package dev.trainforge.cli;

import dev.trainforge.spark.SparkSessions;
import dev.trainforge.synth.CardPayments;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code trainforge sample-data}: writes seeded card-payment data at any scale. */
@Command(
    name = "sample-data",
    mixinStandardHelpOptions = true,
    description = {
      "Writes seeded card-payment data: transactions as labels, user and merchant feature logs,",
      "and the raw card transaction log that windowed features are computed from.",
      "The same seed and sizes give the same rows. sample-data/ was written with the defaults."
    })
final class SampleDataCommand implements Callable<Integer> {
  @Option(names = "--out", required = true, paramLabel = "DIR", description = "Output directory.")
  String out;

  @Option(
      names = "--seed",
      defaultValue = "42",
      description = "Random seed (default ${DEFAULT-VALUE}).")
  long seed;

  @Option(
      names = "--transactions",
      defaultValue = "20000",
      description = "Label rows (default ${DEFAULT-VALUE}).")
  long transactions;

  @Option(
      names = "--users",
      defaultValue = "2000",
      description = "Users (default ${DEFAULT-VALUE}).")
  long users;

  @Option(
      names = "--merchants",
      defaultValue = "300",
      description = "Merchants (default ${DEFAULT-VALUE}).")
  long merchants;

  @Option(
      names = "--days",
      defaultValue = "60",
      description = "Days of history (default ${DEFAULT-VALUE}).")
  int days;

  @Option(
      names = "--files",
      defaultValue = "1",
      description = "Files per partition (default ${DEFAULT-VALUE}).")
  int files;

  @Override
  public Integer call() {
    SparkSession spark =
        SparkSessions.localBuilder(
                System.getProperty("spark.master", "local[*]"), "trainforge-sample-data")
            .config("spark.ui.enabled", "false")
            .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    CardPayments.Shape shape = new CardPayments.Shape(seed, transactions, users, merchants, days);
    CardPayments payments = new CardPayments(spark, shape);
    payments.writeAll(out, files);
    payments.writeCardLog(out, files);
    System.out.println("Wrote card-payment sample data to " + out + " (" + shape + ")");
    return 0;
  }
}
