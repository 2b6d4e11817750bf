package dev.trainforge.synth;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.floor;
import static org.apache.spark.sql.functions.format_string;
import static org.apache.spark.sql.functions.lit;
import static org.apache.spark.sql.functions.pow;
import static org.apache.spark.sql.functions.round;
import static org.apache.spark.sql.functions.shiftrightunsigned;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.to_date;
import static org.apache.spark.sql.functions.when;
import static org.apache.spark.sql.functions.xxhash64;

import java.time.Instant;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;

/**
 * Seeded card-payment data: transactions as labels, and three feature logs, with the hard cases on
 * purpose. Every value is a function of the seed and the row number (a hash, not a random stream),
 * so the rows are the same whatever the partitioning, at any scale.
 *
 * <ul>
 *   <li>{@code transactions/} (Parquet, labels): one user (id 1) makes 5% of all transactions;
 *       activity is skewed; 0.1% have a null user or merchant.
 *   <li>{@code user_features/} (Parquet by {@code event_date}): daily user aggregates with a
 *       computation time; 5% arrive 1 to 3 days late; user 1 gets hourly rows; the top tenth of
 *       user ids has no history at all; 1% of rows are conflicting duplicates (same times, other
 *       values), so the content hash decides.
 *   <li>{@code merchant_risk/} (Delta by {@code event_date}): daily merchant scores; 10% are
 *       corrected by a second row at the same time with a higher sequence number; 2% conflict at
 *       equal time and sequence.
 *   <li>{@code user_auth_events/} (Parquet by {@code event_date}): login events; 3% happen at
 *       exactly a transaction's time (for sources that exclude exact matches).
 * </ul>
 */
public final class CardPayments {
  /** Sizes and seed. */
  public record Shape(long seed, long transactions, long users, long merchants, int days) {
    public Shape {
      if (transactions < 1 || users < 10 || merchants < 1 || days < 1) {
        throw new IllegalArgumentException(
            "need transactions >= 1, users >= 10, merchants >= 1, days >= 1: " + this);
      }
    }

    /** Users 1..this have feature history; the rest have none. */
    long usersWithHistory() {
      return users - users / 10;
    }
  }

  static final long START_MICROS =
      Instant.parse("2026-01-01T00:00:00Z").getEpochSecond() * 1_000_000L;
  static final long DAY = 86_400_000_000L;
  static final long HOUR = 3_600_000_000L;

  private final SparkSession spark;
  private final Shape shape;

  public CardPayments(SparkSession spark, Shape shape) {
    this.spark = spark;
    this.shape = shape;
  }

  /** Writes all four tables under {@code dir}, {@code files} files per partition. */
  public void writeAll(String dir, int files) {
    transactions().repartition(files).write().mode("overwrite").parquet(dir + "/transactions");
    partitioned(userFeatures(), files)
        .write()
        .mode("overwrite")
        .partitionBy("event_date")
        .parquet(dir + "/user_features");
    partitioned(merchantRisk(), files)
        .write()
        .format("delta")
        .mode("overwrite")
        .partitionBy("event_date")
        .save(dir + "/merchant_risk");
    partitioned(authEvents(), files)
        .write()
        .mode("overwrite")
        .partitionBy("event_date")
        .parquet(dir + "/user_auth_events");
  }

  /**
   * Writes the raw card transaction log under {@code dir/card_transactions}, partitioned by the
   * date of the transaction, {@code files} files per partition.
   */
  public void writeCardLog(String dir, int files) {
    partitioned(cardLog(), files)
        .write()
        .mode("overwrite")
        .partitionBy("event_date")
        .parquet(dir + "/card_transactions");
  }

  /**
   * The raw log of card transactions, from which windowed features are computed: every labelled
   * transaction with a user, and four times as many unlabelled ones of the same users and
   * merchants. A transaction is posted to the log (available) seconds to minutes after it happened,
   * now and then hours later.
   */
  public Dataset<Row> cardLog() {
    Dataset<Row> labelled =
        transactions()
            .filter(col("user_id").isNotNull())
            .select(
                col("transaction_id"),
                col("user_id"),
                col("merchant_id"),
                col("amount"),
                col("txn_time"));
    Column merchant =
        format_string(
            "m%05d",
            lit(1L)
                .plus(floor(lit((double) shape.merchants()).multiply(pow(u(42), 1.5))))
                .cast("long"));
    Dataset<Row> unlabelled =
        spark
            .range(4 * shape.transactions())
            .select(
                format_string("u%09d", col("id")).as("transaction_id"),
                userOf(u(40), u(41)).as("user_id"),
                merchant.as("merchant_id"),
                round(lit(5.0).plus(pow(u(43), 3.0).multiply(900.0)), 2).as("amount"),
                timestamp_micros(
                        lit(START_MICROS)
                            .plus(floor(u(44).multiply((double) shape.days() * DAY)).cast("long")))
                    .as("txn_time"));
    Dataset<Row> all = labelled.union(unlabelled).withColumn("id", xxhash64(col("transaction_id")));
    // seconds to fifteen minutes; one in fifty is posted up to six hours late
    Column delaySeconds =
        when(u(45).lt(0.02), floor(u(46).multiply(6 * 3600.0)))
            .otherwise(lit(1.0).plus(floor(pow(u(46), 2.0).multiply(900.0))));
    return all.select(
        col("transaction_id"),
        col("user_id"),
        col("merchant_id"),
        col("amount"),
        col("txn_time"),
        timestamp_micros(
                org.apache
                    .spark
                    .sql
                    .functions
                    .unix_micros(col("txn_time"))
                    .plus(delaySeconds.cast("long").multiply(1_000_000L)))
            .as("posted_at"),
        to_date(col("txn_time")).as("event_date"));
  }

  private static Dataset<Row> partitioned(Dataset<Row> rows, int files) {
    return rows.repartition(files, col("event_date")).sortWithinPartitions("event_date");
  }

  /** A uniform number in [0, 1) from the seed, the row's id column and a salt. */
  private Column u(Column id, int salt) {
    return shiftrightunsigned(xxhash64(id, lit(shape.seed()), lit(salt)), 11)
        .cast(DataTypes.DoubleType)
        .divide(lit(9007199254740992.0));
  }

  private Column u(int salt) {
    return u(col("id"), salt);
  }

  private Column userOf(Column uHot, Column uUser) {
    // 5% to the very active user 1; the rest skewed towards low ids
    return when(uHot.lt(0.05), lit(1L))
        .otherwise(lit(1L).plus(floor(lit((double) shape.users()).multiply(pow(uUser, 2.0)))))
        .cast(DataTypes.LongType);
  }

  /** Transactions: the label table. */
  public Dataset<Row> transactions() {
    Column userId = when(u(2).lt(0.001), lit(null)).otherwise(userOf(u(0), u(1)));
    Column merchant =
        format_string(
            "m%05d",
            lit(1L)
                .plus(floor(lit((double) shape.merchants()).multiply(pow(u(3), 1.5))))
                .cast("long"));
    Column time =
        timestamp_micros(
            lit(START_MICROS).plus(floor(u(4).multiply((double) shape.days() * DAY)).cast("long")));
    return spark
        .range(shape.transactions())
        .select(
            format_string("t%09d", col("id")).as("transaction_id"),
            userId.cast(DataTypes.LongType).as("user_id"),
            when(u(5).lt(0.001), lit(null)).otherwise(merchant).as("merchant_id"),
            time.as("txn_time"),
            round(lit(5.0).plus(pow(u(6), 3.0).multiply(900.0)), 2).as("amount"),
            u(7).lt(0.02).as("is_fraud"));
  }

  /** Daily user aggregates, late-arriving sometimes, hourly for the very active user. */
  public Dataset<Row> userFeatures() {
    long n = shape.usersWithHistory() * shape.days();
    Dataset<Row> daily =
        spark
            .range(n)
            .filter(u(10).lt(0.6))
            .select(
                col("id"),
                col("id").divide(shape.days()).cast("long").plus(1L).as("user_id"),
                col("id")
                    .mod(shape.days())
                    .multiply(DAY)
                    .plus(floor(u(11).multiply(20.0 * HOUR)).cast("long"))
                    .as("e"));
    Dataset<Row> hot =
        spark
            .range(n, n + (long) shape.days() * 24)
            .select(col("id"), lit(1L).as("user_id"), col("id").minus(n).multiply(HOUR).as("e"));
    Dataset<Row> base = daily.union(hot);
    Column delay =
        when(u(12).lt(0.05), lit(DAY).plus(floor(u(13).multiply(2.0 * DAY)).cast("long")))
            .otherwise(floor(u(13).multiply(2.0 * HOUR)).cast("long"));
    Dataset<Row> rows =
        base.select(
            col("id"),
            col("user_id"),
            col("e").plus(START_MICROS).as("e"),
            col("e").plus(START_MICROS).plus(delay).as("a"),
            floor(u(14).multiply(40.0)).cast("int").as("txn_count_7d"),
            round(u(15).multiply(300.0), 2).as("avg_amount_30d"),
            col("e")
                .divide(DAY)
                .cast("int")
                .plus(col("user_id").mod(1000))
                .cast("int")
                .as("account_age_days"));
    // 1%: a conflicting duplicate at the same times with other values
    Dataset<Row> conflicts =
        rows.filter(u(16).lt(0.01))
            .select(
                col("id"),
                col("user_id"),
                col("e"),
                col("a"),
                col("txn_count_7d").plus(1).as("txn_count_7d"),
                col("avg_amount_30d"),
                col("account_age_days"));
    return rows.union(conflicts)
        .select(
            col("user_id"),
            timestamp_micros(col("e")).as("event_time"),
            timestamp_micros(col("a")).as("computed_at"),
            col("txn_count_7d"),
            col("avg_amount_30d"),
            col("account_age_days"),
            to_date(timestamp_micros(col("e"))).as("event_date"));
  }

  /** Daily merchant risk scores, with corrections (higher sequence) and conflicts. */
  public Dataset<Row> merchantRisk() {
    Dataset<Row> base =
        spark
            .range(shape.merchants() * shape.days())
            .select(
                col("id"),
                format_string("m%05d", col("id").divide(shape.days()).cast("long").plus(1L))
                    .as("merchant_id"),
                col("id").mod(shape.days()).cast("long").as("day"));
    Column e = lit(START_MICROS).plus(col("day").multiply(DAY)).plus(lit(6 * HOUR));
    Dataset<Row> rows =
        base.select(
            col("id"),
            col("merchant_id"),
            e.as("e"),
            col("day").multiply(10L).as("seq"),
            round(u(20), 4).as("risk_score"),
            round(u(21).multiply(0.05), 5).as("chargeback_rate_90d"));
    Dataset<Row> corrections =
        rows.filter(u(22).lt(0.10))
            .select(
                col("id"),
                col("merchant_id"),
                col("e"),
                col("seq").plus(1L).as("seq"),
                round(u(23), 4).as("risk_score"),
                col("chargeback_rate_90d"));
    Dataset<Row> conflicts =
        rows.filter(u(24).lt(0.02))
            .select(
                col("id"),
                col("merchant_id"),
                col("e"),
                col("seq"),
                round(u(25), 4).as("risk_score"),
                col("chargeback_rate_90d"));
    return rows.union(corrections)
        .union(conflicts)
        .select(
            col("merchant_id"),
            timestamp_micros(col("e")).as("event_time"),
            col("seq"),
            col("risk_score"),
            col("chargeback_rate_90d"),
            to_date(timestamp_micros(col("e"))).as("event_date"));
  }

  /** Login events, some at exactly a transaction's time. */
  public Dataset<Row> authEvents() {
    long n = shape.transactions() * 2;
    Dataset<Row> random =
        spark
            .range(n)
            .select(
                lit(1L)
                    .plus(floor(lit((double) shape.usersWithHistory()).multiply(pow(u(30), 2.0))))
                    .cast("long")
                    .as("user_id"),
                lit(START_MICROS)
                    .plus(floor(u(31).multiply((double) shape.days() * DAY)).cast("long"))
                    .as("e"),
                floor(pow(u(32), 4.0).multiply(10.0)).cast("int").as("failed_logins_1h"),
                u(33).lt(0.1).as("new_device"));
    Dataset<Row> atTransactions =
        transactions()
            .filter(col("user_id").isNotNull().and(col("user_id").leq(shape.usersWithHistory())))
            .withColumn("id", xxhash64(col("transaction_id")))
            .filter(u(34).lt(0.03))
            .select(
                col("user_id"),
                org.apache.spark.sql.functions.unix_micros(col("txn_time")).as("e"),
                floor(pow(u(35), 2.0).multiply(10.0)).cast("int").as("failed_logins_1h"),
                u(36).lt(0.5).as("new_device"));
    return random
        .union(atTransactions)
        .select(
            col("user_id"),
            timestamp_micros(col("e")).as("event_time"),
            col("failed_logins_1h"),
            col("new_device"),
            to_date(timestamp_micros(col("e"))).as("event_date"));
  }
}
