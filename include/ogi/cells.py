"""One printed cell: its raw text, what kind of thing it is, and its value in the column's unit."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from ogi import printed
from ogi.template import Column

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


def _parse_number(text: str, column_unit: str | None, header_unit: str | None = None) -> int | float | None:
    """`text`'s number in the column's unit: printed with a unit of its own, or else in the header's."""
    parsed = printed.parse(text)
    if parsed is None:
        return None
    value, unit = parsed
    unit = unit or header_unit
    if column_unit == "元" and unit == "万元":
        value = round(value * 10000, 6)
    elif column_unit == "万元" and unit == "元":
        value = round(value / 10000, 6)
    if isinstance(value, float) and value.is_integer() and "." not in text:
        value = int(value)
    return value


def in_header_unit(cell: Cell, column: Column, header_unit: str) -> Cell:
    """`cell` read again where the table's header prints the column's unit (采购总金额（万元）): a number
    printed without a unit of its own is in that unit."""
    if cell.kind == NUMBER:
        return Cell(NUMBER, cell.raw, _parse_number(cell.raw or "", column.unit, header_unit), (), cell.page)
    if cell.kind == AMBIGUOUS:
        options = (cell.raw or "").split(" | ")
        values = sorted({v for o in options if (v := _parse_number(o, column.unit, header_unit)) is not None})
        return Cell(AMBIGUOUS, cell.raw, None, values, cell.page)
    return cell


def in_unread_unit(cell: Cell, column: Column) -> Cell:
    """`cell` of a money column whose header's unit could not be read: a number printed without a unit of its
    own may be in either money unit, so it is `ambiguous` with each (1559.5 is 1559.5 元 or 15,595,000 元)."""
    if cell.kind not in (NUMBER, AMBIGUOUS) or not cell.raw:
        return cell
    options = cell.raw.split(" | ")
    if cell.kind == NUMBER and all(
        (p := printed.parse(o)) is not None and p[1] in printed.MONEY_UNITS for o in options
    ):
        return cell  # printed with its unit
    scale = 10000 if column.unit == "元" else 1 / 10000
    values = {*cell.candidates, *([cell.value] if cell.value is not None else [])}
    values |= {round(v * scale, 6) for v in values}
    values |= {v for o in options for u in printed.MONEY_UNITS if (v := _parse_number(o, column.unit, u)) is not None}
    values = {int(v) if isinstance(v, float) and v.is_integer() else v for v in values}
    return Cell(AMBIGUOUS, cell.raw, None, sorted(values), cell.page, cell.confidence, cell.box)


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
    if printed.is_dash(text):
        return DASH, None
    if text in printed.SLASHES:
        return SLASH, None
    return TEXT, None


def absent() -> Cell:
    return Cell(ABSENT)
