"""The pipeline's steps in one process against a real portal on 127.0.0.1: what is curated, quarantined and
logged; re-runs; changed content; a publisher killed between two tables."""

import json
import textwrap

import duckdb
import pandas as pd
import pytest
from ogi.fetch.archive import Archive
from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.run import run_all

from tests import synth
from tests.faults import kill_at, was_killed
from tests.portal import AGENCY, make_portal

MAX_BYTES = 2_000_000


@pytest.fixture(scope="module")
def portal():
    portal = make_portal(MAX_BYTES).start()
    yield portal
    portal.stop()


def write_sources(path, portal) -> None:
    path.write_text(
        textwrap.dedent(f"""\
        fetch: {{timeout_s: 1.0, retries: 2, backoff_s: 0.05, max_bytes: {MAX_BYTES}}}
        agencies:
          - name: {AGENCY}
            region: 示例省示例市
            level: county
            listings: ['{portal.base}/list.html']
            allow_private: true
        """),
        encoding="utf-8",
    )


@pytest.fixture(scope="module")
def first_run(tmp_path_factory, portal):
    root = tmp_path_factory.mktemp("pipeline")
    write_sources(root / "sources.yaml", portal)
    config = PipelineConfig(str(root / "data"), root / "sources.yaml", batch_size=3, max_batches=4)
    return config, run_all(config, "run-1")


def t3_totals(config) -> dict[tuple[str, str], float]:
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        rows = db.sql(
            "select r.source, t3.new_received, t3.results_total, t3.granted from t3 "
            "join reports r using (report_id) where t3.col = 'total'"
        ).fetchall()
    return {source.rsplit("/", 1)[-1]: (new, results, granted) for source, new, results, granted in rows}


def test_every_document_ends_in_exactly_one_place(first_run):
    config, summary = first_run
    assert summary["documents"] == 10  # 8 report links (file:// included) + 2 attachments
    assert (summary["extracted"], summary["container"], summary["quarantined"]) == (5, 1, 4)
    assert summary["documents"] == sum(
        summary[k] for k in ("extracted", "quarantined", "container", "unchanged", "out_of_scope")
    )
    store = config.store()
    version = curated.current(store)
    reports = curated.read_dataset(store, version, "reports")
    quarantine = curated.read_dataset(store, version, "quarantine")
    assert len(reports) == 5 and len(quarantine) == 4
    assert not set(reports["source"]) & set(quarantine["source"])


def test_curated_values_are_the_reports_values(first_run, portal):
    config, _ = first_run
    totals = t3_totals(config)
    for path in ("/r/2022.html", "/r/2023-gbk.html", "/a/2024.pdf", "/a/2024.docx", "/r/2020.html"):
        truth = portal.reports[path].values["t3"]
        name = path.rsplit("/", 1)[-1]
        assert totals[name] == (
            truth["new_received"]["total"],
            truth["results_total"]["total"],
            truth["granted"]["total"],
        ), path


def test_duckdb_views_hold_the_delta_tables_rows(first_run):
    """Each view has the rows `deltalake` alone reads from its table at the version CURRENT.json names, and
    counts are integers in both."""
    from deltalake import DeltaTable

    config, _ = first_run
    store = config.store()
    version = curated.current(store)
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        for dataset, table_version in version.tables.items():
            delta = DeltaTable(store.uri(f"curated/{dataset}"), version=table_version).to_pandas()
            view = db.sql(f"select * from {dataset}").df()
            assert len(view) == len(delta) == version.manifest["rows"][dataset], dataset
            key = "source" if dataset == "quarantine" else "report_id"
            assert sorted(view[key]) == sorted(delta[key]), dataset
        t3 = DeltaTable(store.uri("curated/t3"), version=version.tables["t3"]).to_pyarrow_table()
        assert str(t3.schema.field("new_received").type) == "int64"
        types = dict(db.sql("select column_name, column_type from (describe t3)").fetchall())
        assert types["new_received"] == "BIGINT" and types["report_year"] == "INTEGER"
        assert (
            db.sql("select sum(new_received) from t3").fetchall()[0][0]
            == pd.Series(t3.column("new_received").to_pylist(), dtype="Int64").sum()
        )


def test_quarantine_says_why(first_run):
    config, _ = first_run
    store = config.store()
    quarantine = curated.read_dataset(store, curated.current(store), "quarantine").set_index("source")
    reasons = {source.rsplit("/", 1)[-1]: (row.stage, row.status, row.reason) for source, row in quarantine.iterrows()}
    assert reasons["2018-gone.html"][1] == "failed" and "HTTP 404" in reasons["2018-gone.html"][2]
    assert reasons["2019-slow.html"][1] == "failed" and "timed out" in reasons["2019-slow.html"][2]
    assert reasons["2021-huge.pdf"][1] == "too_large" and "cap" in reasons["2021-huge.pdf"][2]
    assert reasons["passwd"][1] == "refused" and "only http(s)" in reasons["passwd"][2]


def test_fetch_log_records_every_attempt(first_run, portal):
    config, _ = first_run
    store = config.store()
    records = [
        json.loads(line)
        for key in store.list("fetch_log/run-1")
        for line in store.read_bytes(key).decode("utf-8").splitlines()
    ]
    flaky = next(r for r in records if r.get("url") == portal.base + "/r/2020.html" and r["stage"] == "fetch")
    assert [a["http_status"] for a in flaky["attempts"]] == [500, 200] and flaky["sha256"]
    slow = next(r for r in records if r.get("url") == portal.base + "/r/2019-slow.html")
    assert len(slow["attempts"]) == 3


def test_cross_year_rules_hold_on_a_consistent_series(first_run):
    config, _ = first_run
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        rules = {r for (r,) in db.sql("select distinct rule from violations").fetchall()}
        quality = dict(db.sql("select quality, count(*) from quality group by quality").fetchall())
    assert not rules & {"I1", "I2", "I3", "I4", "X1", "X2", "D1", "D2"}
    assert quality.get("fail", 0) == 0


def test_a_rerun_publishes_nothing_new(first_run):
    config, first = first_run
    again = run_all(config, "run-2")
    assert again["published"] is False and again["version"] == first["version"]
    assert again["unchanged"] == 5 and again["extracted"] == 0 and again["newly_quarantined"] == 0
    assert again["documents"] == first["documents"]


def test_changed_content_makes_a_new_version_and_keeps_the_old(first_run, portal):
    config, _ = first_run
    store = config.store()
    before = curated.current(store)
    old_body = portal.routes["/r/2022.html"].body
    changed = synth.make_report(4242, "2021", "2021", year=2022, agency=AGENCY)
    portal.routes["/r/2022.html"].body = synth.render(changed, "html")
    try:
        summary = run_all(config, "run-3")
    finally:
        portal.routes["/r/2022.html"].body = old_body
    assert summary["published"] and summary["version"] == before.number + 1 and summary["extracted"] == 1
    truth = changed.values["t3"]
    assert t3_totals(config)["2022.html"] == (
        truth["new_received"]["total"],
        truth["results_total"]["total"],
        truth["granted"]["total"],
    )
    reports = curated.read_dataset(store, curated.current(store), "reports")
    assert reports["report_id"].is_unique and len(reports) == 5
    versions = Archive(store).url_state(portal.base + "/r/2022.html")["versions"]
    assert len(versions) == 2 and all(store.exists(Archive(store).raw_key(v["sha256"])) for v in versions)
    # the previous version's files are untouched: a reader holding it still reads it whole
    old = curated.read_dataset(store, before, "reports")
    assert len(old) == 5


def test_a_crash_between_tables_leaves_the_previous_version(first_run):
    """A publisher killed after committing one table and before the others: readers still see the previous
    version whole (the DuckDB views and the library both resolve through curated/CURRENT.json), although the
    killed publisher's commit is the newest in that table's Delta log; the next publish rolls it back."""
    from deltalake import DeltaTable

    config, _ = first_run
    store = config.store()
    before = curated.current(store)
    rows_before = {name: before.manifest["rows"][name] for name in ("reports", "cells")}
    done = kill_at(
        f"""
        from pathlib import Path
        from ogi.pipeline import curated
        from ogi.pipeline.config import PipelineConfig
        store = PipelineConfig({config.data_root!r}, Path({str(config.sources)!r})).store()
        base = curated.current(store)
        reports = curated.read_dataset(store, base, "reports")
        cells = curated.read_dataset(store, base, "cells")
        gone = set(reports["report_id"][:2])
        with curated.publishing(store, "crash") as publisher:
            publisher.commit({{"reports": (reports.iloc[2:], gone), "cells": (cells[~cells.report_id.isin(gone)], gone)}})
        """,
        step=r"committed reports",
    )
    assert was_killed(done), done.stdout + done.stderr
    reports_table = DeltaTable(store.uri("curated/reports"))
    assert reports_table.version() > before.tables["reports"]  # the orphan commit is there...
    assert len(reports_table.to_pandas()) == rows_before["reports"] - 2
    after = curated.current(store)  # ...but no reader resolves to it
    assert after.number == before.number and after.tables == before.tables
    assert len(curated.read_dataset(store, after, "reports")) == rows_before["reports"]
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        assert db.sql("select count(*) from reports").fetchall()[0][0] == rows_before["reports"]
        assert db.sql("select count(*) from cells").fetchall()[0][0] == rows_before["cells"]
    # the next run rolls the orphan back, then publishes complete again
    summary = run_all(config, "run-after-crash", force=True)
    assert summary["published"] and summary["version"] == before.number + 1
    reports = curated.read_dataset(store, curated.current(store), "reports")
    assert len(reports) == rows_before["reports"] and reports["report_id"].is_unique
    assert len(DeltaTable(store.uri("curated/reports")).to_pandas()) == rows_before["reports"]
    assert any(h["operation"] == "RESTORE" for h in DeltaTable(store.uri("curated/reports")).history())


def test_the_bundled_sample_through_the_pipeline(tmp_path):
    """What `make run` publishes: every sample report's t3 in DuckDB equals its hand-checked expected values."""
    from ogi.sources import sample_sources_path

    from tests.conftest import CORPUS

    config = PipelineConfig(str(tmp_path / "data"), sample_sources_path())
    summary = run_all(config, "sample")
    assert (summary["documents"], summary["extracted"], summary["quarantined"]) == (12, 11, 1)
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        rows = db.sql("select r.source, t3.* from t3 join reports r using (report_id)").df()
        seed = db.sql(
            "select new_received, results_total, carried_forward from t3 join reports r using (report_id) "
            "where r.source like '%000_dalian_changxingdao_2022.txt' and col = 'natural_person'"
        ).fetchall()
    truth = json.loads((CORPUS / "expected" / "000_dalian_changxingdao_2022.expected.json").read_text())["t3"]
    assert seed == [
        tuple(int(truth[row]["natural_person"]) for row in ("new_received", "results_total", "carried_forward"))
    ]
    for path in sorted((CORPUS / "expected").glob("*.json")):
        expected = json.loads(path.read_text(encoding="utf-8"))
        if not expected.get("t3"):
            continue
        mine = rows[rows["source"].str.endswith(expected["file"])].set_index("col")
        for row, cols in expected["t3"].items():
            for col, want in cols.items():
                value = want["value"] if isinstance(want, dict) else want
                got = mine.at[col, row]
                assert (pd.isna(got) and value is None) or got == value, (expected["file"], row, col, got, value)
