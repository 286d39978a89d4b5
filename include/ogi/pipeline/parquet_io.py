"""Frames to and from Parquet under the data root, in the curated schemas."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.pipeline.schemas import SCHEMAS
from ogi.storage import Store


def to_parquet(frame: pd.DataFrame, dataset: str) -> bytes:
    schema = SCHEMAS[dataset]
    # a column added to the schema since a partition was written (cells.confidence) is null in its old rows
    table = pa.Table.from_pandas(frame.reindex(columns=schema.names), schema=schema, preserve_index=False)
    sink = io.BytesIO()
    pq.write_table(table, sink, compression="zstd")
    return sink.getvalue()


def write_frame(store: Store, key: str, frame: pd.DataFrame, dataset: str) -> None:
    store.write_bytes(key, to_parquet(frame, dataset))


def read_frame(store: Store, key: str, columns: list[str] | None = None) -> pd.DataFrame:
    return pq.read_table(io.BytesIO(store.read_bytes(key)), columns=columns).to_pandas()
