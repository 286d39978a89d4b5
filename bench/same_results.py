"""Did a change to extraction change any result? For speed work, where the answer must be "no".

    python -m bench.same_results save /tmp/before.json    # on the code before the change
    python -m bench.same_results check /tmp/before.json   # after it: lists the inputs whose report differs

The inputs go beyond the tests: the corpus; synthetic reports in every text and HTML form, every layout pair
and every quirk; three randomly mutated copies of each (spaces, breaks, stray values and words inserted or
deleted, which push the grammar off its usual paths); HTML whose cells hold paragraphs, breaks, comments,
scripts and spans; and glued, DOCX and PDF samples. A report is compared by a hash of its whole JSON.
"""

from __future__ import annotations

import hashlib
import json
import random
import re
import sys
from collections.abc import Iterator
from pathlib import Path

from ogi.extract import extract_bytes

from tests.synth import make_report, render, render_pdf

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "corpus" / "real"
LAYOUTS = [("2021", "2021"), ("2019", "2019"), ("2021", "2019"), ("2019", "2021")]
QUIRKS = ["", "rows", "zeros", "dashes", "rows,zeros"]
TEXT_FORMS = ("text", "markdown", "html", "html_gbk", "html_word")
EDITS = [" ", "\n", "|", "件", "—", "0", "12", "无", "/", "、", "合计"]
CELL_WRAPS = [
    "<p>{}</p>",
    " <p>{}</p> ",
    "x<p>{}</p>",
    "<p></p>{}",
    "{}<br>",
    "<br>{}",
    "<div><p>{}</p></div>",
    "<span>{}</span><span></span>",
    "<!-- c -->{}",
    "<script>1</script>{}",
    "{}&nbsp;",
    "<p>{}</p><p>0</p>",
    "<b>{}</b>\n",
    "<p>\n{}\n</p>",
    "<o:p></o:p>{}",
    "<td>{}",
]
PLAIN_CELL = re.compile(r"<td>([^<]*)</td>")


def _mutated(text: str, rng: random.Random) -> str:
    chars = list(text)
    for _ in range(rng.randint(1, 12)):
        i, op = rng.randrange(len(chars)), rng.random()
        if op < 0.25:
            chars.insert(i, rng.choice(EDITS))
        elif op < 0.5:
            del chars[i]
        elif op < 0.75:
            chars[i] = rng.choice(["\n", " ", "1", "-", "。"])
        else:
            chars.insert(i, "\n")
    return "".join(chars)


def inputs(seeds: int = 120) -> Iterator[tuple[str, bytes]]:
    for path in sorted(CORPUS.iterdir()):
        yield path.name, path.read_bytes()
    for seed in range(seeds):
        report = make_report(seed, *LAYOUTS[seed % len(LAYOUTS)], quirks=QUIRKS[seed % len(QUIRKS)])
        for form in TEXT_FORMS:
            data = render(report, form)
            yield f"{seed}-{form}", data
            if form != "html_gbk":
                rng = random.Random(seed * 31 + len(form))
                for k in range(3):
                    yield f"{seed}-{form}-m{k}", _mutated(data.decode("utf-8"), rng).encode()
        html, rng = render(report, "html").decode(), random.Random(seed)

        def wrap(cell: re.Match, rng: random.Random = rng) -> str:
            return "<td>" + rng.choice(CELL_WRAPS).format(cell.group(1)) + "</td>" if rng.random() < 0.3 else cell[0]

        for k in range(3):
            yield f"{seed}-htmlcells{k}", PLAIN_CELL.sub(wrap, html).encode()
        if seed % 10 == 0:
            for form in ("glued", "docx"):
                yield f"{seed}-{form}", render(report, form)
        if seed % 40 == 0:
            yield f"{seed}-pdf", render_pdf(report)


def fingerprints() -> dict[str, str]:
    out = {}
    for name, data in inputs():
        report = json.dumps(extract_bytes(data, name).as_json(), sort_keys=True, ensure_ascii=False)
        out[name] = hashlib.sha256(report.encode()).hexdigest()
    return out


def main(mode: str, path: str) -> int:
    now = fingerprints()
    if mode == "save":
        Path(path).write_text(json.dumps(now))
        print(f"{len(now)} reports saved to {path}")
        return 0
    before = json.loads(Path(path).read_text())
    differ = sorted(name for name in before if before[name] != now.get(name))
    print(f"{len(now)} reports compared; {len(differ)} differ" + (f": {', '.join(differ[:30])}" if differ else ""))
    return 1 if differ else 0


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("save", "check"):
        sys.exit(__doc__)
    sys.exit(main(sys.argv[1], sys.argv[2]))
