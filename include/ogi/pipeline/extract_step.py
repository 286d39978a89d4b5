"""Extract one fetched batch into staging: a `documents` row and the cells of every document read, quarantine
rows (with the reason and the raw file's hash) for what was not. Nothing is dropped: every document is counted
once. Which document is which agency's report for a year is settled at audit, over the whole run."""

from __future__ import annotations

from datetime import UTC, datetime

import pandas as pd

from ogi.extract import Report
from ogi.fetch.archive import Archive
from ogi.pipeline import ocr_step
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.parquet_io import write_frame
from ogi.pipeline.records import FATES, Document, Fate, FetchedBatch, StageSummary
from ogi.pipeline.schemas import SCHEMAS, to_frame
from ogi.sources import ExtractOptions
from ogi.tables_io import cells_table, report_row, source_id
from ogi.validation.validate import VALIDATED
from ogi.workers import MEMORY, TIMEOUT, Job, ReaderPool


def _document_row(report: Report, document: Document, run_id: str) -> dict:
    agency = document["agency"]
    return dict.fromkeys(SCHEMAS["documents"].names) | report_row(
        report,
        sha256=document["sha256"],
        content_type=document["content_type"],
        run_id=run_id,
        agency=agency["name"],
        agency_configured=agency["name"],
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


def extract_batch(config: PipelineConfig, fetched_key: str, ocr: bool = False) -> str:
    """`ocr`: scanned documents read by OCR, under OCR's larger budget (ogi.pipeline.ocr_step); without it,
    they are left for the OCR tasks (listed in the staging's ocr.json, not counted here)."""
    store = config.store()
    archive = Archive(store)
    fetched: FetchedBatch = store.read_json(fetched_key)
    run_id, year = fetched["run_id"], fetched["year"]
    reports: list[Report] = []
    document_rows, quarantine_rows, fates = [], [], []  # one fate per document
    to_read = [d for d in fetched["documents"] if d["sha256"] is not None and d["process"]]
    jobs = (Job(d["source"], data=archive.get(d["sha256"]), content_type=d["content_type"], ocr=ocr) for d in to_read)
    options = ExtractOptions(**(fetched.get("extract") or {}))
    # Each document read in a worker process under the run's budget: one that hangs or swells is stopped there.
    with ReaderPool(ocr_step.budget(options) if ocr else options) as pool:
        read = dict(zip(map(id, to_read), pool.map(jobs)))
    scans = [d for d in to_read if read[id(d)].status == "needs_ocr" and not ocr]  # left for the OCR tasks
    for document in fetched["documents"]:
        if document["sha256"] is None:
            quarantine_rows.append(_quarantine_row(document, "fetch", document["outcome"], document["reason"], run_id))
            fates.append(Fate.QUARANTINED)
            continue
        if not document["process"]:
            fates.append(Fate.UNCHANGED)
            continue
        report = read[id(document)]
        if report.status == "needs_ocr" and not ocr:
            continue  # one of `scans`
        if report.status in VALIDATED:
            if year is not None and report.metadata.report_year not in (None, year):
                fates.append(Fate.OUT_OF_SCOPE)
                continue
            reports.append(report)
            document_rows.append(_document_row(report, document, run_id))
            fates.append(Fate.EXTRACTED)
        elif document["attachments"] and report.status not in (TIMEOUT, MEMORY):
            fates.append(Fate.CONTAINER)  # a page that links its report as attachments; those are documents too
        else:
            quarantine_rows.append(_quarantine_row(document, "extract", report.status, report.error, run_id))
            fates.append(Fate.QUARANTINED)
    document_frame = _frame(document_rows, "documents")
    cells = to_frame(cells_table(reports))
    staged = f"runs/{run_key(run_id)}/staging/{fetched['batch']}"
    outputs = {
        "documents": document_frame,
        "cells": cells[SCHEMAS["cells"].names],
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
