"""Whether a cell read by OCR is a number: its reading must be sure, and consistent with the identities it
takes part in (each 表三 cell is in a row identity, I3, and column identities, I1 and I2; each 表四 cell in I4).

- A sure reading (probability ≥ SURE) is a number, unless an identity it takes part in breaks while another
  reading of it (the recogniser's alternatives) would keep every one of its identities: then it is
  `ambiguous`, with both. So is a sure reading, or a cell where no ink was seen, that an identity's value
  would make whole spelling it with digits lost (faint print: 10 for 103, nothing for 56). Without such a reading it stays a number: real reports break identities as printed,
  and the validation reports the break.
- A plausible reading (≥ PLAUSIBLE) is a number only when its identities confirm it: every one holds. A
  plausible dash or slash is never so confirmed: it counts as 0, and its identities cannot tell it from a 0.
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
SECOND = 0.6  # the second reader's reading counts from this confidence on


def settle(
    table: str,
    cells: dict[CellKey, C.Cell],
    runs: Iterable,
    ocr_tokens: dict,
    checks: list[Check],
    ocr_pages: set[int] = frozenset(),
    engine: str | None = None,
) -> list[str]:
    """Re-kind the cells of one table that were read by OCR (`cells` is changed in place); the notes for the
    report's warnings. `ocr_pages`: the pages read by OCR, where a value with no reading of its own (cut from
    glued text, or a blank the grammar supplied) is not sure either."""
    read: dict[CellKey, object] = {}  # key → OcrToken, or None for a cell with no reading of its own
    units: dict[CellKey, str | None] = {}
    for run in runs:
        aligned = len(run.candidates) == 1 and len(run.pieces) == len(run.keys)
        for i, (key, column) in enumerate(zip(run.keys, run.columns)):
            units[key] = column.unit
            if aligned:
                piece = run.pieces[i]
                found = ocr_tokens.get(piece.token)
                if found is not None:
                    read[key] = found
                elif piece.page in ocr_pages:
                    read[key] = None
            elif any(piece.token in ocr_tokens or piece.page in ocr_pages for piece in run.pieces):
                read[key] = None
    if not read:
        return []

    values = {key: (cell.value if cell.kind == C.NUMBER else 0) for key, cell in cells.items()}
    as_read = {key for key, cell in cells.items() if cell.kind in (C.NUMBER, C.BLANK, C.DASH, C.SLASH)}
    by_cell: dict[CellKey, list[Check]] = {}
    for check in checks:
        for key in check.cells:
            by_cell.setdefault(key, []).append(check)

    def confidence(key: CellKey) -> float:
        ocr = read[key]
        return 0.0 if ocr is None else float(ocr.reading.confidence)

    # settled: as printed, surely — cells not read by OCR (a text-layer page), and sure readings
    settled = {key for key in cells if key not in read and cells[key].kind not in (C.AMBIGUOUS, C.ABSENT)}
    settled |= {key for key in read if confidence(key) >= SURE and cells[key].kind != C.AMBIGUOUS}
    candidates: dict[CellKey, list[float | int]] = {}
    # a sure reading whose identity breaks, where another reading of it would keep every one it is in
    for key in list(settled & read.keys()):
        mine = by_cell.get(key, [])
        if all(check.holds(values) for check in mine):
            continue
        fixes = [v for v in _options(read[key].reading, units.get(key)) if v != values[key]]
        fixes = [v for v in fixes if all(check.holds({**values, key: v}) for check in mine)]
        if fixes:
            settled.discard(key)
            candidates[key] = [values[key], *fixes]

    # a sure reading, or a cell with no ink seen, whose identities break where a value an identity implies
    # would keep them and spells the reading with digits lost: faint or cut digits (10 of 103; nothing of 56)
    for key in list(settled & read.keys()):
        if key in candidates or read[key] is None:
            continue
        mine = [c for c in by_cell.get(key, ()) if all(o in settled for o in c.cells if o != key)]
        if all(check.holds(values) for check in mine):
            continue
        lost = {
            v
            for check in mine
            if (v := _implied(key, check, values)) is not None
            and v != values[key]
            and _digits_lost(read[key].reading.text, v)
            and all(c.holds({**values, key: v}) for c in mine)
        }
        if lost:
            settled.discard(key)
            candidates[key] = [values[key], *sorted(lost)]

    # a plausible reading is confirmed by its identities: each one whose other cells are settled or
    # plausible too holds (two misreadings making up for each other in one sum is past believing), and
    # there is one at least; an identity with a weaker cell in it neither confirms nor breaks it
    def counted(key: CellKey) -> bool:
        return key in settled or (key in read and key not in candidates and confidence(key) >= PLAUSIBLE)

    for key in read:
        if key in settled or key in candidates or confidence(key) < PLAUSIBLE:
            continue
        if cells[key].kind not in (C.NUMBER, C.TEXT):
            continue  # a dash or a slash counts as 0: its identities cannot tell it from a 0 or a blank
        usable = [c for c in by_cell.get(key, ()) if all(counted(o) for o in c.cells if o != key)]
        if usable and all(check.holds(values) for check in usable):
            settled.add(key)

    # the second reader: a plausible reading it reads alike, no identity breaking, is settled; a sure reading
    # whose identities break is ambiguous where the second reader's reading would keep them all
    second = second_reader(engine)
    seconds: dict[CellKey, float | int] = {}
    if second is not None:
        for key, ocr in read.items():
            if ocr is None or ocr.crop is None or key in candidates:
                continue
            mine = by_cell.get(key, [])
            unsure = key not in settled and confidence(key) >= PLAUSIBLE and cells[key].kind not in (C.DASH, C.SLASH)
            broken = key in settled and key in read and not all(check.holds(values) for check in mine)
            if not (unsure or broken):
                continue
            other = second.read_one(ocr.crop, True)
            number = _number(other.text, units.get(key))
            if number is None or other.confidence < SECOND:
                continue
            if (
                unsure
                and number == values[key]
                and all(check.holds(values) for check in mine if all(counted(o) for o in check.cells if o != key))
            ):
                settled.add(key)
            elif number != values[key]:
                seconds[key] = number
                if broken and all(check.holds({**values, key: number}) for check in mine):
                    settled.discard(key)
                    candidates[key] = [values[key], number]

    flagged = []
    known = as_read | settled  # the cells whose values an identity may imply an unsure one's from
    for key, ocr in read.items():
        cell = cells[key]
        if ocr is None:  # no reading of its own: never sure, whatever it holds
            options = sorted({*_as_read(cell), *_implied_values(key, by_cell.get(key, ()), values, known)})
            cells[key] = C.Cell(C.AMBIGUOUS, cell.raw, None, options, cell.page)
            flagged.append(key)
            continue
        score = round(confidence(key), 4)
        if key in settled:
            cells[key] = _with(cell, score, ocr.box)
            continue
        options = candidates.get(key) or [
            *_as_read(cell),
            *_options(ocr.reading, units.get(key), blank=True),
            *([seconds[key]] if key in seconds else []),
            *_implied_values(key, by_cell.get(key, ()), values, known),
        ]
        if score < PLAUSIBLE:  # barely read (a speck read as 5 at 0.001): the cell may hold nothing, a 0
            options = [*options, 0]
        cells[key] = C.Cell(C.AMBIGUOUS, cell.raw, None, sorted(set(options)), cell.page, score, ocr.box)
        flagged.append(key)
    if not flagged:
        return []
    shown = ", ".join(f"{table}.{row}.{col}" for row, col in flagged[:8])
    return [
        f"{table}: {len(flagged)} cells read by OCR are not sure ({shown}{'…' if len(flagged) > 8 else ''}): "
        "ambiguous, with the readings they may be"
    ]


def second_reader(engine: str | None):
    """The other engine than the one that read the document: Tesseract beside PP-OCRv4 (when it is installed),
    PP-OCRv4 beside Tesseract; None when there is none."""
    from ogi.ocr import tesseract

    if engine == tesseract.ENGINE:
        from ogi.ocr.recognize import recognizer

        return _Rapid(recognizer())
    return None if tesseract.unavailable() else tesseract.recognizer()


class _Rapid:
    """PP-OCRv4 with the second reader's interface (one crop at a time)."""

    def __init__(self, recognizer):
        self.recognizer = recognizer

    def read_one(self, crop, value=None):
        return self.recognizer.read([crop], [value])[0]


def _number(text: str, unit: str | None) -> float | int | None:
    text = normalize_text(text).strip()
    if not text:
        return None
    kind, number = C._kind_and_value(text, unit)
    if kind == C.NUMBER:
        return number
    return 0 if kind in (C.DASH, C.SLASH) else None


def _as_read(cell: C.Cell) -> list[float | int]:
    """What the cell's own reading counts for: its number, or 0 for a blank, a dash or a slash (the model
    counts them as 0 in identities); nothing for words."""
    if cell.kind == C.NUMBER:
        return [cell.value]
    return [0] if cell.kind in (C.BLANK, C.DASH, C.SLASH) else []


def _with(cell: C.Cell, confidence: float, box) -> C.Cell:
    return C.Cell(cell.kind, cell.raw, cell.value, cell.candidates, cell.page, confidence, box)


def _options(reading, unit: str | None, blank: bool = False) -> list[float | int]:
    """The numbers the recogniser's other readings of the cell spell (dash or slash count as 0, and so does
    blank where `blank`: a candidate of an unsure cell, not a reading to doubt a sure one by)."""
    out = []
    for text, _p in reading.alternatives:
        text = normalize_text(text).strip()
        if not text:
            if blank:
                out.append(0)
            continue
        kind, number = C._kind_and_value(text, unit)
        if kind == C.NUMBER:
            out.append(number)
        elif kind in (C.DASH, C.SLASH):
            out.append(0)
    return out


def _digits_lost(text: str, value: float | int) -> bool:
    """Whether `value` is printed as `text` with digits missing: the digits of `text` in order within its own."""
    have = [ch for ch in normalize_text(text) if ch.isdigit()]
    spelt = f"{value:f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)
    full = [ch for ch in spelt if ch.isdigit()]
    rest = iter(full)
    return len(have) < len(full) and all(ch in rest for ch in have)


def _implied_values(key: CellKey, checks: Iterable[Check], values: dict, known: set[CellKey]) -> list[float | int]:
    """Candidates of an unsure cell from its identities: the value each implies with its other cells as read
    (`known`: a number, or 0 for a blank, a dash or a slash, sure or not; and the settled cells). A value whose
    ink was lost (a digit under a seal, a faint one) is what its identity's other cells make it where they were
    read right. Never a reading: a candidate only. An identity with a cell not read as a value (absent, words)
    implies nothing."""
    out = []
    for check in checks:
        if all(other in known for other in check.cells if other != key):
            implied = _implied(key, check, values)
            if implied is not None:
                out.append(implied)
    return out


def _implied(key: CellKey, check: Check, values: dict) -> float | int | None:
    """The value of `key` that makes `check` hold, given the others' values (None when it would be negative)."""
    lhs = sum(values.get(k, 0) for k in check.lhs if k != key)
    rhs = sum(values.get(k, 0) for k in check.rhs if k != key)
    implied = rhs - lhs if key in check.lhs else lhs - rhs
    return implied if implied >= 0 else None
