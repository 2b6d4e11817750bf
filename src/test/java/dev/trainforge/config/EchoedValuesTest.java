package dev.trainforge.config;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.ConfigOriginFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Config errors echo values as written and name the user's file, never a jar's reference.conf. */
class EchoedValuesTest {
  @TempDir Path dir;

  private Path write(String... lines) throws IOException {
    Path file = dir.resolve("echo.conf");
    Files.writeString(file, String.join("\n", lines) + "\n");
    return file;
  }

  private Path dataset(String featureLine) throws IOException {
    return write(
        "dataset {", // 1
        "  name = echo, version = \"1\"", // 2
        "  labels { path = \"l\", id-column = id, time-column = ts, key-columns = [u] }", // 3
        "  features.f {", // 4
        "    path = \"f\", keys { u = u }, columns = [x]", // 5
        "    " + featureLine, // 6
        "  }",
        "}");
  }

  private static List<String> problems(Path file, String... overrides) {
    try {
      ConfigLoader.load(file, List.of(overrides));
    } catch (ConfigException e) {
      return e.problems();
    }
    throw new AssertionError("expected a ConfigException");
  }

  @Test
  void aNegativeMaxAgeIsEchoedAsWritten() throws IOException {
    Path file = dataset("max-age = -3d");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6: key 'dataset.features.f.max-age' is -3d (use a positive duration, or null"
                + " for no limit)");
  }

  @Test
  void aNegativeServingLagIsEchoedAsWritten() throws IOException {
    Path file = dataset("serving-lag = -90m");
    assertThat(problems(file))
        .containsExactly(
            file
                + ":6: key 'dataset.features.f.serving-lag' is -90m (use 0s or a positive"
                + " duration)");
  }

  @Test
  void durationsAreWrittenInTheConfigsSpelling() {
    assertThat(Durations.format(Duration.ofDays(30))).isEqualTo("30d");
    assertThat(Durations.format(Duration.ofHours(-72))).isEqualTo("-3d");
    assertThat(Durations.format(Duration.ofMinutes(90))).isEqualTo("1h30m");
    assertThat(Durations.format(Duration.ofMillis(1500))).isEqualTo("1s500ms");
    assertThat(Durations.format(Duration.ZERO)).isEqualTo("0s");
    assertThat(
            new Maturity(
                    Duration.ofDays(30),
                    java.time.Instant.parse("2026-02-01T00:00:00Z"),
                    Maturity.Action.EXCLUDE,
                    "label_mature")
                .describe())
        .isEqualTo("horizon 30d, cut-off 2026-02-01T00:00:00Z");
  }

  @Test
  void anErrorOnADefaultValueNamesTheUsersFileAndSaysDefault() throws IOException {
    Path file = dataset("exact-matches = allowed");
    Files.writeString(file, Files.readString(file) + "trainforge.catalog.type = rest\n");
    assertThat(problems(file))
        .singleElement()
        .asString()
        .startsWith(file + " (default): key 'trainforge.catalog.uri' is 'jdbc:sqlite:")
        .endsWith(
            "', but a rest catalog needs a URI starting with http:// or https:// (set"
                + " trainforge.catalog.uri, e.g. http://127.0.0.1:8181)")
        .doesNotContain("reference.conf");
  }

  @Test
  void aMergedOriginIsPlacedAtTheUsersLineNotAtTheJar() {
    assertThat(
            ConfigReader.describe(
                ConfigOriginFactory.newSimple(
                    "merge of reference.conf @ jar:file:/opt/trainforge.jar!/reference.conf:"
                        + " 38,conf/datasets/card_fraud.conf: 12")))
        .isEqualTo("conf/datasets/card_fraud.conf:12");
    assertThat(
            ConfigReader.describe(
                ConfigOriginFactory.newSimple(
                    "merge of reference.conf @ jar:file:/opt/trainforge.jar!/reference.conf:"
                        + " 38,reference.conf @ jar:file:/opt/trainforge.jar!/reference.conf: 40")))
        .isEqualTo("default");
  }
}
