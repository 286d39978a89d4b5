"""A table's cells from runs of values that may be glued: each run cut, then the cuts kept that the identities allow.

A run holds the values read after a row's label (or after a table's header). Printed tables give one value per
cell; crawler text glues them (`801000081`), and the run is cut into cells (segment.py) keeping the cuts that
satisfy the identities within it (I3, I4). Figures stated in the narrative settle the cells they name. The
identities spanning several runs (I1, I2 down each column) then keep the combinations of the runs' cuts that
satisfy them all, found by a search with bounds; where none does, the report breaks an identity, and `combine`
says what is kept then. What is left is reported as candidates, or the run as partial: nothing here picks
one, and every search is bounded by the steps it takes, not by the number of ways it could go.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from operator import attrgetter

from ogi.cells import number_or_zero
from ogi.grammar import Piece
from ogi.identities import CellKey, Check
from ogi.printed import UNIT
from ogi.segment import Budget, Sums, TooManyWays, cuts, fewest_cells
from ogi.template import Column

COMBINE_STEPS = 100_000  # per table: the combinations of real tables take a few dozen
_TEXT = attrgetter("text")
_UNIT = re.compile(UNIT)


@dataclass
class Run:
    """Consecutive cells read from one stretch of values, and the cuts of it still possible."""

    keys: Sequence[CellKey]
    columns: Sequence[Column]
    pieces: list[Piece]
    candidates: list[tuple[str, ...]] = field(default_factory=list)
    error: str | None = None
    label: str = ""
    glued: list[Piece] | None = None  # the pieces it was cut from, where they could be cut more than one way
    sums: Sums = ()  # the identities within the run, by the places of its cells
    broken: bool = False  # no cut keeps `sums`: the candidates are every cut
    hints: tuple[tuple[int, float | int], ...] = ()  # (place, value) the narrative states

    @cached_property
    def units(self) -> list[str | None]:
        return [column.unit for column in self.columns]


def cut_run(run: Run, label: str, checks: list[Check], hints: dict[CellKey, int], budget: Budget | None = None) -> None:
    """Set the run's candidates: its cuts that keep its own identities (all its cuts where none does), or its error.

    `budget`: the steps the table's runs may still take to be cut (shared by them; a budget of its own by default).
    """
    n = len(run.keys)
    run.label = label
    pieces = run.pieces
    while len(pieces) > n and not pieces[0].splittable and not pieces[0].text:
        pieces = pieces[1:]  # an empty cell between the label and the values (a merged label cell's rest)
    while len(pieces) > n and not pieces[-1].splittable and not pieces[-1].text:
        pieces = pieces[:-1]
    if len(pieces) == n:  # one value per cell, as printed tables have
        run.pieces = pieces
        run.candidates = [tuple(map(_TEXT, pieces))]
        return
    if len(pieces) > n:
        run.error = f"{label}: {len(pieces)} values where {n} are expected ({_shown(pieces)})"
        return
    if not pieces:
        run.error = f"{label}: no values printed"
        return
    run.glued = pieces
    run.sums = _table(checks).sums(run.keys)
    run.hints = tuple((run.keys.index(key), value) for key, value in hints.items() if key in run.keys)
    budget = budget or Budget()
    if budget.left <= 0:
        run.error = f"{label}: '{_shown(pieces)}' not cut into {n} cells: the table's runs took all the steps allowed"
        return
    try:
        # cuts that keep the run's own identities; when none does (the report breaks them as printed), every
        # valid cut of one glued run stays a candidate. Values printed apart but too few (empty cells lost)
        # are cut only where the identities say how: else 122 124 would read 1|2|2|1|2|4.
        kept = run.sums and cuts(pieces, run.columns, run.sums, budget)
        run.broken = bool(run.sums) and not kept
        if not kept and (not run.sums or len(pieces) == 1):
            kept = cuts(pieces, run.columns, (), budget)
        run.candidates = hinted(kept or [], run)
    except TooManyWays:
        run.error = f"{label}: '{_shown(pieces)}' has too many ways to cut into {n} cells"
        return
    if not run.candidates:
        run.error = f"{label}: {len(pieces)} values where {n} are expected ({_shown(pieces)})"
    elif fewest_cells(pieces) == n:  # its digits stand for no fewer cells: one cut, and no blank lost
        run.glued, run.broken = None, False


def short_rows(runs: list[Run], empty: bool = True) -> list[str]:
    """The rows of glued text printed with fewer characters than they have cells: the text drops blank cells.
    `empty`: whether a row printed with nothing at all counts (表三's rows with nothing to report are printed
    so by reports that print their zeros); a row read as blank because its label is followed at once by the next
    (`match_rows`) does not."""
    if not any(piece.splittable for run in runs for piece in run.pieces):
        return []  # cells printed apart keep their blanks
    return [
        run.keys[0][0]
        for run in runs
        if 0 < sum(map(_value_characters, run.pieces)) < len(run.keys) or (empty and not run.pieces)
    ]


def _value_characters(piece: Piece) -> int:
    """The characters of a piece that values are made of: its units stand for no cell (4项 is one value)."""
    return len(_UNIT.sub("", piece.text))


def set_aside_where_blanks_drop(runs: list[Run], checks: list[Check], evidence: str) -> None:
    """Glued text leaves no trace of a blank cell: where the report shows it drops them (`evidence`), a row its
    characters fill in more than one way (426 is 4|2|6, or 426 and two blanks) is read only where a check across
    rows confirms it, and is partial otherwise; a row of a table no identity checks (表二) printed with nothing
    at all is a blank row, unless most are (then the values are printed elsewhere)."""
    if checks:
        _confirmed([run for run in runs if not run.error], _table(checks), because=evidence)
        return
    empty = [run for run in runs if not run.pieces]
    if len(empty) * 2 < len(runs):
        for run in empty:
            run.error, run.candidates = None, [("",) * len(run.keys)]
    for run in runs:
        if run.glued and not run.error:
            run.error = (
                f"{run.label}: '{_shown(run.glued)}' stands for {len(run.keys)} cells in more than one way, and "
                f"this report drops blank cells without a trace ({evidence})"
            )


def distrust_broken_where_blanks_drop(runs: list[Run], checks: list[Check], evidence: str) -> None:
    """After `combine`: where the report drops blank cells, a glued row read one way only because its blanks left
    no trace is trusted only where every identity it enters holds; a row in a broken one is partial (its single
    cut keeps a total by chance, or not at all)."""
    values: dict[CellKey, float | int] = {}
    for run in runs:
        if not run.error and len(run.candidates) == 1:
            values.update(zip(run.keys, map(number_or_zero, run.candidates[0], run.units)))
    broken = {
        cell
        for check in checks
        if all(c in values for c in check.cells) and not check.holds(values)
        for cell in check.cells
    }
    for run in runs:
        if run.glued and not run.error and broken.intersection(run.keys):
            run.error = (
                f"{run.label}: '{_shown(run.glued)}' not read: an identity it enters breaks, and this report drops "
                f"blank cells without a trace ({evidence})"
            )


def _shown(pieces: Sequence[Piece]) -> str:
    return " ".join(p.text or "∅" for p in pieces)


def hinted(candidates: list[tuple[str, ...]], run: Run) -> list[tuple[str, ...]]:
    """The cuts that agree with the values the narrative states, where any does."""
    for place, value in run.hints:
        if len(candidates) > 1:
            unit = run.units[place]
            candidates = [c for c in candidates if number_or_zero(c[place], unit) == value] or candidates
    return candidates


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


class _OutOfSteps(Exception):
    pass


class _Steps:
    """What a table's search for combinations may still take."""

    __slots__ = ("left",)

    def __init__(self, left: int):
        self.left = left

    def take(self, count: int) -> None:
        self.left -= count
        if self.left < 0:
            raise _OutOfSteps


def combine(runs: list[Run], checks: list[Check], budget: Budget | None = None, steps: int = COMBINE_STEPS) -> None:
    """Keep the combinations of the runs' cuts that the identities allow, across runs.

    Where some combination of cuts keeping every run's own identities satisfies every check, only those stay,
    as before. Where none does, the report breaks an identity (or a row was not read):
    - a glued run whose cells no check across runs can confirm (their checks name a row not read; 表四, which
      no other table checks) is partial: its own identities are no evidence once the report breaks one, and
      its cuts may not even hold the printed one (a blank cell leaves no trace in glued text);
    - the other runs keep the cuts one misprinted cell, wherever it is, would explain: every check that names
      neither it nor an unread cell holds, and confirms the rest of its run. One cell more than the fewest the
      report may need, so that a reading that keeps every identity by chance does not hide the one printed;
    - where one cell does not explain it, the runs no cut reads consistently are set aside as partial and the
      rest is read again; where that fails, or the search runs past its steps, no identity is trusted: every
      glued run has all its cuts (partial where they are too many, or where none keeps its identities).
    """
    if not checks or not any(run.glued for run in runs):
        return  # every cell printed apart: one reading each, nothing to choose or read again
    table, budget, counter = _table(checks), budget or Budget(), _Steps(steps)
    alone = Budget()  # the steps reading runs alone may take: every cut of each, none kept by identities
    problem = _Problem(runs, table, budget, counter)
    try:
        kept = problem.solve(frozenset(), every_check=True)
        if kept is not None:
            problem.keep(kept, in_order=True)
            return
        problem = _Problem(_confirmed(runs, table), table, budget, counter)
        explained = problem.explain(1)
        if explained is None and any(run.glued and run.broken for run in problem.runs):
            for run in problem.runs:
                if run.glued and run.broken:
                    run.error = f"{run.label}: '{_shown(run.glued)}' keeps its identities under no cut, {_UNEXPLAINED}"
            left = [run for run in problem.runs if not run.error]
            problem = _Problem(_confirmed(left, table), table, budget, counter)
            explained = problem.explain(1)
        if explained is not None:
            problem.keep(explained, in_order=False)
            return
    except (_OutOfSteps, TooManyWays):
        problem.trust_none("and the search for a misprinted cell ran out of steps", alone)
        return
    problem.trust_none(_UNEXPLAINED, alone)


_UNEXPLAINED = "and no misprinted cell explains the table (a blank cell may have left no trace)"


def _confirmed(runs: list[Run], table: _TableChecks, because: str | None = None) -> list[Run]:
    """The runs whose every cell a check across runs names (each of its cells held by a run). A glued run whose
    cells no such check names is partial: once the report breaks an identity, a run's own identities are no
    evidence for any cut of it, and its cuts may not hold the printed one (a blank cell leaves no trace in glued
    text). Setting one aside leaves its checks unknown, so others may lose their confirmation in turn."""
    while True:
        held = {cell: r for r, run in enumerate(runs) for _i, cell in table.numbered(run.keys)}
        named: set[int] = set()
        for lhs, rhs in zip(table.lhs, table.rhs):
            cells = lhs + rhs
            if all(c in held for c in cells) and len({held[c] for c in cells}) > 1:
                named.update(cells)
        alone = [run for run in runs if run.glued and any(cell not in named for _i, cell in table.numbered(run.keys))]
        if not alone:
            return runs
        for run in alone:
            if because is None:
                run.error = f"{run.label}: '{_shown(run.glued or [])}' not read: {_ALONE}"
            else:
                run.error = (
                    f"{run.label}: '{_shown(run.glued or [])}' not read: no check across rows can confirm a cut "
                    f"of it, and this report drops blank cells without a trace ({because})"
                )
        runs = [run for run in runs if not run.error]


_ALONE = (
    "the table breaks an identity and no check across rows can confirm a cut of this row "
    "(a blank cell may have left no trace)"
)


def _read_alone(run: Run, why: str, budget: Budget) -> None:
    """All the run's cuts (steps of their own), or partial where none keeps its own identities or they are too
    many."""
    if run.broken:
        run.error = f"{run.label}: '{_shown(run.glued or [])}' keeps its identities under no cut, {why}"
        return
    try:
        run.candidates = hinted(cuts(run.glued or [], run.columns, (), budget), run)
    except TooManyWays:
        run.error = f"{run.label}: '{_shown(run.glued or [])}' has too many ways to cut into {len(run.keys)} cells"


class _Problem:
    """A table's runs, the checks among them, and the readings each misprinted cell would allow."""

    def __init__(self, runs: list[Run], table: _TableChecks, budget: Budget, steps: _Steps):
        self.runs, self.table, self.budget, self.steps = runs, table, budget, steps
        self._cuts: dict[tuple[int, frozenset[int]], list[tuple[str, ...]]] = {}

    @cached_property
    def owner(self) -> dict[int, tuple[int, int]]:
        """Cell number → (run, place in the run), for the cells the runs hold."""
        return {cell: (r, i) for r, run in enumerate(self.runs) for i, cell in self.table.numbered(run.keys)}

    @cached_property
    def readable(self) -> list[bool]:
        """Per check: whether the runs hold all its cells (one naming a row not read neither holds nor fails)."""
        owner = self.owner
        return [all(c in owner for c in lhs + rhs) for lhs, rhs in zip(self.table.lhs, self.table.rhs)]

    def domain(self, r: int, suspects: frozenset[int]) -> list[tuple[str, ...]]:
        """Run r's cuts when the cells `suspects` may be misprinted: those keeping its own identities but the ones
        naming a suspect cell (its candidates where there is none; none where no cut keeps them all)."""
        run = self.runs[r]
        if not suspects or not run.glued:
            return [] if run.broken else run.candidates
        dropped = frozenset(
            k
            for k, terms in enumerate(run.sums)
            if any(self.table.number.get(run.keys[i]) in suspects for i, _sign in terms)
        )
        if not dropped:
            return [] if run.broken else run.candidates
        key = (r, dropped)
        known = self._cuts.get(key)
        if known is None:
            kept_sums = tuple(terms for k, terms in enumerate(run.sums) if k not in dropped)
            known = self._cuts[key] = hinted(cuts(run.glued, run.columns, kept_sums, self.budget), run)
        return known

    def solve(self, suspects: frozenset[int], every_check: bool = False) -> list[list[tuple[str, ...]]] | None:
        """Per run, the cuts of its domain used by some combination satisfying every check that names no suspect
        cell and no cell left unread (`every_check`: every check, an unread cell counting 0); None when no
        combination does, or when a run read under a suspect cell has a cell no such check confirms (its
        reading would rest on nothing)."""
        table, runs = self.table, self.runs
        domains = [self.domain(r, suspects) for r in range(len(runs))]
        if not all(domains):
            return None
        self.steps.take(len(table.lhs) + sum(map(len, domains)))
        if every_check and not suspects:
            active = [True] * len(table.lhs)
        else:
            active = [
                (every_check or self.readable[k]) and suspects.isdisjoint(lhs + rhs)
                for k, (lhs, rhs) in enumerate(zip(table.lhs, table.rhs))
            ]
        if suspects:
            confirmed = {c for k, (lhs, rhs) in enumerate(zip(table.lhs, table.rhs)) if active[k] for c in lhs + rhs}
            for run in runs:
                cells = {cell for _i, cell in table.numbered(run.keys)}
                if run.glued and cells & suspects and not cells - suspects <= confirmed:
                    return None
        value: list[float | int] = [0] * len(table.number)  # the fixed cells' values; an open run's count 0 here
        open_runs = []
        for r, (run, domain) in enumerate(zip(runs, domains)):
            if len(domain) == 1:
                values = list(map(number_or_zero, domain[0], run.units))
                for i, cell in table.numbered(run.keys):
                    value[cell] = values[i]
            else:
                open_runs.append(r)
        get = value.__getitem__
        # per check, per open run it reaches: what each of the run's cuts adds to it
        shares: dict[int, dict[int, list[float | int]]] = {}
        for r in open_runs:
            run, domain = runs[r], domains[r]
            reached, entries = table.terms(run.keys)
            parts: list[list[float | int]] = [[0] * len(domain) for _ in reached]
            for c, cut in enumerate(domain):
                values = list(map(number_or_zero, cut, run.units))
                for i, p, sign in entries:
                    parts[p][c] += sign * values[i]
            for k, part in zip(reached, parts):
                shares.setdefault(k, {})[r] = part
        choices = {r: list(range(len(domains[r]))) for r in open_runs}
        linked: list[_Linked] = []
        for k, (lhs, rhs) in enumerate(zip(table.lhs, table.rhs)):
            if not active[k]:
                continue
            constant = sum(map(get, lhs)) - sum(map(get, rhs))
            by_run = shares.get(k)
            if by_run is None:
                if abs(constant) >= 1e-9:
                    return None  # fixed cells break it
            elif len(by_run) == 1:  # one run's cuts alone decide it
                ((r, share),) = by_run.items()
                choices[r] = [c for c in choices[r] if abs(constant + share[c]) < 1e-9]
                if not choices[r]:
                    return None
            else:
                linked.append((constant, by_run))
        searched = sorted({r for _constant, by_run in linked for r in by_run})
        if searched:
            solutions = _search([choices[r] for r in searched], [_renumbered(c, searched) for c in linked], self.steps)
            if not solutions:
                return None
            for position, r in enumerate(searched):
                choices[r] = list(dict.fromkeys(solution[position] for solution in solutions))
        kept = [domain for domain in domains]
        for r, chosen in choices.items():
            kept[r] = [domains[r][c] for c in chosen]
        return kept

    def suspects(self, count: int) -> list[frozenset[int]]:
        """The sets of `count` cells that could be the misprinted ones: each touches every run that no cut reads
        consistently, and every failing check on cells that cannot be read otherwise."""
        table, runs = self.table, self.runs
        needed: list[frozenset[int]] = [
            frozenset(cell for _i, cell in table.numbered(run.keys)) for run in runs if run.broken
        ]
        value: list[float | int] = [0] * len(table.number)
        fixed = set()
        for cell, (r, i) in self.owner.items():
            if not runs[r].glued:
                fixed.add(cell)
                value[cell] = number_or_zero(runs[r].candidates[0][i], runs[r].units[i])
        get = value.__getitem__
        for k, (lhs, rhs) in enumerate(zip(table.lhs, table.rhs)):
            if self.readable[k] and fixed.issuperset(lhs + rhs):
                if abs(sum(map(get, lhs)) - sum(map(get, rhs))) >= 1e-9:
                    needed.append(frozenset(lhs + rhs))
        everything = sorted(self.owner)
        found: dict[frozenset[int], None] = {}

        def extend(chosen: frozenset[int], left: int) -> None:
            """Add cells to `chosen`, each from the smallest need it does not meet yet (any cell once all are met)."""
            unmet = [need for need in needed if not chosen & need]
            if left == 0:
                if not unmet:
                    found[chosen] = None
                return
            for cell in sorted(min(unmet, key=len)) if unmet else everything:
                if cell not in chosen:
                    self.steps.take(1)
                    extend(chosen | {cell}, left - 1)

        extend(frozenset(), count)
        return list(found)

    def explain(self, count: int) -> list[list[tuple[str, ...]]] | None:
        """The union, over every set of `count` cells that could be misprinted, of the cuts that set allows."""
        union: list[dict[tuple[str, ...], None]] | None = None
        for suspects in self.suspects(count):
            kept = self.solve(suspects)
            if kept is None:
                continue
            if union is None:
                union = [{} for _ in self.runs]
            for seen, cuts_kept in zip(union, kept):
                seen.update(dict.fromkeys(cuts_kept))
        return None if union is None else [list(seen) for seen in union]

    def keep(self, kept: list[list[tuple[str, ...]]], in_order: bool) -> None:
        for run, cuts_kept in zip(self.runs, kept):
            if cuts_kept != run.candidates:
                run.candidates = cuts_kept if in_order else sorted(cuts_kept, key=_lengths)

    def trust_none(self, why: str, budget: Budget) -> None:
        """No identity trusted: every glued run read alone."""
        for run in self.runs:
            if run.glued:
                _read_alone(run, why, budget)


def _lengths(cut: tuple[str, ...]) -> tuple[int, ...]:
    return tuple(map(len, cut))


# A check reaching several runs: its constant (the fixed cells), and per run the part each of its cuts adds.
_Linked = tuple[float | int, dict[int, list[float | int]]]


def _renumbered(check: _Linked, searched: list[int]) -> _Linked:
    constant, shares = check
    return constant, {searched.index(r): share for r, share in shares.items()}


def _search(domains: list[list[int]], linked: list[_Linked], steps: _Steps) -> list[tuple[int, ...]]:
    """Every choice of one cut per run (by index, runs in order) that satisfies the checks.

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

    def choose(r: int) -> None:
        if r == count:
            solutions.append(tuple(chosen))
            return
        for c in domains[r]:
            steps.take(1)
            fits = True
            for k, share, low, high in reach[r]:
                total = partial[k] = partial[k] + share[c]
                if total + high < -1e-9 or total + low > 1e-9:
                    fits = False
            if fits:
                chosen[r] = c
                choose(r + 1)
            for k, share, _low, _high in reach[r]:
                partial[k] -= share[c]

    choose(0)
    return solutions
