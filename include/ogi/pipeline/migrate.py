"""Migrations of the curated data, one step per schema version, run by `ogi migrate` under the publish lock.

0 → current: ogi's earlier hand-made layout (Parquet under `curated/v<N>/` with a manifest per version, counts
stored as DOUBLE) becomes the nine Delta tables, counts as integers (a fractional count, which rule D1 reports,
is NULL as the wide tables now hold it). The version number goes on from the old one; the old directories are
left for you to delete once satisfied.
1 → 2: the `documents` table, and the columns of `reports` that name a report's documents.
2 → 3: `cells.confidence` added (NULL in rows written before).

A new schema: bump `schemas.SCHEMA_VERSION`, add the step here, and a test that migrates data of the old one."""

from __future__ import annotations

import io
from collections.abc import Callable

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.pipeline import curated
from ogi.pipeline.lock import publish_lock
from ogi.pipeline.schemas import SCHEMA_VERSION, SCHEMAS, storage_schema, to_arrow
from ogi.storage import Store


def schema_of(store: Store) -> int | None:
    """The schema version of the curated data under `store` (None: there is none yet)."""
    if not store.exists(curated.CURRENT):
        return None
    pointer = store.read_json(curated.CURRENT)
    return pointer["schema"] if "tables" in pointer else 0


def _legacy_frame(store: Store, manifest: dict, dataset: str) -> pd.DataFrame:
    files = manifest["datasets"].get(dataset, {}).get("files", {})
    tables = [pq.read_table(io.BytesIO(store.read_bytes(key))) for _, key in sorted(files.items())]
    if not tables:
        return SCHEMAS[dataset].empty_table().to_pandas()
    frame = pa.concat_tables(tables, promote_options="permissive").to_pandas()
    for field in SCHEMAS[dataset]:
        if field.name not in frame:
            frame[field.name] = None
        elif pa.types.is_integer(field.type) and frame[field.name].dtype.kind == "f":
            frame[field.name] = frame[field.name].where(frame[field.name] % 1 == 0)
    return frame


def _from_hand_made_layout(store: Store) -> str:
    from deltalake import write_deltalake

    pointer = store.read_json(curated.CURRENT)
    legacy = store.read_json(pointer["manifest"])
    curated._ensure_tables(store)
    tables = {}
    for dataset in SCHEMAS:
        data = to_arrow(_legacy_frame(store, legacy, dataset), dataset).cast(storage_schema(dataset))
        table = curated._table(store, dataset)
        curated._check_schema(store, dataset, table)
        write_deltalake(table, data, mode="overwrite")
        tables[dataset] = curated._table(store, dataset).version()
    number = pointer["version"] + 1
    # the tables are made in this ogi's schema: no later step has anything to add
    run_id = f"migration of version {pointer['version']} to Delta tables"
    curated.make_current(store, number, run_id, None, SCHEMA_VERSION, tables)
    return (
        f"version {pointer['version']} (hand-made Parquet layout) → version {number} as Delta tables under "
        f"{store.uri('curated')}; the old curated/v*/ directories are no longer read"
    )


def add_new_columns(store: Store) -> str:
    """The additive change, for a step of its own to use: a new dataset gets its (empty) table, a new column is
    added to its table (NULL in rows written before). A column dropped or retyped needs a step that rewrites."""
    from deltalake import Schema

    pointer = store.read_json(curated.CURRENT)
    curated._ensure_tables(store)
    added, tables = [], {}
    for dataset in SCHEMAS:
        table = curated._table(store, dataset)
        stored = set(pa.schema(table.schema().to_arrow()).names)
        new = [f for f in Schema.from_arrow(storage_schema(dataset)).fields if f.name not in stored]
        if new:
            table.alter.add_columns(new)
            added += [f"{dataset}.{f.name}" for f in new]
        curated._check_schema(store, dataset, curated._table(store, dataset))
        tables[dataset] = curated._table(store, dataset).version()
    number, schema = pointer["version"] + 1, pointer["schema"] + 1
    curated.make_current(store, number, f"migration to schema {schema}", pointer["version"], schema, tables)
    return f"schema {pointer['schema']} → {schema} (version {number}): added {', '.join(added) or 'nothing'}"


def _documents_beside_reports(store: Store) -> str:
    """1 → 2: one report per agency and year (canonical.py). The `documents` table is added, empty, and the new
    columns of `reports` (documents, canonical_reason, copies) are NULL: the next run finds no document
    published and reads every one again (as `force` would), settling each agency's year into one report and
    replacing the rows a report had per document before."""
    return (
        f"{add_new_columns(store)}; the documents table added, empty: the next run reads every document again "
        "to settle one report per agency and year"
    )


MIGRATIONS: dict[int, Callable[[Store], str]] = {
    0: _from_hand_made_layout,
    1: _documents_beside_reports,
    2: add_new_columns,  # cells.confidence: the probability of an OCR reading (NULL in cells read before)
}


def migrate(store: Store) -> list[str]:
    """Run every step from the data's schema to this ogi's; returns what each did."""
    done = []
    with publish_lock(store, "migrate"):
        schema = schema_of(store)
        while schema is not None and schema < SCHEMA_VERSION:
            done.append(MIGRATIONS[schema](store))
            schema = schema_of(store)
    return done
