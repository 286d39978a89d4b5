import json
import subprocess
import sys

import pyarrow.parquet as pq

from tests.conftest import CORPUS

SEED = CORPUS / "real" / "000_dalian_changxingdao_2022.txt"


def run(*args):
    return subprocess.run([sys.executable, "-m", "ogi.cli", *args], capture_output=True, text=True, timeout=300)


def test_jsonl_one_object_per_file_and_bad_files_do_not_stop_the_batch(tmp_path):
    empty = tmp_path / "empty.html"
    empty.write_bytes(b"")
    result = run("extract", "--jsonl", str(SEED), str(empty))
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert [line["status"] for line in lines] == ["ok", "error"]
    seed = lines[0]
    assert set(seed) >= {"source", "status", "error", "layouts", "metadata", "tables"}
    assert seed["layouts"] == {"t2": "2021", "t3": "2021"}
    assert seed["metadata"]["report_year"] == 2022
    assert seed["tables"]["t3"]["new_received"]["natural_person"] == {"value": 27, "raw": "27", "kind": "number"}
    assert "empty.html" in lines[1]["error"] and "empty file" in lines[1]["error"]


def test_parquet_cells_and_reports(tmp_path):
    result = run("extract", "--parquet", str(tmp_path / "out"), str(CORPUS / "real"))
    assert result.returncode == 0, result.stderr
    reports = pq.read_table(tmp_path / "out" / "reports.parquet").to_pylist()
    cells = pq.read_table(tmp_path / "out" / "cells.parquet").to_pandas()
    assert len(reports) == len(list((CORPUS / "real").iterdir()))
    assert {r["status"] for r in reports} == {"ok", "unsupported"}
    seed_id = next(r["report_id"] for r in reports if r["source"].endswith("000_dalian_changxingdao_2022.txt"))
    seed_cells = cells[cells.report_id == seed_id]
    assert len(seed_cells) == 200
    fees = seed_cells[(seed_cells.table == "t2") & (seed_cells.row == "fees")].iloc[0]
    assert fees.value == 1227.49 and fees.raw == "1227.49" and fees.kind == "number"
    blanks = cells[cells.kind == "blank"]
    assert len(blanks) == 135 and blanks.value.isna().all()  # the Shanghai report's printed blanks


def test_usage_errors_exit_non_zero():
    assert run("extract").returncode == 2
    missing = run("extract", "/no/such/file.txt")
    assert missing.returncode == 2 and "no such file" in missing.stderr
