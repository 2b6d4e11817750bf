package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The catalog types a build can publish to, and the Spark settings each one becomes. */
class CatalogConfigTest {
  private static final String CATALOG = "spark.sql.catalog.trainforge";
  private static final String SPARK_CATALOG = "org.apache.iceberg.spark.SparkCatalog";

  @TempDir Path dir;

  /** A valid dataset file with a catalog block; the catalog's keys start on line 5. */
  private Path file(String... catalogLines) throws IOException {
    List<String> lines = new ArrayList<>();
    lines.add("dataset { name = fraud, version = \"1\" }"); // 1
    lines.add("dataset.labels { path = labels, id-column = id, time-column = ts }"); // 2
    lines.add("dataset.features.f { path = f, keys { k = k }, columns = [a] }"); // 3
    lines.add("trainforge.catalog {"); // 4
    lines.addAll(List.of(catalogLines)); // 5...
    lines.add("}");
    lines.add("dataset.labels.key-columns = [k]");
    Path file = dir.resolve("fraud.conf");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  /**
   * Loads with the catalog's environment variables neutralised, so that TRAINFORGE_CATALOG_* or
   * TRAINFORGE_WAREHOUSE in the caller's environment cannot interfere.
   */
  private static AppSettings.CatalogSettings load(Path file, String... overrides) {
    List<String> all = new ArrayList<>(List.of("trainforge.catalog.user=null"));
    all.addAll(List.of(overrides));
    return ConfigLoader.load(file, all).settings().catalog();
  }

  private static List<String> problems(Path file, String... overrides) {
    try {
      load(file, overrides);
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void hiveMapsToAThriftUriAndDropsTheSqliteProperties() throws IOException {
    var catalog =
        load(
            file(
                "  type = hive",
                "  uri = \"thrift://metastore.internal:9083\"",
                "  warehouse = \"s3a://bucket/warehouse\""));
    assertThat(catalog.sparkProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                CATALOG,
                SPARK_CATALOG,
                CATALOG + ".type",
                "hive",
                CATALOG + ".uri",
                "thrift://metastore.internal:9083",
                CATALOG + ".warehouse",
                "s3a://bucket/warehouse"));
  }

  @Test
  void glueTakesNoUriAndPassesItsProperties() throws IOException {
    var catalog =
        load(
            file(
                "  name = lake",
                "  type = glue",
                "  warehouse = \"s3://bucket/prefix\"",
                "  properties {",
                "    \"io-impl\" = \"org.apache.iceberg.aws.s3.S3FileIO\"",
                "    \"glue.skip-name-validation\" = \"false\"",
                "  }"));
    // The default (SQLite) URI is not passed: Glue has none.
    assertThat(catalog.sparkProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                "spark.sql.catalog.lake", SPARK_CATALOG,
                "spark.sql.catalog.lake.type", "glue",
                "spark.sql.catalog.lake.warehouse", "s3://bucket/prefix",
                "spark.sql.catalog.lake.io-impl", "org.apache.iceberg.aws.s3.S3FileIO",
                "spark.sql.catalog.lake.glue.skip-name-validation", "false"));
  }

  @Test
  void restPassesTheWarehouseVerbatimAndTheUserAsBasicAuth() throws IOException {
    var catalog =
        load(
            file("  type = rest", "  uri = \"http://127.0.0.1:8181\"", "  warehouse = analytics"),
            "trainforge.catalog.user=svc_trainforge");
    assertThat(catalog.sparkProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                CATALOG,
                SPARK_CATALOG,
                CATALOG + ".type",
                "rest",
                CATALOG + ".uri",
                "http://127.0.0.1:8181",
                CATALOG + ".warehouse",
                "analytics",
                CATALOG + ".rest.auth.type",
                "basic",
                CATALOG + ".rest.auth.basic.username",
                "svc_trainforge"));
  }

  @Test
  void postgresIsTheJdbcTypeWithItsUserAndTheJdbcProperties() throws IOException {
    var catalog =
        load(
            file(
                "  uri = \"jdbc:postgresql://127.0.0.1:5432/trainforge\"",
                "  warehouse = \"/data/warehouse\""),
            "trainforge.catalog.user=trainforge");
    assertThat(catalog.sparkProperties())
        .containsExactlyInAnyOrderEntriesOf(
            Map.of(
                CATALOG,
                SPARK_CATALOG,
                CATALOG + ".type",
                "jdbc",
                CATALOG + ".uri",
                "jdbc:postgresql://127.0.0.1:5432/trainforge",
                CATALOG + ".warehouse",
                "/data/warehouse",
                CATALOG + ".jdbc.user",
                "trainforge",
                CATALOG + ".jdbc.schema-version",
                "V1",
                CATALOG + ".jdbc.busy_timeout",
                "10000",
                CATALOG + ".jdbc.journal_mode",
                "WAL"));
  }

  @Test
  void aPasswordBecomesJdbcPasswordAndIsNeverPrinted() {
    var catalog =
        new AppSettings.CatalogSettings(
            "pg",
            "jdbc",
            Optional.of("jdbc:postgresql://127.0.0.1:5432/trainforge"),
            "/data/warehouse",
            Map.of(),
            Optional.of("trainforge"),
            Optional.of("s3cr3t-value"));
    assertThat(catalog.sparkProperties())
        .containsEntry("spark.sql.catalog.pg.jdbc.user", "trainforge")
        .containsEntry("spark.sql.catalog.pg.jdbc.password", "s3cr3t-value");
    assertThat(catalog.toString()).doesNotContain("s3cr3t-value").contains("password=****");
  }

  @Test
  void aPasswordInTheConfigFileIsRefused() throws IOException {
    Path file = file("  uri = \"jdbc:postgresql://127.0.0.1:5432/db\"", "  password = hunter2");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6: key 'trainforge.catalog.password' is set in a config file or by --set (a"
                + " password is read from the environment only: remove it and set"
                + " TRAINFORGE_CATALOG_PASSWORD)");
  }

  @Test
  void aPasswordOnTheCommandLineIsRefused() throws IOException {
    Path file = file("  uri = \"jdbc:postgresql://127.0.0.1:5432/db\"");
    assertThat(problems(file, "trainforge.catalog.password=hunter2"))
        .containsExactly(
            "--set trainforge.catalog.password: key 'trainforge.catalog.password' is set in a"
                + " config file or by --set (a password is read from the environment only: remove"
                + " it and set TRAINFORGE_CATALOG_PASSWORD)");
  }

  @Test
  void aPasswordOnTheCommandLineIsRefusedWithoutADatasetFileToo() {
    assertThatThrownBy(
            () -> ConfigLoader.settings(List.of("trainforge.catalog.password=hunter2"), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: --set trainforge.catalog.password: key"
                + " 'trainforge.catalog.password' is set in a config file or by --set (a password"
                + " is read from the environment only: remove it and set"
                + " TRAINFORGE_CATALOG_PASSWORD)");
  }

  @Test
  void anUnknownTypeListsTheSupportedOnes() throws IOException {
    Path file = file("  type = nessie");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":5: key 'trainforge.catalog.type' has value 'nessie' (expected one of: jdbc,"
                + " rest, hive, glue, hadoop)");
  }

  @Test
  void aRestCatalogWithTheEmbeddedJdbcUriSaysWhatToSet() throws IOException {
    Path file = file("  type = rest", "  uri = \"jdbc:sqlite:/tmp/catalog.db\"");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6: key 'trainforge.catalog.uri' is 'jdbc:sqlite:/tmp/catalog.db', but a rest"
                + " catalog needs a URI starting with http:// or https:// (set"
                + " trainforge.catalog.uri, e.g. http://127.0.0.1:8181)");
  }

  @Test
  void aHiveCatalogNeedsAThriftUri() throws IOException {
    Path file = file("  type = hive", "  uri = \"http://metastore:9083\"");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6: key 'trainforge.catalog.uri' is 'http://metastore:9083', but a hive catalog"
                + " needs a URI starting with thrift:// (set trainforge.catalog.uri, e.g."
                + " thrift://metastore:9083)");
  }

  @Test
  void aGlueCatalogTakesNoUserFromTrainforge() throws IOException {
    Path file = file("  type = glue", "  warehouse = \"s3://b/w\"");
    assertThat(problems(file, "trainforge.catalog.user=admin"))
        .containsExactly(
            "--set trainforge.catalog.user=admin: 1: key 'trainforge.catalog.user' is set, but a glue"
                + " catalog takes no user or password from trainforge (unset it, and"
                + " TRAINFORGE_CATALOG_USER and TRAINFORGE_CATALOG_PASSWORD; a glue catalog"
                + " authenticates through its own client: Kerberos, AWS credentials)");
  }
}
