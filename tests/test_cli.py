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


HONGZE = [CORPUS / "real" / "001_huaian_hongze_2023.pdf", CORPUS / "real" / "002_huaian_hongze_2024.pdf"]


def test_validate_jsonl_one_object_per_violation(tmp_path):
    result = run(
        "validate", "--jsonl", *map(str, HONGZE), "--docs", str(tmp_path / "docs"), "--out", str(tmp_path / "out")
    )
    assert result.returncode == 0, result.stderr
    lines = [json.loads(line) for line in result.stdout.splitlines()]
    assert all(set(line) == {"source", "rule", "scope", "lhs", "rhs", "severity", "message_zh"} for line in lines)
    found = {
        (line["source"].rsplit("/", 1)[-1], line["rule"], line["scope"], line["lhs"], line["rhs"]) for line in lines
    }
    assert found == {
        ("001_huaian_hongze_2023.pdf", "I4", "t4.review", 0, 11),
        ("001_huaian_hongze_2023.pdf", "I4", "t4.litigation_after_review", 0, 5),
        ("002_huaian_hongze_2024.pdf", "N1", "narrative.received", 17, 95),
    }
    assert (tmp_path / "docs" / "index.html").is_file()
    quality = pq.read_table(tmp_path / "out" / "quality.parquet").to_pandas()
    assert sorted(quality["quality"]) == ["fail", "warn"]


def test_validate_reads_extracted_parquet(tmp_path):
    assert run("extract", "--parquet", str(tmp_path), *map(str, HONGZE)).returncode == 0
    result = run("validate", "--parquet", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert "2 reports (1 fail, 1 warn); 3 violations" in result.stdout
    assert "I4 t4.review" in result.stdout


def test_validate_usage_errors(tmp_path):
    assert run("validate").returncode == 2
    missing = run("validate", str(tmp_path / "nope.pdf"))
    assert missing.returncode == 2 and "nope.pdf" in missing.stderr


def test_expectations_build_and_check(tmp_path):
    assert run("expectations", "build", "--check").returncode == 0
    written = run("expectations", "build", "--out", str(tmp_path))
    assert written.returncode == 0 and (tmp_path / "t3.json").is_file()
    (tmp_path / "t3.json").write_text("{}", encoding="utf-8")
    stale = run("expectations", "build", "--check", "--out", str(tmp_path))
    assert stale.returncode == 1 and "t3.json" in stale.stderr


def test_extract_jsonl_does_not_load_the_dataframe_stack():
    script = (
        "import sys, contextlib, io\n"
        "from ogi.cli import main\n"
        "with contextlib.redirect_stdout(io.StringIO()):\n"
        f"    main(['extract', '--jsonl', {str(CORPUS / 'real')!r}])\n"
        "print(sorted(m for m in ('pyarrow', 'pandas', 'great_expectations') if m in sys.modules))\n"
    )
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, check=True)
    assert done.stdout.strip() == "[]"
