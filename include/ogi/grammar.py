"""Where each table, row and value stands in a document's tokens, by the template's labels.

The grammar knows the template, never the file format: every reader's tokens are laid into one string
(cells end in \\x1f, free lines in \\n, rows in \\x1e, tables in \\x1d) and labels are matched on it with any
whitespace or cell/line/page break allowed between two characters. The text between a row's label and
the next row's label holds that row's values.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate, chain, compress, repeat
from operator import add, is_
from typing import NamedTuple

from ogi import fuzzy, printed
from ogi.normalize import QUOTES
from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Tokens
from ogi.template import Layout, Row, Spec, Table

_GAP = r"\s*"  # \s covers \x1c-\x1f in Python, so cell, row and table breaks too

VALUE, _GLUED = printed.VALUE, printed.GLUED
_DIGIT = re.compile(r"[-−]?\d")
_CHUNK = re.compile(r"\S+")
_SPACED = re.compile(r"\S[^\S\n\x1c-\x1f]{2,}(?=[\d\-—–/])")
_SECTION = re.compile(r"\s*[一二三四五六七八九十]+、")  # a section's heading (四、政府信息公开行政复议…)
_SECTION_IN = re.compile(r"(?<![第(（])[一二三四五六七八九十]+、")  # one within a line (not 第二十条, (一))
_DISTINCT = 4  # a label this long is specific enough to tell that the row before it is missing


# What a printed 、 . or , may read as: each other, and what OCR reads a blurred or small one as (。 丶: 行政复议。
# 行政诉讼情况, 行政复议丶行政诉讼情况)
PAUSES = ".、,。丶"
_PAUSE = f"[{PAUSES}]"


def tolerant(text: str) -> str:
    """A regex for `text` that allows breaks between any two characters and reads a pause (、 . ,) as any of
    `PAUSES`. Quotation marks are left out: normalised text has none (`normalize.QUOTES`)."""
    parts = []
    for ch in text:
        if ch.isspace() or ch in QUOTES:
            continue
        parts.append(_PAUSE if ch in ".、," else re.escape(ch))
    return _GAP.join(parts)


@cache
def row_pattern(row: Row, following: Row | None = None) -> re.Pattern:
    """A row's label, optionally after its group heading and its number, optionally followed by its tail.

    Spelled as one flat alternation, each alternative starting with a character, so that the regex engine
    scans for those first characters instead of trying the whole pattern at every offset. The alternatives
    are in the order the optional parts would be tried: with the heading and number, then without.
    `following`: the row after it, whose label may follow a short label at once (规章行政规范性文件 in glued text,
    规章 printed with no values).
    """
    labels = sorted({row.label, *row.variants}, key=len, reverse=True)
    pattern = "(?:" + "|".join(head + tolerant(label) for head in _heads(row) for label in labels) + ")"
    if row.tail:
        pattern += f"(?:{_GAP}{tolerant(row.tail)})?"
    if len(row.label) < _DISTINCT:  # a short label (其他, 规章) is a label only where a word does not go on
        after = f"|(?={tolerant(following.label)})" if following is not None else ""
        pattern += rf"(?:(?![\u4e00-\u9fff]){after})"
    return re.compile(pattern)


def _heads(row: Row) -> list[str]:
    """What may stand before a row's label: its group heading and its number, each optional."""
    groups = [tolerant(row.group) + _GAP] if row.group else []
    numbers = [number_pattern(row.number) + _GAP] if row.number else []
    return [g + n for g in [*groups, ""] for n in [*numbers, ""]]


_NUMBER_CORE = re.compile(r"[(]?([0-9]+|[一二三四五六七八九十]+)[)]?[.、,]?")


def number_pattern(number: str) -> str:
    """An item number as reports print it in any style: (一) 一、 一. for 一, and 3. 3、 (3) 3) for 3. The
    punctuation is required, so that a number is never read out of a value glued before the label."""
    core = _NUMBER_CORE.fullmatch(number)
    if core is None:
        return tolerant(number)
    digits = re.escape(core.group(1))
    return rf"(?:\({_GAP}{digits}{_GAP}\)|{digits}{_GAP}[.、,)])"


@cache
def words_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(tolerant(w) for w in sorted(words, key=len, reverse=True)))


class Piece(NamedTuple):
    """A value as found: a table cell (one value) or a run from free text that may hold glued values; an
    optional piece is an empty line, which may be a blank cell or only a gap between lines. `token`: the index
    of the token it was read from (free-text values carry it where the stream tracks tokens)."""

    text: str
    splittable: bool
    page: int | None = None
    optional: bool = False
    token: int | None = None


# Fast paths of `Stream.values`, each matching what the token-by-token walk would take, many tokens at a time:
# value cells in a row (each a value or nothing, then the cell's end: cells are stripped when normalised, and
# a cell with spaces around its value is left to the walk), and values in free lines (space-separated,
# across line breaks only into another line, never into a cell, row or table end).
_SPACE = r"[^\S\x1c-\x1f\n]"
_CELL_RUN = re.compile(rf"(?:(?:{VALUE.pattern})?\x1f)+")
_LINE_RUN = re.compile(rf"(?:(?:{_SPACE}|\n(?=[^\x1c-\x1f\n]+\n))*(?:{_GLUED.pattern})(?={_SPACE}|\n|$))+")
_VALUE_IN_RUN = re.compile(r"\S+")


def _pieces(
    texts: Iterable[str], splittable: bool, pages: Iterable[int | None], tokens: Iterable[int | None]
) -> Iterator[Piece]:
    """Pieces made without a Python call each (the runs of a table are thousands of pieces per second)."""
    return map(tuple.__new__, repeat(Piece), zip(texts, repeat(splittable), pages, repeat(False), tokens))


class Stream:
    def __init__(self, tokens: Tokens, track: bool = False):
        """`track`: values in free text carry the index of their token too (table cells always do), for
        documents whose tokens carry more than their text (OCR)."""
        self.track = track
        # OCR: cells read as words that are specks (`ogi.ocr.specks`), with the value beside them ("" if none)
        self.specks: dict[int, str] = {}
        # OCR: what OCR saw per token (`ogi.ocr.page.OcrToken`: its reading, its box), for reading a row by its
        # cells' places (`ogi.ocr.row_columns`)
        self.ocr: dict[int, object] = {}
        self.kinds, self.texts, self.pages = tokens.kinds, tokens.texts, tokens.pages
        # each token's text, then its kind, whose value is the character that ends the token
        self.text = "".join(chain.from_iterable(zip(self.texts, self.kinds)))
        self.starts = list(accumulate(map(add, map(len, self.texts), repeat(1)), initial=0))
        self.starts.pop()
        pages = set(self.pages)
        self.paged = len(pages) > 1  # else every token is on the one page, `_page`
        self._page = next(iter(pages)) if len(pages) == 1 else None

    @cached_property
    def table_ends(self) -> list[int]:
        """The indices of the table-end tokens, in order."""
        return [i for i, kind in enumerate(self.kinds) if kind is TABLE_END]

    @cached_property
    def _lines_fast(self) -> bool:
        # the line fast path crosses a line break only into another line; a cell holding a break would look like one
        return "\n" not in "\x1f".join(compress(self.texts, map(is_, self.kinds, repeat(CELL))))

    def _start(self, index: int) -> int:
        """Where token `index` starts; the end of the text past the last token."""
        return self.starts[index] if index < len(self.starts) else len(self.text)

    def token_index(self, offset: int) -> int:
        return max(0, bisect.bisect_right(self.starts, offset) - 1)

    def page_at(self, offset: int) -> int | None:
        return self.pages[self.token_index(offset)] if self.paged else self._page

    def search(self, pattern: re.Pattern, start: int, end: int | None = None) -> re.Match | None:
        return pattern.search(self.text, start, len(self.text) if end is None else end)

    def values(self, start: int, end: int, *, fast: bool = True) -> tuple[list[Piece], int]:
        """The run of values that starts at `start` (after a label), and the offset where it stops.

        Text of the label's own cell or line is passed over, and lines before the first value (a label's
        tail). The run stops at the first text that is not a value, at a table's end, and at a row's end
        once it holds a value. An empty line is an optional piece: a blank cell, or only a gap
        (`settle_blank_lines` decides). `fast=False` walks token by token: the reference the fast paths
        (runs of cells and of lines taken by one regex) must agree with.
        """
        pieces: list[Piece] = []
        kinds, texts, starts, text = self.kinds, self.texts, self.starts, self.text
        first = index = self.token_index(start)
        pos = start
        if index < len(kinds) and kinds[index] is CELL and starts[index] < start >= starts[index] + len(texts[index]):
            index += 1  # the label filled its cell: nothing of the cell is left to read
            pos = self._start(index)
        lines_fast = fast and self._lines_fast
        while index < len(kinds):
            token_start = starts[index]
            if token_start >= end:
                break
            kind = kinds[index]
            if kind is ROW_END and pieces:
                return pieces, token_start
            if fast and kind is CELL and index != first:
                run = _CELL_RUN.match(text, token_start, end)
                if run is not None:
                    index = self._take_cells(index, run.group(), pieces)
                    continue
            elif kind is LINE and not texts[index]:
                pieces.append(Piece("", False, self.pages[index], optional=True, token=index if self.track else None))
                index += 1
                pos = self._start(index)
                continue
            elif lines_fast and kind is LINE:
                run = _LINE_RUN.match(text, pos, end)
                if run is not None:
                    self._take_lines(run, pieces, index != first and pos == token_start)
                    pos = run.end()
                    index = self.token_index(pos)
                    if pos == starts[index] + len(texts[index]):  # the run took its last line to the end
                        index += 1
                        pos = self._start(index)
                    continue
            token_text = texts[index]
            lo = max(pos, token_start) - token_start
            hi = min(end, token_start + len(token_text)) - token_start
            fragment = token_text[lo:hi] if hi > lo else ""
            if kind is TABLE_END:  # the values go on only into a table right after (one continued on a new page)
                stop = bool(pieces) or index + 1 >= len(kinds) or kinds[index + 1] is not CELL
            elif kind is ROW_END:
                stop = bool(pieces)
            elif kind is CELL:
                stop = self._take_cell(
                    index, fragment.strip(), pieces, index == first and start > token_start, index == first
                )
            else:
                whole_line = index != first and lo == 0
                token = index if self.track else None
                stopped_at = _take_line(fragment, token_start + lo, self.pages[index], pieces, whole_line, token)
                if stopped_at is not None:
                    return pieces, stopped_at
                stop = False
            if stop:
                return pieces, token_start
            index += 1
            pos = self._start(index)
        return pieces, min(end, len(text))

    def _take_cells(self, index: int, run: str, pieces: list[Piece]) -> int:
        """Add the value cells of a run matched from token `index` on; the index of the token after them."""
        texts = run.split("\x1f")[:-1]
        pages = self.pages[index : index + len(texts)] if self.paged else repeat(self._page)
        pieces.extend(_pieces(texts, False, pages, range(index, index + len(texts))))
        return index + len(texts)

    def _take_lines(self, run: re.Match, pieces: list[Piece], starts_line: bool) -> None:
        """Add the values of a run of free lines. A value alone on a line of its own is one cell (flattened
        text prints a cell a line); values sharing a line with their label or with each other may be glued.
        `starts_line`: the run begins at a line's start, not after a label on the same line."""
        text = self.text
        lines = run.group().split("\n")
        ends_line = run.end() >= len(text) or text[run.end()] == "\n"
        offset = run.start()
        for i, line in enumerate(lines):
            chunks = line.split()
            whole = len(chunks) == 1 and (i > 0 or starts_line) and (i < len(lines) - 1 or ends_line)
            if not self.paged and not self.track:
                pieces.extend(_pieces(chunks, not whole, repeat(self._page), repeat(None)))
            else:
                found = list(_VALUE_IN_RUN.finditer(line))
                indices = [self.token_index(offset + m.start()) for m in found]
                pages = [self.pages[i] for i in indices] if self.paged else repeat(self._page)
                tokens = indices if self.track else repeat(None)
                pieces.extend(_pieces((m.group() for m in found), not whole, pages, tokens))
            offset += len(line) + 1

    def _take_cell(self, index: int, text: str, pieces: list[Piece], label_cell: bool, first: bool) -> bool:
        """Add a table cell to the run; whether the run stops before it."""
        if label_cell:  # the rest of the label's own cell
            if text and VALUE.fullmatch(text):
                pieces.append(Piece(text, False, self.pages[index], token=index))
            return False
        if not text or VALUE.fullmatch(text):
            pieces.append(Piece(text, False, self.pages[index], token=index))
            return False
        if not pieces and text == self.texts[index - 1].strip():  # the label's merged cell, written again
            return False
        return bool(pieces) or not first


def _take_line(
    fragment: str, offset: int, page: int | None, pieces: list[Piece], whole_line: bool, token: int | None = None
) -> int | None:
    """Add the values of a line of free text to the run; the offset where the run stops, if it does. A value
    that is a whole line by itself is one cell, never cut as glued digits."""
    if whole_line and VALUE.fullmatch(fragment.strip()):
        pieces.append(Piece(fragment.strip(), False, page, token=token))
        return None
    if whole_line and not pieces and (_DIGIT.search(fragment) or _SECTION.match(fragment)):
        return offset  # prose or the next section before any value: the row printed none here
    for chunk_match in _CHUNK.finditer(fragment):
        chunk, chunk_start = chunk_match.group(), offset + chunk_match.start()
        if not pieces and not VALUE.fullmatch(chunk):
            start = printed.GLUED_START.search(chunk)  # text before the first value: a label's tail, a header
            if start is None:
                continue
            if _SECTION_IN.search(chunk, 0, start.start()):
                return chunk_start  # the next section's heading before any value: the row printed none
            chunk, chunk_start = chunk[start.start() :], chunk_start + start.start()
        while chunk:
            value = _GLUED.match(chunk)
            if value is None or printed.ITEM_NUMBER.match(chunk):  # text, or the number of a label after
                if pieces:
                    return chunk_start
                break
            counted = value.group().endswith(printed.COUNTERS)  # its unit ends a cell: the run goes on
            pieces.append(Piece(value.group(), True, page, token=token))
            if value.end() < len(chunk) and not counted:
                return chunk_start + value.end()
            chunk, chunk_start = chunk[value.end() :], chunk_start + value.end()
    return None


def collapse_repeats(pieces: list[Piece], cells: int) -> list[Piece]:
    """A row of more table cells than the template has, where a value merged over the row's last columns was
    written into each of them (document converters do: `| 行政许可 | 35 | 35 | 35 |`): the row's trailing run of
    equal values is shortened by as many cells as the row has too many."""
    extra = len(pieces) - cells
    if extra <= 0 or any(piece.splittable for piece in pieces) or not pieces[0].text or not pieces[-1].text:
        return pieces  # an empty cell first is the rest of a label merged over two columns
    run = 1
    while run < len(pieces) and pieces[-run - 1].text == pieces[-1].text:
        run += 1
    return pieces[:-extra] if run > extra else pieces


class BlankLines(NamedTuple):
    """Where a table's rows keep empty lines that cannot be cells: rows with every value printed show it."""

    leading_gap: bool  # an empty line between a label and its first value is only spacing
    trailing_gap: bool  # an empty line after a row's last value is only spacing (rows set apart)

    @classmethod
    def of(cls, rows: list[tuple[list[Piece], int]]) -> BlankLines:
        full = [pieces for pieces, cells in rows if sum(not p.optional for p in pieces) == cells]
        leading = sum(bool(pieces) and pieces[0].optional for pieces in full)
        trailing = sum(bool(pieces) and pieces[-1].optional for pieces in full)
        return cls(leading * 2 > len(full), trailing * 2 > len(full))


def settle_blank_lines(pieces: list[Piece], cells: int, gaps: BlankLines | None = None) -> list[Piece]:
    """The pieces of a row whose empty lines are either its blank cells or only gaps: blank cells when that
    makes the row's count, gaps otherwise (then the values must fill the cells without them). Empty lines
    before the first or after the last value are gaps where the table's full rows show they are."""
    if not any(piece.optional for piece in pieces):
        return pieces
    gaps = gaps or BlankLines(False, False)
    printed = [i for i, piece in enumerate(pieces) if not piece.optional]
    if not printed:
        kept = [] if gaps.leading_gap or gaps.trailing_gap else pieces
    else:
        first, last = printed[0], printed[-1]
        kept = pieces[first if gaps.leading_gap else 0 : last + 1 if gaps.trailing_gap else len(pieces)]
    if len(printed) < cells == len(kept):
        return kept
    return [piece for piece in pieces if not piece.optional]


@dataclass
class RowMatch:
    row: Row
    label_start: int
    label_end: int
    pieces: list[Piece] = field(default_factory=list)
    values_end: int = 0
    # OCR: why the row's values cannot be placed in its cells (words read among them, its label sharing a cell
    # with another row's), reported instead of reading them
    doubt: str | None = None
    # OCR: cells of a row read by their places whose reading is not sure, by place, with what else each may hold
    # (`ogi.ocr.row_columns`)
    unsure: dict[int, tuple[str, ...]] = field(default_factory=dict)


@dataclass
class TableMatch:
    table: Table
    layout: Layout
    start: int
    end: int
    rows: dict[str, RowMatch | None]
    # t4 (and any table printed as one run of values after its header): the pieces of the whole run
    run: list[Piece] | None = None
    # OCR: pieces of the run read by their places whose reading is not sure, by place, with what else each may
    # hold (`ogi.ocr.t4_header`)
    run_unsure: dict[int, tuple[str, ...]] = field(default_factory=dict)
    paged: bool = False  # whether the document's tokens lie on several pages (else each piece's page is the same)
    error: str | None = None  # the table is there but cannot be read, and why
    # money column → the unit its header prints; None where the header cannot be read for it (`unread_units`)
    units: dict[str, str | None] = field(default_factory=dict)
    values_apart: bool | None = None  # whether the table prints its values apart (`values_apart`)


class RowsFound(NamedTuple):
    rows: dict[str, RowMatch | None]
    end: int
    values_apart: bool | None  # whether the table prints its values apart (`values_apart`)


def match_rows(stream: Stream, layout: Layout, start: int, end: int, apart: bool | None = None) -> RowsFound:
    """Find each row's label in order; a row whose label is missing, or comes after the next row's, is None.
    `apart`: whether the document prints values apart, as another of its tables shows, where this one does
    not show it."""
    found: dict[str, RowMatch | None] = {}
    pos = start
    rows = layout.rows
    ahead: re.Match | None = None  # the next row's label, found while checking this row's order
    for i, row in enumerate(rows):
        # the first match from `pos` is the one found from an earlier position, if that lies beyond `pos`
        after = rows[i + 1] if i + 1 < len(rows) else None
        match = (
            ahead if ahead is not None and ahead.start() >= pos else stream.search(row_pattern(row, after), pos, end)
        )
        ahead = None
        if match and i + 1 < len(rows) and len(rows[i + 1].label) >= _DISTINCT:
            following = stream.search(row_pattern(rows[i + 1]), pos, end)
            if following and following.start() < match.start():
                match = None
            else:
                ahead = following
        if match is None:
            found[row.code] = None
            continue
        found[row.code] = RowMatch(row, match.start(), match.end())
        pos = match.end()
    _misspelt_rows(stream, layout, found, start, end)
    if stream.track:  # OCR: a label garbled past setting right is found by its place
        from ogi.ocr.row_places import rows_by_place

        spans = {code: (m.label_start, m.label_end) if m else None for code, m in found.items()}
        for code, (label_start, label_end) in rows_by_place(stream, layout, spans).items():
            found[code] = RowMatch(layout.row(code), label_start, label_end)
    matched = [m for m in found.values() if m]
    unprinted = []
    for current, following in zip(matched, matched[1:] + [None]):
        stop = following.label_start if following else end
        current.pieces, current.values_end = stream.values(current.label_end, stop)
        if stream.specks and (in_place := _cells_past_specks(stream, current)) is not None:
            current.pieces, current.values_end = in_place
        elif stream.track and (words := _words_among_values(stream, current, stop)):
            current.doubt = f"words read among its values ({words}): which value is in which cell is not known"
        if not current.pieces and following is not None and not stream.text[current.label_end : stop].strip():
            unprinted.append(current)
    if stream.track:
        _labels_sharing_a_cell(stream, layout, matched)
    gaps = BlankLines.of([(m.pieces, len(m.row.columns)) for m in matched])
    for current in matched:
        current.pieces = settle_blank_lines(current.pieces, len(current.row.columns), gaps)
    _align_to_grid(stream, layout, matched)
    for current in matched:
        current.pieces = collapse_repeats(current.pieces, len(current.row.columns))
    shown = values_apart(stream, matched)
    if shown or apart:
        for current in matched:
            current.pieces = keep_values_whole(current.pieces, len(current.row.columns))
    # A label followed at once by the next one printed its cells empty (crawler text drops empty cells), unless
    # most labels are: then the values are printed apart from their labels, and no row is read as blank.
    if len(unprinted) * 2 < len(matched):
        for current in unprinted:
            blank = Piece("", False, stream.page_at(current.label_end))
            current.pieces = [blank] * len(current.row.columns)
    if stream.ocr:  # OCR: a row whose run of values cannot be read may be read by its cells' places
        from ogi.ocr.row_columns import read_by_columns

        read_by_columns(stream, layout, matched)
    last_end = matched[-1].values_end if matched else start
    return RowsFound(found, last_end, shown if shown is not None else apart)


def _labels_sharing_a_cell(stream: Stream, layout: Layout, matched: list[RowMatch]) -> None:
    """Two rows' labels in one OCR'd cell, one row of values after them (the grid lost the ruling between the
    rows, or the rest of a row opening a page was joined to the row before it): whose values they are, and
    whether the other row printed its own, is not known."""
    for current, following in zip(matched, matched[1:]):
        if current.pieces or stream.kinds[stream.token_index(current.label_end)] is not CELL:
            continue
        if stream.token_index(current.label_end) == stream.token_index(following.label_start):
            table = layout.table
            for row, other in ((current, following), (following, current)):
                row.doubt = f"its label shares a cell with {table}.{other.row.code}'s, one row of values after both"


def _words_among_values(stream: Stream, current: RowMatch, stop: int) -> str | None:
    """The words of the cell a row's run of values stopped at, where that cell is one of the same table row's
    (OCR misread a value as words, or read specks or a seal as words): the row's cells past it are not read,
    so how its values fall into its cells is not known."""
    if not current.pieces or current.values_end >= stop or current.pieces[-1].token is None:
        return None
    kinds, texts = stream.kinds, stream.texts
    index = stream.token_index(current.values_end)
    if kinds[index] is not CELL or not texts[index].strip() or VALUE.fullmatch(texts[index].strip()):
        return None
    between = kinds[current.pieces[-1].token : index]
    return None if ROW_END in between or TABLE_END in between else texts[index].strip()


def _cells_past_specks(stream: Stream, current: RowMatch) -> tuple[list[Piece], int] | None:
    """A row of a scanned grid whose value cells are as many as its columns, the words among them all specks
    (`Stream.specks`: ink OCR barely read as words): each cell is in its own column, the grid says which, so
    the row's cells are read in place, a speck's cell as the value beside its specks or as an empty one, kept
    with its token (never sure: OCR read words there). None where no cell holds specks, any other cell holds
    words, or the cells are not as many."""
    label = stream.token_index(current.label_end)
    if stream.kinds[label] is not CELL:
        return None
    end = label + 1
    while end < len(stream.kinds) and stream.kinds[end] is CELL:
        end += 1
    if end - label - 1 != len(current.row.columns):
        return None
    specks = stream.specks
    if not any(index in specks for index in range(label + 1, end)):
        return None
    pieces = []
    for index in range(label + 1, end):
        text = stream.texts[index].strip()
        if text and not VALUE.fullmatch(text) and index not in specks:
            return None
        pieces.append(Piece(specks.get(index, text), False, stream.pages[index], token=index))
    return pieces, stream._start(end)


def _align_to_grid(stream: Stream, layout: Layout, matched: list[RowMatch]) -> None:
    """Rows of a table written as a full grid, every row as many cells wide (Markdown writes the rest of a merged
    cell as empty cells): a row's values are in the value columns, which begin where the widest row's values
    do, after the label columns. Empty cells before them are the rest of a label merged over two columns,
    empty cells after a row's values the rest of a value merged over several: neither is a blank value."""
    rows = [m for m in matched if m.pieces and all(not p.splittable and not p.optional for p in m.pieces)]
    if not any(len(m.pieces) > len(m.row.columns) for m in rows):
        return  # no row has cells to spare: nothing to align
    widths = {id(m): _row_width(stream, m.label_end) for m in rows}
    common = Counter(w for w, _position in widths.values() if w).most_common(1)
    if not common or common[0][1] * 5 < len(rows) * 4:  # not a full grid: its merged cells were written once
        return
    width = common[0][0]
    label_columns = width - max(len(row.columns) for row in layout.rows)
    for current in rows:
        row_width, position = widths[id(current)]
        cells = len(current.row.columns)
        skip = label_columns - position - 1  # value columns not yet reached after the label's cell
        pieces = current.pieces
        if row_width != width or skip < 0 or any(p.text for p in pieces[:skip]):
            continue
        pieces = pieces[skip:]
        extra = pieces[cells:]
        # after the values, only the rest of the last one merged over the row's last columns: empty, or written again
        if extra and all(not p.text or p.text == pieces[cells - 1].text for p in extra):
            pieces = pieces[:cells]
        current.pieces = pieces


def _row_width(stream: Stream, offset: int) -> tuple[int, int]:
    """(cells in the table row holding `offset`, the index of the last cell of the label there: the cell holding
    it, or the same label written again after it); (0, 0) outside a table."""
    index = stream.token_index(offset)
    kinds, texts = stream.kinds, stream.texts
    if kinds[index] is not CELL:
        return 0, 0
    start = end = index
    while start > 0 and kinds[start - 1] is CELL:
        start -= 1
    while end < len(kinds) and kinds[end] is CELL:
        end += 1
    while index + 1 < end and texts[index + 1] and texts[index + 1] == texts[index]:
        index += 1
    return end - start, index - start


def values_apart(stream: Stream, matched: list[RowMatch]) -> bool | None:
    """Whether a table prints its values apart (one a line, or spaced), not glued: True where most of its rows
    show all their values apart, where short lines holding one value each are as many as its rows (one cell
    a line, empty cells dropped), or where values set apart by several spaces are; None where it does not
    show."""
    evidence = [m for m in matched if m.pieces and len(m.row.columns) > 1]  # a row of one cell shows nothing
    apart = sum(len(m.pieces) == len(m.row.columns) for m in evidence)
    if apart * 2 > len(evidence) > 0 or _one_value_lines(stream, matched) >= len(matched) > 0:
        return True
    if matched and len(_SPACED.findall(stream.text, matched[0].label_start, matched[-1].values_end)) >= len(matched):
        return True  # values set apart by several spaces, as a text dump laid out in columns prints them
    return None


def keep_values_whole(pieces: list[Piece], cells: int) -> list[Piece]:
    """A row of a document that prints values apart, with fewer values than cells: it lost its empty cells, and
    its numbers are not cut apart to fill it (105 read as 1|0|5). Glued text is what cutting is for."""
    if len(pieces) >= cells:
        return pieces
    return [piece._replace(splittable=False) for piece in pieces]


def _one_value_lines(stream: Stream, matched: list[RowMatch]) -> int:
    """How many lines of the rows' values hold one value and nothing else."""
    if not matched:
        return 0
    first = stream.token_index(matched[0].label_start)
    last = stream.token_index(max(m.values_end for m in matched))
    kinds, texts = stream.kinds, stream.texts
    # short ones: a line of glued digits (801000081) is one row's values, not one value
    return sum(
        1 for i in range(first, last + 1) if kinds[i] is LINE and len(texts[i]) <= 6 and VALUE.fullmatch(texts[i])
    )


def _misspelt_rows(stream: Stream, layout: Layout, found: dict[str, RowMatch | None], start: int, end: int) -> None:
    """Rows whose label is not printed as the template spells it, found between the rows around them where the
    label fits with few edits in exactly one place and no other row's label fits that place as well."""
    rows = layout.rows
    for i, row in enumerate(rows):
        if found[row.code] is not None:
            continue
        before = [found[r.code] for r in rows[:i] if found[r.code] is not None]
        after = [found[r.code] for r in rows[i + 1 :] if found[r.code] is not None]
        lo = before[-1].label_end if before else start
        hi = after[0].label_start if after else end
        rivals = tuple(label for other in rows if other is not row for label in (other.label, *other.variants))
        for label in (row.label, *row.variants):
            place = fuzzy.find_unique(label, stream.text[lo:hi], rivals)
            if place is not None:
                label_start = lo + place.start
                head = _head_before(row).search(stream.text, max(lo, label_start - 40), label_start)
                found[row.code] = RowMatch(row, head.start() if head else label_start, lo + place.end)
                break


@cache
def _head_before(row: Row) -> re.Pattern:
    """A row's group heading and number, ending where its label begins."""
    heads = [head for head in _heads(row) if head]
    return re.compile("(?:" + "|".join(heads) + ")$") if heads else re.compile(r"(?!)")


def detect_layout(stream: Stream, table: Table, start: int, end: int, default: str) -> Layout:
    best, best_hits = None, 0
    for layout in table.layouts.values():
        if not layout.detect:
            continue
        hits = sum(1 for word in layout.detect if stream.search(words_pattern((word,)), start, end))
        if hits > best_hits:
            best, best_hits = layout, hits
    if best is not None:
        return best
    fallback = [layout for layout in table.layouts.values() if not layout.detect]
    return fallback[0] if fallback else table.layouts[default]


def find_t3(stream: Stream, spec: Spec, start: int = 0) -> TableMatch | None:
    table = spec.tables["t3"]
    any_layout = next(iter(table.layouts.values()))
    first = stream.search(row_pattern(any_layout.rows[0]), start)
    if first is None:
        return None
    last_row = any_layout.rows[-1]
    last = stream.search(row_pattern(last_row), first.end())
    bound = last.end() if last else len(stream.text)
    layout = detect_layout(stream, table, first.start(), bound, "2019")
    rows, end, apart = match_rows(stream, layout, first.start(), len(stream.text))
    return TableMatch(table, layout, first.start(), end, rows, paged=stream.paged, values_apart=apart)


def find_t2(stream: Stream, spec: Spec, end: int, default_layout: str, apart: bool | None = None) -> TableMatch | None:
    table = spec.tables["t2"]
    anchor = stream.search(words_pattern(table.anchors), 0, end)
    if anchor is None:
        return None
    layout = detect_layout(stream, table, anchor.start(), end, default_layout)
    rows, values_end, apart = match_rows(stream, layout, anchor.start(), end, apart)
    if not any(rows.values()):
        return None
    units = header_units(stream, layout, anchor.start(), values_end)
    if stream.track:
        units.update(dict.fromkeys(unread_units(stream, layout, anchor.start(), values_end, units, rows)))
    return TableMatch(
        table, layout, anchor.start(), values_end, rows, paged=stream.paged, units=units, values_apart=apart
    )


_UNIT_NOTE = rf"{_GAP}\(?{_GAP}(?:单位{_GAP}[:：]?{_GAP})?({'|'.join(printed.MONEY_UNITS)})"


@cache
def _unit_patterns(layout: Layout) -> tuple[tuple[str, re.Pattern], ...]:
    """Per money column: its label (without the unit the template prints in it) followed by a unit."""
    return tuple(
        (code, re.compile(tolerant(re.sub(r"\(.*\)$", "", column.label)) + _UNIT_NOTE))
        for code, column in layout.columns.items()
        if column.dtype == "decimal"
    )


_TABLE_UNIT_NOTE = re.compile(rf"\({_GAP}单位{_GAP}[:：]?{_GAP}({'|'.join(printed.MONEY_UNITS)}){_GAP}\)")


def header_units(stream: Stream, layout: Layout, start: int, end: int) -> dict[str, str]:
    """The money unit the table's header prints for each money column (采购总金额（万元）, or a note
    （单位：万元） where the layout has one money column), where it prints one."""
    units = {}
    for code, pattern in _unit_patterns(layout):
        found = stream.search(pattern, start, end)
        if found is not None:
            units[code] = found.group(1)
    money = _unit_patterns(layout)
    if not units and len(money) == 1:
        note = stream.search(_TABLE_UNIT_NOTE, start, end)
        if note is not None:
            units[money[0][0]] = note.group(1)
    return units


_NOT_PRINTED = re.compile(r"[\s.、,。:：;；()（）\[\]【】·]+")


def unread_units(
    stream: Stream, layout: Layout, start: int, end: int, units: dict[str, str], rows: dict[str, RowMatch | None]
) -> list[str]:
    """The money columns whose unit the header of an OCR'd table does not show for sure, where no unit was
    found: the column's cell holds more than its name, misread (采购总金额（万兀）), or its name is not found
    while the money row's section prints a header (a row of words right above the row): the unit may be
    printed there, unread, so the template's unit is not assumed. A table that prints no header over the
    money row has the template's unit, as a text report has."""
    unread = []
    for code, column in layout.columns.items():
        if column.dtype != "decimal" or code in units:
            continue
        name = stream.search(words_pattern((re.sub(r"\(.*\)$", "", column.label),)), start, end)
        if name is None:
            money_rows = [m for row in layout.rows if code in row.columns and (m := rows.get(row.code))]
            if not money_rows or _header_above(stream, money_rows[0].label_start):
                unread.append(code)
            continue
        first, last = stream.token_index(name.start()), stream.token_index(name.end() - 1)
        cell_end = stream.starts[last] + len(stream.texts[last])
        rest = stream.text[stream.starts[first] : name.start()] + stream.text[name.end() : cell_end]
        if _NOT_PRINTED.sub("", rest):
            unread.append(code)
    return unread


def _header_above(stream: Stream, offset: int) -> bool:
    """Whether the table row right above the one holding `offset` is a row of words (a header), not of values."""
    kinds, texts = stream.kinds, stream.texts
    index = stream.token_index(offset)
    while index > 0 and kinds[index] is not ROW_END:
        index -= 1
    cells = []
    index -= 1
    while index >= 0 and kinds[index] is CELL:
        cells.append(texts[index].strip())
        index -= 1
    words = [text for text in cells if text and not VALUE.fullmatch(text)]
    return bool(words) and not any(VALUE.fullmatch(text) for text in cells if text)


_BLANK_ROW = re.compile(r"[\x1d\x1e]\x1f+\x1e")  # a table row whose cells are all empty
_UNKNOWN_WORD = rf"[^\d\s。;/{re.escape(printed.DASH_CHARS)}]{{1,8}}"


class T4Vocabulary(NamedTuple):
    """What 表四's header prints, as patterns: where it begins, all of it, and its results and blocks."""

    anchor: re.Pattern
    header: re.Pattern
    word: re.Pattern  # any one word of the header
    results: re.Pattern
    blocks: re.Pattern


@cache
def t4_vocabulary(table: Table, layout: Layout) -> T4Vocabulary:
    results = tuple(column.label for column in layout.columns.values())
    blocks = tuple(label for row in layout.rows for label in (row.label, *row.variants))
    words = rf"\(?(?:{words_pattern((table.title, *table.anchors, *table.header_words, *results, *blocks)).pattern})\)?"
    return T4Vocabulary(
        anchor=words_pattern((table.title, *table.anchors)),
        # known words, with a few unknown characters between two of them (a misspelt word: 行政诉情况)
        header=re.compile(rf"{_GAP}(?:{words})(?:{_GAP}{_PAUSE}?{_GAP}(?:{_UNKNOWN_WORD}{_GAP})?(?:{words}))*"),
        word=re.compile(words),
        results=words_pattern(results),
        blocks=words_pattern(blocks),
    )


def find_t4(stream: Stream, spec: Spec, start: int, apart: bool | None = None) -> TableMatch | None:
    """表四 after its header, in the orientation the header shows: the template's own (every block's results
    printed across, one run of 15 values after them; or one table per block or two, each a header and its
    run), or blocks as rows (the results printed once, then each block's label and its values). A header
    printed any other way is reported, never read by a guess. `apart`: whether the document prints values
    apart (`values_apart`)."""
    table = spec.tables["t4"]
    layout = next(iter(table.layouts.values()))
    vocabulary = t4_vocabulary(table, layout)
    heading = stream.search(vocabulary.anchor, start)
    if heading is None:
        return None
    text, per_block, cells = stream.text, len(layout.columns), len(layout.cells[0])
    run: list[Piece] = []
    position = heading.start()
    disorder = False  # the results are printed in another order than the template's
    while True:
        header_end = vocabulary.header.match(text, position).end()
        blank_row = _BLANK_ROW.search(text, position, header_end)
        if blank_row is not None:  # a row of empty cells is a row of blank values, never part of a header
            header_end = vocabulary.header.match(text, position, blank_row.start() + 1).end()
        results = list(vocabulary.results.finditer(text, position, header_end))
        after_results = text[results[-1].end() : header_end] if results else ""
        if not _in_order(results, layout):
            disorder = True
            break
        if not run and len(results) == per_block and _first_block(vocabulary, after_results, layout):
            rows, end, _apart = match_rows(stream, layout, results[-1].end(), len(text), apart)
            return TableMatch(table, layout, heading.start(), end, rows, paged=stream.paged)
        if not results or len(results) % per_block or after_results.strip():
            break
        expected = min(len(results), cells - len(run))  # more results: merged header cells written twice
        pieces, end = stream.values(header_end, len(text))
        pieces = settle_blank_lines(pieces, expected)
        if expected < cells and len(pieces) != expected:  # a header for some blocks, and not their values
            break
        run += keep_values_whole(pieces, expected) if apart else pieces
        following = stream.search(vocabulary.word, end)
        if len(run) >= cells or not pieces or following is None or text[end : following.start()].strip():
            return TableMatch(table, layout, heading.start(), end, {}, run=run, paged=stream.paged)
        position = following.start()  # the next block's table: its header, then its values
    if stream.ocr:  # OCR: a header whose cells were read out of its order is read by their places
        from ogi.ocr.t4_header import run_by_place

        placed = run_by_place(stream, layout, vocabulary, heading.start())
        if placed is not None:
            run, end, unsure = placed
            return TableMatch(table, layout, heading.start(), end, {}, run=run, paged=stream.paged, run_unsure=unsure)
    header_end = vocabulary.header.match(text, position).end()
    printed = " ".join(stream.text[heading.start() : header_end].split()) or stream.text[heading.start() :][:20]
    return TableMatch(
        table,
        layout,
        heading.start(),
        header_end,
        {},
        error=f"the header is printed in a way not known ({len(results)} result headings"
        f"{', not in the template order' if disorder else ''}: {printed[:120]})",
    )


def _first_block(vocabulary: T4Vocabulary, after_results: str, layout: Layout) -> bool:
    """Whether the results are followed by the first block's label, as where blocks are printed as rows. Two
    blocks' labels side by side after the results (未经复议直接起诉 复议后起诉) are the template's own header
    over two bands, whose lower band of results was not read: no block's values follow its label there."""
    found = vocabulary.blocks.search(after_results)
    first = layout.rows[0]
    return found is not None and "".join(found.group().split()) in (first.label, *first.variants)


def _in_order(results: list[re.Match], layout: Layout) -> bool:
    """Whether the result headings found are the template's results in its order, block after block: the run of
    values is read in that order, so a header printing them in another is never read as if it did."""
    order = [column.label for column in layout.columns.values()]
    return all("".join(found.group().split()) == order[i % len(order)] for i, found in enumerate(results))
