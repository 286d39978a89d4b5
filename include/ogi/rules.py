"""The rules of `spec/rules.yaml`: identities, domain rules, cross-year, narrative and consolidation rules."""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from ogi.template import Layout

SEVERITIES = ("error", "warning")


@dataclass(frozen=True)
class CellRef:
    """table.row.column; a row ending in * stands for every row with that prefix."""

    table: str
    row: str
    column: str

    @classmethod
    def parse(cls, text: str) -> CellRef:
        parts = text.split(".")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"rules.yaml: {text!r} is not table.row.column")
        return cls(*parts)

    def matches(self, table: str, row: str, column: str) -> bool:
        if table != self.table or column != self.column:
            return False
        return row.startswith(self.row[:-1]) if self.row.endswith("*") else row == self.row

    def __str__(self) -> str:
        return f"{self.table}.{self.row}.{self.column}"


@dataclass(frozen=True, kw_only=True)
class Rule:
    """What every rule has: its code, how bad a break is, and what it means in Chinese and English."""

    code: str
    severity: str
    zh: str
    en: str


@dataclass(frozen=True, kw_only=True)
class Identity(Rule):
    table: str
    over: str  # "columns": one check per column, lhs/rhs are rows; "rows": one per row, lhs/rhs are columns
    lhs: tuple[str, ...]
    rhs: tuple[str, ...]

    def terms(self, layout: Layout) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """lhs and rhs with `result_rows` expanded for the given layout."""

        def expand(names: tuple[str, ...]) -> tuple[str, ...]:
            out: list[str] = []
            for name in names:
                if name == "result_rows":
                    out.extend(row.code for row in layout.rows if row.result)
                else:
                    out.append(name)
            return tuple(out)

        return expand(self.lhs), expand(self.rhs)


@dataclass(frozen=True, kw_only=True)
class DomainRule(Rule):
    applies_to: str  # "unsigned": columns whose kind is not signed; "int": columns whose dtype is int


@dataclass(frozen=True)
class YearCellRef:
    year: str  # "this" or "previous"
    cell: CellRef

    @classmethod
    def parse(cls, text: str) -> YearCellRef:
        year, _, rest = text.partition(".")
        if year not in ("this", "previous"):
            raise ValueError(f"rules.yaml: {text!r} must start with this. or previous.")
        return cls(year, CellRef.parse(rest))


@dataclass(frozen=True)
class CrossYearCheck:
    scope: str
    lhs: tuple[YearCellRef, ...]
    rhs: tuple[YearCellRef, ...]


@dataclass(frozen=True, kw_only=True)
class CrossYearRule(Rule):
    checks: tuple[CrossYearCheck, ...]


@dataclass(frozen=True)
class NarrativeFigure:
    code: str
    zh: str
    patterns: tuple[re.Pattern, ...]
    equals: tuple[tuple[CellRef, ...], ...]  # alternatives, each a sum of cells
    settles_extraction: bool = False
    en: str = ""

    def find(self, compact_text: str) -> tuple[int, str] | None:
        """(figure, the phrase that states it) from text with whitespace and breaks removed."""
        for pattern in self.patterns:
            match = pattern.search(compact_text)
            if match:
                return int(match.group(1)), match.group(0)
        return None


@dataclass(frozen=True, kw_only=True)
class NarrativeRule(Rule):
    figures: tuple[NarrativeFigure, ...]


@dataclass(frozen=True, kw_only=True)
class ConsolidationRule(Rule):
    tables: tuple[str, ...]


@dataclass(frozen=True)
class Rules:
    identities: dict[str, Identity]
    domain: dict[str, DomainRule]
    cross_year: dict[str, CrossYearRule]
    narrative: NarrativeRule
    consolidation: dict[str, ConsolidationRule]

    def rule(self, code: str) -> Rule:
        for group in (
            self.identities,
            self.domain,
            self.cross_year,
            self.consolidation,
            {self.narrative.code: self.narrative},
        ):
            if code in group:
                return group[code]
        raise KeyError(f"no rule {code!r}")


def _common(code: str, raw: dict) -> dict:
    severity = raw.get("severity", "error")
    if severity not in SEVERITIES:
        raise ValueError(f"rules.yaml: {code}: severity {severity!r} is not one of {SEVERITIES}")
    return {"code": code, "severity": severity, "zh": raw["zh"], "en": raw["en"]}


def parse_rules(raw: dict) -> Rules:
    identities = {
        code: Identity(**_common(code, i), table=i["table"], over=i["over"], lhs=tuple(i["lhs"]), rhs=tuple(i["rhs"]))
        for code, i in raw["identities"].items()
    }
    domain = {code: DomainRule(**_common(code, d), applies_to=d["applies_to"]) for code, d in raw["domain"].items()}
    cross_year = {
        code: CrossYearRule(
            **_common(code, x),
            checks=tuple(
                CrossYearCheck(scope, tuple(map(YearCellRef.parse, c["lhs"])), tuple(map(YearCellRef.parse, c["rhs"])))
                for scope, c in x["checks"].items()
            ),
        )
        for code, x in raw["cross_year"].items()
    }
    n = raw["narrative"]
    figures = tuple(
        NarrativeFigure(
            f["code"],
            f["zh"],
            tuple(re.compile(p) for p in f["patterns"]),
            tuple(tuple(map(CellRef.parse, alt)) for alt in f["equals"]),
            bool(f.get("settles_extraction", False)),
            f.get("en", ""),
        )
        for f in n["figures"]
    )
    narrative = NarrativeRule(**_common("N1", n), figures=figures)
    consolidation = {
        code: ConsolidationRule(**_common(code, h), tables=tuple(h["tables"]))
        for code, h in raw["consolidation"].items()
    }
    return Rules(identities, domain, cross_year, narrative, consolidation)
