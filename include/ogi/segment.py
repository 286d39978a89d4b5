"""Cut a run of glued text (`801000081` = 80,1,0,0,0,0,81) into one cell per column, bounded by work done.

Every cut is valid for its column (no leading zeros, a sign only where a column may be negative, decimals
and units only in money) and, when sums are given, keeps the run's own identities (a row's total = the sum
of its applicants). The search counts its steps and gives up past a budget, so that no input costs more
than that however many ways it could be cut; it never picks among the cuts it finds.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache

from ogi.cells import number_or_zero
from ogi.printed import COUNTER, COUNTERS, DASH_CHARS, MONEY_UNIT, MONEY_UNITS, SLASHES
from ogi.template import Column

MAX_CANDIDATES = 200_000  # more cuts than this are no answer, whatever the budget
TABLE_STEPS = 100_000  # the steps all the runs of a table may take: a real table takes a few thousand at most
RUN_STEPS = 20_000  # and one run: a real row takes a few hundred, listing every cut of a long broken one 10,000
LONGEST = 4_000  # characters in one piece cut: Python reads no integer of more than 4,300 digits

# crawler text prints a count's unit after it (3个)
_INT = re.compile(rf"(?:0|[1-9]\d*){COUNTER}?")
_SIGNED = re.compile(rf"-?(?:0|[1-9]\d*){COUNTER}?")
_MONEY = re.compile(rf"(?:0|[1-9]\d*)(?:\.\d+)?{MONEY_UNIT}?")
_DIGITS = re.compile(r"[0-9]+")
_UNIT_STARTS = frozenset(unit[0] for unit in COUNTERS + MONEY_UNITS)

# The identities within a run, by cell index: each a tuple of (cell, sign), lhs cells +1 and rhs cells -1,
# kept when the signed values add up to 0.
Sums = tuple[tuple[tuple[int, int], ...], ...]


class TooManyWays(Exception):
    """The run has more cuts than MAX_CANDIDATES, or finding them took more steps than the budget allowed."""


class Budget:
    """The steps a table's cutting may still take (each run at most RUN_STEPS of them)."""

    __slots__ = ("left",)

    def __init__(self, left: int = TABLE_STEPS):
        self.left = left


def _pattern(column: Column) -> re.Pattern:
    if column.dtype == "decimal":
        return _MONEY
    return _SIGNED if column.signed else _INT


def _prefixes(text: str, column: Column, splittable: bool) -> tuple[str, ...]:
    """Every prefix of `text` that is a valid cell for `column`, shortest first."""
    if not splittable:
        return (text,)  # a table cell: one cell as it stands
    return _valid_prefixes(text, _pattern(column))


@lru_cache(maxsize=65536)  # the walk reaches the same rest of a run by many cuts before it
def _valid_prefixes(text: str, pattern: re.Pattern) -> tuple[str, ...]:
    first = text[0]
    if first in DASH_CHARS:
        # a dash printed for a zero, one character or two alike (—— is one cell as often as two); before digits
        # in a column that may be negative, a sign as well
        dashes = (first, text[:2]) if text[1:2] == first else (first,)
        if first == "-" and text[1:2].isdigit():
            return dashes + _numbers(text, pattern)
        return dashes
    if first in SLASHES:
        return (first,)
    if first.isdigit():
        return _numbers(text, pattern)
    if first in _UNIT_STARTS:
        return ()  # a unit ends the cell before it: no cell starts with one
    return (text,)  # a word: one cell as it stands


def _numbers(text: str, pattern: re.Pattern) -> tuple[str, ...]:
    return tuple(candidate for end in range(1, len(text) + 1) if pattern.fullmatch(candidate := text[:end]))


def cuts(
    pieces: Sequence[tuple],
    columns: Sequence[Column],
    sums: Sums = (),
    budget: Budget | None = None,
) -> list[tuple[str, ...]]:
    """Every cut of `pieces` into one cell per column that keeps `sums`, in the order of its cells' lengths.

    A piece is (text, splittable, …): a run of glued cells from free text, or a table cell that stays whole.
    A cell never spans two pieces, and every piece is used whole. Raises TooManyWays past MAX_CANDIDATES
    cuts, or past RUN_STEPS steps or what is left of `budget` (a budget of its own by default).
    """
    if not pieces:
        return []
    if any(len(piece[0]) > LONGEST for piece in pieces):
        raise TooManyWays
    texts = tuple(piece[0] for piece in pieces)
    digits = all(piece[1] for piece in pieces) and all(map(_DIGITS.fullmatch, texts))
    if digits and sum(map(len, texts)) == len(columns):  # a digit per cell: one cut, the most common row
        cut = tuple("".join(texts))
        return [cut] if all(sum(sign * int(cut[i]) for i, sign in terms) == 0 for terms in sums) else []
    budget = budget or Budget()
    allowed = min(RUN_STEPS, budget.left)
    if digits:
        # digits only: every column reads them alike (no leading zero, the value is the integer), and no value is
        # negative, so a sum still open bounds the cells left to it
        walk: _DigitWalk | _TokenWalk = _DigitWalk(texts, len(columns), sums, allowed)
    else:
        walk = _TokenWalk(pieces, columns, sums, allowed)
    try:
        found = walk.run()
    finally:
        budget.left -= allowed - max(walk.steps, 0)
    if isinstance(walk, _DigitWalk):
        found.sort(key=_lengths)  # the walk goes from the last cell
    return found


def fewest_cells(pieces: Sequence[tuple]) -> int | None:
    """The fewest cells runs of digits can stand for (each leading 0 a cell, the rest of a piece one number), so
    how many blank cells, which glued text drops, they may have lost; None for other pieces."""
    fewest = 0
    for piece in pieces:
        text = piece[0]
        if not (piece[1] and _DIGITS.fullmatch(text)):
            return None
        rest = text.lstrip("0")
        fewest += len(text) - len(rest) + (1 if rest else 0)
    return fewest


def _lengths(cut: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(map(len, cut))


@lru_cache(maxsize=256)
def _reverse_plan(n: int, sums: Sums) -> tuple[tuple[tuple[tuple[int, int], ...], tuple[tuple[int, ...], ...]], ...]:
    """Per cell, walked from the last to the first: how its value enters each sum, and how each sum bounds it.

    For cell j: the (sum, sign) entries it adds to, then (sum, side, exact, covers) bounds: when every cell of a
    sum at or before j stands on one side, those cells must add up to what the cells after j left over (times
    `side`), so each is at most that and the sum's first cell is exactly that; `covers` when those cells are
    all the cells from j back to the run's first, which then bounds how many characters they can hold.
    """
    plan = []
    for j in range(n):
        enters = tuple((k, sign) for k, terms in enumerate(sums) for cell, sign in terms if cell == j)
        bounds = []
        for k, terms in enumerate(sums):
            sides = {sign for cell, sign in terms if cell <= j}
            if any(cell == j for cell, _ in terms) and len(sides) == 1:
                exact = min(cell for cell, _ in terms) == j
                covers = {cell for cell, _ in terms if cell <= j} == set(range(j + 1))
                bounds.append((k, sides.pop(), int(exact), int(covers)))
        plan.append((enters, tuple(bounds)))
    return tuple(plan)


def _can_add_up(chars: int, cells: int, total: int) -> bool:
    """Whether `chars` digits cut into `cells` cells could add up to `total`: a cell of k digits is below 10**k
    (and at least 10**(k-1) but for "0"), so the cells cannot be too long for the total nor too short."""
    digits = len(str(total))
    if chars > cells * digits:
        return False  # some cell would have more digits than the total
    longest = chars - cells + 1  # the most digits one cell can take, the others taking one each
    return digits <= longest or total <= 10**longest - 1 + 9 * (cells - 1)


class _DigitWalk:
    """Cuts of runs of ASCII digits, cell by cell from the last, each sum's cells bounded by what is left of it.

    When the cells left are few and one sum covers them all, whether they can add up to what is left of it is
    looked up in the sums their text can make (worked out from the first character on, once per place): the
    walk from the end meets the sums from the start, and goes on only where they meet.
    """

    def __init__(self, texts: tuple[str, ...], n: int, sums: Sums, steps: int):
        self.texts, self.n, self.steps = texts, n, steps
        self.plan = _reverse_plan(n, sums)
        self.before = [0]  # characters in the pieces before each piece
        for text in texts:
            self.before.append(self.before[-1] + len(text))
        self.open = [0] * len(sums)  # each sum's signed total over the cells cut so far
        self.cells = [""] * n
        self.found: list[tuple[str, ...]] = []
        self.made: dict[tuple[int, int, int], set[int]] = {}  # (cells, piece, end): sums they can make

    def run(self) -> list[tuple[str, ...]]:
        last = len(self.texts) - 1
        if len(self.texts) <= self.n < self.before[-1]:
            self._walk(self.n - 1, last, len(self.texts[last]))
        return self.found

    def _walk(self, j: int, piece: int, end: int) -> None:
        """Cut cell j, which ends at `end` in piece `piece`; cells j-1 … 0 lie before it."""
        self.steps -= 1
        if self.steps < 0:
            raise TooManyWays
        enters, bounds = self.plan[j]
        most = exact = None
        for k, side, is_exact, covers in bounds:
            left = -self.open[k] * side  # what the cells of sum k from j back must add up to
            if left < 0 or (exact is not None and is_exact and left != exact):
                return
            if covers:
                if j < _MEET:
                    if left not in self._sums(j + 1, piece, end):
                        return
                elif not _can_add_up(self.before[piece] + end, j + 1, left):
                    return
            if is_exact:
                exact = left
            if most is None or left < most:
                most = left
        if exact is not None and exact > most:
            return
        # where cell j may start: each cell before it needs a character, and each piece before it a cell
        before = self.before[piece]
        if j == 0:
            if piece:
                return
            starts: range | list[int] = [0]
        else:
            low = max(1, j - before) if piece < j else end
            starts = range(end - 1, low - 1, -1)
            if 0 < piece <= j <= before:
                starts = [*starts, 0]
        text, cells, open_sums = self.texts[piece], self.cells, self.open
        if exact is not None:
            cell = str(exact)
            start = end - len(cell)
            if start not in starts or text[start:end] != cell:
                return
            starts = [start]
        for start in starts:
            cell = text[start:end]
            if cell[0] == "0" and len(cell) > 1:
                continue
            self.steps -= 1 + len(cell) // 32  # reading a long number costs more
            if self.steps < 0:
                raise TooManyWays
            value = int(cell) if enters or most is not None else 0
            if most is not None and value > most:
                break  # a longer cell is larger still
            cells[j] = cell
            for k, sign in enters:
                open_sums[k] += sign * value
            if j == 0:
                self.found.append(tuple(cells))
                if len(self.found) > MAX_CANDIDATES:
                    raise TooManyWays
            elif start > 0:
                self._walk(j - 1, piece, start)
            else:
                self._walk(j - 1, piece - 1, len(self.texts[piece - 1]))
            for k, sign in enters:
                open_sums[k] -= sign * value

    def _sums(self, count: int, piece: int, end: int) -> set[int]:
        """Every sum of `count` cells cut from the text before `end` in piece `piece` (and all pieces before)."""
        key = (count, piece, end)
        made = self.made.get(key)
        if made is not None:
            return made
        made = set()
        text = self.texts[piece]
        if count == 1:
            if piece == 0 and (end == 1 or text[0] != "0"):
                made.add(int(text[:end]))
        else:
            for start in range(end - 1, -1, -1):
                if text[start] == "0" and end - start > 1:
                    continue
                if start:
                    before = self._sums(count - 1, piece, start)
                elif piece:
                    before = self._sums(count - 1, piece - 1, len(self.texts[piece - 1]))
                else:
                    continue
                self.steps -= 1 + len(before) * (1 + (end - start) // 32)
                if self.steps < 0:
                    raise TooManyWays
                value = int(text[start:end])
                made.update(value + total for total in before)
        self.made[key] = made
        return made


_MEET = 3  # with this many cells left or fewer, the walk looks up the sums they can make


class _TokenWalk:
    """Cuts of any pieces (signs, decimals, units, dashes, table cells), cell by cell from the first."""

    def __init__(self, pieces: Sequence[tuple], columns: Sequence[Column], sums: Sums, steps: int):
        self.pieces, self.columns, self.steps = pieces, columns, steps
        self.n = len(columns)
        self.units = [column.unit for column in columns]
        self.enters: list[list[tuple[int, int]]] = [[] for _ in columns]
        self.closes: list[list[int]] = [[] for _ in columns]  # sums whose last cell this is
        for k, terms in enumerate(sums):
            for cell, sign in terms:
                self.enters[cell].append((k, sign))
            self.closes[max(cell for cell, _ in terms)].append(k)
        self.open = [0.0] * len(sums)
        self.cells: list[str] = []
        self.found: list[tuple[str, ...]] = []

    def run(self) -> list[tuple[str, ...]]:
        self._walk(0, 0, 0)
        return self.found

    def _walk(self, piece: int, offset: int, column: int) -> None:
        if piece == len(self.pieces):
            if column == self.n:
                self.found.append(tuple(self.cells))
                if len(self.found) > MAX_CANDIDATES:
                    raise TooManyWays
            return
        if self.n - column < len(self.pieces) - piece:
            return
        text, splittable = self.pieces[piece][:2]
        rest = text[offset:]
        self.steps -= len(rest)  # finding the prefixes reads the rest of the piece
        if self.steps < 0:
            raise TooManyWays
        enters, closes, open_sums = self.enters[column], self.closes[column], self.open
        for cell in _prefixes(rest, self.columns[column], splittable):
            self.steps -= 1
            if self.steps < 0:
                raise TooManyWays
            if enters:
                value = number_or_zero(cell, self.units[column])
                for k, sign in enters:
                    open_sums[k] += sign * value
                kept = all(abs(open_sums[k]) < 1e-9 for k in closes)
            else:
                kept = True
            if kept:
                self.cells.append(cell)
                if len(cell) == len(rest):
                    self._walk(piece + 1, 0, column + 1)
                elif column + 1 < self.n:
                    self._walk(piece, offset + len(cell), column + 1)
                self.cells.pop()
            for k, sign in enters:
                open_sums[k] -= sign * value
