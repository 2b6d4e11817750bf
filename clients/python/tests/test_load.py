"""trainforge_client.load against a real build of the sample (see conftest.py)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import duckdb
import pandas as pd
import pyarrow as pa
import pytest

import trainforge_client
from trainforge_client import TrainforgeClientError, VersionNotFoundError, load, versions
from trainforge_client._config import reference_text

from conftest import REPO


def test_v1_by_table_matches_the_snapshot(sample):
    v = load("v1", table="datasets.card_fraud", home=sample.home, catalog_name=sample.catalog)
    assert (v.table, v.tag, v.version, v.dataset) == (sample.table, "v1", "1", "card_fraud")
    snapshot = v.iceberg_table.snapshot_by_name("v1")
    assert v.snapshot_id == snapshot.snapshot_id
    assert v.rows == int(snapshot.summary["total-records"]) == 20000
    assert v.summary["trainforge.version"] == "1"
    assert len(v.config_sha256) == 64 and v.config["name"] == "card_fraud"
    # The content checksum is "<rows>:<sum of row hashes>", as the build printed it.
    assert v.content_checksum.split(":")[0] == "20000"
    assert v.retracted is None
    arrow = v.to_arrow()
    assert arrow.num_rows == v.rows
    assert len(v.to_pandas()) == v.rows


def test_version_forms_and_current(sample):
    by_number = load(1, table="datasets.card_fraud", home=sample.home, catalog_name=sample.catalog)
    by_text = load("1", table=sample.table, home=sample.home)
    current = load(table="datasets.card_fraud", home=sample.home, catalog_name=sample.catalog)
    main = by_number.iceberg_table.refs()["main"].snapshot_id
    assert by_number.snapshot_id == by_text.snapshot_id == current.snapshot_id == main
    assert current.tag == "v1" and current.current
    assert versions(table=sample.table, home=sample.home) == ["v1"]


def test_by_dataset_file_equals_by_table(sample):
    by_file = load("v1", config=sample.config, home=sample.home, catalog_name=sample.catalog)
    by_table = load("v1", table=sample.table, home=sample.home)
    assert by_file.table == by_table.table == sample.table
    assert by_file.snapshot_id == by_table.snapshot_id
    assert by_file.content_checksum == by_table.content_checksum


def test_pandas_dtypes_nullable_ints_and_utc(sample):
    v = load("v1", table=sample.table, home=sample.home)
    schema = v.to_arrow().schema
    df = v.to_pandas()
    ints = [f.name for f in schema if pa.types.is_integer(f.type)]
    times = [f.name for f in schema if pa.types.is_timestamp(f.type)]
    assert ints and times
    for name in ints:
        expected = {pa.int32(): "Int32", pa.int64(): "Int64"}[schema.field(name).type]
        assert str(df[name].dtype) == expected, name
    # The sample has integer features without a match: nulls stay <NA>, not NaN in a float64.
    with_nulls = [n for n in ints if df[n].isna().any()]
    assert with_nulls, "expected a nullable integer column with nulls in the sample"
    for name in times:
        assert schema.field(name).type.tz == "UTC", name
        assert str(df[name].dtype) in ("datetime64[us, UTC]", "datetime64[ns, UTC]"), name
    assert df["txn_time"].min() >= pd.Timestamp("2026-01-01", tz="UTC")
    assert not any(str(t) == "float64" for n, t in df.dtypes.items() if n in ints)


def test_unknown_version_names_table_version_and_tags(sample):
    with pytest.raises(VersionNotFoundError) as e:
        load("v9", table=sample.table, home=sample.home)
    assert str(e.value) == (
        f"Cannot load '{sample.catalog}.datasets.card_fraud' version 'v9': no such version"
        " (existing: v1)"
    )
    with pytest.raises(TrainforgeClientError, match="give 3, 'v3' or 'current'"):
        load("latest", table=sample.table, home=sample.home)


def test_content_equals_the_data_files_read_by_duckdb(sample):
    v = load("v1", table=sample.table, home=sample.home)
    files = [task.file.file_path for task in v.scan().plan_files()]
    assert files and all(not task.delete_files for task in v.scan().plan_files())
    local = [f[len("file:"):] if f.startswith("file:") else f for f in files]
    con = duckdb.connect()
    ordered = con.read_parquet(local).order("transaction_id")
    # DuckDB 2 renamed fetch_arrow_table() to to_arrow_table().
    raw = ordered.to_arrow_table() if hasattr(ordered, "to_arrow_table") else ordered.fetch_arrow_table()
    mine = v.to_arrow().sort_by("transaction_id")
    assert raw.num_rows == mine.num_rows == v.rows
    assert raw.column_names == mine.column_names
    for name in mine.column_names:
        assert raw.column(name).to_pylist() == mine.column(name).to_pylist(), name
    rel = v.to_duckdb(con, name="card_fraud_v1")
    assert rel.aggregate("count(*)").fetchall()[0][0] == v.rows
    assert con.execute("SELECT count(DISTINCT transaction_id) FROM card_fraud_v1").fetchone()[0] == v.rows


def test_missing_catalog_is_an_error_and_creates_nothing(tmp_path):
    with pytest.raises(TrainforgeClientError, match="does not exist"):
        load("v1", table="datasets.card_fraud", home=tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_wrong_catalog_name_says_so(sample):
    with pytest.raises(TrainforgeClientError, match="the catalog name must be the one the build used"):
        load("v1", table="datasets.card_fraud", home=sample.home, catalog_name="not_" + sample.catalog)


def test_reads_a_catalog_whose_commits_are_still_in_the_wal(sample, tmp_path):
    """A copy with its -wal file reads in place; the same catalog.db copied alone misses commits."""
    home = tmp_path / "home"
    home.mkdir()
    (home / "warehouse").symlink_to(Path(sample.home).absolute() / "warehouse")
    db = home / "catalog.db"
    src = sqlite3.connect(Path(sample.home) / "catalog.db")
    row = src.execute(
        "SELECT * FROM iceberg_tables WHERE catalog_name = ? AND table_name = 'card_fraud'",
        [sample.catalog],
    ).fetchone()
    dst = sqlite3.connect(db)
    src.backup(dst)
    src.close()
    # A writer that keeps the file open in WAL mode without checkpointing, as a running Java
    # process may: the table's catalog row is taken out and checkpointed into catalog.db, then
    # put back by a commit that lives in catalog.db-wal alone.
    dst.execute("PRAGMA journal_mode=WAL")
    dst.execute("PRAGMA wal_autocheckpoint=0")
    dst.execute(
        "DELETE FROM iceberg_tables WHERE catalog_name = ? AND table_name = 'card_fraud'",
        [sample.catalog],
    )
    dst.commit()
    dst.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    dst.execute(f"INSERT INTO iceberg_tables VALUES ({', '.join('?' * len(row))})", row)
    dst.commit()
    assert (home / "catalog.db-wal").stat().st_size > 0
    # In place, with the writer still open: the commit in the WAL is seen.
    assert load("v1", table=sample.table, home=home).rows == 20000
    # catalog.db copied alone: the table is gone.
    alone = tmp_path / "alone"
    alone.mkdir()
    (alone / "catalog.db").write_bytes(db.read_bytes())
    with pytest.raises(TrainforgeClientError, match="copy catalog.db-wal with it"):
        load("v1", table=sample.table, home=alone)
    dst.close()


def test_packaged_reference_conf_is_the_java_one():
    java = REPO / "src" / "main" / "resources" / "reference.conf"
    assert reference_text() == java.read_text("utf-8"), (
        "clients/python/src/trainforge_client/reference.conf differs from"
        " src/main/resources/reference.conf: copy it over"
    )
    assert trainforge_client.__all__
