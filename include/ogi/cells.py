"""One printed cell: its raw text, what kind of thing it is, and its value in the column's unit."""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ogi.template import Column

DASHES = "—–-−一"  # 一 only when it stands alone in a cell (a dash typed as the numeral)
_NUMBER = re.compile(r"^(?P<sign>[-−])?(?P<digits>\d{1,3}(?:,\d{3})+|\d+)(?P<frac>\.\d+)?(?P<unit>万元|元|件|个|项)?$")
_SLASHES = {"/", "\\"}

# Cell kinds of the report model.
NUMBER, BLANK, DASH, SLASH, TEXT, ABSENT, AMBIGUOUS = "number", "blank", "dash", "slash", "text", "absent", "ambiguous"
ZERO_LIKE = (BLANK, DASH, SLASH, TEXT)  # count as 0 in identities, and the check says so


@dataclass(slots=True, frozen=True)
class Cell:
    kind: str
    raw: str | None = None
    value: float | int | None = None
    candidates: Sequence[float | int] = ()
    page: int | None = None
    confidence: float | None = None  # read by OCR: the probability of the reading it holds
    box: tuple[float, float, float, float] | None = None  # read by OCR: where (points from the page's top left)

    def as_json(self) -> dict:
        out = {"value": self.value, "raw": self.raw, "kind": self.kind}
        if self.kind == AMBIGUOUS:
            out["candidates"] = self.candidates
        if self.page is not None:
            out["page"] = self.page
        if self.confidence is not None:
            out["confidence"] = self.confidence
            out["box"] = self.box
        return out


def parse_number(text: str, column: Column) -> int | float | None:
    """The value of a numeric cell in the column's unit, or None when the text is not a number."""
    return _parse_number(text, column.unit)


@lru_cache(maxsize=65536)  # cutting a glued run parses the same few texts for every candidate cut
def number_or_zero(text: str, column_unit: str | None) -> int | float:
    """What a cell counts for in an identity: its number, or 0 for anything else printed."""
    value = _parse_number(text, column_unit)
    return 0 if value is None else value


def _parse_number(text: str, column_unit: str | None) -> int | float | None:
    match = _NUMBER.match(text)
    if not match:
        return None
    digits = match["digits"].replace(",", "")
    sign = -1 if match["sign"] else 1
    if match["frac"]:
        value: int | float = sign * float(digits + match["frac"])
    else:
        value = sign * int(digits)
    unit = match["unit"]
    if column_unit == "元" and unit == "万元":
        value = round(value * 10000, 6)
    elif column_unit == "万元" and unit == "元":
        value = round(value / 10000, 6)
    if isinstance(value, float) and value.is_integer() and not match["frac"]:
        value = int(value)
    return value


def classify(raw: str, column: Column, page: int | None = None) -> Cell:
    return _classified(raw, column.unit, page)


def classify_all(raws: Iterable[str], columns: Iterable[Column], pages: Iterable[int | None]) -> list[Cell]:
    """`classify` over a row of cells, without a Python call per cell for the cells seen before."""
    return list(map(_classified, raws, [column.unit for column in columns], pages))


@lru_cache(maxsize=65536)
def _classified(raw: str, column_unit: str | None, page: int | None) -> Cell:
    # cells are immutable, so one object serves every cell printed alike on the same page
    kind, value = _kind_and_value(raw, column_unit)
    return Cell(kind, raw, value, (), page)


@lru_cache(maxsize=65536)
def _kind_and_value(raw: str, column_unit: str | None) -> tuple[str, float | int | None]:
    text = raw.strip()
    if not text:
        return BLANK, None
    value = _parse_number(text, column_unit)
    if value is not None:
        return NUMBER, value
    if all(ch in DASHES for ch in text):
        return DASH, None
    if text in _SLASHES:
        return SLASH, None
    return TEXT, None


def absent() -> Cell:
    return Cell(ABSENT)
