"""Test environment for the DAG tests: a throwaway Airflow home (SQLite metadata database) and a
throwaway trainforge home, unless the caller (the Maven integration test AirflowDagIT) set them.
Must run before anything imports airflow."""

import os
import subprocess
import sys
import tempfile
from pathlib import Path

DAGS = Path(__file__).resolve().parent.parent
REPO = DAGS.parent

_tmp = Path(tempfile.mkdtemp(prefix="trainforge-airflow-tests-"))
os.environ.setdefault("AIRFLOW_HOME", str(_tmp / "airflow-home"))
os.environ.setdefault("TRAINFORGE_HOME", str(_tmp / "trainforge-home"))
os.environ.setdefault("TRAINFORGE_RESULT_DIR", str(_tmp / "results"))
os.environ.setdefault("TRAINFORGE_DRIVER_MEMORY", "2g")
os.environ["TRAINFORGE_REPO"] = str(REPO)
os.environ["AIRFLOW__CORE__DAGS_FOLDER"] = str(DAGS)
os.environ["AIRFLOW__CORE__LOAD_EXAMPLES"] = "False"
os.environ["AIRFLOW__CORE__UNIT_TEST_MODE"] = "False"

# A fresh metadata database, created by Airflow's own command.
subprocess.run([sys.executable, "-m", "airflow", "db", "migrate"], check=True,
               stdout=subprocess.DEVNULL)

# The pool the dataset DAGs' builds run in (TRAINFORGE_POOL), as a deployment creates it.
subprocess.run([sys.executable, "-m", "airflow", "pools", "set",
                os.environ.get("TRAINFORGE_POOL", "trainforge_spark"), "1", "trainforge Spark builds"],
               check=True, stdout=subprocess.DEVNULL)
