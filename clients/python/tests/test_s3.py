"""trainforge_client.load of a version whose warehouse is on S3 (s3a://), through pyarrow.

Needs a trainforge home whose catalog holds version 1 of the sample with an s3a:// warehouse, and
the S3 settings as the Java side takes them from the environment: TRAINFORGE_CLIENT_TEST_S3_HOME,
TRAINFORGE_CLIENT_TEST_S3_CATALOG (the catalog name of that build), TRAINFORGE_S3_ENDPOINT,
TRAINFORGE_S3_REGION, TRAINFORGE_S3_PATH_STYLE_ACCESS, AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY.
The Java integration test S3aIT sets them (S3Proxy on 127.0.0.1) and runs this file alone;
without them these tests are skipped.
"""

from __future__ import annotations

import os
from pathlib import Path

import pandas as pd
import pytest

from trainforge_client import load

from conftest import CONFIG

HOME = os.environ.get("TRAINFORGE_CLIENT_TEST_S3_HOME")
CATALOG = os.environ.get("TRAINFORGE_CLIENT_TEST_S3_CATALOG", "trainforge")

pytestmark = pytest.mark.skipif(
    not HOME, reason="TRAINFORGE_CLIENT_TEST_S3_HOME is not set (S3aIT sets it)"
)


def test_loads_a_version_whose_data_is_on_s3():
    assert (Path(HOME) / "catalog.db").is_file()
    v = load("v1", config=CONFIG, home=HOME, catalog_name=CATALOG)
    assert v.iceberg_table.location().startswith("s3a://")
    files = [task.file.file_path for task in v.scan().plan_files()]
    assert files and all(f.startswith("s3a://") for f in files)
    df = v.to_pandas()
    assert len(df) == v.rows == 20000
    assert v.content_checksum.split(":")[0] == "20000"
    assert str(df["txn_time"].dtype) == "datetime64[us, UTC]"
    assert str(df["user_id"].dtype) == "Int64"


def test_current_on_s3_is_v1_and_reads_the_same_rows():
    current = load(config=CONFIG, home=HOME, catalog_name=CATALOG)
    v1 = load(1, table=f"{CATALOG}.datasets.card_fraud", home=HOME)
    assert current.tag == "v1" and current.snapshot_id == v1.snapshot_id
    a = current.to_pandas().sort_values("transaction_id", ignore_index=True)
    b = v1.to_pandas().sort_values("transaction_id", ignore_index=True)
    pd.testing.assert_frame_equal(a, b)
