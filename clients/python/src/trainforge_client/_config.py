"""Where a dataset's table is: its catalog and name, from a dataset file or a table name.

The Java side reads its settings with Typesafe Config: reference.conf (the defaults, with
${?VAR} environment overrides), then the dataset file, then --set. This module does the same
with pyhocon over a copy of that reference.conf (a test keeps the copy equal to the original).
"""

from __future__ import annotations

import json
import os
import re
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any, Mapping

from pyhocon import ConfigFactory, ConfigTree

from ._errors import TrainforgeClientError


@dataclass(frozen=True)
class Location:
    """A dataset table and the catalog that holds it."""

    catalog_name: str
    catalog_type: str
    catalog_uri: str | None
    warehouse: str | None
    namespace: str
    table: str
    dataset: str | None  # the dataset name, when known (from a dataset file)
    properties: Mapping[str, str] = field(default_factory=dict)  # extra catalog/FileIO properties

    @property
    def qualified_name(self) -> str:
        return f"{self.catalog_name}.{self.namespace}.{self.table}"


def reference_text() -> str:
    return resources.files("trainforge_client").joinpath("reference.conf").read_text("utf-8")


_OPTIONAL_ENV = re.compile(r"^(\s*)([\w.\"-]+)\s*=\s*\$\{\?(\w+)\}\s*$")


def _with_environment(text: str) -> str:
    """reference.conf with its ``key = ${?VAR}`` lines applied from the environment.

    Done here rather than by pyhocon, which loses the earlier value of such a key (leaving None)
    once a later dotted key (``trainforge.catalog.name = x``) is merged into the same object.
    """
    lines = []
    for line in text.splitlines():
        m = _OPTIONAL_ENV.match(line)
        if m is None:
            lines.append(line)
        elif m.group(3) in os.environ:
            lines.append(f"{m.group(1)}{m.group(2)} = {_hocon_string(os.environ[m.group(3)])}")
    return "\n".join(lines) + "\n"


def _hocon_string(value: str) -> str:
    return json.dumps(str(value))


def resolve(
    *,
    config: str | os.PathLike | None = None,
    table: str | None = None,
    home: str | os.PathLike | None = None,
    catalog_uri: str | None = None,
    warehouse: str | None = None,
    catalog_name: str | None = None,
    catalog_type: str | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Location:
    if config is None and table is None:
        raise TrainforgeClientError(
            "no dataset given: pass config='conf/datasets/<name>.conf' (the dataset file) or"
            " table='datasets.<name>'"
        )
    parts = [_with_environment(reference_text())]
    if config is not None:
        path = Path(config)
        if not path.is_file():
            raise TrainforgeClientError(f"dataset file '{config}' does not exist")
        parts.append(path.read_text("utf-8"))
    # Keyword arguments act as the Java side's --set: after the dataset file.
    sets: dict[str, Any] = dict(overrides or {})
    if home is not None:
        sets["trainforge.home"] = str(home)
    if catalog_uri is not None:
        sets["trainforge.catalog.uri"] = catalog_uri
    if warehouse is not None:
        sets["trainforge.catalog.warehouse"] = warehouse
    if catalog_name is not None:
        sets["trainforge.catalog.name"] = catalog_name
    if catalog_type is not None:
        sets["trainforge.catalog.type"] = catalog_type
    for key, value in sets.items():
        rendered = "null" if value is None else _hocon_string(value)
        parts.append(f"{key} = {rendered}")
    conf: ConfigTree = ConfigFactory.parse_string("\n".join(parts) + "\n")

    cat = conf.get_config("trainforge.catalog")
    name = cat.get("name")
    dataset = conf.get("dataset.name", None) if config is not None else None
    out_catalog = conf.get("dataset.output.catalog", None) or name
    namespace = conf.get("dataset.output.namespace", None) or "datasets"
    table_name = conf.get("dataset.output.table", None) or dataset
    if table is not None:
        pieces = table.split(".")
        if len(pieces) == 2:
            namespace, table_name = pieces
        elif len(pieces) == 3:
            out_catalog, namespace, table_name = pieces
        else:
            raise TrainforgeClientError(
                f"table '{table}': name it as namespace.table or catalog.namespace.table"
            )
    if config is not None and table_name is None:
        raise TrainforgeClientError(f"dataset file '{config}' sets no dataset.name")

    ctype = cat.get("type")
    uri = cat.get("uri", None)
    wh = cat.get("warehouse", None)
    props: dict[str, str] = {}
    s3 = conf.get_config("trainforge.s3")
    if s3.get("endpoint", None):
        props["s3.endpoint"] = s3.get("endpoint")
    if s3.get("region", None):
        props["s3.region"] = s3.get("region")
    if s3.get("path-style-access", False) in (True, "true"):
        props["s3.force-virtual-addressing"] = "false"
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        if os.environ.get(key):
            props["s3." + key[4:].lower().replace("_", "-")] = os.environ[key]
    return Location(
        catalog_name=out_catalog,
        catalog_type=ctype,
        catalog_uri=uri,
        warehouse=_absolute_local(wh) if wh else None,
        namespace=namespace,
        table=table_name,
        dataset=dataset,
        properties=props,
    )


def _absolute_local(location: str) -> str:
    """As the Java side does: a relative local path is taken from the current directory."""
    if ":" in location.split("/", 1)[0]:
        return location
    return str(Path(location).absolute())
