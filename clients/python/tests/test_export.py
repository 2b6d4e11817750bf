"""An export of the sample's v1 (``submit.sh export``) read back by pandas (through pyarrow) and by
DuckDB: every timestamp is an instant in UTC with microseconds, equal to the version's own.

Set TRAINFORGE_CLIENT_TEST_EXPORT to a Parquet export of the sample's v1 (PythonClientIT writes one
in its JVM); otherwise the test exports it with ./submit.sh export (see conftest.py for the build).
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

from trainforge_client import load

from conftest import CONFIG, REPO

KEY = "transaction_id"


@pytest.fixture(scope="module")
def exported(sample, tmp_path_factory) -> Path:
    given = os.environ.get("TRAINFORGE_CLIENT_TEST_EXPORT")
    if given:
        return Path(given)
    to = tmp_path_factory.mktemp("export") / "card_fraud_v1"
    result = subprocess.run(
        [
            str(REPO / "submit.sh"),
            "export",
            "v1",
            "--format",
            "parquet",
            "--to",
            str(to),
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
    assert result.returncode == 0, f"export failed:\n{result.stdout}\n{result.stderr}"
    return to


def micros(column: pa.ChunkedArray | pa.Array) -> list[int | None]:
    """Microseconds since the epoch (UTC), nulls as None."""
    assert pa.types.is_timestamp(column.type) and column.type.unit == "us", column.type
    return column.cast(pa.int64()).to_pylist()


def test_export_reads_back_in_pandas_and_duckdb_with_the_versions_utc_micros(sample, exported):
    v = load("v1", table=sample.table, home=sample.home)
    mine = v.to_arrow().sort_by(KEY)
    times = [f.name for f in mine.schema if pa.types.is_timestamp(f.type)]
    assert "txn_time" in times and len(times) > 1, times
    for name in times:
        assert mine.schema.field(name).type == pa.timestamp("us", tz="UTC"), name

    manifest = json.loads((exported / "_trainforge_manifest.json").read_text())
    assert (manifest["tag"], manifest["snapshot-id"], manifest["rows"]) == ("v1", v.snapshot_id, v.rows)
    assert manifest["content-checksum"] == v.content_checksum
    assert manifest["timestamps"] == "int64 micros, UTC-adjusted"
    names = sorted(p.name for p in exported.iterdir())
    assert sorted(manifest["files"]) == [n for n in names if n.endswith(".parquet")]
    assert not [n for n in names if n == "_SUCCESS" or n.endswith(".crc")], names

    # pandas, through pyarrow (which skips the _-prefixed manifest): tz-aware UTC datetimes in
    # microseconds, the same instants as the version's.
    df = pd.read_parquet(exported, engine="pyarrow").sort_values(KEY, ignore_index=True)
    assert len(df) == v.rows
    assert df[KEY].tolist() == mine.column(KEY).to_pylist()
    for name in times:
        assert str(df[name].dtype) == "datetime64[us, UTC]", (name, df[name].dtype)
        assert micros(pa.Array.from_pandas(df[name])) == micros(mine.column(name)), name
    first = mine.column("txn_time").to_pylist()[0]
    assert df["txn_time"][0] == pd.Timestamp(first)

    # DuckDB: TIMESTAMP WITH TIME ZONE, the same instants, whatever the session's time zone.
    con = duckdb.connect()
    con.execute("SET TimeZone = 'America/New_York'")
    rel = con.read_parquet(f"{exported}/*.parquet").order(KEY)
    types = dict(zip(rel.columns, (str(t) for t in rel.types)))
    got = rel.to_arrow_table() if hasattr(rel, "to_arrow_table") else rel.fetch_arrow_table()
    assert got.num_rows == v.rows
    for name in times:
        assert types[name] == "TIMESTAMP WITH TIME ZONE", (name, types[name])
        assert micros(got.column(name).cast(pa.timestamp("us", tz="UTC"))) == micros(mine.column(name)), name
    # Every other column too, value for value.
    for name in mine.column_names:
        if name not in times:
            assert got.column(name).to_pylist() == mine.column(name).to_pylist(), name
    epoch = con.execute(
        f"SELECT epoch_us(min(txn_time)) FROM read_parquet('{exported}/*.parquet')"
    ).fetchone()[0]
    assert epoch == min(t for t in micros(mine.column("txn_time")) if t is not None)
