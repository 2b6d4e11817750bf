"""Builds one trainforge dataset version per day, through submit.sh.

Each run builds the labels of its data interval [data_interval_start, data_interval_end) as the
version ``YYYYMMDD`` of the interval's start (tag ``vYYYYMMDD``), records the Airflow run id in the
version's Iceberg snapshot summary (``trainforge.run-id``), and emits an event on the dataset's
Asset with the version and snapshot id, so that training DAGs can be scheduled on it.

Settings (environment of the Airflow workers, read when the DAG file is parsed):
  TRAINFORGE_REPO             the trainforge checkout with submit.sh (default: this file's repo)
  TRAINFORGE_DATASET_CONFIG   the dataset file, relative to the repo (conf/datasets/card_fraud.conf)
  TRAINFORGE_DATASET          the dataset name, for the Asset (card_fraud)
  TRAINFORGE_SUBMIT_OPTIONS   Spark options for submit.sh, e.g. "--master spark://host:7077"
  TRAINFORGE_RESULT_DIR       where each run's result JSON goes (<repo>/trainforge-data/airflow)
  TRAINFORGE_START_DATE       the first interval (2026-01-01, the sample data's first day)
and whatever submit.sh and the job read (TRAINFORGE_HOME, TRAINFORGE_S3_ENDPOINT, AWS_*...).

Backfill with Airflow's backfill (the scheduler runs it, one interval at a time):
  airflow backfill create --dag-id trainforge_daily --from-date 2026-01-05 --to-date 2026-01-11
"""

from __future__ import annotations

import json
import os
import shlex
import subprocess
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.sdk import DAG, Asset, BaseOperator
from airflow.timetables.interval import CronDataIntervalTimetable

REPO = os.environ.get("TRAINFORGE_REPO", str(Path(__file__).resolve().parent.parent))
CONFIG = os.environ.get("TRAINFORGE_DATASET_CONFIG", "conf/datasets/card_fraud.conf")
DATASET = os.environ.get("TRAINFORGE_DATASET", "card_fraud")
SUBMIT_OPTIONS = shlex.split(os.environ.get("TRAINFORGE_SUBMIT_OPTIONS", ""))
RESULT_DIR = os.environ.get("TRAINFORGE_RESULT_DIR", f"{REPO}/trainforge-data/airflow")
START_DATE = pendulum.parse(os.environ.get("TRAINFORGE_START_DATE", "2026-01-01"), tz="UTC")

# Training DAGs schedule on this: schedule=[Asset("trainforge://datasets/card_fraud")].
DATASET_ASSET = Asset(name=f"trainforge_{DATASET}", uri=f"trainforge://datasets/{DATASET}")

# The interval's bounds as ISO instants in UTC, the form dataset.labels.window.* takes.
_INSTANT = "%Y-%m-%dT%H:%M:%SZ"
WINDOW_START = "{{ data_interval_start.in_timezone('UTC').strftime('" + _INSTANT + "') }}"
WINDOW_END = "{{ data_interval_end.in_timezone('UTC').strftime('" + _INSTANT + "') }}"
VERSION = "{{ data_interval_start.in_timezone('UTC').strftime('%Y%m%d') }}"

# submit.sh exit codes that a retry cannot fix (see README "Running it"): 2 is a usage or
# configuration error, or the version exists with another config or other inputs (a retry of a
# run that published exits 0: generate is idempotent); 3 is a failed
# validation (nothing was published). 1 (unexpected or infrastructure) and 4 (an input is missing,
# it may still arrive) are retried.
NOT_RETRIED = {
    2: "usage or configuration error, or the version exists",
    3: "validation failed: nothing was published",
}


def raise_for_exit_code(code: int) -> None:
    """Maps submit.sh's exit code to Airflow: fail for good, fail and retry, or succeed."""
    if code == 0:
        return
    if code in NOT_RETRIED:
        raise AirflowFailException(f"submit.sh exited with {code} ({NOT_RETRIED[code]}); not retried")
    raise AirflowException(f"submit.sh exited with {code}; the task will be retried")


class TrainforgeBuildOperator(BaseOperator):
    """Runs ``submit.sh generate`` and publishes its result as an Asset event."""

    template_fields = ("generate_args", "run_id_arg", "result_file")
    ui_color = "#d9ecf2"

    def __init__(
        self, *, repo: str, submit_options: list[str], generate_args: list[str],
        run_id_arg: str, result_file: str, asset: Asset, **kwargs,
    ) -> None:
        super().__init__(outlets=[asset], **kwargs)
        self.repo = repo
        self.submit_options = submit_options
        self.generate_args = generate_args
        self.run_id_arg = run_id_arg
        self.result_file = result_file
        self.asset = asset
        self._process: subprocess.Popen | None = None

    def command(self) -> list[str]:
        """The full submit.sh command (after rendering)."""
        return ["./submit.sh", *self.submit_options, "generate", *self.generate_args,
                "--run-id", self.run_id_arg, "--result-file", self.result_file]

    def execute(self, context):
        result = Path(self.result_file)
        result.parent.mkdir(parents=True, exist_ok=True)
        result.unlink(missing_ok=True)
        command = self.command()
        self.log.info("Running in %s: %s", self.repo, shlex.join(command))
        self._process = subprocess.Popen(
            command, cwd=self.repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        for line in self._process.stdout:
            self.log.info("%s", line.rstrip())
        raise_for_exit_code(self._process.wait())
        built = json.loads(result.read_text())
        event = {key: built[key] for key in ("dataset", "version", "table", "tag", "snapshot-id")}
        context["outlet_events"][self.asset].extra = event
        self.log.info("Published %s", event)
        return built

    def on_kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()


with DAG(
    dag_id="trainforge_daily",
    description=f"Builds the day's version of the trainforge dataset '{DATASET}'",
    # A data-interval timetable: each run covers [midnight, next midnight) UTC. (In Airflow 3 a
    # cron string means CronTriggerTimetable, whose interval is empty.)
    schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
    start_date=START_DATE,
    catchup=False,
    # One build at a time: the builds of a backfill publish in interval order, so the table's
    # main branch ends at the newest interval.
    max_active_runs=1,
    default_args={
        "retries": 3,
        "retry_delay": timedelta(minutes=10),
        "execution_timeout": timedelta(hours=2),
    },
    tags=["trainforge"],
) as dag:
    TrainforgeBuildOperator(
        task_id="build_version",
        repo=REPO,
        submit_options=SUBMIT_OPTIONS,
        generate_args=[
            "--config", CONFIG,
            "--set", f"dataset.version={VERSION}",
            "--set", f"dataset.labels.window.start={WINDOW_START}",
            "--set", f"dataset.labels.window.end={WINDOW_END}",
        ],
        run_id_arg="{{ run_id }}",
        result_file=RESULT_DIR + "/{{ dag.dag_id }}/{{ run_id }}.json",
        asset=DATASET_ASSET,
    )
