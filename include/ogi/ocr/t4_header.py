"""表四's header read by the places of its cells, for a scanned table whose header OCR's reading order does
not give (a header over two or three bands, headings merged over bands or spanning columns, two cells the grid
read as one, a part of the table on the next page).

Each value of the row of values stands under its column's headings: the cell of the header that spans its
place, in the lowest band that prints one, names its result; a cell higher up may name its block. The
values are read in the template's order by those names, never by the order the header's cells were read in.
A column whose result heading is unread is the one result its block's other four columns leave, and no
other guess is made: a header that does not name each column's result and block plainly is not read.

A value cell k times as wide as its band's others, under a header cell as wide that names no one result,
stands under k columns whose ruling the grid lost through the header and the values: its columns are the
results its block's other columns leave, in their order. It is blank in each where it is blank; ink read
plausibly, or dashes alone, may stand in any one of them, the others blank or a dash, so each is unsure
(ambiguous); ink read as less (two values side by side read as one) leaves the header unread.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from statistics import median

from ogi import fuzzy
from ogi.grammar import Piece, Stream, T4Vocabulary
from ogi.ocr.row_columns import PLAUSIBLE, options
from ogi.printed import DASH_CHARS, SLASHES, VALUE
from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END
from ogi.template import Layout

LINES_BEFORE = 3  # free lines between the heading and the table (the heading itself, a unit, a note)
LITIGATION = "行政诉讼"  # the heading over both blocks of lawsuits
# a value cell this close (in its band's column widths) to k of them wide stands under k columns
WIDTH_SLACK = 0.25


@dataclass(frozen=True)
class Placed:
    """A cell of an OCR'd table with its place across the table: 0 at the table's left edge, 1 at its right."""

    token: int
    text: str
    left: float
    right: float
    shared: bool = False  # one of the columns a cell the grid read over several stands under (`_spread`)

    @property
    def middle(self) -> float:
        return (self.left + self.right) / 2

    def share_of(self, other: Placed) -> float:
        """How much of `other`'s width this cell spans."""
        width = max(other.right - other.left, 1e-9)
        return max(0.0, min(self.right, other.right) - max(self.left, other.left)) / width


@dataclass
class Band:
    cells: list[Placed]
    end: int  # the token index of its ROW_END
    last: bool  # the last band of its table

    def split(self) -> tuple[list[Placed], list[Placed]] | None:
        """The band's words before its values, and its values (a value or blank each); None where a word
        stands after a value. A band of words alone has no values; a blank band, as its table's last, is a row
        of values printed blank."""
        texts = [cell.text for cell in self.cells]
        words = [i for i, text in enumerate(texts) if text and not VALUE.fullmatch(text)]
        if not words:
            return ([], self.cells) if any(texts) or self.last else None
        if any(VALUE.fullmatch(text) for text in texts[: words[-1]] if text):
            return None
        return self.cells[: words[-1] + 1], self.cells[words[-1] + 1 :]


def run_by_place(
    stream: Stream, layout: Layout, vocabulary: T4Vocabulary, heading: int
) -> tuple[list[Piece], int, dict[int, tuple[str, ...]]] | None:
    """The 15 values of 表四 in the template's order, the offset where they end, and the places of those not
    sure (place → what else each may hold), read by the places of the header's cells in the tables after
    `heading` (an offset): blocks across (15 values under their results and blocks, in one table or in parts)
    or blocks as rows (each block's label, then five values under their results). None where the header does
    not name every column's result and block plainly. A cell is taken as several columns' (`_spread`) only
    where the header is not read with each cell one column's."""
    return _read(stream, layout, vocabulary, heading, False) or _read(stream, layout, vocabulary, heading, True)


def _read(
    stream: Stream, layout: Layout, vocabulary: T4Vocabulary, heading: int, spread: bool
) -> tuple[list[Piece], int, dict[int, tuple[str, ...]]] | None:
    """`run_by_place`, the value cells as wide as several columns taken as theirs or not (`spread`)."""
    results = [column.label for column in layout.columns.values()]
    per_block = len(results)
    cells = per_block * len(layout.rows)
    across: list[tuple[Placed, str | None, list[str]]] = []  # value cell, its result, the blocks over it
    rows: dict[str, list[tuple[Placed, str | None, list[str]]]] = {}  # block → its value cells likewise
    header: list[Band] = []
    end = None  # the token that ends the last row of values read
    after_values = False
    for band in _bands(stream, stream.token_index(heading)):
        parts = band.split()
        if parts is None:
            return None
        labels, values = parts
        block = _block(labels, layout, vocabulary) if labels and values else None
        printed = any(cell.text for cell in values)
        if labels and block is None and not printed and _group(labels):
            continue  # 行政诉讼 on a row of its own, over its two blocks' rows
        if block is None and not printed and (labels or not band.last):  # a band of words: the header
            if after_values:
                header = []  # words after values: the header of the table's next part
            header.append(band)
            after_values = False
            continue
        if not header or (
            labels
            and (
                len(rows) >= len(layout.rows)
                or block != layout.rows[len(rows)].code
                or len(values) != per_block
                or across
            )
        ):
            return None
        if not labels and rows:
            return None
        if spread:
            values = _spread(values, header[-1], vocabulary, results)
        named = [(cell, *_names(cell, values, header, vocabulary, results)) for cell in values]
        if labels:
            rows[block] = named
        else:
            across += named
        end, after_values = band.end, True
        if len(across) + per_block * len(rows) >= cells:
            break
    if end is None:
        return None
    groups = [across[b * per_block : (b + 1) * per_block] for b in range(len(layout.rows))] if across else None
    if groups is None:
        if len(rows) != len(layout.rows):
            return None
        groups = [rows[row.code] for row in layout.rows]
    elif len(across) != cells:
        return None
    order = _in_template_order(groups, layout)
    if order is None:
        return None
    run: list[Piece] = []
    unsure: dict[int, tuple[str, ...]] = {}
    for cell in order:
        page = stream.pages[cell.token]
        if not cell.shared or not cell.text:
            run.append(Piece(cell.text, False, page, token=cell.token))
            continue
        if stream.ocr[cell.token].reading.confidence < PLAUSIBLE and not _marks_alone(cell.text):
            return None  # two values side by side read as one: which is in which column is not known
        unsure[len(run)] = options(cell.text)
        run.append(Piece(cell.text, False, page))
    return run, stream.starts[end], unsure


def _marks_alone(text: str) -> bool:
    """Whether a cell's reading is dashes or slashes alone."""
    marks = "".join(text.split())
    return bool(marks) and all(ch in DASH_CHARS or ch in SLASHES for ch in marks)


def _spread(values: list[Placed], lowest: Band, vocabulary: T4Vocabulary, results: list[str]) -> list[Placed]:
    """A band's value cells as the columns they stand under: a cell k times as wide as the band's others (k ≥ 2),
    under a cell of the header's lowest band as wide that names no one result, is k columns' (their ruling lost
    through the header and the values), each of its places `shared`."""
    if len(values) < 3:
        return values
    unit = median(cell.right - cell.left for cell in values)
    spread: list[Placed] = []
    for cell in values:
        width = cell.right - cell.left
        k = round(width / unit) if unit > 0 else 1
        over = next((h for h in lowest.cells if h.share_of(cell) >= 0.5), None)
        if (
            k < 2
            or abs(width - k * unit) > WIDTH_SLACK * unit
            or over is None
            or abs(over.left - cell.left) > WIDTH_SLACK * unit
            or abs(over.right - cell.right) > WIDTH_SLACK * unit
            or _result(over.text, vocabulary.results, results) is not None
        ):
            spread.append(cell)
            continue
        step = width / k
        spread += [
            Placed(cell.token, cell.text, cell.left + i * step, cell.left + (i + 1) * step, shared=True)
            for i in range(k)
        ]
    return spread


def _in_template_order(groups: list[list[tuple[Placed, str | None, list[str]]]], layout: Layout) -> list[Placed] | None:
    """The blocks' value cells, where each block's columns name the template's results in its order (one of them
    unread at most, or the columns of one cell read over several: those their places and the others leave) and
    no heading over them names another block; None
    elsewhere. A header in another order is never read: a heading misread as another result would put its
    values under that result."""
    results = [column.label for column in layout.columns.values()]
    order: list[Placed] = []
    for row, group in zip(layout.rows, groups):
        names = {row.label, *row.variants, *([LITIGATION] if row is not layout.rows[0] else [])}
        if any(block not in names for _cell, _result, over in group for block in over):
            return None
        read = [result for _cell, result, _over in group]
        unread = {cell.token for cell, result, _over in group if result is None}
        shared = all(cell.shared for cell, result, _over in group if result is None)
        if len(read) != len(results) or (read.count(None) > 1 and not (len(unread) == 1 and shared)):
            return None
        if any(have is not None and have != want for have, want in zip(read, results)):
            return None
        order += [cell for cell, _result, _over in group]
    return order


def _block(labels: list[Placed], layout: Layout, vocabulary: T4Vocabulary) -> str | None:
    """The block a row's label cells name (行政诉讼 may stand before a litigation block's label); None where they
    name none, or more than one, or other words too."""
    text = "".join(cell.text for cell in labels)
    found = [fuzzy.bare(m.group()) for m in vocabulary.blocks.finditer(text)]
    rest = fuzzy.bare(vocabulary.blocks.sub("", text)).replace(LITIGATION, "")
    if len(found) != 1 or rest:
        return None
    return next((row.code for row in layout.rows if found[0] in (row.label, *row.variants)), None)


def _group(labels: list[Placed]) -> bool:
    """Whether the label cells print 行政诉讼 alone: the heading of the two litigation blocks' rows."""
    return fuzzy.bare("".join(cell.text for cell in labels)) == LITIGATION


def _names(
    cell: Placed, values: list[Placed], header: list[Band], vocabulary: T4Vocabulary, results: list[str]
) -> tuple[str | None, list[str]]:
    """The result the header names over a value cell (None where it is unread), and the blocks. The column's
    heading is what the header's bands print over it alone, top to bottom: a heading cut in two by a ruling
    the grid found through it, or by the page break (结果 above, 维持 on the next page), is one heading. A cell
    the grid read over k of the row's value cells gives each its part, where it prints k parts (rulings read as
    |, or k headings: results and unread words); a cell over several columns that does not (办理结果, the
    title) is no column's own. A cell printing a block's heading names the block."""
    blocks: list[str] = []
    pieces: list[str] = []
    for above in header:
        over = next((h for h in above.cells if h.share_of(cell) >= 0.5), None)
        if over is None or not over.text:
            continue
        if _only(over.text, vocabulary.blocks) or fuzzy.bare(over.text) == LITIGATION:
            blocks.append(fuzzy.bare(over.text))
            continue
        under = [c for c in values if over.share_of(c) >= 0.5]
        parts = [over.text] if len(under) == 1 else _parts(over.text, len(under), vocabulary.results)
        if parts is not None and cell in under:
            pieces.append(parts[under.index(cell)])
    return _result("".join(pieces), vocabulary.results, results), blocks


def _parts(text: str, count: int, pattern: re.Pattern) -> list[str] | None:
    """A cell's text read over `count` columns, cut into each column's part: at the rulings OCR read as |, or
    into the headings it prints (results, and runs of other words between them); None where it does not print
    `count` parts."""
    split = text.split("|")
    if len(split) == count and all(fuzzy.bare(part) for part in split):
        return split
    out: list[str] = []
    at = 0
    for found in pattern.finditer(text):
        if fuzzy.bare(text[at : found.start()]):
            out.append(text[at : found.start()])
        out.append(found.group())
        at = found.end()
    if fuzzy.bare(text[at:]):
        out.append(text[at:])
    return out if len(out) == count and pattern.search(text) else None


def _result(text: str, pattern: re.Pattern, results: list[str]) -> str | None:
    """The result a column's heading names: the one it prints, or the one it is a character away from (a
    heading of four characters or more) and no other is as near; None for any other text."""
    if pattern.fullmatch(text.strip()) is not None:
        return fuzzy.bare(text)
    bare = fuzzy.bare(text)
    near = sorted((fuzzy.distance(bare, result), result) for result in results)
    (best, result), (second, _other) = near[0], near[1]
    return result if best <= len(result) // 4 and best < second else None


def _only(text: str, pattern: re.Pattern) -> bool:
    """Whether `text` prints words `pattern` matches and nothing else but spaces and punctuation."""
    return pattern.search(text) is not None and not fuzzy.bare(pattern.sub("", text))


def _bands(stream: Stream, first: int):
    """The bands of the tables from token `first` on (the heading's), each cell placed across its table: the
    tables right after one another (a table's part on the next page, the next part of 表四), after a few free
    lines at most."""
    kinds, texts = stream.kinds, stream.texts
    places = {index: (ocr.box[0], ocr.box[2]) for index, ocr in stream.ocr.items()}  # left, right
    index, lines = first, 0
    while index < len(kinds) and kinds[index] is not CELL:
        if kinds[index] is LINE:
            lines += 1
            if lines > LINES_BEFORE:
                return
        index += 1
    while index < len(kinds) and kinds[index] is CELL:
        table_end = index
        while table_end < len(kinds) and kinds[table_end] is not TABLE_END:
            table_end += 1
        cells = [i for i in range(index, table_end) if kinds[i] is CELL]
        if not all(i in places for i in cells):
            return
        x0 = min(places[i][0] for i in cells)
        x1 = max(places[i][1] for i in cells)
        width = max(x1 - x0, 1e-9)
        row: list[Placed] = []
        bands: list[Band] = []
        for i in range(index, table_end):
            if kinds[i] is CELL:
                left, right = places[i]
                row.append(Placed(i, texts[i].strip(), (left - x0) / width, (right - x0) / width))
            elif kinds[i] is ROW_END:
                bands.append(Band(row, i, False))
                row = []
        if bands:
            bands[-1].last = True
        yield from bands
        index = table_end + 1
        # free lines between two tables end 表四, but for a page's furniture OCR does not pass as text
        while index < len(kinds) and kinds[index] is LINE and not texts[index].strip():
            index += 1
