"""Recover the cells of glued text (`801000081` = 80,1,0,0,0,0,81) by enumerating digit cuts.

Every cut is valid for its column (no leading zeros, a sign only where a column may be negative, decimals
and units only in money); the template's identities then keep only the cuts that satisfy them. What is
left over is reported as candidates: this module never picks one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from functools import lru_cache

from ogi.template import Column

MAX_CANDIDATES = 200_000

_INT = re.compile(r"0|[1-9]\d*")
_SIGNED = re.compile(r"-?(?:0|[1-9]\d*)")
_MONEY = re.compile(r"(?:0|[1-9]\d*)(?:\.\d+)?(?:万元|元)?")
_NUMERIC_START = re.compile(r"-?\d")


class TooManyCandidates(Exception):
    pass


def _pattern(column: Column) -> re.Pattern:
    if column.dtype == "decimal":
        return _MONEY
    return _SIGNED if column.signed else _INT


def _prefixes(text: str, column: Column, splittable: bool) -> tuple[str, ...]:
    """Every prefix of `text` that is a valid cell for `column`, shortest first."""
    if not splittable or not _NUMERIC_START.match(text):
        return (text,)  # a table cell, or a dash / slash / word: one cell as it stands
    return _valid_prefixes(text, _pattern(column))


@lru_cache(maxsize=65536)  # the walk reaches the same rest of a run by many cuts before it
def _valid_prefixes(text: str, pattern: re.Pattern) -> tuple[str, ...]:
    return tuple(candidate for end in range(1, len(text) + 1) if pattern.fullmatch(candidate := text[:end]))


def cuts(
    pieces: Sequence[tuple[str, bool]],
    columns: Sequence[Column],
    accept: Callable[[list[str]], bool] | None = None,
) -> list[tuple[str, ...]]:
    """All ways to cut `pieces` into one cell per column.

    A piece is (text, splittable): a run of glued cells from free text, or a table cell that stays whole.
    A cell never spans two pieces, and every piece is used whole. `accept`, called with the cells cut so
    far, prunes a partial cut as soon as it returns False (an identity that those cells already break).
    """
    n = len(columns)
    out: list[tuple[str, ...]] = []
    cells: list[str] = []

    def walk(piece: int, offset: int, column: int) -> None:
        if piece == len(pieces):
            if column == n:
                out.append(tuple(cells))
                if len(out) > MAX_CANDIDATES:
                    raise TooManyCandidates
            return
        remaining_pieces = len(pieces) - piece
        if n - column < remaining_pieces:
            return
        text, splittable = pieces[piece]
        rest = text[offset:]
        for cell in _prefixes(rest, columns[column], splittable):
            cells.append(cell)
            if accept is not None and not accept(cells):
                cells.pop()
                continue
            if len(cell) == len(rest):
                walk(piece + 1, 0, column + 1)
            elif column + 1 < n:
                walk(piece, offset + len(cell), column + 1)
            cells.pop()

    walk(0, 0, 0)
    return out
