"""Settle a run's reports before they are validated: the documents it staged and the curated documents of the
same reports (agency, year) ranked together, one of them each report's document, the others compared with
it (canonical.py). Only the reports the run touches are settled again: those of the documents it staged or
quarantined, and those of curated documents the sources file now assigns otherwise (an alias added, an agency
renamed). A run that finds nothing new touches none."""

from __future__ import annotations

from dataclasses import dataclass, field

import pandas as pd

from ogi.pipeline import canonical, curated
from ogi.pipeline.records import SettledCounts
from ogi.pipeline.schemas import SCHEMAS
from ogi.template import load_spec


@dataclass
class Settled:
    documents: pd.DataFrame  # every document of the touched reports, ranked (the `documents` schema)
    reports: pd.DataFrame  # each touched report's document, as its `reports` row (quality still to come)
    cells: pd.DataFrame  # the cells of those documents
    violations: pd.DataFrame  # D3: cells where a copy disagrees with its report's document
    replaced: set[str] = field(default_factory=set)  # report_ids whose curated rows these replace
    counts: SettledCounts | None = None


def _frame(frame: pd.DataFrame, dataset: str) -> pd.DataFrame:
    return frame.reindex(columns=SCHEMAS[dataset].names).reset_index(drop=True)


_ASSIGNED = ("agency", "agency_match", "region", "level", "parent")


def _reassigned(stored: pd.DataFrame, resolved: pd.DataFrame) -> pd.Series:
    """Curated documents whose agency (or its region, level, parent) the sources file now says otherwise."""
    differs = pd.Series(False, index=resolved.index)
    for column in _ASSIGNED:
        old, new = stored[column].reset_index(drop=True), resolved[column].reset_index(drop=True)
        differs |= ~((old == new) | (old.isna() & new.isna())).to_numpy()
    return differs


def settle(store, version, staged: dict[str, pd.DataFrame], agencies, run_id: str) -> Settled:
    """`staged`: the run's `documents`, `cells` and `quarantine`; `agencies`: the configured agencies."""
    mine = canonical.resolve_agencies(staged["documents"], agencies)
    leaving = set(mine["report_id"]) | set(staged["quarantine"]["report_id"])  # re-read, or unreadable now
    known = curated.read_dataset(store, version, "documents")
    was, stored = canonical.identity(known), known[list(_ASSIGNED)]
    known = canonical.resolve_agencies(known, agencies)
    moved = _reassigned(stored, known)
    known = known.assign(identity=canonical.identity(known))
    touched = set(canonical.identity(mine)) | set(was[known["report_id"].isin(leaving) | moved])
    touched |= set(known.loc[moved, "identity"])
    siblings = known[known["identity"].isin(touched) & ~known["report_id"].isin(leaving)]
    cells = staged["cells"]
    if len(siblings):
        theirs = curated.read_dataset(store, version, "cells", partitions=set(siblings["report_year"]))
        cells = pd.concat([cells, theirs[theirs["report_id"].isin(set(siblings["report_id"]))]], ignore_index=True)
    documents = pd.concat([mine, siblings.drop(columns=["identity"])], ignore_index=True)

    before = curated.read_dataset(store, version, "reports", ["report_id", "report_year", "agency", "source"])
    before = before.assign(identity=canonical.identity(before))
    previous = dict(zip(before["identity"], before["source"]))
    choice = canonical.choose(documents, cells, {k: v for k, v in previous.items() if k in touched})
    compared = canonical.compare(choice.documents, cells)
    choice = canonical.summarise(choice, compared)
    violations = canonical.disagreements(compared, load_spec().rules.rule("D3"))

    reports = choice.reports.assign(run_id=run_id, quality=None)
    chosen = set(reports["report_id"])
    replaced = leaving | set(known.loc[known["identity"].isin(touched), "report_id"])
    changed = sum(
        1 for key, source in zip(canonical.identity(reports), reports["source"]) if previous.get(key, source) != source
    )
    counts: SettledCounts = {
        "reports_settled": len(reports),
        "copies": int((~choice.documents["canonical"]).sum()),
        "copies_disagree": int((reports["copies"] == canonical.DISAGREE).sum()),
        "canonical_changed": changed,
        "unmapped_names": int((mine["agency_match"] == canonical.UNMAPPED).sum()),
        "documents_reassigned": int(moved.sum()),
    }
    return Settled(
        _frame(choice.documents, "documents"),
        _frame(reports, "reports"),
        cells[cells["report_id"].isin(chosen)].reset_index(drop=True),
        violations,
        replaced,
        counts,
    )
