"""The run's quality report, for a person: what became of each document, the charts over the curated data, the
run's reports with problems shown with their tables and the violated cells highlighted, and what was
quarantined and why. The same views and charts as the 数据质量 pages in the Airflow UI, as one self-contained
HTML page under `quality/` (`latest.html` is the newest run's)."""

from __future__ import annotations

from ogi.pipeline.config import PipelineConfig, run_key
from ogi.views.data import QualityData
from ogi.views.pages import static_report


def write_quality_report(config: PipelineConfig, summary: dict) -> dict:
    store = config.store()
    key = run_key(summary["run_id"])
    docs_key = f"runs/{key}/data_docs/index.html"
    docs = store.uri(docs_key) if store.exists(docs_key) else None
    with QualityData(config) as data:
        page = static_report(data, summary, docs).encode("utf-8")
    for name in (key, "latest"):
        store.put_atomic(f"quality/{name}.html", page)
    return {"html": store.uri(f"quality/{key}.html")}
