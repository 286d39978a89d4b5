"""What the per-document budget costs: the same reports read in this process and through ogi.workers.

Interleaved rounds (each way once per round) of synthetic text and HTML reports, so a slow spell of the shared
machine falls on every way alike; the worker pool is started before the clock (its start is timed apart). Beside
the wall-clock rates, the CPU time each way spends per report, this process's and its workers' together: on a
machine others load, the steadier measure of what the pool costs. Writes bench/results/workers.json.

    python -m bench.workers
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import time
from datetime import date
from pathlib import Path

from ogi.extract import extract_bytes
from ogi.sources import ExtractOptions
from ogi.workers import Job, ReaderPool

from tests.synth import make_report, render

RESULTS = Path(__file__).resolve().parent / "results" / "workers.json"


def _cpu_s(pools: list[ReaderPool]) -> float:
    """CPU seconds of this process and of the pools' live workers so far."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = time.process_time()
    for pool in pools:
        for worker in pool._live:
            fields = Path(f"/proc/{worker.process.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / ticks  # utime, stime
    return total


def main(n: int = 300, rounds: int = 7) -> dict:
    synthetic = [make_report(seed) for seed in range(n)]
    forms = {form: [render(s, form) for s in synthetic] for form in ("text", "html")}
    start = time.perf_counter()
    one = ReaderPool(ExtractOptions(), workers=1, jobs_per_worker=10**9)  # no worker replaced while timed
    two = ReaderPool(ExtractOptions(), workers=2, jobs_per_worker=10**9)
    for pool in (one, two):
        list(pool.map([Job("warm", data=forms["text"][0])] * pool.workers))
    started = time.perf_counter() - start
    ways = {
        "in_process": lambda files: [extract_bytes(f, "x") for f in files],
        "one_worker": lambda files: list(one.map(Job("x", data=f) for f in files)),
        "two_workers": lambda files: list(two.map(Job("x", data=f) for f in files)),
    }
    rates = {form: {way: [] for way in ways} for form in forms}
    cpu = {form: {way: [] for way in ways} for form in forms}
    for _ in range(rounds):
        for form, files in forms.items():
            for way, read in ways.items():
                began, cpu_began = time.perf_counter(), _cpu_s([one, two])
                reports = read(files)
                rates[form][way].append(round(n / (time.perf_counter() - began), 1))
                cpu[form][way].append(round(1000 * (_cpu_s([one, two]) - cpu_began) / n, 2))
                assert all(r.status == "ok" for r in reports), way
    one.close()
    two.close()
    results = {
        "machine": f"{platform.machine()}, {platform.python_version()}",
        "date": date.today().isoformat(),
        "reports": n,
        "pools_started_s": round(started, 3),
        "reports_per_s": {
            form: {way: {"median": statistics.median(r), "rounds": r} for way, r in by_way.items()}
            for form, by_way in rates.items()
        },
        "cpu_ms_per_report": {
            form: {way: {"median": statistics.median(r), "rounds": r} for way, r in by_way.items()}
            for form, by_way in cpu.items()
        },
    }
    for by_way in results["cpu_ms_per_report"].values():
        base = by_way["in_process"]["median"]
        for way in ("one_worker", "two_workers"):
            by_way[way]["overhead_pct"] = round(100 * (by_way[way]["median"] / base - 1), 1)
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    return results


if __name__ == "__main__":
    print(json.dumps(main(), indent=2))
