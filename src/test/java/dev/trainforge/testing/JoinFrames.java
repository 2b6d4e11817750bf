package dev.trainforge.testing;

import dev.trainforge.join.JoinColumns;
import dev.trainforge.join.JoinSource;
import java.util.List;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

/** Small join inputs built from {@code spark.range}, for tests of the join's plumbing. */
public final class JoinFrames {
  private JoinFrames() {}

  /**
   * Source {@code f} on key {@code user}: row {@code id} has the key {@code keyExpression}, event
   * and available time {@code id * microsPerRow} and the value {@code f__v = id}.
   */
  public static JoinSource valueSource(
      SparkSession spark, long rows, String keyExpression, long microsPerRow) {
    Dataset<Row> features =
        spark
            .range(rows)
            .selectExpr(
                keyExpression + " AS user",
                "id * " + microsPerRow + " AS " + JoinColumns.EVENT_TIME,
                "id * " + microsPerRow + " AS " + JoinColumns.AVAILABLE_TIME,
                "CAST(NULL AS BIGINT) AS " + JoinColumns.TIE_BREAK,
                "CAST(id AS INT) AS f__v");
    return new JoinSource("f", features, List.of("user"), List.of("f__v"), 0, -1, true, false);
  }
}
