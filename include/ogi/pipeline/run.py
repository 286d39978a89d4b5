"""The whole pipeline in one process, in the order the DAG runs it: for `ogi run` and for tests that
exercise the steps without a scheduler."""

from __future__ import annotations

from ogi.pipeline import ocr_step
from ogi.pipeline.audit_step import audit
from ogi.pipeline.cleanup_step import cleanup
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.extract_step import extract_batch
from ogi.pipeline.fetch_step import fetch_batch
from ogi.pipeline.plan import discover
from ogi.pipeline.publish_step import publish
from ogi.pipeline.quality_report import write_quality_report
from ogi.pipeline.records import RunSummary


def run_all(
    config: PipelineConfig, run_id: str, agencies: list[str] | None = None, year: int | None = None, force: bool = False
) -> RunSummary:
    try:
        plan = discover(config, run_id, agencies, year)
        staged = [extract_batch(config, fetch_batch(config, batch, force)) for batch in plan["batches"]]
        staged += [ocr_step.extract_scanned(config, item) for item in ocr_step.plan(config, staged)]
        summary = publish(config, run_id, staged, audit(config, run_id, staged))
        summary["quality_report"] = write_quality_report(config, summary)
        summary["listing_problems"] = plan["listing_problems"]
        return summary
    finally:
        cleanup(config, run_id)
