"""Validation time for 1,000 and 10,000 synthetic reports (consistent across years, one in fifty broken).

Writes bench/results/validation.json. GX's import is timed apart: it is paid once per process.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from pathlib import Path

from ogi.pipeline.schemas import to_frame
from ogi.tables_io import cells_table, reports_table

from tests import synth

ROOT = Path(__file__).resolve().parent.parent
SIZES = (1_000, 10_000)
REPEAT = 3


def batch(count: int):
    made = synth.make_corpus(count, seed=1, break_every=50)
    extracted = [synth.as_extracted(s, f"synthetic/{i:05d}") for i, s in enumerate(made)]
    return to_frame(reports_table(extracted)), to_frame(cells_table(extracted))


def main() -> None:
    start = time.perf_counter()
    import great_expectations  # noqa: F401
    from ogi.validation.validate import validate

    import_seconds = time.perf_counter() - start
    sizes = {}
    for count in SIZES:
        reports, cells = batch(count)
        times, result = [], None
        for _ in range(REPEAT):
            start = time.perf_counter()
            result = validate(reports, cells)
            times.append(time.perf_counter() - start)
        sizes[str(count)] = {
            "reports": count,
            "cells": len(cells),
            "seconds_median": round(statistics.median(times), 2),
            "seconds_all": [round(t, 2) for t in times],
            "violations": len(result.violations),
            "failing_reports": int((result.quality["quality"] == "fail").sum()),
            "broken_reports": count // 50,
        }
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "gx_import_seconds": round(import_seconds, 2),
        "sizes": sizes,
    }
    out_dir = ROOT / "bench" / "results"
    out_dir.mkdir(parents=True, exist_ok=True)
    (out_dir / "validation.json").write_text(json.dumps(results, indent=1))
    print(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
