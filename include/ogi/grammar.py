"""Where each table, row and value stands in a document's tokens, by the template's labels.

The grammar knows the template, never the file format: every reader's tokens are laid into one string
(cells end in \\x1f, free lines in \\n, rows in \\x1e, tables in \\x1d) and labels are matched on it with any
whitespace or cell/line/page break allowed between two characters. The text between a row's label and
the next row's label holds that row's values.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache, cached_property
from itertools import accumulate, chain, compress, repeat
from operator import add, is_
from typing import NamedTuple

from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Tokens
from ogi.template import Layout, Row, Spec, Table

_GAP = r"\s*"  # \s covers \x1c-\x1f in Python, so cell, row and table breaks too

# One value as printed: a number (with thousands separators, decimals, a unit), a dash, a slash or 无.
VALUE = re.compile(r"[-−]?\d[\d,]*(?:\.\d+)?(?:万元|元)?|[—–\-−]+|/|无")
_DIGIT = re.compile(r"[-−]?\d")
# In free text a run of digits may hold several glued values, negative ones among them (本年增/减).
_GLUED = re.compile(r"[-−]?\d[\d,.\-−]*(?:万元|元)?|[—–\-−]+|/|无")
_CHUNK = re.compile(r"\S+")
_DISTINCT = 4  # a label this long is specific enough to tell that the row before it is missing


def tolerant(text: str) -> str:
    """A regex for `text` that allows breaks between any two characters and reads 、 . , alike."""
    parts = []
    for ch in text:
        if ch.isspace():
            continue
        parts.append("[.、,]" if ch in ".、," else re.escape(ch))
    return _GAP.join(parts)


@cache
def row_pattern(row: Row) -> re.Pattern:
    """A row's label, optionally after its group heading and its number, optionally followed by its tail.

    Spelled as one flat alternation, each alternative starting with a character, so that the regex engine
    scans for those first characters instead of trying the whole pattern at every offset. The alternatives
    are in the order the optional parts would be tried: with the heading and number, then without.
    """
    labels = sorted({row.label, *row.variants}, key=len, reverse=True)
    groups = [tolerant(row.group) + _GAP] if row.group else []
    numbers = [tolerant(row.number) + _GAP] if row.number else []
    heads = [g + n for g in [*groups, ""] for n in [*numbers, ""]]
    pattern = "(?:" + "|".join(head + tolerant(label) for head in heads for label in labels) + ")"
    if row.tail:
        pattern += f"(?:{_GAP}{tolerant(row.tail)})?"
    return re.compile(pattern)


@cache
def words_pattern(words: tuple[str, ...]) -> re.Pattern:
    return re.compile("|".join(tolerant(w) for w in sorted(words, key=len, reverse=True)))


class Piece(NamedTuple):
    """A value as found: a table cell (one value) or a run from free text that may hold glued values, with
    the index of the token it was read from (free-text values carry it where the stream tracks tokens)."""

    text: str
    splittable: bool
    page: int | None = None
    token: int | None = None


# Fast paths of `Stream.values`, each matching what the token-by-token walk would take, many tokens at a time:
# value cells in a row (each a value or nothing, then the cell's end: cells are stripped when normalised, and
# a cell with spaces around its value is left to the walk), and values in free lines (space-separated,
# across line breaks only into another line, never into a cell, row or table end).
_SPACE = r"[^\S\x1c-\x1f\n]"
_CELL_RUN = re.compile(rf"(?:(?:{VALUE.pattern})?\x1f)+")
_LINE_RUN = re.compile(rf"(?:(?:{_SPACE}|\n(?=[^\x1c-\x1f\n]*\n))*(?:{_GLUED.pattern})(?={_SPACE}|\n|$))+")
_VALUE_IN_RUN = re.compile(r"\S+")
_NO_DIGIT_LINES = re.compile(r"(?:[^\d\x1c-\x1f\n]*\n)+")


def _pieces(
    texts: Iterable[str], splittable: bool, pages: Iterable[int | None], tokens: Iterable[int | None]
) -> Iterator[Piece]:
    """Pieces made without a Python call each (the runs of a table are thousands of pieces per second)."""
    return map(tuple.__new__, repeat(Piece), zip(texts, repeat(splittable), pages, tokens))


class Stream:
    def __init__(self, tokens: Tokens, track: bool = False):
        """`track`: values in free text carry the index of their token too (table cells always do), for
        documents whose tokens carry more than their text (OCR)."""
        self.track = track
        self.kinds, self.texts, self.pages = tokens.kinds, tokens.texts, tokens.pages
        # each token's text, then its kind, whose value is the character that ends the token
        self.text = "".join(chain.from_iterable(zip(self.texts, self.kinds)))
        self.starts = list(accumulate(map(add, map(len, self.texts), repeat(1)), initial=0))
        self.starts.pop()
        pages = set(self.pages)
        self.paged = len(pages) > 1  # else every token is on the one page, `_page`
        self._page = next(iter(pages)) if len(pages) == 1 else None

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

    def values(self, start: int, end: int, *, skip_to_values: bool = False) -> tuple[list[Piece], int]:
        """The run of values that starts at `start` (after a label), and the offset where it stops.

        Text of the label's own cell or line is passed over. The run stops at the first text that is not a
        value, at a table's end, and at a row's end once it holds a value. With `skip_to_values`, text
        before the run is passed over (a header), and in tables the run starts with a row of values only.
        """
        pieces: list[Piece] = []
        kinds, texts, starts, text = self.kinds, self.texts, self.starts, self.text
        first = index = self.token_index(start)
        pos = start
        if index < len(kinds) and kinds[index] is CELL and starts[index] < start >= starts[index] + len(texts[index]):
            index += 1  # the label filled its cell: nothing of the cell is left to read
            pos = self._start(index)
        while index < len(kinds):
            token_start = starts[index]
            if token_start >= end:
                break
            kind = kinds[index]
            if kind is ROW_END and pieces:
                return pieces, token_start
            if kind is CELL and index != first and (pieces or not skip_to_values):
                run = _CELL_RUN.match(text, token_start, end)
                if run is not None:
                    index = self._take_cells(index, run.group(), pieces)
                    continue
            elif kind is CELL and index != first and not self._row_of_values(index):
                index = self._row_end(index)  # a header row, passed over whole: none of its cells starts the run
                pos = self._start(index)
                continue
            elif kind is LINE and (pieces or not skip_to_values) and self._lines_fast:
                run = _LINE_RUN.match(text, pos, end)
                if run is not None:
                    self._take_lines(run, pieces)
                    pos = run.end()
                    index = self.token_index(pos)
                    if pos == starts[index] + len(texts[index]):  # the run took its last line to the end
                        index += 1
                        pos = self._start(index)
                    continue
            elif kind is LINE and self._lines_fast:  # before the run: lines without a digit hold no value
                skipped = _NO_DIGIT_LINES.match(text, pos, end)
                if skipped is not None:
                    pos = skipped.end()
                    index = self.token_index(pos)
                    continue
            token_text = texts[index]
            lo = max(pos, token_start) - token_start
            hi = min(end, token_start + len(token_text)) - token_start
            fragment = token_text[lo:hi] if hi > lo else ""
            if kind is TABLE_END:
                stop = bool(pieces) or not skip_to_values
            elif kind is ROW_END:
                stop = bool(pieces)
            elif kind is CELL:
                label_cell = index == first and start > token_start
                stop = self._take_cell(index, fragment.strip(), pieces, label_cell, index == first, skip_to_values)
            else:
                stopped_at = _take_line(fragment, token_start + lo, self.pages[index], index, pieces, skip_to_values)
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

    def _take_lines(self, run: re.Match, pieces: list[Piece]) -> None:
        if not self.paged and not self.track:
            pieces.extend(_pieces(run.group().split(), True, repeat(self._page), repeat(None)))
        else:
            offset = run.start()
            found = list(_VALUE_IN_RUN.finditer(run.group()))
            indices = [self.token_index(offset + m.start()) for m in found]
            pages = [self.pages[i] for i in indices] if self.paged else repeat(self._page)
            pieces.extend(_pieces((m.group() for m in found), True, pages, indices if self.track else repeat(None)))

    def _take_cell(
        self, index: int, text: str, pieces: list[Piece], label_cell: bool, first: bool, skip_to_values: bool
    ) -> bool:
        """Add a table cell to the run; whether the run stops before it."""
        page = self.pages[index]
        if label_cell:  # the rest of the label's own cell
            if text and VALUE.fullmatch(text):
                pieces.append(Piece(text, False, page, index))
            return False
        if not text or VALUE.fullmatch(text):
            if pieces or not skip_to_values or self._row_of_values(index):
                pieces.append(Piece(text, False, page, index))
            return False
        return bool(pieces) or not (first or skip_to_values)

    def _row_end(self, index: int) -> int:
        """The index of the first token after the table row holding token `index`."""
        kinds = self.kinds
        while index < len(kinds) and kinds[index] is CELL:
            index += 1
        return index

    def _row_of_values(self, index: int) -> bool:
        """Whether the table row holding token `index` has only value cells, at least one of them printed."""
        lo = index
        while lo > 0 and self.kinds[lo - 1] is CELL:
            lo -= 1
        texts = [t.strip() for t in self.texts[lo : self._row_end(index)]]
        return any(texts) and all(not t or VALUE.fullmatch(t) for t in texts)


def _take_line(
    fragment: str, offset: int, page: int | None, token: int, pieces: list[Piece], skip_to_values: bool
) -> int | None:
    """Add the values of a line of free text to the run; the offset where the run stops, if it does."""
    for chunk_match in _CHUNK.finditer(fragment):
        chunk, chunk_start = chunk_match.group(), offset + chunk_match.start()
        if not pieces and not (VALUE.fullmatch(chunk) and not skip_to_values):
            digit = _DIGIT.search(chunk)  # text before the first value: a label's tail, a header
            if digit is None:
                continue
            chunk, chunk_start = chunk[digit.start() :], chunk_start + digit.start()
        value = _GLUED.match(chunk)
        if value:
            pieces.append(Piece(value.group(), True, page, token))
            if value.end() < len(chunk):
                return chunk_start + value.end()
        elif pieces:
            return chunk_start
    return None


@dataclass
class RowMatch:
    row: Row
    label_start: int
    label_end: int
    pieces: list[Piece] = field(default_factory=list)
    values_end: int = 0


@dataclass
class TableMatch:
    table: Table
    layout: Layout
    start: int
    end: int
    rows: dict[str, RowMatch | None]
    # t4 (and any table printed as one run of values after its header): the pieces of the whole run
    run: list[Piece] | None = None
    paged: bool = False  # whether the document's tokens lie on several pages (else each piece's page is the same)


def match_rows(stream: Stream, layout: Layout, start: int, end: int) -> tuple[dict[str, RowMatch | None], int]:
    """Find each row's label in order; a row whose label is missing, or comes after the next row's, is None."""
    found: dict[str, RowMatch | None] = {}
    pos = start
    rows = layout.rows
    ahead: re.Match | None = None  # the next row's label, found while checking this row's order
    for i, row in enumerate(rows):
        # the first match from `pos` is the one found from an earlier position, if that lies beyond `pos`
        match = ahead if ahead is not None and ahead.start() >= pos else stream.search(row_pattern(row), pos, end)
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
    matched = [m for m in found.values() if m]
    for current, following in zip(matched, matched[1:] + [None]):
        stop = following.label_start if following else end
        current.pieces, current.values_end = stream.values(current.label_end, stop)
    last_end = matched[-1].values_end if matched else start
    return found, last_end


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
    rows, end = match_rows(stream, layout, first.start(), len(stream.text))
    return TableMatch(table, layout, first.start(), end, rows, paged=stream.paged)


def find_t2(stream: Stream, spec: Spec, end: int, default_layout: str) -> TableMatch | None:
    table = spec.tables["t2"]
    anchor = stream.search(words_pattern(table.anchors), 0, end)
    if anchor is None:
        return None
    layout = detect_layout(stream, table, anchor.start(), end, default_layout)
    rows, values_end = match_rows(stream, layout, anchor.start(), end)
    if not any(rows.values()):
        return None
    return TableMatch(table, layout, anchor.start(), values_end, rows, paged=stream.paged)


_T4_HEADING = re.compile(tolerant("行政") + _GAP + "(?:法" + _GAP + ")?" + tolerant("复议"))


def find_t4(stream: Stream, spec: Spec, start: int) -> TableMatch | None:
    table = spec.tables["t4"]
    heading = stream.search(_T4_HEADING, start)
    if heading is None:
        return None
    header = stream.search(words_pattern(table.header_words), heading.start())
    if header is None:
        return None
    pieces, end = stream.values(heading.end(), len(stream.text), skip_to_values=True)
    if not pieces:
        return None
    layout = next(iter(table.layouts.values()))
    return TableMatch(table, layout, heading.start(), end, {}, run=pieces, paged=stream.paged)
