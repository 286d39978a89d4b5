"""The curated datasets: nine Delta Lake tables under `curated/`, switched together through one pointer.

Each dataset is a Delta table (`curated/<dataset>/`, partitioned by report year but quarantine) that anything
reading Delta reads without ogi (deltalake, Spark, Trino, Polars, DuckDB's delta extension). Delta commits one
table at a time, so ogi's version N is a small file naming the table version of each of the nine
(`curated/versions/<N>.json`), and `curated/CURRENT.json`, written last and atomically, is a copy of the current
one. Readers resolve through it and see all nine tables of one version, never a mix.

A publish that dies between tables leaves table commits that no pointer names; the next publisher rolls them
back with Delta's RESTORE, or, when it is the same run retried and its version file is complete, rolls forward
by writing the pointer. A run that already made its version current publishes nothing again. One publisher at a
time (`lock.publish_lock`); Delta's own commits are conditional PUTs on S3 (delta-rs ≥ 1.0), so even a second
writer that ignored the lock could not overwrite a commit.
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from ogi.pipeline.lock import publish_lock
from ogi.pipeline.schemas import (
    KEYS,
    PARTITION,
    PARTITIONED,
    SCHEMA_VERSION,
    SCHEMAS,
    storage_schema,
    to_arrow,
    to_frame,
)
from ogi.storage import Store

CURRENT = "curated/CURRENT.json"
VERSIONS = "curated/versions"
DATASETS = tuple(SCHEMAS)
KEEP_VERSIONS = int(os.environ.get("OGI_KEEP_VERSIONS", 30))
log = logging.getLogger("ogi.publish")


class VersionNotFound(LookupError):
    """A version that was never published, or is past retention."""


class NeedsMigration(RuntimeError):
    """The curated data is in an older format or schema than this ogi writes."""


class SchemaMismatch(RuntimeError):
    """A table's stored schema differs from the one this ogi writes."""


class ConcurrentPublish(RuntimeError):
    """Another publisher made the version this one was about to make."""


@dataclass
class Version:
    number: int
    manifest: dict  # version, created, run_id, previous, schema, tables {dataset: Delta version}, rows {dataset: n}

    @property
    def tables(self) -> dict[str, int]:
        return self.manifest["tables"]

    @property
    def run_id(self) -> str:
        return self.manifest["run_id"]


def table_key(dataset: str) -> str:
    return f"curated/{dataset}"


def _version_key(number: int) -> str:
    return f"{VERSIONS}/{number:06d}.json"


def _checked(store: Store, manifest: dict) -> Version:
    if "tables" not in manifest:
        raise NeedsMigration(
            f"{store.uri(CURRENT)}: the curated data is in ogi's earlier hand-made format; run `ogi migrate` "
            "to convert it to Delta tables"
        )
    if manifest["schema"] > SCHEMA_VERSION:
        raise NeedsMigration(
            f"{store.uri(CURRENT)}: the curated data has schema {manifest['schema']}, newer than this ogi's "
            f"{SCHEMA_VERSION}: upgrade ogi"
        )
    return Version(manifest["version"], manifest)


def current(store: Store) -> Version | None:
    if not store.exists(CURRENT):
        return None
    return _checked(store, store.read_json(CURRENT))


def numbers(store: Store) -> list[int]:
    """The versions still kept (time travel reaches these)."""
    return sorted(int(key.rsplit("/", 1)[-1].split(".")[0]) for key in store.list(VERSIONS) if key.endswith(".json"))


def at(store: Store, number: int) -> Version:
    """Version `number`, as readers saw it when it was current."""
    pointer = current(store)
    if pointer is None or number > pointer.number or not store.exists(_version_key(number)):
        kept = numbers(store)
        kept = [n for n in kept if pointer is not None and n <= pointer.number]
        span = f"versions {kept[0]}–{kept[-1]} are kept" if kept else "no version is published yet"
        raise VersionNotFound(f"{store.uri(VERSIONS)}: no version {number} ({span})")
    return _checked(store, store.read_json(_version_key(number)))


# reading --------------------------------------------------------------------------------------------------------


def _table(store: Store, dataset: str, version: int | None = None):
    from deltalake import DeltaTable

    return DeltaTable(store.uri(table_key(dataset)), version=version, storage_options=store.delta_options())


def _year_filter(years: Iterable) -> pc.Expression:
    known = [int(y) for y in years if y is not None and not pd.isna(y)]
    expression = pc.field(PARTITION).isin(known)
    if any(y is None or pd.isna(y) for y in years):
        expression = expression | pc.field(PARTITION).is_null()
    return expression


def _in_schema(table: pa.Table, dataset: str, columns: list[str] | None) -> pa.Table:
    """In this ogi's schema; a column added since the version was written is NULL."""
    schema = SCHEMAS[dataset]
    wanted = pa.schema([schema.field(c) for c in (columns or schema.names)])
    arrays = [
        table.column(f.name) if f.name in table.column_names else pa.nulls(table.num_rows, f.type) for f in wanted
    ]
    return pa.Table.from_arrays(arrays, names=wanted.names).cast(wanted)


def read_table(
    store: Store, version: Version | None, dataset: str, columns: list[str] | None = None, partitions=None
) -> pa.Table:
    if version is None or dataset not in version.tables:
        return _in_schema(SCHEMAS[dataset].empty_table(), dataset, columns)
    data = _table(store, dataset, version.tables[dataset]).to_pyarrow_dataset()
    selected = None if partitions is None else _year_filter(list(partitions))
    present = None if columns is None else [c for c in columns if c in data.schema.names]
    return _in_schema(data.to_table(columns=present, filter=selected), dataset, columns)


def read_dataset(
    store: Store, version: Version | None, dataset: str, columns: list[str] | None = None, partitions=None
) -> pd.DataFrame:
    """A dataset at a version (`current(store)`, `at(store, n)`), or empty in its schema when there is none.
    `partitions`: only these report years (None for rows whose year is unknown)."""
    return to_frame(read_table(store, version, dataset, columns, partitions))


def parquet_files(store: Store, version: Version, dataset: str) -> dict[int | None, list[str]]:
    """report year (None: unknown or unpartitioned) → the URIs of the Parquet files holding its rows."""
    if dataset not in version.tables:
        return {}
    table = _table(store, dataset, version.tables[dataset])
    actions = pa.table(table.get_add_actions(flatten=True)).to_pydict()
    years = actions.get(f"partition.{PARTITION}", [None] * len(actions["path"]))
    year_of = {path.rsplit("/", 1)[-1]: year for path, year in zip(actions["path"], years)}  # file names are unique
    out: dict[int | None, list[str]] = {}
    for uri in table.file_uris():
        year = year_of[uri.rsplit("/", 1)[-1]]
        out.setdefault(None if year is None else int(year), []).append(uri)
    return out


# publishing -----------------------------------------------------------------------------------------------------


def _ensure_tables(store: Store) -> None:
    from deltalake import DeltaTable

    for dataset in DATASETS:
        DeltaTable.create(
            store.uri(table_key(dataset)),
            schema=storage_schema(dataset),
            mode="ignore",
            partition_by=[PARTITION] if dataset in PARTITIONED else None,
            storage_options=store.delta_options(),
        )


def _check_schema(store: Store, dataset: str, table) -> None:
    from deltalake import Schema

    stored = {f.name: f.type for f in pa.schema(table.schema().to_arrow())}
    wanted = {f.name: f.type for f in pa.schema(Schema.from_arrow(storage_schema(dataset)).to_arrow())}
    if stored != wanted:
        differences = [f"{n} {stored[n]} not in this ogi's schema" for n in stored.keys() - wanted.keys()]
        differences += [f"{n} {wanted[n]} missing" for n in wanted.keys() - stored.keys()]
        differences += [
            f"{n} stored as {stored[n]}, written as {wanted[n]}"
            for n in stored.keys() & wanted.keys()
            if stored[n] != wanted[n]
        ]
        raise SchemaMismatch(
            f"{store.uri(table_key(dataset))}: stored with another schema ({'; '.join(sorted(differences))}); "
            "a schema change is a migration (`ogi migrate`)"
        )


def _sql_list(values: Iterable) -> str:
    return ", ".join("'" + str(v).replace("'", "''") + "'" for v in sorted(values))


def _predicate(dataset: str, keys: set, years: set) -> str:
    """The rows a publish replaces: those of `keys`, looked for only in the partitions they can be in."""
    where = f"{KEYS[dataset]} IN ({_sql_list(keys)})"
    if dataset not in PARTITIONED:
        return where
    known = sorted({int(y) for y in years if y is not None and not pd.isna(y)})
    spans = ([f"{PARTITION} IN ({', '.join(map(str, known))})"] if known else []) + (
        [f"{PARTITION} IS NULL"] if any(y is None or pd.isna(y) for y in years) else []
    )
    return f"({' OR '.join(spans)}) AND {where}" if spans else where


def _write(store: Store, dataset: str, rows: pd.DataFrame | None, replaced: set, years: set, run_id: str) -> int:
    """One Delta commit: the rows of `replaced` keys and of the keys in `rows` deleted, `rows` added. Returns the
    table's new version."""
    from deltalake import CommitProperties, write_deltalake

    table = _table(store, dataset)
    _check_schema(store, dataset, table)
    data = to_arrow(rows, dataset).cast(storage_schema(dataset)) if rows is not None and len(rows) else None
    if data is not None:  # a new row replaces the old one of its key too: no key is ever published twice
        replaced = replaced | set(data.column(KEYS[dataset]).to_pylist())
        if dataset in PARTITIONED:
            years = years | set(data.column(PARTITION).to_pylist())
    predicate = _predicate(dataset, replaced, years) if replaced else None
    commit = CommitProperties(custom_metadata={"ogi_run_id": run_id})
    if data is not None:
        mode = "overwrite" if predicate else "append"
        write_deltalake(table, data, mode=mode, predicate=predicate, commit_properties=commit)
    elif predicate:
        table.delete(predicate, commit_properties=commit)
    return _table(store, dataset).version()


def make_current(
    store: Store, number: int, run_id: str, previous: int | None, schema: int, tables: dict[str, int]
) -> dict:
    """Version `number` naming these table versions: its file created (only if no one made it first), then made
    current. Returns its manifest."""
    manifest = {
        "version": number,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "previous": previous,
        "schema": schema,
        "tables": tables,
        "rows": _rows(store, tables),
    }
    try:
        store.create(_version_key(number), json.dumps(manifest, ensure_ascii=False, indent=1).encode("utf-8"))
    except FileExistsError:
        raise ConcurrentPublish(
            f"{store.uri(_version_key(number))}: another publisher made version {number} first; run "
            f"{run_id} stops (its table commits are rolled back by the next publish)"
        ) from None
    log.info("wrote version file %d", number)
    store.write_json(CURRENT, manifest, atomic=True)
    log.info("version %d is current", number)
    return manifest


def _rows(store: Store, tables: dict[str, int]) -> dict[str, int]:
    counts = {}
    for dataset, version in tables.items():
        actions = pa.table(_table(store, dataset, version).get_add_actions(flatten=True))
        counts[dataset] = int(pc.sum(actions.column("num_records")).as_py() or 0) if actions.num_rows else 0
    return counts


class Publisher:
    """What `publishing` yields: the version this run builds on, and `commit` to make the next one current."""

    def __init__(self, store: Store, run_id: str):
        self.store, self.run_id = store, run_id
        self.base: Version | None = None  # the version before this run's
        self.done: Version | None = None  # this run's version, when a previous attempt already made it current

    def recover(self) -> None:
        store = self.store
        pointer = current(store)
        if pointer is not None and pointer.run_id == self.run_id:
            self.done = pointer
            self.base = at(store, pointer.manifest["previous"]) if pointer.manifest["previous"] else None
            log.info("run %s already published version %d: nothing to publish again", self.run_id, pointer.number)
            return
        if pointer is not None and pointer.manifest["schema"] != SCHEMA_VERSION:
            raise NeedsMigration(
                f"{store.uri(CURRENT)}: the curated data has schema {pointer.manifest['schema']}, this ogi writes "
                f"schema {SCHEMA_VERSION}; run `ogi migrate`"
            )
        self.base = pointer
        _ensure_tables(store)
        named = {**dict.fromkeys(DATASETS, 0), **(pointer.tables if pointer else {})}
        latest = {dataset: _table(store, dataset).version() for dataset in DATASETS}
        pending_key = _version_key((pointer.number if pointer else 0) + 1)
        try:
            pending = store.read_json(pending_key) if store.exists(pending_key) else None
        except ValueError:  # cut short while it was written: never current, so nothing to keep
            pending = {}
        if pending is not None and pending.get("run_id") == self.run_id and pending.get("tables") == latest:
            store.write_json(CURRENT, pending, atomic=True)  # this run died after its version file: finish it
            self.done = Version(pending["version"], pending)
            log.info("run %s: version %d completed (its pointer had not been written)", self.run_id, self.done.number)
            return
        if pending is not None:
            store.delete(pending_key)
        for dataset in DATASETS:
            if latest[dataset] != named[dataset]:
                log.warning(
                    "%s: version %d was never made current; restoring version %d",
                    dataset,
                    latest[dataset],
                    named[dataset],
                )
                _table(store, dataset).restore(named[dataset])

    def commit(self, changes: dict[str, tuple[pd.DataFrame | None, set]], keep: int = KEEP_VERSIONS) -> Version:
        """`changes`: dataset → (new rows, the keys whose rows they replace). Rows are keyed by report_id
        (quarantine: by source)."""
        store, base = self.store, self.base
        number = (base.number if base else 0) + 1
        tables = {**dict.fromkeys(DATASETS, 0), **(base.tables if base else {})}  # a new dataset starts empty
        old_years = self._years_of(set().union(*(keys for _, keys in changes.values())) if changes else set())
        for dataset, (rows, replaced) in changes.items():
            years = {old_years.get(k) for k in replaced if k in old_years} if dataset in PARTITIONED else set()
            if (rows is None or rows.empty) and not replaced:
                continue
            tables[dataset] = _write(store, dataset, rows, replaced, years, self.run_id)
            log.info("committed %s version %d", dataset, tables[dataset])
        manifest = make_current(store, number, self.run_id, base.number if base else None, SCHEMA_VERSION, tables)
        self.done = Version(number, manifest)
        expire(store, keep)
        return self.done

    def _years_of(self, keys: set) -> dict:
        """report_id → its report year in the base version (the partition its rows are in): from `documents`,
        which holds every document, a copy too, and from `reports` (data migrated from before `documents`)."""
        if not keys or self.base is None:
            return {}
        wanted = pa.array(sorted(keys), pa.string())
        years = {}
        for dataset in ("reports", "documents"):
            rows = read_table(self.store, self.base, dataset, ["report_id", "report_year"])
            mine = rows.filter(pc.is_in(rows.column("report_id"), wanted))
            years.update(zip(mine.column("report_id").to_pylist(), mine.column("report_year").to_pylist()))
        return years


@contextmanager
def publishing(store: Store, run_id: str) -> Iterator[Publisher]:
    """Hold the data root's publish lock, bring the tables back to the current version (or finish this run's own
    interrupted publish), and yield the publisher."""
    with publish_lock(store, run_id):
        publisher = Publisher(store, run_id)
        publisher.recover()
        yield publisher


def expire(store: Store, keep: int = KEEP_VERSIONS) -> list[int]:
    """Keep the last `keep` versions: older version files are deleted and the tables vacuumed of every data file
    that none of the kept versions reads. Returns the versions expired."""
    kept = numbers(store)
    pointer = current(store)
    kept = [n for n in kept if pointer is None or n <= pointer.number]
    old, keep_numbers = kept[:-keep] if keep else kept, kept[-keep:] if keep else []
    if not old:
        return []
    manifests = [store.read_json(_version_key(n)) for n in keep_numbers]
    for dataset in DATASETS:
        needed = sorted({m["tables"].get(dataset, 0) for m in manifests})
        _table(store, dataset).vacuum(
            retention_hours=0, enforce_retention_duration=False, dry_run=False, keep_versions=needed, full=True
        )
    for number in old:
        store.delete(_version_key(number))
    log.info("expired versions %d–%d", old[0], old[-1])
    return old
