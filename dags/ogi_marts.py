"""
### ogi_marts — summary marts over the curated datasets

Runs whenever `ogi_annual_reports` publishes a new curated version: per region, level and report year, request
volumes, outcome shares and violation rates, as Parquet under `OGI_DATA/marts/` and views `mart_*` in DuckDB.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from airflow.sdk import dag, task
from ogi_assets import CURATED


@dag(
    dag_id="ogi_marts",
    schedule=CURATED,
    start_date=datetime(2026, 1, 1),
    catchup=False,
    is_paused_upon_creation=False,  # runs whenever the nightly DAG publishes, from the start
    tags=["ogi", "marts"],
    doc_md=__doc__,
    default_args={"owner": "ogi", "retries": 2, "retry_delay": timedelta(minutes=2)},
)
def ogi_marts():
    @task
    def build_marts() -> dict:
        from ogi.pipeline.config import PipelineConfig
        from ogi.pipeline.marts import build_marts as build

        return build(PipelineConfig.from_env())

    build_marts()


ogi_marts()
