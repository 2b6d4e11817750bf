"""A real build of the sample dataset (conf/datasets/card_fraud.conf, version 1) to read back.

Set TRAINFORGE_CLIENT_TEST_HOME to a trainforge home that already holds version 1 of the sample
(and TRAINFORGE_CLIENT_TEST_CATALOG to the catalog name it was built with, default trainforge):
the Java integration test PythonClientIT does. Otherwise the tests build one in a temporary
directory with ./submit.sh generate (the application jar must exist: ./mvnw -o -B -q -DskipTests
-DskipITs package).
"""

from __future__ import annotations

import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CONFIG = REPO / "conf" / "datasets" / "card_fraud.conf"


@dataclass(frozen=True)
class Sample:
    home: Path
    catalog: str
    config: Path = CONFIG

    @property
    def table(self) -> str:
        return f"{self.catalog}.datasets.card_fraud"


@pytest.fixture(scope="session")
def sample(tmp_path_factory) -> Sample:
    given = os.environ.get("TRAINFORGE_CLIENT_TEST_HOME")
    catalog = os.environ.get("TRAINFORGE_CLIENT_TEST_CATALOG", "trainforge")
    if given:
        home = Path(given)
        assert (home / "catalog.db").is_file(), f"TRAINFORGE_CLIENT_TEST_HOME={given} has no catalog.db"
        return Sample(home, catalog)
    home = tmp_path_factory.mktemp("trainforge-home")
    result = subprocess.run(
        [
            str(REPO / "submit.sh"),
            "generate",
            "--config",
            str(CONFIG),
            "--set",
            f"trainforge.home={home}",
            "--set",
            f"trainforge.catalog.name={catalog}",
        ],
        cwd=REPO,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert result.returncode == 0, f"sample build failed:\n{result.stdout}\n{result.stderr}"
    return Sample(home, catalog)
