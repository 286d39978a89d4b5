"""The DAGs under a real Airflow (SQLite metadata DB, `airflow dags test`): integrity, policy, a full nightly run
against a portal on 127.0.0.1, the marts DAG, and a re-run that publishes nothing new."""

import json
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import duckdb
import pytest

from tests.portal import make_portal
from tests.test_pipeline import MAX_BYTES, write_sources

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


@pytest.fixture(scope="module")
def airflow_env(tmp_path_factory):
    home = tmp_path_factory.mktemp("airflow_home")
    env = {
        **os.environ,
        "AIRFLOW_HOME": str(home),
        "AIRFLOW__CORE__DAGS_FOLDER": str(ROOT / "dags"),
        "AIRFLOW__CORE__LOAD_EXAMPLES": "False",
        "AIRFLOW__CORE__EXECUTOR": "LocalExecutor",
        "AIRFLOW__API__HOST": "127.0.0.1",
        "AIRFLOW__CORE__PARALLELISM": "4",
    }
    for command in (
        ["db", "migrate"],
        ["pools", "set", "ogi_fetch", "4", "fetch tasks at once"],
        ["pools", "set", "ogi_ocr", "1", "scanned reports read by OCR at once"],
    ):
        done = subprocess.run([BIN / "airflow", *command], env=env, capture_output=True, text=True, timeout=600)
        assert done.returncode == 0, done.stderr[-3000:]
    return env


def run_python(code: str, env: dict) -> dict:
    done = subprocess.run(
        [sys.executable, "-c", textwrap.dedent(code)], env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


def test_dagbag_loads_and_every_dag_follows_policy(airflow_env):
    found = run_python(
        f"""
        import json, sys, time
        start = time.perf_counter()
        sys.path.append({str(ROOT / "dags")!r})  # as the dag-processor's and workers' bundle DagBag does
        from airflow.dag_processing.dagbag import DagBag
        bag = DagBag(dag_folder={str(ROOT / "dags")!r})
        dags = {{
            dag_id: {{"tags": sorted(dag.tags), "doc": bool(dag.doc_md), "owners": sorted({{t.owner for t in dag.tasks}}),
                      "retries": min(t.retries for t in dag.tasks), "catchup": dag.catchup,
                      "timetable": type(dag.timetable).__name__, "paused": dag.is_paused_upon_creation}}
            for dag_id, dag in bag.dags.items()
        }}
        print(json.dumps({{"errors": {{k: str(v) for k, v in bag.import_errors.items()}}, "dags": dags}}))
    """,
        airflow_env,
    )
    assert found["errors"] == {}
    assert set(found["dags"]) == {"ogi_annual_reports", "ogi_marts"}
    for dag_id, dag in found["dags"].items():
        assert "ogi" in dag["tags"] and dag["doc"] and dag["owners"] == ["ogi"], dag_id
        assert dag["retries"] >= 2 and dag["catchup"] is False, dag_id
        assert dag["paused"] is False, dag_id  # runs as scheduled from the start (README: how to pause)
    assert found["dags"]["ogi_annual_reports"]["timetable"] == "CronTriggerTimetable"
    assert found["dags"]["ogi_marts"]["timetable"] == "AssetTriggeredTimetable"


def test_parsing_a_dag_file_imports_nothing_heavy(airflow_env):
    loaded = run_python(
        f"""
        import json, runpy, sys
        sys.path.insert(0, {str(ROOT / "dags")!r})  # as Airflow puts the DAGs folder on sys.path
        runpy.run_path({str(ROOT / "dags" / "ogi_annual_reports.py")!r})
        runpy.run_path({str(ROOT / "dags" / "ogi_marts.py")!r})
        heavy = ["pandas", "pyarrow", "great_expectations", "duckdb", "deltalake", "ogi.extract", "ogi.pipeline.plan"]
        print(json.dumps([m for m in heavy if m in sys.modules]))
    """,
        airflow_env,
    )
    assert loaded == []


@pytest.fixture(scope="module")
def portal():
    portal = make_portal(MAX_BYTES).start()
    yield portal
    portal.stop()


def dags_test(dag_id: str, env: dict) -> subprocess.CompletedProcess:
    done = subprocess.run(
        [BIN / "airflow", "dags", "test", dag_id], env=env, capture_output=True, text=True, timeout=900
    )
    assert done.returncode == 0, (done.stdout + done.stderr)[-5000:]
    return done


def summaries(data: Path) -> list[dict]:
    return [json.loads(p.read_text()) for p in sorted(data.glob("runs/*/summary.json"), key=os.path.getmtime)]


def test_nightly_run_end_to_end(airflow_env, portal, tmp_path):
    write_sources(tmp_path / "sources.yaml", portal)
    env = {
        **airflow_env,
        "OGI_DATA": str(tmp_path / "data"),
        "OGI_SOURCES": str(tmp_path / "sources.yaml"),
        "OGI_BATCH_SIZE": "2",
        "OGI_MAX_BATCHES": "3",
    }
    done = dags_test("ogi_annual_reports", env)
    assert "quality report: file://" in done.stdout + done.stderr
    first = summaries(tmp_path / "data")[-1]
    assert first["published"] and (first["extracted"], first["container"], first["quarantined"]) == (5, 1, 4)
    assert (
        first["documents"]
        == 10
        == sum(first[k] for k in ("extracted", "quarantined", "container", "unchanged", "out_of_scope"))
    )
    fetch_logs = list((tmp_path / "data").glob("fetch_log/*/fetch-*.jsonl"))
    assert len(fetch_logs) == 3  # 8 links with batch size 2, bounded to 3 mapped tasks (one fetch log each)
    assert not list((tmp_path / "data").glob("runs/*/staging")), "the cleanup task leaves no staging behind"
    assert not list((tmp_path / "data").glob("runs/*/batches"))
    with duckdb.connect(str(tmp_path / "data" / "ogi.duckdb"), read_only=True) as db:
        got = db.sql(
            "select d.source, c.value from cells c join documents d using (report_id) "
            "where c.table = 't3' and c.row = 'new_received' and c.col = 'natural_person'"
        ).fetchall()
        assert db.sql("select count(*) from quarantine").fetchall()[0][0] == 4
        assert db.sql("select count(*), count(distinct (agency, report_year)) from reports").fetchall() == [(4, 4)]
    truth = {
        path.rsplit("/", 1)[-1]: r.values["t3"]["new_received"]["natural_person"] for path, r in portal.reports.items()
    }
    assert {source.rsplit("/", 1)[-1]: value for source, value in got} == truth
    assert (tmp_path / "data" / "quality" / "latest.html").is_file()
    assert list((tmp_path / "data").glob("runs/*/data_docs/index.html"))

    dags_test("ogi_marts", env)
    with duckdb.connect(str(tmp_path / "data" / "ogi.duckdb"), read_only=True) as db:
        marts = db.sql(
            "select report_year, reports, requests_new from mart_region_level_year order by report_year"
        ).fetchall()
    assert [year for year, *_ in marts] == [2020, 2022, 2023, 2024]
    assert dict((y, n) for y, n, _ in marts)[2024] == 1  # one report, its PDF and DOCX its two documents

    dags_test("ogi_annual_reports", env)
    again = summaries(tmp_path / "data")[-1]
    assert again["published"] is False and again["version"] == first["version"] and again["unchanged"] == 5


def test_a_scanned_report_is_read_by_an_ocr_task_of_its_own(airflow_env, soffice, tmp_path):
    """A scanned PDF beside a text report: the extract task leaves the scan for the OCR tasks (pool
    ogi_ocr), which read it; both are published, the scan's cells with their confidence."""
    from tests import synth
    from tests.scans import Degradation, scan

    reports = tmp_path / "reports"
    reports.mkdir()
    scanned = synth.make_report(61, "2021", "2021")
    (reports / "scan.pdf").write_bytes(scan(synth.render_pdf(scanned), Degradation(200, 0.8, 0.5, 0.1, 3, 0.5, 70), 61))
    (reports / "text.html").write_bytes(synth.render(synth.make_report(62), "html"))
    (tmp_path / "sources.yaml").write_text(
        textwrap.dedent("""\
        local_roots: [reports]
        agencies:
          - {name: 示例市扫描局, region: 示例省示例市, level: county, paths: [reports/scan.pdf]}
          - {name: 示例市文本局, region: 示例省示例市, level: county, paths: [reports/text.html]}
        """),
        encoding="utf-8",
    )
    env = {**airflow_env, "OGI_DATA": str(tmp_path / "data"), "OGI_SOURCES": str(tmp_path / "sources.yaml")}
    done = dags_test("ogi_annual_reports", env)
    assert "by OCR) read in" in done.stdout + done.stderr  # its progress, page by page, in the task's log
    summary = summaries(tmp_path / "data")[-1]
    assert (summary["documents"], summary["extracted"], summary["quarantined"]) == (2, 2, 0)
    with duckdb.connect(str(tmp_path / "data" / "ogi.duckdb"), read_only=True) as db:
        formats = dict(db.sql("select agency, format from reports").fetchall())
        confident = db.sql(
            "select count(*) from cells join reports r using (report_id) "
            "where r.format = 'pdf-ocr' and cells.confidence is not null"
        ).fetchall()[0][0]
    assert formats == {"示例市扫描局": "pdf-ocr", "示例市文本局": "html"}
    assert confident > 150
