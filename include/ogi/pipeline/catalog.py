"""The DuckDB catalog for BI tools: one view per curated dataset (and per mart) over the current version's
Parquet files, wherever the data root is (a directory, s3://). Rebuilt aside and swapped in, so a reader
never opens a half-built file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.schemas import SCHEMAS

MARTS = "marts"


def catalog_path(config: PipelineConfig) -> Path:
    configured = os.environ.get("OGI_DUCKDB")
    if configured:
        return Path(configured)
    store = config.store()
    return Path(store.path("ogi.duckdb")) if store.local else Path.cwd() / "ogi.duckdb"


def _list(uris: list[str]) -> str:
    return "[" + ", ".join("'" + u.replace("'", "''") + "'" for u in uris) + "]"


def build_catalog(config: PipelineConfig, version: curated.Version) -> str:
    import duckdb

    store = config.store()
    path = catalog_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    connection = duckdb.connect(str(aside))
    try:
        if not store.local:  # the views read object storage through the same fsspec filesystem as the pipeline
            connection.register_filesystem(store.fs)
        for dataset in SCHEMAS:
            files = [store.uri(key) for _, key in sorted(version.files(dataset).items())]
            if files:
                connection.execute(
                    f"CREATE VIEW {dataset} AS SELECT * FROM read_parquet({_list(files)}, union_by_name = true)"
                )
            else:
                columns = ", ".join(
                    f'CAST(NULL AS {_duck_type(t)}) AS "{n}"'
                    for n, t in zip(SCHEMAS[dataset].names, SCHEMAS[dataset].types)
                )
                connection.execute(f"CREATE VIEW {dataset} AS SELECT {columns} WHERE false")
        for key in store.list(MARTS):
            if key.endswith(".parquet"):
                name = "mart_" + Path(key).stem
                connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet('{store.uri(key)}')")
        connection.execute(
            f"CREATE TABLE ogi_version AS SELECT {version.number} AS version, "
            f"'{version.manifest['created']}' AS created"
        )
    finally:
        connection.close()
    os.replace(aside, path)
    return str(path)


def connect(config: PipelineConfig):
    """A read-only connection to the catalog, able to read the data root wherever it lives. (A BI tool reading
    an s3:// root loads DuckDB's httpfs extension and a secret for the bucket instead.)"""
    import duckdb

    store = config.store()
    connection = duckdb.connect(str(catalog_path(config)), read_only=True)
    if not store.local:
        connection.register_filesystem(store.fs)
    return connection


def _duck_type(arrow_type) -> str:
    import pyarrow as pa

    if pa.types.is_list(arrow_type):
        return f"{_duck_type(arrow_type.value_type)}[]"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f'"{f.name}" {_duck_type(f.type)}' for f in arrow_type)
        return f"STRUCT({fields})"
    return {"string": "VARCHAR", "int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN"}[
        str(arrow_type)
    ]
