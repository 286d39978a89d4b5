"""Words of one cell that the grid cut in two: a header cell merged down over two rows (表四's 结果维持 printed
down a narrow column) where the grid ran a row's ruling through it reads as its first characters above (结) and
the rest below (果 维 持); a label where the grid took a stroke of a character for a column reads as 行政强 and 制
beside it. Neither part is a word of the template, the two together are: they are one cell's words, joined in
the first (upper, left) cell, the other left empty, as ogi.ocr.page writes a merged cell's other band."""

from __future__ import annotations

from ogi.readers.document import CELL, ROW_END, TABLE_END

EDGE = 2.0  # points: edges this close are one line


def join_split_cells(doc, is_word) -> list[str]:
    """Join each OCR'd cell of words with the one right above it (same column, touching) or right before it
    (same band, touching) where neither is a word of the template by itself (`is_word`) and the two read
    together are one; what was joined."""
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    joined: list[str] = []
    above: list[int] = []
    row: list[int] = []

    def join(first: int, second: int) -> None:
        together = f"{texts[first]}{texts[second]}"
        if not is_word(texts[first]) and not is_word(texts[second]) and is_word(together):
            joined.append(f"{texts[first]} + {texts[second]}")
            texts[first], texts[second] = together, ""

    for index, kind in enumerate(kinds):
        if kind is CELL:
            row.append(index)
            continue
        if kind is ROW_END:
            for lower in row:
                upper = _touching(doc, lower, above, _above)
                if upper is not None:
                    join(upper, lower)
            for left, right in zip(row, row[1:]):
                if _touching(doc, right, [left], _before) is not None:
                    join(left, right)
            above = row
        elif kind is TABLE_END:
            above = []
        row = []
    return joined


def _above(upper, lower) -> bool:
    return abs(upper[0] - lower[0]) <= EDGE and abs(upper[2] - lower[2]) <= EDGE and abs(upper[3] - lower[1]) <= EDGE


def _before(left, right) -> bool:
    return abs(left[1] - right[1]) <= EDGE and abs(left[3] - right[3]) <= EDGE and abs(left[2] - right[0]) <= EDGE


def _touching(doc, cell: int, others: list[int], where) -> int | None:
    """The cell of `others` that stands `where` `cell` stands (above it, before it), both holding words."""
    texts, ocr = doc.tokens.texts, doc.ocr_tokens
    if cell not in ocr or ocr[cell].reading.value or not texts[cell].strip():
        return None
    for other in others:
        if (
            other in ocr
            and not ocr[other].reading.value
            and texts[other].strip()
            and where(ocr[other].box, ocr[cell].box)
        ):
            return other
    return None
