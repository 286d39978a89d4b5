"""One report, one row. The same agency's report for the same year often comes in several documents (a page and
its PDF attachment, a re-post under a second URL, a corrected version, a county portal mirroring its
departments): every document is kept, and one of them is the curated report — chosen by a documented rule,
compared cell by cell with the others, disagreements flagged as rule D3, never a silent pick.

Pure functions over the extracted frames (one row per document, in the shape of the curated `documents`, and
their long `cells`); the pipeline's audit step gathers the documents (canonical_step.py) and publish publishes
what these return.

Who a report is about: the agency whose source found the document, checked against the name the report prints.
A printed name is mapped through the sources file only — an agency's name or one of its `aliases` (with or
without the region before it). A printed name that is another configured agency's makes the report that
agency's (a mirror); one that maps to no agency leaves the report with the agency whose source found it and is
a warning. Nothing is matched by likeness.

Which document is the report (`choose`), by these keys in order, the first that differs deciding:
1. its printed agency name maps to the agency (then: no name printed; last: a name that maps to none);
2. read whole (`ok`) over `partial`;
3. fewer unsettled cells (ambiguous, or absent where the layout has them);
4. fewer breaks of the template's own identities (I1-I4) among the checks its cells settle: of two copies that
   differ, the one whose figures add up is the more faithful reading;
5. not superseded: among copies that print a publication date, an earlier date is superseded by the latest
   (an agency posting a corrected version). After completeness and faithfulness, because a page's date is
   often later than the date its own attachment prints: a date alone does not outweigh a misread copy;
6. the form that keeps the tables' cells: HTML, text-layer PDF, Word and Markdown over flat or glued text,
   over any form not ranked here (OCR);
7. the source's address, so that the choice is the same on every run.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ogi import cells as C
from ogi.identities import table_checks
from ogi.normalize import name_key
from ogi.rules import Rule
from ogi.sources import Agency
from ogi.template import Spec, load_spec
from ogi.validation.frames import UNKNOWN, with_identity_values
from ogi.validation.results import VIOLATION_COLUMNS as VALIDATION_COLUMNS

# agency_match: how a document's agency was settled.
NAME, ALIAS, OTHER_AGENCY, NOT_PRINTED, UNMAPPED = "name", "alias", "other_agency", "not_printed", "unmapped"
_NAME_RANK = {NAME: 0, ALIAS: 0, OTHER_AGENCY: 0, NOT_PRINTED: 1, UNMAPPED: 2}

FORM_RANK = {
    "html": 0,
    "pdf": 0,
    "docx": 0,
    "doc": 0,
    "wps": 0,
    "odt": 0,
    "rtf": 0,
    "markdown": 0,
    "synthetic": 0,
    "text": 1,  # flattened or glued page text: cells run together, digits may be cut several ways
}
UNRANKED_FORM = 2

# reports.copies: one document; copies that agree on every cell both print; copies that differ (D3); copies
# with no cell in common with the report's document (nothing to compare).
SINGLE, AGREE, DISAGREE, NOT_COMPARED = "single", "agree", "disagree", "not_compared"

TOLERANCE = 1e-6
_REGION_UNIT = re.compile(r".+?(?:特别行政区|自治区|自治州|地区|省|市|州|盟|县|区|旗)")


def full_name(name: str, region: str | None) -> str:
    """A name with its region before it, the overlap counted once: 淮安市洪泽区人民政府 in 江苏省淮安市 →
    江苏省淮安市洪泽区人民政府 (as 洪泽区人民政府 and 江苏省淮安市洪泽区人民政府 are)."""
    name, region = name_key(name), name_key(region or "")
    if not region or name.startswith(region):
        return name
    for unit in _REGION_UNIT.finditer(region):
        tail = region[unit.start() :]
        if name.startswith(tail):
            return region[: unit.start()] + name
    return region + name


@dataclass(frozen=True)
class AgencyIndex:
    """The configured agencies by the full forms of their names and aliases. A printed name is the end of the
    full form it stands for, so every end of a full form leads to the regions of the agencies that have it:
    a printed name is then looked up once per such region, never compared with every agency."""

    agencies: dict[str, Agency]
    names: dict[tuple[str, str], dict[str, str]]  # (full form, region) → {agency: NAME or ALIAS}
    endings: dict[str, set[str]]  # end of a full form → the regions of the agencies with that form

    @classmethod
    def of(cls, agencies) -> AgencyIndex:
        by_name = {agency.name: agency for agency in agencies}
        names: dict[tuple[str, str], dict[str, str]] = {}
        endings: dict[str, set[str]] = {}
        for agency in by_name.values():
            region = agency.region or ""
            for name, match in ((agency.name, NAME), *((alias, ALIAS) for alias in agency.aliases)):
                full = full_name(name, region)
                names.setdefault((full, region), {}).setdefault(agency.name, match)
                for start in range(len(full)):
                    endings.setdefault(full[start:], set()).add(region)
        return cls(by_name, names, endings)

    def _named(self, printed: str, region: str) -> dict[str, str]:
        return self.names.get((full_name(printed, region), region), {})

    def resolve(self, configured: str, printed: str | None) -> tuple[str, str]:
        """(the agency the report is about, how that was settled) for a document found through `configured`'s
        sources that prints `printed` as its agency."""
        if not isinstance(printed, str) or not name_key(printed):
            return configured, NOT_PRINTED
        own = self.agencies.get(configured)
        if own is not None and (match := self._named(printed, own.region or "").get(configured)):
            return configured, match
        others = {
            agency
            for region in self.endings.get(name_key(printed), ())
            for agency in self._named(printed, region)
            if agency != configured
        }
        if len(others) == 1:
            return others.pop(), OTHER_AGENCY
        return configured, UNMAPPED


def unmapped_warning(printed: str, configured: str) -> str:
    return (
        f"the printed agency name {printed} is neither the name nor an alias of {configured} (nor of any agency) "
        f"in the sources file: the report is counted as {configured}'s; if it is, add {printed} to its aliases"
    )


def resolve_agencies(documents: pd.DataFrame, agencies) -> pd.DataFrame:
    """`documents` with `agency` resolved (the configured one kept in `agency_configured`), `agency_match`,
    region, level and parent those of the resolved agency, and a warning on an unmapped printed name."""
    index = AgencyIndex.of(agencies)
    out = documents.copy()
    configured = out["agency_configured"].fillna(out["agency"]) if "agency_configured" in out else out["agency"]
    resolved = [index.resolve(a, p) for a, p in zip(configured, out["agency_printed"])]
    out["agency_configured"] = list(configured)
    out["agency"] = [agency for agency, _ in resolved]
    out["agency_match"] = [match for _, match in resolved]
    for column in ("region", "level", "parent"):
        out[column] = [
            getattr(index.agencies[agency], column) if agency in index.agencies else value
            for agency, value in zip(out["agency"], out[column])
        ]
    warnings = []
    for listed, (agency, match), printed in zip(out["warnings"], resolved, out["agency_printed"]):
        listed = [w for w in (listed if listed is not None else ()) if not w.startswith("the printed agency name ")]
        if match == UNMAPPED:
            listed.append(unmapped_warning(printed, agency))
        warnings.append(listed)
    out["warnings"] = warnings
    return out


def identity(documents: pd.DataFrame) -> pd.Series:
    """Which report a document carries: agency and year; a document of unknown year is a report of its own."""
    year = documents["report_year"]
    keys = [
        f"{agency}\x1f{int(y)}" if pd.notna(y) else f"\x1f{rid}"
        for agency, y, rid in zip(documents["agency"], year, documents["report_id"])
    ]
    return pd.Series(keys, index=documents.index, name="identity")


def _unsettled(cells: pd.DataFrame) -> pd.Series:
    """report_id → cells that are ambiguous or absent."""
    return cells["kind"].isin((C.AMBIGUOUS, C.ABSENT)).groupby(cells["report_id"]).sum()


def _identity_breaks(documents: pd.DataFrame, cells: pd.DataFrame, spec: Spec) -> dict[str, int]:
    """report_id → checks of I1-I4 that fail among those whose cells are all settled (blank and the like as 0)."""
    if documents.empty:
        return {}
    mine = cells["report_id"].isin(set(documents["report_id"])) & cells["table"].isin(("t3", "t4"))
    valued = with_identity_values(cells[mine])
    settled = valued[valued["origin"] != UNKNOWN]
    values: dict[str, dict[str, dict]] = {}
    columns = (settled[name].tolist() for name in ("report_id", "table", "row", "col", "v"))
    for rid, table, row, col, value in zip(*columns):
        values.setdefault(rid, {}).setdefault(table, {})[(row, col)] = value
    breaks = {}
    for rid, t3_layout in zip(documents["report_id"], documents["t3_layout"]):
        failed = 0
        for table, code in (("t3", t3_layout), ("t4", "standard")):
            known = values.get(rid, {}).get(table)
            if not known or not isinstance(code, str):
                continue
            for check in table_checks(spec, spec.layout(table, code)):
                if all(cell in known for cell in check.cells) and not check.holds(known):
                    failed += 1
        breaks[rid] = failed
    return breaks


RANKING = ["name_rank", "status_rank", "unsettled", "breaks", "superseded", "form_rank"]


@dataclass
class Choice:
    documents: pd.DataFrame  # every document, with identity, rank (1 = the report), canonical, canonical_id
    reports: pd.DataFrame  # one row per identity: its canonical document + documents, canonical_reason, copies


def _why(best, other) -> str:
    """The first ranking key on which `best` beats `other`, in words."""
    if best.name_rank != other.name_rank:
        if other.agency_match == UNMAPPED:
            return f"{other.source} prints the agency as {other.agency_printed}, a name the sources file does not map"
        return f"it prints the agency's name, {other.source} prints none"
    if best.status_rank != other.status_rank:
        return f"read whole, {other.source} only in part"
    if best.unsettled != other.unsettled:
        return f"fewer unsettled cells than {other.source} ({best.unsettled} against {other.unsettled})"
    if best.breaks != other.breaks:
        return (
            f"its figures break fewer identities (I1-I4) than {other.source}'s ({best.breaks} against {other.breaks})"
        )
    if best.superseded != other.superseded:
        return f"{other.source} is an earlier version (published {other.published}, before the latest copy)"
    if best.form_rank != other.form_rank:
        return f"its form ({best.format}) keeps the tables' cells better than {other.source} ({other.format})"
    return f"equal to {other.source} on every criterion, first by address"


def choose(documents: pd.DataFrame, cells: pd.DataFrame, previous: dict[str, str] | None = None) -> Choice:
    """The canonical document of every report among `documents` (see the module's rule).

    `previous`: identity → the source that was the report before, so that a change of choice says what it
    replaces."""
    docs = documents.reset_index(drop=True).copy()
    docs["identity"] = identity(docs)
    docs["name_rank"] = docs["agency_match"].map(_NAME_RANK).fillna(_NAME_RANK[UNMAPPED]).astype(int)
    latest = docs.groupby("identity")["published"].transform("max")
    docs["superseded"] = (docs["published"].notna() & (docs["published"] < latest)).astype(int)
    docs["status_rank"] = (docs["status"] != "ok").astype(int)
    docs["unsettled"] = docs["report_id"].map(_unsettled(cells)).fillna(0).astype(int)
    several = docs[docs.groupby("identity")["report_id"].transform("size") > 1]  # only copies need comparing
    docs["breaks"] = docs["report_id"].map(_identity_breaks(several, cells, load_spec())).fillna(0).astype(int)
    docs["form_rank"] = docs["format"].map(FORM_RANK).fillna(UNRANKED_FORM).astype(int)
    keys = [*RANKING, "source"]
    docs = docs.sort_values(["identity", *keys], kind="stable").reset_index(drop=True)
    docs["rank"] = docs.groupby("identity").cumcount() + 1
    docs["canonical"] = docs["rank"] == 1
    first = docs[docs["canonical"]].set_index("identity")
    docs["canonical_id"] = docs["identity"].map(first["report_id"])

    reports = docs[docs["canonical"]].set_index("identity")
    reports["documents"] = docs.groupby("identity")["source"].agg(list).astype(object)
    runners_up = docs[docs["rank"] == 2].set_index("identity")  # reports with copies only
    count = docs["identity"].value_counts()
    reasons = dict.fromkeys(reports.index, "the only document of this report")
    for best, runner_up in zip(reports.loc[runners_up.index].itertuples(), runners_up.itertuples()):
        reasons[best.Index] = f"first of {count[best.Index]} documents: {_why(best, runner_up)}"
    for key, source in zip(reports.index, reports["source"]):
        if (previous or {}).get(key, source) != source:
            reasons[key] += f"; replaces {previous[key]}, the report's document before"
    reports["canonical_reason"] = pd.Series(reasons, index=reports.index, dtype=object)
    reports = reports.reset_index()
    docs = docs.drop(columns=RANKING)
    reports = reports.drop(columns=RANKING)
    return Choice(docs, reports)


def _described(kind: str, value: float, raw, candidates) -> tuple[str, str]:
    """A cell as a message names it: (Chinese, English)."""
    if kind == C.NUMBER:
        text = _number(value)
        return text, text
    if kind == C.AMBIGUOUS:
        options = [_number(c) for c in (candidates if candidates is not None else ())]
        return f"{'或'.join(options)}（未定）", f"{' or '.join(options)} (ambiguous)"
    if kind == C.BLANK or not isinstance(raw, str) or not raw.strip():
        return "空白", "blank"
    return f"“{raw}”", f"'{raw}'"


def _number(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(round(float(value), 6))


def _counted(kind: str, value: float) -> float:
    """What a cell counts for when copies are compared: its number, 0 for a blank, dash, slash or text."""
    return 0.0 if kind in C.ZERO_LIKE else value


def _agree(kind_a, value_a, cands_a, kind_b, value_b, cands_b) -> bool:
    if kind_a == C.AMBIGUOUS and kind_b == C.AMBIGUOUS:
        return bool(set(cands_a) & set(cands_b))
    if kind_a == C.AMBIGUOUS:
        return any(abs(c - _counted(kind_b, value_b)) < TOLERANCE for c in cands_a)
    if kind_b == C.AMBIGUOUS:
        return _agree(kind_b, value_b, cands_b, kind_a, value_a, cands_a)
    return abs(_counted(kind_a, value_a) - _counted(kind_b, value_b)) < TOLERANCE


COMPARE_COLUMNS = [
    "report_id",
    "source",
    "copy_id",
    "copy_source",
    "table",
    "row",
    "col",
    "agree",
    "canonical_kind",
    "canonical_value",
    "canonical_raw",
    "canonical_candidates",
    "copy_kind",
    "copy_value",
    "copy_raw",
    "copy_candidates",
]


def compare(documents: pd.DataFrame, cells: pd.DataFrame) -> pd.DataFrame:
    """Every cell both a copy and its report's canonical document print (neither absent), and whether they
    agree. `documents` as `choose` returns them."""
    copies = documents.loc[~documents["canonical"], ["report_id", "source", "canonical_id"]]
    if copies.empty:
        return pd.DataFrame(columns=COMPARE_COLUMNS)
    sources = documents.set_index("report_id")["source"]
    shown = cells[cells["kind"] != C.ABSENT][["report_id", "table", "row", "col", "kind", "value", "raw", "candidates"]]
    mine = shown.merge(
        copies.rename(columns={"report_id": "copy_id", "source": "copy_source"}),
        left_on="report_id",
        right_on="copy_id",
    ).drop(columns=["report_id"])
    pairs = mine.merge(
        shown.rename(columns={"report_id": "canonical_id"}),
        on=["canonical_id", "table", "row", "col"],
        suffixes=("_copy", "_canonical"),
    )
    out = pd.DataFrame(
        {
            "report_id": pairs["canonical_id"],
            "source": pairs["canonical_id"].map(sources),
            "copy_id": pairs["copy_id"],
            "copy_source": pairs["copy_source"],
            "table": pairs["table"],
            "row": pairs["row"],
            "col": pairs["col"],
        }
    )
    for side in ("canonical", "copy"):
        for field in ("kind", "value", "raw", "candidates"):
            out[f"{side}_{field}"] = pairs[f"{field}_{side}"].to_numpy()
    out["agree"] = [
        _agree(ka, va, ca if ca is not None else (), kb, vb, cb if cb is not None else ())
        for ka, va, ca, kb, vb, cb in zip(
            out["canonical_kind"],
            out["canonical_value"],
            out["canonical_candidates"],
            out["copy_kind"],
            out["copy_value"],
            out["copy_candidates"],
        )
    ]
    return out[COMPARE_COLUMNS].sort_values(["report_id", "copy_source", "table", "row", "col"]).reset_index(drop=True)


# a violation as validation reports one, with the copy's document beside its report
VIOLATION_COLUMNS = ["report_id", "source", *VALIDATION_COLUMNS[1:]]


def disagreements(compared: pd.DataFrame, rule: Rule) -> pd.DataFrame:
    """Rule D3: one violation per cell a copy prints differently from its report's canonical document, naming
    the cell, both documents and both values."""
    rows = []
    for cell in compared[~compared["agree"].astype(bool)].itertuples():
        scope = f"{cell.table}.{cell.row}.{cell.col}"
        mine_zh, mine_en = _described(
            cell.canonical_kind, cell.canonical_value, cell.canonical_raw, cell.canonical_candidates
        )
        copy_zh, copy_en = _described(cell.copy_kind, cell.copy_value, cell.copy_raw, cell.copy_candidates)
        numeric = cell.canonical_kind != C.AMBIGUOUS and cell.copy_kind != C.AMBIGUOUS
        lhs = _counted(cell.canonical_kind, cell.canonical_value) if cell.canonical_kind != C.AMBIGUOUS else math.nan
        rhs = _counted(cell.copy_kind, cell.copy_value) if cell.copy_kind != C.AMBIGUOUS else math.nan
        zero = [
            name
            for name, kind in ((scope, cell.canonical_kind), (f"{cell.copy_id}:{scope}", cell.copy_kind))
            if kind in C.ZERO_LIKE
        ]
        zh = f"{rule.code} {scope}：{rule.zh}（本报告采用的 {cell.source} 为 {mine_zh}，另一份 {cell.copy_source} 为 {copy_zh}）"
        en = f"{rule.code} {scope}: {rule.en} (the report's document {cell.source} has {mine_en}, the copy {cell.copy_source} has {copy_en})"
        if zero:
            zh += "；空白、横线、斜杠或文字按0计"
            en += "; a blank, dash, slash or text counts as 0"
        rows.append(
            {
                "report_id": cell.report_id,
                "source": cell.source,
                "rule": rule.code,
                "scope": scope,
                "lhs": lhs,
                "rhs": rhs,
                "residual": lhs - rhs if numeric else math.nan,
                "cells": [f"{scope}={mine_en}", f"{cell.copy_id}:{scope}={copy_en}"],
                "zero_cells": zero,
                "severity": rule.severity,
                "message_zh": zh,
                "message_en": en,
            }
        )
    return pd.DataFrame(rows, columns=VIOLATION_COLUMNS)


def summarise(choice: Choice, compared: pd.DataFrame) -> Choice:
    """Per copy, the cells compared with its report's document and how many differ; per report, whether its
    copies agree (`single` when it has one document)."""
    per_copy = compared.groupby("copy_id")["agree"].agg(
        compared_cells="size", differing_cells=lambda a: int((~a.astype(bool)).sum())
    )
    documents = choice.documents.copy()
    documents["compared_cells"] = documents["report_id"].map(per_copy["compared_cells"])
    documents["differing_cells"] = documents["report_id"].map(per_copy["differing_cells"])
    copies = documents[~documents["canonical"]]
    differing = set(copies.loc[copies["differing_cells"] > 0, "canonical_id"])
    uncompared = set(copies.loc[copies["compared_cells"].isna(), "canonical_id"])
    reports = choice.reports.copy()
    ids = reports["report_id"]
    reports["copies"] = np.select(
        [~ids.isin(set(copies["canonical_id"])), ids.isin(differing), ids.isin(uncompared)],
        [SINGLE, DISAGREE, NOT_COMPARED],
        AGREE,
    )
    return Choice(documents, reports)
