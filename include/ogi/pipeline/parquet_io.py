"""Staging frames to and from Parquet under the data root, in the datasets' schema."""

from __future__ import annotations

import io

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from ogi.pipeline.schemas import SCHEMAS, to_arrow, to_frame
from ogi.storage import Store


def write_frame(store: Store, key: str, frame: pd.DataFrame, dataset: str) -> None:
    sink = io.BytesIO()
    pq.write_table(to_arrow(frame, dataset), sink, compression="zstd")
    store.write_bytes(key, sink.getvalue())


def read_frame(store: Store, key: str, dataset: str, columns: list[str] | None = None) -> pd.DataFrame:
    table = pq.read_table(io.BytesIO(store.read_bytes(key)), columns=columns)
    schema = SCHEMAS[dataset]
    return to_frame(table.cast(schema if columns is None else pa.schema([schema.field(c) for c in columns])))
