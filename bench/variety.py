"""How ogi reads the variety real portals print: N random variants per form (tests/variants.py), each cell judged
exact, flagged (ambiguous with the true value among its candidates, or absent in a partial report naming it),
wrong without a flag, or silent wrong (a number other than the printed one); and reports whose status is wrong.

Writes bench/results/variety.json: per form, per dimension value (over every form it applies to), and per form
and dimension value; the first silent-wrong variants of each form, to reproduce with `variants.Variant(...)`.
`python -m bench.variety [N]` (default 60 per form; PDF a tenth of that, being rendered by LibreOffice).
"""

from __future__ import annotations

import json
import platform
import random
import sys
import time
from collections import defaultdict
from pathlib import Path

from ogi.extract import extract_bytes

from tests.variants import EXACT, FLAGGED, FORMS, SILENT_WRONG, WRONG, draw, judge, render

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results" / "variety.json"
VERDICTS = (EXACT, FLAGGED, WRONG, SILENT_WRONG)


def _tally() -> dict:
    return {"reports": 0, "cells": 0, **dict.fromkeys(VERDICTS, 0), "status_wrong": 0}


def _add(tally: dict, counts: dict, status_wrong: bool) -> None:
    tally["reports"] += 1
    tally["cells"] += sum(counts.values())
    for verdict, n in counts.items():
        tally[verdict] += n
    tally["status_wrong"] += status_wrong


def _share(tally: dict) -> dict:
    tally["exact_pct"] = round(100 * tally[EXACT] / tally["cells"], 2) if tally["cells"] else None
    return tally


def run(per_form: int = 60, seed: int = 0) -> dict:
    by_form = defaultdict(_tally)
    by_value = defaultdict(_tally)
    by_form_value = defaultdict(_tally)
    examples: dict[str, list[str]] = defaultdict(list)
    started = time.perf_counter()
    for form in FORMS:
        count = {"pdf": max(1, per_form // 10), "scan": max(1, per_form // 3)}.get(form, per_form)
        for i in range(count):
            variant = draw(random.Random(f"{seed}:{form}:{i}"), form)
            case = render(variant)
            judgement = judge(case, extract_bytes(case.data, case.source))
            counts = {verdict: judgement.count(verdict) for verdict in VERDICTS}
            status_wrong = judgement.status_wrong is not None
            _add(by_form[form], counts, status_wrong)
            for name, value in variant.dimensions().items():
                _add(by_value[f"{name}={value}"], counts, status_wrong)
                _add(by_form_value[f"{form} {name}={value}"], counts, status_wrong)
            if counts[SILENT_WRONG] and len(examples[form]) < 5:
                examples[form].append(repr(variant))
    return {
        "machine": f"{platform.machine()}, Python {platform.python_version()}",
        "date": time.strftime("%Y-%m-%d"),
        "per_form": per_form,
        "seed": seed,
        "seconds": round(time.perf_counter() - started, 1),
        "forms": {form: _share(t) for form, t in by_form.items()},
        "dimension_values": {key: _share(t) for key, t in sorted(by_value.items())},
        "form_dimension_values": {key: _share(t) for key, t in sorted(by_form_value.items())},
        "silent_wrong_examples": dict(examples),
    }


def main() -> None:
    per_form = int(sys.argv[1]) if len(sys.argv) > 1 else 60
    results = run(per_form)
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(results, ensure_ascii=False, indent=1) + "\n")
    for form, t in results["forms"].items():
        print(
            f"{form:10} reports {t['reports']:4}  exact {t['exact_pct']}%  flagged {t[FLAGGED]}  wrong {t[WRONG]}"
            f"  silent wrong {t[SILENT_WRONG]}  status wrong {t['status_wrong']}"
        )
    print(f"{results['seconds']} s; {RESULTS.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
