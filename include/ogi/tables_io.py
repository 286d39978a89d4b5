"""Extraction results as Arrow tables: `reports` (one row per file) and `cells` (one row per cell, long)."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ogi.extract import Report

REPORTS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("source", pa.string()),
        ("status", pa.string()),
        ("error", pa.string()),
        ("format", pa.string()),
        ("pages", pa.int32()),
        ("agency", pa.string()),
        ("region", pa.string()),
        ("report_year", pa.int32()),
        ("published", pa.string()),
        ("t2_layout", pa.string()),
        ("t3_layout", pa.string()),
        ("warnings", pa.list_(pa.string())),
        ("stated", pa.list_(pa.struct([("figure", pa.string()), ("value", pa.int64()), ("phrase", pa.string())]))),
    ]
)
CELLS_SCHEMA = pa.schema(
    [
        ("report_id", pa.string()),
        ("table", pa.string()),
        ("row", pa.string()),
        ("col", pa.string()),
        ("value", pa.float64()),
        ("raw", pa.string()),
        ("kind", pa.string()),
        ("candidates", pa.list_(pa.float64())),
        ("page", pa.int32()),
        ("confidence", pa.float32()),  # read by OCR: the probability of the reading (null: read from text)
    ]
)


def report_id(report: Report) -> str:
    return source_id(report.source)


def source_id(source: str) -> str:
    """Stable per source: the same file or URL gives the same id on every run."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def reports_table(reports: Iterable[Report]) -> pa.Table:
    rows = []
    for report in reports:
        rows.append(
            {
                "report_id": report_id(report),
                "source": report.source,
                "status": report.status,
                "error": report.error,
                "format": report.format,
                "pages": report.pages,
                "agency": report.metadata.agency,
                "region": None,
                "report_year": report.metadata.report_year,
                "published": report.metadata.published,
                "t2_layout": report.layouts.get("t2"),
                "t3_layout": report.layouts.get("t3"),
                "warnings": report.warnings,
                "stated": [s.as_json() for s in report.stated],
            }
        )
    return pa.Table.from_pylist(rows, schema=REPORTS_SCHEMA)


def cells_table(reports: Iterable[Report]) -> pa.Table:
    rows = []
    for report in reports:
        rid = report_id(report)
        for table, table_rows in report.tables.items():
            for row, cols in table_rows.items():
                for col, cell in cols.items():
                    rows.append(
                        {
                            "report_id": rid,
                            "table": table,
                            "row": row,
                            "col": col,
                            "value": None if cell.value is None else float(cell.value),
                            "raw": cell.raw,
                            "kind": cell.kind,
                            "candidates": [float(c) for c in cell.candidates] or None,
                            "page": cell.page,
                            "confidence": cell.confidence,
                        }
                    )
    return pa.Table.from_pylist(rows, schema=CELLS_SCHEMA)


def write_parquet(reports: list[Report], directory: str | Path) -> dict[str, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"reports": directory / "reports.parquet", "cells": directory / "cells.parquet"}
    pq.write_table(reports_table(reports), paths["reports"])
    pq.write_table(cells_table(reports), paths["cells"])
    return paths


def to_jsonl(report: Report) -> str:
    return json.dumps(report.as_json(), ensure_ascii=False)
