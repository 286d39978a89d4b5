"""BENCHMARKS.md from the results files the benchmarks wrote under bench/results/."""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results"


def _load(name: str) -> dict | None:
    path = RESULTS / f"{name}.json"
    return json.loads(path.read_text()) if path.is_file() else None


def extraction_lines(results: dict) -> list[str]:
    c, p = results["corpus_text_html"], results["pdf"]
    lines = [
        "## Extraction",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. One process, medians of repeated runs.",
        "",
        f"- Real text/HTML reports (`tests/data/corpus`, {c['files']} files): **{c['reports_per_s']} reports/s**.",
        f"  HTML: {c['html_ms_per_report']} ms per report against {c['lxml_parse_ms_per_report']} ms for lxml to parse it.",
        f"- Text-layer PDFs ({p['files']} real reports, {p['pages']} pages): ogi **{p['ogi_pages_per_s']} pages/s**"
        f" ({p['ogi_reports_per_s']} reports/s); pdfplumber `extract_tables` on the same files"
        f" {p['pdfplumber_extract_tables_pages_per_s']} pages/s: **{p['speedup']}×**.",
        "",
        "Synthetic forms are timed in rounds, each form once per round, so a slow spell falls on every form;"
        " the median is in bold and every round beside it.",
        "",
        "| form (synthetic) | reports | reports/s (median) | every round | cells right | silent wrong cells |",
        "|---|---|---|---|---|---|",
    ]
    for form, r in results["synthetic_forms"].items():
        runs = ", ".join(f"{rate:g}" for rate in r.get("runs_reports_per_s", []))
        lines.append(
            f"| {form} | {r['reports']} | **{r['reports_per_s']}** | {runs} | {r['cells_right']}/{r['cells']} |"
            f" {r.get('silent_wrong_cells', '–')} |"
        )
    gauge = results.get("lxml_parse_html_gauge")
    if gauge:
        runs = ", ".join(f"{rate:g}" for rate in gauge["runs_reports_per_s"])
        lines += [
            "",
            f"The machine's speed meanwhile: lxml alone parsed the same html files at **{gauge['reports_per_s']}"
            f" reports/s** (each round: {runs}). A slow spell shows here first.",
        ]
    return lines


def validation_lines(results: dict) -> list[str]:
    lines = [
        "## Validation",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. Synthetic reports, four years per agency, "
        "one in fifty with a broken identity; every suite (I1–I4, D1–D2, X1–X2, N1, H1) run through GX, "
        f"one validation per frame. GX's import, paid once per process: {results['gx_import_seconds']} s.",
        "",
        "| reports | cells | seconds (median) | runs | violations | failing reports / broken |",
        "|---|---|---|---|---|---|",
    ]
    for r in results["sizes"].values():
        lines.append(
            f"| {r['reports']:,} | {r['cells']:,} | **{r['seconds_median']}** | {', '.join(map(str, r['seconds_all']))}"
            f" | {r['violations']} | {r['failing_reports']} / {r['broken_reports']} |"
        )
    return lines


def baselines_lines(results: dict) -> list[str]:
    lines = [
        "## Beside what a user would otherwise use",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. Same synthetic files for every tool, with the "
        "quirks of real reports (a department's missing 规章 row; zeros printed as a blank, dash or slash). "
        "Baselines' table rows are mapped to the template by order (see `bench/baselines.py`). Flattened text, "
        "Markdown and glued text have no table extractor to compare with.",
        "",
        "| form | reports | cells | tool | cells right | seconds |",
        "|---|---|---|---|---|---|",
    ]
    for form, r in results["forms"].items():
        for tool in r["tools"]:
            if "error" in tool:
                lines.append(
                    f"| {form} | {r['reports']} | {r['cells']} | {tool['tool']} | could not run: {tool['error']} | |"
                )
            else:
                lines.append(
                    f"| {form} | {r['reports']} | {r['cells']} | {tool['tool']} | "
                    f"{tool['cells_right']} ({100 * tool['cells_right'] / r['cells']:.1f}%) | {tool['seconds']} |"
                )
    return lines


def pipeline_lines(results: dict) -> list[str]:
    parse = results["dag_parse_seconds"]
    lines = [
        "## The whole pipeline",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. Local synthetic reports in the forms "
        f"{', '.join(results['forms'])}; the DAG's tasks in order in one process, as `airflow dags test` runs them "
        "(the LocalExecutor or Celery workers run the mapped fetch/extract batches side by side).",
        "",
        f"DAG files' parse time (DagBag, both DAGs): **{parse['median']} s** median of {len(parse['all'])} "
        f"({', '.join(map(str, parse['all']))}).",
        "",
        "| reports | runs | wall seconds (median) | all runs | peak RSS | batches | per task (s) |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results["sizes"].values():
        tasks = ", ".join(f"{k} {v}" for k, v in r["tasks_seconds_of_median_run"].items())
        lines.append(
            f"| {r['reports']:,} | {r['runs']} | **{r['seconds_median']}** | "
            f"{', '.join(map(str, r['seconds_all']))} | {r['peak_rss_mb_max']} MB | {r['batches']} | {tasks} |"
        )
    return lines


def variety_lines(results: dict) -> list[str]:
    """Issue 19: the variants real portals print (tests/variants.py), cell by cell against the printed truth."""
    lines = [
        "## Variety (issue 19)",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. {results['per_form']} random variants per form "
        "(PDF a tenth, scans a third: OCR is slow), every dimension of `tests/variants.py` drawn independently: `python -m bench.variety`. "
        "A cell is exact, flagged (ambiguous with the true value among its candidates, or absent in a partial "
        "report that names its row), wrong without a flag, or **silent wrong**: a number other than the printed "
        "one. A status is wrong when every cell is exact and the report is not `ok`.",
        "",
        "| form | reports | cells | exact | flagged | wrong, flagged nowhere | silent wrong cells | status wrong |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for form, t in results["forms"].items():
        lines.append(
            f"| {form} | {t['reports']} | {t['cells']} | {t['exact_pct']}% | {t['flagged']} | {t['wrong']} |"
            f" **{t['silent_wrong']}** | {t['status_wrong']} |"
        )
    worst = sorted(results["dimension_values"].items(), key=lambda kv: kv[1]["exact_pct"] or 0)
    silent = [(k, t) for k, t in results["dimension_values"].items() if t["silent_wrong"]]
    lines += [
        "",
        "Dimension values with silent wrong cells (over every form they apply to): "
        + (", ".join(f"{k} ({t['silent_wrong']})" for k, t in silent) or "none")
        + ".",
        "",
        "The ten dimension values read least exactly:",
        "",
        "| dimension value | reports | exact | flagged | wrong | silent wrong | status wrong |",
        "|---|---|---|---|---|---|---|",
    ]
    for key, t in worst[:10]:
        lines.append(
            f"| {key} | {t['reports']} | {t['exact_pct']}% | {t['flagged']} | {t['wrong']} | {t['silent_wrong']} |"
            f" {t['status_wrong']} |"
        )
    return lines


def workers_lines(results: dict) -> list[str]:
    lines = [
        "## The budget per document (worker processes)",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. {results['reports']} synthetic reports per form,"
        " in this process and through `ogi.workers` (one worker, two), interleaved rounds; starting the pools took"
        f" {results['pools_started_s']} s. CPU per report counts this process and its workers.",
        "",
        "| form | way | reports/s (median) | CPU ms per report (median) | CPU overhead |",
        "|---|---|---|---|---|",
    ]
    for form, by_way in results["reports_per_s"].items():
        for way, rate in by_way.items():
            cpu = results["cpu_ms_per_report"][form][way]
            overhead = f"{cpu['overhead_pct']:+g}%" if "overhead_pct" in cpu else ""
            lines.append(f"| {form} | {way.replace('_', ' ')} | {rate['median']} | {cpu['median']} | {overhead} |")
    return lines


def quality_views_lines(results: dict) -> list[str]:
    lines = [
        "## Quality pages (数据质量 / Report quality)",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. {results['reports_curated']:,} curated reports "
        f"built by the pipeline in {results['build_seconds']} s (one in fifty with a broken identity); each page "
        f"rendered as the plugin renders it (`ogi.views.pages.Site`: queries, page model, HTML; no HTTP), "
        f"{results['rounds']} interleaved rounds after a first view. The machine's 1-minute load average before and "
        f"after the rounds: {' and '.join(map(str, results.get('load_average_1min', [])))} (2 cores). The slowest "
        "views are those during which Python's cyclic garbage collector ran a full collection (measured apart: "
        "with the collector off, the overview took about a quarter of the time).",
        "",
        "| page | median ms | slowest ms | first view ms |",
        "|---|---|---|---|",
    ]
    for name, r in results["pages"].items():
        lines.append(f"| {name} | **{r['median_ms']}** | {r['max_ms']} | {r['first_ms']} |")
    return lines


def ocr_lines(results: dict) -> list[str]:
    lines = [
        "## OCR of scanned reports",
        "",
        f"Machine: {results['machine']}. Date: {results['date']}. The same degraded scans of synthetic reports "
        "(both layouts and font families; 150 dpi and a few at 300 dpi; skewed up to 2°, blurred, faded, noisy, "
        "specked, JPEG, most with a red seal) and of the shared corpus's real text-layer PDFs (150 dpi, degraded "
        "the same way) read by each engine in turn, on one thread: CPU seconds per page "
        "are the cost per core. A cell is exact (the printed value, as a number), flagged (ambiguous or absent) "
        "or wrong (a sure value that is not the printed one).",
        "",
        "| engine | reports | pages | pages/s per core | CPU s/page (median) | wall s/page | cells exact | "
        "flagged | wrong | reports ok |",
        "|---|---|---|---|---|---|---|---|---|---|",
    ]
    for r in results["engines"].values():
        lines.append(
            f"| {r['engine']} | {r['reports']} | {r['pages']} | **{r['pages_per_s_per_core']}** | "
            f"{r['cpu_seconds_per_page']} ({r['median_cpu_seconds_per_page']}) | {r['wall_seconds_per_page']} | "
            f"{r['exact']}/{r['cells']} ({100 * r['exact'] / r['cells']:.1f}%) | {r['flagged']} | {r['wrong']} | "
            f"{r['ok']}/{r['reports']} |"
        )
    sets = {
        "synthetic": "synthetic reports (above)",
        "real": "the shared corpus's three real text-layer PDFs (smaller, tighter print), each scanned twice at 150 dpi",
    }
    lines += ["", "By set of scans:", "", "| engine | scans | reports ok | cells exact | flagged | wrong |"]
    lines.append("|---|---|---|---|---|---|")
    for r in results["engines"].values():
        for kind, part in r.get("sets", {}).items():
            lines.append(
                f"| {r['engine']} | {sets[kind]} | {part['ok']}/{part['reports']} | "
                f"{part['exact']}/{part['cells']} ({100 * part['exact'] / part['cells']:.1f}%) | {part['flagged']} | "
                f"{part['wrong']} |"
            )
    lines += ["", "Per document (CPU seconds, cells exact / flagged / wrong, status):", ""]
    engines = list(results["engines"])
    lines += ["| scan | pages | " + " | ".join(engines) + " |", "|---|---|" + "---|" * len(engines)]
    for i, d in enumerate(results["engines"][engines[0]]["documents"]):
        cells = [results["engines"][e]["documents"][i] for e in engines]
        lines.append(
            f"| {d['name']} | {d['pages']} | "
            + " | ".join(
                f"{c['cpu_seconds']} s, {c['exact']}/{c['flagged']}/{c['wrong']}, {c['status']}" for c in cells
            )
            + " |"
        )
    return lines


def targets_lines(loaded: dict) -> list[str]:
    """Issue 6's targets against this run's numbers."""
    e, b, v, p = (loaded.get(k) for k in ("extraction", "baselines", "validation", "pipeline"))
    variety = loaded.get("variety")
    rows = []
    if e:
        forms = e["synthetic_forms"]
        worst = min(forms[f]["reports_per_s"] for f in ("text", "markdown", "html", "html_gbk", "html_word"))
        ratio = e["corpus_text_html"]["html_ms_per_report"] / e["corpus_text_html"]["lxml_parse_ms_per_report"]
        gauge = e.get("lxml_parse_html_gauge")
        speed = f" (lxml alone: {gauge['reports_per_s']}/s in the same rounds)" if gauge else ""
        rows += [
            ("text/HTML ≥ 300 reports/s per core", f"slowest text/HTML form {worst}/s{speed}", worst >= 300),
            ("within 4× of lxml parsing the same files", f"{ratio:.1f}× (real HTML reports)", ratio <= 4),
            ("text-layer PDF ≥ 3× pdfplumber extract_tables", f"{e['pdf']['speedup']}×", e["pdf"]["speedup"] >= 3),
        ]
    if v:
        seconds = v["sizes"]["10000"]["seconds_median"]
        rows.append(("validation of 10,000 reports < 30 s", f"{seconds} s", seconds < 30))
    if p:
        big = p["sizes"].get("10000")
        if big:
            rows.append(
                (
                    "pipeline over 10,000 local reports < 10 min, < 2 GB",
                    f"{big['seconds_median']} s, {big['peak_rss_mb_max']} MB",
                    big["seconds_median"] < 600 and big["peak_rss_mb_max"] < 2048,
                )
            )
        rows.append(
            ("DAG parse < 0.5 s", f"{p['dag_parse_seconds']['median']} s", p["dag_parse_seconds"]["median"] < 0.5)
        )
    q = loaded.get("quality_views")
    if q:
        slowest = max(r["median_ms"] for r in q["pages"].values())
        worst = max(r["max_ms"] for r in q["pages"].values())
        rows.append(
            (
                f"a quality page view < {q['target_ms']} ms with {q['reports_curated']:,} reports curated (issue 15)",
                f"slowest page {slowest} ms (median), {worst} ms at worst",
                slowest < q["target_ms"],
            )
        )
    if b:
        beaten = all(
            t.get("cells_right", 0) < r["tools"][0]["cells_right"] for r in b["forms"].values() for t in r["tools"][1:]
        )
        rows.append(("ogi recovers more cells than every baseline, on every form", "see the table below", beaten))
    if variety:
        silent = {form: t["silent_wrong"] for form, t in variety["forms"].items()}
        rows.append(
            (
                "no silent wrong cell on the variants, every form (issue 19)",
                ", ".join(f"{form} {n}" for form, n in silent.items()),
                not any(silent.values()),
            )
        )
    o = loaded.get("ocr")
    if o:
        mine = o["engines"]["rapidocr"]
        rows += [
            (
                "OCR ≤ 3 s per page per core (issue 14)",
                f"{mine['cpu_seconds_per_page']} CPU s/page ({mine['pages_per_s_per_core']} pages/s per core)",
                mine["cpu_seconds_per_page"] <= 3,
            ),
            ("OCR: no silent wrong cell (issue 14)", f"{mine['wrong']} of {mine['cells']} cells", mine["wrong"] == 0),
        ]
    lines = ["## Targets (issues 6, 14, 15, 19)", "", "| target | this run | met |", "|---|---|---|"]
    lines += [f"| {name} | {value} | {'yes' if met else '**no**'} |" for name, value, met in rows]
    return lines


def main() -> None:
    lines = [
        "# Benchmarks",
        "",
        "Run `make bench` to measure again; raw numbers in `bench/results/*.json`.",
        "This 2-core machine is a shared VM whose speed drifts with its neighbours: the same code has run up to "
        "twice as slow in a slow spell (CPU time drops with wall time, so it is not a wait), so every run is "
        "listed beside its median.",
        "",
    ]
    names = ("extraction", "baselines", "validation", "pipeline", "variety", "quality_views", "workers", "ocr")
    loaded = {name: _load(name) for name in names}
    lines += targets_lines({k: v for k, v in loaded.items() if v is not None}) + [""]
    for name, render in (
        ("extraction", extraction_lines),
        ("baselines", baselines_lines),
        ("validation", validation_lines),
        ("pipeline", pipeline_lines),
        ("variety", variety_lines),
        ("quality_views", quality_views_lines),
        ("workers", workers_lines),
        ("ocr", ocr_lines),
    ):
        results = loaded[name]
        if results is not None:
            lines += render(results) + [""]
    (ROOT / "BENCHMARKS.md").write_text("\n".join(lines))
    print("\n".join(lines))


if __name__ == "__main__":
    main()
