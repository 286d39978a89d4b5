"""Summary marts over the current curated version, per region, level and report year: request volumes,
outcome shares, violation rates. Built by the downstream DAG whenever the curated datasets change."""

from __future__ import annotations

import pandas as pd

from ogi.pipeline import curated
from ogi.pipeline.catalog import MARTS, build_catalog
from ogi.pipeline.config import PipelineConfig

OUTCOME_GROUPS = {
    "granted": ("granted",),
    "partially_granted": ("partially_granted",),
    "denied": ("denied_",),
    "unable": ("unable_",),
    "rejected": ("rejected_",),
    "other": ("other_",),
}


def region_level_year(reports: pd.DataFrame, t3: pd.DataFrame) -> pd.DataFrame:
    keys = ["region", "level", "report_year"]
    totals = t3.loc[t3["col"] == "total"].drop(columns=["report_year", "agency", "region", "level"])
    for group, prefixes in OUTCOME_GROUPS.items():
        columns = [c for c in t3.columns if c.startswith(prefixes)]
        totals[f"{group}_n"] = totals[columns].sum(axis=1, min_count=1)
    totals = reports[["report_id", "quality", *keys]].merge(totals, on="report_id", how="left")
    totals[keys] = totals[keys].fillna({"region": "(unknown)", "level": "(unknown)", "report_year": -1})
    out = (
        totals.groupby(keys)
        .agg(
            reports=("report_id", "nunique"),
            requests_new=("new_received", "sum"),
            requests_carried_over=("carried_over", "sum"),
            results_total=("results_total", "sum"),
            failing_reports=("quality", lambda q: int((q == "fail").sum())),
            **{f"{g}_n": (f"{g}_n", "sum") for g in OUTCOME_GROUPS},
        )
        .reset_index()
    )
    for group in OUTCOME_GROUPS:
        out[f"{group}_share"] = (out[f"{group}_n"] / out["results_total"]).where(out["results_total"] > 0)
    out["violation_rate"] = out["failing_reports"] / out["reports"]
    return out


def build_marts(config: PipelineConfig) -> dict:
    store = config.store()
    version = curated.current(store)
    reports = curated.read_dataset(store, version, "reports")
    t3 = curated.read_dataset(store, version, "t3")
    mart = region_level_year(reports, t3)
    key = f"{MARTS}/region_level_year.parquet"
    store.put_atomic(key, mart.to_parquet(index=False))
    out = {"marts": [store.uri(key)], "rows": len(mart)}
    if version is not None:
        out["duckdb"] = build_catalog(config, version)
    return out
