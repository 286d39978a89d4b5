"""Compare an extraction with a hand-checked expected file of the shared corpus, cell by cell."""

from __future__ import annotations

from ogi.extract import Report


def differences(report: Report, expected: dict) -> list[str]:
    out = []
    if report.status != expected["status"]:
        out.append(f"status {report.status!r} != {expected['status']!r} ({report.error})")
    if expected.get("report_year") is not None and report.metadata.report_year != expected["report_year"]:
        out.append(f"report_year {report.metadata.report_year} != {expected['report_year']}")
    if expected.get("agency") and report.metadata.agency != expected["agency"]:
        out.append(f"agency {report.metadata.agency!r} != {expected['agency']!r}")
    if expected["status"] != "ok":
        return out
    for table in ("t2", "t3"):
        if report.layouts.get(table) != expected["layouts"][table]:
            out.append(f"{table} layout {report.layouts.get(table)} != {expected['layouts'][table]}")
    blank = set(expected.get("blank_cells", []))
    non_numeric = expected.get("non_numeric_cells", {})
    ambiguous = set(expected.get("ambiguous_cells", []))
    for table in ("t2", "t3", "t4"):
        got_rows = report.tables.get(table, {})
        for row, cols in expected[table].items():
            for col, value in cols.items():
                name = f"{table}.{row}.{col}"
                cell = got_rows.get(row, {}).get(col)
                if cell is None:
                    out.append(f"{name}: missing")
                elif name in ambiguous:
                    if cell.kind != "ambiguous" or value not in cell.candidates:
                        out.append(f"{name}: expected ambiguous with {value} among candidates, got {cell.as_json()}")
                elif name in blank:
                    if cell.kind != "blank":
                        out.append(f"{name}: expected blank, got {cell.as_json()}")
                elif name in non_numeric:
                    if cell.kind not in ("text", "dash", "slash") or (cell.raw or "").strip() != non_numeric[name]:
                        out.append(f"{name}: expected printed {non_numeric[name]!r}, got {cell.as_json()}")
                elif cell.kind != "number" or cell.value != value:
                    out.append(f"{name}: expected {value}, got {cell.as_json()}")
        extra = {
            f"{table}.{row}.{col}"
            for row, cols in got_rows.items()
            for col, cell in cols.items()
            if cell.kind != "absent"
        } - {f"{table}.{row}.{col}" for row, cols in expected[table].items() for col in cols}
        if extra:
            out.append(f"{table}: cells not in the expected file: {sorted(extra)}")
    return out


def tally(report: Report, expected: dict) -> dict[str, list[str]]:
    """Every cell of an expected file: read exactly, flagged (ambiguous or absent), or wrong (a sure reading that
    is not what was printed)."""
    blank = set(expected.get("blank_cells", []))
    non_numeric = expected.get("non_numeric_cells", {})
    out = {"exact": [], "flagged": [], "wrong": []}
    for table in ("t2", "t3", "t4"):
        for row, cols in expected[table].items():
            for col, value in cols.items():
                name = f"{table}.{row}.{col}"
                cell = report.tables.get(table, {}).get(row, {}).get(col)
                if cell is None or cell.kind in ("ambiguous", "absent"):
                    kind = "flagged"
                elif name in blank:
                    kind = "exact" if cell.kind == "blank" else "wrong"
                elif name in non_numeric:
                    kind = "exact" if cell.kind in ("text", "dash", "slash") else "wrong"
                else:
                    kind = "exact" if cell.kind == "number" and cell.value == value else "wrong"
                out[kind].append(name if cell is None else f"{name}: {cell.as_json()}")
    return out
