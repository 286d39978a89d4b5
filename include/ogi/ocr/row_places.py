"""Rows of an OCR'd table found by their place: a label garbled past setting right (ogi.ocr.lexicon), cut by
the page break or split over two cells by the grid is no label the grammar can match, but the row is there,
between the rows found around it."""

from __future__ import annotations

from ogi import fuzzy
from ogi.grammar import Stream
from ogi.printed import VALUE
from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END
from ogi.template import Layout, Row


def rows_by_place(
    stream: Stream, layout: Layout, found: dict[str, tuple[int, int] | None]
) -> dict[str, tuple[int, int]]:
    """A row whose label OCR garbled past setting right (呆护第三方合 又益), cut (8、属于行政查, the rest on the
    next page) or split over two cells, where the rows before and after it are found: the one table row between
    them that prints words and then cells is that row, when its words are within half the label's length in
    edits of its label and further from every other row's. `found`: where each row's label was found (start,
    end), or None; returns where the rows found by their place are labelled."""
    rows = layout.rows
    placed = {}
    for before, row, after in zip(rows, rows[1:], rows[2:]):
        if found[row.code] is not None or found[before.code] is None or found[after.code] is None:
            continue
        place = _one_row_between(stream, found[before.code][1], found[after.code][0])
        if place is None:
            continue
        label_start, label_end, words = place
        read = fuzzy.bare(words)
        mine = _label_distance(read, row)
        if mine * 2 > len(fuzzy.bare(row.label)) or any(
            _label_distance(read, other) <= mine for other in rows if other is not row
        ):
            continue
        placed[row.code] = (label_start, label_end)
    return placed


def _label_distance(read: str, row: Row) -> int:
    return min(
        fuzzy.distance(read, fuzzy.bare(number + label))
        for label in (row.label, *row.variants)
        for number in {"", row.number}
    )


def _one_row_between(stream: Stream, start: int, end: int) -> tuple[int, int, str] | None:
    """The one table row after the row holding `start` and before `end` that prints words and then cells:
    where its words start and end, and the words; None where there is no such row, or more than one, or
    free text between."""
    kinds, texts, starts = stream.kinds, stream.texts, stream.starts
    first, last = stream.token_index(start), stream.token_index(end)
    row_end = first
    while row_end < last and kinds[row_end] not in (ROW_END, TABLE_END):
        row_end += 1  # the rest of the row before
    found = None
    words: list[int] = []
    cells_after = 0
    for index in range(row_end, last + 1):
        kind, text = kinds[index], texts[index].strip()
        if kind is LINE and text:
            return None
        if kind is CELL and index < last:
            if text and not VALUE.fullmatch(text) and not cells_after:
                words.append(index)
            elif words:
                cells_after += 1
            continue
        if words and cells_after:
            if found is not None:
                return None
            found = (starts[words[0]], starts[words[-1]] + len(texts[words[-1]]), " ".join(texts[i] for i in words))
        if kind in (ROW_END, TABLE_END) or index == last:
            words, cells_after = [], 0
    return found
