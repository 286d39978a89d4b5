"""What every reader produces: the report's text as tokens in reading order, for the one grammar."""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum


class TokenKind(str, Enum):
    CELL = "cell"  # one table cell: at most one value
    LINE = "line"  # free text: may hold several values, glued or space-separated
    ROW_END = "row_end"
    TABLE_END = "table_end"


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str = ""
    page: int | None = None


ROW_END = TokenKind.ROW_END
TABLE_END = TokenKind.TABLE_END


@dataclass
class Document:
    """A report as one reader saw it. `tokens` are normalised text; `pages` is set for paged formats."""

    source: str
    format: str
    tokens: list[Token]
    pages: int | None = None
    title: str | None = None
    notes: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        parts = []
        for token in self.tokens:
            if token.kind is TokenKind.CELL:
                parts.append(token.text + " ")
            elif token.kind is TokenKind.LINE:
                parts.append(token.text + "\n")
            else:
                parts.append("\n")
        return "".join(parts)


class ReadError(Exception):
    """The file cannot be read as a report; the message says why (the caller adds the file name)."""

    def __init__(self, message: str, status: str = "error"):
        super().__init__(message)
        self.status = status
