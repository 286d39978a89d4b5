"""Every read the quality views make, in one place: the curated datasets through the DuckDB catalog that
`ogi.pipeline.catalog` builds over the current version, run summaries and archived raw files through the data
root. Read-only. Queries filter, aggregate and page in DuckDB, so a page view never loads a whole dataset."""

from __future__ import annotations

import functools
import json
import math
import os
import re
import threading
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from pathlib import Path

import yaml

from ogi.fetch.archive import Archive
from ogi.pipeline import catalog
from ogi.pipeline.config import PipelineConfig
from ogi.sources import Agency, Sources
from ogi.template import load_spec
from ogi.views.labels import QUALITY_ORDER

PAGE_SIZE = 50
RUNS_SHOWN = 30
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_REPORT_ID = re.compile(r"^[0-9a-f]{1,64}$")
_QUALITY_RANK = "CASE r.quality " + " ".join(f"WHEN '{q}' THEN {i}" for i, q in enumerate(QUALITY_ORDER)) + " END"


@dataclass(frozen=True)
class Filters:
    """What a reader narrows the views to. `agency` matches part of a name; the others match exactly."""

    agency: str | None = None
    region: str | None = None
    level: str | None = None
    year: int | None = None
    rule: str | None = None
    quality: str | None = None

    @classmethod
    def from_query(cls, query: Mapping[str, str]) -> Filters:
        """From a URL's query; raises ValueError naming the parameter that is not valid."""
        values: dict = {}
        for field in fields(cls):
            raw = (query.get(field.name) or "").strip()
            if not raw:
                continue
            if len(raw) > 200:
                raise ValueError(f"{field.name}: longer than 200 characters")
            values[field.name] = raw
        if "year" in values:
            if not values["year"].isdigit() or len(values["year"]) != 4:
                raise ValueError(f"year: {values['year']!r} is not a year")
            values["year"] = int(values["year"])
        if "rule" in values:
            try:
                load_spec().rules.rule(values["rule"])
            except KeyError:
                raise ValueError(f"rule: no rule {values['rule']!r}") from None
        if "quality" in values and values["quality"] not in QUALITY_ORDER:
            raise ValueError(f"quality: {values['quality']!r} is not one of {', '.join(QUALITY_ORDER)}")
        return cls(**values)

    def where(self) -> tuple[str, list]:
        """A WHERE clause over `reports r` and its parameters (values are always parameters, never SQL)."""
        clauses, params = ["TRUE"], []
        if self.agency:
            clauses.append("contains(r.agency, ?)")
            params.append(self.agency)
        for column in ("region", "level", "quality"):
            if getattr(self, column):
                clauses.append(f"r.{column} = ?")
                params.append(getattr(self, column))
        if self.year is not None:
            clauses.append("r.report_year = ?")
            params.append(self.year)
        if self.rule:
            clauses.append("r.report_id IN (SELECT report_id FROM violations WHERE rule = ?)")
            params.append(self.rule)
        return " AND ".join(clauses), params

    def as_query(self) -> dict[str, str]:
        return {f.name: str(getattr(self, f.name)) for f in fields(self) if getattr(self, f.name) not in (None, "")}

    def without(self, name: str) -> Filters:
        return replace(self, **{name: None})

    def __bool__(self) -> bool:
        return bool(self.as_query())


@dataclass
class Page:
    rows: list[dict]
    total: int
    number: int
    size: int = PAGE_SIZE

    @property
    def pages(self) -> int:
        return max(1, math.ceil(self.total / self.size))

    @property
    def first(self) -> int:
        return (self.number - 1) * self.size + 1 if self.total else 0

    @property
    def last(self) -> int:
        return min(self.total, self.number * self.size)


def _records(cursor) -> list[dict]:
    names = [d[0] for d in cursor.description]
    return [dict(zip(names, row)) for row in cursor.fetchall()]


class _Catalogs:
    """Per catalog file, one connection with the catalog attached read-only to a database of its own (in
    memory), reattached when the pipeline swaps a new catalog in. Not `catalog.connect`: a file opened with
    `duckdb.connect(path)` is shared by every connection of the process that opens that path, so a connection
    held here would serve the replaced catalog to them all (the pipeline's, a test's)."""

    def __init__(self):
        self._lock = threading.Lock()
        self._open: dict[str, tuple[tuple, object]] = {}

    def cursor(self, config: PipelineConfig):
        import duckdb

        path = str(catalog.catalog_path(config))
        try:
            stat = os.stat(path)
        except FileNotFoundError:
            return None
        signature = (stat.st_ino, stat.st_mtime_ns, stat.st_size)
        with self._lock:
            known = self._open.get(path)
            if known is None or known[0] != signature:
                connection = duckdb.connect()
                store = config.store()
                if not store.local:  # the views read object storage through the pipeline's fsspec filesystem
                    connection.register_filesystem(store.fs)
                connection.execute(f"ATTACH '{path.replace(chr(39), chr(39) * 2)}' AS ogi (READ_ONLY)")
                self._open[path] = known = (signature, connection)
            cursor = known[1].cursor()  # one per view: threads never share one
        cursor.execute("USE ogi")
        return cursor


_catalogs = _Catalogs()


class QualityData:
    """The curated data of one data root, as the views ask for it. Use it as a context manager, one per page
    view or report: its cursor on the catalog is closed after it."""

    def __init__(self, config: PipelineConfig | None = None):
        self.config = config or PipelineConfig.from_env()
        self.store = self.config.store()
        self._cursor = None

    def __enter__(self) -> QualityData:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def close(self) -> None:
        if self._cursor is not None:
            self._cursor.close()
            self._cursor = None

    def _query(self, sql: str, params: list | None = None) -> list[dict]:
        if self._cursor is None:
            self._cursor = _catalogs.cursor(self.config)
            if self._cursor is None:
                return []
        return _records(self._cursor.execute(sql, params or []))

    def _scalar(self, sql: str, params: list | None = None):
        rows = self._query(sql, params)
        return next(iter(rows[0].values())) if rows else None

    def available(self) -> bool:
        return self._cursor is not None or os.path.exists(catalog.catalog_path(self.config))

    def version(self) -> dict | None:
        rows = self._query("SELECT version, created FROM ogi_version")
        return rows[0] if rows else None

    # --- filters -------------------------------------------------------------------------------------------
    def options(self) -> dict[str, list]:
        """The values the filters offer: regions, levels and years present in the curated reports."""
        out = {}
        for column in ("region", "level", "report_year"):
            rows = self._query(f"SELECT DISTINCT {column} AS v FROM reports WHERE {column} IS NOT NULL ORDER BY 1")
            out[column] = [r["v"] for r in rows]
        return out

    # --- overview ------------------------------------------------------------------------------------------
    @staticmethod
    def _unsettled() -> tuple[str, list]:
        """A CTE `unsettled`: the reports of which some identity (I1–I4) breaks or could not be checked, or
        that were not validated at all (their tables unread). Every other report's identities all hold."""
        identities = list(load_spec().rules.identities)
        marks = ", ".join("?" for _ in identities)
        sql = f"""unsettled AS (
                SELECT report_id FROM violations WHERE rule IN ({marks})
                UNION SELECT report_id FROM not_assessable WHERE rule IN ({marks})
                UNION SELECT report_id FROM reports WHERE quality = 'not_validated')"""
        return sql, [*identities, *identities]

    def totals(self, filters: Filters) -> dict:
        where, params = filters.where()
        unsettled, unsettled_params = self._unsettled()
        rows = self._query(
            f"""
            WITH {unsettled}
            SELECT count(*) AS reports,
                   count(*) FILTER (WHERE r.quality = 'fail') AS fail,
                   count(*) FILTER (WHERE r.quality = 'warn') AS warn,
                   count(*) FILTER (WHERE r.quality = 'incomplete') AS incomplete,
                   count(*) FILTER (WHERE r.quality = 'pass') AS pass,
                   count(*) FILTER (WHERE u.report_id IS NULL) AS identities_hold,
                   count(DISTINCT r.agency) AS agencies
            FROM reports r LEFT JOIN unsettled u USING (report_id) WHERE {where}""",
            [*unsettled_params, *params],
        )
        totals = rows[0] if rows else {"reports": 0}
        quarantine = self._query(
            "SELECT count(*) AS n FROM quarantine q WHERE (? IS NULL OR contains(q.agency, ?))",
            [filters.agency, filters.agency],
        )
        totals["quarantined"] = quarantine[0]["n"] if quarantine else 0
        return totals

    def pass_rates(self, filters: Filters) -> dict[str, list[dict]]:
        """Per region, level and report year: reports, and those whose identities (I1–I4) all hold."""
        where, params = filters.where()
        unsettled, unsettled_params = self._unsettled()
        rows = self._query(
            f"""
            WITH {unsettled}
            SELECT r.region, r.level, r.report_year, grouping(r.region, r.level, r.report_year) AS g,
                   count(*) AS reports,
                   count(*) FILTER (WHERE u.report_id IS NULL) AS hold
            FROM reports r LEFT JOIN unsettled u USING (report_id)
            WHERE {where}
            GROUP BY GROUPING SETS ((r.region), (r.level), (r.report_year))""",
            [*unsettled_params, *params],
        )
        out: dict[str, list[dict]] = {"region": [], "level": [], "report_year": []}
        for row in rows:
            key = next(k for k in out if _grouped_by(row["g"], k))
            out[key].append({"key": row[key], "reports": row["reports"], "hold": row["hold"]})
        out["region"].sort(key=lambda r: (-r["reports"], str(r["key"])))
        out["level"].sort(key=lambda r: (-r["reports"], str(r["key"])))
        out["report_year"].sort(key=lambda r: (r["key"] is None, r["key"] or 0))
        return out

    def rule_counts(self, filters: Filters) -> list[dict]:
        where, params = filters.where()
        return self._query(
            f"""
            SELECT v.rule, any_value(v.severity) AS severity, count(*) AS violations,
                   count(DISTINCT v.report_id) AS reports
            FROM violations v JOIN reports r USING (report_id)
            WHERE {where}
            GROUP BY v.rule ORDER BY reports DESC, violations DESC, v.rule""",
            params,
        )

    def runs(self, limit: int = RUNS_SHOWN) -> list[dict]:
        """The last runs' summaries (what became of each document, the quality of what was read), oldest first."""
        pattern = self.store.path("runs/*/summary.json")
        found = self.store.fs.glob(pattern, detail=True)
        infos = sorted(found.values(), key=_modified)[-limit:]
        out = []
        for info in infos:
            try:
                out.append(self.store.fs.cat_file(info["name"]))
            except FileNotFoundError:  # a run's files cleaned up between the listing and the read
                continue
        return [json.loads(raw) for raw in out]

    # --- lists ---------------------------------------------------------------------------------------------
    def reports(self, filters: Filters, page: int = 1, size: int = PAGE_SIZE) -> Page:
        where, params = filters.where()
        total = self._scalar(f"SELECT count(*) FROM reports r WHERE {where}", params) or 0
        page = max(1, min(page, math.ceil(total / size) or 1))
        return Page(self._report_rows(where, params, size, (page - 1) * size), total, page, size)

    def _report_rows(self, where: str, params: list, limit: int, offset: int) -> list[dict]:
        """A page of reports as the lists show them, worst first, with the rules each breaks."""
        rows = self._query(
            f"""
            SELECT r.report_id, r.agency, r.region, r.level, r.report_year, r.format, r.quality,
                   coalesce(q.errors, 0) AS errors, coalesce(q.warnings, 0) AS warnings,
                   coalesce(q.not_assessable, 0) AS not_assessable
            FROM reports r LEFT JOIN quality q USING (report_id)
            WHERE {where}
            ORDER BY {_QUALITY_RANK}, errors DESC, warnings DESC, r.agency, r.report_year DESC, r.report_id
            LIMIT ? OFFSET ?""",
            [*params, limit, offset],
        )
        rules = self._rules_of([r["report_id"] for r in rows])
        for row in rows:
            row["rules"] = rules.get(row["report_id"], [])
        return rows

    def run_reports(self, run_id: str, limit: int) -> Page:
        """Reports a run read that break a rule or could not be fully checked, worst first."""
        where = "r.run_id = ? AND r.quality IN ('fail', 'warn', 'incomplete')"
        total = self._scalar(f"SELECT count(*) FROM reports r WHERE {where}", [run_id]) or 0
        return Page(self._report_rows(where, [run_id], limit, 0), total, 1, max(1, limit))

    def run_copies(self, run_id: str, limit: int) -> Page:
        """Reports a run settled from several documents (canonical.py): which one is the report, why, and whether
        the copies agree; disagreeing first."""
        where = "run_id = ? AND copies IS NOT NULL AND copies <> 'single'"
        total = self._scalar(f"SELECT count(*) FROM reports WHERE {where}", [run_id]) or 0
        rows = self._query(
            f"""
            SELECT report_id, agency, report_year, len(documents) AS documents, copies, source, canonical_reason
            FROM reports WHERE {where}
            ORDER BY copies = 'agree', agency, report_year LIMIT ?""",
            [run_id, limit],
        )
        return Page(rows, total, 1, max(1, limit))

    def unmapped_names(self, limit: int) -> Page:
        """Curated documents whose printed agency name the sources file does not map (a warning: each is
        counted as its configured agency's until the name is added to an agency's aliases)."""
        where = "agency_match = 'unmapped'"
        total = self._scalar(f"SELECT count(*) FROM documents WHERE {where}") or 0
        rows = self._query(
            f"SELECT agency_printed, agency, report_year, source FROM documents WHERE {where} "
            "ORDER BY agency, report_year, source LIMIT ?",
            [limit],
        )
        return Page(rows, total, 1, max(1, limit))

    def run_quarantine(self, run_id: str) -> list[dict]:
        return self._query(
            "SELECT source, agency, stage, status, reason, sha256 FROM quarantine WHERE run_id = ? ORDER BY source",
            [run_id],
        )

    def _rules_of(self, report_ids: list[str]) -> dict[str, list[tuple[str, int]]]:
        if not report_ids:
            return {}
        marks = ", ".join("?" for _ in report_ids)
        out: dict[str, list[tuple[str, int]]] = {}
        for row in self._query(
            f"SELECT report_id, rule, count(*) AS n FROM violations WHERE report_id IN ({marks}) "
            "GROUP BY ALL ORDER BY report_id, rule",
            report_ids,
        ):
            out.setdefault(row["report_id"], []).append((row["rule"], row["n"]))
        return out

    def agencies(self, filters: Filters, page: int = 1, size: int = PAGE_SIZE) -> Page:
        where, params = filters.where()
        grouped = f"""
            SELECT r.agency, r.region, any_value(r.level) AS level, min(r.report_year) AS first_year,
                   max(r.report_year) AS last_year, count(*) AS reports,
                   count(*) FILTER (WHERE r.quality = 'fail') AS fail,
                   count(*) FILTER (WHERE r.quality = 'warn') AS warn
            FROM reports r WHERE {where} AND r.agency IS NOT NULL GROUP BY r.agency, r.region"""
        total = self._scalar(f"SELECT count(*) FROM ({grouped})", params) or 0
        page = max(1, min(page, math.ceil(total / size) or 1))
        rows = self._query(
            f"{grouped} ORDER BY fail DESC, warn DESC, r.agency, r.region LIMIT ? OFFSET ?",
            [*params, size, (page - 1) * size],
        )
        return Page(rows, total, page, size)

    def quarantine(self, agency: str | None, stage: str | None, page: int = 1, size: int = PAGE_SIZE) -> Page:
        where = "(? IS NULL OR contains(q.agency, ?)) AND (? IS NULL OR q.stage = ?)"
        params = [agency, agency, stage, stage]
        total = self._scalar(f"SELECT count(*) FROM quarantine q WHERE {where}", params) or 0
        page = max(1, min(page, math.ceil(total / size) or 1))
        rows = self._query(
            f"""
            SELECT q.source, q.report_id, q.agency, q.stage, q.status, q.reason, q.sha256, q.content_type,
                   q.run_id, q.quarantined_at
            FROM quarantine q WHERE {where}
            ORDER BY q.quarantined_at DESC, q.source LIMIT ? OFFSET ?""",
            [*params, size, (page - 1) * size],
        )
        return Page(rows, total, page, size)

    def quarantine_stages(self) -> list[str]:
        return [r["stage"] for r in self._query("SELECT DISTINCT stage FROM quarantine ORDER BY 1")]

    # --- one report ----------------------------------------------------------------------------------------
    def report(self, report_id: str) -> dict | None:
        if not _REPORT_ID.match(report_id or ""):
            return None
        rows = self._query(
            """
            SELECT r.*, coalesce(q.errors, 0) AS error_count, coalesce(q.warnings, 0) AS warning_count,
                   coalesce(q.not_assessable, 0) AS unknown_count
            FROM reports r LEFT JOIN quality q USING (report_id) WHERE r.report_id = ?""",
            [report_id],
        )
        return rows[0] if rows else None

    def cells(self, report_id: str) -> list[dict]:
        return self._query(
            'SELECT "table", row, col, value, raw, kind, candidates, page FROM cells WHERE report_id = ?',
            [report_id],
        )

    def violations(self, report_ids: list[str]) -> list[dict]:
        if not report_ids:
            return []
        marks = ", ".join("?" for _ in report_ids)
        return self._query(
            f"""
            SELECT report_id, report_year, rule, scope, lhs, rhs, residual, cells, zero_cells, severity,
                   message_zh, message_en
            FROM violations WHERE report_id IN ({marks})
            ORDER BY report_id, severity = 'warning', rule, scope""",
            report_ids,
        )

    def not_assessable(self, report_ids: list[str]) -> list[dict]:
        if not report_ids:
            return []
        marks = ", ".join("?" for _ in report_ids)
        return self._query(
            f"SELECT report_id, rule, scope, unknown_cells FROM not_assessable WHERE report_id IN ({marks}) "
            "ORDER BY report_id, rule, scope",
            report_ids,
        )

    def briefs(self, report_ids: list[str]) -> dict[str, dict]:
        """Agency and year of other reports a violation names (last year's, a member's)."""
        if not report_ids:
            return {}
        marks = ", ".join("?" for _ in report_ids)
        rows = self._query(
            f"SELECT report_id, agency, report_year FROM reports WHERE report_id IN ({marks})", report_ids
        )
        return {r["report_id"]: r for r in rows}

    # --- one agency ----------------------------------------------------------------------------------------
    def agency_reports(self, agency: str, region: str | None) -> list[dict]:
        return self._query(
            """
            SELECT r.report_id, r.report_year, r.agency, r.agency_printed, r.region, r.level, r.parent, r.format,
                   r.quality, r.source, coalesce(q.errors, 0) AS errors, coalesce(q.warnings, 0) AS warnings
            FROM reports r LEFT JOIN quality q USING (report_id)
            WHERE r.agency = ? AND (? IS NULL OR r.region = ?)
            ORDER BY r.report_year, r.report_id""",
            [agency, region, region],
        )

    def series(self, report_ids: list[str], rows: list[str], table: str, key: str, column: str) -> list[dict]:
        """Values of `rows` in `column` of the wide `table` (t3 is keyed by col, t2 by row) for these reports."""
        if not report_ids:
            return []
        wanted = ", ".join(f'"{r}"' for r in rows if r.isidentifier())
        marks = ", ".join("?" for _ in report_ids)
        return self._query(
            f"SELECT report_id, {key}, {wanted} FROM {table} WHERE report_id IN ({marks}) AND {key} = ?",
            [*report_ids, column],
        )

    def t2_stock(self, report_ids: list[str]) -> list[dict]:
        if not report_ids:
            return []
        marks = ", ".join("?" for _ in report_ids)
        return self._query(
            f"""SELECT report_id, row, issued, repealed, in_force FROM t2
                WHERE report_id IN ({marks}) AND row IN ('regulations', 'normative_documents')""",
            report_ids,
        )

    def members(self, agency: str) -> list[dict]:
        """Reports of the agencies whose sources name `agency` as their parent (its consolidation members)."""
        return self._query(
            """
            SELECT r.report_id, r.report_year, r.agency, r.region, r.quality
            FROM reports r WHERE r.parent = ? ORDER BY r.report_year, r.agency""",
            [agency],
        )

    def consolidation_members(self, agency: str) -> list[str] | None:
        """The members whose sum `agency`'s report must equal (rule H1), as the sources file configures them;
        None when the sources do not mark it as consolidating (or cannot be read here)."""
        try:
            return _members(str(self.config.sources), os.stat(self.config.sources).st_mtime_ns).get(agency)
        except (OSError, ValueError, yaml.YAMLError):
            return None

    # --- raw files -----------------------------------------------------------------------------------------
    def raw(self, sha256: str) -> bytes | None:
        if not _SHA256.match(sha256 or ""):
            return None
        try:
            return Archive(self.store).get(sha256)
        except FileNotFoundError:
            return None

    def raw_format(self, sha256: str) -> str | None:
        """The format the pipeline read the archived file as (pdf, html, text, …), if it read it."""
        rows = self._query("SELECT format FROM reports WHERE sha256 = ? LIMIT 1", [sha256])
        return rows[0]["format"] if rows else None


@functools.lru_cache(maxsize=4)
def _members(path: str, modified: int) -> dict[str, list[str]]:
    """The sources file's consolidation members, read once per version of the file. Only the names, parents and
    `consolidates` flags are read: validating a sources file of thousands of agencies (`load_sources`) takes
    seconds, and the pipeline has validated it already."""
    raw = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=getattr(yaml, "CSafeLoader", yaml.SafeLoader))
    agencies = tuple(
        Agency.model_construct(name=str(a["name"]), parent=a.get("parent"), consolidates=a.get("consolidates") is True)
        for a in (raw or {}).get("agencies") or ()
        if isinstance(a, dict) and a.get("name")
    )
    return Sources.model_construct(path=Path(path), agencies=agencies).members()


def _grouped_by(grouping: int, column: str) -> bool:
    """Whether a GROUPING SETS row groups by `column` (its bit in grouping(region, level, report_year) is 0)."""
    bit = {"region": 2, "level": 1, "report_year": 0}[column]
    return not (grouping >> bit) & 1


def _modified(info: dict) -> float:
    for key in ("mtime", "LastModified", "last_modified", "created"):
        value = info.get(key)
        if value is not None:
            return value.timestamp() if hasattr(value, "timestamp") else float(value)
    return 0.0
