"""A table's cells from runs of values that may be glued: each run cut, then the cuts kept that the identities allow.

A run holds the values read after a row's label (or after a table's header). Printed tables give one value per
cell; crawler text glues them (`801000081`), and the run is cut into cells (segment.py) keeping the cuts that
satisfy the identities within it (I3, I4). Figures stated in the narrative settle the cells they name. The
identities spanning several runs (I1, I2 down each column) then keep only the combinations of the runs' cuts
that satisfy them all, found by a search with bounds. What is left is reported as candidates: nothing here
picks one, and every search is bounded by the steps it takes, not by the number of ways it could go.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from ogi.cells import number_or_zero
from ogi.grammar import Piece
from ogi.identities import CellKey, Check
from ogi.segment import Budget, Sums, TooManyWays, cuts
from ogi.template import Column

COMBINE_STEPS = 100_000  # per table: the combinations of real tables take a few dozen
_TEXT = attrgetter("text")


@dataclass
class Run:
    """Consecutive cells read from one stretch of values, and the cuts of it still possible."""

    keys: Sequence[CellKey]
    columns: Sequence[Column]
    pieces: list[Piece]
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    error: str | None = None

    @cached_property
    def units(self) -> list[str | None]:
        return [column.unit for column in self.columns]


def cut_run(run: Run, label: str, checks: list[Check], hints: dict[CellKey, int], budget: Budget | None = None) -> None:
    """Set the run's candidates: its cuts that keep its own identities (all its cuts where none does), or its error.

    `budget`: the steps the table's runs may still take to be cut (shared by them; a budget of its own by default).
    """
    n = len(run.keys)
    pieces = run.pieces
    while len(pieces) > n and not pieces[0].splittable and not pieces[0].text:
        pieces = pieces[1:]  # an empty cell between the label and the values (a merged label cell's rest)
    while len(pieces) > n and not pieces[-1].splittable and not pieces[-1].text:
        pieces = pieces[:-1]
    if len(pieces) == n:  # one value per cell, as printed tables have
        run.candidates = [tuple(map(_TEXT, pieces))]
        return
    if len(pieces) > n:
        run.error = f"{label}: {len(pieces)} values where {n} are expected ({_shown(pieces)})"
        return
    if not pieces:
        run.error = f"{label}: no values printed"
        return
    sums = _table(checks).sums(run.keys)
    budget = budget or Budget()
    if budget.left <= 0:
        run.error = f"{label}: '{_shown(pieces)}' not cut into {n} cells: the table's runs took all the steps allowed"
        return
    try:
        # cuts that keep the run's own identities; when none does (the report breaks them as printed),
        # every valid cut stays a candidate
        run.candidates = (sums and cuts(pieces, run.columns, sums, budget)) or cuts(pieces, run.columns, (), budget)
    except TooManyWays:
        run.error = f"{label}: '{_shown(pieces)}' has too many ways to cut into {n} cells"
        return
    if not run.candidates:
        run.error = f"{label}: {len(pieces)} values where {n} are expected ({_shown(pieces)})"
        return
    if hints:
        apply_hints(run, hints)


def _shown(pieces: Sequence[Piece]) -> str:
    return " ".join(p.text or "∅" for p in pieces)


def apply_hints(run: Run, hints: dict[CellKey, int]) -> None:
    """Keep the cuts that agree with the values the narrative states, if any does."""
    for key, value in hints.items():
        if key in run.keys and len(run.candidates) > 1:
            index = run.keys.index(key)
            unit = run.units[index]
            kept = [c for c in run.candidates if number_or_zero(c[index], unit) == value]
            run.candidates = kept or run.candidates


class _TableChecks:
    """A table's checks by cell number (each check's lhs and rhs cells, the checks each cell enters), and what
    they ask of each run, worked out once per layout."""

    def __init__(self, checks: list[Check]):
        self.checks = checks
        self.number: dict[CellKey, int] = {}
        for check in checks:
            for key in check.cells:
                self.number.setdefault(key, len(self.number))
        self.lhs = [tuple(map(self.number.__getitem__, check.lhs)) for check in checks]
        self.rhs = [tuple(map(self.number.__getitem__, check.rhs)) for check in checks]
        self.enters: list[list[tuple[int, int]]] = [[] for _ in self.number]
        for k, (lhs, rhs) in enumerate(zip(self.lhs, self.rhs)):
            for cell in lhs:
                self.enters[cell].append((k, 1))
            for cell in rhs:
                self.enters[cell].append((k, -1))
        self._numbers: dict[Sequence[CellKey], list[tuple[int, int]]] = {}
        self._terms: dict[Sequence[CellKey], tuple[list[int], list[tuple[int, int, int]]]] = {}
        self._sums: dict[Sequence[CellKey], Sums] = {}

    def sums(self, keys: Sequence[CellKey]) -> Sums:
        """The checks whose cells all lie in the run, by the cells' places in it."""
        known = self._sums.get(keys)
        if known is None:
            place = {key: i for i, key in enumerate(keys)}
            known = self._sums[keys] = tuple(
                tuple((place[key], 1) for key in check.lhs) + tuple((place[key], -1) for key in check.rhs)
                for check in self.checks
                if all(key in place for key in check.cells)
            )
        return known

    def numbered(self, keys: Sequence[CellKey]) -> list[tuple[int, int]]:
        """(index in the run, cell number) of the run's cells that some check names."""
        known = self._numbers.get(keys)
        if known is None:
            known = self._numbers[keys] = [(i, self.number[key]) for i, key in enumerate(keys) if key in self.number]
        return known

    def terms(self, keys: Sequence[CellKey]) -> tuple[list[int], list[tuple[int, int, int]]]:
        """The checks a run's cells enter, and each entry as (cell of the run, which of those checks, sign)."""
        known = self._terms.get(keys)
        if known is None:
            entries = [(i, k, sign) for i, cell in self.numbered(keys) for k, sign in self.enters[cell]]
            reached = sorted({k for _i, k, _sign in entries})
            position = {k: p for p, k in enumerate(reached)}
            known = self._terms[keys] = (reached, [(i, position[k], sign) for i, k, sign in entries])
        return known


_TABLES: dict[int, _TableChecks] = {}


def _table(checks: list[Check]) -> _TableChecks:
    """The checks worked out for the list `checks` (identities.table_checks gives one list per layout)."""
    known = _TABLES.get(id(checks))
    if known is None or known.checks is not checks:  # not another list that took its id
        if len(_TABLES) > 256:
            _TABLES.clear()
        known = _TABLES[id(checks)] = _TableChecks(checks)
    return known


def combine(runs: list[Run], checks: list[Check], steps: int = COMBINE_STEPS) -> None:
    """Keep only the combinations of the runs' cuts that satisfy every check, where any does.

    Where no combination satisfies them all (the report breaks an identity), or the search runs past its
    steps, every run keeps its candidates.
    """
    open_runs = [run for run in runs if len(run.candidates) > 1]
    if not open_runs or not checks:
        return
    if sum(len(run.candidates) * len(run.keys) for run in open_runs) > steps:
        return
    table = _table(checks)
    value: list[float | int] = [0] * len(table.number)  # the fixed cells' values; an open run's cells count 0 here
    for run in runs:
        if len(run.candidates) == 1:
            values = list(map(number_or_zero, run.candidates[0], run.units))
            for i, cell in table.numbered(run.keys):
                value[cell] = values[i]
    get = value.__getitem__
    constants = [sum(map(get, lhs)) - sum(map(get, rhs)) for lhs, rhs in zip(table.lhs, table.rhs)]
    # per check, per open run it reaches: what each of the run's cuts adds to it
    shares: dict[int, dict[int, list[float | int]]] = {}
    for r, run in enumerate(open_runs):
        reached, entries = table.terms(run.keys)
        parts: list[list[float | int]] = [[0] * len(run.candidates) for _ in reached]
        for c, cut in enumerate(run.candidates):
            values = list(map(number_or_zero, cut, run.units))
            for i, p, sign in entries:
                parts[p][c] += sign * values[i]
        for k, part in zip(reached, parts):
            shares.setdefault(k, {})[r] = part
    domains = [list(range(len(run.candidates))) for run in open_runs]
    linked: list[_Linked] = []
    for k, constant in enumerate(constants):
        by_run = shares.get(k)
        if by_run is None:
            if abs(constant) >= 1e-9:
                return  # fixed cells break it: no combination satisfies every check
        elif len(by_run) == 1:  # one run's cuts alone decide it
            ((r, share),) = by_run.items()
            domains[r] = [c for c in domains[r] if abs(constant + share[c]) < 1e-9]
            if not domains[r]:
                return
        else:
            linked.append((constant, by_run))
    searched = sorted({r for _constant, by_run in linked for r in by_run})
    if searched:
        solutions = _search([domains[r] for r in searched], [_renumbered(check, searched) for check in linked], steps)
        if not solutions:
            return
        for position, r in enumerate(searched):
            domains[r] = list(dict.fromkeys(solution[position] for solution in solutions))
    for run, domain in zip(open_runs, domains):
        if len(domain) < len(run.candidates):
            run.candidates = [run.candidates[c] for c in domain]


# A check reaching several runs: its constant (the fixed cells), and per run the part each of its cuts adds.
_Linked = tuple[float | int, dict[int, list[float | int]]]


def _renumbered(check: _Linked, searched: list[int]) -> _Linked:
    constant, shares = check
    return constant, {searched.index(r): share for r, share in shares.items()}


def _search(domains: list[list[int]], linked: list[_Linked], steps: int) -> list[tuple[int, ...]]:
    """Every choice of one cut per run (by index, runs in order) that satisfies the checks; [] past `steps`.

    After each choice every check it reaches is bounded by the least and the most the runs still to choose could
    add, and the branch is dropped when 0 lies outside those bounds.
    """
    count = len(domains)
    # per run: the checks it reaches, each with what the runs after it can still add at least and at most
    reach: list[list[tuple[int, list[float | int], float | int, float | int]]] = [[] for _ in range(count)]
    for k, (_constant, shares) in enumerate(linked):
        low = high = 0
        for r in range(count - 1, -1, -1):
            share = shares.get(r)
            if share is not None:
                reach[r].append((k, share, low, high))
                options = [share[c] for c in domains[r]]
                low += min(options)
                high += max(options)
    partial = [constant for constant, _ in linked]
    chosen = [0] * count
    solutions: list[tuple[int, ...]] = []
    left = steps

    def choose(r: int) -> bool:
        """Whether the search may go on (False once the steps ran out)."""
        nonlocal left
        if r == count:
            solutions.append(tuple(chosen))
            return True
        for c in domains[r]:
            left -= 1
            if left < 0:
                return False
            fits = True
            for k, share, low, high in reach[r]:
                total = partial[k] = partial[k] + share[c]
                if total + high < -1e-9 or total + low > 1e-9:
                    fits = False
            if fits:
                chosen[r] = c
                if not choose(r + 1):
                    return False
            for k, share, _low, _high in reach[r]:
                partial[k] -= share[c]
        return True

    return solutions if choose(0) else []
