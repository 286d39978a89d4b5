"""Codes named as the template prints them: tables, rows and columns from `spec/templates.yaml`, rules and
narrative figures from `spec/rules.yaml`, each in Chinese with its English gloss. Also reads the cell names
the validation writes into violations (`t3.granted.total=12`, `previous(<id>).t3.carried_forward.total=3`,
`<member id>:t3.granted.total=4`, `text:<phrase>=35`)."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cached_property

from ogi.rules import Rule
from ogi.template import Layout, Row, Spec

QUALITY = {
    "fail": ("有错误", "errors"),
    "warn": ("有警示", "warnings"),
    "incomplete": ("部分无法核验", "incomplete"),
    "pass": ("通过", "passes"),
    "not_validated": ("未核验", "not validated"),
}
QUALITY_ORDER = tuple(QUALITY)  # worst first
SEVERITY = {"error": ("错误", "error"), "warning": ("警示", "warning")}
LEVEL = {
    "national": ("国家级", "national"),
    "province": ("省级", "province"),
    "city": ("市级", "city"),
    "county": ("县级", "county"),
    "township": ("乡镇级", "township"),
    "department": ("部门", "department"),
}
KIND = {
    "number": ("数字", "number"),
    "blank": ("空白", "blank"),
    "dash": ("横线", "dash"),
    "slash": ("斜杠", "slash"),
    "text": ("文字", "text"),
    "absent": ("未印出", "absent"),
    "ambiguous": ("无法确定", "ambiguous"),
}
FATE = {
    "extracted": ("已入库", "curated"),
    "quarantined": ("隔离", "quarantined"),
    "container": ("附件页", "links its report"),
    "unchanged": ("未变化", "unchanged"),
    "out_of_scope": ("非所选年度", "outside the year"),
}


@dataclass(frozen=True)
class Label:
    zh: str
    en: str = ""

    def __str__(self) -> str:
        return f"{self.zh} ({self.en})" if self.en and self.en != self.zh else self.zh


def label(pair: tuple[str, str] | None, fallback: str) -> Label:
    return Label(*pair) if pair else Label(fallback)


@dataclass(frozen=True)
class CellName:
    """A cell a violation names. `report_id` is set when the cell is another report's (last year's report, a
    member's) and None when it is the violating report's own; `phrase` is set for a figure stated in the text."""

    table: str = ""
    row: str = ""
    column: str = ""
    report_id: str | None = None
    year: str | None = None  # "this" / "previous" for cross-year checks
    phrase: str | None = None
    value: float | None = None

    @property
    def key(self) -> tuple[str, str, str]:
        return self.table, self.row, self.column


_CELL = re.compile(
    r"^(?:(?P<year>this|previous)\((?P<year_id>[^)]*)\)\.|(?P<member>[0-9a-f]+):)?"
    r"(?P<table>t\d)\.(?P<row>\w+)\.(?P<column>\w+)(?:=(?P<value>.*))?$"
)


def _value(text: str | None) -> float | None:
    try:
        return float(text) if text not in (None, "") else None
    except ValueError:
        return None


def parse_cell_name(text: str) -> CellName | None:
    """A cell name as the validation writes it, or None for a form it does not know."""
    if text.startswith("text:"):
        phrase, _, value = text[5:].rpartition("=")
        if not phrase:
            phrase, value = text[5:], ""
        return CellName(phrase=phrase, value=_value(value))
    match = _CELL.match(text)
    if match is None:
        return None
    other = match["member"] or (match["year_id"] if match["year"] == "previous" else None)
    return CellName(
        match["table"],
        match["row"],
        match["column"],
        report_id=other,
        year=match["year"],
        value=_value(match["value"]),
    )


@dataclass(frozen=True)
class RowLabel:
    row: Row
    section: Label | None  # the printed group the row sits in ("(三)不予公开"), when it has one
    own: Label  # number and label as printed ("5.属于三类内部事务信息")

    @property
    def full(self) -> Label:
        if self.section is None:
            return self.own
        en = f"{self.section.en}: {self.own.en}" if self.section.en else self.own.en
        return Label(f"{self.section.zh} {self.own.zh}", en)


def _row_labels(layout: Layout) -> dict[str, RowLabel]:
    """Each row with the group it is printed under: a group that starts with a bracketed number ("(三)不予公开")
    holds the numbered rows after it ("1.", "2." …) until the next bracketed or top-level item."""
    out, section = {}, None
    for row in layout.rows:
        if row.group:
            section = Label(row.group, row.group_en) if row.group.startswith("(") else None
        elif not row.number[:1].isdigit():
            section = None
        own = Label(f"{row.number}{row.label}", row.en)
        out[row.code] = RowLabel(row, section, own)
    return out


class Labels:
    """Names for the codes of one spec."""

    def __init__(self, spec: Spec):
        self.spec = spec

    @cached_property
    def _rows(self) -> dict[tuple[str, str], dict[str, RowLabel]]:
        return {
            (table.code, code): _row_labels(layout)
            for table in self.spec.tables.values()
            for code, layout in table.layouts.items()
        }

    def layout(self, table: str, code: str | None) -> Layout | None:
        layouts = self.spec.tables[table].layouts
        if code in layouts:
            return layouts[code]
        return None

    def _layouts_for(self, table: str, layout: str | None) -> list[str]:
        codes = list(self.spec.tables[table].layouts)
        return [layout, *codes] if layout in codes else codes

    def table(self, table: str) -> Label:
        found = self.spec.tables.get(table)
        return Label(found.title, found.title_en) if found else Label(table)

    def table_short(self, table: str) -> Label:
        return Label({"t2": "表二", "t3": "表三", "t4": "表四"}.get(table, table), f"table {table[1:]}")

    def row_label(self, table: str, row: str, layout: str | None = None) -> RowLabel | None:
        if table not in self.spec.tables:
            return None
        for code in self._layouts_for(table, layout):
            found = self._rows[(table, code)].get(row)
            if found is not None:
                return found
        return None

    def row(self, table: str, row: str, layout: str | None = None) -> Label:
        found = self.row_label(table, row, layout)
        return found.full if found else Label(row)

    def column(self, table: str, column: str, layout: str | None = None) -> Label:
        if table not in self.spec.tables:
            return Label(column)
        for code in self._layouts_for(table, layout):
            found = self.spec.tables[table].layouts[code].columns.get(column)
            if found is not None:
                return Label(found.label, found.en)
        return Label(column)

    def cell(self, name: CellName, layouts: dict[str, str | None] | None = None) -> Label:
        """'表三 (三)不予公开 5.属于三类内部事务信息 · 总计', or the phrase for a figure stated in the text."""
        if name.phrase is not None:
            return Label(f"正文“{name.phrase}”", "stated in the text")
        layout = (layouts or {}).get(name.table)
        row = self.row(name.table, name.row, layout)
        column = self.column(name.table, name.column, layout)
        short = self.table_short(name.table)
        return Label(f"{short.zh} {row.zh} · {column.zh}", f"{short.en}, {row.en} × {column.en}")

    def rule(self, code: str) -> Rule | None:
        try:
            return self.spec.rules.rule(code)
        except KeyError:
            return None

    def rule_label(self, code: str) -> Label:
        found = self.rule(code)
        return Label(found.zh, found.en) if found else Label(code)

    def figure(self, code: str) -> Label:
        for figure in self.spec.rules.narrative.figures:
            if figure.code == code:
                return Label(figure.zh, figure.en)
        return Label(code)

    def scope(self, scope: str, layouts: dict[str, str | None] | None = None) -> Label:
        """Where a check applies, from the scope the validation records ('t3.total', 't3.granted',
        't2.regulations.in_force', 'narrative.received')."""
        head, _, rest = scope.partition(".")
        if head == "narrative":
            figure = self.figure(rest)
            return Label(f"正文：{figure.zh}", f"text: {figure.en}")
        parts = rest.split(".")
        if head not in self.spec.tables or not rest:
            return Label(scope)
        short = self.table_short(head)
        layout = (layouts or {}).get(head)
        if len(parts) == 2:
            return self.cell(CellName(head, parts[0], parts[1]), layouts)
        name = parts[0]
        if self.row_label(head, name, layout) is not None:
            row = self.row(head, name, layout)
            return Label(f"{short.zh} {row.zh}", f"{short.en}, row {row.en}")
        column = self.column(head, name, layout)
        return Label(f"{short.zh} {column.zh}列", f"{short.en}, column {column.en}")

    def quality(self, code: str | None) -> Label:
        return label(QUALITY.get(code or ""), code or "—")

    def level(self, code: str | None) -> Label:
        return label(LEVEL.get(code or ""), code or "—")

    def kind(self, code: str) -> Label:
        return label(KIND.get(code), code)

    def severity(self, code: str) -> Label:
        return label(SEVERITY.get(code), code)
