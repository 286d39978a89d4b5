"""The Assets the curated datasets publish, defined once: `ogi_annual_reports` updates them, `ogi_marts` is
scheduled on them. Imports only Airflow's SDK, so both DAG files stay cheap to parse."""

from airflow.sdk import Asset

CURATED = [Asset(name=f"ogi_curated_{name}", uri=f"ogi://curated/{name}") for name in ("reports", "t3", "violations")]
