"""The curated datasets as versions: each publish writes the partitions it changes under a new version and then
one manifest pointer (`curated/CURRENT.json`), written last and atomically. Readers resolve files through
the pointer, so they see the previous version or the new one, never a half-written one; a crash before the
pointer leaves the previous version current and complete. Unchanged partitions are shared between versions.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pandas as pd

from ogi.pipeline import schemas
from ogi.pipeline.parquet_io import read_frame, to_parquet
from ogi.storage import Store

CURRENT = "curated/CURRENT.json"
UNPARTITIONED = "all"


@dataclass
class Version:
    number: int
    manifest: dict

    def files(self, dataset: str) -> dict[str, str]:
        """partition → key."""
        return dict(self.manifest["datasets"].get(dataset, {}).get("files", {}))


def current(store: Store) -> Version | None:
    if not store.exists(CURRENT):
        return None
    pointer = store.read_json(CURRENT)
    return Version(pointer["version"], store.read_json(pointer["manifest"]))


def read_dataset(
    store: Store,
    version: Version | None,
    dataset: str,
    columns: list[str] | None = None,
    partitions: set[str] | None = None,
) -> pd.DataFrame:
    schema = schemas.SCHEMAS[dataset]
    if version is None:
        return schema.empty_table().to_pandas()
    frames = []
    for partition, key in sorted(version.files(dataset).items()):
        if partitions is not None and partition not in partitions:
            continue
        frames.append(read_frame(store, key, columns))
    if not frames:
        table = schema.empty_table()
        return (table.select(columns) if columns else table).to_pandas()
    return pd.concat(frames, ignore_index=True)


def partition_of(dataset: str, year) -> str:
    if dataset not in schemas.PARTITIONED:
        return UNPARTITIONED
    return "unknown" if year is None or pd.isna(year) else str(int(year))


def stage_version(
    store: Store, base: Version | None, changes: dict[str, tuple[pd.DataFrame, set]], run_id: str
) -> Version:
    """Write the partitions `changes` touch under a new version and its manifest, not yet current.

    `changes`: dataset → (new rows, the keys whose old rows they replace). Rows are keyed by report_id
    (quarantine: by source). Returns the staged version; `commit` makes it current.
    """
    number = (base.number if base else 0) + 1
    prefix = f"curated/v{number:06d}"
    manifest = {
        "version": number,
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "run_id": run_id,
        "previous": base.number if base else None,
        "datasets": {},
    }
    for dataset, schema in schemas.SCHEMAS.items():
        key_column = schemas.KEYS[dataset]
        files = base.files(dataset) if base else {}
        rows = dict(base.manifest["datasets"][dataset]["rows"]) if base and dataset in base.manifest["datasets"] else {}
        new, replaced = changes.get(dataset, (None, set()))
        if new is not None or replaced:
            new = new if new is not None else schema.empty_table().to_pandas()
            year_column = "report_year" if dataset in schemas.PARTITIONED else None
            new_parts = (
                {partition_of(dataset, y) for y in (new[year_column] if year_column else [None])} if len(new) else set()
            )
            old_parts = set()
            if replaced:
                for partition, key in files.items():
                    if set(read_frame(store, key, [key_column])[key_column]) & replaced:
                        old_parts.add(partition)
            for partition in sorted(new_parts | old_parts):
                old = read_dataset(store, base, dataset, partitions={partition}) if partition in files else None
                kept = old[~old[key_column].isin(replaced)] if old is not None else None
                mine = (
                    new[np.array([partition_of(dataset, y) == partition for y in new[year_column]], dtype=bool)]
                    if year_column
                    else new
                )
                frames = [f for f in (kept, mine) if f is not None and len(f)]
                merged = pd.concat(frames, ignore_index=True) if frames else None
                if merged is None:
                    files.pop(partition, None)
                    rows.pop(partition, None)
                    continue
                merged = merged.sort_values(schemas.SORT[dataset], kind="stable").reset_index(drop=True)
                key = f"{prefix}/{dataset}/{'report_year=' if year_column else ''}{partition}/part.parquet"
                store.write_bytes(key, to_parquet(merged, dataset))
                files[partition] = key
                rows[partition] = len(merged)
        manifest["datasets"][dataset] = {"files": files, "rows": rows}
    store.write_json(f"{prefix}/manifest.json", manifest)
    return Version(number, manifest)


def commit(store: Store, version: Version) -> None:
    store.write_json(
        CURRENT, {"version": version.number, "manifest": f"curated/v{version.number:06d}/manifest.json"}, atomic=True
    )
