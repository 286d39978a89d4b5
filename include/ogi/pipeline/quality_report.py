"""The run's quality report, for a person: what was read, what broke which rule, what was quarantined and why.
Markdown and HTML under `quality/`, `latest.*` pointing at the newest run."""

from __future__ import annotations

import html
from datetime import UTC, datetime

import pandas as pd

from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig, run_key
from ogi.template import load_spec

TOP = 30


def _table(frame: pd.DataFrame) -> list[str]:
    if frame.empty:
        return ["(none)"]
    lines = ["| " + " | ".join(map(str, frame.columns)) + " |", "|" + "---|" * len(frame.columns)]
    for row in frame.itertuples(index=False):
        lines.append("| " + " | ".join(str(v).replace("|", "\\|").replace("\n", " ") for v in row) + " |")
    return lines


def render_markdown(
    summary: dict, reports: pd.DataFrame, violations: pd.DataFrame, quarantine: pd.DataFrame, docs: str | None
) -> str:
    rules = load_spec().rules
    lines = [
        f"# ogi quality report — run {summary['run_id']}",
        "",
        f"Generated {datetime.now(UTC).isoformat(timespec='seconds')}. Curated version: {summary.get('version')}"
        f" ({'published by this run' if summary.get('published') else 'unchanged by this run'}).",
        "",
        "## Documents",
        "",
        f"- {summary['documents']} documents looked at: {summary['extracted']} read into curated data, "
        f"{summary['quarantined']} quarantined, {summary['container']} pages that only link their report, "
        f"{summary['unchanged']} unchanged since last published, {summary['out_of_scope']} outside the requested year.",
        "- Quality of the reports read: "
        + (", ".join(f"{n} {q}" for q, n in sorted(summary["quality"].items())) or "none"),
        "",
        "## Rule violations in the reports read",
        "",
    ]
    if violations.empty:
        lines.append("None.")
    else:
        by_rule = (
            violations.groupby(["rule", "severity"])
            .agg(violations=("report_id", "size"), reports=("report_id", "nunique"))
            .reset_index()
        )
        by_rule["rule means"] = [rules.rule(r).zh for r in by_rule["rule"]]
        lines += _table(by_rule)
        lines += ["", f"First {TOP}:", ""]
        lines += _table(violations[["source", "severity", "message_zh"]].head(TOP))
    lines += ["", "## Quarantine (new in this run)", ""]
    lines += _table(quarantine[["source", "stage", "status", "reason", "sha256"]])
    if docs:
        lines += ["", f"GX Data Docs of this run: {docs}"]
    return "\n".join(lines) + "\n"


def render_html(markdown: str) -> str:
    """The Markdown this module writes (headings, paragraphs, pipe tables) as a page."""
    body, in_table = [], False
    for line in markdown.splitlines():
        is_row = line.startswith("| ")
        if in_table and not is_row and not line.startswith("|---"):
            body.append("</table>")
            in_table = False
        if line.startswith("# "):
            body.append(f"<h1>{html.escape(line[2:])}</h1>")
        elif line.startswith("## "):
            body.append(f"<h2>{html.escape(line[3:])}</h2>")
        elif is_row:
            if not in_table:
                body.append("<table>")
                in_table = True
            cells = [html.escape(c.strip()) for c in line.strip("|").split(" | ")]
            body.append("<tr>" + "".join(f"<td>{c}</td>" for c in cells) + "</tr>")
        elif line.strip() and not line.startswith("|---"):
            body.append(f"<p>{html.escape(line)}</p>")
    if in_table:
        body.append("</table>")
    return (
        "<!doctype html><meta charset='utf-8'><title>ogi quality report</title>"
        "<style>body{font-family:sans-serif;max-width:70em;margin:2em auto}td{border:1px solid #ccc;"
        "padding:2px 6px;vertical-align:top}table{border-collapse:collapse}</style>\n" + "\n".join(body)
    )


def write_quality_report(config: PipelineConfig, summary: dict) -> dict:
    store = config.store()
    key = run_key(summary["run_id"])
    version = curated.current(store)
    reports = curated.read_dataset(store, version, "reports", ["report_id", "source", "run_id"])
    mine = set(reports.loc[reports["run_id"] == summary["run_id"], "report_id"])
    violations = curated.read_dataset(store, version, "violations")
    violations = violations[violations["report_id"].isin(mine)]
    quarantine = curated.read_dataset(store, version, "quarantine")
    quarantine = quarantine[quarantine["run_id"] == summary["run_id"]]
    docs_key = f"runs/{key}/data_docs/index.html"
    docs = store.uri(docs_key) if store.exists(docs_key) else None
    markdown = render_markdown(summary, reports, violations, quarantine, docs)
    page = render_html(markdown)
    for name in (key, "latest"):
        store.put_atomic(f"quality/{name}.md", markdown.encode("utf-8"))
        store.put_atomic(f"quality/{name}.html", page.encode("utf-8"))
    return {"markdown": store.uri(f"quality/{key}.md"), "html": store.uri(f"quality/{key}.html")}
