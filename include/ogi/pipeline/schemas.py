"""The curated datasets' schemas: what BI tools and analysts read. Wide tables take their columns from the
template spec; values there are numbers or NULL (a printed blank, dash, slash or text is NULL, its kind and
printed form are in `cells`)."""

from __future__ import annotations

import pyarrow as pa

from ogi.template import load_spec
from ogi.validation.frames import table_columns, table_rows

_spec = load_spec()
_STATED = pa.list_(pa.struct([("figure", pa.string()), ("value", pa.int64()), ("phrase", pa.string())]))
_WHO = [
    ("report_id", pa.string()),
    ("report_year", pa.int32()),
    ("agency", pa.string()),
    ("region", pa.string()),
    ("level", pa.string()),
]

SCHEMAS: dict[str, pa.Schema] = {
    "reports": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("sha256", pa.string()),
            ("content_type", pa.string()),
            ("run_id", pa.string()),
            ("status", pa.string()),
            ("error", pa.string()),
            ("format", pa.string()),
            ("pages", pa.int32()),
            ("agency", pa.string()),
            ("agency_printed", pa.string()),
            ("region", pa.string()),
            ("level", pa.string()),
            ("parent", pa.string()),
            ("published", pa.string()),
            ("t2_layout", pa.string()),
            ("t3_layout", pa.string()),
            ("warnings", pa.list_(pa.string())),
            ("stated", _STATED),
            ("quality", pa.string()),
        ]
    ),
    "cells": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("table", pa.string()),
            ("row", pa.string()),
            ("col", pa.string()),
            ("value", pa.float64()),
            ("raw", pa.string()),
            ("kind", pa.string()),
            ("candidates", pa.list_(pa.float64())),
            ("page", pa.int32()),
            ("confidence", pa.float32()),  # read by OCR: the probability of the reading
        ]
    ),
    "t2": pa.schema(_WHO + [("row", pa.string())] + [(c, pa.float64()) for c in table_columns(_spec, "t2")]),
    "t3": pa.schema(_WHO + [("col", pa.string())] + [(r, pa.float64()) for r in table_rows(_spec, "t3")]),
    "t4": pa.schema(_WHO + [("row", pa.string())] + [(c, pa.float64()) for c in table_columns(_spec, "t4")]),
    "violations": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("agency", pa.string()),
            ("rule", pa.string()),
            ("scope", pa.string()),
            ("lhs", pa.float64()),
            ("rhs", pa.float64()),
            ("residual", pa.float64()),
            ("cells", pa.list_(pa.string())),
            ("zero_cells", pa.list_(pa.string())),
            ("severity", pa.string()),
            ("message_zh", pa.string()),
            ("message_en", pa.string()),
        ]
    ),
    "not_assessable": pa.schema(
        [
            ("report_id", pa.string()),
            ("report_year", pa.int32()),
            ("source", pa.string()),
            ("rule", pa.string()),
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
            ("quality", pa.string()),
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
            ("stage", pa.string()),
            ("status", pa.string()),
            ("reason", pa.string()),
            ("sha256", pa.string()),
            ("content_type", pa.string()),
            ("run_id", pa.string()),
            ("quarantined_at", pa.string()),
        ]
    ),
}
KEYS = {name: ("source" if name == "quarantine" else "report_id") for name in SCHEMAS}
PARTITIONED = {name for name in SCHEMAS if name != "quarantine"}
SORT = {
    "reports": ["report_id"],
    "cells": ["report_id", "table", "row", "col"],
    "t2": ["report_id", "row"],
    "t3": ["report_id", "col"],
    "t4": ["report_id", "row"],
    "violations": ["report_id", "rule", "scope"],
    "not_assessable": ["report_id", "rule", "scope"],
    "quality": ["report_id"],
    "quarantine": ["source"],
}
