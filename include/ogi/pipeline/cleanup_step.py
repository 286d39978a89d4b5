"""After a run: its intermediate files go (batches, fetched lists, staging, settled reports, validation frames)
once the run is published. What stays: the run summary, its GX Data Docs, its fetch log, the raw archive and the
curated tables. A run that did not publish keeps them, so that its failed task can be cleared and run again,
for KEEP_FAILED; after that the cleanup of a later run removes them."""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

from ogi.pipeline.config import PipelineConfig, run_key

INTERMEDIATE = ("batches", "fetched", "staging", "settled", "validation")
KEEP_FAILED = timedelta(days=7)
log = logging.getLogger("ogi.cleanup")


def cleanup(config: PipelineConfig, run_id: str, now: datetime | None = None) -> list[str]:
    """The intermediate keys removed: this run's once it has a summary (publish finished), and those of runs
    that never published and were last written more than KEEP_FAILED before `now`."""
    store = config.store()
    now = now or datetime.now(UTC)
    own = f"runs/{run_key(run_id)}"
    removed = []
    by_run: dict[str, list[str]] = {}
    for key in store.list("runs"):
        parts = key.split("/")
        if len(parts) > 3 and parts[2] in INTERMEDIATE:
            by_run.setdefault(f"runs/{parts[1]}", []).append(key)
    for run, keys in by_run.items():
        present = sorted({"/".join(key.split("/")[:3]) for key in keys})
        published = store.exists(f"{run}/summary.json")
        if run == own and not published:
            log.warning(
                "run %s did not publish: its intermediate files are kept for a retry (clear its failed task) until "
                "%s: %s",
                run_id,
                (now + KEEP_FAILED).date(),
                ", ".join(store.uri(key) for key in present),
            )
            continue
        if run != own:
            if published or max(store.modified(key) for key in keys) > now - KEEP_FAILED:
                continue  # a published run's own cleanup removes them; a failed one keeps them a week
            log.info("%s never published and was last written over %s ago: its intermediate files go", run, KEEP_FAILED)
        for key in present:
            store.delete(key)
        removed.extend(present)
    return removed
