package dev.trainforge.it;

import dev.trainforge.testing.SharedSpark;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The Airflow DAGs' tests ({@code airflow-dags/tests}, pytest) against real Airflow 3, from the
 * venv {@code scripts/it-env.sh} installs: the DAG folder imports into one DAG per dataset file,
 * the dataset name read from HOCON, the task graph, policies and params, version names, the
 * rendered command for an interval, the backfill's runs, and runs end to end ({@code dag.test()})
 * that build versions with local Spark through {@code submit.sh}: a day, its retry, three days of a
 * rolling dataset and a backfill of its middle day. Run here so that their failure fails {@code
 * ./mvnw verify}.
 */
class AirflowDagIT {
  @Test
  void dagTestsPassAgainstRealAirflow() throws Exception {
    Path dir = SharedSpark.tempDir("trainforge-airflow-it");
    Pytest.passes(
        15,
        dir,
        "airflow-dags",
        Map.of(
            "AIRFLOW_HOME", dir.resolve("airflow-home").toString(),
            "TRAINFORGE_HOME", dir.resolve("trainforge-home").toString(),
            "TRAINFORGE_RESULT_DIR", dir.resolve("results").toString(),
            "TRAINFORGE_DRIVER_MEMORY", "2g"),
        Duration.ofMinutes(20),
        "airflow-dags/tests");
  }
}
