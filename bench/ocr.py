"""OCR of scanned reports: pages per second per core and cell accuracy, PP-OCRv4 (rapidocr-onnxruntime, ogi's
engine) beside Tesseract (chi_sim, the baseline) on the same pages.

The pages are synthetic reports (both layouts, both font families) printed with pinned fonts and scanned as
tests/scans.py degrades them: 150 dpi (and a few at 300 dpi), skewed up to 2°, blurred, faded, noisy,
specked, JPEG-compressed, most with a red seal. Each engine reads every document in turn (interleaved, so a
slow spell of the shared machine falls on both); OCR runs on one thread, so CPU seconds per page are the
cost per core. Writes bench/results/ocr.json (bench/report.py turns it into BENCHMARKS.md).
"""

from __future__ import annotations

import functools
import json
import os
import platform
import random
import statistics
import time
from collections.abc import Callable
from pathlib import Path

from ogi.extract import extract_bytes

from tests.corpus_compare import tally as tally_expected
from tests.scans import Degradation, scan
from tests.synth import make_report, render_pdf
from tests.test_ocr import tally

ROOT = Path(__file__).resolve().parent.parent
REAL = ("001_huaian_hongze_2023", "002_huaian_hongze_2024", "003_huaian_city_2024")
ENGINES = {"rapidocr": "PP-OCRv4 (rapidocr-onnxruntime)", "tesseract": "Tesseract (chi_sim)"}


def documents(count: int, high_dpi: int) -> list[tuple[str, str, Callable, bytes]]:
    """(name, set, judge, scanned PDF) for `count` synthetic reports, the last `high_dpi` of them at 300 dpi,
    and the shared corpus's real text-layer PDFs scanned twice each at 150 dpi. `judge(report)` sorts every
    cell into exact, flagged and wrong."""
    out = []
    for i in range(count):
        seed = 700 + i
        rng = random.Random(seed)
        layout = rng.choice(["2019", "2021"])
        font = ("wqy-microhei", "ar-pl-uming")[i % 2]
        synthetic = make_report(seed, layout, layout)
        how = Degradation.random(rng, dpi=300 if i >= count - high_dpi else 150)
        out.append(
            (
                f"{layout}-{font}-{how.dpi}dpi-{seed}",
                "synthetic",
                functools.partial(tally, synthetic=synthetic),
                scan(render_pdf(synthetic, font), how, seed),
            )
        )
    corpus = ROOT / "tests" / "data" / "corpus"
    for stem in REAL:
        expected = json.loads((corpus / "expected" / f"{stem}.expected.json").read_text())
        for seed in (700, 701):
            how = Degradation.random(random.Random(seed), dpi=150)
            data = scan((corpus / "real" / f"{stem}.pdf").read_bytes(), how, seed)
            out.append((f"real-{stem}-{seed}", "real", functools.partial(tally_expected, expected=expected), data))
    return out


def run(count: int = 10, high_dpi: int = 2) -> dict:
    os.environ["OGI_OCR_THREADS"] = "1"
    docs = documents(count, high_dpi)
    for engine in ENGINES:  # models loaded off the clock
        os.environ["OGI_OCR_ENGINE"] = engine
        extract_bytes(docs[0][3], "warm-up.pdf")
    results = {engine: {"documents": []} for engine in ENGINES}
    for name, kind, judge, data in docs:
        for engine in ENGINES:
            os.environ["OGI_OCR_ENGINE"] = engine
            cpu, wall = time.process_time(), time.perf_counter()
            report = extract_bytes(data, f"{name}.pdf")
            cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
            cells = judge(report)
            results[engine]["documents"].append(
                {
                    "name": name,
                    "set": kind,
                    "status": report.status,
                    "pages": report.pages,
                    "cpu_seconds": round(cpu, 2),
                    "wall_seconds": round(wall, 2),
                    **{kind: len(found) for kind, found in cells.items()},
                }
            )
    os.environ.pop("OGI_OCR_ENGINE")
    for engine, r in results.items():
        d = r["documents"]
        pages, cpu, wall = (
            sum(x["pages"] for x in d),
            sum(x["cpu_seconds"] for x in d),
            sum(x["wall_seconds"] for x in d),
        )
        cells = sum(x["exact"] + x["flagged"] + x["wrong"] for x in d)
        r.update(
            engine=ENGINES[engine],
            pages=pages,
            cpu_seconds_per_page=round(cpu / pages, 2),
            wall_seconds_per_page=round(wall / pages, 2),
            pages_per_s_per_core=round(pages / cpu, 2),
            median_cpu_seconds_per_page=round(statistics.median(x["cpu_seconds"] / x["pages"] for x in d), 2),
            cells=cells,
            exact=sum(x["exact"] for x in d),
            flagged=sum(x["flagged"] for x in d),
            wrong=sum(x["wrong"] for x in d),
            ok=sum(x["status"] == "ok" for x in d),
            reports=len(d),
            sets={
                kind: {
                    "reports": len(part),
                    "ok": sum(x["status"] == "ok" for x in part),
                    "cells": sum(x["exact"] + x["flagged"] + x["wrong"] for x in part),
                    **{k: sum(x[k] for x in part) for k in ("exact", "flagged", "wrong")},
                }
                for kind in ("synthetic", "real")
                if (part := [x for x in d if x["set"] == kind])
            },
        )
    return {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "engines": results,
    }


def main() -> None:
    results = run()
    path = ROOT / "bench" / "results" / "ocr.json"
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False))
    for engine, r in results["engines"].items():
        print(
            f"{engine}: {r['pages_per_s_per_core']} pages/s per core ({r['cpu_seconds_per_page']} CPU s/page), "
            f"{r['exact']}/{r['cells']} cells exact, {r['flagged']} flagged, {r['wrong']} wrong, "
            f"{r['ok']}/{r['reports']} reports ok"
        )


if __name__ == "__main__":
    main()
