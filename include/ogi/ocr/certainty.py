"""Whether a cell read by OCR is a number: its reading must be sure, and consistent with the identities it
takes part in (each 表三 cell is in a row identity, I3, and column identities, I1 and I2; each 表四 cell in I4).

- A sure reading (probability ≥ SURE) is a number, unless an identity it takes part in breaks while another
  reading of it (the recogniser's alternatives) would keep every one of its identities: then it is
  `ambiguous`, with both. Without such a reading it stays a number: real reports break identities as printed,
  and the validation reports the break.
- A plausible reading (≥ PLAUSIBLE) is a number only when its identities confirm it: every one holds.
- Anything less sure is never a number: `ambiguous` with the readings the image allows (and, where an
  identity whose other cells are sure implies a value, that value). A cell whose ink reads as nothing is
  `ambiguous` too: something is printed there.

Nothing is corrected: a cell keeps the reading it holds as its raw text, and its candidates say what else it
may be. Every OCR'd cell carries its reading's probability and its box on the page.
"""

from __future__ import annotations

from collections.abc import Iterable

from ogi import cells as C
from ogi.identities import CellKey, Check
from ogi.normalize import normalize_text

SURE = 0.95
PLAUSIBLE = 0.5


def settle(
    table: str, cells: dict[CellKey, C.Cell], runs: Iterable, ocr_tokens: dict, checks: list[Check]
) -> list[str]:
    """Re-kind the cells of one table that were read by OCR (`cells` is changed in place); the notes for the
    report's warnings."""
    read: dict[CellKey, object] = {}  # key → OcrToken
    units: dict[CellKey, str | None] = {}
    for run in runs:
        aligned = len(run.candidates) == 1 and len(run.pieces) == len(run.keys)
        for i, (key, column) in enumerate(zip(run.keys, run.columns)):
            units[key] = column.unit
            if aligned:
                found = ocr_tokens.get(run.pieces[i].token)
                if found is not None:
                    read[key] = found
            elif any(piece.token in ocr_tokens for piece in run.pieces):
                read[key] = None  # cut from glued OCR text: no reading of its own to weigh
    if not read:
        return []

    def value(key: CellKey) -> float | int:
        cell = cells[key]
        return cell.value if cell.kind == C.NUMBER else 0

    values = {key: value(key) for key in cells}
    by_cell: dict[CellKey, list[Check]] = {}
    for check in checks:
        for key in check.cells:
            by_cell.setdefault(key, []).append(check)

    def sure(key: CellKey) -> bool:
        ocr = read.get(key, "text")  # a cell not read by OCR (a text-layer page) is as printed
        return ocr == "text" or (ocr is not None and ocr.reading.confidence >= SURE)

    def holds_with(key: CellKey, candidate: float | int) -> bool:
        trial = dict(values)
        trial[key] = candidate
        return all(check.holds(trial) for check in by_cell.get(key, ()))

    flagged = []
    for key, ocr in read.items():
        cell = cells[key]
        if ocr is None:
            if cell.kind == C.NUMBER:
                cells[key] = C.Cell(C.AMBIGUOUS, cell.raw, None, [cell.value], cell.page)
                flagged.append(key)
            continue
        reading, box = ocr.reading, ocr.box
        confidence = round(float(reading.confidence), 4)
        mine = by_cell.get(key, [])
        holds = all(check.holds(values) for check in mine)
        others = _options(reading, units.get(key))
        if cell.kind == C.NUMBER:
            if reading.confidence >= SURE:
                fixes = [] if holds else [v for v in others if v != cell.value and holds_with(key, v)]
                if not fixes:
                    cells[key] = _with(cell, confidence, box)
                    continue
                candidates = [cell.value, *fixes]
            elif reading.confidence >= PLAUSIBLE and mine and holds:
                cells[key] = _with(cell, confidence, box)
                continue
            else:
                candidates = [cell.value, *others, *_implied(key, mine, values, sure)]
        elif cell.kind == C.BLANK and reading.confidence < SURE:  # ink there, read as nothing
            candidates = [*others, *_implied(key, mine, values, sure)]
        elif cell.kind in (C.DASH, C.SLASH, C.TEXT, C.BLANK) and reading.confidence >= PLAUSIBLE:
            cells[key] = _with(cell, confidence, box)
            continue
        else:
            candidates = [*others, *_implied(key, mine, values, sure)]
        candidates = sorted(set(candidates))
        cells[key] = C.Cell(C.AMBIGUOUS, cell.raw, None, candidates, cell.page, confidence, box)
        flagged.append(key)
    if not flagged:
        return []
    shown = ", ".join(f"{table}.{row}.{col}" for row, col in flagged[:8])
    return [
        f"{table}: {len(flagged)} cells read by OCR are not sure ({shown}{'…' if len(flagged) > 8 else ''}): "
        "ambiguous, with the readings they may be"
    ]


def _with(cell: C.Cell, confidence: float, box) -> C.Cell:
    return C.Cell(cell.kind, cell.raw, cell.value, cell.candidates, cell.page, confidence, box)


def _options(reading, unit: str | None) -> list[float | int]:
    """The numbers the recogniser's other readings of the cell spell (blank, dash or slash count as 0)."""
    out = []
    for text, _p in reading.alternatives:
        text = normalize_text(text).strip()
        if not text:
            continue
        kind, number = C._kind_and_value(text, unit)
        if kind == C.NUMBER:
            out.append(number)
        elif kind in (C.DASH, C.SLASH):
            out.append(0)
    return out


def _implied(key: CellKey, mine: list[Check], values: dict, sure) -> list[float | int]:
    """Values of `key` that make one of its identities hold, where that identity's other cells are sure."""
    out = []
    for check in mine:
        others = [k for k in check.cells if k != key]
        if not all(sure(k) for k in others):
            continue
        lhs = sum(values.get(k, 0) for k in check.lhs if k != key)
        rhs = sum(values.get(k, 0) for k in check.rhs if k != key)
        implied = rhs - lhs if key in check.lhs else lhs - rhs
        if implied >= 0:
            out.append(implied)
    return out
