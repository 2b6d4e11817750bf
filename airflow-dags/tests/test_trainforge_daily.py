"""The daily DAG against real Airflow 3: it imports, its graph and policies, the command it renders
for an interval, and one run end to end (dag.test()) that builds a version with local Spark."""

import json
import os
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pendulum
import pytest
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.models.dagbag import DagBag
from airflow.timetables.interval import CronDataIntervalTimetable

from conftest import DAGS

DAG_ID = "trainforge_daily"
INTERVAL_START = pendulum.datetime(2026, 1, 12, tz="UTC")  # inside the sample's label times


@pytest.fixture()
def dagbag():
    return DagBag(dag_folder=str(DAGS), include_examples=False)


@pytest.fixture()
def dag(dagbag):
    return dagbag.get_dag(DAG_ID)


def test_dag_folder_imports_without_errors(dagbag):
    assert dagbag.import_errors == {}
    assert list(dagbag.dag_ids) == [DAG_ID]


def test_task_graph_and_run_policy(dag):
    assert dag.task_ids == ["build_version"]
    task = dag.get_task("build_version")
    assert task.upstream_task_ids == set() and task.downstream_task_ids == set()
    assert [o.uri for o in task.outlets] == ["trainforge://datasets/card_fraud"]
    assert task.retries == 3
    assert task.retry_delay == timedelta(minutes=10)
    assert task.execution_timeout == timedelta(hours=2)
    assert dag.max_active_runs == 1
    assert isinstance(dag.timetable, CronDataIntervalTimetable)


def test_timetable_gives_a_one_day_interval(dag):
    interval = dag.timetable.infer_manual_data_interval(
        run_after=pendulum.datetime(2026, 1, 13, 5, 30, tz="UTC"))
    assert (interval.start, interval.end) == (INTERVAL_START, INTERVAL_START.add(days=1))


def test_rendered_command_for_an_interval(dag):
    task = dag.get_task("build_version")
    run_id = "scheduled__2026-01-12T00:00:00+00:00"
    task.render_template_fields({
        "dag": dag, "task": task, "run_id": run_id,
        "data_interval_start": INTERVAL_START, "data_interval_end": INTERVAL_START.add(days=1),
    })
    results = os.environ["TRAINFORGE_RESULT_DIR"]
    assert task.command() == [
        "./submit.sh", "generate",
        "--config", "conf/datasets/card_fraud.conf",
        "--set", "dataset.version=20260112",
        "--set", "dataset.labels.window.start=2026-01-12T00:00:00Z",
        "--set", "dataset.labels.window.end=2026-01-13T00:00:00Z",
        "--run-id", run_id,
        "--result-file", f"{results}/{DAG_ID}/{run_id}.json",
    ]


def test_exit_codes_that_a_retry_cannot_fix_fail_for_good():
    sys.path.insert(0, str(DAGS))
    from trainforge_daily import raise_for_exit_code

    raise_for_exit_code(0)
    for code in (2, 3):
        with pytest.raises(AirflowFailException, match=f"exited with {code}"):
            raise_for_exit_code(code)
    for code in (1, 4, 137):
        with pytest.raises(AirflowException, match="retried") as failure:
            raise_for_exit_code(code)
        assert not isinstance(failure.value, AirflowFailException)


def _published_snapshot(tag):
    """The tagged snapshot, read from the Iceberg JDBC catalog (SQLite) and the table metadata."""
    catalog = Path(os.environ["TRAINFORGE_HOME"]) / "catalog.db"
    with sqlite3.connect(catalog) as db:
        (location,) = db.execute(
            "SELECT metadata_location FROM iceberg_tables WHERE table_name = 'card_fraud'"
        ).fetchone()
    metadata = json.loads(Path(location.removeprefix("file:")).read_text())
    snapshot_id = metadata["refs"][tag]["snapshot-id"]
    return next(s for s in metadata["snapshots"] if s["snapshot-id"] == snapshot_id)


def _asset_events():
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return [e.extra for e in session.scalars(
            select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.uri == "trainforge://datasets/card_fraud"))]


def test_dag_test_builds_the_intervals_version(dag):
    # A manual run (dag.test() makes one) covers the last complete interval before its logical
    # date: the run at 2026-01-13T00:00 builds the day of 2026-01-12.
    run = dag.test(logical_date=INTERVAL_START.add(days=1))
    assert run.state == "success"
    assert (run.data_interval_start, run.data_interval_end) == (
        INTERVAL_START, INTERVAL_START.add(days=1))

    result_file = Path(os.environ["TRAINFORGE_RESULT_DIR"]) / DAG_ID / f"{run.run_id}.json"
    result = json.loads(result_file.read_text())
    assert result["version"] == "20260112" and result["tag"] == "v20260112"
    # Labels of that day only: a few hundred of the sample's 20000.
    assert 0 < result["rows-out"] < 2000

    snapshot = _published_snapshot("v20260112")
    assert snapshot["snapshot-id"] == result["snapshot-id"]
    assert snapshot["summary"]["trainforge.run-id"] == run.run_id
    assert snapshot["summary"]["trainforge.window-start"].startswith("2026-01-12T00:00")
    assert snapshot["summary"]["trainforge.window-end"].startswith("2026-01-13T00:00")

    assert {"dataset": "card_fraud", "version": "20260112", "tag": "v20260112",
            "snapshot-id": result["snapshot-id"], "table": result["table"]} in _asset_events()


def test_rerun_of_a_published_interval_returns_the_published_version(dag):
    # The version exists (previous test) with the same config and inputs: generate recomputes
    # nothing and exits 0 with the published version, so a rerun or a retry is safe.
    # Another run (a later logical date) over the same interval, hence the same version.
    run = dag.test(logical_date=INTERVAL_START.add(days=1, hours=1))
    assert run.data_interval_start == INTERVAL_START
    assert run.state == "success"
    result_file = Path(os.environ["TRAINFORGE_RESULT_DIR"]) / DAG_ID / f"{run.run_id}.json"
    result = json.loads(result_file.read_text())
    assert result["existed"] is True
    assert result["snapshot-id"] == _published_snapshot("v20260112")["snapshot-id"]


def test_backfill_covers_one_run_per_day():
    subprocess.run([sys.executable, "-m", "airflow", "dags", "reserialize"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    out = subprocess.run(
        [sys.executable, "-m", "airflow", "backfill", "create", "--dag-id", DAG_ID,
         "--from-date", "2026-01-05", "--to-date", "2026-01-07", "--dry-run"],
        check=True, capture_output=True, text=True).stdout
    attempted = out.split("to be attempted:", 1)[1].split()
    assert [d for d in attempted if d.startswith("2026")] == [
        "2026-01-05", "2026-01-06", "2026-01-07"]
