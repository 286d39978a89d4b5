"""One agency across years: its reports, the request series, the carry-over from one year to the next (X1),
the document stock (X2), and a consolidated report against its members' (H1)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ogi.views.charts import Series, lines
from ogi.views.labels import CellName, Label, Labels, parse_cell_name
from ogi.views.report import format_number

SERIES_ROWS = ("new_received", "carried_over", "results_total", "carried_forward")
SERIES_LABELS = (  # the 表三 rows of the series, named short enough for a legend
    Label("本年新收", "new requests"),
    Label("上年结转", "carried over"),
    Label("办理结果总计", "results total"),
    Label("结转下年度", "carried forward"),
)
SERIES_COLORS = ("#1565c0", "#8e24aa", "#2e7d32", "#ef6c00")
STOCK_ROWS = ("regulations", "normative_documents")


@dataclass
class Check:
    status: str  # holds, breaks, unknown, unpaired
    difference: str = ""


@dataclass
class CarryRow:
    report: dict
    carried_over: float | None
    previous: list[tuple[dict, float | None]]  # last year's reports and their carried forward
    check: Check


@dataclass
class StockRow:
    report: dict
    row: Label
    previous_in_force: list[float | None]
    issued: float | None
    repealed: float | None
    in_force: float | None
    check: Check

    @property
    def expected(self) -> str:
        if len(self.previous_in_force) != 1 or any(
            _missing(v) for v in (self.previous_in_force[0], self.issued, self.repealed)
        ):
            return ""
        return format_number(self.previous_in_force[0] + self.issued - self.repealed)


@dataclass
class ConsolidationYear:
    year: int
    consolidated: list[dict]
    members: list[dict]
    new_received: float | None
    members_new_received: float | None
    check: Check
    note: Label | None = None
    breaks: list[tuple[Label, str, str]] = field(default_factory=list)  # cell, consolidated, members' sum


@dataclass
class AgencyView:
    name: str
    region: str | None
    reports: list[dict]
    chart: object
    carry: list[CarryRow]
    stock: list[StockRow]
    consolidation: list[ConsolidationYear]
    parents: list[str]
    configured_members: list[str] | None


def _missing(value) -> bool:
    return value is None or value != value


def _check(report_id: str, scope: str, rule: str, found: Sequence[dict], unknown: Sequence[dict], paired: bool):
    for v in found:
        if v["report_id"] == report_id and v["rule"] == rule and v["scope"] == scope:
            return Check("breaks", format_number(v["residual"]))
    for u in unknown:
        if u["report_id"] == report_id and u["rule"] == rule and u["scope"] == scope:
            return Check("unknown")
    return Check("holds" if paired else "unpaired")


def build(data, labels: Labels, name: str, region: str | None) -> AgencyView | None:
    reports = data.agency_reports(name, region)
    if not reports:
        return None
    ids = [r["report_id"] for r in reports]
    totals = {r["report_id"]: r for r in data.series(ids, list(SERIES_ROWS), "t3", "col", "total")}
    for report in reports:
        report["t3_total"] = totals.get(report["report_id"], {})
    found = data.violations(ids)
    unknown = data.not_assessable(ids)
    by_year: dict[int, list[dict]] = {}
    for report in reports:
        by_year.setdefault(report["report_year"], []).append(report)

    years = sorted(y for y in by_year if y is not None)
    categories = [str(y) for y in years]
    series = [
        Series(label, [_mean(r["t3_total"].get(row) for r in by_year[y]) for y in years], color)
        for row, label, color in zip(SERIES_ROWS, SERIES_LABELS, SERIES_COLORS)
    ]
    chart = lines(categories, series, Label("申请数量（总计列）", "requests (total column)"))

    carry = []
    for report in reports:
        previous = by_year.get((report["report_year"] or 0) - 1, [])
        carry.append(
            CarryRow(
                report,
                report["t3_total"].get("carried_over"),
                [(p, p["t3_total"].get("carried_forward")) for p in previous],
                _check(report["report_id"], "t3.carried_over", "X1", found, unknown, bool(previous)),
            )
        )

    stock_values = {(r["report_id"], r["row"]): r for r in data.t2_stock(ids)}
    stock = []
    for report in reports:
        previous = by_year.get((report["report_year"] or 0) - 1, [])
        for row in STOCK_ROWS:
            mine = stock_values.get((report["report_id"], row))
            if mine is None or all(_missing(mine[c]) for c in ("issued", "repealed", "in_force")):
                continue  # the 2019 template prints no stock
            before = [stock_values.get((p["report_id"], row), {}).get("in_force") for p in previous]
            stock.append(
                StockRow(
                    report,
                    labels.row("t2", row, "2021"),
                    before,
                    mine["issued"],
                    mine["repealed"],
                    mine["in_force"],
                    _check(report["report_id"], f"t2.{row}", "X2", found, unknown, bool(previous)),
                )
            )

    members = data.members(name)
    configured = data.consolidation_members(name) if members else None
    consolidation = []
    if members or configured:
        member_totals = {
            r["report_id"]: r
            for r in data.series([m["report_id"] for m in members], ["new_received"], "t3", "col", "total")
        }
        for year in years:
            mine = [m for m in members if m["report_year"] == year]
            values = [member_totals.get(m["report_id"], {}).get("new_received") for m in mine]
            own = [r["t3_total"].get("new_received") for r in by_year[year]]
            own_ids = {r["report_id"] for r in by_year[year]}
            breaks = [v for v in found if v["rule"] == "H1" and v["report_id"] in own_ids]
            missing = sorted(set(configured or ()) - {m["agency"] for m in mine})
            note = None
            if configured is None:
                check = Check("unchecked")
                note = Label(
                    "来源配置未将本机关标为汇总报告（consolidates: true），不核对",
                    "not checked: the sources do not mark this agency as consolidating",
                )
            elif missing:
                check = Check("unchecked")
                note = Label(
                    f"不核对：{'、'.join(missing)} 本年无报告",
                    f"not checked: no {year} report of {len(missing)} member(s)",
                )
            elif breaks:
                check = Check("breaks", str(len(breaks)))
            elif any(u["rule"] == "H1" and u["report_id"] in own_ids for u in unknown):
                check = Check("unknown")
            else:
                check = Check("holds")
            entry = ConsolidationYear(
                year,
                by_year[year],
                mine,
                own[0] if len(own) == 1 else None,
                sum(values) if mine and not any(_missing(v) for v in values) else None,
                check,
                note,
            )
            for v in breaks:
                cell = parse_cell_name(v["scope"]) or CellName()
                entry.breaks.append((labels.cell(cell), format_number(v["lhs"]), format_number(v["rhs"])))
            consolidation.append(entry)
    parents = sorted({r["parent"] for r in reports if r.get("parent")})
    return AgencyView(name, region, reports, chart, carry, stock, consolidation, parents, configured)


def _mean(values) -> float | None:
    """The mean of the values printed; None (a gap in the line) where a year's reports print none: a report
    without the figure is not a report of 0 requests."""
    known = [v for v in values if v is not None]
    return sum(known) / len(known) if known else None
