"""What every reader produces: the report's text as tokens in reading order, for the one grammar."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from ogi.printed import NUMBER_CELL as NUMBER_CELL  # the readers' name for it


class TokenKind(StrEnum):
    """What a token is. Its value is the character that ends such a token in the grammar's stream."""

    CELL = "\x1f"  # one table cell: at most one value
    LINE = "\n"  # free text: may hold several values, glued or space-separated
    ROW_END = "\x1e"
    TABLE_END = "\x1d"


# The kinds under plain names for the readers' and the grammar's loops: an Enum member looked up through its
# class costs several times a global's lookup, thousands of times per report.
CELL, LINE, ROW_END, TABLE_END = TokenKind.CELL, TokenKind.LINE, TokenKind.ROW_END, TokenKind.TABLE_END


@dataclass(slots=True)
class Token:
    kind: TokenKind
    text: str = ""
    page: int | None = None


class Tokens:
    """A document's text as tokens in reading order, held column by column: token i is kinds[i], texts[i],
    pages[i]. The HTML and text readers append to the columns directly; a Token object per cell would cost
    more than reading the cell. Readers that rearrange tokens (PDF, Word) build Tokens from Token objects."""

    __slots__ = ("kinds", "texts", "pages")

    def __init__(self, kinds: list[TokenKind], texts: list[str], pages: list[int | None] | None = None):
        if len(texts) != len(kinds) or (pages is not None and len(pages) != len(kinds)):
            raise ValueError("token columns differ in length")
        self.kinds, self.texts = kinds, texts
        self.pages = pages if pages is not None else [None] * len(kinds)

    @classmethod
    def of(cls, tokens: Iterable[Token]) -> Tokens:
        tokens = list(tokens)
        return cls([t.kind for t in tokens], [t.text for t in tokens], [t.page for t in tokens])

    def __len__(self) -> int:
        return len(self.kinds)

    def __getitem__(self, index: int) -> Token:
        return Token(self.kinds[index], self.texts[index], self.pages[index])

    def __iter__(self) -> Iterator[Token]:
        return map(Token, self.kinds, self.texts, self.pages)


@dataclass
class Document:
    """A report as one reader saw it. `tokens` are normalised text; `pages` is set for paged formats."""

    source: str
    format: str
    tokens: Tokens
    pages: int | None = None
    title: str | None = None
    notes: list[str] = field(default_factory=list)
    # read by OCR: the pages so read (1-based), the engine, and per token index what OCR saw there
    # (ogi.ocr.page.OcrToken: the reading with its probability and alternatives, the box on the page)
    ocr_pages: list[int] = field(default_factory=list)
    ocr_engine: str | None = None
    ocr_tokens: dict[int, Any] = field(default_factory=dict)


class ReadError(Exception):
    """The file cannot be read as a report; the message says why (the caller adds the file name)."""

    def __init__(self, message: str, status: str = "error"):
        super().__init__(message)
        self.status = status
