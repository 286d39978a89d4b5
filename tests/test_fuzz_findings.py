"""Every input the fuzzer (make fuzz) once crashed a target on, replayed: each must now come back as a reader's
answer or a ReadError, and through extract_bytes as a status with a reason naming the file."""

import pytest
from ogi.extract import extract_bytes

from fuzz.targets import FINDINGS, TARGETS, run

FOUND = sorted(p for p in FINDINGS.glob("*/*") if p.is_file())


def test_every_finding_belongs_to_a_target():
    assert FOUND and {p.parent.name for p in FOUND} <= set(TARGETS)


@pytest.mark.parametrize("path", FOUND, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_a_fuzz_finding_is_an_answer_not_an_exception(path):
    data = path.read_bytes()
    run(path.parent.name, data)  # raises if the bug is back
    if path.parent.name != "grammar":  # the grammar's inputs are token codes, not files
        report = extract_bytes(data, path.name)
        assert report.status and (report.status in ("ok", "partial") or path.name in report.error)
        assert not (report.error or "").startswith(f"{path.name}: cannot read:")  # the catch-all: an unknown bug
