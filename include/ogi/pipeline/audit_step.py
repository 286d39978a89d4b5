"""Audit a run's staged batches before anything is published: check the batch's own integrity, settle which
document is each report (one per agency and year; canonical_step.py), and validate those reports (GX suites,
with the curated reports of the same agencies as context for the cross-year and consolidation rules; D3 for
copies that disagree). An integrity failure raises, so publish never runs and readers keep what they had."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pandas as pd

from ogi.pipeline import curated
from ogi.pipeline.canonical_step import settle
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.pipeline.parquet_io import read_frame, write_frame
from ogi.pipeline.records import FATES, SettledRecord
from ogi.pipeline.schemas import SCHEMAS
from ogi.pipeline.wide import wide
from ogi.sources import load_sources
from ogi.template import load_spec
from ogi.validation.validate import quality, validate

STAGED = ("documents", "cells", "quarantine")
SETTLED = ("documents", "reports", "t2", "t3", "t4")  # under runs/<run>/settled/, what publish publishes


class AuditError(RuntimeError):
    """The staged batch is not fit to publish (a bug or a broken write, not a bad report)."""


def load_staged(store, staged_keys: list[str]) -> dict[str, pd.DataFrame]:
    out = {}
    for name in STAGED:
        frames = [read_frame(store, f"{key}/{name}.parquet", name) for key in staged_keys]
        frames = [f for f in frames if len(f)]
        out[name] = pd.concat(frames, ignore_index=True) if frames else SCHEMAS[name].empty_table().to_pandas()
    return out


def _check_integrity(store, staged_keys: list[str], staged: dict[str, pd.DataFrame]) -> list[str]:
    problems = []
    reports, cells = staged["documents"], staged["cells"]
    duplicated = reports["report_id"][reports["report_id"].duplicated()]
    if len(duplicated):
        problems.append(f"report ids staged twice: {', '.join(sorted(set(duplicated))[:5])}")
    spec = load_spec()
    counts = cells.groupby(["report_id", "table"]).size()
    for row in reports.itertuples():
        for table, layout_code in (("t2", row.t2_layout), ("t3", row.t3_layout), ("t4", "standard")):
            if pd.isna(layout_code) or (row.report_id, table) not in counts:
                continue
            expected = spec.layout(table, layout_code).cell_count()
            if counts[(row.report_id, table)] != expected:
                problems.append(
                    f"{row.source}: {table} has {counts[(row.report_id, table)]} cells, its layout "
                    f"{layout_code} has {expected}"
                )
    for key in staged_keys:
        summary = store.read_json(f"{key}/summary.json")
        fates = sum(summary[fate] for fate in FATES)
        if fates != summary["documents"]:
            problems.append(f"{key}: {summary['documents']} documents but {fates} accounted for")
    return problems


def _context(
    store, version, reports: pd.DataFrame, members: dict[str, list[str]], replaced: set[str]
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Curated reports (and their cells) of the batch's agencies, their consolidating parents and members, but
    those the batch settles again (`replaced`)."""
    agencies = set(reports["agency"])
    for parent, kids in members.items():
        if parent in agencies or agencies & set(kids):
            agencies |= {parent, *kids}
    known = curated.read_dataset(store, version, "reports")
    context = known[known["agency"].isin(agencies) & ~known["report_id"].isin(replaced)]
    if context.empty:
        return context, SCHEMAS["cells"].empty_table().to_pandas()
    cells = curated.read_dataset(store, version, "cells", partitions=set(context["report_year"]))
    return context, cells[cells["report_id"].isin(set(context["report_id"]))]


def audit(config: PipelineConfig, run_id: str, staged_keys: list[str]) -> str:
    store = config.store()
    staged = load_staged(store, staged_keys)
    problems = _check_integrity(store, staged_keys, staged)
    if problems:
        raise AuditError("the staged batch fails its audit:\n" + "\n".join(problems))
    sources = load_sources(config.sources)
    members = sources.members()
    version = curated.current(store)
    key = f"runs/{run_key(run_id)}"
    settled = settle(store, version, staged, sources.agencies, run_id)
    for name in SETTLED:  # each written and let go before the next is made: the wide tables are large
        frame = (
            getattr(settled, name) if name in ("documents", "reports") else wide(name, settled.cells, settled.reports)
        )
        write_frame(store, f"{key}/settled/{name}.parquet", frame, name)
    del frame
    record: SettledRecord = {
        "replaced": sorted(settled.replaced),
        "counts": settled.counts,
        "base": version.number if version else None,
    }
    store.write_json(f"{key}/settled/settled.json", record)

    context, context_cells = _context(store, version, settled.reports, members, settled.replaced)
    reports = pd.concat([settled.reports, context], ignore_index=True)
    # the batch's cells copied only when there are curated ones to add (two million rows at 10,000 reports)
    cells = pd.concat([settled.cells, context_cells], ignore_index=True) if len(context_cells) else settled.cells
    if reports.empty:  # nothing new to check: no GX run, empty results
        for name in ("violations", "not_assessable", "quality"):
            write_frame(store, f"{key}/validation/{name}.parquet", SCHEMAS[name].empty_table().to_pandas(), name)
        store.write_json(f"{key}/validation/context.json", {"revalidated": []})
        return f"{key}/validation"
    docs = Path(store.path(f"{key}/data_docs")) if store.local else Path(tempfile.mkdtemp(prefix="ogi-docs-"))
    result = validate(reports, cells, members=members, docs_dir=docs)
    if not store.local:
        for file in docs.rglob("*"):
            if file.is_file():
                store.write_bytes(f"{key}/data_docs/{file.relative_to(docs)}", file.read_bytes())
    found = pd.concat([f for f in (result.violations, settled.violations) if len(f)] or [result.violations])
    found = found.sort_values(["source", "rule", "scope"], kind="stable").reset_index(drop=True)
    who = reports[["report_id", "report_year", "agency"]]
    outputs = {
        "violations": found.merge(who, on="report_id", how="left"),
        "not_assessable": result.not_assessable.merge(who[["report_id", "report_year"]], on="report_id", how="left"),
        "quality": quality(reports, found, result.not_assessable).merge(who, on="report_id", how="left"),
    }
    for name, frame in outputs.items():
        write_frame(store, f"{key}/validation/{name}.parquet", frame, name)
    store.write_json(f"{key}/validation/context.json", {"revalidated": sorted(context["report_id"])})
    return f"{key}/validation"
