"""Extracted cells shaped for GX: one frame per suite, each row one thing a rule checks.

`t3` rows are report × column (I1, I2), `t3_rows` report × row (I3), `t4` report × block (I4), `t2`
report × row (domain rules). `cross_year`, `narrative` and `consolidation` pair a report with last year's,
with its stated figures and with its members. A value is what identities use: a number as printed, 0 for a
blank, dash, slash or text (and `origin` says it was counted as 0), NaN when the cell is ambiguous or absent
(the identities using it are not assessable).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ogi import cells as C
from ogi.normalize import name_key
from ogi.rules import CellRef
from ogi.template import Spec

# How a frame value came about (the `origin` frame beside the values).
PRINTED, AS_ZERO, UNKNOWN, NOT_IN_LAYOUT = 0, 1, 2, 3

Ref = Callable[[tuple, str], list[str]]  # (key values, frame column) -> the cells that value is made of


@dataclass
class Frame:
    name: str
    keys: list[str]
    values: pd.DataFrame  # key columns, then one column per checked quantity
    origin: pd.DataFrame  # same index and value columns: PRINTED, AS_ZERO, UNKNOWN or NOT_IN_LAYOUT
    cells: Ref

    @property
    def columns(self) -> list[str]:
        return [c for c in self.values.columns if c not in self.keys]


def with_identity_values(cells: pd.DataFrame) -> pd.DataFrame:
    """cells + `v` (the value identities use) + `origin`."""
    kind = cells["kind"]
    zero_like = kind.isin(C.ZERO_LIKE)
    unknown = kind.isin((C.AMBIGUOUS, C.ABSENT))
    out = cells.assign(
        v=np.where(zero_like, 0.0, np.where(unknown, np.nan, cells["value"])),
        origin=np.where(zero_like, AS_ZERO, np.where(unknown, UNKNOWN, PRINTED)).astype("int8"),
    )
    return out


def _pivot(cells: pd.DataFrame, table: str, keys: list[str], columns_from: str, order: list[str]) -> tuple:
    part = cells[cells["table"] == table]
    values = part.pivot(index=keys, columns=columns_from, values="v")
    origin = part.pivot(index=keys, columns=columns_from, values="origin")
    values = values.reindex(columns=order)
    origin = origin.reindex(columns=order).fillna(NOT_IN_LAYOUT).astype("int8")
    values = values.mask(origin == NOT_IN_LAYOUT, 0.0)  # a row the layout lacks adds nothing
    values.columns.name = origin.columns.name = None
    return values.reset_index(), origin.reset_index(drop=True)


def union(lists: Iterable[Iterable[str]]) -> list[str]:
    return list(dict.fromkeys(code for codes in lists for code in codes))


def table_rows(spec: Spec, table: str) -> list[str]:
    return union([row.code for row in layout.rows] for layout in spec.tables[table].layouts.values())


def table_columns(spec: Spec, table: str) -> list[str]:
    return union(layout.columns for layout in spec.tables[table].layouts.values())


def by_column(spec: Spec, cells: pd.DataFrame, table: str, name: str) -> Frame:
    """report × column of `table`; one value column per row of the table."""
    keys = ["report_id", "col"]
    values, origin = _pivot(cells, table, keys, "row", table_rows(spec, table))
    return Frame(name, keys, values, origin, lambda key, column: [f"{table}.{column}.{key[1]}"])


def by_row(spec: Spec, cells: pd.DataFrame, table: str, name: str) -> Frame:
    """report × row of `table`; one value column per column of the table."""
    keys = ["report_id", "row"]
    values, origin = _pivot(cells, table, keys, "col", table_columns(spec, table))
    return Frame(name, keys, values, origin, lambda key, column: [f"{table}.{key[1]}.{column}"])


def year_column(ref) -> str:
    """The frame column of a this./previous. cell reference."""
    return f"{ref.year}__{ref.cell.table}__{ref.cell.row}__{ref.cell.column}"


def agency_key(agency: str | None, region: str | None) -> str | None:
    """Who a report is about, the same across years: the name without spaces, prefixed by its region."""
    if not isinstance(agency, str) or not agency.strip():
        return None
    name, region = name_key(agency), name_key(region if isinstance(region, str) else "")
    return name if not region or name.startswith(region) else region + name


def _cell_lookup(cells: pd.DataFrame, report_ids: Iterable[str]) -> pd.DataFrame:
    part = cells[cells["report_id"].isin(set(report_ids))]
    return part.set_index(["report_id", "table", "row", "col"])[["v", "origin"]]


def cross_year(spec: Spec, reports: pd.DataFrame, cells: pd.DataFrame) -> Frame:
    """this year's report × last year's report of the same agency, one value column per cell the rules name."""
    refs = union([[*c.lhs, *c.rhs] for rule in spec.rules.cross_year.values() for c in rule.checks])
    keyed = reports.assign(agency_key=[agency_key(a, r) for a, r in zip(reports["agency"], reports["region"])])
    keyed = keyed.dropna(subset=["agency_key", "report_year"])[["report_id", "agency_key", "report_year"]]
    previous = keyed.assign(report_year=keyed["report_year"] + 1).rename(columns={"report_id": "previous_id"})
    pairs = keyed.merge(previous, on=["agency_key", "report_year"])[["report_id", "previous_id"]]
    lookup = _cell_lookup(cells, pd.concat([pairs["report_id"], pairs["previous_id"]]))
    values = pairs.copy()
    origin = pd.DataFrame(index=pairs.index)
    for ref in refs:
        ids = pairs["report_id"] if ref.year == "this" else pairs["previous_id"]
        index = pd.MultiIndex.from_arrays(
            [ids, [ref.cell.table] * len(ids), [ref.cell.row] * len(ids), [ref.cell.column] * len(ids)]
        )
        found = lookup.reindex(index)
        values[year_column(ref)] = found["v"].to_numpy()
        origin[year_column(ref)] = found["origin"].fillna(NOT_IN_LAYOUT).astype("int8").to_numpy()

    def cell_names(key: tuple, column: str) -> list[str]:
        year, table, row, col = column.split("__")
        return [f"{year}({key[0] if year == 'this' else key[1]}).{table}.{row}.{col}"]

    return Frame("cross_year", ["report_id", "previous_id"], values, origin, cell_names)


def concrete_cells(spec: Spec, refs: tuple[CellRef, ...]) -> list[tuple[str, str, str]]:
    """The (table, row, column) cells references name, with row prefixes (row*) expanded."""
    return [
        (ref.table, row, ref.column)
        for ref in refs
        for row in table_rows(spec, ref.table)
        if ref.matches(ref.table, row, ref.column)
    ]


def narrative(spec: Spec, reports: pd.DataFrame, cells: pd.DataFrame) -> Frame:
    """report × stated figure: `stated` in the text against `table`, the table's figure for that phrase.

    A figure the table may mean in several ways (收到申请: new, or new + carried over) is compared with the
    way that agrees, if any.
    """
    figures = {figure.code: figure for figure in spec.rules.narrative.figures}
    stated = pd.DataFrame(
        [
            (rid, s["figure"], s["phrase"], float(s["value"]))
            for rid, statements in zip(reports["report_id"], reports["stated"])
            for s in (statements if statements is not None else ())
            if s["figure"] in figures
        ],
        columns=["report_id", "figure", "phrase", "stated"],
    )
    lookup = _cell_lookup(cells, stated["report_id"])
    options = []
    for code, figure in figures.items():
        mine = stated[stated["figure"] == code]
        for rank, alternative in enumerate(figure.equals):
            wanted = concrete_cells(spec, alternative)
            index = pd.MultiIndex.from_tuples(
                [(rid, *cell) for rid in mine["report_id"] for cell in wanted],
                names=["report_id", "table", "row", "col"],
            )
            found = lookup.reindex(index).reset_index()
            present = found.dropna(subset=["origin"])
            if present.empty:
                continue
            names = present["table"] + "." + present["row"] + "." + present["col"]
            by_report = present.groupby("report_id")
            unknown = present["v"].isna().groupby(present["report_id"]).any()
            option = pd.DataFrame(
                {
                    "table": by_report["v"].sum().mask(unknown),
                    "table_origin": by_report["origin"].max(),
                    "cells": names.groupby(present["report_id"]).agg(list),
                }
            ).reset_index()
            options.append(mine.merge(option, on="report_id").assign(rank=rank))
    columns = ["report_id", "figure", "phrase", "stated", "table", "table_origin", "cells", "rank"]
    joined = pd.concat(options, ignore_index=True) if options else pd.DataFrame(columns=columns)
    joined["agrees"] = joined["stated"] == joined["table"]
    joined = joined.sort_values(["report_id", "figure", "agrees", "rank"], ascending=[True, True, False, True])
    joined = joined.drop_duplicates(["report_id", "figure"]).reset_index(drop=True)
    values = joined[["report_id", "figure", "phrase", "stated", "table"]].astype({"stated": float, "table": float})
    origin = pd.DataFrame({"stated": PRINTED, "table": joined["table_origin"]}, index=joined.index).astype("int8")
    used = {(rid, figure): cells for rid, figure, cells in zip(joined["report_id"], joined["figure"], joined["cells"])}

    def cell_names(key: tuple, column: str) -> list[str]:
        return [f"text:{key[2]}"] if column == "stated" else used[key[:2]]

    return Frame("narrative", ["report_id", "figure", "phrase"], values, origin, cell_names)


def consolidation(spec: Spec, reports: pd.DataFrame, cells: pd.DataFrame, members: dict[str, list[str]]) -> Frame:
    """consolidated report × cell: its value against the sum of its members' values the same year.

    `members` maps an agency's name to its members' names, as the sources configure them (names, not regions,
    say who is whom there); a year where a member has no report is skipped.
    """
    tables = union(rule.tables for rule in spec.rules.consolidation.values())
    keyed = reports.assign(agency_key=[agency_key(a, None) for a in reports["agency"]])
    keyed = keyed.dropna(subset=["agency_key", "report_year"]).drop_duplicates(["agency_key", "report_year"])
    by_agency_year = {(k, y): rid for k, y, rid in zip(keyed["agency_key"], keyed["report_year"], keyed["report_id"])}
    part = cells[cells["table"].isin(tables)]
    frames = []
    for (agency, year), parent_id in by_agency_year.items():
        children = members.get(agency)
        child_ids = [by_agency_year.get((child, year)) for child in children or ()]
        if not child_ids or None in child_ids:
            continue
        own = part[part["report_id"] == parent_id].set_index(["table", "row", "col"])
        kids = part[part["report_id"].isin(child_ids)].groupby(["table", "row", "col"])
        summed = kids["v"].sum(min_count=len(child_ids)).where(kids["v"].count() == len(child_ids))
        frame = pd.DataFrame({"consolidated": own["v"], "members": summed}).dropna(how="all")
        frame["consolidated_origin"] = own["origin"].reindex(frame.index).fillna(NOT_IN_LAYOUT)
        frame["members_origin"] = kids["origin"].max().reindex(frame.index).fillna(UNKNOWN)
        frame["report_id"] = parent_id
        frame["member_ids"] = ",".join(child_ids)
        frames.append(frame.reset_index())
    keys = ["report_id", "table", "row", "col", "member_ids"]
    if frames:
        joined = pd.concat(frames, ignore_index=True)
    else:
        joined = pd.DataFrame(columns=[*keys, "consolidated", "members", "consolidated_origin", "members_origin"])
    values = joined[[*keys, "consolidated", "members"]].astype({"consolidated": float, "members": float})
    origin = pd.DataFrame(
        {
            "consolidated": joined["consolidated_origin"].astype("int8"),
            "members": joined["members_origin"].astype("int8"),
        }
    )

    def cell_names(key: tuple, column: str) -> list[str]:
        cell = f"{key[1]}.{key[2]}.{key[3]}"
        return [cell] if column == "consolidated" else [f"{m}:{cell}" for m in key[4].split(",")]

    return Frame("consolidation", keys, values, origin, cell_names)
