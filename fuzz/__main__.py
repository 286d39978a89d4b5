"""`make fuzz`: every target of fuzz/targets.py under atheris for a share of a fixed time, seeded with the real
corpus and synthetic reports in every form.

    python -m fuzz [--seconds 600] [TARGET ...]

Each target runs in its own process (fuzz/one.py); what it learns is kept under .fuzz/corpus/ for the next run.
An input that makes a target raise anything but ReadError, hang past --timeout or grow past --rss-mb is saved
under .fuzz/findings/TARGET/ and the command exits 1: fix the bug where it lies, then copy the input to
tests/data/fuzz/TARGET/ (tests/test_fuzz_findings.py replays it).
"""

from __future__ import annotations

import argparse
import random
import shutil
import subprocess
import sys
from pathlib import Path

from fuzz.targets import ROOT, TARGETS

WORK = ROOT / ".fuzz"
CORPUS = ROOT / "tests" / "data" / "corpus" / "real"
MAX_LEN = {"pdf": 120_000, "docx": 60_000, "grammar": 4_000}  # bytes per input; 100,000 for the others


def ruled_pdf() -> bytes:
    """A one-page PDF of a small ruled table of numbers, written out by hand (a few hundred bytes)."""
    lines = "".join(f"72 {700 - 20 * i} m 272 {700 - 20 * i} l S " for i in range(4))
    lines += "".join(f"{72 + 100 * i} 700 m {72 + 100 * i} 640 l S " for i in range(3))
    cells = "".join(
        f"BT /F1 10 Tf {80 + 100 * c} {686 - 20 * r} Td ({1000 + r * 2 + c}) Tj ET " for r in range(3) for c in range(2)
    )
    title = "BT /F1 12 Tf 72 720 Td (Government information disclosure annual report 2023) Tj ET "
    content = (lines + title + cells).encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(content), content),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


def seeds(target: str) -> list[bytes]:
    from tests.synth import make_report, render, render_pdf

    reports = [make_report(seed, *layouts) for seed, layouts in enumerate([("2021", "2021"), ("2019", "2019")])]
    if target == "pdf":  # whole small PDFs, with text and ruling lines; the real ones are cut at -max_len
        rendered = [render_pdf(reports[0])] if shutil.which("soffice") else []
        return [ruled_pdf(), *rendered, *(p.read_bytes() for p in sorted(CORPUS.glob("*.pdf")))]
    if target == "docx":
        return [render(r, "docx") for r in reports]
    if target == "grammar":
        rng = random.Random(0)
        return [bytes(rng.randrange(256) for _ in range(2_000)) for _ in range(4)]
    real = [p.read_bytes() for p in sorted(CORPUS.iterdir()) if p.suffix in (".txt", ".html")]
    forms = ("text", "glued", "markdown", "html", "html_gbk", "html_word")
    return real + [render(r, form) for r in reports for form in forms]


def fuzz(target: str, seconds: int, timeout: int, rss_mb: int) -> Path | None:
    """Run one target; the input it crashed on, if it did."""
    seed_dir, corpus, findings, log = (WORK / part / target for part in ("seeds", "corpus", "findings", "logs"))
    shutil.rmtree(seed_dir, ignore_errors=True)
    for directory in (seed_dir, corpus, findings, log.parent):
        directory.mkdir(parents=True, exist_ok=True)
    for i, data in enumerate(seeds(target)):
        (seed_dir / f"seed-{i:03d}").write_bytes(data)
    before = set(findings.iterdir())
    flags = [
        f"-max_total_time={seconds}",
        f"-timeout={timeout}",
        f"-rss_limit_mb={rss_mb}",
        f"-max_len={MAX_LEN.get(target, 100_000)}",
        "-seed=1",
        "-print_final_stats=1",
    ]
    command = [sys.executable, "-m", "fuzz.one", target, str(seed_dir), str(corpus), str(findings), *flags]
    with log.open("w") as out:
        code = subprocess.run(command, cwd=ROOT, stdout=out, stderr=subprocess.STDOUT, timeout=seconds + 600).returncode
    runs = [
        line
        for line in log.read_text(errors="replace").splitlines()
        if line.startswith("stat::number_of_executed_units")
    ]
    found = sorted(set(findings.iterdir()) - before)
    print(f"fuzz {target}: {runs[-1].split(':')[-1].strip() if runs else '?'} inputs in {seconds} s", flush=True)
    if code == 0:
        return None
    print(log.read_text(errors="replace")[-6000:], file=sys.stderr)
    return found[0] if found else log


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m fuzz", description=__doc__.split("\n\n")[0])
    parser.add_argument("targets", nargs="*", choices=[[], *TARGETS], metavar="TARGET", help=", ".join(TARGETS))
    parser.add_argument("--seconds", type=int, default=600, help="in all, shared among the targets (default: 600)")
    parser.add_argument("--timeout", type=int, default=20, help="seconds one input may take (default: 20)")
    parser.add_argument("--rss-mb", type=int, default=2048, help="memory the fuzzing process may grow to")
    args = parser.parse_args()
    targets = args.targets or list(TARGETS)
    share = max(5, args.seconds // len(targets))
    findings = {t: found for t in targets if (found := fuzz(t, share, args.timeout, args.rss_mb))}
    for target, found in findings.items():
        print(f"fuzz {target}: FOUND {found} (fix it, then copy it to tests/data/fuzz/{target}/)", file=sys.stderr)
    print(f"fuzz: {len(targets)} targets, {len(findings) or 'no'} findings")
    return 1 if findings else 0


if __name__ == "__main__":
    sys.exit(main())
