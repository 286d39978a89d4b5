"""The template grammar's data: tables, layouts, rows and columns from `spec/templates.yaml`, with the rules."""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass
from functools import cache, cached_property
from importlib import resources

import yaml

from ogi.rules import Identity, Rules, parse_rules


def _nfkc(text: str) -> str:
    return unicodedata.normalize("NFKC", text)


@dataclass(frozen=True)
class Column:
    code: str
    label: str
    dtype: str  # "int" or "decimal"
    signed: bool
    unit: str | None = None
    en: str = ""


@dataclass(frozen=True, eq=False)  # one object per row of the loaded spec: hashed by identity, cheaply
class Row:
    code: str
    label: str
    columns: tuple[str, ...]
    number: str = ""
    group: str = ""
    tail: str = ""
    variants: tuple[str, ...] = ()
    result: bool = False
    en: str = ""
    group_en: str = ""
    omissible: bool = False  # a report may leave the row out (a department's report has no 规章)


@dataclass(frozen=True, eq=False)  # one object per layout of the loaded spec: hashed by identity
class Layout:
    table: str
    code: str
    detect: tuple[str, ...]
    rows: tuple[Row, ...]
    columns: dict[str, Column]

    def row(self, code: str) -> Row:
        for row in self.rows:
            if row.code == code:
                return row
        raise KeyError(f"{self.table} layout {self.code} has no row {code!r}")

    def cell_count(self) -> int:
        return len(self.cells[0])

    @cached_property
    def row_cells(self) -> dict[str, tuple[tuple[tuple[str, str], ...], tuple[Column, ...]]]:
        """Per row: its cells' (row, column) keys and their columns, in printed order."""
        return {
            row.code: (tuple((row.code, c) for c in row.columns), tuple(self.columns[c] for c in row.columns))
            for row in self.rows
        }

    @cached_property
    def cells(self) -> tuple[tuple[tuple[str, str], ...], tuple[Column, ...]]:
        """Every cell's key and column, row by row."""
        keys = tuple(key for row in self.rows for key in self.row_cells[row.code][0])
        return keys, tuple(col for row in self.rows for col in self.row_cells[row.code][1])


@dataclass(frozen=True, eq=False)  # one object per table of the loaded spec: hashed by identity
class Table:
    code: str
    title: str
    anchors: tuple[str, ...]
    layouts: dict[str, Layout]
    header_words: tuple[str, ...] = ()
    title_en: str = ""


@dataclass(frozen=True, eq=False)  # hashed by identity, so results per spec can be cached
class Spec:
    tables: dict[str, Table]
    rules: Rules
    template_years: dict[str, tuple[int, int | None]]  # template → (first year, last year or None)
    legacy_before: int
    legacy_words: tuple[str, ...]

    def template_for(self, year: int | None) -> str:
        """The template a report of `year` follows; the newest when the year is not known."""
        newest = max(self.template_years, key=lambda code: self.template_years[code][0])
        for code, (first, last) in self.template_years.items():
            if year is not None and first <= year and (last is None or year <= last):
                return code
        return newest

    @property
    def identities(self) -> dict[str, Identity]:
        return self.rules.identities

    def layout(self, table: str, code: str) -> Layout:
        return self.tables[table].layouts[code]


def _column(code: str, raw: dict, kinds: dict) -> Column:
    kind = kinds[raw["kind"]]
    return Column(code, _nfkc(raw["label"]), kind["dtype"], kind["signed"], raw.get("unit"), raw.get("en", ""))


def _row(raw: dict, default_columns: tuple[str, ...]) -> Row:
    return Row(
        code=raw["code"],
        label=_nfkc(raw["label"]),
        columns=tuple(raw.get("columns", default_columns)),
        number=_nfkc(raw.get("number", "")),
        group=_nfkc(raw.get("group", "")),
        tail=_nfkc(raw.get("tail", "")),
        variants=tuple(_nfkc(v) for v in raw.get("variants", ())),
        result=bool(raw.get("result", False)),
        en=raw.get("en", ""),
        group_en=raw.get("group_en", ""),
        omissible=bool(raw.get("omissible", False)),
    )


def _table(code: str, raw: dict, kinds: dict) -> Table:
    table_columns = {c: _column(c, v, kinds) for c, v in raw.get("columns", {}).items()}
    layouts = {}
    for layout_code, raw_layout in raw["layouts"].items():
        columns = {c: _column(c, v, kinds) for c, v in raw_layout.get("columns", {}).items()} or table_columns
        raw_rows = raw_layout.get("rows") or [r for r in raw["rows"] if layout_code in r.get("layouts", [layout_code])]
        rows = tuple(_row(r, tuple(columns)) for r in raw_rows)
        for row in rows:
            unknown = set(row.columns) - set(columns)
            if unknown:
                raise ValueError(f"templates.yaml: {code}.{row.code} names unknown columns {sorted(unknown)}")
        layouts[str(layout_code)] = Layout(
            code, str(layout_code), tuple(_nfkc(d) for d in raw_layout.get("detect", ())), rows, columns
        )
    return Table(
        code,
        _nfkc(raw["title"]),
        tuple(_nfkc(a) for a in raw["anchors"]),
        layouts,
        tuple(_nfkc(w) for w in raw.get("header_words", ())),
        raw.get("title_en", ""),
    )


def parse_spec(templates_text: str, rules_text: str) -> Spec:
    raw = yaml.safe_load(templates_text)
    kinds = raw["column_kinds"]
    tables = {code: _table(code, t, kinds) for code, t in raw["tables"].items()}
    years = {
        str(code): (min(t["years"]), max(t["years"])) if "years" in t else (t["years_from"], None)
        for code, t in raw["templates"].items()
    }
    legacy = raw["legacy"]
    return Spec(
        tables,
        parse_rules(yaml.safe_load(rules_text)),
        years,
        legacy["before"],
        tuple(_nfkc(w) for w in legacy["words"]),
    )


@cache
def load_spec() -> Spec:
    files = resources.files("ogi.spec")
    return parse_spec(
        files.joinpath("templates.yaml").read_text(encoding="utf-8"),
        files.joinpath("rules.yaml").read_text(encoding="utf-8"),
    )
