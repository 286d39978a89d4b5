"""The one schema of every dataset ogi writes: the curated tables, their staging files, and what `ogi extract
--parquet` writes (`reports`, `cells`). Wide tables take their columns from the template spec: a count is a
nullable integer, money a double; a printed blank, dash, slash or text is NULL there (its kind and printed form
are in `cells`). Cell kinds and other short codes are dictionary strings.

Changing a schema here is a migration: bump `SCHEMA_VERSION` and add a step to `ogi.pipeline.migrate`."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ogi.template import load_spec
from ogi.validation.frames import table_columns, table_rows

SCHEMA_VERSION = 3  # 2: the `documents` dataset; reports' documents, canonical_reason, copies. 3: cells.confidence

_spec = load_spec()
_CODE = pa.dictionary(pa.int32(), pa.string())  # a short code from a small set (a kind, a status, a rule)
_STATED = pa.list_(pa.struct([("figure", pa.string()), ("value", pa.int64()), ("phrase", pa.string())]))
_WHO = [
    ("report_id", pa.string()),
    ("report_year", pa.int32()),
    ("agency", pa.string()),
    ("region", pa.string()),
    ("level", _CODE),
]


def _value_type(table: str, code: str) -> pa.DataType:
    """A wide column's type: int64 when every layout counts in it, double when any holds money."""
    dtypes = {layout.columns[code].dtype for layout in _spec.tables[table].layouts.values() if code in layout.columns}
    return pa.int64() if dtypes == {"int"} else pa.float64()


def _wide(table: str, per: str, values: list[str]) -> pa.Schema:
    if table == "t3":  # t3's wide columns are its rows, all counts
        return pa.schema(_WHO + [(per, _CODE)] + [(v, pa.int64()) for v in values])
    return pa.schema(_WHO + [(per, _CODE)] + [(v, _value_type(table, v)) for v in values])


# What a document carrying a report holds (extract_step stages these rows); the curated `documents` dataset
# keeps every such document, `reports` the one per (agency, report year) that is the report (canonical.py).
_DOCUMENT = [
    ("report_id", pa.string()),
    ("report_year", pa.int32()),
    ("source", pa.string()),
    ("sha256", pa.string()),
    ("content_type", pa.string()),
    ("run_id", pa.string()),
    ("status", _CODE),
    ("error", pa.string()),
    ("format", _CODE),
    ("pages", pa.int32()),
    ("agency", pa.string()),
    ("agency_printed", pa.string()),
    ("region", pa.string()),
    ("level", _CODE),
    ("parent", pa.string()),
    ("published", pa.string()),
    ("t2_layout", _CODE),
    ("t3_layout", _CODE),
    ("warnings", pa.list_(pa.string())),
    ("stated", _STATED),
]
_DOCUMENT_COPY = [
    ("agency_configured", pa.string()),  # the agency whose source found it; `agency` is whose report it is
    ("agency_match", _CODE),  # how: name, alias, other_agency, not_printed, unmapped
    ("rank", pa.int32()),  # 1: the report's document
    ("canonical", pa.bool_()),
    ("canonical_id", pa.string()),  # the report_id of the report it is a copy of
    ("compared_cells", pa.int32()),  # cells it and the report's document both print
    ("differing_cells", pa.int32()),  # of those, cells where they disagree (rule D3)
]
_REPORT_DOCUMENTS = [
    ("documents", pa.list_(pa.string())),  # the sources of every document of the report, its own first
    ("canonical_reason", pa.string()),  # why this document is the report
    ("copies", _CODE),  # single, agree, disagree, not_compared
]

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(_DOCUMENT + [("quality", _CODE)] + _REPORT_DOCUMENTS),
    "documents": pa.schema(_DOCUMENT + _DOCUMENT_COPY),
    "cells": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("table", _CODE),
            ("row", _CODE),
            ("col", _CODE),
            ("value", pa.float64()),  # counts and money in one column: the wide tables type them apart
            ("raw", pa.string()),
            ("kind", _CODE),
            ("candidates", pa.list_(pa.float64())),
            ("page", pa.int32()),
            ("confidence", pa.float64()),  # read by OCR: the probability of the reading
        ]
    ),
    "t2": _wide("t2", "row", table_columns(_spec, "t2")),
    "t3": _wide("t3", "col", table_rows(_spec, "t3")),
    "t4": _wide("t4", "row", table_columns(_spec, "t4")),
    "violations": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("agency", pa.string()),
            ("rule", _CODE),
            ("scope", pa.string()),
            ("lhs", pa.float64()),
            ("rhs", pa.float64()),
            ("residual", pa.float64()),
            ("cells", pa.list_(pa.string())),
            ("zero_cells", pa.list_(pa.string())),
            ("severity", _CODE),
            ("message_zh", pa.string()),
            ("message_en", pa.string()),
        ]
    ),
    "not_assessable": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("rule", _CODE),
            ("scope", pa.string()),
            ("unknown_cells", pa.list_(pa.string())),
        ]
    ),
    "quality": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("agency", pa.string()),
            ("quality", _CODE),
            ("errors", pa.int32()),
            ("warnings", pa.int32()),
            ("not_assessable", pa.int32()),
        ]
    ),
    "quarantine": pa.schema(
        [
            ("source", pa.string()),
            ("report_id", pa.string()),
            ("agency", pa.string()),
            ("stage", _CODE),
            ("status", _CODE),
            ("reason", pa.string()),
            ("sha256", pa.string()),
            ("content_type", pa.string()),
            ("run_id", pa.string()),
            ("quarantined_at", pa.string()),
        ]
    ),
}
KEYS = {name: ("source" if name == "quarantine" else "report_id") for name in SCHEMAS}
PARTITION = "report_year"  # every dataset but quarantine is partitioned by it
PARTITIONED = {name for name in SCHEMAS if name != "quarantine"}


def storage_schema(dataset: str) -> pa.Schema:
    """The schema as a Delta table stores it: Delta has no dictionary type (Parquet encodes codes by dictionary)."""
    return pa.schema(
        [pa.field(f.name, f.type.value_type if pa.types.is_dictionary(f.type) else f.type) for f in SCHEMAS[dataset]]
    )


def to_arrow(frame, dataset: str) -> pa.Table:
    """A frame in the dataset's schema; a value that does not fit its column (text in a count, 2.5 in a count)
    raises rather than being coerced."""
    schema = SCHEMAS[dataset]
    return pa.Table.from_pandas(frame[schema.names], schema=schema, preserve_index=False)


_NULLABLE_INTS = {pa.int32(): pd.Int32Dtype(), pa.int64(): pd.Int64Dtype()}


def to_frame(table: pa.Table) -> pd.DataFrame:
    """An Arrow table in a dataset's schema as pandas: integers stay integers (nullable); codes are plain strings
    there (dictionary-encoded in Arrow and Parquet, where it saves space, not in frames code edits)."""
    decoded = pa.schema(
        [pa.field(f.name, f.type.value_type) if pa.types.is_dictionary(f.type) else f for f in table.schema]
    )
    return table.cast(decoded).to_pandas(types_mapper=_NULLABLE_INTS.get)
