"""Extraction throughput and accuracy, with pdfplumber's extract_tables beside ogi on the same PDFs.

Writes bench/results/extraction.json (bench/report.py turns the results into BENCHMARKS.md). Medians of repeated runs, on one core.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

from lxml import html as lxml_html
from ogi.extract import extract_bytes

from tests.synth import FORMS, make_report, render, wrong_cells

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus" / "real"
REPEAT = 5


def median_seconds(fn, repeat: int = REPEAT) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def bench_forms(n: int = 200, rounds: int = 7) -> tuple[dict, dict]:
    """Rounds that time every form once each, so a slow spell of this shared machine falls on all forms alike;
    (each form's results, lxml alone on the HTML files in the same rounds: how fast the machine ran)."""
    layouts = [("2021", "2021"), ("2019", "2019"), ("2021", "2019")]
    synthetic = [make_report(seed, *layouts[seed % 3]) for seed in range(n)]
    files = {form: [render(s, form) for s in synthetic] for form in FORMS}
    rates: dict[str, list[float]] = {form: [] for form in FORMS}
    for form in FORMS:  # a first pass off the clock: lazy imports and caches
        [extract_bytes(f, "x") for f in files[form][:5]]
    gauge: list[float] = []  # lxml alone on the HTML files, each round: how fast the machine ran meanwhile
    for _ in range(rounds):
        start = time.perf_counter()
        [lxml_html.fromstring(f) for f in files["html"]]
        gauge.append(round(n / (time.perf_counter() - start), 1))
        for form in FORMS:
            if form == "glued" and len(rates[form]) >= 3:  # 7 reports/s: three rounds are enough and 25 s each
                continue
            start = time.perf_counter()
            [extract_bytes(f, "x") for f in files[form]]
            rates[form].append(round(n / (time.perf_counter() - start), 1))
    cells = sum(len(cols) for s in synthetic for rows in s.values.values() for cols in rows.values())
    out = {}
    for form in FORMS:
        misses = [miss for f, s in zip(files[form], synthetic) for miss in wrong_cells(extract_bytes(f, "x"), s)]
        wrong = len(misses)
        # a number other than the printed one: the one result that must never happen
        silent = sum(1 for *_, got in misses if got is not None and got["kind"] == "number")
        out[form] = {
            "reports": n,
            "reports_per_s": round(statistics.median(rates[form]), 1),
            "runs_reports_per_s": rates[form],
            "cells_right": cells - wrong,
            "silent_wrong_cells": silent,
            "cells": cells,
        }
    return out, {"reports": n, "reports_per_s": round(statistics.median(gauge), 1), "runs_reports_per_s": gauge}


def bench_corpus_text_html() -> dict:
    files = [(p, p.read_bytes()) for p in CORPUS.iterdir() if p.suffix in (".txt", ".html")]
    seconds = median_seconds(lambda: [extract_bytes(d, str(p)) for p, d in files])
    html_files = [d for p, d in files if p.suffix == ".html"]
    lxml_seconds = median_seconds(lambda: [lxml_html.fromstring(d) for d in html_files])
    html_seconds = median_seconds(lambda: [extract_bytes(d, "x.html") for d in html_files])
    return {
        "files": len(files),
        "reports_per_s": round(len(files) / seconds, 1),
        "html_ms_per_report": round(1000 * html_seconds / len(html_files), 2),
        "lxml_parse_ms_per_report": round(1000 * lxml_seconds / len(html_files), 2),
    }


def bench_pdf() -> dict:
    import pdfplumber
    import pypdfium2 as pdfium

    files = sorted(p for p in CORPUS.iterdir() if p.suffix == ".pdf")
    data = [p.read_bytes() for p in files]
    pages = sum(len(pdfium.PdfDocument(d)) for d in data)
    ogi_seconds = median_seconds(lambda: [extract_bytes(d, "x.pdf") for d in data])

    def plumber():
        for path in files:
            with pdfplumber.open(path) as pdf:
                for page in pdf.pages:
                    page.extract_tables()

    plumber_seconds = median_seconds(plumber, 3)
    return {
        "files": len(files),
        "pages": pages,
        "ogi_pages_per_s": round(pages / ogi_seconds, 1),
        "ogi_reports_per_s": round(len(files) / ogi_seconds, 2),
        "pdfplumber_extract_tables_pages_per_s": round(pages / plumber_seconds, 1),
        "speedup": round(plumber_seconds / ogi_seconds, 1),
    }


def main() -> None:
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "corpus_text_html": bench_corpus_text_html(),
        "pdf": bench_pdf(),
    }
    results["synthetic_forms"], results["lxml_parse_html_gauge"] = bench_forms()
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "extraction.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
