"""Words of one cell that the grid cut in two bands: a header cell merged down over two rows (表四's 结果维持
printed down a narrow column) where the grid ran a row's ruling through it reads as two cells, its first
characters above (结) and the rest below (果 维 持), neither a word of the template. The two are one cell's words:
they are joined in the upper cell and the lower one is left empty, as ogi.ocr.page writes a merged cell."""

from __future__ import annotations

from ogi.readers.document import CELL, ROW_END, TABLE_END

EDGE = 2.0  # points: cells whose left and right edges are this close stand in one column


def join_split_bands(doc, is_word) -> list[str]:
    """Join each OCR'd cell of words with the one right above it (same column, touching) where neither is a
    word of the template by itself (`is_word`) and the two read together are one; what was joined."""
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    joined: list[str] = []
    above: list[int] = []
    row: list[int] = []
    for index, kind in enumerate(kinds):
        if kind is CELL:
            row.append(index)
            continue
        if kind is ROW_END:
            for lower in row:
                upper = _right_above(doc, lower, above)
                if upper is None:
                    continue
                together = f"{texts[upper]}{texts[lower]}"
                if is_word(texts[upper]) or is_word(texts[lower]):
                    continue
                if is_word(together):
                    joined.append(f"{texts[upper]} + {texts[lower]}")
                    texts[upper], texts[lower] = together, ""
            above = row
        elif kind is TABLE_END:
            above = []
        row = []
    return joined


def _right_above(doc, lower: int, above: list[int]) -> int | None:
    """The cell of the row above that stands over `lower` and touches it, both holding words; None if none."""
    texts, ocr = doc.tokens.texts, doc.ocr_tokens
    if lower not in ocr or ocr[lower].reading.value or not texts[lower].strip():
        return None
    x0, y0, x1, _ = ocr[lower].box
    for upper in above:
        if upper not in ocr or ocr[upper].reading.value or not texts[upper].strip():
            continue
        ux0, _, ux1, uy1 = ocr[upper].box
        if abs(ux0 - x0) <= EDGE and abs(ux1 - x1) <= EDGE and abs(uy1 - y0) <= EDGE:
            return upper
    return None
