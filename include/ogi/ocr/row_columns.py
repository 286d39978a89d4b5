"""A row of a scanned grid read by its cells' places, under the value columns the table's other rows show.

The grammar reads a row's values as the run of value cells after its label. In a scanned grid that run can
be cut or miscounted while the grid placed every cell of the row: a cell of words between the label and the
values (a label spilling into the next label column), letters read among the values (specks, a seal's strokes,
a misread digit), or two cells read as one (the ruling between them lost under a seal, or never found). Each
cell's box says which columns it stands under, where the same table's rows read in full show the columns (or,
with no such row, the header right above names them, two names in one cell where its ruling was not found):

- a cell under one column holding a value, a blank or specks is read as any cell is;
- a cell under one column holding letters is `unsure`: a digit is read as a letter (1 as Ia..), so it is never
  a sure number; it may hold what its digits and letters shaped like digits spell, or a dash or a blank (0);
- a cell under several columns holding ink read plausibly is unsure in each of them: its value may stand in any
  one, the others holding a blank or a dash; a cell under several columns with no ink is a blank in each;
- cells that together fill one column, cut apart by a ruling the other rows do not show (strokes of the
  characters of several rows standing one under another, taken for a ruling), are the column's one cell, read
  as their parts joined and never sure: ink under that ruling is lost to both parts (3件 read as 3); it may
  hold what they spell, or a dash or a blank (0);
- cells left of the first value column are the label's.

Where a column has no cell under it, a cell stands across a column's edge, a cell under several columns was read
as not sure (two values side by side read as one), a cell holds words read sure, or another row's label stands in
the row, the row is left as it was read (reported)."""

from __future__ import annotations

import bisect
import re
from statistics import median

from ogi import cells as C
from ogi import fuzzy
from ogi.grammar import Piece, RowMatch, Stream
from ogi.ocr.recognize import FOLDS
from ogi.ocr.specks import SPECK_WORDS
from ogi.printed import VALUE
from ogi.readers.document import CELL, ROW_END, TABLE_END
from ogi.template import Layout, Row

EDGE = 3.0  # points: a cell's edge this close to a column's is on it
# a cell under several columns is read by place only where its reading is this sure: ink read as less is two
# values side by side as often as one (its digits are not what either printed)
PLAUSIBLE = 0.5
_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")
_DIGITS = re.compile(r"[-−]?\d+(?:\.\d+)?")  # with the minus before them (本年增/减 prints -1个)
# letters a digit is read as: the recogniser's folds (ogi.ocr.recognize.FOLDS), and those a value cell's
# reading does not fold
_AS_DIGIT = str.maketrans(
    {ch: digit for digit, chars in FOLDS.items() if digit.isdigit() for ch in chars if ch.isascii()}
    | {"Q": "0", "i": "1", "L": "1", "J": "1", "r": "1", "G": "6", "T": "7"}
)

# where the value columns stand: (left, right, how many of the row's columns) of each place a cell may fill,
# in points; a place of several columns is a header cell naming them all, whose ruling between was not found
Places = list[tuple[float, float, int]]


def read_by_columns(stream: Stream, layout: Layout, matched: list[RowMatch]) -> None:
    """Read again by their cells' places (in `matched`, in place) the rows of OCR'd grids whose run of values
    could not be read: words among the values (`RowMatch.doubt`), or not as many cells as the row's columns."""
    if not stream.ocr:
        return
    boxes = {index: ocr.box for index, ocr in stream.ocr.items()}
    for current in matched:
        if not _unread(current):
            continue
        label = stream.token_index(current.label_end)
        if stream.kinds[label] is not CELL or label not in boxes:
            continue
        places = _full_rows(stream, boxes, matched, label, len(current.row.columns)) or _header(
            stream, boxes, layout, current.row, label
        )
        if not places:
            continue
        others = [m.label_start for m in matched if m is not current]
        placed = _placed(stream, boxes, current, label, places, others)
        if placed is not None:
            current.pieces, current.values_end, current.unsure = placed
            current.doubt = None


def _unread(current: RowMatch) -> bool:
    """Whether a row's run of values will not be read as its cells: words among them, or too few or too many
    cells (blank cells before or after a run too long are the rest of a merged cell, as `glued.cut_run` takes
    them)."""
    if current.doubt:  # words among its values; never a label sharing its cell with another row's
        return current.doubt.startswith("words read among")
    pieces, n = current.pieces, len(current.row.columns)
    if any(piece.splittable or piece.token is None for piece in pieces):
        return False  # free text, or values the grammar supplied: not a grid's cells
    while len(pieces) > n and not pieces[0].text:
        pieces = pieces[1:]
    while len(pieces) > n and not pieces[-1].text:
        pieces = pieces[:-1]
    return len(pieces) != n


def _table_of(stream: Stream, index: int) -> int:
    """Which OCR'd table token `index` is in: the number of table ends before it."""
    return bisect.bisect_left(stream.table_ends, index)


def _full_rows(stream: Stream, boxes: dict, matched: list[RowMatch], label: int, n: int) -> Places | None:
    """The value columns of the OCR'd table holding token `label`, as its other rows of `n` columns read in full
    show them: each such row's cells lie in one table row, and every such row puts its cells under the same
    columns. None where no row shows them, or rows disagree."""
    table = _table_of(stream, label)
    kinds = stream.kinds
    rows = []
    for other in matched:
        pieces = other.pieces
        if other.doubt or len(other.row.columns) != n or len(pieces) != n:
            continue
        tokens = [piece.token for piece in pieces]
        if any(t is None or kinds[t] is not CELL or t not in boxes for t in tokens):
            continue
        if tokens != list(range(tokens[0], tokens[0] + n)) or _table_of(stream, tokens[0]) != table:
            continue
        if tokens[0] <= label <= tokens[-1]:
            continue
        rows.append([(boxes[t][0], boxes[t][2]) for t in tokens])
    if not rows:
        return None
    columns = [(median(row[j][0] for row in rows), median(row[j][1] for row in rows)) for j in range(n)]
    for row in rows:
        if any(abs(a - x0) > EDGE or abs(b - x1) > EDGE for (a, b), (x0, x1) in zip(row, columns)):
            return None
    if any(columns[j][1] > columns[j + 1][0] + EDGE for j in range(n - 1)):
        return None
    return [(x0, x1, 1) for x0, x1 in columns]


def _header(stream: Stream, boxes: dict, layout: Layout, row: Row, label: int) -> Places | None:
    """The value columns as the header row right above the row holding token `label` names them: cells holding
    the names of the row's columns, in order, each name in one cell (two names in one cell where the grid found
    no ruling between them). None where the row above is not such a header."""
    kinds, texts = stream.kinds, stream.texts
    index = label
    while index > 0 and kinds[index - 1] is CELL:
        index -= 1
    if index == 0 or kinds[index - 1] is not ROW_END:
        return None
    above = []
    index -= 2
    while index >= 0 and kinds[index] is CELL:
        above.append(index)
        index -= 1
    names = [_bare(layout.columns[code].label) for code in row.columns]
    places, at = [], 0
    for cell in reversed(above):
        text = _bare(texts[cell])
        count = 0
        while at < len(names) and (found := _name_in(names[at], text)) is not None:
            text = text[found:]
            at, count = at + 1, count + 1
        if count:
            if cell not in boxes:
                return None
            places.append((boxes[cell][0], boxes[cell][2], count))
    return places if at == len(names) else None


def _name_in(name: str, text: str) -> int | None:
    """Where a column's name ends in a header cell's text, as printed or misread by a character or two (本年废止件数
    as 本年废正件数); None where it is not there."""
    if not name:
        return None
    if name in text:
        return text.index(name) + len(name)
    found = fuzzy.find_unique(name, text)
    return None if found is None else found.end


def _bare(text: str) -> str:
    """A column's name as compared: without spaces, brackets and what a unit note adds (（万元）)."""
    return fuzzy.bare(re.sub(r"[(（].*?[)）]", "", text))


def _placed(
    stream: Stream, boxes: dict, current: RowMatch, label: int, places: Places, others: list[int]
) -> tuple[list[Piece], int, dict[int, tuple[str, ...]]] | None:
    """The row's pieces read by place, where its values end, and its unsure cells (place → what else each may
    hold); None where the cells of the row holding the label do not fall one under each column, or another row's
    label (`others`: where each starts) stands among them."""
    kinds, texts = stream.kinds, stream.texts
    rest = stream.text[current.label_end : stream.starts[label] + len(texts[label])].strip()
    if rest and VALUE.fullmatch(rest):
        return None  # a value in the label's own cell
    end = label + 1
    while end < len(kinds) and kinds[end] is CELL:
        end += 1
    if end >= len(kinds) or kinds[end] not in (ROW_END, TABLE_END):
        return None
    if any(label < stream.token_index(start) < end for start in others):
        return None  # another row's label in the same table row: whose cells they are is not known
    under: dict[int, tuple[tuple[int, ...], int]] = {}  # place → (its cells, how many columns they stand under)
    parts: list[int] = []  # cells so far of a column a ruling the other rows do not show cut into parts
    for index in range(label + 1, end):
        if index not in boxes:
            return None
        x0, _y0, x1, _y1 = boxes[index]
        if x1 <= places[0][0] + EDGE:
            continue  # a label column
        if parts:
            j = len(under)
            if abs(x0 - boxes[parts[-1]][2]) > EDGE or x1 > places[j][1] + EDGE:
                return None
            parts.append(index)
            if abs(x1 - places[j][1]) <= EDGE:
                under[j], parts = (tuple(parts), 1), []
            continue
        first = next((j for j, (a, _b, _k) in enumerate(places) if abs(x0 - a) <= EDGE), None)
        last = next((j for j, (_a, b, _k) in enumerate(places) if abs(x1 - b) <= EDGE), None)
        if first is not None and last is None and first == len(under) and places[first][2] == 1:
            if x1 < places[first][1] - EDGE:
                parts = [index]  # the first part of a column cut in two
                continue
        if first is None or last is None or last < first:
            return None
        for j in range(first, last + 1):
            if j in under:
                return None
            under[j] = ((index,), sum(k for _a, _b, k in places[first : last + 1]))
    if parts or len(under) != len(places):
        return None
    pieces: list[Piece] = []
    unsure: dict[int, tuple[str, ...]] = {}
    for j in range(len(places)):
        cells, span = under[j]
        if j > 0 and under[j - 1][0] == cells:
            continue  # the cell's columns are taken with its first place
        if len(cells) > 1:
            read = _parts_read(stream, cells)
            if read is None:
                return None
            unsure[len(pieces)] = (read, *options(read))
            pieces.append(Piece(read, False, stream.pages[cells[0]]))
            continue
        index = cells[0]
        text, page = texts[index].strip(), stream.pages[index]
        if span > 1 and text and stream.ocr[index].reading.confidence < PLAUSIBLE:
            return None  # two values side by side, read as one (ogi.ocr.page reads them as not sure at all)
        for _column in range(span):
            place = len(pieces)
            if span > 1 and text:
                unsure[place] = options(text)
                pieces.append(Piece(text, False, page))
            elif not text or VALUE.fullmatch(text):
                pieces.append(Piece(text, False, page, token=index))
            elif index in stream.specks:
                pieces.append(Piece(stream.specks[index], False, page, token=index))
            elif _misread(text, stream.ocr[index].reading.confidence):
                unsure[place] = options(text)
                pieces.append(Piece(text, False, page))
            else:
                return None  # words read sure: the report may print a word there, which no number is
    return pieces, stream._start(end), unsure


def _parts_read(stream: Stream, cells: tuple[int, ...]) -> str | None:
    """What the parts of one column's cell a stray ruling cut apart read as together, joined in order (a
    speck's part as the value beside its specks); None where a part holds words read sure."""
    read = []
    for index in cells:
        text = stream.texts[index].strip()
        if index in stream.specks:
            text = stream.specks[index]
        elif text and not VALUE.fullmatch(text) and not _misread(text, stream.ocr[index].reading.confidence):
            return None
        read.append(text)
    return "".join(read)


def _misread(text: str, confidence: float) -> bool:
    """Whether a value cell's words are no words the report printed: letters (a digit read as one, specks or a
    seal's strokes read as some), digits among them, or words barely read (`ogi.ocr.specks.SPECK_WORDS`)."""
    return bool(_LETTER.search(text)) or any(ch.isdigit() for ch in text) or confidence < SPECK_WORDS


def options(text: str) -> tuple[str, ...]:
    """What a cell read as `text` may hold, where that reading is not sure: the numbers its digits spell, with
    the minus before them and without, and its letters shaped like digits read as those (-rF: -1个, its 1 read
    as r); or a dash or a blank (0)."""
    found = [*_DIGITS.findall(text), *_DIGITS.findall(text.translate(_AS_DIGIT))]
    digits = "".join(ch for ch in text if ch.isdigit())
    unsigned = [number.lstrip("-−") for number in found]
    return tuple(dict.fromkeys([*found, *unsigned, *([digits] if digits else []), "0"]))


def unsure_cells(match, cells: dict) -> None:
    """The cells of a table's rows (or of its run) read by place as unsure (`RowMatch.unsure`,
    `TableMatch.run_unsure`) made `ambiguous`, with what each may hold besides the candidates it has (`cells`
    is changed in place)."""
    layout = match.layout
    places = []  # (key, column, what else the cell may hold)
    if match.run is not None:
        keys, columns = layout.cells
        places = [(keys[place], columns[place], texts) for place, texts in match.run_unsure.items()]
    for code, found in match.rows.items():
        if found is None or not found.unsure:
            continue
        keys, columns = layout.row_cells[code]
        places += [(keys[place], columns[place], texts) for place, texts in found.unsure.items()]
    for key, column, texts in places:
        cell = cells.get(key)
        if cell is None or cell.kind == C.ABSENT:
            continue
        unit = match.units.get(key[1])
        values = {*cell.candidates, *([cell.value] if cell.value is not None else [])}
        for text in texts:
            read = C.classify(text, column)
            if unit is not None:
                read = C.in_header_unit(read, column, unit)
            values.add(read.value if read.kind == C.NUMBER else 0)
        cells[key] = C.Cell(C.AMBIGUOUS, cell.raw, None, sorted(values), cell.page, cell.confidence, cell.box)
