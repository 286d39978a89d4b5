"""Plain text: flattened page text (one cell per line), crawler text (cells glued), Markdown pipe tables."""

from __future__ import annotations

import re

from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, TokenKind, Tokens

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def text_tokens(text: str) -> Tokens:
    kinds: list[TokenKind] = []
    texts: list[str] = []
    in_table = False
    for line in text.splitlines():
        if _PIPE_ROW.match(line):
            in_table = True
            if _PIPE_RULE.match(line):
                continue
            cells = [cell.strip() for cell in line.strip().strip("|").split("|")]
            kinds.extend([CELL] * len(cells))
            texts.extend(cells)
            kinds.append(ROW_END)
            texts.append("")
            continue
        if in_table:
            kinds.append(TABLE_END)
            texts.append("")
            in_table = False
        kinds.append(LINE)  # an empty line too: in one-cell-per-line text it is a blank cell
        texts.append(line.strip())
    if in_table:
        kinds.append(TABLE_END)
        texts.append("")
    return Tokens(kinds, texts)
