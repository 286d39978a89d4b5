"""After a run, whatever happened: its intermediate files go (batches, fetched lists, staging, validation
frames). What stays: the run summary, its GX Data Docs, its fetch log, the raw archive and the curated tables."""

from __future__ import annotations

from ogi.pipeline.config import PipelineConfig, run_key

INTERMEDIATE = ("batches", "fetched", "staging", "validation")


def cleanup(config: PipelineConfig, run_id: str) -> list[str]:
    store = config.store()
    removed = []
    for name in INTERMEDIATE:
        key = f"runs/{run_key(run_id)}/{name}"
        if store.exists(key):
            store.delete(key)
            removed.append(key)
    return removed
