"""Scanned reports, read by OCR in tasks of their own, so that they never hold text reports back.

The extract step reads every document without OCR; a scanned PDF comes back `needs_ocr` and is listed in
its batch's staging (`ocr.json`) instead of being staged. `plan` turns those lists into one work item per
document; `extract_scanned` stages one such document as a batch of one, reading it by OCR in a worker process
(ogi.workers) under a budget of its own, larger than a text report's (OGI_OCR_TIMEOUT_S, OGI_OCR_MEMORY_MB): a
document over it goes to quarantine as `timeout` or `memory`, and the run goes on. In the DAG these are mapped
tasks in their own pool (`ogi_ocr`).
"""

from __future__ import annotations

import os

from ogi.pipeline.config import PipelineConfig
from ogi.sources import ExtractOptions

DEFERRED = "ocr.json"  # in a batch's staging: its documents left for OCR
MEMORY_MB = int(os.environ.get("OGI_OCR_MEMORY_MB", 2048))  # address space of the worker reading one scan
TIMEOUT_S = float(os.environ.get("OGI_OCR_TIMEOUT_S", 600))  # time for one scanned document, all its pages


def defer(store, staged: str, fetched: dict, documents: list[dict]) -> None:
    """List a batch's documents that need OCR in its staging (called by the extract step)."""
    store.write_json(
        f"{staged}/{DEFERRED}",
        {"run_id": fetched["run_id"], "year": fetched["year"], "batch": fetched["batch"], "documents": documents},
    )


def plan(config: PipelineConfig, staged_keys: list[str]) -> list[str]:
    """One work item per document the extract step left for OCR: the key of a fetched-batch file holding
    that document alone."""
    store = config.store()
    items = []
    for staged in staged_keys:
        if not store.exists(f"{staged}/{DEFERRED}"):
            continue
        deferred = store.read_json(f"{staged}/{DEFERRED}")
        for i, document in enumerate(deferred["documents"]):
            item = f"{staged}-ocr/{i}.json"
            batch = f"{deferred['batch']}-ocr-{i}"
            store.write_json(item, {**deferred, "batch": batch, "documents": [document]})
            items.append(item)
    return items


def extract_scanned(config: PipelineConfig, item: str) -> str:
    """Stage one scanned document (a work item of `plan`), read by OCR in a worker process under OCR's budget."""
    from ogi.pipeline.extract_step import extract_batch

    return extract_batch(config, item, ocr=True)


def budget(options: ExtractOptions) -> ExtractOptions:
    """A scan's budget: the run's, raised to OCR's own (seconds a page, half a gigabyte and more)."""
    return ExtractOptions(timeout_s=max(options.timeout_s, TIMEOUT_S), memory_mb=max(options.memory_mb, MEMORY_MB))
