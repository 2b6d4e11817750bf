package dev.trainforge.it;

import static org.assertj.core.api.Assertions.assertThat;

import dev.trainforge.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Python read path's tests ({@code clients/python/tests}, pytest, from the venv {@code
 * scripts/it-env.sh} installs) against a real build of the sample: version 1 built in this JVM,
 * whose SQLite catalog stays open in WAL mode while pytest reads it in place with pyiceberg. Run
 * here so that their failure fails {@code ./mvnw verify}. An export of v1 is read back with pandas
 * and DuckDB; then v2 is built, and {@code test_refs.py} moves main with {@code submit.sh}.
 */
class PythonClientIT {
  @Test
  void pythonClientTestsPassAgainstARealBuild() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-python-client-it");
    Path home = dir.resolve("trainforge-home");
    String catalog = SampleBuilds.newCatalogName();
    SampleBuilds.generate(home, catalog, "1");
    // The export that test_export.py reads back with pandas and DuckDB.
    Path export = dir.resolve("export-v1");
    var exported =
        dev.trainforge.testing.Cli.run(
            "export",
            "v1",
            "--format",
            "parquet",
            "--to",
            export.toString(),
            "--config",
            SampleBuilds.CONFIG,
            "--set",
            "trainforge.home=" + home,
            "--set",
            "trainforge.catalog.name=" + catalog);
    assertThat(exported.exitCode()).as(exported.err()).isZero();
    Map<String, String> env =
        Map.of(
            "TRAINFORGE_CLIENT_TEST_HOME", home.toString(),
            "TRAINFORGE_CLIENT_TEST_CATALOG", catalog,
            "TRAINFORGE_CLIENT_TEST_EXPORT", export.toString(),
            // This checkout's package first, whatever the venv has installed.
            "PYTHONPATH", ItEnv.repo().resolve("clients/python/src").toString());

    Pytest.passes(
        11,
        dir,
        "python-client",
        env,
        Duration.ofMinutes(10),
        // S3aIT runs the S3 tests, against its server; test_refs.py moves main: below.
        "--ignore=clients/python/tests/test_s3.py",
        "--ignore=clients/python/tests/test_refs.py",
        "clients/python/tests");

    // load() of "current" follows promote, rollback and retract (submit.sh, another process),
    // over two versions: v2 built here, with another max age of one source.
    SampleBuilds.generate(home, catalog, "2", "dataset.features.user_auth.max-age=2d");
    Pytest.passes(
        1,
        dir,
        "python-client-refs",
        env,
        Duration.ofMinutes(10),
        "clients/python/tests/test_refs.py");
  }
}
