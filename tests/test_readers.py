"""Each reader and each quirk, on reports made here (synthetic values, known truth)."""

import ctypes
import io
import zipfile

import pytest
from ogi.extract import extract_bytes
from ogi.readers import read_document
from ogi.readers.libreoffice import convert

from tests import fonts
from tests.synth import FORMS, make_report, render, render_html, render_pdf, render_text, wrong_cells

LAYOUTS = [("2021", "2021"), ("2019", "2019"), ("2021", "2019")]


def assert_cells_equal(report, synthetic):
    assert report.status == "ok", report.error
    assert report.layouts == synthetic.layouts
    assert wrong_cells(report, synthetic) == []


def written(pdf) -> bytes:
    """The bytes of a pypdf writer or pypdfium2 document."""
    buffer = io.BytesIO()
    (pdf.write if hasattr(pdf, "write") else pdf.save)(buffer)
    return buffer.getvalue()


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("layouts", LAYOUTS, ids=lambda pair: f"t2_{pair[0]}-t3_{pair[1]}")
def test_every_form_reads_back_every_cell(form, layouts):
    for seed in range(5):
        synthetic = make_report(seed, *layouts)
        report = extract_bytes(render(synthetic, form), f"synthetic-{seed}.{form}")
        assert_cells_equal(report, synthetic)
        assert report.metadata.report_year == synthetic.year
        assert report.metadata.agency == synthetic.agency


def test_glued_text_keeps_only_identity_consistent_cuts():
    synthetic = make_report(11)
    report = extract_bytes(render(synthetic, "glued"), "glued.txt")
    for row, cols in synthetic.values["t3"].items():
        for col, value in cols.items():
            cell = report.tables["t3"][row][col]
            assert cell.kind == "number", (row, col, cell.as_json())  # t3 is settled by I1-I3
            assert cell.value == value


def test_glued_cell_with_several_consistent_cuts_is_ambiguous():
    text = (
        "二、主动公开政府信息情况 第二十条第（一）项信息内容本年制发件数本年废止件数现行有效件数规章000行政规范性文件1234"
        "第二十条第（五）项信息内容本年处理决定数量行政许可5第二十条第（六）项信息内容本年处理决定数量行政处罚1行政强制0"
        "第二十条第（八）项信息内容本年收费金额（单位：万元）行政事业性收费0"
    )
    report = extract_bytes(("2023年某局政府信息公开工作年度报告\n" + text).encode(), "t2.txt")
    cell = report.tables["t2"]["normative_documents"]["issued"]
    assert cell.kind == "ambiguous" and cell.candidates == [1, 12]
    assert report.tables["t2"]["licensing"]["decisions"].value == 5


def test_html_grid_spans():
    page = (
        "<table><tr><td rowspan=2>(三)不予公开</td><td>1.属于国家秘密</td><td rowspan=2>5</td><td colspan=2>7</td></tr>"
        "<tr><td>2.其他法律行政法规禁止公开</td><td>1</td><td>2</td></tr></table>"
    )
    doc = read_document(page.encode(), "grid.html")
    texts = [(t.kind.name.lower(), t.text) for t in doc.tokens]
    assert texts == [
        ("cell", "(三)不予公开"),
        ("cell", "1.属于国家秘密"),
        ("cell", "5"),
        ("cell", "7"),
        ("row_end", ""),
        ("cell", "2.其他法律行政法规禁止公开"),
        ("cell", "5"),
        ("cell", "1"),
        ("cell", "2"),
        ("row_end", ""),
        ("table_end", ""),
    ]


def test_word_html_number_split_over_spans():
    page = "<table><tr><td><p class=MsoNormal><span>1</span><span>2</span><o:p></o:p></p></td></tr></table>"
    assert read_document(page.encode(), "w.html").tokens[0].text == "12"


def test_gbk_page_without_declaration():
    synthetic = make_report(4)
    data = render_html(synthetic).replace("<meta charset='utf-8'>", "").encode("gbk")
    report = extract_bytes(data, "gbk.html")
    assert_cells_equal(report, synthetic)
    assert any("GB18030" in w for w in report.warnings)


def test_charset_from_http_header_and_meta():
    synthetic = make_report(5)
    page = render_html(synthetic).replace("<meta charset='utf-8'>", "<meta charset='gb2312'>")
    report = extract_bytes(page.encode("gb18030"), "meta.html")
    assert_cells_equal(report, synthetic)
    header_only = render_html(synthetic).replace("<meta charset='utf-8'>", "").encode("gb18030")
    doc = read_document(header_only, "x.html", content_type="text/html; charset=GBK")
    assert doc.notes == []


def test_utf8_page_declared_gbk_is_read_as_utf8():
    synthetic = make_report(6)
    page = render_html(synthetic).replace("<meta charset='utf-8'>", "<meta charset='gbk'>")
    report = extract_bytes(page.encode("utf-8"), "wrong.html")
    assert_cells_equal(report, synthetic)
    assert any("wrong" in w for w in report.warnings)


def test_bom_utf16():
    synthetic = make_report(7)
    report = extract_bytes(render_text(synthetic).encode("utf-16"), "utf16.txt")
    assert_cells_equal(report, synthetic)


def test_traditional_text_with_pinyin():
    from opencc import OpenCC

    synthetic = make_report(8)
    text = OpenCC("s2t").convert(render_text(synthetic)).replace("長", "長(zhǎng)").replace("處", "處(chǔ)")
    report = extract_bytes(text.encode(), "traditional.txt")
    assert_cells_equal(report, synthetic)


def test_label_variants_and_broken_labels():
    synthetic = make_report(9)
    text = render_text(synthetic)
    text = text.replace("2.其他法律行政法规禁止公开", "2、其他法律行政止公开")  # typo and 1、 numbering
    text = text.replace("(七)总计", "(七)总 计").replace("（七）总计", "（七）总 计")
    text = text.replace("行政规范性文件", "规范性\n文件")  # label broken over two lines
    text = text.replace("政府信息公开行政复议", "政府信息公开行政法复议")
    report = extract_bytes(text.encode(), "variants.txt")
    assert_cells_equal(report, synthetic)


def test_department_report_without_regulations_row():
    synthetic = make_report(10)
    lines = render_text(synthetic).splitlines()
    i = lines.index("规章")
    del lines[i : i + 4]
    report = extract_bytes("\n".join(lines).encode(), "dept.txt")
    assert report.status == "ok"
    assert {c.kind for c in report.tables["t2"]["regulations"].values()} == {"absent"}
    assert (
        report.tables["t2"]["normative_documents"]["in_force"].value
        == synthetic.values["t2"]["normative_documents"]["in_force"]
    )


def test_an_unread_regulations_label_is_not_a_row_left_out():
    """规章 may be left out (a department's report), but values where it would be printed are its row, under a
    label not read: the row is reported, not taken for absent."""
    synthetic = make_report(10)
    lines = render_text(synthetic).splitlines()
    lines[lines.index("规章")] = "■■"
    report = extract_bytes("\n".join(lines).encode(), "dept.txt")
    assert report.status == "partial"
    assert "t2: rows not found: regulations" in report.errors


def test_a_row_not_found_is_reported_in_every_table():
    synthetic = make_report(10)
    lines = render_text(synthetic).splitlines()
    i = lines.index("行政许可")
    del lines[i : i + 2]
    report = extract_bytes("\n".join(lines).encode(), "dept.txt")
    assert report.status == "partial"
    assert "t2: rows not found: licensing" in report.errors


def test_blank_dash_slash_and_text_cells_are_not_zero():
    synthetic = make_report(12)
    page = render_html(synthetic)
    rows = page.split("<tr>")
    t4_values = rows[-1]
    cells = t4_values.split("<td>")
    cells[1] = "&nbsp;</td>"
    cells[2] = "—</td>"
    cells[3] = "／</td>"
    cells[4] = "无</td>"
    rows[-1] = "<td>".join(cells)
    report = extract_bytes("<tr>".join(rows).encode(), "marks.html")
    review = report.tables["t4"]["review"]
    assert [review[c].kind for c in ("upheld", "corrected", "other", "pending")] == ["blank", "dash", "slash", "text"]
    assert all(review[c].value is None for c in ("upheld", "corrected", "other", "pending"))
    assert review["other"].raw == "/"


def test_cms_page_with_other_tables_first():
    synthetic = make_report(13)
    page = render_html(synthetic).replace(
        "<body>",
        "<body><table><tr><td>首页</td><td>政务公开</td></tr><tr><td>索引号:</td><td>000014349/2024-00012</td></tr></table>",
    )
    assert_cells_equal(extract_bytes(page.encode(), "cms.html"), synthetic)


def test_report_inside_a_layout_table_keeps_its_blank_cells():
    synthetic = make_report(3, quirks="zeros")  # zeros printed as blanks, which a reader of lines would drop
    page = render_html(synthetic).replace("<body>", "<body><table><tr><td>导航</td></tr><tr><td>", 1)
    page = page.replace("</body>", "</td><td><table><tr><td>相关链接</td></tr></table></td></tr></table></body>", 1)
    doc = read_document(page.encode(), "layout.html")
    assert ("line", "导航") in [(t.kind.name.lower(), t.text) for t in doc.tokens]  # the layout table flows
    assert_cells_equal(extract_bytes(page.encode(), "layout.html"), synthetic)


def test_markdown_pipe_table_reader():
    synthetic = make_report(14)
    doc = read_document(render(synthetic, "markdown"), "r.md")
    assert doc.format == "markdown"
    assert_cells_equal(extract_bytes(render(synthetic, "markdown"), "r.md"), synthetic)


def test_docx_merged_cells_and_split_runs():
    synthetic = make_report(15)
    doc = read_document(render(synthetic, "docx"), "r.docx")
    assert doc.format == "docx"
    texts = [t.text for t in doc.tokens]
    assert texts.count("(三)不予公开") == 1  # a vertically merged cell is read once
    assert_cells_equal(extract_bytes(render(synthetic, "docx"), "r.docx"), synthetic)


@pytest.mark.parametrize("font", sorted(fonts.FAMILIES))
def test_text_layer_pdf_with_table_three_across_pages(soffice, font):
    for seed, layouts in ((1, ("2021", "2021")), (2, ("2019", "2019"))):
        synthetic = make_report(seed, *layouts)
        report = extract_bytes(render_pdf(synthetic, font), f"synthetic-{seed}.pdf")
        assert_cells_equal(report, synthetic)
        pages = sorted({cell.page for row in report.tables["t3"].values() for cell in row.values()})
        assert len(pages) >= 2 and pages == list(range(pages[0], pages[-1] + 1)), (
            f"the fixture must break 表三 across pages, not {pages}"
        )


def test_pdf_fixtures_render_with_the_fonts_the_tests_name(soffice):
    """Each family renders on its own: the PDF embeds that font and no other, whatever the host has."""
    import pypdfium2 as pdfium
    import pypdfium2.raw as pdfium_c

    synthetic = make_report(1)
    for font, expected in (("wqy-microhei", "WenQuanYi"), ("ar-pl-uming", "UMing")):
        pdf = pdfium.PdfDocument(render_pdf(synthetic, font))
        names = set()
        for page in pdf:
            for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT]):
                font_handle = pdfium_c.FPDFTextObj_GetFont(obj.raw)
                buffer = ctypes.create_string_buffer(256)
                pdfium_c.FPDFFont_GetBaseFontName(font_handle, buffer, 256)
                names.add(buffer.value.decode())
        pdf.close()
        assert names and all(expected.lower() in name.replace(" ", "").lower() for name in names), (font, names)


def test_doc_converted_with_libreoffice(soffice):
    synthetic = make_report(16)
    doc = convert(render(synthetic, "docx"), ".docx", "doc")
    report = extract_bytes(doc, "r.doc")
    assert report.format == "doc"
    assert_cells_equal(report, synthetic)


def test_extension_that_lies_is_sniffed():
    synthetic = make_report(17)
    report = extract_bytes(render(synthetic, "docx"), "report.pdf")
    assert report.format == "docx"
    assert_cells_equal(report, synthetic)


def zip_of(files: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in files.items():
            archive.writestr(name, data)
    return buffer.getvalue()


@pytest.mark.parametrize(
    "name,data,status,reason",
    [
        ("empty.txt", b"", "error", "empty file"),
        ("blank.html", b"   \n\n", "error", "empty file"),
        ("garbage.bin", bytes(range(256)) * 40, "error", "binary content"),
        ("nothing.html", "<html><body><p>通知公告</p></body></html>".encode(), "error", "no annual report"),
        # a broken </title> makes the whole page the title, as in a browser: nothing is left to read
        (
            "unclosed-title.html",
            "<html><title>年度报告</tit-e><body><p>一、总体情况</p></body>".encode(),
            "error",
            "no annual report",
        ),
        ("truncated.pdf", b"%PDF-1.7\n1 0 obj<<>>", "error", "corrupt or truncated PDF"),
        ("renamed.docx", zip_of({"hello.txt": b"hi"}), "error", "not a Word document"),
        ("bomb.docx", zip_of({"word/document.xml": b"0" * 50_000_000}), "error", "zip bomb"),
        ("corrupt.docx", b"PK\x03\x04" + b"\x00" * 50, "error", "corrupt or truncated ZIP"),
    ],
)
def test_bad_input_gets_a_status_and_a_reason(name, data, status, reason):
    report = extract_bytes(data, name)
    assert report.status == status
    assert reason in report.error and name in report.error
    assert report.tables == {}


def test_encrypted_pdf_is_named(soffice):
    import pypdf

    writer = pypdf.PdfWriter(clone_from=io.BytesIO(render_pdf(make_report(18))))
    writer.encrypt(user_password="secret", owner_password="owner")
    report = extract_bytes(written(writer), "locked.pdf")
    assert report.status == "error"
    assert "encrypted PDF" in report.error and "locked.pdf" in report.error


def test_truncated_table_is_partial_and_names_missing_rows():
    synthetic = make_report(19)
    text = render_text(synthetic)
    text = text[: text.index("(五)不予处理")]
    report = extract_bytes(text.encode(), "cut.txt")
    assert report.status == "partial"
    assert "rejected_petition" in report.error and "t4" in report.error
    assert report.tables["t3"]["granted"]["total"].value == synthetic.values["t3"]["granted"]["total"]


def test_row_with_too_few_numbers_is_reported_not_zeroed():
    synthetic = make_report(20)
    lines = render_text(synthetic).splitlines()
    i = lines.index("二、上年结转政府信息公开申请数量")
    del lines[i + 1 : i + 3]
    report = extract_bytes("\n".join(lines).encode(), "short.txt")
    assert report.status == "partial"
    assert "t3.carried_over" in report.error
    assert {c.kind for c in report.tables["t3"]["carried_over"].values()} == {"absent"}


def test_table_printed_twice_with_different_values():
    synthetic = make_report(21)
    text = render_text(synthetic)
    start, end = text.index("三、收到和处理"), text.index("四、政府信息公开行政复议")
    copy = text[start:end].replace("一、本年新收政府信息公开申请数量\n", "一、本年新收政府信息公开申请数量\n9", 1)
    report = extract_bytes((text[:end] + copy + text[end:]).encode(), "twice.txt")
    assert report.status == "partial" and "printed twice" in report.error
    assert report.tables["t3"]["new_received"]["natural_person"].kind == "ambiguous"
    same = text[:end] + text[start:end] + text[end:]
    again = extract_bytes(same.encode(), "twice-same.txt")
    assert again.status == "ok" and any("printed twice" in w for w in again.warnings)


def test_legacy_report_is_unsupported():
    text = "平潭综合实验区2018年度政府信息公开工作年度报告\n六、政府信息公开情况统计表\n指标名称 计量单位 本年度\n主动公开文件数 条 2069"
    report = extract_bytes(text.encode(), "2018.txt")
    assert report.status == "unsupported" and "pre-2019" in report.error


def test_report_inside_a_long_pdf(soffice):
    import pypdf

    synthetic = make_report(22)
    report_pdf = pypdf.PdfReader(io.BytesIO(render_pdf(synthetic)))
    writer = pypdf.PdfWriter()
    for _ in range(39):
        writer.add_blank_page(595, 842)
    for page in report_pdf.pages:
        writer.add_page(page)
    while len(writer.pages) < 100:
        writer.add_blank_page(595, 842)
    report = extract_bytes(written(writer), "bundle.pdf")
    assert report.pages == 100
    assert_cells_equal(report, synthetic)
    assert {c.page for row in report.tables["t3"].values() for c in row.values()} <= set(range(40, 46))


def test_a_row_of_dashes_opening_a_page_is_a_row_of_its_own():
    """The first row of a page is joined to the last of the page before only where it is the rest of that row's
    label: a row of values, dashes for zeros (－ as some fonts print them) as well as numbers, is a row of its
    own (5.属于… and 6.属于… were read as one row, its cells '－ －')."""
    from ogi.readers.document import Token, TokenKind
    from ogi.readers.pdf import _join_split_row

    def row(texts, page):
        return [Token(TokenKind.CELL, text, page) for text in texts] + [Token(TokenKind.ROW_END, page=page)]

    previous = row(["5.属于三类 内部事务信息", "－", "－"], 1) + [Token(TokenKind.TABLE_END, page=1)]
    page = row(["6.属于四类 过程性信息", "－", "3"], 2) + row(["7.属于", "1", "1"], 2)
    assert _join_split_row(previous, page) == page and previous[0].text == "5.属于三类 内部事务信息"
    dashes = row(["6.属于四类", "－", "—"], 2)
    assert _join_split_row(previous, dashes) == dashes
    rest = row(["信息", "", ""], 2) + row(["6.属于", "1", "1"], 2)
    assert _join_split_row(previous, rest) == rest[4:] and previous[0].text == "5.属于三类 内部事务信息 信息"


def test_pdf_blank_value_rows_of_table_four_printed_as_tables_per_block():
    """表四 as a table per block, every value cell empty: each table's last row, all empty cells, is the block's
    values printed blank (it was dropped as the space between rulings: 't4: no values printed')."""
    from tests.variants import EXACT, Variant, extract_and_judge

    variant = Variant("pdf", 306403650, t4_orientation="split_tables", zeros_t4="all_blank")
    judged = extract_and_judge(variant)
    t4 = {key: verdict for key, verdict in judged.verdicts.items() if key[0] == "t4"}
    assert judged.report.status == "ok", judged.report.errors
    assert len(t4) == 15 and set(t4.values()) == {EXACT}
    assert {cell.kind for row in judged.report.tables["t4"].values() for cell in row.values()} == {"blank"}


def test_tab_rows_whose_cells_are_all_empty_keep_their_cells():
    """Text copied from a browser keeps a row's empty cells as tabs, at the row's end (a row of blanks) or as the
    whole line (表四's values, all blank): they are rows of empty cells, not a label on its own line."""
    text = "信息内容\t本年新制作数量\t本年新公开数量\n行政强制\t\xa0\t\xa0\n\t\t\n五、存在的问题\n"
    doc = read_document(text.encode("utf-8"), "tabs.txt", "text/plain")
    rows, row = [], []
    for kind, cell in zip(doc.tokens.kinds, doc.tokens.texts):
        if kind.name == "CELL":
            row.append(cell)
        elif kind.name == "ROW_END":
            rows.append(row)
            row = []
    assert rows == [["信息内容", "本年新制作数量", "本年新公开数量"], ["行政强制", "", ""], ["", "", ""]]


def test_an_item_number_on_its_own_line_ending_a_page_takes_the_rest_of_its_label():
    """A label printed with its item number on a line of its own (4. / 保护第三方合法权益) that the page break
    splits leaves the number alone in the label's cell above the break: in a column of labels it is the
    label's start, and the row's rest below is joined to it (its values were read as the sure blanks of the
    continued row)."""
    from ogi.readers.document import Token, TokenKind
    from ogi.readers.pdf import _join_split_row

    def row(texts, page):
        return [Token(TokenKind.CELL, text, page) for text in texts] + [Token(TokenKind.ROW_END, page=page)]

    previous = row(["", "2 其他法律行政法 规禁止公开", "34", "35"], 1) + row(["", "3 危及三安全一稳定", "/", "/"], 1)
    previous += row(["", "4", "15", "15"], 1) + [Token(TokenKind.TABLE_END, page=1)]
    rest = row(["", "保护第三方合法 权益", "", ""], 2) + row(["", "5 属于三类内部事务信息", "2", "2"], 2)
    assert _join_split_row(previous, rest) == rest[5:]
    assert [t.text for t in previous[10:14]] == ["", "4 保护第三方合法 权益", "15", "15"]
    # a value under a number in a column of values is no label's rest: the rows stay apart
    values = row(["", "3 危及三安全一稳定", "/", "/"], 1) + row(["", "4 保护", "15", "15"], 1)
    values += [Token(TokenKind.TABLE_END, page=1)]
    header = row(["", "申请人", "自然人", "总计"], 2)
    assert _join_split_row(values, header) == header


def test_a_row_of_blanks_opening_a_page_with_its_own_item_number_is_a_row_of_its_own():
    """Zeros printed as blanks: the page's first row holds a label alone, as the rest of a label broken by the
    page would. Its item number says it is a row of its own (5、属于三类内部事务信息 was joined to 4、保护第三方
    合法权益 above the break, and that row's values read as its own: sure numbers where blanks were printed)."""
    from ogi.readers.document import Token, TokenKind
    from ogi.readers.pdf import _join_split_row

    def row(texts, page):
        return [Token(TokenKind.CELL, text, page) for text in texts] + [Token(TokenKind.ROW_END, page=page)]

    for label in ("5、属于三类内部事务信息", "5. 属于三类", "5，属于", "5 属于三类", "（四）无法提供", "四、结转"):
        previous = row(["", "4、保护第三方 合法权益", "1", "1"], 1) + [Token(TokenKind.TABLE_END, page=1)]
        page = row(["", label, "", ""], 2) + row(["", "6、属于四类", "2", "2"], 2)
        assert _join_split_row(previous, page) == page, label
        assert previous[1].text == "4、保护第三方 合法权益"
    previous = row(["", "1、属于国家", "1", "1"], 1) + [Token(TokenKind.TABLE_END, page=1)]
    rest = row(["", "秘密", "", ""], 2)
    assert _join_split_row(previous, rest) == [] and previous[1].text == "1、属于国家 秘密"
