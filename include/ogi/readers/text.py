"""Plain text: flattened page text (one cell per line), crawler text (cells glued), Markdown pipe tables."""

from __future__ import annotations

import re

from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Token

_PIPE_ROW = re.compile(r"^\s*\|.*\|\s*$")
_PIPE_RULE = re.compile(r"^\s*\|?\s*:?-{2,}:?\s*(\|\s*:?-{2,}:?\s*)*\|?\s*$")


def text_tokens(text: str) -> list[Token]:
    tokens: list[Token] = []
    in_table = False
    for line in text.splitlines():
        if _PIPE_ROW.match(line):
            in_table = True
            if _PIPE_RULE.match(line):
                continue
            for cell in line.strip().strip("|").split("|"):
                tokens.append(Token(CELL, cell.strip()))
            tokens.append(Token(ROW_END))
            continue
        if in_table:
            tokens.append(Token(TABLE_END))
            in_table = False
        if line.strip():
            tokens.append(Token(LINE, line.strip()))
    if in_table:
        tokens.append(Token(TABLE_END))
    return tokens
