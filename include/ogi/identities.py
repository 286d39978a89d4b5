"""The identities of the template as concrete checks: which cells add up to which, per column or per row."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from itertools import repeat

from ogi.rules import Identity
from ogi.template import Layout, Spec

CellKey = tuple[str, str]  # (row, column)


@dataclass(frozen=True)
class Check:
    identity: str
    table: str
    scope: str  # a column (over=columns) or a row (over=rows)
    lhs: tuple[CellKey, ...]
    rhs: tuple[CellKey, ...]

    @property
    def cells(self) -> tuple[CellKey, ...]:
        return self.lhs + self.rhs

    def holds(self, values: Mapping[CellKey, float | int]) -> bool:
        """Whether the sides add up, cells outside `values` counting as 0."""
        get = values.get
        return abs(sum(map(get, self.lhs, repeat(0))) - sum(map(get, self.rhs, repeat(0)))) < 1e-9


def checks_for(identity: Identity, layout: Layout) -> Iterator[Check]:
    lhs, rhs = identity.terms(layout)
    rows = {row.code: row for row in layout.rows}
    if identity.over == "columns":
        for column in layout.columns:
            yield Check(
                identity.code,
                identity.table,
                column,
                tuple((r, column) for r in lhs if r in rows),
                tuple((r, column) for r in rhs if r in rows),
            )
    else:
        for row in layout.rows:
            if all(c in row.columns for c in lhs + rhs):
                yield Check(
                    identity.code,
                    identity.table,
                    row.code,
                    tuple((row.code, c) for c in lhs),
                    tuple((row.code, c) for c in rhs),
                )


def table_checks(spec: Spec, layout: Layout) -> list[Check]:
    return _table_checks(spec, layout.table, layout.code)


@cache
def _table_checks(spec: Spec, table: str, layout_code: str) -> list[Check]:
    layout = spec.layout(table, layout_code)
    return [
        check
        for identity in spec.identities.values()
        if identity.table == table
        for check in checks_for(identity, layout)
    ]


def all_hold(checks: list[Check], values: Mapping[CellKey, float | int]) -> bool:
    return all(map(Check.holds, checks, repeat(values)))
