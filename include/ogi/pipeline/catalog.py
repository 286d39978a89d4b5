"""The DuckDB catalog for BI tools: one view per curated dataset (and per mart) over the Parquet files of one
curated version (the current one, or any kept version for time travel), wherever the data root is (a
directory, s3://). The files are those the Delta tables' logs name at that version, resolved here, so DuckDB
needs no extension (none can be downloaded on these machines). Delta keeps the partition column out of the
data files: each year's files are read with their year as a constant. Rebuilt aside and swapped in, so a reader
never opens a half-built file."""

from __future__ import annotations

import os
import uuid
from pathlib import Path

import pyarrow as pa

from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.schemas import PARTITION, PARTITIONED, SCHEMAS

MARTS = "marts"


def catalog_path(config: PipelineConfig) -> Path:
    configured = os.environ.get("OGI_DUCKDB")
    if configured:
        return Path(configured)
    store = config.store()
    return Path(store.path("ogi.duckdb")) if store.local else Path.cwd() / "ogi.duckdb"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _list(uris: list[str]) -> str:
    return "[" + ", ".join(map(_quoted, uris)) + "]"


def _duck_type(arrow_type: pa.DataType) -> str:
    if pa.types.is_dictionary(arrow_type):
        return _duck_type(arrow_type.value_type)
    if pa.types.is_list(arrow_type):
        return f"{_duck_type(arrow_type.value_type)}[]"
    if pa.types.is_struct(arrow_type):
        fields = ", ".join(f'"{f.name}" {_duck_type(f.type)}' for f in arrow_type)
        return f"STRUCT({fields})"
    return {"string": "VARCHAR", "int32": "INTEGER", "int64": "BIGINT", "double": "DOUBLE", "bool": "BOOLEAN"}[
        str(arrow_type)
    ]


def view_sql(dataset: str, files: dict[int | None, list[str]]) -> str:
    """SELECT over the dataset's files, one read per report year, every column cast to the schema's type."""
    schema = SCHEMAS[dataset]

    def column(field: pa.Field, year) -> str:
        if field.name == PARTITION and dataset in PARTITIONED:
            value = "NULL" if year is None else str(year)
            return f'CAST({value} AS {_duck_type(field.type)}) AS "{field.name}"'
        return f'CAST("{field.name}" AS {_duck_type(field.type)}) AS "{field.name}"'

    selects = [
        f"SELECT {', '.join(column(f, year) for f in schema)} FROM read_parquet({_list(uris)}, union_by_name = true)"
        for year, uris in sorted(files.items(), key=lambda item: (item[0] is None, item[0] or 0))
    ]
    if not selects:
        empty = ", ".join(f'CAST(NULL AS {_duck_type(f.type)}) AS "{f.name}"' for f in schema)
        return f"SELECT {empty} WHERE false"
    return "\nUNION ALL ".join(selects)


def build_catalog(config: PipelineConfig, version: curated.Version, path: Path | None = None) -> str:
    """Views over `version` in the catalog file (default: the configured one, see `catalog_path`)."""
    import duckdb

    store = config.store()
    path = Path(path) if path else catalog_path(config)
    path.parent.mkdir(parents=True, exist_ok=True)
    aside = path.with_name(f".{path.name}.{uuid.uuid4().hex}.tmp")
    connection = duckdb.connect(str(aside))
    try:
        if not store.local:  # the views read object storage through the same fsspec filesystem as the pipeline
            connection.register_filesystem(store.fs)
        for dataset in SCHEMAS:
            files = curated.parquet_files(store, version, dataset)
            connection.execute(f"CREATE VIEW {dataset} AS {view_sql(dataset, files)}")
        for key in store.list(MARTS):
            if key.endswith(".parquet"):
                name = "mart_" + Path(key).stem
                connection.execute(f"CREATE VIEW {name} AS SELECT * FROM read_parquet({_quoted(store.uri(key))})")
        connection.execute(
            f"CREATE TABLE ogi_version AS SELECT {version.number} AS version, "
            f"{_quoted(version.manifest['created'])} AS created"
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
