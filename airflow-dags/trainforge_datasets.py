"""One daily Airflow DAG per trainforge dataset file: ``conf/datasets/<file>.conf`` of the repo.

For a dataset named ``<name>`` (its ``dataset.name``, read from the file) the DAG is
``trainforge_<name>``. Each run builds the labels of its data interval
[data_interval_start, data_interval_end) through ``submit.sh generate``, records the Airflow run id
in the version's Iceberg snapshot summary (``trainforge.run-id``), and emits an event on the Asset
``trainforge://datasets/<name>`` so that training DAGs can be scheduled on it. A dataset with
``dataset.retention`` (a rolling dataset) gets the same DAG: each run computes its day and publishes
a version holding the retained days (README.md, "Rolling datasets").

Version names (versions are immutable: the same name with other inputs exits 2):
  scheduled run         YYYYMMDD of the interval's start, e.g. 20260105 (tag v20260105);
  any other run         YYYYMMDD_<run type>_<8 hex of sha256(run id)>, e.g.
  (manual, backfill)    20260105_backfill_1f0c93ab: a new version, which replaces that day of a
                        rolling dataset while keeping the newer days; stable across the task
                        retries of the run (same run id), so a retry returns what it published;
  param ``version``     used as given, ``{day}`` replaced by YYYYMMDD: ``{"version": "{day}"}``
                        gives the plain day names to a first backfill of days never built.

Params (trigger form or ``--conf``/``--dag-run-conf`` JSON):
  version         see above; "" (default) names the version automatically
  set             extra ``--set KEY=VALUE`` overrides of the dataset file, e.g.
                  ["dataset.validation.checks.psi.fail=null"]; not dataset.name, .version or
                  .labels.window.* (the DAG sets those)
  submit_options  extra submit.sh (Spark) options, after TRAINFORGE_SUBMIT_OPTIONS, e.g.
                  "--conf spark.executor.memory=8g"

Settings (environment of the Airflow DAG processor and workers, read when this file is parsed):
  TRAINFORGE_REPO             the trainforge checkout with submit.sh and conf/datasets/ (default:
                              this file's repo)
  TRAINFORGE_SUBMIT_OPTIONS   Spark options for submit.sh, e.g. "--master spark://host:7077"
  TRAINFORGE_RESULT_DIR       where each run's result JSON goes (<repo>/trainforge-data/airflow)
  TRAINFORGE_START_DATE       the first interval (2026-01-01, the sample data's first day)
  TRAINFORGE_POOL             the Airflow pool of the builds (trainforge_spark; create it:
                              airflow pools set trainforge_spark 2 "trainforge Spark builds")
  OPENLINEAGE_NAMESPACE       the OpenLineage namespace of the Airflow jobs ("default"), as the
                              Airflow OpenLineage provider reads it
and whatever submit.sh and the job read (TRAINFORGE_HOME, TRAINFORGE_S3_ENDPOINT, AWS_*...).

OpenLineage: the build's own run events (trainforge.lineage.*, README.md) name the Airflow task's
OpenLineage run as their parent, so that Marquez and the like join the two: the DAG passes
OPENLINEAGE_PARENT_ID=<namespace>/<dag_id>.<task_id>/<run UUID> (and the three parts as
OPENLINEAGE_PARENT_JOB_NAMESPACE, OPENLINEAGE_PARENT_JOB_NAME, OPENLINEAGE_PARENT_RUN_ID) to
submit.sh. With the apache-airflow-providers-openlineage package installed, the value is its macro
lineage_parent_id(task_instance), the run id the provider's own events carry; without it, the same
form with a UUID derived from the task try (stable across renders of one try).

Moving main (what readers of "current" get): each dataset also has a DAG ``trainforge_<name>_main``,
triggered by hand, that runs ``submit.sh promote|rollback|retract`` (params ``action``, ``version``,
``reason``) and then emits an event on the same Asset for the version main points at now, its
extra saying what moved it (``moved``, ``reason``). Training DAGs scheduled on the Asset thus run
again after a rollback as after a build, and ``trainforge_client.load()`` of "current" reads it.

Backfill with Airflow's backfill (the scheduler runs it, one interval at a time):
  airflow backfill create --dag-id trainforge_card_fraud --from-date 2026-01-05 --to-date 2026-01-11
"""

from __future__ import annotations

import hashlib
import json
import logging
import os
import re
import shlex
import subprocess
import uuid
from datetime import timedelta
from pathlib import Path

import pendulum
from airflow.exceptions import AirflowException, AirflowFailException
from airflow.sdk import DAG, Asset, BaseOperator, Param
from airflow.timetables.interval import CronDataIntervalTimetable

log = logging.getLogger(__name__)

REPO = os.environ.get("TRAINFORGE_REPO", str(Path(__file__).resolve().parent.parent))
DATASETS_DIR = "conf/datasets"
SUBMIT_OPTIONS = shlex.split(os.environ.get("TRAINFORGE_SUBMIT_OPTIONS", ""))
RESULT_DIR = os.environ.get("TRAINFORGE_RESULT_DIR", f"{REPO}/trainforge-data/airflow")
START_DATE = pendulum.parse(os.environ.get("TRAINFORGE_START_DATE", "2026-01-01"), tz="UTC")
POOL = os.environ.get("TRAINFORGE_POOL", "trainforge_spark")

# The rule of trainforge's config loader for dataset.name.
DATASET_NAME = re.compile(r"[a-z][a-z0-9_]*")
# Versions: the config loader also takes '.' and '-', but a version name becomes part of the audit
# branch's unquoted Spark identifier, so only letters, digits and '_' publish.
VERSION_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_]*")

# --------------------------------------------------------------------------------------------
# dataset.name from a HOCON file, without a HOCON library (none is installed with Airflow).
# --------------------------------------------------------------------------------------------

_TOKEN = re.compile(
    r'"""(?:.|\n)*?"""'            # a triple-quoted string
    r'|"(?:[^"\\\n]|\\.)*"'         # a quoted string
    r"|(?:#|//)[^\n]*"              # a comment
    r"|\$\{[^}\n]*\}"               # a substitution
    r"|\+=|[{}\[\]=:,\n]"           # punctuation (newlines separate fields)
    r"|[ \t\r]+"                    # blanks
    r'|(?:[^\s"{}\[\]=:,#+/]|/(?!/)|\+(?!=))+'  # an unquoted run
)


def _tokens(text: str) -> list[str]:
    tokens, pos = [], 0
    while pos < len(text):
        match = _TOKEN.match(text, pos)
        if match is None:  # a lone character of no token (cannot happen with the last branch)
            raise ValueError(f"cannot read character {text[pos]!r} at offset {pos}")
        token = match.group()
        pos = match.end()
        if token.startswith(("#", "//")) or token.strip(" \t\r") == "":
            continue
        tokens.append(token)
    return tokens


def _key_path(tokens: list[str]) -> list[str]:
    """A HOCON key (tokens before '=', ':' or '{') as path segments: a.b."c.d" -> [a, b, c.d]."""
    path: list[str] = []
    for token in tokens:
        if token.startswith('"'):
            path.append(json.loads(token))
        else:
            path.extend(p for p in token.split(".") if p != "")
    return path


def dataset_name_of(text: str) -> str | None:
    """``dataset.name`` of a HOCON dataset file, or None when the file does not set it as a plain
    value (a substitution ``${...}``, an include, an array or an object): the caller falls back
    to the file name and the DAG checks the built dataset's name. The last assignment wins, as in
    HOCON; ``dataset { name = x }``, ``dataset.name = x``, ``dataset = { name: "x" }`` all work."""
    tokens = _tokens(text)
    stack: list[list[str]] = [[]]  # the path of each open object
    found: str | None = None
    i = 0

    def skip_value(j: int) -> int:
        """Index after a value starting at j that is an array or an object (nested)."""
        depth = 0
        while j < len(tokens):
            if tokens[j] in ("[", "{"):
                depth += 1
            elif tokens[j] in ("]", "}"):
                depth -= 1
                if depth == 0:
                    return j + 1
            j += 1
        return j

    while i < len(tokens):
        token = tokens[i]
        if token in ("\n", ","):
            i += 1
            continue
        if token == "}":
            if len(stack) > 1:
                stack.pop()
            i += 1
            continue
        if token == "include":
            while i < len(tokens) and tokens[i] not in ("\n", ",", "}"):
                i += 1
            continue
        # A key: tokens up to a separator or '{'.
        start = i
        while i < len(tokens) and tokens[i] not in ("=", ":", "+=", "{", "\n", ",", "}", "["):
            i += 1
        key = stack[-1] + _key_path(tokens[start:i])
        if i >= len(tokens) or tokens[i] in ("\n", ",", "}", "["):
            if i < len(tokens) and tokens[i] == "[":
                i = skip_value(i)
            continue  # not a field (a stray token): skip it
        separator = tokens[i]
        if separator in ("=", ":", "+="):
            i += 1
            while i < len(tokens) and tokens[i] == "\n":
                i += 1
        if i < len(tokens) and tokens[i] == "{":
            stack.append(key)  # an object (merged with an earlier one of the same key)
            if key == ["dataset", "name"]:
                found = None
            i += 1
            continue
        if i < len(tokens) and tokens[i] == "[":
            i = skip_value(i)
            if key == ["dataset", "name"]:
                found = None
            continue
        value_tokens = []
        while i < len(tokens) and tokens[i] not in ("\n", ",", "}"):
            value_tokens.append(tokens[i])
            i += 1
        if key == ["dataset", "name"]:
            found = _plain_value(value_tokens, separator)
    return found


def _plain_value(tokens: list[str], separator: str) -> str | None:
    if separator == "+=" or len(tokens) != 1:
        return None  # an append, a concatenation or nothing
    token = tokens[0]
    if token.startswith('"""'):
        return token[3:-3]
    if token.startswith('"'):
        return json.loads(token)
    if token.startswith("${"):
        return None
    return token


def dataset_of_file(path: Path) -> str:
    """The dataset name of a dataset file: its ``dataset.name``, or else the file stem.
    Raises ValueError when neither is a valid dataset name."""
    name = dataset_name_of(path.read_text(encoding="utf-8"))
    if name is None:
        log.warning("%s: dataset.name is not a plain value; using the file name %r", path, path.stem)
        name = path.stem
    if not DATASET_NAME.fullmatch(name):
        raise ValueError(f"{path}: dataset name {name!r} is not lower-case letters, digits and "
                         "underscores starting with a letter")
    return name


# --------------------------------------------------------------------------------------------
# The build task
# --------------------------------------------------------------------------------------------

# submit.sh exit codes that a retry cannot fix (see README "Running it"): 2 is a usage or
# configuration error, or the version exists with another config or other inputs (a retry of a
# run that published exits 0: generate is idempotent); 3 is a failed validation (nothing was
# published). 1 (unexpected or infrastructure, or a rolling build whose head moved meanwhile: the
# retry builds on the new head) and 4 (an input is missing, it may still arrive) are retried.
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


def version_name(interval_start, run_type: str, run_id: str, requested: str = "") -> str:
    """The version a run builds (see the module's docstring). Depends only on the run, never on
    the try, so that a retry of a run asks for the version the run may already have published."""
    run_type = getattr(run_type, "value", run_type)  # DagRunType or its string
    day = pendulum.instance(interval_start).in_timezone("UTC").strftime("%Y%m%d")
    if requested:
        version = requested.replace("{day}", day)
    elif run_type == "scheduled":
        version = day
    else:
        digest = hashlib.sha256(run_id.encode("utf-8")).hexdigest()[:8]
        version = f"{day}_{run_type}_{digest}"
    if not VERSION_NAME.fullmatch(version):
        raise AirflowFailException(
            f"version {version!r} (param version={requested!r}) is not letters, digits and '_'")
    return version


# Keys the DAG sets itself: the params' extra overrides may not.
_OWN_KEYS = re.compile(r"\s*dataset\.(name|version|labels\.window(\.\w+)?)\s*[=:{]")


def extra_sets(sets) -> list[str]:
    """The ``--set`` arguments of the param ``set`` (a list of "KEY=VALUE")."""
    if isinstance(sets, str):
        sets = [sets] if sets.strip() else []
    args = []
    for s in sets or []:
        if not isinstance(s, str) or "=" not in s and ":" not in s:
            raise AirflowFailException(f"param set: {s!r} is not KEY=VALUE")
        if _OWN_KEYS.match(s):
            raise AirflowFailException(
                f"param set: {s!r} sets a key the DAG sets (the dataset's name, the version or the"
                " label window); use the param version for the version")
        args += ["--set", s.strip()]
    return args


def lineage_parent_id(task_instance) -> str:
    """``<namespace>/<job>/<run id>`` of this task try's OpenLineage run: the Airflow OpenLineage
    provider's macro when the provider is installed, else the same form computed here (namespace
    from OPENLINEAGE_NAMESPACE or "default", job ``<dag_id>.<task_id>``, a UUID derived from the
    dag, task, run, try and map index)."""
    try:
        from airflow.providers.openlineage.plugins.macros import (
            lineage_parent_id as provided,
        )
    except ImportError:
        provided = None
    if provided is not None:
        return provided(task_instance)
    namespace = os.environ.get("OPENLINEAGE_NAMESPACE", "default")
    job = f"{task_instance.dag_id}.{task_instance.task_id}"
    try_key = (f"{namespace}/{job}/{task_instance.run_id}/{task_instance.try_number}"
               f"/{getattr(task_instance, 'map_index', -1)}")
    run = uuid.uuid5(uuid.NAMESPACE_URL, "airflow-task-try:" + try_key)
    return f"{namespace}/{job}/{run}"


def lineage_environment(parent: str) -> dict[str, str]:
    """The environment that passes the parent run to the build: OPENLINEAGE_PARENT_ID, which
    trainforge reads, and its parts as the OpenLineage integrations name them."""
    if not parent:
        return {}
    namespace, job, run = parent.split("/", 2)
    return {
        "OPENLINEAGE_PARENT_ID": parent,
        "OPENLINEAGE_PARENT_JOB_NAMESPACE": namespace,
        "OPENLINEAGE_PARENT_JOB_NAME": job,
        "OPENLINEAGE_PARENT_RUN_ID": run,
    }


class TrainforgeBuildOperator(BaseOperator):
    """Runs ``submit.sh generate`` for a dataset file and publishes its result as an Asset event."""

    template_fields = (
        "version", "window_start", "window_end", "run_id_arg", "result_file", "lineage_parent")
    ui_color = "#d9ecf2"

    def __init__(
        self, *, repo: str, config: str, dataset: str, submit_options: list[str], version: str,
        window_start: str, window_end: str, run_id_arg: str, result_file: str, asset: Asset,
        lineage_parent: str = "", **kwargs,
    ) -> None:
        super().__init__(outlets=[asset], **kwargs)
        self.repo = repo
        self.config = config
        self.dataset = dataset
        self.submit_options = submit_options
        self.version = version
        self.window_start = window_start
        self.window_end = window_end
        self.run_id_arg = run_id_arg
        self.result_file = result_file
        self.asset = asset
        self.lineage_parent = lineage_parent
        self._process: subprocess.Popen | None = None

    def environment(self) -> dict[str, str]:
        """What the build's process gets on top of the worker's environment (after rendering)."""
        return lineage_environment(self.lineage_parent)

    def command(self, params=None) -> list[str]:
        """The full submit.sh command (after rendering), with the run's params."""
        params = params or {}
        return [
            "./submit.sh", *self.submit_options,
            *shlex.split(params.get("submit_options") or ""),
            "generate", "--config", self.config,
            *extra_sets(params.get("set")),
            "--set", f"dataset.version={self.version}",
            "--set", f"dataset.labels.window.start={self.window_start}",
            "--set", f"dataset.labels.window.end={self.window_end}",
            "--run-id", self.run_id_arg, "--result-file", self.result_file,
        ]

    def execute(self, context):
        command = self.command(context["params"])
        result = Path(self.result_file)
        result.parent.mkdir(parents=True, exist_ok=True)
        result.unlink(missing_ok=True)
        extra = self.environment()
        self.log.info("Running in %s: %s", self.repo, shlex.join(command))
        if extra:
            self.log.info("OpenLineage parent run: %s", extra["OPENLINEAGE_PARENT_ID"])
        self._process = subprocess.Popen(
            command, cwd=self.repo, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
            env={**os.environ, **extra})
        for line in self._process.stdout:
            self.log.info("%s", line.rstrip())
        raise_for_exit_code(self._process.wait())
        built = json.loads(result.read_text())
        if built["dataset"] != self.dataset:
            raise AirflowFailException(
                f"{self.config} built dataset {built['dataset']!r}, but this DAG publishes"
                f" {self.dataset!r} (its Asset {self.asset.uri}); not retried")
        event = asset_event_extra(built)
        context["outlet_events"][self.asset].extra = event
        self.log.info("Published %s", event)
        return built

    def on_kill(self) -> None:
        if self._process is not None and self._process.poll() is None:
            self._process.terminate()


def asset_event_extra(built: dict) -> dict:
    """The Asset event's extra, from the result file: which version, how it validated, its rows
    (the version's: all its days for a rolling dataset), the days it holds and the report."""
    extra = {key: built[key] for key in ("dataset", "version", "tag", "snapshot-id", "table")}
    extra["verdict"] = built.get("verdict")
    extra["report"] = built.get("report")
    extra["rows-built"] = built.get("rows-out")
    extra["existed"] = built.get("existed")
    days = built.get("days")
    extra["rows"] = days["rows"] if days else built.get("rows-out")
    if days:
        extra["days"] = days
    return extra


# --------------------------------------------------------------------------------------------
# The DAGs
# --------------------------------------------------------------------------------------------

# The interval's bounds as ISO instants in UTC, the form dataset.labels.window.* takes.
_INSTANT = "%Y-%m-%dT%H:%M:%SZ"
WINDOW_START = "{{ data_interval_start.in_timezone('UTC').strftime('" + _INSTANT + "') }}"
WINDOW_END = "{{ data_interval_end.in_timezone('UTC').strftime('" + _INSTANT + "') }}"
VERSION = ("{{ trainforge_version(data_interval_start, dag_run.run_type, run_id,"
           " params.version) }}")


def dataset_asset(name: str) -> Asset:
    """The Asset of a dataset. Training DAGs schedule on
    ``schedule=[Asset("trainforge://datasets/<name>")]``."""
    return Asset(name=f"trainforge_{name}", uri=f"trainforge://datasets/{name}")


def make_dag(config: Path, name: str) -> DAG:
    """The daily DAG of a dataset file (a path under the repo) and its dataset name."""
    relative = config.resolve().relative_to(Path(REPO).resolve()).as_posix()
    with DAG(
        dag_id=f"trainforge_{name}",
        description=f"Builds the day's version of the trainforge dataset '{name}' ({relative})",
        # A data-interval timetable: each run covers [midnight, next midnight) UTC. (In Airflow 3
        # a cron string means CronTriggerTimetable, whose interval is empty.)
        schedule=CronDataIntervalTimetable("0 0 * * *", timezone="UTC"),
        start_date=START_DATE,
        catchup=False,
        # One build at a time: the builds of a backfill publish in interval order, so the table's
        # main branch ends at the newest interval (a rolling dataset: each builds on the last).
        max_active_runs=1,
        default_args={
            "retries": 3,
            "retry_delay": timedelta(minutes=10),
            "execution_timeout": timedelta(hours=2),
        },
        params={
            "version": Param(
                "", type="string",
                description="The version's name; empty: YYYYMMDD for a scheduled run, "
                            "YYYYMMDD_<run type>_<hash of the run id> otherwise. {day} is "
                            "replaced by YYYYMMDD."),
            "set": Param(
                [], type="array", items={"type": "string"},
                description="Extra --set KEY=VALUE overrides of the dataset file"),
            "submit_options": Param(
                "", type="string",
                description="Extra submit.sh options, e.g. --conf spark.executor.memory=8g"),
        },
        user_defined_macros={
            "trainforge_version": version_name,
            "trainforge_lineage_parent_id": lineage_parent_id,
        },
        tags=["trainforge"],
    ) as dag:
        TrainforgeBuildOperator(
            task_id="build_version",
            repo=REPO,
            config=relative,
            dataset=name,
            submit_options=SUBMIT_OPTIONS,
            version=VERSION,
            window_start=WINDOW_START,
            window_end=WINDOW_END,
            run_id_arg="{{ run_id }}",
            result_file=RESULT_DIR + "/{{ dag.dag_id }}/{{ run_id }}.json",
            lineage_parent="{{ trainforge_lineage_parent_id(task_instance) }}",
            asset=dataset_asset(name),
            pool=POOL,
        )
    return dag


# --------------------------------------------------------------------------------------------
# Moving main: promote, rollback, retract
# --------------------------------------------------------------------------------------------

MOVES = ("promote", "rollback", "retract")


def move_args(params) -> list[str]:
    """The ``submit.sh`` command and arguments of a move, from the params ``action``, ``version``
    (promote and retract; not rollback) and ``reason`` (required)."""
    params = params or {}
    action = (params.get("action") or "").strip()
    version = str(params.get("version") or "").strip()
    reason = (params.get("reason") or "").strip()
    if action not in MOVES:
        raise AirflowFailException(f"param action: {action!r} is not one of {', '.join(MOVES)}")
    if not reason:
        raise AirflowFailException("param reason: say why main moves (it is recorded with it)")
    if action == "rollback":
        if version:
            raise AirflowFailException(
                "param version: rollback takes none (it goes back to the newest older version"
                " that is not retracted); promote names one")
        return [action, "--reason", reason]
    if not version:
        raise AirflowFailException(f"param version: {action} needs the version, e.g. 20260105")
    return [action, version, "--reason", reason]


class TrainforgeMoveOperator(BaseOperator):
    """Runs ``submit.sh promote|rollback|retract`` for a dataset file, then publishes the version
    ``main`` points at (``submit.sh list --json``) as an event on the dataset's Asset."""

    ui_color = "#f2e6d9"

    def __init__(
        self, *, repo: str, config: str, dataset: str, submit_options: list[str], asset: Asset,
        **kwargs,
    ) -> None:
        super().__init__(outlets=[asset], **kwargs)
        self.repo = repo
        self.config = config
        self.dataset = dataset
        self.submit_options = submit_options
        self.asset = asset

    def command(self, params=None) -> list[str]:
        return ["./submit.sh", *self.submit_options, *move_args(params),
                "--config", self.config]

    def _submit(self, command: list[str]) -> str:
        self.log.info("Running in %s: %s", self.repo, shlex.join(command))
        done = subprocess.run(command, cwd=self.repo, capture_output=True, text=True)
        for line in (done.stdout + done.stderr).splitlines():
            self.log.info("%s", line)
        raise_for_exit_code(done.returncode)
        return done.stdout

    def execute(self, context):
        params = context["params"]
        self._submit(self.command(params))
        listing = json.loads(self._submit(
            ["./submit.sh", *self.submit_options, "list", "--json", "--config", self.config]))
        current = [v for v in listing if v["main"]]
        if not current:
            raise AirflowFailException(
                f"after {params.get('action')}, main of {self.dataset!r} points at no version")
        event = moved_event_extra(self.dataset, current[-1], params)
        context["outlet_events"][self.asset].extra = event
        self.log.info("Main of %s: %s", self.dataset, event)
        return event


def moved_event_extra(dataset: str, current: dict, params) -> dict:
    """The Asset event's extra after a move: the version main points at (as a build's event names
    it) and what moved it."""
    return {
        "dataset": dataset,
        "version": current["version"],
        "tag": current["tag"],
        "snapshot-id": current["snapshot-id"],
        "verdict": current.get("validation"),
        "report": current.get("report"),
        "rows": current.get("rows"),
        "existed": True,
        "moved": params.get("action"),
        "reason": (params.get("reason") or "").strip(),
    }


def make_move_dag(config: Path, name: str) -> DAG:
    """The DAG that moves main of a dataset, triggered by hand with its params."""
    relative = config.resolve().relative_to(Path(REPO).resolve()).as_posix()
    with DAG(
        dag_id=f"trainforge_{name}_main",
        description=f"Moves main of the trainforge dataset '{name}' ({relative}): promote,"
                    " rollback or retract, then an event on its Asset",
        schedule=None,
        start_date=START_DATE,
        catchup=False,
        max_active_runs=1,
        # A rollback done twice goes back twice: never retried.
        default_args={"retries": 0, "execution_timeout": timedelta(minutes=30)},
        params={
            "action": Param("promote", type="string", enum=list(MOVES),
                            description="promote VERSION, rollback, or retract VERSION"),
            "version": Param("", type="string",
                             description="The version (e.g. 20260105) for promote and retract"),
            "reason": Param("", type="string", description="Why: recorded with who and when"),
        },
        tags=["trainforge"],
    ) as dag:
        TrainforgeMoveOperator(
            task_id="move_main",
            repo=REPO,
            config=relative,
            dataset=name,
            submit_options=SUBMIT_OPTIONS,
            asset=dataset_asset(name),
        )
    return dag


def make_dags(repo: str = REPO) -> dict[str, DAG]:
    """One DAG per dataset file of the repo (and its DAG that moves main), by dag id. A file whose name cannot be read, or whose
    dataset another file already has, gets no DAG (logged): the other datasets keep theirs."""
    dags: dict[str, DAG] = {}
    for config in sorted(Path(repo, DATASETS_DIR).glob("*.conf")):
        try:
            name = dataset_of_file(config)
        except (OSError, ValueError) as e:
            log.error("No DAG for %s: %s", config, e)
            continue
        if f"trainforge_{name}" in dags:
            log.error("No DAG for %s: dataset %r has a DAG already", config, name)
            continue
        dags[f"trainforge_{name}"] = make_dag(config, name)
        dags[f"trainforge_{name}_main"] = make_move_dag(config, name)
    return dags


globals().update(make_dags())
