"""Read a trainforge dataset version without Spark.

    from trainforge_client import load
    v = load("v2", config="conf/datasets/card_fraud.conf")
    df = v.to_pandas()

A version is the Iceberg tag ``v<N>`` of the dataset's table; ``"current"`` is what the table's
``main`` branch points at. See the README section "Read a version in Python".
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import TYPE_CHECKING, Any, Mapping

from ._catalog import open_catalog, sqlite_path
from ._config import Location, resolve
from ._errors import TrainforgeClientError, VersionMismatchError, VersionNotFoundError

if TYPE_CHECKING:
    import pyarrow as pa
    from pyiceberg.table import Table

__all__ = [
    "load",
    "versions",
    "Version",
    "TrainforgeClientError",
    "VersionNotFoundError",
    "VersionMismatchError",
]

PREFIX = "trainforge."
_TAG = re.compile(r"^v(\d+)$")


@dataclass(frozen=True)
class Version:
    """One published version: its identity, its metadata, and ways to read its rows."""

    table: str  # catalog.namespace.table
    tag: str  # v3
    version: str  # 3
    snapshot_id: int
    dataset: str
    rows: int | None  # the snapshot's total-records
    created: datetime  # when the tagged snapshot was committed (UTC)
    config_sha256: str | None
    content_checksum: str | None  # table property trainforge.content-checksum.<tag>
    retracted: dict[str, Any] | None  # table property trainforge.retracted.<tag>, parsed
    current: bool  # main points at it
    summary: Mapping[str, str] = field(repr=False)  # every trainforge.* snapshot summary key
    _iceberg: Any = field(repr=False, compare=False, default=None)

    @property
    def iceberg_table(self) -> "Table":
        """The pyiceberg Table, for anything this class does not offer."""
        return self._iceberg

    @property
    def config(self) -> Any:
        """The dataset spec the version was built with (trainforge.config), parsed."""
        raw = self.summary.get(PREFIX + "config")
        return json.loads(raw) if raw else None

    def scan(self, **kwargs: Any):
        """A pyiceberg scan of this version's snapshot (row_filter=, selected_fields=, ...)."""
        return self._iceberg.scan(snapshot_id=self.snapshot_id, **kwargs)

    def to_arrow(self, **scan_kwargs: Any) -> "pa.Table":
        """The rows as a pyarrow Table (Iceberg types: timestamptz is timestamp[us, tz=UTC])."""
        return self.scan(**scan_kwargs).to_arrow()

    def to_pandas(self, *, arrow_dtypes: bool = False, **scan_kwargs: Any):
        """The rows as a pandas DataFrame.

        Integer and boolean columns become pandas' nullable dtypes (Int64, Int32, boolean), so a
        null stays a null (<NA>) instead of turning the column into float64; timestamps with a
        time zone are datetime64[us, UTC]. ``arrow_dtypes=True``: every column as pd.ArrowDtype.
        """
        import pandas as pd
        import pyarrow as pa

        table = self.to_arrow(**scan_kwargs)
        if arrow_dtypes:
            return table.to_pandas(types_mapper=pd.ArrowDtype)
        nullable = {
            pa.int8(): pd.Int8Dtype(),
            pa.int16(): pd.Int16Dtype(),
            pa.int32(): pd.Int32Dtype(),
            pa.int64(): pd.Int64Dtype(),
            pa.uint8(): pd.UInt8Dtype(),
            pa.uint16(): pd.UInt16Dtype(),
            pa.uint32(): pd.UInt32Dtype(),
            pa.uint64(): pd.UInt64Dtype(),
            pa.bool_(): pd.BooleanDtype(),
        }
        return table.to_pandas(types_mapper=nullable.get)

    def to_duckdb(self, con=None, *, name: str | None = None, **scan_kwargs: Any):
        """The rows as a DuckDB relation on ``con`` (default: a new in-memory connection).

        With ``name``, also registered as a view of that name on ``con``.
        """
        import duckdb

        con = con if con is not None else duckdb.connect()
        arrow = self.to_arrow(**scan_kwargs)
        if name:
            con.register(name, arrow)
            return con.table(name)
        return con.from_arrow(arrow)

    def to_polars(self, **scan_kwargs: Any):
        """The rows as a polars DataFrame."""
        import polars as pl

        return pl.from_arrow(self.to_arrow(**scan_kwargs))


def _tag(version: Any) -> str | None:
    """v3 for 3, "3" or "v3"; None for current."""
    if version is None or (isinstance(version, str) and version.strip().lower() in ("current", "main", "")):
        return None
    if isinstance(version, bool) or not isinstance(version, (int, str)):
        raise TrainforgeClientError(f"version {version!r}: give 3, 'v3' or 'current'")
    text = str(version).strip()
    if text.isdigit():
        return "v" + text
    if _TAG.match(text):
        return text
    raise TrainforgeClientError(f"version {version!r}: give 3, 'v3' or 'current'")


def _open(location: Location) -> "Table":
    from pyiceberg.exceptions import NoSuchTableError

    catalog = open_catalog(location)
    try:
        return catalog.load_table((location.namespace, location.table))
    except NoSuchTableError:
        hint = ""
        db = sqlite_path(location)
        if db is not None:
            hint = (
                f" (catalog {db}; if it is a copy, copy {db.name}-wal with it, or read the"
                " original in place; the catalog name must be the one the build used)"
            )
        raise TrainforgeClientError(
            f"Cannot load '{location.qualified_name}': no such table in catalog"
            f" '{location.catalog_name}'{hint}"
        ) from None


def _tags(table: "Table") -> dict[str, int]:
    """Version tags, oldest version first: tag -> snapshot id."""
    refs = {
        name: ref.snapshot_id
        for name, ref in table.refs().items()
        if ref.snapshot_ref_type == "tag" and _TAG.match(name)
    }
    return dict(sorted(refs.items(), key=lambda kv: int(kv[0][1:])))


def load(
    version: int | str | None = "current",
    *,
    config: str | os.PathLike | None = None,
    table: str | None = None,
    home: str | os.PathLike | None = None,
    catalog_uri: str | None = None,
    warehouse: str | None = None,
    catalog_name: str | None = None,
    catalog_type: str | None = None,
    dataset: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Version:
    """A published version of a dataset, checked against what the build recorded.

    :param version: 3, "3" or "v3"; "current" (or None) for what the table's main points at.
    :param config: the dataset file (HOCON), read as the Java side reads it: its dataset.name,
        dataset.output.* and trainforge.* settings over the defaults of reference.conf.
    :param table: or the table, "namespace.table" or "catalog.namespace.table".
    :param home: the trainforge home (trainforge.home: catalog.db and warehouse/ under it);
        default as the Java side: $TRAINFORGE_HOME, else ./trainforge-data.
    :param catalog_uri: the catalog's uri (jdbc:sqlite:/path/catalog.db, http://... for rest).
    :param warehouse: the catalog's warehouse (only needed to resolve relative locations).
    :param catalog_name: the catalog's name as the build had it (trainforge.catalog.name, default
        "trainforge"): the JDBC catalog keeps tables per catalog name.
    :param catalog_type: "jdbc" (default) or "rest" (trainforge.catalog.type).
    :param dataset: the dataset name to check the version against (default: from ``config``).
    :param overrides: further settings, as the Java side's --set, e.g. {"trainforge.s3.endpoint": ...}.
    :raises VersionNotFoundError: no such version (the message lists the versions that exist).
    :raises VersionMismatchError: the tag's snapshot records another dataset or version.
    """
    location = resolve(
        config=config,
        table=table,
        home=home,
        catalog_uri=catalog_uri,
        warehouse=warehouse,
        catalog_name=catalog_name,
        catalog_type=catalog_type,
        overrides=overrides,
    )
    expected_dataset = dataset or location.dataset
    ice = _open(location)
    name = location.qualified_name
    tags = _tags(ice)
    existing = ", ".join(tags) if tags else None
    listing = f"existing: {existing}" if existing else "the table has no versions"
    main = ice.refs().get("main")
    main_id = main.snapshot_id if main is not None else None

    asked = _tag(version)
    if asked is None:
        if main_id is None:
            raise VersionNotFoundError(f"Cannot load '{name}' version 'current': main points at no snapshot ({listing})")
        at_main = [t for t, sid in tags.items() if sid == main_id]
        summary = _summary(ice, main_id)
        recorded = summary.get(PREFIX + "version")
        if recorded is not None and "v" + recorded in at_main:
            tag = "v" + recorded
        elif at_main:
            tag = at_main[-1]
        else:
            raise VersionMismatchError(
                f"Cannot load '{name}' version 'current': main (snapshot {main_id}) is not a"
                f" published version: no version tag points at it ({listing})"
            )
    else:
        tag = asked
        if tag not in tags:
            raise VersionNotFoundError(
                f"Cannot load '{name}' version '{tag}': no such version ({listing})"
            )
    snapshot_id = tags[tag]
    summary = _summary(ice, snapshot_id)
    number = tag[1:]
    recorded_version = summary.get(PREFIX + "version")
    recorded_dataset = summary.get(PREFIX + "dataset")
    if recorded_version != number:
        raise VersionMismatchError(
            f"Cannot load '{name}' version '{tag}': tag {tag} points at snapshot {snapshot_id},"
            f" which records trainforge.version={recorded_version!r}, not {number!r} ({listing})"
        )
    if recorded_dataset is None or (expected_dataset is not None and recorded_dataset != expected_dataset):
        raise VersionMismatchError(
            f"Cannot load '{name}' version '{tag}': tag {tag} points at snapshot {snapshot_id},"
            f" which records trainforge.dataset={recorded_dataset!r}, not"
            f" {expected_dataset or 'a dataset'!r} ({listing})"
        )
    snapshot = ice.snapshot_by_id(snapshot_id)
    props = ice.properties
    retracted_raw = props.get(f"{PREFIX}retracted.{tag}")
    total = snapshot.summary.get("total-records") if snapshot.summary is not None else None
    return Version(
        table=name,
        tag=tag,
        version=number,
        snapshot_id=snapshot_id,
        dataset=recorded_dataset,
        rows=int(total) if total is not None else None,
        created=datetime.fromtimestamp(snapshot.timestamp_ms / 1000, tz=timezone.utc),
        config_sha256=summary.get(PREFIX + "config-sha256"),
        content_checksum=props.get(f"{PREFIX}content-checksum.{tag}"),
        retracted=json.loads(retracted_raw) if retracted_raw else None,
        current=snapshot_id == main_id,
        summary=summary,
        _iceberg=ice,
    )


def versions(
    *,
    config: str | os.PathLike | None = None,
    table: str | None = None,
    home: str | os.PathLike | None = None,
    catalog_uri: str | None = None,
    warehouse: str | None = None,
    catalog_name: str | None = None,
    catalog_type: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> list[str]:
    """The published version tags of a dataset, oldest first (``["v1", "v2"]``)."""
    location = resolve(
        config=config,
        table=table,
        home=home,
        catalog_uri=catalog_uri,
        warehouse=warehouse,
        catalog_name=catalog_name,
        catalog_type=catalog_type,
        overrides=overrides,
    )
    return list(_tags(_open(location)))


def _summary(table: "Table", snapshot_id: int) -> dict[str, str]:
    snapshot = table.snapshot_by_id(snapshot_id)
    if snapshot is None or snapshot.summary is None:
        return {}
    items = snapshot.summary.additional_properties
    return {k: v for k, v in items.items() if k.startswith(PREFIX)}
