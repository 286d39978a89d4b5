"""HTML: CMS pages, fragments and Word-exported HTML, to cells (tables) and lines (everything else).

Tables are laid out as a grid with rowspan/colspan expanded; each cell is emitted once, on its first row
and column, so a label spanning rows reads as a group heading and a value spanning columns counts once.
A number in a cell that spans several rows is repeated on each of them. Tables that hold other tables are
layout tables: their cells are read as flowing text.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import cache, cached_property

from ogi.readers.document import CELL, LINE, NUMBER_CELL, ROW_END, TABLE_END, TokenKind, Tokens

_SKIP = {"script", "style", "noscript", "template", "head", "select", "option", "button", "iframe", "svg"}
_BLOCK = {
    "p", "div", "br", "li", "ul", "ol", "h1", "h2", "h3", "h4", "h5", "h6", "section", "article", "header",
    "footer", "nav", "aside", "blockquote", "pre", "hr", "dd", "dt", "dl", "form", "center", "main", "caption",
    "title", "body", "html", "address", "figure", "figcaption",
}
_ROW_GROUPS = {"tbody", "thead", "tfoot"}
_MAX_SPAN = 100


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
        self.root = root
        self.kinds: list[TokenKind] = []
        self.texts: list[str] = []
        self.line: list[str] = []
        # Asked of the whole page once rather than of each table: a selector query costs more to parse than
        # to run. Tables inside tables are rare, so which tables hold one is asked per table only then.
        self.nested = root.css_first("table table") is not None
        self.spanning = {cell.mem_id for cell in root.css(_SPANNING)}

    @cached_property
    def structured(self) -> dict[int, list]:
        """Asked only of pages with a cell that holds more than its text (Word's paragraphs and spans)."""
        return _cells_with_structure(self.root)

    def _structure_of(self, cell) -> list:
        return self.structured.get(cell.mem_id, [])

    def flush(self) -> None:
        text = "".join(self.line).strip()
        if text:
            self.kinds.append(LINE)
            self.texts.append(text)
        self.line = []

    def flow(self, node, depth: int = 0) -> None:
        for child in _children(node):
            tag = child.tag
            if tag == "-text":
                self.line.append(child.text_content or "")
            elif tag in ("-comment",) or tag in _SKIP:
                continue
            elif tag == "table":
                self.flush()
                self.table(child, depth + 1)
            elif depth > 300:
                self.line.append(child.text(separator=" "))
            elif tag in _BLOCK:
                self.flush()
                self.flow(child, depth + 1)
                self.flush()
            else:
                self.flow(child, depth + 1)

    def table(self, node, depth: int) -> None:
        if self.nested and node.css_first("td table, th table") is not None:  # a table in a cell: a layout table
            for row in _table_rows(node):
                for cell in _row_cells(row):
                    self.flow(cell, depth + 1)
                    self.flush()
            return
        add_kind, add_text = self.kinds.append, self.texts.append
        spanning = self.spanning
        occupied: dict[tuple[int, int], tuple[str, int]] = {}  # (row, col) -> (text, origin row)
        r, c = -1, 0
        tr = _tr_tag_id()
        for cell in node.css("tr, td, th"):  # no table nests in this one, so these are its rows and cells
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
            text = cell_text(cell, self._structure_of)
            add_kind(CELL)
            add_text(text)
            colspan = 1
            if spanning and cell.mem_id in spanning:  # only a spanning cell holds places later cells must skip
                attributes = cell.attributes
                rowspan, colspan = _span(attributes, "rowspan"), _span(attributes, "colspan")
                for dr in range(rowspan):
                    for dc in range(colspan):
                        occupied[(r + dr, c + dc)] = (text, r)
            c += colspan
        if r >= 0:
            add_kind(ROW_END)
            add_text("")
        add_kind(TABLE_END)
        add_text("")


@cache
def _tr_tag_id() -> int:
    from selectolax.lexbor import create_tag

    return create_tag("tr").tag_id


@cache
def _structure_tag_ids() -> frozenset[int]:
    from selectolax.lexbor import create_tag

    return frozenset(create_tag(tag).tag_id for tag in _STRUCTURE)


# Any element with a span attribute: only cells are ever looked up, and two selectors match faster than four.
_SPANNING = "[rowspan], [colspan]"
_STRUCTURE = _BLOCK | _SKIP


def _cells_with_structure(root) -> dict[int, list]:
    """Cell (by mem_id) -> the block and skipped elements inside it, for the cells that have any."""
    found: dict[int, list] = {}
    structure = _structure_tag_ids()
    for element in root.css("td *, th *"):
        if element.tag_id in structure:
            cell = element.parent
            while cell.tag not in ("td", "th"):
                cell = cell.parent
            found.setdefault(cell.mem_id, []).append(element)
    return found


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


def cell_text(cell, structure_of: Callable[[object], list]) -> str:
    """A cell's text: inline runs joined as they are (a number split over spans stays one number),
    block elements (paragraphs, line breaks) joined by a space.

    `structure_of(cell)` gives the block and skipped elements inside it, asked only of a cell holding more
    than one text node. With none, or with one paragraph that holds all the cell's text, the text is read
    in one call; otherwise the cell is walked.
    """
    child = cell.child
    if child is None:
        return ""
    if child.next is None and child.is_text_node:  # the common cell: its text and nothing else
        return _collapsed(child.text_content or "")
    structure = structure_of(cell)
    if not structure:
        return _collapsed(cell.text())
    if len(structure) == 1 and structure[0].tag in _BLOCK:
        whole = _collapsed(cell.text())
        if whole == _collapsed(structure[0].text()):  # nothing but spaces outside the paragraph
            return whole
    parts: list[str] = []

    def walk(node) -> None:
        for child in _children(node):
            tag = child.tag
            if tag == "-text":
                parts.append(child.text_content or "")
            elif tag == "-comment" or tag in _SKIP:
                continue
            elif tag in _BLOCK:
                parts.append(" ")
                walk(child)
                parts.append(" ")
            else:
                walk(child)

    walk(cell)
    return _collapsed("".join(parts))


def html_tokens(text: str) -> tuple[Tokens, str | None]:
    """(tokens, page title)."""
    from selectolax.lexbor import LexborHTMLParser

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
