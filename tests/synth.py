"""Synthetic reports with known values, rendered in the forms ogi reads. For tests and benchmarks.

Values follow the identities unless a break is asked for, and are skewed as real ones are: most cells 0,
自然人 dominating. Labels come from the template spec, so a synthetic report reads as the spec says.
"""

from __future__ import annotations

import html as html_lib
import io
import random
from dataclasses import dataclass, field

from ogi import cells as C
from ogi.extract import Report
from ogi.identities import table_checks
from ogi.metadata import Metadata
from ogi.stated import stated_figures
from ogi.template import Layout, Row, load_spec

from tests import fonts

Values = dict[str, dict[str, dict[str, float | int]]]


@dataclass
class SyntheticReport:
    agency: str
    year: int
    layouts: dict[str, str]
    values: Values
    narrative: str = ""
    breaks: list[str] = field(default_factory=list)
    # Real-report quirks: rows not printed at all ("t2.regulations"), and zeros printed as a blank, dash or
    # slash ((table, row, col) → what is printed).
    omitted: set[str] = field(default_factory=set)
    printed: dict[tuple[str, str, str], str] = field(default_factory=dict)
    published: str | None = None  # the date printed as 发布日期 (default: 20 January of the next year)

    @property
    def title(self) -> str:
        return f"{self.agency}{self.year}年政府信息公开工作年度报告"

    @property
    def published_on(self) -> str:
        return self.published or f"{self.year + 1}-01-20"

    def layout(self, table: str) -> Layout:
        code = {"t2": self.layouts["t2"], "t3": self.layouts["t3"], "t4": "standard"}[table]
        return load_spec().layout(table, code)


def _skewed(rng: random.Random, scale: int) -> int:
    return 0 if rng.random() < 0.6 else int(rng.expovariate(1 / max(scale, 1))) + 1


def make_report(
    seed: int,
    t2_layout: str = "2021",
    t3_layout: str = "2021",
    year: int | None = None,
    agency: str | None = None,
    break_identity: str | None = None,
    previous: SyntheticReport | None = None,
    quirks: str = "",
) -> SyntheticReport:
    """A report whose values keep every identity (but `break_identity`); given last year's report of the
    same agency, it also carries over what that one carried forward and continues its stock of documents.
    `quirks`: "rows" (a department report's missing 规章 row, one in three), "zeros" (some zeros printed as
    a blank, dash or slash, as real reports do), "dashes" (the same without blanks: flattened text loses a
    blank cell altogether), combined with commas ("rows,zeros")."""
    rng = random.Random(seed)
    spec = load_spec()
    if previous is not None:
        year, agency = previous.year + 1, previous.agency
    year = year or (2020 if t2_layout == "2019" else 2023)
    agency = agency or f"示例市{'东西南北中'[seed % 5]}{'山河湖海城林'[seed // 5 % 6]}区人民政府"
    values: Values = {"t2": {}, "t3": {}, "t4": {}}

    for row in spec.layout("t2", t2_layout).rows:
        cols = {}
        for col in row.columns:
            column = spec.layout("t2", t2_layout).columns[col]
            if column.dtype == "decimal":
                cols[col] = round(rng.uniform(0, 5000), 2) if rng.random() < 0.7 else 0
            elif column.signed:
                cols[col] = rng.randint(-5, 5)
            else:
                cols[col] = _skewed(rng, 300)
        values["t2"][row.code] = cols
    before = previous.values["t2"] if previous is not None and previous.layouts["t2"] == t2_layout else {}
    for row, cols in values["t2"].items():
        if "in_force" in cols and row in before:
            cols["repealed"] = min(cols["repealed"], before[row]["in_force"] + cols["issued"])
            cols["in_force"] = before[row]["in_force"] + cols["issued"] - cols["repealed"]

    t3 = spec.layout("t3", t3_layout)
    applicants = [c for c in t3.columns if c != "total"]
    scale = {"natural_person": 30, "commercial_enterprise": 4, "legal_service_org": 3}
    t3v: dict[str, dict[str, int]] = {row.code: {} for row in t3.rows}
    for col in applicants:
        for row in t3.rows:
            if row.result:
                t3v[row.code][col] = _skewed(rng, scale.get(col, 1)) if rng.random() < 0.5 else 0
        results = sum(t3v[row.code][col] for row in t3.rows if row.result)
        if previous is not None:
            carried_over = previous.values["t3"]["carried_forward"][col]
        else:
            carried_over = _skewed(rng, 2) if rng.random() < 0.3 else 0
        carried_forward = _skewed(rng, 2) if rng.random() < 0.3 else 0
        new = results + carried_forward - carried_over
        if new < 0:
            carried_forward -= new
            new = 0
        t3v["results_total"][col] = results
        t3v["carried_over"][col] = carried_over
        t3v["carried_forward"][col] = carried_forward
        t3v["new_received"][col] = new
    for row in t3.rows:
        t3v[row.code]["total"] = sum(t3v[row.code][c] for c in applicants)
    values["t3"] = t3v

    for row in spec.layout("t4", "standard").rows:
        cells = {c: (_skewed(rng, 3) if rng.random() < 0.5 else 0) for c in ("upheld", "corrected", "other", "pending")}
        cells["total"] = sum(cells.values())
        values["t4"][row.code] = cells

    report = SyntheticReport(agency, year, {"t2": t2_layout, "t3": t3_layout}, values)
    if break_identity:
        _break(report, break_identity, rng)
    if quirks:
        _add_quirks(report, rng, quirks)
    received = t3v["new_received"]["total"] + t3v["carried_over"]["total"]
    report.narrative = f"{year}年，共收到政府信息公开申请{received}件。"
    return report


def _break(report: SyntheticReport, identity: str, rng: random.Random) -> None:
    """Change one printed cell so that one check of `identity` fails."""
    spec = load_spec()
    table = spec.identities[identity].table
    checks = [c for c in table_checks(spec, report.layout(table)) if c.identity == identity]
    check = rng.choice(checks)
    row, col = check.lhs[0]
    report.values[table][row][col] += rng.randint(1, 9)
    report.breaks.append(f"{identity} {table}.{check.scope}")


_ZERO_PRINTS = ("", "—", "/", "-")


def _add_quirks(report: SyntheticReport, rng: random.Random, quirks: str) -> None:
    if "rows" in quirks and report.layouts["t2"] == "2021" and rng.random() < 1 / 3:
        report.omitted.add("t2.regulations")
    if "zeros" in quirks or "dashes" in quirks:
        prints = _ZERO_PRINTS if "zeros" in quirks else _ZERO_PRINTS[1:]
        zeros = [("t3", r, c) for r, cols in report.values["t3"].items() for c, v in cols.items() if v == 0]
        for key in rng.sample(zeros, min(len(zeros), rng.randint(0, 8))):
            report.printed[key] = rng.choice(prints)


def printed_kind(text: str) -> str:
    return {"": "blank", "/": "slash"}.get(text, "dash")


def _row_text(row: Row) -> str:
    return row.number + row.label + row.tail


def _label(row: Row) -> str:
    """A row's label as flat text prints it: its group heading first, where it opens one."""
    return row.group + _row_text(row)


def _group_spans(layout: Layout) -> dict[str, int]:
    """Rows that open a group printed as a merged cell (（三）不予公开 …), and how many rows it spans."""
    spans: dict[str, int] = {}
    opening = None
    for row in layout.rows:
        if row.group and row.code != "granted":  # 三、本年度办理结果 is printed inline with （一）
            opening = row.code
            spans[opening] = 1
        elif opening and row.number[:1].isdigit():
            spans[opening] += 1
        else:
            opening = None
    return spans


def _fmt(value: float | int) -> str:
    return f"{value:.2f}".rstrip("0").rstrip(".") if isinstance(value, float) else str(value)


def table_rows(report: SyntheticReport) -> dict[str, list[tuple[str, list[str]]]]:
    """Per table: (label, printed cells) in printed order, t4 as one row of 15."""
    out: dict[str, list[tuple[str, list[str]]]] = {}
    for table in ("t2", "t3"):
        layout = report.layout(table)
        out[table] = [
            (
                _label(row),
                [
                    report.printed.get((table, row.code, c), _fmt(report.values[table][row.code][c]))
                    for c in row.columns
                ],
            )
            for row in layout.rows
            if f"{table}.{row.code}" not in report.omitted
        ]
    t4 = report.layout("t4")
    out["t4"] = [("", [_fmt(report.values["t4"][row.code][c]) for row in t4.rows for c in row.columns])]
    return out


def _t2_header(report: SyntheticReport) -> list[str]:
    layout = report.layout("t2")
    return ["信息内容"] + [layout.columns[c].label for c in layout.rows[0].columns]


_T3_HEADER = ["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]
_T4_HEADER = ["行政复议", "行政诉讼", "未经复议直接起诉", "复议后起诉"] + [
    "结果维持",
    "结果纠正",
    "其他结果",
    "尚未审结",
    "总计",
] * 3
_SECTIONS = {
    "t2": "二、主动公开政府信息情况",
    "t3": "三、收到和处理政府信息公开申请情况",
    "t4": "四、政府信息公开行政复议、行政诉讼情况",
}


def _intro(report: SyntheticReport) -> list[str]:
    return [report.title, f"发布日期：{report.published_on}", "一、总体情况", report.narrative]


def render_text(report: SyntheticReport) -> str:
    """Flattened page text: one cell per line."""
    lines = _intro(report)
    rows = table_rows(report)
    lines += [_SECTIONS["t2"], *_t2_header(report)]
    for label, cells in rows["t2"]:
        lines += [label, *cells]
    lines += [_SECTIONS["t3"], *_T3_HEADER]
    for label, cells in rows["t3"]:
        lines += [label, *cells]
    lines += [_SECTIONS["t4"], *_T4_HEADER, *rows["t4"][0][1], "五、存在的主要问题及改进情况", "无。"]
    return "\n".join(lines) + "\n"


def render_glued(report: SyntheticReport) -> str:
    """Crawler text: each row's cells concatenated with no separator."""
    rows = table_rows(report)
    parts = [report.title, " ", report.narrative, _SECTIONS["t2"], "".join(_t2_header(report))]
    parts += [label + "".join(cells) for label, cells in rows["t2"]]
    parts += [_SECTIONS["t3"], "".join(_T3_HEADER)]
    parts += [label + "".join(cells) for label, cells in rows["t3"]]
    parts += [_SECTIONS["t4"], "".join(_T4_HEADER), "".join(rows["t4"][0][1]), "五、存在的主要问题及改进情况"]
    return "".join(parts) + "\n"


def render_markdown(report: SyntheticReport) -> str:
    rows = table_rows(report)
    out = [f"# {report.title}", "", *(_intro(report)[1:]), "", _SECTIONS["t2"], ""]

    def table(header: list[str], body: list[list[str]]) -> list[str]:
        lines = ["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
        return lines + ["| " + " | ".join(r) + " |" for r in body] + [""]

    out += table(_t2_header(report), [[label, *cells] for label, cells in rows["t2"]])
    out += [_SECTIONS["t3"], ""] + table(_T3_HEADER, [[label, *cells] for label, cells in rows["t3"]])
    out += [_SECTIONS["t4"], ""] + table(_T4_HEADER[4:9] * 3, [rows["t4"][0][1]])
    return "\n".join(out)


def render_html(report: SyntheticReport, word: bool = False) -> str:
    """An HTML page: a CMS page with a metadata table first, or (word=True) Word-exported markup with
    numbers split over spans and labels over paragraphs."""
    esc = html_lib.escape
    rows = table_rows(report)

    def cell(text: str, attrs: str = "") -> str:
        if word and text.isdigit() and len(text) > 1:
            inner = "".join(f"<span style='mso-bidi-font-size:10.5pt'>{esc(ch)}</span>" for ch in text)
            return f"<td{attrs}><p class=MsoNormal>{inner}<o:p></o:p></p></td>"
        if word and len(text) > 6 and not text[0].isdigit():
            half = len(text) // 2
            return f"<td{attrs}><p class=MsoNormal>{esc(text[:half])}</p><p class=MsoNormal>{esc(text[half:])}</p></td>"
        return f"<td{attrs}>{esc(text) if text else '&nbsp;'}</td>"

    def tr(cells: list[str]) -> str:
        return "<tr>" + "".join(cells) + "</tr>"

    body = [
        "<table class='meta'><tr><td>索引号</td><td>11350000-2024-001</td><td>发布机构</td><td>"
        f"{esc(report.agency)}</td></tr><tr><td>发文日期</td><td>{report.published_on}</td></tr></table>",
        f"<h1>{esc(report.title)}</h1>",
        *(f"<p>{esc(p)}</p>" for p in _intro(report)[1:]),
        f"<p>{_SECTIONS['t2']}</p><table border=1>",
        tr([cell(h) for h in _t2_header(report)]),
        *(tr([cell(label), *(cell(c) for c in cells)]) for label, cells in rows["t2"]),
        f"</table><p>{_SECTIONS['t3']}</p><table border=1>",
        tr(
            [cell("(本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和)", " colspan=3 rowspan=2")]
            + [cell(h) for h in _T3_HEADER[1:]]
        ),
        tr([]),
    ]
    t3 = report.layout("t3")
    spans = _group_spans(t3)
    for row, (_, cells) in zip(t3.rows, rows["t3"]):
        if row.code in spans:
            lead = [cell(row.group, f" rowspan={spans[row.code]}")]
            colspan = ""
        else:  # inside a group, the group's merged cell stands left; elsewhere the label takes both columns
            lead = []
            colspan = "" if row.number[:1].isdigit() else " colspan=2"
        body.append(tr(lead + [cell(_row_text(row), colspan)] + [cell(c) for c in cells]))
    body.append(f"</table><p>{_SECTIONS['t4']}</p><table border=1>")
    body.append(tr([cell("行政复议", " colspan=5"), cell("行政诉讼", " colspan=10")]))
    body.append(
        tr(
            [cell(h, " rowspan=2") for h in _T4_HEADER[4:9]]
            + [cell("未经复议直接起诉", " colspan=5"), cell("复议后起诉", " colspan=5")]
        )
    )
    body.append(tr([cell(h) for h in _T4_HEADER[4:9] * 2]))
    body.append(tr([cell(c) for c in rows["t4"][0][1]]))
    body.append("</table><p>五、存在的主要问题及改进情况</p><p>无。</p>")
    head = "<meta charset='utf-8'>" if not word else "<meta http-equiv=Content-Type content='text/html; charset=utf-8'>"
    return f"<html><head>{head}<title>{esc(report.title)}</title></head><body>" + "".join(body) + "</body></html>"


def render_docx(report: SyntheticReport) -> bytes:
    """A Word document; t3's group labels are vertically merged cells, numbers split over runs."""
    import docx

    document = docx.Document()
    for line in _intro(report):
        document.add_paragraph(line)
    rows = table_rows(report)

    document.add_paragraph(_SECTIONS["t2"])
    t2_width = max(len(cells) for _, cells in rows["t2"]) + 1
    t2_body = rows["t2"]
    table = document.add_table(rows=len(t2_body) + 1, cols=t2_width)
    table.style = "Table Grid"
    for i, h in enumerate(_t2_header(report)):
        table.cell(0, i).text = h
    for r, (label, cells) in enumerate(t2_body, start=1):
        table.cell(r, 0).text = label
        for c, value in enumerate(cells, start=1):
            table.cell(r, c).text = value
        if len(cells) + 1 < t2_width:  # a one-value row: the value spans the rest of the row
            table.cell(r, len(cells)).merge(table.cell(r, t2_width - 1))

    document.add_paragraph(_SECTIONS["t3"])
    t3 = report.layout("t3")
    table = document.add_table(rows=len(rows["t3"]) + 1, cols=9)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 1)).text = "申请人情况"
    for i, h in enumerate(_T3_HEADER[1:], start=2):
        table.cell(0, i).text = h
    spans = _group_spans(t3)
    for r, (row, (_, cells)) in enumerate(zip(t3.rows, rows["t3"]), start=1):
        label_cell = table.cell(r, 1)
        label_cell.text = _row_text(row)
        if row.code in spans:
            table.cell(r, 0).text = row.group
            table.cell(r, 0).merge(table.cell(r + spans[row.code] - 1, 0))
        elif not row.number[:1].isdigit():
            table.cell(r, 0).merge(label_cell)
        for c, value in enumerate(cells, start=2):
            paragraph = table.cell(r, c).paragraphs[0]
            for ch in value:
                paragraph.add_run(ch)
    document.add_paragraph(_SECTIONS["t4"])
    table = document.add_table(rows=3, cols=15)
    table.style = "Table Grid"
    table.cell(0, 0).merge(table.cell(0, 4)).text = "行政复议"
    table.cell(0, 5).merge(table.cell(0, 14)).text = "行政诉讼"
    for i, h in enumerate(_T4_HEADER[4:9] * 3):
        table.cell(1, i).text = h
    for i, value in enumerate(rows["t4"][0][1]):
        table.cell(2, i).text = value
    document.add_paragraph("五、存在的主要问题及改进情况")
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


_RENDERERS = {
    "text": lambda r: render_text(r).encode("utf-8"),
    "glued": lambda r: render_glued(r).encode("utf-8"),
    "markdown": lambda r: render_markdown(r).encode("utf-8"),
    "html": lambda r: render_html(r).encode("utf-8"),
    "html_gbk": lambda r: render_html(r).replace("<meta charset='utf-8'>", "").encode("gb18030"),
    "html_word": lambda r: render_html(r, word=True).encode("utf-8"),
    "docx": render_docx,
}
FORMS = tuple(_RENDERERS)


def render(report: SyntheticReport, form: str) -> bytes:
    return _RENDERERS[form](report)


def render_pdf(report: SyntheticReport, font: str = fonts.DEFAULT) -> bytes:
    """A text-layer PDF made by LibreOffice from the DOCX rendering, with `font` (tests/fonts.py) the only font
    it sees. 表三 is long enough after the introduction to break across pages, rows split by the breaks."""
    from ogi.readers.libreoffice import convert

    return convert(render_docx(report), ".docx", "pdf", env=fonts.render_env(font))


def wrong_cells(report, synthetic: SyntheticReport) -> list[tuple[str, str, str, float | int, dict | None]]:
    """The cells an extraction got wrong: (table, row, column, true value, what was extracted).
    An ambiguous cell is right when the true value is among its candidates."""
    wrong = []
    for table, rows in synthetic.values.items():
        for row, cols in rows.items():
            for col, value in cols.items():
                cell = report.tables.get(table, {}).get(row, {}).get(col)
                if f"{table}.{row}" in synthetic.omitted:
                    expected_kind = "absent"
                elif (table, row, col) in synthetic.printed:
                    expected_kind = printed_kind(synthetic.printed[(table, row, col)])
                else:
                    expected_kind = None
                if cell is None:
                    wrong.append((table, row, col, value, None))
                elif expected_kind is not None:
                    if cell.kind != expected_kind:
                        wrong.append((table, row, col, value, cell.as_json()))
                elif not (
                    (cell.kind == "number" and cell.value == value)
                    or (cell.kind == "ambiguous" and value in cell.candidates)
                ):
                    wrong.append((table, row, col, value, cell.as_json()))
    return wrong


def as_extracted(synthetic: SyntheticReport, source: str) -> Report:
    """The report extraction would return for `synthetic` read perfectly: for validation tests and benchmarks
    that should not pay for rendering and reading."""
    report = Report(source, "ok", format="synthetic", metadata=Metadata(synthetic.agency, synthetic.year))
    report.layouts = dict(synthetic.layouts)
    report.tables = {
        table: {
            row: {col: C.Cell(C.NUMBER, _fmt(value), value) for col, value in cols.items()}
            for row, cols in rows.items()
        }
        for table, rows in synthetic.values.items()
    }
    report.stated = stated_figures(load_spec(), synthetic.narrative)
    return report


def make_corpus(count: int, seed: int = 0, break_every: int = 0) -> list[SyntheticReport]:
    """`count` reports of agencies reporting four consecutive years (2021-2024), consistent across years;
    one agency in five prints its 表三 in the 2019 layout (the hybrid real reports show). Every
    `break_every`-th report breaks one identity, I1 to I4 in turn."""
    identities = ("I1", "I2", "I3", "I4")
    reports: list[SyntheticReport] = []
    previous: SyntheticReport | None = None
    for i in range(count):
        agency_no, year_no = divmod(i, 4)
        if year_no == 0:
            previous = None
        broken = identities[(i // break_every) % 4] if break_every and i % break_every == break_every - 1 else None
        report = make_report(
            seed * 1_000_003 + i,
            t3_layout="2019" if agency_no % 5 == 4 else "2021",
            year=2021 if previous is None else None,
            agency=f"示例省第{agency_no}号单位" if previous is None else None,
            break_identity=broken,
            previous=previous,
        )
        reports.append(report)
        previous = report
    return reports
