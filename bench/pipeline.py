"""The whole pipeline over 1,000 and 10,000 local synthetic reports, and the DAG files' parse time.

Reports are written as files (text, HTML, GBK HTML, Word HTML, Markdown, in turn; four consecutive years per
agency, one in fifty with a broken identity, real-report quirks) and listed in a sources file as local paths.
Each run goes through the same library functions the DAG's tasks call, in task order, in a fresh process
(as `airflow dags test` runs them: one after another), timing each task and reading the process's peak RSS.

Writes bench/results/pipeline.json.
"""

from __future__ import annotations

import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SIZES = {
    int(k): int(v) for k, v in (p.split(":") for p in os.environ.get("OGI_BENCH_SIZES", "1000:3,10000:2").split(","))
}  # reports: runs
FORMS = ("text", "html", "html_gbk", "html_word", "markdown")
SUFFIX = {"text": "txt", "markdown": "md"}


def write_corpus(directory: Path, count: int) -> Path:
    from tests import synth

    reports = synth.make_corpus(count, seed=3, break_every=50)
    agencies: dict[str, list[str]] = {}
    for i, report in enumerate(reports):
        form = FORMS[i % len(FORMS)]
        path = directory / "reports" / f"{i:05d}.{SUFFIX.get(form, 'html')}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(synth.render(report, form))
        agencies.setdefault(report.agency, []).append(f"reports/{path.name}")
    lines = ["local_roots: [reports]", "agencies:"]
    for name, paths in agencies.items():
        lines += [f"  - name: {name}", "    region: 示例省", "    level: county", f"    paths: [{', '.join(paths)}]"]
    sources = directory / "sources.yaml"
    sources.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return sources


RUN = textwrap.dedent("""
    import json, resource, sys, time
    from ogi.pipeline.config import PipelineConfig
    from ogi.pipeline.plan import discover
    from ogi.pipeline.fetch_step import fetch_batch
    from ogi.pipeline.extract_step import extract_batch
    from ogi.pipeline.audit_step import audit
    from ogi.pipeline.publish_step import publish
    from ogi.pipeline.quality_report import write_quality_report
    import great_expectations  # paid once per worker process; timed apart
    config = PipelineConfig(sys.argv[1], sys.argv[2], batch_size=500, max_batches=32)
    tasks, start = {}, time.perf_counter()
    def timed(name, fn, *args):
        t = time.perf_counter(); out = fn(*args); tasks[name] = tasks.get(name, 0) + time.perf_counter() - t
        return out
    plan = timed("discover", discover, config, "bench")
    fetched = [timed("fetch", fetch_batch, config, b) for b in plan["batches"]]
    staged = [timed("extract", extract_batch, config, f) for f in fetched]
    checked = timed("audit", audit, config, "bench", staged)
    summary = timed("publish", publish, config, "bench", staged, checked)
    timed("quality_report", write_quality_report, config, summary)
    print(json.dumps({"seconds": time.perf_counter() - start, "tasks": tasks, "batches": len(plan["batches"]),
                      "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
                      "extracted": summary["extracted"], "quality": summary["quality"]}))
""")


def run_once(sources: Path) -> dict:
    with tempfile.TemporaryDirectory() as data:
        done = subprocess.run(
            [sys.executable, "-c", RUN, data, str(sources)], capture_output=True, text=True, check=True
        )
    return json.loads(done.stdout.strip().splitlines()[-1])


def dag_parse_seconds(repeat: int = 5) -> list[float]:
    code = textwrap.dedent(f"""
        import sys, time
        sys.path.append({str(ROOT / "dags")!r})  # as the dag-processor's bundle DagBag does
        from airflow.dag_processing.dagbag import DagBag
        start = time.perf_counter()
        bag = DagBag(dag_folder={str(ROOT / "dags")!r})
        assert not bag.import_errors and len(bag.dags) == 2, bag.import_errors
        print(time.perf_counter() - start)
    """)
    env = {
        **os.environ,
        "AIRFLOW_HOME": tempfile.mkdtemp(prefix="ogi-bench-airflow-"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
    }
    out = []
    for _ in range(repeat):
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env)
        out.append(float(done.stdout.strip().splitlines()[-1]))
    return out


def main() -> None:
    results = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "forms": list(FORMS),
        "sizes": {},
    }
    parse = dag_parse_seconds()
    results["dag_parse_seconds"] = {"median": round(statistics.median(parse), 3), "all": [round(p, 3) for p in parse]}
    for count, repeat in SIZES.items():
        with tempfile.TemporaryDirectory() as directory:
            sources = write_corpus(Path(directory), count)
            runs = [run_once(sources) for _ in range(repeat)]
        best = sorted(runs, key=lambda r: r["seconds"])[len(runs) // 2]
        results["sizes"][str(count)] = {
            "reports": count,
            "runs": repeat,
            "seconds_median": round(statistics.median(r["seconds"] for r in runs), 1),
            "seconds_all": [round(r["seconds"], 1) for r in runs],
            "peak_rss_mb_max": round(max(r["peak_rss_mb"] for r in runs)),
            "tasks_seconds_of_median_run": {k: round(v, 1) for k, v in best["tasks"].items()},
            "batches": best["batches"],
            "extracted": best["extracted"],
            "quality": best["quality"],
        }
        print(json.dumps(results["sizes"][str(count)]))
    out = ROOT / "bench" / "results"
    out.mkdir(parents=True, exist_ok=True)
    (out / "pipeline.json").write_text(json.dumps(results, indent=1))


if __name__ == "__main__":
    main()
