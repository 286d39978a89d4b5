"""Validate a batch of extracted reports: frames → GX suites → violations, not-assessable checks, quality."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from ogi.template import Spec, load_spec
from ogi.validation import frames as F
from ogi.validation.gx_run import run_suites
from ogi.validation.results import not_assessable, violations
from ogi.validation.suites import load_suites

VALIDATED = ("ok", "partial")  # statuses whose tables were read
QUALITY_COLUMNS = ["report_id", "source", "quality", "errors", "warnings", "not_assessable"]


@dataclass
class Validation:
    violations: pd.DataFrame  # results.VIOLATION_COLUMNS + source
    not_assessable: pd.DataFrame
    quality: pd.DataFrame  # one row per report
    docs: Path | None

    def counts(self) -> dict[str, int]:
        return self.quality["quality"].value_counts().to_dict()


def build_frames(spec: Spec, reports: pd.DataFrame, cells: pd.DataFrame, members: dict[str, list[str]]) -> dict:
    read = reports[reports["status"].isin(VALIDATED)]
    cells = F.with_identity_values(cells[cells["report_id"].isin(set(read["report_id"]))])
    return {
        "t2": F.by_row(spec, cells, "t2", "t2"),
        "t3": F.by_column(spec, cells, "t3", "t3"),
        "t3_rows": F.by_row(spec, cells, "t3", "t3_rows"),
        "t4": F.by_row(spec, cells, "t4", "t4"),
        "cross_year": F.cross_year(spec, read, cells),
        "narrative": F.narrative(spec, read, cells),
        "consolidation": F.consolidation(spec, read, cells, members),
    }


def quality(reports: pd.DataFrame, found: pd.DataFrame, skipped: pd.DataFrame) -> pd.DataFrame:
    """Per report: fail (an error), warn (only warnings), incomplete (clean, but some checks not assessable),
    pass, or not_validated (its tables could not be read)."""
    errors = found[found["severity"] == "error"].groupby("report_id").size()
    warnings = found[found["severity"] == "warning"].groupby("report_id").size()
    unknown = skipped.groupby("report_id").size()
    out = reports[["report_id", "source"]].copy()
    out["errors"] = out["report_id"].map(errors).fillna(0).astype(int)
    out["warnings"] = out["report_id"].map(warnings).fillna(0).astype(int)
    out["not_assessable"] = out["report_id"].map(unknown).fillna(0).astype(int)
    out["quality"] = "pass"
    out.loc[out["not_assessable"] > 0, "quality"] = "incomplete"
    out.loc[out["warnings"] > 0, "quality"] = "warn"
    out.loc[out["errors"] > 0, "quality"] = "fail"
    out.loc[~reports["status"].isin(VALIDATED).to_numpy(), "quality"] = "not_validated"
    return out[QUALITY_COLUMNS]


def normalise_members(members: dict[str, list[str]] | None) -> dict[str, list[str]]:
    return {
        F.agency_key(parent, None): [F.agency_key(m, None) for m in kids] for parent, kids in (members or {}).items()
    }


def validate(
    reports: pd.DataFrame,
    cells: pd.DataFrame,
    members: dict[str, list[str]] | None = None,
    docs_dir: Path | None = None,
    suites_dir: Path | None = None,
    spec: Spec | None = None,
) -> Validation:
    """Every rule on every report of the batch. `members`: consolidated agency → its member agencies."""
    spec = spec or load_spec()
    if "region" not in reports:
        reports = reports.assign(region=None)
    reports = reports.reset_index(drop=True)
    frames = build_frames(spec, reports, cells, normalise_members(members))
    outcomes = run_suites(frames, load_suites(suites_dir), docs_dir)
    found = violations(spec.rules, frames, outcomes)
    skipped = not_assessable(frames, outcomes)
    sources = reports.set_index("report_id")["source"]
    found.insert(1, "source", found["report_id"].map(sources))
    skipped.insert(1, "source", skipped["report_id"].map(sources))
    found = found.sort_values(["source", "rule", "scope"], kind="stable").reset_index(drop=True)
    return Validation(found, skipped, quality(reports, found, skipped), docs_dir)
