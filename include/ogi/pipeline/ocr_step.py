"""Scanned reports, read by OCR in tasks of their own, so that they never hold text reports back.

The extract step reads every document without OCR; a scanned PDF comes back `needs_ocr` and is listed in
its batch's staging (`ocr.json`) instead of being staged. `plan` turns those lists into one work item per
document; `extract_scanned` stages one such document as a batch of one, reading it by OCR in a child process
bounded in memory (address space) and time: a document over either bound goes to quarantine with the reason,
and the run goes on. In the DAG these are mapped tasks in their own pool (`ogi_ocr`).
"""

from __future__ import annotations

import concurrent.futures
import logging
import multiprocessing
import os
import resource

from ogi.extract import Report, extract_bytes
from ogi.pipeline.config import PipelineConfig

log = logging.getLogger("ogi.ocr")

DEFERRED = "ocr.json"  # in a batch's staging: its documents left for OCR
MEMORY_MB = int(os.environ.get("OGI_OCR_MEMORY_MB", 2048))  # address space of the process reading one scan
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
    """Stage one scanned document (a work item of `plan`), read by OCR within the memory and time bounds."""
    from ogi.pipeline.extract_step import extract_batch

    return extract_batch(config, item, extract=bounded_ocr)


def bounded_ocr(data: bytes, source: str, content_type: str | None = None) -> Report:
    """`extract_bytes` with OCR, in a child process of at most MEMORY_MB of address space and TIMEOUT_S."""
    context = multiprocessing.get_context("spawn")
    executor = concurrent.futures.ProcessPoolExecutor(
        max_workers=1, mp_context=context, initializer=_limit_memory, initargs=(MEMORY_MB,)
    )
    try:
        future = executor.submit(_read, data, source, content_type, MEMORY_MB)
        return future.result(timeout=TIMEOUT_S)
    except concurrent.futures.TimeoutError:
        return Report(source, "error", errors=[f"OCR took more than its {TIMEOUT_S:.0f} s (OGI_OCR_TIMEOUT_S)"])
    except concurrent.futures.process.BrokenProcessPool:
        return Report(source, "error", errors=[f"OCR ran out of its {MEMORY_MB} MB (OGI_OCR_MEMORY_MB) or crashed"])
    finally:
        for process in list(getattr(executor, "_processes", {}).values()):
            process.kill()
        executor.shutdown(wait=False, cancel_futures=True)


def _limit_memory(megabytes: int) -> None:
    limit = megabytes * 1024 * 1024
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))


def _read(data: bytes, source: str, content_type: str | None, megabytes: int) -> Report:
    logging.basicConfig(level=logging.INFO, format="%(message)s")  # progress per page, into the task's log
    over = f"OCR ran out of its {megabytes} MB (OGI_OCR_MEMORY_MB)"
    try:  # the libraries OCR maps into memory: a bound too low for them shows here
        import cv2  # noqa: F401
        import numpy  # noqa: F401
        import onnxruntime  # noqa: F401
    except (ImportError, MemoryError, OSError) as exc:
        return Report(source, "error", errors=[f"{over}: {type(exc).__name__} loading OCR"])
    report = extract_bytes(data, source, content_type, ocr=True)
    if report.status == "error" and any("MemoryError" in e or "allocate" in e for e in report.errors):
        return Report(source, "error", errors=[over])
    return report
