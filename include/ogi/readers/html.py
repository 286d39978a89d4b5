"""HTML: CMS pages, fragments and Word-exported HTML, to cells (tables) and lines (everything else).

Tables are laid out as a grid with rowspan/colspan expanded; each cell is emitted once, on its first row
and column, so a label spanning rows reads as a group heading and a value spanning columns counts once.
A number in a cell that spans several rows is repeated on each of them. Tables that hold other tables are
layout tables: their cells are read as flowing text.
"""

from __future__ import annotations

from functools import cache
from itertools import chain

from ogi.readers.document import CELL, LINE, NUMBER_CELL, ROW_END, TABLE_END, ReadError, TokenKind, Tokens
from ogi.readers.nesting import nesting_work

_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "button", "iframe", "svg"}
_BLOCK = {
    "p",
    "div",
    "br",
    "li",
    "ul",
    "ol",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "section",
    "article",
    "header",
    "footer",
    "nav",
    "aside",
    "blockquote",
    "pre",
    "hr",
    "dd",
    "dt",
    "dl",
    "form",
    "center",
    "main",
    "caption",
    "title",
    "body",
    "html",
    "address",
    "figure",
    "figcaption",
}
_ROW_GROUPS = {"tbody", "thead", "tfoot"}
_MAX_SPAN = 100
# Grid places a table's spans may claim: far more than any table of values needs (a label spanning its rows), far
# fewer than a table of cells each spanning millions, which would hold gigabytes.
_SPAN_PLACES, _SPAN_PLACES_PER_CELL = 200_000, 64
# The parser's looks down the stack of open elements, summed over the page's tags (readers/nesting.py): 5*10^7
# take it a fraction of a second (2-12 ns each); a page of fewer tags than this cannot cost more, and is not checked.
_PARSE_WORK = 50_000_000
_TAGS_ALWAYS_PARSED = 10_000
_FLOW_DEPTH = 300  # below this depth an element's text is read as one run
_FLUSH = object()  # in the walker's stack of children: end the line here
_SPACE = object()  # in a cell's: a space, where a block element ends


def _span(attributes: dict, name: str) -> int:
    raw = attributes.get(name)
    if raw is None:
        return 1
    try:
        return max(1, min(_MAX_SPAN, int(str(raw).strip() or 1)))
    except ValueError:
        return 1


def _children(node):
    return node.iter(include_text=True)


class _Walker:
    def __init__(self, root):
        self.kinds: list[TokenKind] = []
        self.texts: list[str] = []
        self.line: list[str] = []
        # Asked of the whole page once rather than of each table: each selector query walks the whole tree.
        self.rows_and_cells, self.layout_tables = _tables(root)
        self.spanning = {cell.mem_id for cell in root.css(_SPANNING)}

    def flush(self) -> None:
        text = "".join(self.line).strip()
        if text:
            self.kinds.append(LINE)
            self.texts.append(text)
        self.line = []

    def flow(self, root) -> None:
        """`root`'s text in reading order: block elements end a line, tables are read as tables. Walked with a
        stack of the children still to read rather than by recursion, as a page may nest elements thousands
        deep; below `_FLOW_DEPTH` a subtree is read as one run of text."""
        stack = [(_children(root), 0)]
        while stack:
            children, depth = stack[-1]
            child = next(children, None)
            if child is None:
                stack.pop()
            elif child is _FLUSH:
                self.flush()
            elif (tag := child.tag) == "-text":
                self.line.append(child.text_content or "")
            elif tag == "-comment" or tag in _SKIP:
                continue
            elif tag == "table":
                self.flush()
                if child.mem_id in self.layout_tables:
                    stack.append((_layout_cells(child), depth + 2))
                else:
                    self.table(child)
            elif depth > _FLOW_DEPTH:
                self.line.append(child.text(separator=" "))
            elif tag in _BLOCK:
                self.flush()
                stack.append((chain(_children(child), (_FLUSH,)), depth + 1))
            else:
                stack.append((_children(child), depth + 1))

    def table(self, node) -> None:
        rows_and_cells = self.rows_and_cells.get(node.mem_id)
        if rows_and_cells is None:  # a table inside another: its own rows and cells
            rows_and_cells = node.css("tr, td, th")
        add_kind, add_text = self.kinds.append, self.texts.append
        spanning = self.spanning
        occupied: dict[tuple[int, int], tuple[str, int]] = {}  # (row, col) -> (text, origin row)
        extent = None  # (rows, columns) of the table, worked out at its first spanning cell
        places = 0  # grid places claimed by spans so far
        r, c = -1, 0
        tr = _tag_id("tr")
        for cell in rows_and_cells:
            if cell.tag_id == tr:
                if r >= 0:
                    add_kind(ROW_END)
                    add_text("")
                r, c = r + 1, 0
                continue
            while occupied and (r, c) in occupied:
                held_text, origin = occupied[(r, c)]
                if origin != r and NUMBER_CELL.match(held_text):
                    add_kind(CELL)
                    add_text(held_text.strip())
                c += 1
            text = cell_text(cell)
            add_kind(CELL)
            add_text(text)
            colspan = 1
            if spanning and cell.mem_id in spanning:  # only a spanning cell holds places later cells must skip
                if extent is None:
                    extent = _extent(rows_and_cells, tr)
                attributes = cell.attributes
                # A span reaches no further than the table's rows and its widest row's cells.
                rowspan = min(_span(attributes, "rowspan"), extent[0] - r)
                colspan = min(_span(attributes, "colspan"), extent[1])
                places += rowspan * colspan
                if places > (most := max(_SPAN_PLACES, _SPAN_PLACES_PER_CELL * len(rows_and_cells))):
                    raise ReadError(
                        f"a table whose rowspan/colspan claim more than {most:,} grid places for its "
                        f"{len(rows_and_cells):,} rows and cells: not a table of values; not read"
                    )
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied[(r + dr, c + dc)] = (text, r)
            c += colspan
        if r >= 0:
            add_kind(ROW_END)
            add_text("")
        add_kind(TABLE_END)
        add_text("")


def _extent(rows_and_cells: list, tr: int) -> tuple[int, int]:
    """(rows, the most cells in one row) of a table; cells before its first row count as a row."""
    rows, widest, in_row = 0, 0, 0
    for node in rows_and_cells:
        if node.tag_id == tr:
            rows, widest, in_row = rows + 1, max(widest, in_row), 0
        else:
            in_row += 1
    return rows, max(widest, in_row, 1)


def _layout_cells(table):
    """A layout table's cells' children, each cell's followed by the end of a line."""
    for row in _table_rows(table):
        for cell in _row_cells(row):
            yield from _children(cell)
            yield _FLUSH


@cache
def _tag_id(tag: str) -> int:
    from selectolax.lexbor import create_tag

    return create_tag(tag).tag_id


@cache
def _structure_tag_ids() -> frozenset[int]:
    from selectolax.lexbor import create_tag

    return frozenset(create_tag(tag).tag_id for tag in _STRUCTURE)


# Any element with a span attribute: only cells are ever looked up, and two selectors match faster than four.
_SPANNING = "[rowspan], [colspan]"
_STRUCTURE = _BLOCK | _SKIP


def _tables(root) -> tuple[dict[int, list], set[int]]:
    """From one query of the page: the layout tables, those holding another table (by mem_id), and the rows and
    cells of each table outside any other, in document order. Those of a table inside another do not simply
    follow it, as the outer table's rows go on after it ends."""
    by_table: dict[int, list] = {}
    layout_tables: set[int] = set()
    table_tag = _tag_id("table")
    table_around: dict[int, int | None] = {}
    rows_and_cells: list = []
    for node in root.css("table, tr, td, th"):
        if node.tag_id == table_tag:
            # The nearest table is enough: the tables around that one were marked when it was met.
            around = _table_around(node, table_tag, table_around)
            rows_and_cells = []
            if around is None:
                by_table[node.mem_id] = rows_and_cells
            else:
                layout_tables.add(around)
        else:
            rows_and_cells.append(node)
    return by_table, layout_tables


def _table_around(node, table_tag: int, known: dict[int, int | None]) -> int | None:
    """The mem_id of the nearest table `node` lies inside, or None. `known` keeps the answer for every element
    passed on the way up, so that tables nested thousands deep cost one walk up, not one each."""
    passed = []
    parent, found = node.parent, None
    while parent is not None:
        key = parent.mem_id
        if key in known:
            found = known[key]
            break
        if parent.tag_id == table_tag:
            found = key
            break
        passed.append(key)
        parent = parent.parent
    for key in passed:
        known[key] = found
    return found


def _structure(cell) -> list:
    """The block and skipped elements inside a cell."""
    structure = _structure_tag_ids()
    inside = cell.traverse()
    next(inside)  # the cell itself
    return [element for element in inside if element.tag_id in structure]


def _table_rows(table):
    for child in table.iter():
        if child.tag == "tr":
            yield child
        elif child.tag in _ROW_GROUPS:
            for row in child.iter():
                if row.tag == "tr":
                    yield row


def _row_cells(row):
    return [cell for cell in row.iter() if cell.tag in ("td", "th")]


def _collapsed(text: str) -> str:
    return " ".join(text.split())


def cell_text(cell) -> str:
    """A cell's text: inline runs joined as they are (a number split over spans stays one number),
    block elements (paragraphs, line breaks) joined by a space.

    A cell with no block or skipped element inside, or with one paragraph that holds all its text, is read
    in one call; otherwise the cell is walked.
    """
    child = cell.child
    if child is None:
        return ""
    if child.next is None and child.is_text_node:  # the common cell: its text and nothing else
        return _collapsed(child.text_content or "")
    structure = _structure(cell)
    if not structure:
        return _collapsed(cell.text())
    if len(structure) == 1 and structure[0].tag in _BLOCK:
        whole = _collapsed(cell.text())
        if whole == _collapsed(structure[0].text()):  # nothing but spaces outside the paragraph
            return whole
    parts: list[str] = []
    stack = [_children(cell)]  # not by recursion: a cell may nest elements thousands deep
    while stack:
        child = next(stack[-1], None)
        if child is None:
            stack.pop()
        elif child is _SPACE:
            parts.append(" ")
        elif (tag := child.tag) == "-text":
            parts.append(child.text_content or "")
        elif tag == "-comment" or tag in _SKIP:
            continue
        elif tag in _BLOCK:
            parts.append(" ")
            stack.append(chain(_children(child), (_SPACE,)))
        else:
            stack.append(_children(child))
    return _collapsed("".join(parts))


def html_tokens(text: str) -> tuple[Tokens, str | None]:
    """(tokens, page title)."""
    from selectolax.lexbor import LexborHTMLParser

    if text.count("<") > _TAGS_ALWAYS_PARSED:
        work, deepest = nesting_work(text)
        if work > _PARSE_WORK:
            raise ReadError(
                f"HTML nested too deep to parse: elements open {deepest:,} deep, which would cost the parser "
                f"about {work:,} steps (more than {_PARSE_WORK:,}); not read"
            )
    tree = LexborHTMLParser(text)
    title_node = tree.css_first("title")
    title = title_node.text().strip() if title_node is not None else None
    root = tree.body or tree.root
    if root is None:
        return Tokens([], []), title
    walker = _Walker(root)
    walker.flow(root)
    walker.flush()
    return Tokens(walker.kinds, walker.texts), title
