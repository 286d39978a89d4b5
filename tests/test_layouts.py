"""Layouts real portals print beyond the template's own: 表四 with its blocks as rows, zeros printed as empty
cells and empty lines, misspelt and differently punctuated labels, units in headers and after values. Each
is read exactly, or reported; never read by a guess."""

import re
from unittest.mock import ANY

import pytest
from ogi import fuzzy
from ogi.extract import extract_bytes
from ogi.grammar import Stream, find_t3, match_rows
from ogi.readers import read_document
from ogi.template import load_spec

from tests.conftest import corpus_files
from tests.synth import FORMS, make_report, render, render_glued, render_html, render_markdown, render_text, table_rows
from tests.synth import wrong_cells as wrong

T4_RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
T4_BLOCKS = ["行政复议", "行政诉讼 未经复议直接起诉", "复议后起诉"]
T4_SECTION = "四、政府信息公开行政复议、行政诉讼情况"


def _read(text: str, name: str):
    return extract_bytes(text.encode("utf-8"), name)


def _t4_values(report) -> list[str]:
    return table_rows(report)["t4"][0][1]


def _t4_blocks_as_rows(report, form: str) -> str:
    """The report with 表四 printed as a 3×5 grid: the results across once, a row per block."""
    values = _t4_values(report)
    rows = [values[i * 5 : i * 5 + 5] for i in range(3)]
    if form == "text":
        base = render_text(report)
        grid = "\n".join([*T4_RESULTS, *(line for label, row in zip(T4_BLOCKS, rows) for line in (label, *row))])
        return re.sub(rf"{T4_SECTION}\n.*?\n五、", f"{T4_SECTION}\n{grid}\n五、", base, flags=re.S)
    if form == "markdown":
        base = render_markdown(report)
        lines = ["| | " + " | ".join(T4_RESULTS) + " |", "|---" * 6 + "|"]
        lines += ["| " + " | ".join([label, *row]) + " |" for label, row in zip(T4_BLOCKS, rows)]
        return base[: base.index(T4_SECTION)] + T4_SECTION + "\n\n" + "\n".join(lines) + "\n\n2024年1月20日\n"
    base = render_html(report)
    cells = "<tr><td></td>" + "".join(f"<td>{h}</td>" for h in T4_RESULTS) + "</tr>"
    cells += "".join(
        "<tr>" + "".join(f"<td>{c}</td>" for c in [label, *row]) + "</tr>" for label, row in zip(T4_BLOCKS, rows)
    )
    start = base.index(f"<p>{T4_SECTION}</p>")
    return base[:start] + f"<p>{T4_SECTION}</p><table>{cells}</table><p>2024年1月20日</p></body></html>"


@pytest.mark.parametrize("form", ["text", "markdown", "html"])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_table_four_with_its_blocks_as_rows_reads_every_cell(form, seed):
    report = make_report(seed)
    extracted = _read(_t4_blocks_as_rows(report, form), f"t4.{ {'text': 'txt', 'markdown': 'md'}.get(form, form) }")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_table_four_printed_blank_is_blank_not_the_next_number_on_the_page():
    report = make_report(4)
    page = render_html(report).replace("<p>无。</p>", "<p>2024年12月31日，共计3件。</p>")
    blank_row = "<tr>" + "<td>&nbsp;</td>" * 15 + "</tr>"
    page = re.sub(r"<tr>(?:<td>[^<]*</td>){15}</tr>", blank_row, page)
    extracted = _read(page, "blank-t4.html")
    assert extracted.status == "ok", extracted.errors
    kinds = {cell.kind for row in extracted.tables["t4"].values() for cell in row.values()}
    assert kinds == {"blank"}


def test_table_four_without_values_is_reported_not_read_from_what_follows():
    report = make_report(5)
    text = render_text(report)
    header_end = text.index("五、存在的主要问题")
    values_start = text.rindex("总计\n", 0, header_end) + len("总计\n")
    extracted = _read(text[:values_start] + "五、存在的主要问题及改进情况\n2024年，3件。\n", "no-t4-values.txt")
    assert extracted.status == "partial"
    assert any(error.startswith("t4") for error in extracted.errors)
    assert {cell.kind for row in extracted.tables["t4"].values() for cell in row.values()} == {"absent"}


def test_table_four_header_printed_another_way_is_reported():
    report = make_report(6)
    text = render_text(report)
    twice = "\n".join(T4_RESULTS * 2)  # results printed for two blocks only: neither known layout
    text = re.sub(rf"{T4_SECTION}\n.*?\n(?=\d)", f"{T4_SECTION}\n行政复议\n行政诉讼\n{twice}\n", text, flags=re.S)
    extracted = _read(text, "odd-t4.txt")
    assert extracted.status == "partial"
    assert any("header is printed in a way not known" in error for error in extracted.errors)


def _with_blanks(seed: int, cells: int) -> object:
    report = make_report(seed)
    zeros = [("t3", r, c) for r, cols in report.values["t3"].items() for c, v in cols.items() if v == 0]
    for key in zeros[:cells]:
        report.printed[key] = ""
    return report


@pytest.mark.parametrize("seed", range(4))
def test_flat_text_reads_empty_lines_as_blank_cells(seed):
    report = _with_blanks(seed, 12)
    extracted = _read(render_text(report), "blanks.txt")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_flat_text_with_an_empty_line_between_rows_still_reads_every_cell():
    report = make_report(7)
    text = render_text(report)
    for row in load_spec().layout("t3", "2021").rows[1:]:
        text = text.replace("\n" + row.number + row.label, "\n\n" + row.number + row.label, 1)
    extracted = _read(text, "spaced.txt")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


@pytest.mark.parametrize("render_form", [render_text, render_glued], ids=["text", "glued"])
def test_a_label_printed_with_empty_cells_is_a_blank_row(render_form):
    report = make_report(8)
    for row in ("denied_state_secret", "rejected_duplicate"):
        for column in report.values["t3"][row]:
            report.values["t3"][row][column] = 0
            report.printed[("t3", row, column)] = ""
    text = render_form(report)
    if render_form is render_text:  # crawler text drops empty cells altogether
        text = re.sub(r"(属于国家秘密|重复申请)\n+", r"\1\n", text)
    extracted = _read(text, "blank-rows.txt")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_labels_printed_apart_from_their_values_are_not_blank_rows():
    report = make_report(9)
    rows = table_rows(report)["t3"]
    text = render_text(report)
    start, end = text.index(rows[0][0]), text.index(T4_SECTION)
    column_wise = "\n".join([label for label, _ in rows] + [v for _, values in rows for v in values])
    extracted = _read(text[:start] + column_wise + "\n" + text[end:], "column-wise.txt")
    assert extracted.status == "partial"
    assert not any(cell.kind == "blank" for row in extracted.tables["t3"].values() for cell in row.values()), (
        "values printed elsewhere were taken for empty cells"
    )


LABEL_SPELLINGS = [
    ("危及“三安全一稳定”", '危及"三安全一稳定"'),
    ("危及“三安全一稳定”", "危及‘三安全一稳定’"),
    ("危及“三安全一稳定”", "危及「三安全一稳定」"),
    ("危及“三安全一稳定”", "危及三安全一稳定"),
    ("属于三类内部事务信息", "属于三类内部事物信息"),  # a homophone typo: one edit
    ("没有现成信息需要另行制作", "没有现成信息需另行制作"),
    ("本机关不掌握相关政府信息", "本机关不掌握 相关政府信息"),
    ("(四)无法提供", "(四)无 法提供"),
    ("3.危及", "3、危及"),
    ("3.危及", "(3)危及"),
    ("(一)予以公开", "一、予以公开"),
]


@pytest.mark.parametrize("form", ["text", "glued", "markdown", "html"])
@pytest.mark.parametrize(("printed", "variant"), LABEL_SPELLINGS)
def test_label_spellings_are_read(form, printed, variant):
    report = make_report(10)
    data = render(report, form).decode("utf-8")
    assert printed in data
    extracted = _read(data.replace(printed, variant), f"label.{'html' if form == 'html' else 'txt'}")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_an_item_number_on_its_own_line_belongs_to_the_label_after_it():
    report = make_report(11)
    text = render_text(report).replace("\n3.危及", "\n3.\n危及").replace("\n2.重复申请", "\n2.\n重复申请")
    extracted = _read(text, "numbers.txt")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_a_misspelt_label_is_found_only_where_it_fits_one_place_and_one_row():
    label = "属于三类内部事务信息"
    assert fuzzy.find_unique(label, "0\x1f3\x1f5.属于三类内部事物信息\x1f1\x1f") is not None
    assert fuzzy.find_unique(label, "属于三类内部事物信息 0 属于三类内部事勿信息 1") is None  # two places
    assert fuzzy.find_unique(label, "属于三类内部事物信息", rivals=("属于三类内部事物信息",)) is None  # a rival fits
    assert fuzzy.find_unique(label, "属于类内部信息") is None  # three edits: too far
    assert fuzzy.find_unique("行政许可", "行政诉可") is None  # a short label is never matched loosely
    # a merged label cell written again by a converter is one place; the same words after a value are two
    assert fuzzy.find_unique(label, "2\x1f５．属于三类内部事物信息\x1f５．属于三类内部事物信息\x1f1") is not None
    assert fuzzy.find_unique(label, "属于三类内部事物信息\x1f0\x1f属于三类内部事物信息\x1f1") is None


def test_a_row_found_by_its_misspelt_label_keeps_its_number_out_of_the_row_before():
    spec = load_spec()
    text = render_text(make_report(12)).replace("5.属于三类内部事务信息", "5.属于三类内部事物信息")
    stream = Stream(read_document(text.encode(), "x.txt").tokens)
    t3 = find_t3(stream, spec)
    rows, _end, _apart = match_rows(stream, spec.layout("t3", "2021"), t3.start, len(stream.text))
    found = rows["denied_internal_affairs"]
    assert stream.text[found.label_start : found.label_end] == "5.属于三类内部事物信息"
    assert len(rows["denied_third_party"].pieces) == 7


def _with_procurement(seed: int, amount: int) -> object:
    report = make_report(seed, t2_layout="2019", t3_layout="2019", year=2019)
    report.values["t2"]["procurement"] = {"projects": 3, "amount_yuan": amount}
    return report


@pytest.mark.parametrize(
    "header", ["采购总金额(万元)", "采购总金额（单位：万元）", "采购总金额(单位:万元)", "（单位：万元）"]
)
@pytest.mark.parametrize("form", ["text", "html"])
def test_money_in_the_header_unit_is_converted(header, form):
    report = _with_procurement(13, 3956600)
    data = render(report, form).decode("utf-8").replace("3956600", "395.66")
    if form == "text":
        data = data.replace("政府集中采购", f"采购项目数量\n{header}\n政府集中采购", 1)
    else:
        data = data.replace(
            "<tr><td>政府集中采购", f"<tr><td>采购项目数量</td><td>{header}</td></tr><tr><td>政府集中采购", 1
        )
    extracted = _read(data, f"unit.{'html' if form == 'html' else 'txt'}")
    cell = extracted.tables["t2"]["procurement"]["amount_yuan"]
    assert (cell.kind, cell.value, cell.raw) == ("number", 3956600, "395.66")


def test_money_with_its_unit_in_the_cell_is_converted():
    report = _with_procurement(14, 3956600)
    extracted = _read(render_text(report).replace("3956600", "395.66万元"), "unit-cell.txt")
    assert extracted.tables["t2"]["procurement"]["amount_yuan"].value == 3956600


def test_counters_after_values_in_crawler_text():
    report = _with_procurement(15, 246900)
    report.values["t2"]["procurement"]["projects"] = 1
    text = render_glued(report)
    assert "政府集中采购1246900" in text
    extracted = _read(text.replace("政府集中采购1246900", "政府集中采购1个246900元"), "counted.txt")
    assert extracted.status == "ok", extracted.errors
    procurement = extracted.tables["t2"]["procurement"]
    assert (procurement["projects"].value, procurement["amount_yuan"].value) == (1, 246900)


def _documents():
    for seed in range(6):
        report = make_report(seed, quirks="rows,zeros")
        for form in FORMS:
            if form != "docx":
                yield f"{seed}-{form}", render(report, form)
        yield f"{seed}-blocks", _t4_blocks_as_rows(report, "text").encode()
    for path in corpus_files():
        if path.suffix != ".pdf":
            yield path.name, path.read_bytes()


@pytest.mark.parametrize(("name", "data"), list(_documents()), ids=lambda v: v if isinstance(v, str) else "")
def test_fast_paths_take_what_the_token_by_token_walk_takes(name, data):
    stream = Stream(read_document(data, name).tokens)
    starts = [m.end() for m in re.finditer(r"[\u4e00-\u9fff)]", stream.text)]  # after every label-like char
    for start in starts[:: max(1, len(starts) // 400)]:
        assert stream.values(start, len(stream.text)) == stream.values(start, len(stream.text), fast=False), start


def _converter_markdown(report, style: str) -> str:
    """The report as a document converter writes Markdown: merged cells repeated in every column and row they
    span (Docling) or left empty (markitdown), as a pandoc grid table, or as HTML tables (MinerU)."""
    rows = table_rows(report)
    t3 = report.layout("t3")
    header_t4 = [["行政复议"] * 5 + ["行政诉讼"] * 10, T4_RESULTS + ["未经复议直接起诉"] * 5 + ["复议后起诉"] * 5]
    header_t4.append(T4_RESULTS * 3)
    fill = style == "repeat"
    t2 = [["信息内容", *(t2_header := [c for c in report.layout("t2").columns.values()][:3])]]
    t2 = [["信息内容"] + [c.label for c in t2_header]]
    for label, cells in rows["t2"]:
        t2.append([label, *cells, *([cells[-1] if fill else ""] * (3 - len(cells)))])
    t3_rows = [
        ["申请人情况", "申请人情况" if fill else "", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构"]
    ]
    t3_rows[0] += ["其他", "总计"]
    group = ""
    for row, (_, cells) in zip(t3.rows, rows["t3"]):
        if row.group and row.code != "granted":
            group = row.group
        elif not row.number[:1].isdigit():
            group = ""
        number_label = row.number + row.label + row.tail
        lead = (
            [group if (fill or row.group) else "", number_label]
            if group
            else [number_label, number_label if fill else ""]
        )
        t3_rows.append(lead + cells)
    t4 = [*header_t4, rows["t4"][0][1]]
    sections = [("t2", t2), ("t3", t3_rows), ("t4", t4)]
    out = [f"# {report.title}", "", f"发布日期：{report.year + 1}-01-20", "", report.narrative, ""]
    for code, table in sections:
        out += [
            {"t2": "二、主动公开政府信息情况", "t3": "三、收到和处理政府信息公开申请情况", "t4": T4_SECTION}[code],
            "",
        ]
        if style == "html":
            out.append(
                "<table>" + "".join("<tr>" + "".join(f"<td>{c}</td>" for c in r) + "</tr>" for r in table) + "</table>"
            )
        elif style == "grid":
            rule = "+" + "+".join("-" * 4 for _ in table[0]) + "+"
            out.append(rule)
            for r in table:  # every label wrapped over two lines, as pandoc wraps long cells
                out.append("| " + " | ".join(c[: len(c) // 2] if not c[:1].isdigit() else c for c in r) + " |")
                out.append("| " + " | ".join(c[len(c) // 2 :] if not c[:1].isdigit() else "" for c in r) + " |")
                out.append(rule)
        else:
            out.append("| " + " | ".join(table[0]) + " |")
            out.append("|" + "---|" * len(table[0]))
            out += [
                "| "
                + " | ".join(f"**{c}**" if style == "emphasis" and c and not c[:1].isdigit() else c for c in r)
                + " |"
                for r in table[1:]
            ]
        out.append("")
    out += ["五、存在的主要问题及改进情况", "", "无。"]
    return "\n".join(out)


@pytest.mark.parametrize("style", ["repeat", "empty", "grid", "html", "emphasis"])
@pytest.mark.parametrize("seed", [20, 21])
def test_markdown_as_converters_write_it(style, seed):
    report = make_report(seed)
    extracted = _read(_converter_markdown(report, style), "converted.md")
    assert extracted.status == "ok", extracted.errors
    assert wrong(extracted, report) == []


def test_an_empty_line_setting_rows_apart_never_fills_a_dropped_cell():
    report = make_report(22)
    rows = table_rows(report)["t3"]
    text = render_text(report)
    for label, _cells in rows[1:]:
        text = text.replace("\n" + label + "\n", "\n\n" + label + "\n", 1)  # every row set apart by an empty line
    label, cells = rows[3]
    dropped = "\n".join([label, *cells[:2], *cells[3:]])  # a middle cell not printed at all
    text = text.replace("\n".join([label, *cells]), dropped, 1)
    extracted = _read(text, "dropped.txt")
    assert extracted.status == "partial"
    assert any(error.startswith(f"t3.{report.layout('t3').rows[3].code}") for error in extracted.errors)
    assert wrong(extracted, report) == [
        ("t3", report.layout("t3").rows[3].code, c, report.values["t3"][report.layout("t3").rows[3].code][c], ANY)
        for c in report.layout("t3").rows[3].columns
    ]
