"""Opening the catalog a trainforge build published into, read-only in intent."""

from __future__ import annotations

from pathlib import Path

from pyiceberg.catalog import Catalog

from ._config import Location
from ._errors import TrainforgeClientError

SQLITE = "jdbc:sqlite:"


def sqlite_path(location: Location) -> Path | None:
    """The SQLite file of an embedded JDBC catalog, or None for any other catalog."""
    uri = location.catalog_uri or ""
    if location.catalog_type == "jdbc" and uri.startswith(SQLITE):
        rest = uri[len(SQLITE):]
        if rest.startswith("file:"):
            rest = rest[len("file:"):].split("?", 1)[0]
        return Path(rest).absolute()
    return None


def open_catalog(location: Location) -> Catalog:
    ctype = location.catalog_type
    props = dict(location.properties)
    if location.warehouse:
        props["warehouse"] = location.warehouse
    if ctype == "jdbc":
        db = sqlite_path(location)
        if db is not None:
            if not db.is_file():
                raise TrainforgeClientError(
                    f"catalog '{location.catalog_name}': the catalog database {db} does not exist"
                    " (pass home= the build's trainforge home, or catalog_uri=)"
                )
            # Read in place: SQLite itself merges catalog.db-wal (WAL mode, which the Java side
            # uses), so commits not yet checkpointed into catalog.db are seen. A copy of
            # catalog.db without its -wal file may miss them. timeout: wait for a writer's lock.
            url = f"sqlite:///{db}?timeout=10"
        else:
            uri = location.catalog_uri or ""
            if not uri.startswith("jdbc:"):
                raise TrainforgeClientError(f"catalog uri '{uri}' is not a jdbc: uri")
            # jdbc:postgresql://host/db -> postgresql://host/db (needs an SQLAlchemy driver).
            url = uri[len("jdbc:"):]
        from pyiceberg.catalog.sql import SqlCatalog

        # init_catalog_tables=false: never create catalog tables in a file that has none.
        return SqlCatalog(location.catalog_name, uri=url, init_catalog_tables="false", **props)
    if ctype == "rest":
        from pyiceberg.catalog.rest import RestCatalog

        return RestCatalog(location.catalog_name, uri=location.catalog_uri, **props)
    raise TrainforgeClientError(
        f"catalog type '{ctype}' is not supported by trainforge_client (jdbc and rest are)"
    )
