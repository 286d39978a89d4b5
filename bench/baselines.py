"""What a user would otherwise use, beside ogi, on the same synthetic files: cells recovered correctly and time.

Baselines read tables only; they know nothing of the template, so their rows are mapped to it by order
(the n-th row holding numbers is the template's n-th row; its last cells are its columns; 表四 is one row of
fifteen numbers, three blocks of five). That is how such output gets used. The files carry the quirks of real
reports (a department's missing 规章 row, zeros printed as a blank, dash or slash).

- PDF: pdfplumber `extract_tables`; Camelot lattice and stream (bench/requirements.lock).
- HTML, GBK HTML, Word-export HTML: pandas `read_html` (lxml).
- DOCX: python-docx tables.
- Flattened text, Markdown, glued text: no table extractor exists for these; ogi alone.

Writes bench/results/baselines.json.
"""

from __future__ import annotations

import io
import json
import os
import platform
import re
import tempfile
import time
from pathlib import Path

from ogi.extract import extract_bytes

from tests.synth import FORMS, make_report, render, render_pdf, wrong_cells

ROOT = Path(__file__).resolve().parent.parent
N = {"pdf": 12}
DEFAULT_N = 40
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")
# Real-report quirks in every form (synth.make_report): a missing 规章 row, zeros printed as blank/dash/slash.
# Flattened text loses a blank cell altogether and glued text every separator, so those get fewer.
QUIRKS = {"text": "rows,dashes", "glued": "rows"}


def _value(cell) -> float | None:
    text = str(cell if cell is not None else "").strip().replace(",", "")
    return float(text) if _NUMBER.match(text) else None


def map_by_order(rows: list[list], synthetic) -> dict:
    """The template's cells from table rows taken in order: the n-th row holding a number is the template's
    n-th row, and its last k cells its k columns (a blank or dash there stays None); (table, row, col) → value."""
    numeric = [[_value(c) for c in row] for row in rows if any(_value(c) is not None for c in row)]
    out, position = {}, 0
    for table in ("t2", "t3", "t4"):
        layout = synthetic.layout(table)
        if table == "t4":
            flat = numeric[position][-15:] if position < len(numeric) else []
            for i, row in enumerate(layout.rows):
                for j, col in enumerate(row.columns):
                    if i * 5 + j < len(flat):
                        out[(table, row.code, col)] = flat[i * 5 + j]
            break
        for row in layout.rows:
            cells = numeric[position][-len(row.columns) :] if position < len(numeric) else []
            position += 1
            for col, value in zip(row.columns, cells):
                out[(table, row.code, col)] = value
    return out


def right_cells(found: dict, synthetic) -> int:
    """A number right, or None where the report printed no number (a blank, dash, slash, a row not printed)."""
    right = 0
    for table, rows in synthetic.values.items():
        for row, cols in rows.items():
            for col, value in cols.items():
                got = found.get((table, row, col))
                if f"{table}.{row}" in synthetic.omitted or (table, row, col) in synthetic.printed:
                    right += got is None
                else:
                    right += got is not None and abs(got - value) < 1e-6
    return right


def total_cells(synthetic) -> int:
    return sum(len(cols) for rows in synthetic.values.values() for cols in rows.values())


def pdfplumber_rows(data: bytes) -> list[list]:
    import pdfplumber

    rows = []
    with pdfplumber.open(io.BytesIO(data)) as pdf:
        for page in pdf.pages:
            for table in page.extract_tables():
                rows.extend(table)
    return rows


def camelot_rows(data: bytes, flavor: str) -> list[list]:
    import camelot

    with tempfile.NamedTemporaryFile(suffix=".pdf") as handle:
        handle.write(data)
        handle.flush()
        tables = camelot.read_pdf(handle.name, pages="all", flavor=flavor)
        return [list(row) for table in tables for row in table.df.itertuples(index=False)]


def read_html_rows(data: bytes) -> list[list]:
    import pandas as pd
    from ogi.readers.decode import decode

    text, _, _ = decode(data)
    rows = []
    for frame in pd.read_html(io.StringIO(text), flavor="lxml"):
        rows.append([str(c) for c in frame.columns])
        rows.extend([list(map(str, r)) for r in frame.itertuples(index=False)])
    return rows


def docx_rows(data: bytes) -> list[list]:
    import docx

    document = docx.Document(io.BytesIO(data))
    return [[cell.text for cell in row.cells] for table in document.tables for row in table.rows]


BASELINES = {
    "pdf": {
        "pdfplumber extract_tables": pdfplumber_rows,
        "camelot lattice": lambda d: camelot_rows(d, "lattice"),
        "camelot stream": lambda d: camelot_rows(d, "stream"),
    },
    "html": {"pandas read_html (lxml)": read_html_rows},
    "html_gbk": {"pandas read_html (lxml)": read_html_rows},
    "html_word": {"pandas read_html (lxml)": read_html_rows},
    "docx": {"python-docx tables": docx_rows},
}


def measure(name: str, read, files: list[bytes], synthetic: list) -> dict:
    try:
        start = time.perf_counter()
        outputs = [read(f) for f in files]
        seconds = time.perf_counter() - start
    except Exception as exc:  # a baseline that cannot run here is reported, not fatal
        return {"tool": name, "error": f"{type(exc).__name__}: {exc}"[:300]}
    right = sum(right_cells(map_by_order(rows, s), s) for rows, s in zip(outputs, synthetic))
    return {"tool": name, "seconds": round(seconds, 3), "cells_right": right}


def main() -> None:
    layouts = [("2021", "2021"), ("2019", "2019"), ("2021", "2019")]
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "forms": {},
    }
    for form in (*FORMS, "pdf"):
        n = N.get(form, DEFAULT_N)
        synthetic = [
            make_report(5000 + seed, *layouts[seed % 3], quirks=QUIRKS.get(form, "rows,zeros")) for seed in range(n)
        ]
        files = [render_pdf(s) if form == "pdf" else render(s, form) for s in synthetic]
        start = time.perf_counter()
        reports = [extract_bytes(f, f"x.{form}") for f in files]
        seconds = time.perf_counter() - start
        cells = sum(total_cells(s) for s in synthetic)
        right = cells - sum(len(wrong_cells(r, s)) for r, s in zip(reports, synthetic))
        rows = [{"tool": "ogi", "seconds": round(seconds, 3), "cells_right": right}]
        rows += [measure(name, read, files, synthetic) for name, read in BASELINES.get(form, {}).items()]
        results["forms"][form] = {"reports": n, "cells": cells, "tools": rows}
        print(form, json.dumps(rows, ensure_ascii=False))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "baselines.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
