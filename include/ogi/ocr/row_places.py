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
    edits of its label and further from every other row's. Its words may be its group's heading and its label
    read line by line across both (1.属 不予公于国家 开秘密: the grid lost the short ruling between their
    columns where the group's merged cell begins in a page's last row). `found`: where each row's label was
    found (start, end), or None; returns where the rows found by their place are labelled."""
    rows = layout.rows
    beside = _groups(layout)
    placed = {}
    for before, row, after in zip(rows, rows[1:], rows[2:]):
        if found[row.code] is not None or found[before.code] is None or found[after.code] is None:
            continue
        place = _one_row_between(stream, found[before.code][1], found[after.code][0])
        if place is None:
            continue
        label_start, label_end, words = place
        read = fuzzy.bare(words)
        mine = _label_distance(read, row, beside[row.code])
        if mine * 2 > len(fuzzy.bare(row.label)) or any(
            _label_distance(read, other, beside[other.code]) <= mine for other in rows if other is not row
        ):
            continue
        placed[row.code] = (label_start, label_end)
    return placed


def _groups(layout: Layout) -> dict[str, str]:
    """The heading of the group each row is in (the nearest a row at or above it prints), bare; "" for none."""
    groups, group = {}, ""
    for row in layout.rows:
        group = fuzzy.bare(row.group) or group
        groups[row.code] = group
    return groups


def _label_distance(read: str, row: Row, group: str) -> int:
    """The edits between words read and a row's label, its group's heading read beside it or not."""
    return min(
        fuzzy.distance_beside(read, group, bare) if group else fuzzy.distance(read, bare)
        for label in (row.label, *row.variants)
        for number in {"", row.number}
        for bare in [fuzzy.bare(number + label)]
    )


def _one_row_between(stream: Stream, start: int, end: int) -> tuple[int, int, str] | None:
    """The one table row after the row holding `start` and before `end` that prints words and then cells:
    where its words start and end, and the words; None where there is no such row, or more than one, or
    free text between. A row opening a table after that row ended the one before, its cells after its words
    all empty, is the rest of it the page break cut (开 | 家秘密 on the next page): its words are the label's."""
    kinds, texts, starts = stream.kinds, stream.texts, stream.starts
    first, last = stream.token_index(start), stream.token_index(end)
    row_end = first
    while row_end < last and kinds[row_end] not in (ROW_END, TABLE_END):
        row_end += 1  # the rest of the row before
    found = None
    found_ends_table = False
    words: list[int] = []
    cells_after = printed = 0
    opens_table = False
    for index in range(row_end, last + 1):
        kind, text = kinds[index], texts[index].strip()
        if kind is LINE and text:
            return None
        if kind is CELL and index < last:
            if not words and not cells_after and kinds[index - 1] in (ROW_END, TABLE_END):
                opens_table = kinds[index - 1] is TABLE_END
            if text and not VALUE.fullmatch(text) and not cells_after:
                words.append(index)
            elif words:
                cells_after += 1
                printed += bool(text)
            continue
        if words and cells_after:
            read = " ".join(texts[i] for i in words)
            if found is None:
                found = (starts[words[0]], starts[words[-1]] + len(texts[words[-1]]), read)
                found_ends_table = kind is ROW_END and index + 1 <= last and kinds[index + 1] is TABLE_END
            elif found_ends_table and opens_table and not printed:
                found, found_ends_table = (found[0], found[1], f"{found[2]} {read}"), False
            else:
                return None
        elif found is not None and kind is ROW_END:
            found_ends_table = False
        if kind in (ROW_END, TABLE_END) or index == last:
            words, cells_after, printed = [], 0, 0
    return found
