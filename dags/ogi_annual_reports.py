"""
### ogi_annual_reports — 政府信息公开工作年度报告, nightly

Discover reports on the configured agency portals (`OGI_SOURCES`, default: the bundled sample), fetch new and
changed ones into the raw archive, extract their three tables (scanned reports by OCR, in tasks of their own
in pool `ogi_ocr`), settle one report per agency and year from the documents that carry it (copies compared
cell by cell, rule D3), validate them against the template's identities and the cross-report rules, and publish
curated datasets (write → audit → publish: ten Delta tables switched together) with a quality report; the run's
staging is deleted whatever happened (`cleanup`). Data lives under `OGI_DATA`.

Params for an ad-hoc run: `agencies` (a subset of the sources, by name), `year` (only reports of that year),
`force` (re-process documents even when their bytes were already published).
"""

from __future__ import annotations

import os
from datetime import datetime, timedelta

from airflow.sdk import CronTriggerTimetable, Param, dag, get_current_context, task
from ogi_assets import CURATED


def _config():
    from ogi.pipeline.config import PipelineConfig

    return PipelineConfig.from_env()


@dag(
    dag_id="ogi_annual_reports",
    schedule=CronTriggerTimetable("0 2 * * *", timezone="Asia/Shanghai"),
    start_date=datetime(2026, 1, 1),
    catchup=False,
    is_paused_upon_creation=False,  # the nightly run starts as soon as the scheduler sees the DAG
    max_active_runs=1,
    tags=["ogi", "政府信息公开", "nightly"],
    doc_md=__doc__,
    default_args={
        "owner": "ogi",
        "retries": 2,
        "retry_delay": timedelta(seconds=float(os.environ.get("OGI_RETRY_DELAY_S", 120))),
    },
    params={
        "agencies": Param([], type="array", items={"type": "string"}, description="Only these agencies (by name)"),
        "year": Param(None, type=["null", "integer"], description="Only reports of this year"),
        "force": Param(False, type="boolean", description="Re-process documents already published"),
    },
)
def ogi_annual_reports():
    @task
    def discover() -> list[str]:
        from ogi.pipeline.plan import discover as plan

        context = get_current_context()
        params = context["params"]
        found = plan(_config(), context["run_id"], params["agencies"] or None, params["year"])
        for problem in found["listing_problems"]:
            print(f"listing page not read: {problem}")
        return found["batches"]

    @task(pool="ogi_fetch", max_active_tis_per_dagrun=4)
    def fetch(batch: str) -> str:
        from ogi.pipeline.fetch_step import fetch_batch

        return fetch_batch(_config(), batch, get_current_context()["params"]["force"])

    @task
    def extract(fetched: str) -> str:
        from ogi.pipeline.extract_step import extract_batch

        return extract_batch(_config(), fetched)

    @task
    def scans(staged: list[str]) -> list[str]:
        from ogi.pipeline.ocr_step import plan as ocr_plan

        return ocr_plan(_config(), [staged[i] for i in range(len(staged))])

    # scanned reports, read by OCR one per task in a pool of their own: text reports never wait for them
    @task(pool="ogi_ocr", max_active_tis_per_dagrun=2, execution_timeout=timedelta(minutes=30))
    def ocr(item: str) -> str:
        from ogi.pipeline.ocr_step import extract_scanned

        return extract_scanned(_config(), item)

    @task(trigger_rule="none_failed")  # no scans: the OCR tasks are skipped, and the run goes on
    def gather(staged: list[str], scanned: list[str] | None) -> list[str]:
        return [staged[i] for i in range(len(staged))] + ([scanned[i] for i in range(len(scanned))] if scanned else [])

    @task
    def audit(staged: list[str]) -> str:
        from ogi.pipeline.audit_step import audit as audit_batch

        return audit_batch(_config(), get_current_context()["run_id"], [staged[i] for i in range(len(staged))])

    @task(outlets=CURATED)
    def publish(staged: list[str], validated: str) -> dict:
        from ogi.pipeline.publish_step import publish as publish_batch

        run_id = get_current_context()["run_id"]
        return publish_batch(_config(), run_id, [staged[i] for i in range(len(staged))], validated)

    @task
    def quality_report(summary: dict) -> dict:
        from ogi.pipeline.quality_report import write_quality_report

        written = write_quality_report(_config(), summary)
        print(f"curated: {summary['curated']}\nduckdb: {summary.get('duckdb')}\nquality report: {written['html']}")
        return written

    @task(trigger_rule="all_done")
    def cleanup() -> list[str]:
        from ogi.pipeline.cleanup_step import cleanup as remove_intermediate

        return remove_intermediate(_config(), get_current_context()["run_id"])

    extracted = extract.expand(fetched=fetch.expand(batch=discover()))
    staged = gather(extracted, ocr.expand(item=scans(extracted)))
    published = publish(staged, audit(staged))
    quality_report(published)
    published >> cleanup()  # a leaf beside quality_report, so a failed run still shows as failed


ogi_annual_reports()
