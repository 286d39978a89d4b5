"""Publish an audited run: a new curated version (the ten tables switched together), the DuckDB catalog over
it, and the run summary whose counts add up: every document is curated, quarantined, a container page,
unchanged or out of the requested year — exactly one of them. A curated document is in `documents`; the
reports the run settled (one document each) in `reports`, `t2`-`t4` and the validation datasets. Retried after
dying anywhere, it publishes the run once: the same summary, the same version."""

from __future__ import annotations

import logging

import numpy as np
import pandas as pd

from ogi.pipeline import curated
from ogi.pipeline.audit_step import SETTLED, load_staged
from ogi.pipeline.catalog import build_catalog
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.parquet_io import read_frame
from ogi.pipeline.records import FATES, RunSummary, SettledRecord

VALIDATION = ("violations", "not_assessable", "quality")
log = logging.getLogger("ogi.publish")


class StaleAudit(RuntimeError):
    """The curated data moved on between this run's audit and its publish."""


def _new_quarantine(version, quarantine: pd.DataFrame, store) -> pd.DataFrame:
    """Quarantine rows that say something new (a source failing the same way again changes nothing)."""
    known = curated.read_dataset(store, version, "quarantine", ["source", "sha256", "stage", "reason"])
    seen = set(zip(known["source"], known["sha256"].fillna(""), known["stage"], known["reason"]))
    fresh = [
        (s, h, st, r) not in seen
        for s, h, st, r in zip(
            quarantine["source"], quarantine["sha256"].fillna(""), quarantine["stage"], quarantine["reason"]
        )
    ]
    return quarantine[np.array(fresh, dtype=bool)]


def publish(config: PipelineConfig, run_id: str, staged_keys: list[str], validation_key: str) -> RunSummary:
    store = config.store()
    with curated.publishing(store, run_id) as publisher:
        base = publisher.base
        settled_key = f"runs/{run_key(run_id)}/settled"
        settled_info: SettledRecord = store.read_json(f"{settled_key}/settled.json")
        audited = settled_info.get("base")
        if publisher.done is None and audited != (base.number if base else None):
            raise StaleAudit(
                f"run {run_id}: audited against curated version {audited}, but version "
                f"{base.number if base else None} is current now (published by another run since): its reports, "
                "cross-year checks and validation would overwrite that version's; clear this run's audit task to "
                "settle and validate the batch again"
            )
        staged = load_staged(store, staged_keys)
        checked = {name: read_frame(store, f"{validation_key}/{name}.parquet", name) for name in VALIDATION}
        revalidated = set(store.read_json(f"{validation_key}/context.json")["revalidated"])
        quarantine = _new_quarantine(base, staged["quarantine"], store)
        settled = {name: read_frame(store, f"{settled_key}/{name}.parquet", name) for name in SETTLED}

        quality = checked["quality"].set_index("report_id")["quality"].astype(str)
        reports = settled["reports"].assign(quality=lambda f: f["report_id"].map(quality))
        if revalidated:  # curated reports whose cross-year/consolidation results this batch changed
            known = curated.read_dataset(store, base, "reports")
            context = known[known["report_id"].isin(revalidated)]
            context = context.assign(quality=context["report_id"].map(quality))
            reports = pd.concat([reports.astype(object), context.astype(object)], ignore_index=True)

        batch_ids = set(staged["documents"]["report_id"])
        settled_ids = set(settled["reports"]["report_id"])
        left_curated = set(quarantine["report_id"])  # read before, unreadable now: out of curated, into quarantine
        # every document of a report the run settled again: its rows, and its report's, are replaced
        replaced = batch_ids | left_curated | set(settled_info["replaced"])
        changes = {"cells": (staged["cells"], batch_ids | left_curated)}
        changes.update({name: (settled[name], replaced) for name in ("documents", "t2", "t3", "t4")})
        changes["reports"] = (reports, replaced | revalidated)
        for name in VALIDATION:
            changes[name] = (checked[name], replaced | revalidated)
        changes["quarantine"] = (quarantine, set(quarantine["source"]) | set(staged["documents"]["source"]))

        summaries = [store.read_json(f"{key}/summary.json") for key in staged_keys]
        settled_quality = checked["quality"][checked["quality"]["report_id"].isin(settled_ids)]["quality"]
        summary: RunSummary = {
            "run_id": run_id,
            "documents": sum(s["documents"] for s in summaries),
            **{fate: sum(s.get(fate, 0) for s in summaries) for fate in FATES},
            "newly_quarantined": len(quarantine),
            "quality": {str(q): int(n) for q, n in settled_quality.astype(str).value_counts().items()},
            "violations": int(checked["violations"]["report_id"].isin(settled_ids).sum()),
            "version": base.number if base else None,
            "published": False,
            **settled_info["counts"],
        }
        version = publisher.done
        if version is None and (len(staged["documents"]) or len(quarantine) or len(settled["documents"])):
            version = publisher.commit(changes)
        if version is not None and version.run_id == run_id:
            summary.update(version=version.number, published=True)
    version = curated.current(store)
    if version is not None:
        summary["duckdb"] = build_catalog(config, version)
        log.info("DuckDB catalog built over version %d", version.number)
    summary["curated"] = store.uri(curated.CURRENT)
    store.write_json(f"runs/{run_key(run_id)}/summary.json", summary)
    log.info("run summary written")
    return summary
