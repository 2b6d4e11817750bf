package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  /** A valid dataset file; line numbers below refer to it. */
  private static final String VALID =
      String.join(
          "\n",
          "dataset {", // 1
          "  name = fraud", // 2
          "  version = \"3\"", // 3
          "  labels {", // 4
          "    path = \"data/labels\"", // 5
          "    id-column = id", // 6
          "    time-column = ts", // 7
          "    key-columns = [user_id, merchant_id]", // 8
          "    label-columns = [is_fraud]", // 9
          "  }", // 10
          "  features {", // 11
          "    user {", // 12
          "      path = \"data/user\"", // 13
          "      keys { uid = user_id }", // 14
          "      columns = [a, b]", // 15
          "      max-age = 3d", // 16
          "    }", // 17
          "    merchant {", // 18
          "      format = delta", // 19
          "      path = \"data/merchant\"", // 20
          "      keys { merchant_id = merchant_id }", // 21
          "      columns = [risk]", // 22
          "      serving-lag = 1h", // 23
          "      exact-matches = excluded", // 24
          "    }", // 25
          "  }", // 26
          "}", // 27
          "");

  private Path write(String text) throws IOException {
    Path file = dir.resolve("fraud.conf");
    Files.writeString(file, text);
    return file;
  }

  private String fileWith(String from, String to) throws IOException {
    assertThat(VALID).contains(from);
    return write(VALID.replace(from, to)).toString();
  }

  private static List<String> problems(String file, String... overrides) {
    try {
      ConfigLoader.load(Path.of(file), List.of(overrides));
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void loadsAValidFileWithDefaultsApplied() throws IOException {
    BuildConfig config = ConfigLoader.load(write(VALID), List.of());
    DatasetSpec spec = config.dataset();
    assertThat(spec.name()).isEqualTo("fraud");
    assertThat(spec.tag()).isEqualTo("v3");
    assertThat(spec.features())
        .extracting(FeatureSourceSpec::name)
        .containsExactly("merchant", "user");
    FeatureSourceSpec user = spec.features().get(1);
    assertThat(user.keys()).containsExactly(new KeyMapping("uid", "user_id"));
    assertThat(user.eventTimeColumn()).isEqualTo("event_time");
    assertThat(user.maxAge()).contains(Duration.ofDays(3));
    assertThat(user.servingLag()).isZero();
    assertThat(user.exactMatches()).isTrue();
    FeatureSourceSpec merchant = spec.features().get(0);
    assertThat(merchant.source())
        .isEqualTo(new SourceLocation(SourceFormat.DELTA, "data/merchant"));
    assertThat(merchant.exactMatches()).isFalse();
    assertThat(merchant.outputColumns())
        .containsExactly(
            "merchant__risk", "merchant__event_time", "merchant__status", "merchant__hash_tie");
    assertThat(spec.output().qualifiedName()).isEqualTo("trainforge.datasets.fraud");
    assertThat(config.configHash()).hasSize(64);
  }

  @Test
  void hashIgnoresHowAValueIsSpelt() throws IOException {
    String a = ConfigLoader.load(write(VALID), List.of()).configHash();
    String b =
        ConfigLoader.load(Path.of(fileWith("max-age = 3d", "max-age = 72h")), List.of())
            .configHash();
    String c =
        ConfigLoader.load(Path.of(fileWith("max-age = 3d", "max-age = 4d")), List.of())
            .configHash();
    assertThat(b).isEqualTo(a);
    assertThat(c).isNotEqualTo(a);
  }

  @Test
  void commandLineOverridesWin() throws IOException {
    BuildConfig config =
        ConfigLoader.load(
            write(VALID), List.of("dataset.version=4", "dataset.features.user.max-age=1d"));
    assertThat(config.dataset().version()).isEqualTo("4");
    assertThat(config.dataset().features().get(1).maxAge()).contains(Duration.ofDays(1));
  }

  @Test
  void s3SettingsBecomeS3aSettingsUnlessSparkConfSetsThem() throws IOException {
    String file = write(VALID).toString();
    var conf =
        ConfigLoader.load(
                Path.of(file),
                List.of(
                    "trainforge.s3.endpoint=\"http://127.0.0.1:9000\"",
                    "trainforge.s3.path-style-access=true",
                    "trainforge.s3.region=eu-west-1",
                    "trainforge.spark.conf.\"spark.hadoop.fs.s3a.endpoint.region\"=us-east-1"))
            .settings()
            .sparkConf();
    assertThat(conf)
        .containsEntry("spark.hadoop.fs.s3a.endpoint", "http://127.0.0.1:9000")
        .containsEntry("spark.hadoop.fs.s3a.connection.ssl.enabled", "false")
        .containsEntry("spark.hadoop.fs.s3a.path.style.access", "true")
        .containsEntry("spark.hadoop.fs.s3a.endpoint.region", "us-east-1");
  }

  @Test
  void unquotedUrlsAndInstantsInSetAreStrings() throws IOException {
    BuildConfig config =
        ConfigLoader.load(
            write(VALID),
            List.of(
                "dataset.labels.path=s3a://bucket/sample-data/transactions",
                "dataset.labels.window.start=2026-01-05T00:00:00Z",
                "trainforge.catalog.warehouse=\"s3a://bucket/warehouse\""));
    assertThat(config.dataset().labels().source().location())
        .isEqualTo("s3a://bucket/sample-data/transactions");
    assertThat(config.settings().catalog().warehouse()).isEqualTo("s3a://bucket/warehouse");
    assertThat(config.dataset().labels().windowStart())
        .contains(java.time.Instant.parse("2026-01-05T00:00:00Z"));
  }

  @Test
  void malformedListInSetIsReported() throws IOException {
    Path file = write(VALID);
    assertThatThrownBy(() -> ConfigLoader.load(file, List.of("dataset.labels.key-columns=[a,")))
        .isInstanceOf(ConfigException.class)
        .hasMessageStartingWith(
            "Invalid configuration: --set 'dataset.labels.key-columns=[a,' cannot be parsed:")
        .hasMessageEndingWith("(quote the value)");
  }

  @Test
  void withoutS3SettingsNoS3aSettingIsAdded() throws IOException {
    // Explicitly unset, so that TRAINFORGE_S3_* in the caller's environment cannot interfere.
    var conf =
        ConfigLoader.load(
                write(VALID),
                List.of(
                    "trainforge.s3.endpoint=null",
                    "trainforge.s3.region=null",
                    "trainforge.s3.path-style-access=false"))
            .settings()
            .sparkConf();
    assertThat(conf.keySet()).noneMatch(k -> k.startsWith("spark.hadoop.fs.s3a."));
  }

  @Test
  void unknownKeyGetsDidYouMean() throws IOException {
    String file = fileWith("time-column = ts", "time-column = ts\n    time-colum = ts2");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":8: unknown key 'dataset.labels.time-colum' (did you mean 'dataset.labels.time-column'?)");
  }

  @Test
  void unknownKeyInAFeatureSourceGetsDidYouMean() throws IOException {
    String file = fileWith("max-age = 3d", "max_age = 3d");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":16: unknown key 'dataset.features.user.max_age' (did you mean 'dataset.features.user.max-age'?)");
  }

  @Test
  void unknownKeyFarFromAnyListsTheKnownOnes() throws IOException {
    String file = fileWith("  name = fraud", "  name = fraud\n  colour = blue");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":3: unknown key 'dataset.colour' (known keys here: features, labels, name, output,"
                + " retention, split, validation, version)");
  }

  @Test
  void unknownOverrideIsNamedByItsFlag() throws IOException {
    String file = write(VALID).toString();
    assertThat(problems(file, "dataset.versoin=4"))
        .containsExactly(
            "--set dataset.versoin=4: 1: unknown key 'dataset.versoin' (did you mean 'dataset.version'?)");
  }

  @Test
  void missingRequiredKey() throws IOException {
    String file = fileWith("    id-column = id\n", "");
    assertThat(problems(file))
        .containsExactly(
            file
                + ": missing required key 'dataset.labels.id-column' (the label table's unique row id column)");
  }

  @Test
  void wrongType() throws IOException {
    String file = fileWith("key-columns = [user_id, merchant_id]", "key-columns = user_id");
    assertThat(problems(file))
        .contains(
            file
                + ":8: key 'dataset.labels.key-columns' must be a list of strings, got a string"
                + " \"user_id\" (write [\"user_id\"])");
  }

  @Test
  void badDuration() throws IOException {
    String file = fileWith("max-age = 3d", "max-age = \"3 dayz\"");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":16: key 'dataset.features.user.max-age' has value \"3 dayz\" which is not a"
                + " duration (write e.g. 30d, 12h, 15m or 0s)");
  }

  @Test
  void badEnum() throws IOException {
    String file = fileWith("format = delta", "format = csv");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":19: key 'dataset.features.merchant.format' has value 'csv' (expected one of: parquet, delta, iceberg)");
  }

  @Test
  void keyMappedToAColumnTheLabelsDoNotHave() throws IOException {
    String file = fileWith("keys { uid = user_id }", "keys { uid = customer_id }");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":14: feature source 'user' maps key 'uid' to label column 'customer_id', which is"
                + " not in dataset.labels.key-columns [user_id, merchant_id] (add it there or fix the"
                + " mapping)");
  }

  @Test
  void outputColumnCollision() throws IOException {
    String file = fileWith("columns = [a, b]", "columns = [a, b]\n      rename { a = is_fraud }");
    assertThat(problems(file))
        .containsExactly(
            file
                + ": output column 'is_fraud' would come from both label column 'is_fraud' and feature"
                + " source 'user' (rename one in dataset.features.user.rename)");
  }

  @Test
  void everyProblemIsReportedAtOnce() throws IOException {
    String file =
        write(
                VALID
                    .replace("format = delta", "format = csv")
                    .replace("max-age = 3d", "max-age = -1d"))
            .toString();
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class, () -> ConfigLoader.load(Path.of(file), List.of()));
    assertThat(e.problems()).hasSize(2);
    assertThat(e.getMessage()).startsWith("Invalid configuration (2 problems):\n  - ");
  }

  @Test
  void missingFileSaysWhatToPass() {
    assertThatThrownBy(() -> ConfigLoader.load(dir.resolve("nope.conf"), List.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: cannot read config file '"
                + dir.resolve("nope.conf")
                + "': no such file (pass --config with the path of a dataset file, e.g."
                + " conf/datasets/card_fraud.conf)");
  }

  @Test
  void malformedOverride() throws IOException {
    Path file = write(VALID);
    assertThatThrownBy(() -> ConfigLoader.load(file, List.of("dataset.version")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "Invalid configuration: --set 'dataset.version' is not key=value (e.g. --set"
                + " dataset.version=2)");
  }

  @Test
  void theSampleConfigIsValid() {
    BuildConfig config = ConfigLoader.load(Path.of("conf/datasets/card_fraud.conf"), List.of());
    assertThat(config.dataset().features()).hasSize(3);
  }
}
