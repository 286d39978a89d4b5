"""Plain text: flattened page text (one cell per line, or a row per line with cells apart by tabs), crawler text
(cells glued), and Markdown as document
converters write it (Docling, MinerU, markitdown, pandoc): pipe tables, grid tables whose rows span several
lines, HTML tables inside the Markdown, and their markup in cells (<br>, emphasis, escapes)."""

from __future__ import annotations

import re

from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, TokenKind, Tokens

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")
_GRID_RULE = re.compile(r"^\s*\+(?:[-=:]+\+)+\s*$")  # +-----+----+ between the rows of a grid table
_HTML_TABLE = re.compile(r"<table\b.*?</table\s*>", re.I | re.S)
_BREAK = re.compile(r"<br\s*/?>", re.I)
_EMPHASIS = re.compile(r"(\*\*|__)(.*?)\1")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|~<>])")
_CELL_SPLIT = re.compile(r"(?<!\\)\|")


def text_tokens(text: str) -> Tokens:
    """Tokens of a text; HTML tables inside it (MinerU's Markdown) are read as the HTML reader reads them."""
    kinds: list[TokenKind] = []
    texts: list[str] = []
    position = 0
    for table in _HTML_TABLE.finditer(text):
        _lines(text[position : table.start()], kinds, texts)
        from ogi.readers.html import html_tokens

        tokens, _title = html_tokens(table.group())
        kinds.extend(tokens.kinds)
        texts.extend(tokens.texts)
        position = table.end()
    _lines(text[position:], kinds, texts)
    return Tokens(kinds, texts)


def _cell(text: str) -> str:
    return _ESCAPE.sub(r"\1", _EMPHASIS.sub(r"\2", _BREAK.sub(" ", text))).strip()


def _cells(line: str) -> list[str]:
    return [_cell(cell) for cell in _CELL_SPLIT.split(line.strip().strip("|"))]


def _lines(text: str, kinds: list[TokenKind], texts: list[str]) -> None:
    in_table = in_grid = False
    grid_row: list[list[str]] = []  # the lines of a grid table's row, until the rule that closes it

    def add_row(cells: list[str]) -> None:
        kinds.extend([CELL] * len(cells))
        texts.extend(cells)
        kinds.append(ROW_END)
        texts.append("")

    def add_grid_row() -> None:
        for cells in _joined(grid_row):
            add_row(cells)
        grid_row.clear()

    for line in text.splitlines():
        if _GRID_RULE.match(line):
            add_grid_row()
            in_table = in_grid = True
            continue
        if _PIPE_ROW.match(line):
            in_table = True
            if not _PIPE_RULE.match(line):
                (grid_row.append if in_grid else add_row)(_cells(line))
            continue
        # a table's row as a browser copies it (innerText): cells apart by tabs; a row of blanks has its tabs at
        # its end (行政强制\t\xa0\t\xa0), or only tabs in a table (表四's values, all blank)
        if "\t" in line.rstrip("\r\n") and (line.strip() or (in_table and line.count("\t") > 1)):
            in_table = True
            add_row([cell.strip() for cell in line.strip("\r\n").split("\t")])
            continue
        add_grid_row()
        if in_table:
            kinds.append(TABLE_END)
            texts.append("")
            in_table = in_grid = False
        kinds.append(LINE)  # an empty line too: in one-cell-per-line text it is a blank cell
        texts.append(_BREAK.sub(" ", line).strip())
    add_grid_row()
    if in_table:
        kinds.append(TABLE_END)
        texts.append("")


def _joined(lines: list[list[str]]) -> list[list[str]]:
    """A grid table's row printed over several lines, as one row: each column's pieces joined, when the lines
    agree on the columns; else each line as a row of its own (a span changes the columns)."""
    if not lines or any(len(cells) != len(lines[0]) for cells in lines):
        return lines
    return [[_join_pieces([cells[i] for cells in lines]) for i in range(len(lines[0]))]]


def _join_pieces(pieces: list[str]) -> str:
    joined = ""
    for piece in filter(None, pieces):
        # CJK text wraps without a space; words and numbers keep one
        space = " " if joined and joined[-1].isascii() and piece[0].isascii() else ""
        joined += space + piece
    return joined
