"""Tables, rows and headers of scanned reports as OCR reads them: labels set right without losing what a cell
prints beyond them, money units in the header read or else not assumed, rows split by the page break, rows
found by their place where OCR garbled their label, 表四's header as OCR reads it."""

from ogi import cells as C
from ogi.extract import extract_document
from ogi.ocr.page import OcrToken
from ogi.ocr.recognize import Reading
from ogi.template import load_spec

from tests.test_ocr import _ocr_table


def _ocr_doc(rows: list[list[str]], before: tuple[str, ...] = (), unsure: dict[str, float] | None = None):
    """A document of free lines (`before`) and one OCR'd table of `rows` of cell texts, each read at 0.99 but
    those `unsure` names (text → probability)."""
    from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Document, Token, Tokens

    tokens, ocr = [Token(LINE, line, 1) for line in before], {}
    for y, row in enumerate(rows):
        for x, text in enumerate(row):
            value = bool(text) and not any("\u4e00" <= ch <= "\u9fff" for ch in text)
            confidence = (unsure or {}).get(text, 0.99)
            ocr[len(tokens)] = OcrToken(
                Reading(text, confidence, (), value), (x * 50, y * 20, x * 50 + 50, y * 20 + 20)
            )
            tokens.append(Token(CELL, text, 1))
        tokens.append(Token(ROW_END, page=1))
    tokens.append(Token(TABLE_END, page=1))
    return Document("scan.pdf", "pdf-ocr", Tokens.of(tokens), pages=1, ocr_pages=[1], ocr_tokens=ocr)


def test_a_label_set_right_keeps_the_money_unit_its_header_prints():
    """A column's name read with a unit after it keeps the unit as read: never the template's unit instead
    (本年收费金额（单位：元） is not 本年收费金额(单位:万元)), never dropped (采购总金额（万元）), and a unit
    misread is not set right away."""
    from ogi.ocr.lexicon import nearest_label

    spec = load_spec()
    assert nearest_label("本年收费金额(单位:元)", spec) is None
    assert nearest_label("采购总金额(万元)", spec) is None
    assert nearest_label("采购总金额(元)", spec) is None
    assert nearest_label("采购总金颖(万元)", spec) == "采购总金额(万元)"
    assert nearest_label("本年收费金頟(单位:元)", spec) == "本年收费金额(单位:元)"
    assert nearest_label("采购总金额(万兀)", spec) is None


def test_a_cell_holding_two_of_the_templates_words_is_left_for_the_grammar():
    """A group heading and its first row's label in one cell, or two rows' labels the grid read as one cell,
    are not set right to one of them (the other row would be lost); a label with specks beside it still is."""
    from ogi.ocr.lexicon import nearest_label

    spec = load_spec()
    assert nearest_label("三 本年度办 理结果 () 予以公开", spec) is None
    assert nearest_label("(芯) 总计 四、 结转下年度继续 办理", spec) is None
    assert (
        nearest_label("(六) 其他处理 1 申请人 无正当理由逾期 不补正、行政机关不再处理其政府信息公开申请", spec) is None
    )
    assert nearest_label("1.*机 信访举报投诉类 申请", spec) == "1.信访举报投诉类申请"
    assert nearest_label("- 本年新收政府信 息公开申请数量", spec) == "一、本年新收政府信息公开申请数量"


_PROCUREMENT = [
    ["信息内容", "本年新制作数量", "本年新公开数量", "对外公开总数量"],
    ["规章", "1", "2", "3"],
    ["信息内容", "采购项目数量", "{header}"],
    ["政府集中采购", "12", "1559.5"],
]


def _amount(header: str) -> C.Cell:
    rows = [[text.format(header=header) for text in row] for row in _PROCUREMENT]
    report = extract_document(_ocr_doc(rows, before=("二、主动公开政府信息情况",)))
    return report.tables["t2"]["procurement"]["amount_yuan"]


def test_money_under_a_header_whose_unit_is_not_read_is_not_sure():
    """采购总金额's unit read (万元, 元) or plainly not printed: the amount is a number in it. Its cell holding
    more than the name, unread (（万兀）), or the name not found at all: the amount may be in either unit, so
    it is ambiguous with both, never read in the template's unit by default. A table printing no header over
    the row has the template's unit."""
    assert (_amount("采购总金额(万元)").kind, _amount("采购总金额(万元)").value) == (C.NUMBER, 15595000)
    assert (_amount("采购总金额(元)").kind, _amount("采购总金额(元)").value) == (C.NUMBER, 1559.5)
    assert (_amount("采购总金额").kind, _amount("采购总金额").value) == (C.NUMBER, 1559.5)
    for header in ("采购总金额(万兀)", "采购总金 ?万", "莱购总令頟"):
        cell = _amount(header)
        assert cell.kind == C.AMBIGUOUS and {1559.5, 15595000} <= set(cell.candidates), header
    # no header printed over the row (the template's table of one header row): the template's unit, as in text
    rows = [row for row in _PROCUREMENT if "{header}" not in row]
    report = extract_document(_ocr_doc(rows, before=("二、主动公开政府信息情况",)))
    assert report.tables["t2"]["procurement"]["amount_yuan"].value == 1559.5


_T3_HEAD = [["申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
_T3_ROWS = {
    "new_received": ["一、本年新收政府信息公开申请数量", "5", "1", "1", "1", "1", "1", "10"],
    "denied_state_secret": ["1.属于国家秘密", "1", "", "", "", "", "", "1"],
    "denied_prohibited_by_law": ["2.其他法律行政法规禁止公开", "2", "", "", "", "", "", "2"],
    "denied_security_stability": ["3.危及三安全一稳定", "3", "", "", "", "", "", "3"],
    "denied_third_party": ["4.保护第三方合法权益", "4", "", "1", "", "", "", "5"],
    "denied_internal_affairs": ["5.属于三类内部事务信息", "5", "", "", "", "", "", "5"],
}


def _t3_report(label: list[str], rest: list[list[str]] = ()):
    rows = [row if code != "denied_third_party" else label + row[1:] for code, row in _T3_ROWS.items()]
    at = list(_T3_ROWS).index("denied_third_party") + 1
    return extract_document(_ocr_doc(_T3_HEAD + rows[:at] + list(rest) + rows[at:]))


def test_a_row_whose_label_ocr_garbled_is_found_by_its_place_between_the_rows_found():
    """A label misread past setting right (呆护第三方合 又益, three edits), or read over two cells: the one row
    between the rows before and after it that prints words and then cells is that row, with its values. Words
    nearer another row's label, or two such rows between, are not taken for it."""
    for label in (["呆护第三方合 又益"], ["呆护第三方", "合 又益"]):
        row = _t3_report(label).tables["t3"]["denied_third_party"]
        assert [cell.value for cell in row.values()] == [4, None, 1, None, None, None, 5], label
    assert _t3_report(["属于国家秘密"]).tables["t3"]["denied_third_party"]["total"].kind == C.ABSENT
    another = [["呆护第三方合 又益", "1", "", "", "", "", "", "1"]]
    assert _t3_report(["呆护第三方合 又益"], another).tables["t3"]["denied_third_party"]["total"].kind == C.ABSENT


def test_table_four_results_cut_in_two_bands_by_a_ruling_are_one_cell_each():
    """表四's first block's results merged down over two header bands, printed down narrow columns: the grid ran
    the bands' ruling through them, so each reads as its first character above (结) and the rest below (果 维 持).
    Joined, they are the results, and the header is read; the title's 、 read as 丶 is still the title."""
    import re

    from ogi.grammar import Stream, find_t4, tolerant
    from ogi.ocr.lexicon import set_labels_right

    assert re.fullmatch(tolerant("行政复议、行政诉讼情况"), "行政复议丶行政诉讼情况")
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    values = [str(v) for v in range(1, 16)]
    x = [20 * i for i in range(16)]
    rows = [
        [("行政复议", (x[0], 0, x[5], 10)), ("行政诉讼", (x[5], 0, x[15], 10))],
        [(r[0], (x[i], 10, x[i + 1], 20)) for i, r in enumerate(results)]
        + [("未经复议直接起诉", (x[5], 10, x[10], 20)), ("复议后起诉", (x[10], 10, x[15], 20))],
        [(" ".join(r[1:]), (x[i], 20, x[i + 1], 40)) for i, r in enumerate(results)]
        + [(r, (x[5 + i], 20, x[6 + i], 40)) for i, r in enumerate(results * 2)],
        [(v, (x[i], 40, x[i + 1], 50)) for i, v in enumerate(values)],
    ]
    doc = _ocr_table(rows, before=["四、政府信息公开行政复议丶行政诉讼情况"])
    spec = load_spec()
    set_labels_right(doc, spec)
    match = find_t4(Stream(doc.tokens, track=True), spec, 0)
    assert match.error is None
    assert [piece.text for piece in match.run] == values


def test_words_read_among_a_rows_values_leave_its_cells_unknown():
    """A row of an OCR'd table whose cells the grid split (one more than its columns), one read as words (W for
    a dash): the run of values stops there with as many values as the row has cells, but which value is in
    which cell is not known — the row is reported, its cells absent, never 3个 read as its third value."""
    rows = [
        ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"],
        ["行政许可", "5", "1", "6"],
        ["行政处罚", "", "", "3个", "W"],
        ["行政强制", "1", "2", "3"],
    ]
    report = extract_document(_ocr_doc(rows, before=("二、主动公开政府信息情况", "本年新制作数量")))
    punishment = report.tables["t2"]["punishment"]
    assert all(cell.kind == C.ABSENT for cell in punishment.values())
    assert any(error.startswith("t2.punishment: words read among its values (W)") for error in report.errors)
    assert [cell.value for cell in report.tables["t2"]["coercion"].values()] == [1, 2, 3]


def test_a_label_the_grid_cut_by_a_stroke_taken_for_a_column_is_one_cell():
    """A stroke of 制 taken for a column cuts 行政强制 into 行政强 and 制 beside it: joined, the label is found and
    its value read (it was 't2.coercion: no values printed')."""
    header = [("信息内容", (0, 0, 100, 10)), ("本年处理决定数量", (100, 0, 300, 10))]
    rows = [header, [("行政处罚", (0, 10, 100, 20)), ("766", (100, 10, 300, 20))]]
    rows += [[("行政强", (0, 20, 42, 30)), ("制", (42, 20, 100, 30)), ("105", (100, 20, 300, 30))]]
    report = extract_document(_ocr_table(rows, before=["二、主动公开政府信息情况", "本年制发件数"]))
    assert report.tables["t2"]["coercion"]["decisions"].raw == "105"


def test_two_rows_labels_in_one_cell_before_one_row_of_values_leave_both_unknown():
    """The grid lost the ruling between two rows, or the rest of a row opening a page was joined to the row
    before it: (七)总计 and 四、结转下年度继续办理 in one cell, one row of values after them. Whose values they
    are is not known: both rows are reported, their cells absent, never the values read as the second's."""
    rows = _T3_HEAD + [_T3_ROWS["new_received"], _T3_ROWS["denied_state_secret"]]
    rows += [["(七)总计 四、结转下年度继续办理", "9", "1", "1", "1", "1", "1", "14"]]
    report = extract_document(_ocr_doc(rows))
    for code in ("results_total", "carried_forward"):
        assert all(cell.kind == C.ABSENT for cell in report.tables["t3"][code].values()), code
        assert any(error.startswith(f"t3.{code}: its label shares a cell") for error in report.errors), code


def test_an_identity_with_a_cell_not_read_confirms_no_reading():
    """A row reported and left absent (its label shared a cell, words among its values) counts for nothing in
    an identity: a plausible reading that an identity would confirm only with the absent cell taken as 0 stays
    ambiguous (a printed slash read as 1 at 0.71 was made a number so)."""
    from types import SimpleNamespace

    from ogi.identities import Check
    from ogi.ocr.certainty import settle

    duplicate, excessive, total = ("rejected", "duplicate"), ("rejected", "excessive"), ("rejected", "total")
    cells = {duplicate: C.Cell(C.NUMBER, "1", 1, (), 2), excessive: C.absent(), total: C.Cell(C.NUMBER, "1", 1, (), 2)}
    tokens = {
        0: OcrToken(Reading("1", 0.71, (), True), (0, 0, 1, 1)),
        1: OcrToken(Reading("1", 0.99, (), True), (0, 0, 1, 1)),
    }
    piece = SimpleNamespace  # a run's pieces as the grammar gives them: the token each was read from
    runs = [
        SimpleNamespace(keys=[duplicate], columns=[None], pieces=[piece(token=0, page=2)], candidates=[("1",)]),
        SimpleNamespace(keys=[total], columns=[None], pieces=[piece(token=1, page=2)], candidates=[("1",)]),
    ]
    runs[0].columns = runs[1].columns = [SimpleNamespace(unit=None)]
    check = Check("I", "t3", "col", (duplicate, excessive), (total,))
    settle("t3", cells, runs, tokens, [check], {2})
    assert cells[duplicate].kind == C.AMBIGUOUS


def test_specks_read_as_words_in_a_row_as_wide_as_its_columns_leave_that_cell_unsure_and_the_rest_read():
    """A speck read as a character (店 at 0.3), or beside a value (0件近 at 0.08), in a row of a scanned grid
    with as many value cells as columns: each cell is in its own column, so the row is read, the speck's
    cell ambiguous with 0 (or the value beside the specks) among its candidates. The same word read sure, or a
    row one cell wider than its columns, stays reported (letters: `test_letters_read_among_a_rows_values_...`)."""
    before = ("二、主动公开政府信息情况", "本年新制作数量")
    header = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    rows = [header, ["行政许可", "5", "1", "6"], ["行政处罚", "", "店", "3"], ["行政强制", "0件近", "", ""]]
    report = extract_document(_ocr_doc(rows, before, unsure={"店": 0.3, "0件近": 0.08}))
    assert [error for error in report.errors if error.startswith("t2")] == [
        "t2: rows not found: normative_documents, other_services, fees, procurement"  # not printed in this table
    ]
    punishment = report.tables["t2"]["punishment"]
    assert punishment["prev_items"].kind == C.BLANK
    assert punishment["change"].kind == C.AMBIGUOUS and 0 in punishment["change"].candidates
    assert punishment["decisions"].value == 3
    coercion = report.tables["t2"]["coercion"]["prev_items"]
    assert coercion.kind == C.AMBIGUOUS and 0 in coercion.candidates
    assert [cell.value for cell in report.tables["t2"]["licensing"].values()] == [5, 1, 6]

    sure = extract_document(_ocr_doc(rows, before, unsure={"0件近": 0.08}))
    assert any(error.startswith("t2.punishment: words read among its values (店)") for error in sure.errors)
    wider = [header, ["行政许可", "5", "1", "6"], ["行政处罚", "", "", "3个", "店"], ["行政强制", "1", "2", "3"]]
    report = extract_document(_ocr_doc(wider, before, unsure={"店": 0.3}))
    assert all(cell.kind == C.ABSENT for cell in report.tables["t2"]["punishment"].values())
    assert report.errors


def test_letters_read_among_a_rows_values_leave_that_cell_unsure_and_the_rest_read():
    """Letters read in a value cell (a printed 1 read as Ia.., a dash with specks as -rF, an amount with a seal's
    strokes as 1692.5*FOM..), in a row whose cells the grid placed one under each column as the table's other
    rows show them: each cell is read in its place, the letters' cell ambiguous — never a sure number, even read
    sure — among what its digits and digit-shaped letters spell and 0 (a dash, a blank); the rest of the row read."""
    before = ("二、主动公开政府信息情况", "本年新制作数量")
    header = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    for letters, confidence, want in (("Ia..", 0.2, {1, 0}), ("-rF", 0.99, {0}), ("12n", 0.97, {12, 0})):
        rows = [header, ["行政许可", "5", "1", "6"], ["行政处罚", "", letters, "3"], ["行政强制", "1", "2", "3"]]
        report = extract_document(_ocr_doc(rows, before, unsure={letters: confidence}))
        assert not [error for error in report.errors if error.startswith("t2.")], letters
        punishment = report.tables["t2"]["punishment"]
        assert punishment["change"].kind == C.AMBIGUOUS and want <= set(punishment["change"].candidates), letters
        assert punishment["prev_items"].kind == C.BLANK and punishment["decisions"].value == 3, letters
    header = ["信息内容", "采购项目数量", "采购总金额(万元)"]
    rows = [header, ["政府集中采购", "12", "1692.5*FOM.."]]
    report = extract_document(_ocr_doc(rows, ("二、主动公开政府信息情况", "本年新制作数量"), {"1692.5*FOM..": 0.9}))
    amount = report.tables["t2"]["procurement"]["amount_yuan"]
    assert amount.kind == C.AMBIGUOUS and 16925000 in amount.candidates


def test_a_row_whose_cells_the_grid_placed_is_read_by_place_past_words_in_a_label_column():
    """The rest of a merged label read in the next label column (年度 of 结转下年度 as 手度), before a row's
    value cells: the values are still the cells under the value columns the table's other rows show, not a
    row with no values printed. A cell under two columns (their ruling lost under a seal) holding one value
    read plausibly is that value or a blank in each; read as not sure at all (two values side by side read as
    one), the row stays reported."""
    head = [["", "申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    rows = [
        ["", "一、本年新收政府信息公开申请数量", "3", "1", "", "", "", "", "4"],
        ["", "二、上年结转政府信息公开申请数量", "1", "", "", "", "", "", "1"],
        ["四、结转下年度继续办理", "手度", "2", "", "", "", "", "1", "3"],
    ]
    report = extract_document(_ocr_doc(head + rows, ("三、收到和处理政府信息公开申请情况",), {"手度": 0.7}))
    assert not [error for error in report.errors if error.startswith("t3.carried_forward")]
    assert [cell.value for cell in report.tables["t3"]["carried_forward"].values()] == [2, None, None, None, None, 1, 3]

    def boxed(row: list[str], y: int, merged: int | None = None) -> list[tuple[str, tuple]]:
        """A row's cells with their boxes, the cell at `merged` standing under its column and the next."""
        cells, x = [], 0
        for text in row:
            wide = 2 if x == merged else 1
            cells.append((text, (x * 50, y * 20, (x + wide) * 50, y * 20 + 20)))
            x += wide
        return cells

    lost = ["", "(一)予以公开", "", "", "", "", "11", "11"]  # 法律服务机构 11 and 其他 - as one cell
    table = [boxed(row, y) for y, row in enumerate(head + rows[:2])] + [boxed(lost, 3, merged=6)]
    for confidence, read in ((0.6, True), (0.0, False)):
        doc = _ocr_table(table, before=["三、收到和处理政府信息公开申请情况"])
        index = max(doc.ocr_tokens)
        while doc.tokens.texts[index] != "11":
            index -= 1
        index -= 1  # the cell under two columns
        doc.ocr_tokens[index] = OcrToken(Reading("11", confidence, (), True), doc.ocr_tokens[index].box)
        granted = extract_document(doc).tables["t3"]["granted"]
        if read:
            assert all(
                granted[c].kind == C.AMBIGUOUS and {0, 11} <= set(granted[c].candidates)
                for c in ("legal_service_org", "other_org")
            )
        else:
            assert all(cell.kind == C.ABSENT for cell in granted.values())


def test_a_row_under_a_header_cell_naming_two_columns_reads_its_cell_there_as_either():
    """The grid found no ruling between two columns of a small table (本年废止件数 and 现行有效件数 read as one
    header cell, misread as 本年废正件数1现行有效件数; no other row of three values to show the columns): the header
    above names the row's columns, so the row's cell under that header cell stands under both, its value read
    plausibly a value or a blank in each (never sure in either); the cell under 本年制发件数 is read as it is."""
    before = ["二、主动公开政府信息情况"]
    header = [
        ("信息内容", (0, 0, 100, 20)),
        ("本年制发件数", (100, 0, 200, 20)),
        ("本年废正件数1现行有效件数", (200, 0, 400, 20)),
    ]
    row = [("行政规范性文件", (0, 20, 100, 40)), ("-", (100, 20, 200, 40)), ("7", (200, 20, 400, 40))]
    report = extract_document(_ocr_table([header, row], before=before))
    assert not [error for error in report.errors if error.startswith("t2.normative_documents")]
    cells = report.tables["t2"]["normative_documents"]
    for code in ("repealed", "in_force"):
        assert cells[code].kind == C.AMBIGUOUS and {0, 7} <= set(cells[code].candidates), code


def test_a_row_whose_label_stands_before_another_rows_label_in_one_table_row_is_not_read_by_place():
    """Two rows' labels side by side in one table row (the grid lost the ruling between the rows), the values
    after the second (specks read as letters before it): they are the second row's, never read by place as the
    first's too."""
    head = [["", "申请人情况", "自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计"]]
    rows = [
        ["", "一、本年新收政府信息公开申请数量", "3", "1", "", "", "", "", "4"],
        ["二、上年结转政府信息公开申请数量", "Pesuch (一)予以公开", "2", "", "", "", "", "1", "3"],
        ["", "(二)部分公开", "1", "", "", "", "", "", "1"],
    ]
    report = extract_document(_ocr_doc(head + rows, ("三、收到和处理政府信息公开申请情况",)))
    assert [cell.value for cell in report.tables["t3"]["granted"].values()] == [2, None, None, None, None, 1, 3]
    assert all(cell.value is None for cell in report.tables["t3"]["carried_over"].values())


def test_a_column_a_stray_ruling_cut_in_two_is_read_as_one_unsure_cell():
    """Strokes of characters standing one under another in a few rows taken for a ruling cut 本年增/减 in two
    there: a row's cell of that column read as two (-4 and the rest of 件 read as nothing), four cells for three
    columns. The parts that fill the column as the other rows show it are its one cell, read joined and never
    sure (ink under the ruling is lost): ambiguous with -4 and 0; the row's other cells are read as they are.
    Parts that do not end on the column's edge leave the row reported."""
    before = ["二、主动公开政府信息情况", "本年新制作数量"]
    edges = [0, 100, 200, 300, 400]

    def row(y: int, texts: list[str], cut: float | None = None) -> list[tuple[str, tuple]]:
        xs = edges[:3] + [cut] + edges[3:] if cut is not None else edges
        return [(text, (xs[i], y, xs[i + 1], y + 10)) for i, text in enumerate(texts)]

    header = row(0, ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"])
    licensing = row(10, ["行政许可", "5", "1", "6"])
    for read in (True, False):
        punishment = row(20, ["行政处罚", "241", "-4", "", "—"], 221.0)
        if not read:  # the second part runs past the column's edge
            punishment[3] = ("", (221.0, 20, 360, 30))
            punishment[4] = ("—", (360, 20, 400, 30))
        report = extract_document(_ocr_table([header, licensing, punishment], before=before))
        cells = report.tables["t2"]["punishment"]
        if read:
            assert not [error for error in report.errors if error.startswith("t2.punishment")]
            assert cells["prev_items"].raw == "241" and cells["decisions"].raw == "—"
            assert cells["change"].kind == C.AMBIGUOUS and {-4, 0} <= set(cells["change"].candidates)
        else:
            assert all(cell.kind == C.ABSENT for cell in cells.values())


def _t3_tables(*tables: list[list[str]]):
    """A document of OCR'd tables one after the other (a table per page), cells placed as `_ocr_doc` does."""
    from tests.test_ocr import _ocr_tables

    boxed = [
        [
            [(text, (x * 50, y * 20, x * 50 + 50, y * 20 + 20)) for x, text in enumerate(row)]
            for y, row in enumerate(rows)
        ]
        for rows in tables
    ]
    return extract_document(_ocr_tables(boxed))


_PARTIAL = ["(二)部分公开", "", "", "", "", "", "", ""]
_SECRET_VALUES = ["1", "", "", "", "", "", "1"]


def test_a_label_read_across_its_groups_heading_beside_it_is_found_by_its_place():
    """(三)不予公开's merged cell begins in a page's last row, its short ruling with 1.属于国家秘密's column lost:
    the cell reads both line by line across (1.属 不予公于国家 开秘密). Between the rows found around it, its words
    are its label among its group heading's characters, so the row is found and read; words no nearer its label
    than another row's among those characters are not taken for it."""
    rows = [_T3_ROWS["new_received"], _PARTIAL]
    after = [_T3_ROWS[code] for code in ("denied_prohibited_by_law", "denied_security_stability")]
    for words, found in (("(三)1.属 不予公于国家 开秘密", True), ("(三)2.其 不予公他法 开律", False)):
        report = _t3_tables(_T3_HEAD + rows + [[words, *_SECRET_VALUES]] + after)
        secret = report.tables["t3"]["denied_state_secret"]
        if found:
            assert [cell.value for cell in secret.values()] == [1, None, None, None, None, None, 1]
            assert not [error for error in report.errors if "denied_state_secret" in error]
        else:
            assert all(cell.kind == C.ABSENT for cell in secret.values()), words


def test_a_label_the_page_break_cut_is_found_with_its_rest_opening_the_next_page():
    """A row the page break cut: its values and the start of its label (not) 1属 不予公于国) end a page, the rest
    of its label (开 | 家秘密) and empty cells open the next. Its words and their rest are its label, so the row is
    found, its values those before the break. The rest printing a value (the row's values split by the break,
    whose are whose not known) is no rest of a label: the row is not found by its place."""
    rows = [_T3_ROWS["new_received"], _PARTIAL, ["(三)1属 不予公于国", *_SECRET_VALUES]]
    after = [_T3_ROWS[code] for code in ("denied_prohibited_by_law", "denied_security_stability")]
    for rest, found in (
        (["开", "家秘密", "", "", "", "", "", "", ""], True),
        (["开", "家秘密", "2", "", "", "", "", "", "2"], False),
    ):
        report = _t3_tables(_T3_HEAD + rows, [rest] + after)
        secret = report.tables["t3"]["denied_state_secret"]
        if found:
            assert [cell.value for cell in secret.values()] == [1, None, None, None, None, None, 1]
        else:
            assert all(cell.kind == C.ABSENT for cell in secret.values())


def test_letters_read_for_a_signed_value_keep_its_minus_among_the_candidates():
    """本年增/减's -1个 read as -rF (its 1 as r, 个 as F), in a row read by place: the cell is ambiguous with -1
    (the minus kept before the digit its letter is shaped like), 1 and 0 among its candidates, never 0 alone."""
    from ogi.ocr.row_columns import options

    assert {"-1", "1", "0"} <= set(options("-rF"))
    assert {"-12", "12", "0"} <= set(options("-12n"))
    before = ("二、主动公开政府信息情况", "本年新制作数量")
    header = ["信息内容", "上一年项目数量", "本年增/减", "处理决定数量"]
    rows = [header, ["行政许可", "5", "-rF", "6"], ["行政处罚", "1", "2", "3"], ["行政强制", "1", "2", "3"]]
    change = extract_document(_ocr_doc(rows, before, unsure={"-rF": 0.99})).tables["t2"]["licensing"]["change"]
    assert change.kind == C.AMBIGUOUS and {-1, 0} <= set(change.candidates)
