"""load() of "current" follows what promote, rollback and retract (``submit.sh``) do to main.

Needs two versions of the sample: it builds v2 (user_auth's max age 2d) into the sample's home with
``./submit.sh generate`` when the home holds v1 only (PythonClientIT builds v2 in its JVM first).
It moves main, so it runs alone, after the other tests (PythonClientIT runs it in a second pytest).
"""

from __future__ import annotations

import subprocess

import pytest

from trainforge_client import load, versions

from conftest import CONFIG, REPO


def submit(sample, *args: str) -> str:
    result = subprocess.run(
        [
            str(REPO / "submit.sh"),
            *args,
            "--config",
            str(CONFIG),
            "--set",
            f"trainforge.home={sample.home}",
            "--set",
            f"trainforge.catalog.name={sample.catalog}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"submit.sh {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def two_versions(sample):
    if versions(table=sample.table, home=sample.home) == ["v1"]:
        submit(sample, "generate", "--set", "dataset.version=2", "--set", "dataset.features.user_auth.max-age=2d")
    assert versions(table=sample.table, home=sample.home) == ["v1", "v2"]
    return sample


def current(sample):
    return load(table=sample.table, home=sample.home)


def test_current_follows_rollback_promote_and_retract(two_versions):
    sample = two_versions
    v1 = load("v1", table=sample.table, home=sample.home)
    v2 = load("v2", table=sample.table, home=sample.home)
    assert v1.snapshot_id != v2.snapshot_id
    now = current(sample)
    assert (now.tag, now.snapshot_id, now.current) == ("v2", v2.snapshot_id, True)

    out = submit(sample, "rollback", "--reason", "v2 drifts")
    assert out.startswith(f"main -> v1 (snapshot {v1.snapshot_id}), was v2; rolled back to ")
    now = current(sample)
    assert (now.tag, now.snapshot_id, now.current) == ("v1", v1.snapshot_id, True)
    assert not load("v2", table=sample.table, home=sample.home).current
    assert now.to_arrow().num_rows == v1.rows

    submit(sample, "promote", "2", "--reason", "drift was expected")
    now = current(sample)
    assert (now.tag, now.snapshot_id) == ("v2", v2.snapshot_id)
    assert now.retracted is None

    out = submit(sample, "retract", "v2", "--reason", "labels of v2 leak")
    assert out.startswith(f"main -> v1 (snapshot {v1.snapshot_id}), was v2;")
    now = current(sample)
    assert (now.tag, now.snapshot_id) == ("v1", v1.snapshot_id)
    # A retracted version stays readable by its tag, marked with why, by whom and when.
    gone = load("v2", table=sample.table, home=sample.home)
    assert not gone.current
    assert gone.retracted["action"] == "retract"
    assert gone.retracted["reason"] == "labels of v2 leak"
    assert gone.retracted["by"] and gone.retracted["at"]
    assert gone.to_arrow().num_rows == v2.rows

    submit(sample, "promote", "v2", "--reason", "false alarm")
    now = current(sample)
    assert (now.tag, now.retracted) == ("v2", None)
