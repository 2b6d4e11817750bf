package dev.trainforge.join;

import static org.apache.spark.sql.functions.col;
import static org.apache.spark.sql.functions.timestamp_micros;
import static org.apache.spark.sql.functions.unix_micros;
import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The join against DuckDB's ASOF LEFT JOIN, on data where the two agree on meaning: no ties in
 * event time within a key (DuckDB picks any of them), the available time equal to the event time,
 * no max age. Serving lag and excluded exact matches map to the join condition.
 */
class DuckDbAsOfTest {
  private static final long SECOND = 1_000_000L;

  record Label(String id, Long key, Long t) {}

  record Feature(Long key, long e, int value) {}

  @ParameterizedTest(name = "lag {0}s, exact matches allowed: {1}")
  @CsvSource({"0, true", "0, false", "2, true", "3, false"})
  void agreesWithDuckDbAsOfJoin(int lagSeconds, boolean exactMatches) throws Exception {
    Random r = new Random(lagSeconds * 31L + (exactMatches ? 1 : 0));
    List<Label> labels = new ArrayList<>();
    List<Feature> features = new ArrayList<>();
    for (int c = 0; c < 1500; c++) {
      long key = c;
      List<Integer> seconds = new ArrayList<>();
      for (int s = 0; s < 30; s++) {
        seconds.add(s);
      }
      java.util.Collections.shuffle(seconds, r);
      int n = r.nextInt(6);
      for (int i = 0; i < n; i++) {
        features.add(new Feature(key, seconds.get(i) * SECOND, r.nextInt(1000)));
      }
      int m = r.nextInt(5);
      for (int i = 0; i < m; i++) {
        Long labelKey = r.nextInt(15) == 0 ? null : key;
        Long t = r.nextInt(20) == 0 ? null : r.nextInt(32) * SECOND;
        labels.add(new Label("c" + c + "-" + i, labelKey, t));
      }
    }

    Map<String, String> ours = ours(labels, features, lagSeconds * SECOND, exactMatches);
    Map<String, String> duck = duckDb(labels, features, lagSeconds * SECOND, exactMatches);

    assertThat(ours).hasSize(labels.size());
    assertThat(ours).isEqualTo(duck);
    long matched = ours.values().stream().filter(v -> !v.equals("none")).count();
    assertThat(matched).isBetween(labels.size() / 4L, labels.size() - 50L);
  }

  private static Map<String, String> ours(
      List<Label> labels, List<Feature> features, long lag, boolean exactMatches) {
    SparkSession spark = SharedSpark.session();
    List<Row> labelRows = new ArrayList<>();
    for (Label l : labels) {
      labelRows.add(RowFactory.create(l.id(), l.key(), l.t()));
    }
    Dataset<Row> labelFrame =
        spark
            .createDataFrame(
                labelRows,
                new StructType()
                    .add("id", DataTypes.StringType)
                    .add("k", DataTypes.LongType)
                    .add(JoinColumns.LABEL_TIME, DataTypes.LongType))
            .withColumn("t", timestamp_micros(col(JoinColumns.LABEL_TIME)));
    List<Row> featureRows = new ArrayList<>();
    for (Feature f : features) {
      featureRows.add(RowFactory.create(f.key(), f.e(), f.e(), null, f.value()));
    }
    Dataset<Row> featureFrame =
        spark.createDataFrame(
            featureRows,
            new StructType()
                .add("k", DataTypes.LongType)
                .add(JoinColumns.EVENT_TIME, DataTypes.LongType)
                .add(JoinColumns.AVAILABLE_TIME, DataTypes.LongType)
                .add(JoinColumns.TIE_BREAK, DataTypes.LongType)
                .add("f__value", DataTypes.IntegerType));
    JoinSource source =
        new JoinSource(
            "f", featureFrame, List.of("k"), List.of("f__value"), lag, -1, exactMatches, false);
    Dataset<Row> out = new AsOfJoin(new KeyHashPartitioning(), 3).join(labelFrame, List.of(source));
    Map<String, String> result = new HashMap<>();
    for (Row row :
        out.select(col("id"), unix_micros(col("f__event_time")), col("f__value")).collectAsList()) {
      result.put(row.getString(0), row.isNullAt(1) ? "none" : row.getLong(1) + "/" + row.getInt(2));
    }
    return result;
  }

  private static Map<String, String> duckDb(
      List<Label> labels, List<Feature> features, long lag, boolean exactMatches) throws Exception {
    try (Connection db = DriverManager.getConnection("jdbc:duckdb:");
        Statement st = db.createStatement()) {
      st.execute("CREATE TABLE labels (id VARCHAR, k BIGINT, as_of BIGINT)");
      st.execute("CREATE TABLE features (k BIGINT, e BIGINT, v INTEGER)");
      try (PreparedStatement ins = db.prepareStatement("INSERT INTO labels VALUES (?, ?, ?)")) {
        for (Label l : labels) {
          ins.setString(1, l.id());
          setLong(ins, 2, l.key());
          setLong(ins, 3, l.t() == null ? null : l.t() - lag);
          ins.addBatch();
        }
        ins.executeBatch();
      }
      try (PreparedStatement ins = db.prepareStatement("INSERT INTO features VALUES (?, ?, ?)")) {
        for (Feature f : features) {
          ins.setLong(1, f.key());
          ins.setLong(2, f.e());
          ins.setInt(3, f.value());
          ins.addBatch();
        }
        ins.executeBatch();
      }
      String op = exactMatches ? ">=" : ">";
      Map<String, String> result = new HashMap<>();
      try (ResultSet rs =
          st.executeQuery(
              "SELECT l.id, f.e, f.v FROM labels l ASOF LEFT JOIN features f"
                  + " ON l.k = f.k AND l.as_of "
                  + op
                  + " f.e")) {
        while (rs.next()) {
          Object e = rs.getObject(2);
          result.put(rs.getString(1), e == null ? "none" : e + "/" + rs.getObject(3));
        }
      }
      return result;
    }
  }

  private static void setLong(PreparedStatement ps, int i, Long v) throws Exception {
    if (v == null) {
      ps.setNull(i, Types.BIGINT);
    } else {
      ps.setLong(i, v);
    }
  }
}
