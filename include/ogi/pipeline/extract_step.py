"""Extract one fetched batch into staging: curated-shaped rows for what was read, quarantine rows (with the
reason and the raw file's hash) for what was not. Nothing is dropped: every document is counted once."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pandas as pd

from ogi.extract import Report, extract_bytes
from ogi.fetch.archive import Archive
from ogi.pipeline import ocr_step
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.parquet_io import write_frame
from ogi.pipeline.records import FATES, Document, Fate, FetchedBatch, StageSummary
from ogi.pipeline.schemas import SCHEMAS, to_frame
from ogi.pipeline.wide import wide
from ogi.tables_io import cells_table, report_row, source_id
from ogi.validation.validate import VALIDATED


def _report_row(report: Report, document: Document, run_id: str) -> dict:
    agency = document["agency"]
    return report_row(
        report,
        sha256=document["sha256"],
        content_type=document["content_type"],
        run_id=run_id,
        agency=agency["name"],
        region=agency["region"],
        level=agency["level"],
        parent=agency["parent"],
    )


def _quarantine_row(document: Document, stage: str, status: str, reason: str | None, run_id: str) -> dict:
    return {
        "source": document["source"],
        "report_id": source_id(document["source"]),
        "agency": document["agency"]["name"],
        "stage": stage,
        "status": status,
        "reason": reason or status,
        "sha256": document["sha256"],
        "content_type": document["content_type"],
        "run_id": run_id,
        "quarantined_at": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _frame(rows: list[dict], dataset: str) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=SCHEMAS[dataset].names)


def extract_batch(config: PipelineConfig, fetched_key: str, extract=None) -> str:
    """`extract`: how a document's bytes are read (ogi.pipeline.ocr_step reads scans by OCR); by default
    without OCR, scanned documents left for the OCR tasks (listed in the staging's ocr.json, not counted)."""
    store = config.store()
    archive = Archive(store)
    fetched: FetchedBatch = store.read_json(fetched_key)
    run_id, year = fetched["run_id"], fetched["year"]
    reports: list[Report] = []
    report_rows, quarantine_rows, fates = [], [], []  # one fate per document
    scans: list[Document] = []  # left for the OCR tasks
    for document in fetched["documents"]:
        if document["sha256"] is None:
            quarantine_rows.append(_quarantine_row(document, "fetch", document["outcome"], document["reason"], run_id))
            fates.append(Fate.QUARANTINED)
            continue
        if not document["process"]:
            fates.append(Fate.UNCHANGED)
            continue
        read = extract or partial(extract_bytes, ocr=False)
        report = read(archive.get(document["sha256"]), document["source"], document["content_type"])
        if report.status == "needs_ocr" and extract is None:
            scans.append(document)
            continue
        if report.status in VALIDATED:
            if year is not None and report.metadata.report_year not in (None, year):
                fates.append(Fate.OUT_OF_SCOPE)
                continue
            reports.append(report)
            report_rows.append(_report_row(report, document, run_id))
            fates.append(Fate.EXTRACTED)
        elif document["attachments"]:  # a page that links its report as attachments; those are documents too
            fates.append(Fate.CONTAINER)
        else:
            quarantine_rows.append(_quarantine_row(document, "extract", report.status, report.error, run_id))
            fates.append(Fate.QUARANTINED)
    report_frame = _frame(report_rows, "reports")
    cells = to_frame(cells_table(reports))
    staged = f"runs/{run_key(run_id)}/staging/{fetched['batch']}"
    outputs = {
        "reports": report_frame,
        "cells": cells[SCHEMAS["cells"].names],
        "t2": wide("t2", cells, report_frame),
        "t3": wide("t3", cells, report_frame),
        "t4": wide("t4", cells, report_frame),
        "quarantine": _frame(quarantine_rows, "quarantine"),
    }
    for name, frame in outputs.items():
        write_frame(store, f"{staged}/{name}.parquet", frame, name)
    summary: StageSummary = {
        "documents": len(fetched["documents"]) - len(scans),
        **{fate: fates.count(fate) for fate in FATES},
    }
    store.write_json(f"{staged}/summary.json", summary)
    if scans:
        ocr_step.defer(store, staged, fetched, scans)
    return staged
