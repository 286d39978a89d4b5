"""Wide tables for BI tools, from the long cells: t2 (report × row), t3 (report × applicant column),
t4 (report × block). A value is the printed number or NULL; the cell's kind stays in `cells`. A count printed
with a fraction (which rule D1 reports) is NULL here: an integer column cannot hold it, and its printed value
is in `cells`."""

from __future__ import annotations

import pandas as pd
import pyarrow as pa

from ogi.pipeline.schemas import SCHEMAS

_PIVOT = {"t2": ("row", "col"), "t3": ("col", "row"), "t4": ("row", "col")}


def wide(table: str, cells: pd.DataFrame, reports: pd.DataFrame) -> pd.DataFrame:
    schema = SCHEMAS[table]
    per, across = _PIVOT[table]
    part = cells.loc[cells["table"] == table, ["report_id", per, across, "value", "kind"]]  # not every column
    if part.empty:
        return schema.empty_table().to_pandas()
    part = part.astype({per: str, across: str})
    values = part.assign(value=part["value"].where(part["kind"] == "number"))
    pivot = values.pivot(index=["report_id", per], columns=across, values="value").reset_index()
    pivot.columns.name = None
    who = reports[["report_id", "report_year", "agency", "region", "level"]]
    out = pivot.merge(who, on="report_id", how="left")
    for field in schema:
        if field.name not in out:
            out[field.name] = None
        elif pa.types.is_integer(field.type) and field.name != "report_year":
            out[field.name] = out[field.name].where(out[field.name] % 1 == 0)
    return out[schema.names]
