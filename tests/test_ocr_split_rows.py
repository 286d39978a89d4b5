"""Rows of a scanned table that the page break splits: the rest of the row opening the next page is joined
to the row ending the page before, by the columns its cells stand in."""

from __future__ import annotations

from ogi.readers.document import CELL, ROW_END, TABLE_END, Token
from ogi.readers.pdf import _join_split_row


def _row(cells, page, boxes, top):
    """A row of (text, left, right) cells, their boxes recorded in `boxes`."""
    tokens = []
    for text, left, right in cells:
        token = Token(CELL, text, page)
        boxes[id(token)] = (left, top, right, top + 20.0)
        tokens.append(token)
    return [*tokens, Token(ROW_END, page=page)]


def test_a_rest_of_a_row_is_joined_where_a_ruling_lost_on_the_page_above_merged_two_of_its_cells():
    """A seal over a ruling at the page's foot: the row ending the page has two value cells merged in one, the
    rest of its label opening the next page has every cell. The two are paired by their columns (they did not
    have as many cells, and the rest's empty cells were read as the row's sure blanks)."""
    boxes: dict = {}
    previous = _row([("", 84, 132), ("1.申请", 132, 180), ("0", 180, 228), ("0", 228, 276)], 2, boxes, 600)
    previous += _row([("(六)其", 84, 132), ("1.申请", 132, 180), ("0", 180, 228), ("3", 228, 324)], 2, boxes, 700)
    previous += [Token(TABLE_END, page=2)]
    rest = _row(
        [("他处理", 83, 132), ("人无正当理由", 132, 180), ("", 180, 228), ("", 228, 276), ("", 276, 324)], 3, boxes, 72
    )
    after = _row([("", 83, 132), ("2.申请", 132, 180), ("0", 180, 228), ("1", 228, 276), ("2", 276, 324)], 3, boxes, 92)
    joined = _join_split_row(previous, rest + after, {}, boxes)
    assert joined == after
    assert [t.text for t in previous[-6:-2]] == ["(六)其 他处理", "1.申请 人无正当理由", "0", "3"]
    # without the cells' places, rows of unlike widths are not paired
    previous[-6].text, previous[-5].text = "(六)其", "1.申请"
    assert _join_split_row(previous, rest + after, {}, {}) == rest + after


def test_a_label_cell_merged_over_two_columns_above_the_break_takes_each_columns_rest():
    """The row ending the page is the first of its group: the short ruling between the group's heading and the
    row's label was lost, and one cell holds both ((三) 1.属). The next page has the two columns' rests (不予公开,
    于国家秘密): each continues its own column's part, so the label reads 1.属 于国家秘密."""
    boxes: dict = {}
    previous = _row([("(二)部分公开", 84, 184), ("/", 184, 234), ("3", 234, 284)], 1, boxes, 640)
    previous += _row([("（三） 1．属", 84, 184), ("—", 184, 234), ("/", 234, 284)], 1, boxes, 706)
    previous += [Token(TABLE_END, page=1)]
    rest = _row([("不予公开", 84, 134), ("于国家 秘密", 134, 184), ("", 184, 234), ("", 234, 284)], 2, boxes, 72)
    after = _row([("", 84, 134), ("2.其他法律", 134, 184), ("/", 184, 234), ("1", 234, 284)], 2, boxes, 98)
    assert _join_split_row(previous, rest + after, {}, boxes) == after
    assert [t.text for t in previous[-5:-2]] == ["（三） 不予公开 1．属 于国家 秘密", "—", "/"]


def test_rows_of_two_tables_are_not_paired_by_their_columns():
    """A page whose first table does not stand where the last page's table ended is not its continuation."""
    boxes: dict = {}
    previous = _row([("1.申请", 84, 180), ("0", 180, 228), ("3", 228, 324)], 1, boxes, 700) + [Token(TABLE_END, page=1)]
    rest = _row([("人无正当理由", 60, 150), ("", 150, 250), ("", 250, 350), ("", 350, 450)], 2, boxes, 72)
    assert _join_split_row(previous, rest, {}, boxes) == rest


def test_a_heading_across_the_table_opening_a_page_is_no_rest_of_the_row_above():
    """表二 printed as a heading row across the table (第二十条第（六）项) over each block: a block ending a page is
    followed by the next block's heading, one cell over both columns, which is no cell's rest (it was joined to
    the value 9487 of the row above)."""
    boxes: dict = {}
    previous = _row([("信息内容", 75, 231), ("本年处理决定数量", 231, 517)], 2, boxes, 688)
    previous += _row([("行政许可", 75, 231), ("9487", 231, 517)], 2, boxes, 730) + [Token(TABLE_END, page=2)]
    heading = _row([("第二十条第（六）项", 76, 517)], 3, boxes, 80)
    assert _join_split_row(previous, heading, {}, boxes) == heading and previous[-3].text == "9487"


def test_a_rest_of_a_row_on_a_page_scanned_further_to_the_side_is_paired_by_its_columns():
    """Pages scanned one by one do not lie alike: the table on the next page stands 15 points to the right. Its
    columns are the same, by their places from the table's side."""
    boxes: dict = {}
    previous = _row([("（三） 1．属", 84, 184), ("—", 184, 234), ("/", 234, 284)], 1, boxes, 706)
    previous += [Token(TABLE_END, page=1)]
    rest = _row([("不予公开", 99, 149), ("于国家 秘密", 149, 199), ("", 199, 249), ("", 249, 299)], 2, boxes, 72)
    assert _join_split_row(previous, rest, {}, boxes) == []
    assert [t.text for t in previous[:3]] == ["（三） 不予公开 1．属 于国家 秘密", "—", "/"]
    wider = _row([("不予公开", 99, 149), ("于国家 秘密", 149, 199), ("", 199, 249), ("", 249, 320)], 2, boxes, 72)
    assert _join_split_row(previous, wider, {}, boxes) == wider


def test_a_page_number_under_the_table_does_not_keep_a_split_row_apart():
    """A page number OCR read in the side margin (2, beside the table's foot) comes after the table's last row:
    the row's rest opening the next page is still that row's (its empty cells were the row's sure blanks)."""
    from ogi.readers.document import LINE

    boxes: dict = {}
    previous = _row([("", 84, 132), ("2.申请 人逾期", 132, 180), ("0", 180, 228)], 2, boxes, 690)
    previous += [Token(TABLE_END, page=2), Token(LINE, "2", 2)]
    rest = _row([("", 84, 132), ("未按收费通知", 132, 180), ("", 180, 228)], 3, boxes, 72)
    after = _row([("", 84, 132), ("3.其他", 132, 180), ("6", 180, 228)], 3, boxes, 200)
    assert _join_split_row(previous, rest + after, {}, boxes) == after
    assert previous[1].text == "2.申请 人逾期 未按收费通知"
    previous[-1].text = "二、主动公开"  # a line of the report's text ends the table
    previous[1].text = "2.申请 人逾期"
    assert _join_split_row(previous, rest + after, {}, boxes) == rest + after


def test_a_header_of_twice_the_columns_under_a_row_of_values_is_no_rest_of_it():
    """表四 as a table per block: 行政复议's block (a header over one row of values) ends a page, and the next
    page opens with a header of ten columns, two under each of the block's. Its words under the values are a
    table's header, not the rest of the row (the header above made every column look like one of labels)."""
    boxes: dict = {}
    heads = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
    xs = [84.5 + 90 * i for i in range(6)]
    previous = _row([(h, a, b) for h, a, b in zip(heads, xs, xs[1:])], 3, boxes, 682)
    previous += _row([("/", a, b) for a, b in zip(xs, xs[1:])], 3, boxes, 696) + [Token(TABLE_END, page=3)]
    halves = [84.5 + 45 * i for i in range(11)]
    header = _row([(h, a, b) for h, a, b in zip(heads * 2, halves, halves[1:])], 4, boxes, 96)
    assert _join_split_row(previous, header, {}, boxes) == header
    assert [t.text for t in previous[6:11]] == ["/"] * 5


def test_several_words_under_one_cell_that_does_not_show_which_continues_which_are_not_joined():
    """表四's header cut by the page break: on the page above, the grid merged a block's five result headings in
    one cell (结|其|尚|总), on the next page each has its cell (果维持, 果纠正, …). Joined, the five rests would be
    run into one cell and the header lost; left apart, the header is read by its cells' places."""
    boxes: dict = {}
    previous = _row([("行政复议", 84, 334), ("行政诉讼", 334, 834)], 3, boxes, 660)
    previous += _row([("结结|其|尚|总", 84, 334), ("未经复议直接起诉|复议后起诉", 334, 834)], 3, boxes, 700)
    previous += [Token(TABLE_END, page=3)]
    heads = ("果维持", "果纠正", "他结果", "未审结", "计")
    rest = _row([(heads[i % 5], 84 + 50 * i, 134 + 50 * i) for i in range(15)], 4, boxes, 72)
    values = _row([("-", 84 + 50 * i, 134 + 50 * i) for i in range(15)], 4, boxes, 100)
    assert _join_split_row(previous, rest + values, {}, boxes) == rest + values
    assert [t.text for t in previous[-3:-2]] == ["未经复议直接起诉|复议后起诉"]
