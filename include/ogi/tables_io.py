"""Extraction results as Arrow tables in the datasets' one schema (`ogi.pipeline.schemas`): `reports` (one row
per file) and `cells` (one row per cell, long). The pipeline adds what it knows of a document (its agency as
the sources name it, its hash, its run) to the same rows."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ogi.extract import Report
from ogi.pipeline.schemas import SCHEMAS


def report_id(report: Report) -> str:
    return source_id(report.source)


def source_id(source: str) -> str:
    """Stable per source: the same file or URL gives the same id on every run."""
    return hashlib.sha256(source.encode("utf-8")).hexdigest()[:16]


def report_row(report: Report, **known) -> dict:
    """One `reports` row; `known` fills or overrides what the file alone does not say (agency, region, sha256…)."""
    row = dict.fromkeys(SCHEMAS["reports"].names)
    row.update(
        report_id=report_id(report),
        report_year=report.metadata.report_year,
        source=report.source,
        status=report.status,
        error=report.error,
        format=report.format,
        pages=report.pages,
        agency=report.metadata.agency,
        agency_printed=report.metadata.agency,
        published=report.metadata.published,
        t2_layout=report.layouts.get("t2"),
        t3_layout=report.layouts.get("t3"),
        warnings=report.warnings,
        stated=[s.as_json() for s in report.stated],
    )
    row.update(known)
    return row


def reports_table(reports: Iterable[Report]) -> pa.Table:
    return pa.Table.from_pylist([report_row(r) for r in reports], schema=SCHEMAS["reports"])


def cells_table(reports: Iterable[Report]) -> pa.Table:
    rows = []
    for report in reports:
        rid, year = report_id(report), report.metadata.report_year
        for table, table_rows in report.tables.items():
            for row, cols in table_rows.items():
                for col, cell in cols.items():
                    rows.append(
                        {
                            "report_id": rid,
                            "report_year": year,
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
    return pa.Table.from_pylist(rows, schema=SCHEMAS["cells"])


def write_parquet(reports: list[Report], directory: str | Path) -> dict[str, Path]:
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)
    paths = {"reports": directory / "reports.parquet", "cells": directory / "cells.parquet"}
    pq.write_table(reports_table(reports), paths["reports"])
    pq.write_table(cells_table(reports), paths["cells"])
    return paths
