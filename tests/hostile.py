"""Inputs a broken or hostile portal could serve, each made small on the wire and expensive to read naively.

Every one must come back from `ogi extract` within its budget with a status and a reason (tests/test_hostile.py);
`python -m tests.hostile DIR` writes them to DIR for trying by hand (`ogi extract DIR --jsonl`).
"""

from __future__ import annotations

import io
import random
import sys
import zipfile
from pathlib import Path

from tests import synth

TITLE = "示例市2023年政府信息公开工作年度报告"


def _page(body: str) -> bytes:
    return f"<html><head><meta charset='utf-8'><title>{TITLE}</title></head><body>{body}</body></html>".encode()


def deep_elements(depth: int = 200_000, tag: str = "div") -> bytes:
    """One text at the bottom of `depth` nested elements."""
    return _page(f"<{tag}>" * depth + "三、收到和处理政府信息公开申请情况 1 2 3" + f"</{tag}>" * depth)


def deep_unclosed(depth: int = 200_000) -> bytes:
    """Elements opened and never closed, as a truncated or hostile page leaves them."""
    return _page("<span><b><i>" * (depth // 3) + "年度报告 12")


def huge_spans(rows: int = 30, cells: int = 100, span: int = 10_000_000) -> bytes:
    """A table whose every cell claims to span millions of rows and columns."""
    row = "".join(f"<td rowspan='{span}' colspan='{span}'>{i}</td>" for i in range(cells))
    return _page("<table>" + f"<tr>{row}</tr>" * rows + "</table>")


def span_grid(width: int = 400, rows: int = 400) -> bytes:
    """A first row of wide, tall number cells, then rows of one cell each that must walk past all of them:
    the rows times the spanned columns, from a few kilobytes."""
    head = "".join(f"<td rowspan='{rows}' colspan='{width}'>{i}</td>" for i in range(width))
    return _page("<table><tr>" + head + "</tr>" + "<tr><td>1</td></tr>" * rows + "</table>")


def nested_tables(depth: int = 5_000, inside: str = "年度报告 1") -> bytes:
    return _page("<table><tr><td>" * depth + inside + "</td></tr></table>" * depth)


def report_in_nested_tables(report: synth.SyntheticReport, depth: int = 2_000) -> bytes:
    """A real report's page, its body at the bottom of `depth` nested layout tables."""
    page = synth.render_html(report)
    body = page[page.index("<body>") + len("<body>") : page.index("</body>")]
    return nested_tables(depth, body)


def many_tables(count: int = 20_000) -> bytes:
    """Many small tables side by side, each inside a layout table's cell."""
    inner = "<table><tr><td>申请人情况</td><td>1</td></tr></table>"
    return _page("<table><tr><td>" + inner * count + "</td></tr></table>")


def glued_digit_runs(labels: int = 200, digits: int = 40, seed: int = 17) -> bytes:
    """Crawler text: the template's row labels, `labels` of them, each glued to a long run of digits with no
    zero, so that every cut is valid for every column."""
    rng = random.Random(seed)
    report = synth.make_report(seed)
    row_labels = [label for label, _cells in synth.table_rows(report)["t3"]]
    parts = [
        TITLE,
        "三、收到和处理政府信息公开申请情况",
        "申请人情况自然人商业企业科研机构社会公益组织法律服务机构其他总计",
    ]
    for i in range(labels):
        parts.append(row_labels[i % len(row_labels)] + "".join(rng.choice("123456789") for _ in range(digits)))
    return "".join(parts).encode()


def long_line(size: int = 20_000_000) -> bytes:
    """One line of 20 MB of digits and no break."""
    return ("年度报告" + "1" * size).encode()


def zip_bomb() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b"0" * 50_000_000)
    return buffer.getvalue()


# name -> (file name, maker): the regression set.
HOSTILE = {
    "deep_elements": ("deep-elements.html", deep_elements),
    "deep_inline": ("deep-inline.html", lambda: deep_elements(tag="span")),
    "deep_unclosed": ("deep-unclosed.html", deep_unclosed),
    "huge_spans": ("huge-spans.html", huge_spans),
    "span_grid": ("span-grid.html", span_grid),
    "nested_tables": ("nested-tables.html", nested_tables),
    "many_tables": ("many-tables.html", many_tables),
    "glued_digit_runs": ("glued-digit-runs.txt", glued_digit_runs),
    "long_line": ("long-line.txt", long_line),
    "zip_bomb": ("bomb.docx", zip_bomb),
}


def write_all(directory: Path) -> list[Path]:
    directory.mkdir(parents=True, exist_ok=True)
    written = []
    for name, make in HOSTILE.values():
        path = directory / name
        path.write_bytes(make())
        written.append(path)
    return written


if __name__ == "__main__":
    for path in write_all(Path(sys.argv[1])):
        print(path)
