"""One report as a reader checks it: its three tables as printed (each cell's kind and PDF page), the cells of
every violated check highlighted with the difference, the narrative figures against the tables, and what
could not be checked."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from ogi.cells import ABSENT, AMBIGUOUS, NUMBER, ZERO_LIKE
from ogi.template import Layout
from ogi.views.labels import CellName, Label, Labels, RowLabel, parse_cell_name

TABLES = ("t2", "t3", "t4")
STANDARD_LAYOUTS = {"t4": "standard"}


def format_number(value: float | int | None) -> str:
    if value is None or value != value:
        return ""
    value = float(value)
    if value.is_integer():
        return str(int(value))
    return f"{value:.6f}".rstrip("0").rstrip(".")


def signed(value: float | None) -> str:
    if value is None:
        return ""
    text = format_number(abs(value))
    return f"+{text}" if value > 0 else (f"−{text}" if value < 0 else "0")


@dataclass
class CellView:
    kind: str
    text: str
    raw: str | None = None
    candidates: list[str] = field(default_factory=list)
    page: int | None = None
    hits: list[int] = field(default_factory=list)  # violations naming this cell (their numbers on the page)
    badges: list[str] = field(default_factory=list)  # the difference, on the first cell a violation names
    zero: bool = False  # counted as 0 by a violated check

    @property
    def css(self) -> str:
        classes = [f"k-{self.kind}"]
        if self.hits:
            classes.append("hit")
        if self.zero:
            classes.append("as-zero")
        return " ".join(classes)


@dataclass
class RowView:
    label: RowLabel
    cells: list[CellView | None]  # None where this row has no cell in that column
    section: Label | None = None  # a group heading printed above this row
    pages: list[int] = field(default_factory=list)

    @property
    def hit(self) -> bool:
        return any(c is not None and c.hits for c in self.cells)


@dataclass
class Block:
    """Rows printed under one header row (表二 prints one per kind of item)."""

    columns: list[tuple[str, Label, str | None]]  # code, label, unit
    rows: list[RowView]


@dataclass
class TableView:
    code: str
    title: Label
    short: Label
    layout: str | None
    blocks: list[Block]

    @property
    def found(self) -> bool:
        return bool(self.blocks)

    @property
    def hits(self) -> int:
        return sum(1 for b in self.blocks for r in b.rows for c in r.cells if c is not None and c.hits)


@dataclass
class NamedCell:
    name: CellName
    label: Label
    report: dict | None = None  # another report's brief (agency, year) when the cell is not this report's


@dataclass
class ViolationView:
    number: int
    rule: str
    rule_label: Label
    severity: str
    where: Label
    lhs: float | None
    rhs: float | None
    residual: float | None
    cells: list[NamedCell]
    zero: list[Label]
    tables: list[str]

    @property
    def comparison(self) -> str:
        if self.residual is None:
            return f"{format_number(self.lhs)}"
        return f"{format_number(self.lhs)} ≠ {format_number(self.rhs)}"

    @property
    def difference(self) -> str:
        return signed(self.residual) if self.residual is not None else ""


@dataclass
class FigureView:
    label: Label
    phrase: str
    stated: float
    table: float | None
    status: str  # agrees, differs, unknown, unchecked
    cells: list[Label]


@dataclass
class UnknownView:
    rule: str
    rule_label: Label
    where: Label
    cells: list[NamedCell]


@dataclass
class ReportView:
    record: dict
    tables: list[TableView]
    violations: list[ViolationView]
    figures: list[FigureView]
    unknown: list[UnknownView]

    @property
    def kinds(self) -> dict[str, int]:
        """How many cells of each kind the tables hold."""
        out: dict[str, int] = {}
        for table in self.tables:
            for block in table.blocks:
                for row in block.rows:
                    for cell in row.cells:
                        if cell is not None:
                            out[cell.kind] = out.get(cell.kind, 0) + 1
        return out

    @property
    def groups(self) -> list[list[ViolationView]]:
        """The violations by rule, in the order they come (errors first)."""
        out: dict[str, list[ViolationView]] = {}
        for violation in self.violations:
            out.setdefault(violation.rule, []).append(violation)
        return list(out.values())


def _cell_view(cell: dict | None) -> CellView:
    if cell is None:
        return CellView("missing", "")
    kind, raw = cell["kind"], cell["raw"]
    page = int(cell["page"]) if cell.get("page") is not None else None
    if kind == NUMBER:
        text = format_number(cell["value"])
    elif kind == AMBIGUOUS:
        candidates = [format_number(c) for c in (cell.get("candidates") or [])]
        return CellView(kind, "?", raw, candidates, page)
    elif kind == ABSENT:
        text = ""
    else:
        text = raw or ""
    return CellView(kind, text, raw, [], page)


def _blocks(layout: Layout, labels: Labels, cells: dict[tuple[str, str], dict]) -> list[Block]:
    blocks: list[Block] = []
    row_labels = {code: labels.row_label(layout.table, code, layout.code) for code in (r.code for r in layout.rows)}
    for row in layout.rows:
        columns = list(row.columns)
        if not blocks or [c for c, _, _ in blocks[-1].columns] != columns:
            if layout.table == "t2" or not blocks:
                described = [
                    (c, Label(layout.columns[c].label, layout.columns[c].en), layout.columns[c].unit) for c in columns
                ]
                blocks.append(Block(described, []))
        block = blocks[-1]
        views = []
        for code, _, _ in block.columns:
            views.append(_cell_view(cells.get((row.code, code))) if code in columns else None)
        section = Label(row.group, row.group_en) if row.group else None
        pages = sorted({v.page for v in views if v is not None and v.page is not None})
        block.rows.append(RowView(row_labels[row.code], views, section, pages))
    return blocks


def _identity_value(cell: dict | None) -> float | None:
    if cell is None or cell["kind"] in (AMBIGUOUS, ABSENT):
        return None
    return 0.0 if cell["kind"] in ZERO_LIKE else cell["value"]


def _figures(record: dict, labels: Labels, found, unknown, cells: dict[tuple[str, str, str], dict]) -> list[FigureView]:
    """Each figure the text states, against the tables. The verdict is the validation's (a recorded N1
    violation, or a check not assessable); for a figure that agrees, the table's value is shown beside it."""
    figures = {f.code: f for f in labels.spec.rules.narrative.figures}
    differs = {v["scope"].partition(".")[2]: v for v in found if v["rule"] == "N1"}
    unknowable = {u["scope"].partition(".")[2] for u in unknown if u["rule"] == "N1"}
    out = []
    for stated in record.get("stated") or []:
        figure = figures.get(stated["figure"])
        if figure is None:
            continue
        options = []
        for alternative in figure.equals:
            keys = [k for k in cells if any(ref.matches(*k) for ref in alternative)]
            values = [_identity_value(cells[k]) for k in keys]
            if keys and None not in values:
                options.append((sum(values), keys))
        if stated["figure"] in differs:
            violation = differs[stated["figure"]]
            table, status = violation["rhs"], "differs"
            keys = [n.key for n in map(parse_cell_name, violation["cells"]) if n is not None and n.phrase is None]
        elif stated["figure"] in unknowable:
            table, status, keys = None, "unknown", []
        else:
            agreeing = [(v, k) for v, k in options if v == stated["value"]]
            table, keys = agreeing[0] if agreeing else (None, [])
            status = "agrees" if agreeing else "unchecked"
        out.append(
            FigureView(
                labels.figure(stated["figure"]),
                stated["phrase"],
                stated["value"],
                table,
                status,
                [labels.cell(CellName(*k)) for k in keys],
            )
        )
    return out


def build(record: dict, cells: Sequence[dict], found: Sequence[dict], unknown: Sequence[dict], briefs, labels: Labels):
    """The report page's model from its record, its cells, its violations and its checks not assessable.
    `briefs` maps other reports' ids (last year's, members') to their agency and year."""
    layouts = {"t2": record.get("t2_layout"), "t3": record.get("t3_layout"), **STANDARD_LAYOUTS}
    by_table: dict[str, dict[tuple[str, str], dict]] = {t: {} for t in TABLES}
    for cell in cells:
        by_table.setdefault(cell["table"], {})[(cell["row"], cell["col"])] = cell
    tables = []
    for code in TABLES:
        layout = labels.layout(code, layouts.get(code)) if by_table.get(code) else None
        blocks = _blocks(layout, labels, by_table[code]) if layout else []
        tables.append(TableView(code, labels.table(code), labels.table_short(code), layouts.get(code), blocks))
    index = {
        (t.code, row.label.row.code, code): cell
        for t in tables
        for block in t.blocks
        for row in block.rows
        for (code, _, _), cell in zip(block.columns, row.cells)
        if cell is not None
    }

    violations = []
    for number, v in enumerate(found, start=1):
        names = [n for n in map(parse_cell_name, v["cells"] or []) if n is not None]
        zero = {n.key for n in map(parse_cell_name, v["zero_cells"] or []) if n is not None}
        named, marked = [], False
        for name in names:
            own = name.phrase is None and name.report_id is None
            if own and (name.table, name.row, name.column) in index:
                view = index[(name.table, name.row, name.column)]
                view.hits.append(number)
                view.zero = view.zero or name.key in zero
                if not marked:
                    view.badges.append(f"{v['rule']} {signed(v['residual'])}".strip())
                    marked = True
            named.append(NamedCell(name, labels.cell(name, layouts), briefs.get(name.report_id)))
        violations.append(
            ViolationView(
                number,
                v["rule"],
                labels.rule_label(v["rule"]),
                v["severity"],
                labels.scope(v["scope"], layouts),
                v["lhs"],
                v["rhs"],
                v["residual"],
                named,
                [labels.cell(CellName(*k), layouts) for k in sorted(zero)],
                sorted({n.table for n in names if n.table}),
            )
        )
    unknown_views = [
        UnknownView(
            u["rule"],
            labels.rule_label(u["rule"]),
            labels.scope(u["scope"], layouts),
            [
                NamedCell(n, labels.cell(n, layouts), briefs.get(n.report_id))
                for n in map(parse_cell_name, u["unknown_cells"] or [])
                if n is not None
            ],
        )
        for u in unknown
    ]
    flat = {(c["table"], c["row"], c["col"]): c for c in cells}
    figures = _figures(record, labels, found, unknown, flat)
    return ReportView(record, tables, violations, figures, unknown_views)


def other_reports(found: Sequence[dict], unknown: Sequence[dict]) -> list[str]:
    """Ids of other reports the violations and unknown checks name (to look up their agency and year)."""
    ids = set()
    for v in found:
        ids |= {n.report_id for n in map(parse_cell_name, v["cells"] or []) if n is not None and n.report_id}
    for u in unknown:
        ids |= {n.report_id for n in map(parse_cell_name, u["unknown_cells"] or []) if n is not None and n.report_id}
    return sorted(ids)
