"""The dataset DAGs against real Airflow 3: one DAG per dataset file, the folder imports (tests/
ignored), their graph, policies and params, version names, the command they render for an
interval and the OpenLineage parent run it passes, and runs end to end (dag.test()) that build
versions with local Spark: a day of card_fraud (with its OpenLineage events' parent), the retry of
that run, a promote of it by the DAG that moves main (an Asset event), three days of the rolling
card_fraud_daily and a backfill of its middle day."""

import copy
import json
import os
import re
import sqlite3
import subprocess
import sys
from datetime import timedelta
from pathlib import Path
from types import SimpleNamespace

import pendulum
import pytest
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.models.dagbag import DagBag
from airflow.timetables.interval import CronDataIntervalTimetable

from conftest import DAGS

sys.path.insert(0, str(DAGS))
import trainforge_datasets as tf  # noqa: E402

DAG_ID = "trainforge_card_fraud"
ROLLING_DAG_ID = "trainforge_card_fraud_daily"
INTERVAL_START = pendulum.datetime(2026, 1, 12, tz="UTC")  # inside the sample's label times
NO_PARAMS = {"version": "", "set": [], "submit_options": ""}


@pytest.fixture(scope="module")
def dagbag():
    return DagBag(dag_folder=str(DAGS), include_examples=False)


@pytest.fixture()
def dag():
    return DagBag(dag_folder=str(DAGS), include_examples=False).get_dag(DAG_ID)


@pytest.fixture()
def rolling_dag():
    return DagBag(dag_folder=str(DAGS), include_examples=False).get_dag(ROLLING_DAG_ID)


def test_dag_folder_has_one_dag_per_dataset_file_and_ignores_tests(dagbag):
    assert dagbag.import_errors == {}
    # one build DAG and one DAG that moves main per file in conf/datasets/
    datasets = sorted(c.stem for c in (DAGS.parent / "conf/datasets").glob("*.conf"))
    assert datasets == ["card_fraud", "card_fraud_daily", "card_fraud_windows"]
    assert sorted(dagbag.dag_ids) == sorted(
        [f"trainforge_{d}{suffix}" for d in datasets for suffix in ("", "_main")])
    parsed = {Path(f).name for f in dagbag.file_last_changed}
    assert parsed == {"trainforge_datasets.py"}  # .airflowignore: tests/ is not parsed


def test_dataset_name_is_read_from_the_hocon_file(tmp_path):
    name = tf.dataset_name_of
    assert name("dataset {\n  name = card_fraud\n  version = \"1\"\n}") == "card_fraud"
    assert name('dataset.name = "a_b"') == "a_b"
    assert name("dataset = {\n name: x1 # a comment\n}") == "x1"
    assert name("// c\ndataset {\n labels { name = no }\n name = yes\n}") == "yes"
    assert name("dataset { name = first }\ndataset { name = last }") == "last"
    assert name("dataset {\n  features { name { path = \"a/b//c\" } }\n}") is None
    assert name("other { name = no }\ndataset { version = 1 }") is None
    assert name("dataset { name = ${?NAME} }") is None
    assert name('dataset { name = "x" }  # name = y') == "x"
    assert name("dataset { labels { key-columns = [a, {name = no}] }, name = z }") == "z"
    # The file: its dataset.name, else its stem; an invalid name gives no DAG.
    (tmp_path / "by_stem.conf").write_text("dataset { name = ${?N} }")
    assert tf.dataset_of_file(tmp_path / "by_stem.conf") == "by_stem"
    (tmp_path / "bad.conf").write_text("dataset { name = Bad-Name }")
    with pytest.raises(ValueError, match="Bad-Name"):
        tf.dataset_of_file(tmp_path / "bad.conf")
    for conf in (DAGS.parent / "conf/datasets").glob("*.conf"):
        assert tf.dataset_of_file(conf) == conf.stem


def test_task_graph_run_policy_and_params(dagbag):
    for dag_id, config in ((DAG_ID, "card_fraud.conf"), (ROLLING_DAG_ID, "card_fraud_daily.conf")):
        dag = dagbag.get_dag(dag_id)
        dataset = dag_id.removeprefix("trainforge_")
        assert dag.task_ids == ["build_version"]
        task = dag.get_task("build_version")
        assert task.config == f"conf/datasets/{config}"
        assert [o.uri for o in task.outlets] == [f"trainforge://datasets/{dataset}"]
        assert task.pool == "trainforge_spark"
        assert task.retries == 3
        assert task.retry_delay == timedelta(minutes=10)
        assert task.execution_timeout == timedelta(hours=2)
        assert dag.max_active_runs == 1
        assert isinstance(dag.timetable, CronDataIntervalTimetable)
        assert dag.params.dump() == NO_PARAMS


def test_timetable_gives_a_one_day_interval(dag):
    interval = dag.timetable.infer_manual_data_interval(
        run_after=pendulum.datetime(2026, 1, 13, 5, 30, tz="UTC"))
    assert (interval.start, interval.end) == (INTERVAL_START, INTERVAL_START.add(days=1))


def _rendered(dag, run_type, run_id, params, try_number=1):
    task = copy.copy(dag.get_task("build_version"))  # rendering replaces the templates
    task.render_template_fields({
        "dag": dag, "task": task, "run_id": run_id, "params": params,
        "dag_run": SimpleNamespace(run_type=run_type, run_id=run_id),
        "task_instance": _task_instance(run_id, try_number),
        "data_interval_start": INTERVAL_START, "data_interval_end": INTERVAL_START.add(days=1),
    })
    return task


def _task_instance(run_id, try_number):
    return SimpleNamespace(dag_id=DAG_ID, task_id="build_version", run_id=run_id,
                           try_number=try_number, map_index=-1)


def _render(dag, run_type, run_id, params):
    return _rendered(dag, run_type, run_id, params).command(params)


UUID = r"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}"


def test_the_build_gets_the_tasks_openlineage_run_as_its_parent(dag, monkeypatch):
    run_id = "scheduled__2026-01-13T00:00:00+00:00"
    env = _rendered(dag, "scheduled", run_id, NO_PARAMS).environment()
    job = f"{DAG_ID}.build_version"
    assert set(env) == {"OPENLINEAGE_PARENT_ID", "OPENLINEAGE_PARENT_JOB_NAMESPACE",
                        "OPENLINEAGE_PARENT_JOB_NAME", "OPENLINEAGE_PARENT_RUN_ID"}
    assert re.fullmatch(f"default/{re.escape(job)}/{UUID}", env["OPENLINEAGE_PARENT_ID"])
    assert env["OPENLINEAGE_PARENT_ID"] == "/".join(
        [env["OPENLINEAGE_PARENT_JOB_NAMESPACE"], env["OPENLINEAGE_PARENT_JOB_NAME"],
         env["OPENLINEAGE_PARENT_RUN_ID"]])
    assert env["OPENLINEAGE_PARENT_JOB_NAME"] == job
    # One OpenLineage run per task try: the same try renders the same run, a retry another.
    again = _rendered(dag, "scheduled", run_id, NO_PARAMS).environment()
    retry = _rendered(dag, "scheduled", run_id, NO_PARAMS, try_number=2).environment()
    assert again == env
    assert retry["OPENLINEAGE_PARENT_RUN_ID"] != env["OPENLINEAGE_PARENT_RUN_ID"]
    # The namespace Airflow's OpenLineage integration is configured with.
    monkeypatch.setenv("OPENLINEAGE_NAMESPACE", "airflow-prod")
    assert tf.lineage_parent_id(_task_instance(run_id, 1)).startswith(f"airflow-prod/{job}/")


def test_rendered_command_of_a_scheduled_run_and_with_params(dag):
    run_id = "scheduled__2026-01-13T00:00:00+00:00"
    results = os.environ["TRAINFORGE_RESULT_DIR"]
    assert _render(dag, "scheduled", run_id, NO_PARAMS) == [
        "./submit.sh", "generate",
        "--config", "conf/datasets/card_fraud.conf",
        "--set", "dataset.version=20260112",
        "--set", "dataset.labels.window.start=2026-01-12T00:00:00Z",
        "--set", "dataset.labels.window.end=2026-01-13T00:00:00Z",
        "--run-id", run_id,
        "--result-file", f"{results}/{DAG_ID}/{run_id}.json",
    ]
    params = {"version": "{day}_fix1", "submit_options": "--conf spark.executor.memory=8g",
              "set": ["dataset.validation.checks.psi.fail = null"]}
    assert _render(dag, "manual", run_id, params)[:10] == [
        "./submit.sh", "--conf", "spark.executor.memory=8g",
        "generate", "--config", "conf/datasets/card_fraud.conf",
        "--set", "dataset.validation.checks.psi.fail = null",
        "--set", "dataset.version=20260112_fix1",
    ]
    for own in ("dataset.version=2", "dataset.labels.window.start=2026-01-01T00:00:00Z",
                "dataset.name = other", "no key value"):
        with pytest.raises(AirflowFailException, match="param set"):
            tf.extra_sets([own])


def test_version_names():
    day = pendulum.datetime(2026, 1, 14, tz="UTC")
    assert tf.version_name(day, "scheduled", "scheduled__2026-01-15T00:00:00+00:00") == "20260114"
    # Another run of the day: a new version, the same for every try of that run.
    backfill = tf.version_name(day, "backfill", "backfill__2026-01-15T00:00:00+00:00")
    assert backfill.startswith("20260114_backfill_") and len(backfill) == len("20260114_backfill_") + 8
    assert backfill == tf.version_name(day, "backfill", "backfill__2026-01-15T00:00:00+00:00")
    assert tf.version_name(day, "manual", "manual__a") != tf.version_name(day, "manual", "manual__b")
    assert tf.version_name(day, "asset_triggered", "x").startswith("20260114_asset_triggered_")
    assert tf.version_name(day, "manual", "manual__a", "{day}") == "20260114"
    assert tf.version_name(day, "scheduled", "s", "release_3") == "release_3"
    for bad in ("bad version", "20260114-fix"):  # '-' would not publish (Spark identifiers)
        with pytest.raises(AirflowFailException, match="not letters"):
            tf.version_name(day, "manual", "m", bad)


def test_exit_codes_that_a_retry_cannot_fix_fail_for_good():
    tf.raise_for_exit_code(0)
    for code in (2, 3):
        with pytest.raises(AirflowFailException, match=f"exited with {code}"):
            tf.raise_for_exit_code(code)
    for code in (1, 4, 137):
        with pytest.raises(AirflowException, match="retried") as failure:
            tf.raise_for_exit_code(code)
        assert not isinstance(failure.value, AirflowFailException)


def _metadata(table):
    """The table's current metadata, from the Iceberg JDBC catalog (SQLite)."""
    catalog = Path(os.environ["TRAINFORGE_HOME"]) / "catalog.db"
    with sqlite3.connect(catalog) as db:
        (location,) = db.execute(
            "SELECT metadata_location FROM iceberg_tables WHERE table_name = ?", (table,)
        ).fetchone()
    return json.loads(Path(location.removeprefix("file:")).read_text())


def _published_snapshot(tag, table="card_fraud"):
    metadata = _metadata(table)
    snapshot_id = metadata["refs"][tag]["snapshot-id"]
    return next(s for s in metadata["snapshots"] if s["snapshot-id"] == snapshot_id)


def _days_of(tag, table="card_fraud_daily"):
    """The days file of a rolling version: "YYYY-MM-DD" -> {built-by, checksum, rows}."""
    location = _published_snapshot(tag, table)["summary"]["trainforge.days"]
    return json.loads(Path(location.removeprefix("file:")).read_text())


def _asset_events(dataset="card_fraud"):
    from airflow.models.asset import AssetEvent, AssetModel
    from airflow.utils.session import create_session
    from sqlalchemy import select

    with create_session() as session:
        return [e.extra for e in session.scalars(
            select(AssetEvent).join(AssetModel, AssetEvent.asset_id == AssetModel.id)
            .where(AssetModel.uri == f"trainforge://datasets/{dataset}")
            .order_by(AssetEvent.id))]


def _run(dag, logical_date, **kwargs):
    """dag.test() for a logical date, failing at once instead of waiting for retries. The run id
    is the logical date's (run_after = logical_date), so running it again is the same run."""
    dag.get_task("build_version").retries = 0
    return dag.test(logical_date=logical_date, run_after=logical_date, **kwargs)


def _result(dag_id, run):
    return json.loads(
        (Path(os.environ["TRAINFORGE_RESULT_DIR"]) / dag_id / f"{run.run_id}.json").read_text())


def test_dag_test_builds_the_intervals_version(dag):
    # A manual run (dag.test() makes one) covers the last complete interval before its logical
    # date: the run at 2026-01-13T00:00 builds the day of 2026-01-12, as a version of its own.
    # Its OpenLineage events go to a file, to show the parent run the DAG passed.
    events = Path(os.environ["TRAINFORGE_RESULT_DIR"]) / "openlineage-events.jsonl"
    lineage = ["trainforge.lineage.transport = file", f'trainforge.lineage.file = "{events}"']
    run = _run(dag, INTERVAL_START.add(days=1), run_conf={"set": lineage})
    assert run.state == "success"
    sent = [json.loads(line) for line in events.read_text().splitlines()]
    assert [e["eventType"] for e in sent] == ["START", "COMPLETE"]
    ti = run.get_task_instance("build_version")
    parent = tf.lineage_parent_id(_task_instance(run.run_id, ti.try_number))
    namespace, job, run_uuid = parent.split("/", 2)
    for e in sent:
        facet = e["run"]["facets"]["parent"]
        assert facet["job"] == {"namespace": namespace, "name": job}
        assert facet["run"] == {"runId": run_uuid}
        assert e["run"]["facets"]["trainforge_run"]["orchestratorRunId"] == run.run_id
    assert (run.data_interval_start, run.data_interval_end) == (
        INTERVAL_START, INTERVAL_START.add(days=1))
    version = tf.version_name(INTERVAL_START, "manual", run.run_id)
    assert version.startswith("20260112_manual_")

    result = _result(DAG_ID, run)
    assert result["version"] == version and result["tag"] == f"v{version}"
    # Labels of that day only: a few hundred of the sample's 20000.
    assert 0 < result["rows-out"] < 2000
    assert "days" not in result

    snapshot = _published_snapshot(f"v{version}")
    assert snapshot["snapshot-id"] == result["snapshot-id"]
    assert snapshot["summary"]["trainforge.run-id"] == run.run_id
    assert snapshot["summary"]["trainforge.window-start"].startswith("2026-01-12T00:00")
    assert snapshot["summary"]["trainforge.window-end"].startswith("2026-01-13T00:00")

    assert {"dataset": "card_fraud", "version": version, "tag": f"v{version}",
            "snapshot-id": result["snapshot-id"], "table": result["table"],
            "verdict": result["verdict"], "report": result["report"],
            "rows": result["rows-out"], "rows-built": result["rows-out"],
            "existed": False} in _asset_events()
    assert result["verdict"] in ("PASS", "WARN") and result["report"]


def test_retry_of_a_run_returns_the_version_it_published(dag):
    # The same run again (dag.test() replaces the run of that logical date: same run id), as a
    # task retry after a publish would: the same version, which exists with the same config and
    # inputs, so generate recomputes nothing and exits 0 with it.
    run = _run(dag, INTERVAL_START.add(days=1))
    assert run.state == "success"
    result = _result(DAG_ID, run)
    assert result["existed"] is True
    assert result["version"] == tf.version_name(INTERVAL_START, "manual", run.run_id)
    assert result["snapshot-id"] == _published_snapshot(result["tag"])["snapshot-id"]


def test_move_dag_runs_submit_with_the_params_and_checks_them(dagbag):
    move = dagbag.get_dag(DAG_ID + "_main")
    task = move.get_task("move_main")
    assert [o.uri for o in task.outlets] == ["trainforge://datasets/card_fraud"]
    assert type(move.timetable).__name__ == "NullTimetable" and task.retries == 0
    assert task.command({"action": "promote", "version": "20260105", "reason": " ok "}) == [
        "./submit.sh", "promote", "20260105", "--reason", "ok",
        "--config", "conf/datasets/card_fraud.conf"]
    assert task.command({"action": "rollback", "version": "", "reason": "drift"}) == [
        "./submit.sh", "rollback", "--reason", "drift", "--config", "conf/datasets/card_fraud.conf"]
    for bad, match in (({"action": "drop", "reason": "x"}, "param action"),
                       ({"action": "promote", "version": "1", "reason": " "}, "param reason"),
                       ({"action": "retract", "version": "", "reason": "x"}, "param version"),
                       ({"action": "rollback", "version": "3", "reason": "x"}, "param version")):
        with pytest.raises(AirflowFailException, match=match):
            task.command(bad)


def test_a_promote_emits_an_asset_event_of_the_version_main_points_at(dagbag):
    # After the builds above, main points at the day built by test_dag_test_...: promote it again,
    # with a reason, through the DAG that moves main.
    metadata = _metadata("card_fraud")
    main_id = metadata["refs"]["main"]["snapshot-id"]
    tag = next(t for t, r in metadata["refs"].items() if r["type"] == "tag" and r["snapshot-id"] == main_id)
    move = dagbag.get_dag(DAG_ID + "_main")
    before = len(_asset_events())
    run = move.test(run_conf={"action": "promote", "version": tag[1:], "reason": "checked by hand"})
    assert run.state == "success"
    events = _asset_events()
    assert len(events) == before + 1
    event = events[-1]
    assert (event["tag"], event["version"], event["snapshot-id"]) == (tag, tag[1:], main_id)
    assert (event["moved"], event["reason"], event["dataset"]) == ("promote", "checked by hand", "card_fraud")
    moved = json.loads(_metadata("card_fraud")["properties"]["trainforge.main-moved"])
    assert (moved["action"], moved["tag"], moved["reason"]) == ("promote", tag, "checked by hand")


ROLLING_DAYS = ["2026-01-13", "2026-01-14", "2026-01-15"]


def test_rolling_dataset_three_days_make_one_version_holding_them(rolling_dag):
    # Three consecutive days, named as scheduled runs name them ({day}: a first backfill's way).
    results = []
    for day in ROLLING_DAYS:
        run = _run(rolling_dag, pendulum.parse(day).add(days=1), run_conf={"version": "{day}"})
        assert run.state == "success"
        results.append(_result(ROLLING_DAG_ID, run))
    assert [r["version"] for r in results] == ["20260113", "20260114", "20260115"]
    assert [r["days"]["count"] for r in results] == [1, 2, 3]
    last = results[-1]
    assert (last["days"]["first"], last["days"]["last"]) == ("2026-01-13", "2026-01-15")
    assert last["days"]["rows"] == sum(r["rows-out"] for r in results)

    days = _days_of("v20260115")
    assert sorted(days) == ROLLING_DAYS
    assert [days[d]["built-by"] for d in ROLLING_DAYS] == ["v20260113", "v20260114", "v20260115"]
    assert [days[d]["rows"] for d in ROLLING_DAYS] == [r["rows-out"] for r in results]
    assert _metadata("card_fraud_daily")["refs"]["main"]["snapshot-id"] == last["snapshot-id"]

    event = _asset_events("card_fraud_daily")[-1]
    assert event["version"] == "20260115" and event["days"] == last["days"]
    assert event["rows"] == last["days"]["rows"] and event["rows-built"] == last["rows-out"]
    assert event["verdict"] == last["verdict"] and event["report"] == last["report"]


def test_backfill_of_the_middle_day_replaces_only_it(rolling_dag):
    # Another run over 2026-01-14 (not the scheduled one): a new version, made on the head
    # (v20260115), that rebuilds that day and keeps the others as they were. Its drift baseline is
    # the report of the version that built the day before (2026-01-13): one day of the sample
    # against another can differ by a PSI above the gate, so the backfill relaxes that check with
    # the param set, as an expected change is published (README "Validation").
    before = _days_of("v20260115")
    run = _run(rolling_dag, pendulum.datetime(2026, 1, 15, 1, tz="UTC"),
               run_conf={"set": ["dataset.validation.checks.psi.fail=null"]})
    assert run.state == "success"
    assert run.data_interval_start == pendulum.datetime(2026, 1, 14, tz="UTC")
    result = _result(ROLLING_DAG_ID, run)
    version = result["version"]
    assert version == tf.version_name(run.data_interval_start, "manual", run.run_id)
    assert version.startswith("20260114_manual_") and result["existed"] is False
    assert result["days"] == {"count": 3, "first": "2026-01-13", "last": "2026-01-15",
                              "rows": sum(d["rows"] for d in before.values())}

    days = _days_of(f"v{version}")
    assert sorted(days) == ROLLING_DAYS
    assert days["2026-01-14"]["built-by"] == f"v{version}"
    # The same inputs: the rebuilt day has the rows and checksum it had.
    assert {k: days["2026-01-14"][k] for k in ("rows", "checksum")} == {
        k: before["2026-01-14"][k] for k in ("rows", "checksum")}
    assert days["2026-01-13"] == before["2026-01-13"]
    assert days["2026-01-15"] == before["2026-01-15"]
    assert _metadata("card_fraud_daily")["refs"]["main"]["snapshot-id"] == result["snapshot-id"]
    # The versions the scheduled runs published are unchanged.
    assert _days_of("v20260115") == before


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
