package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.config.AppSettings.CatalogSettings;
import dev.trainforge.config.AppSettings.JoinPartitioningKind;
import dev.trainforge.config.AppSettings.Lineage;
import dev.trainforge.config.ReferenceKeys.Section;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** trainforge.*: the defaults of reference.conf, and every key mapped to its field. */
class SettingsMappingTest {
  private static final Map<String, String> SQLITE_PROPERTIES =
      Map.of(
          "jdbc.schema-version", "V1",
          "jdbc.busy_timeout", "10000",
          "jdbc.journal_mode", "WAL");

  /** Every key of the section but home (see {@link #HOME}) and password (environment only). */
  private static final List<String> EVERY_KEY =
      List.of(
          "trainforge.spark.master = \"local[2]\"",
          "trainforge.spark.app-name = nightly",
          "trainforge.spark.shuffle-partitions = 32",
          "trainforge.spark.conf = { \"spark.executor.memory\" = \"4g\" }",
          "trainforge.spark.small-build-bytes = 1g",
          "trainforge.catalog.name = lake",
          "trainforge.catalog.type = rest",
          "trainforge.catalog.uri = \"http://rest:8181\"",
          "trainforge.catalog.warehouse = analytics",
          "trainforge.catalog.user = svc_trainforge",
          "trainforge.catalog.properties = { \"io-impl\" = \"org.apache.iceberg.aws.s3.S3FileIO\" }",
          "trainforge.s3.endpoint = \"http://minio:9000\"",
          "trainforge.s3.region = eu-west-1",
          "trainforge.s3.path-style-access = true",
          "trainforge.lineage.transport = file",
          "trainforge.lineage.url = \"http://marquez:5000/api/v1/lineage\"",
          "trainforge.lineage.file = \"/tmp/events.jsonl\"",
          "trainforge.lineage.namespace = fraud-team",
          "trainforge.progress.interval = 45s",
          "trainforge.join.partitions = 16",
          "trainforge.join.partitioning = hash",
          "trainforge.join.rows-per-partition = 500000",
          "trainforge.join.sort-memory = 256m");

  private static final Map<String, String> PASSWORD =
      Map.of("TRAINFORGE_CATALOG_PASSWORD", "s3cr3t-value");

  private static final List<String> HOME = List.of("trainforge.home = \"/data/tf\"");

  private static AppSettings read(List<String> lines, Map<String, String> environment) {
    return ReferenceKeys.read(lines, environment, SettingsReader::read);
  }

  private static String local(String path) {
    return Path.of(path).toAbsolutePath().normalize().toString();
  }

  /** The defaults of reference.conf, field by field. */
  private static AppSettings defaults() {
    return new AppSettings(
        Optional.empty(), // spark.master
        "trainforge", // spark.app-name
        8, // spark.shuffle-partitions
        Map.of(), // spark.conf, and s3.* (none set)
        new CatalogSettings(
            "trainforge", // catalog.name
            "jdbc", // catalog.type
            Optional.of("jdbc:sqlite:" + local("trainforge-data/catalog.db")), // catalog.uri
            local("trainforge-data/warehouse"), // catalog.warehouse
            SQLITE_PROPERTIES, // catalog.properties
            Optional.empty(), // catalog.user
            Optional.empty()), // catalog.password
        0, // join.partitions
        JoinPartitioningKind.RANGE, // join.partitioning
        350_000L, // join.rows-per-partition
        Duration.ofSeconds(30), // progress.interval
        0L, // join.sort-memory
        new Lineage("none", Optional.empty(), Optional.empty(), "trainforge"), // lineage.*
        128L << 20); // spark.small-build-bytes
  }

  @Test
  void anEmptyConfigGivesTheDefaults() {
    assertThat(read(List.of(), ReferenceKeys.NO_ENVIRONMENT)).isEqualTo(defaults());
  }

  @Test
  void everyKeyMapsToItsField() {
    Map<String, String> properties = new java.util.HashMap<>(SQLITE_PROPERTIES);
    properties.put("io-impl", "org.apache.iceberg.aws.s3.S3FileIO"); // merged with the defaults
    assertThat(read(EVERY_KEY, PASSWORD))
        .isEqualTo(
            new AppSettings(
                Optional.of("local[2]"),
                "nightly",
                32,
                Map.of(
                    "spark.executor.memory", "4g",
                    "spark.hadoop.fs.s3a.endpoint", "http://minio:9000",
                    "spark.hadoop.fs.s3a.connection.ssl.enabled", "false",
                    "spark.hadoop.fs.s3a.endpoint.region", "eu-west-1",
                    "spark.hadoop.fs.s3a.path.style.access", "true"),
                new CatalogSettings(
                    "lake",
                    "rest",
                    Optional.of("http://rest:8181"),
                    "analytics",
                    properties,
                    Optional.of("svc_trainforge"),
                    Optional.of("s3cr3t-value")),
                16,
                JoinPartitioningKind.HASH,
                500_000L,
                Duration.ofSeconds(45),
                256L << 20,
                new Lineage(
                    "file",
                    Optional.of("http://marquez:5000/api/v1/lineage"),
                    Optional.of("/tmp/events.jsonl"),
                    "fraud-team"),
                1L << 30));
  }

  @Test
  void homeIsWhereTheEmbeddedCatalogAndTheWarehouseAre() {
    AppSettings settings = read(HOME, ReferenceKeys.NO_ENVIRONMENT);
    assertThat(settings.catalog().uri()).contains("jdbc:sqlite:/data/tf/catalog.db");
    assertThat(settings.catalog().warehouse()).isEqualTo("/data/tf/warehouse");
  }

  @Test
  void theEnvironmentIsReadWhereAVariableIsNamed() {
    AppSettings settings =
        read(List.of(), Map.of("TRAINFORGE_HOME", "/env/tf", "TRAINFORGE_CATALOG_TYPE", "hadoop"));
    assertThat(settings.catalog().type()).isEqualTo("hadoop");
    assertThat(settings.catalog().warehouse()).isEqualTo("/env/tf/warehouse");
  }

  @Test
  void theMappingTestsSetEveryKeyOfTheSection() {
    Set<String> set = ReferenceKeys.keysSet("trainforge", EVERY_KEY, HOME);
    set.add("catalog.password"); // from TRAINFORGE_CATALOG_PASSWORD: refused in a file
    assertThat(set).isEqualTo(Section.SETTINGS.keys());
  }

  @Test
  void aKeySetToNullTakesItsDefault() {
    List<String> nulls = new ArrayList<>();
    for (String key :
        List.of(
            "spark.app-name",
            "spark.shuffle-partitions",
            "catalog.name",
            "catalog.type",
            "catalog.warehouse",
            "s3.path-style-access",
            "lineage.transport",
            "lineage.namespace",
            "progress.interval",
            "join.partitions",
            "join.partitioning",
            "join.sort-memory")) {
      nulls.add("trainforge." + key + " = null");
    }
    assertThat(read(nulls, ReferenceKeys.NO_ENVIRONMENT)).isEqualTo(defaults());
  }

  @Test
  void aBlockSetToNullTakesTheDefaultsOfItsKeys() {
    assertThat(
            read(
                List.of("trainforge.spark = null", "trainforge.join = null"),
                ReferenceKeys.NO_ENVIRONMENT))
        .isEqualTo(defaults());
  }

  @Test
  void aCatalogUriOrPropertiesSetToNullAreNone() {
    CatalogSettings catalog =
        read(
                List.of(
                    "trainforge.catalog.type = hadoop",
                    "trainforge.catalog.uri = null",
                    "trainforge.catalog.properties = null"),
                ReferenceKeys.NO_ENVIRONMENT)
            .catalog();
    assertThat(catalog.uri()).isEmpty();
    assertThat(catalog.properties()).isEmpty();
  }
}
