"""Page views of the quality pages (数据质量 / Report quality) over 10,000 curated reports.

The curated data is built the way the nightly DAG builds it: synthetic reports written as files
(`bench.pipeline.write_corpus`, one in fifty with a broken identity) and run through the pipeline's steps.
Each page is then rendered the way the plugin renders it (a connection to the catalog opened and closed, and
`ogi.views.pages.Site`: the work of a request minus HTTP and the token check), in interleaved rounds so a slow spell of the machine falls on every page alike.

Writes bench/results/quality_views.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
REPORTS = int(os.environ.get("OGI_BENCH_VIEW_REPORTS", 10_000))
ROUNDS = int(os.environ.get("OGI_BENCH_VIEW_ROUNDS", 15))
TARGET_MS = 300


def build(directory: Path):
    from ogi.pipeline.config import PipelineConfig
    from ogi.pipeline.run import run_all

    from bench.pipeline import write_corpus

    sources = write_corpus(directory, REPORTS)
    config = PipelineConfig(str(directory / "data"), sources, batch_size=500, max_batches=32)
    start = time.perf_counter()
    summary = run_all(config, "manual__2026-01-01T02:00:00+00:00")
    return config, summary, time.perf_counter() - start


def pages(config) -> dict:
    """One callable per page a reader opens, with real ids from the data; each opens and closes its own
    connection to the catalog, as the plugin does per request."""
    from ogi.views.data import Filters, QualityData
    from ogi.views.pages import Site

    with QualityData(config) as data:
        worst = data.reports(Filters(), 1).rows[0]
        some = data.reports(Filters(quality="pass"), 1).rows[0]
        middle = max(1, data.reports(Filters(), 1).pages // 2)

    def view(render):
        def run():
            with QualityData(config) as data:
                return render(Site(data))

        return run

    return {
        "overview": view(lambda site: site.overview(Filters())),
        "overview, filtered by year and rule": view(lambda site: site.overview(Filters(year=2023, rule="I1"))),
        "reports, page 1": view(lambda site: site.reports(Filters(), 1)),
        f"reports, page {middle}": view(lambda site: site.reports(Filters(), middle)),
        "reports, filtered by rule": view(lambda site: site.reports(Filters(rule="I3"), 1)),
        "reports, agency name search": view(lambda site: site.reports(Filters(agency="第12"), 1)),
        "agencies, page 1": view(lambda site: site.agencies(Filters(), 1)),
        "report with violations": view(lambda site: site.report(worst["report_id"])),
        "report that passes": view(lambda site: site.report(some["report_id"])),
        "agency (four years)": view(lambda site: site.agency(worst["agency"], worst["region"])),
        "quarantine": view(lambda site: site.quarantine(None, None, 1)),
    }


def main() -> None:
    from ogi.views.data import Filters, QualityData

    with tempfile.TemporaryDirectory() as directory:
        config, summary, build_seconds = build(Path(directory))
        views = pages(config)
        cold = {}
        for name, view in views.items():  # the first view of each page after the catalog was opened
            start = time.perf_counter()
            assert view(), name
            cold[name] = (time.perf_counter() - start) * 1000
        load_before = os.getloadavg()[0]  # other work on this shared machine, before and after the rounds
        times: dict[str, list[float]] = {name: [] for name in views}
        for _ in range(ROUNDS):
            for name, view in views.items():
                start = time.perf_counter()
                view()
                times[name].append((time.perf_counter() - start) * 1000)
        with QualityData(config) as data:
            curated = data.totals(Filters())["reports"]
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "reports_curated": curated,
        "violations": summary["violations"],
        "build_seconds": round(build_seconds, 1),
        "rounds": ROUNDS,
        "load_average_1min": [round(x, 1) for x in (load_before, os.getloadavg()[0])],
        "target_ms": TARGET_MS,
        "pages": {
            name: {
                "median_ms": round(statistics.median(values), 1),
                "max_ms": round(max(values), 1),
                "first_ms": round(cold[name], 1),
            }
            for name, values in times.items()
        },
    }
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "quality_views.json").write_text(json.dumps(results, indent=1, ensure_ascii=False))
    print(json.dumps(results, indent=1, ensure_ascii=False))


if __name__ == "__main__":
    main()
