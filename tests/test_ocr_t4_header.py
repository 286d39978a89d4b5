"""表四's header of a scanned report read by the places of its cells (ogi.ocr.t4_header): headings merged over
bands or read in another order than printed, a heading the grid joined with its neighbours, one heading
unread, the results over blocks printed as rows; and never a value put under a column the header does not
plainly name."""

from ogi.template import load_spec

from tests.test_ocr import _ocr_tables

RESULTS = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"]
VALUES = ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]
X = [20 * i for i in range(17)]


def _doc(tables: list[list[list[tuple[str, tuple]]]], before=("四、政府信息公开行政复议、行政诉讼情况",)):
    return _ocr_tables(tables, before)


def _find_t4(doc, places: bool = True):
    from ogi.grammar import Stream, find_t4
    from ogi.ocr.lexicon import set_labels_right

    spec = load_spec()
    set_labels_right(doc, spec)
    stream = Stream(doc.tokens, track=True)
    if places:
        stream.ocr = doc.ocr_tokens
    return find_t4(stream, spec, 0)


def _row(texts: list[str], y: int, first: int = 0) -> list[tuple[str, tuple]]:
    return [(text, (X[first + i], y, X[first + i + 1], y + 10)) for i, text in enumerate(texts)]


def _split_results_header(lower: list[list[str]]) -> list[list[tuple[str, tuple]]]:
    """Each block's 尚未审结 and 总计 merged over the header's two bands, its other three results under 办理结果 in
    the lower band: read band by band, 尚未审结 总计 come before 结果维持."""
    upper, bottom = [], []
    for b in range(3):
        x = X[5 * b :]
        upper += [("办理结果", (x[0], 0, x[3], 10)), ("尚未审结", (x[3], 0, x[4], 20)), ("总计", (x[4], 0, x[5], 20))]
        bottom += [(text, (x[i], 10, x[i + 1], 20)) for i, text in enumerate(lower[b])]
        bottom += [("", (x[3], 0, x[4], 20)), ("", (x[4], 0, x[5], 20))]
    return [upper, bottom]


def test_a_header_read_out_of_its_order_is_read_by_its_cells_places():
    """Headings merged over two bands are read before those of the lower band (尚未审结 总计 结果维持 …): in that
    order the header is not the template's, and it is reported; by the places of its cells each value stands
    under its own result, and all are read."""
    header = _split_results_header([RESULTS[:3]] * 3)
    doc = lambda: _doc([[*header, _row(VALUES, 20)]])  # noqa: E731
    assert "not in the template order" in _find_t4(doc(), places=False).error
    match = _find_t4(doc())
    assert match.error is None
    assert [piece.text for piece in match.run] == VALUES


def test_a_header_printed_in_another_order_is_reported_by_place_too():
    """A block whose results stand in another order than the template's (总计 first), by their places as by
    the order read: never read, a heading misread as another result would put its values under that
    result."""
    printed = ["总计", "结果维持", "结果纠正", "其他结果", "尚未审结"]
    rows = [[("行政复议", (X[0], 0, X[5], 10)), ("行政诉讼", (X[5], 0, X[15], 10))]]
    rows.append(_row(printed + RESULTS * 2, 10))
    rows.append(_row(VALUES, 20))
    match = _find_t4(_doc([rows]))
    assert match.error is not None and match.run is None


def test_one_unread_heading_is_the_result_its_blocks_other_headings_leave():
    """A heading misread (口口) in a block whose other four are read in the template's order is the result
    they leave at its place. Two unread in one block, or a heading read as another result (结果维特, set right
    to 结果维持, where 其他结果 stands), leave the header reported: no value is put under a column the header
    does not name."""
    one = [["结果维持", "结果纠正", "口口"], RESULTS[:3], RESULTS[:3]]
    match = _find_t4(_doc([[*_split_results_header(one), _row(VALUES, 20)]]))
    assert match.error is None
    assert [piece.text for piece in match.run] == VALUES
    for lower in (
        [["口口", "结果纠正", "结果维特"], RESULTS[:3], RESULTS[:3]],
        [["结果维持", "结果纠正", "结果纠正"], RESULTS[:3], RESULTS[:3]],
    ):
        match = _find_t4(_doc([[*_split_results_header(lower), _row(VALUES, 20)]]))
        assert match.error is not None and match.run is None


def test_a_blocks_heading_over_another_blocks_columns_leaves_the_header_reported():
    """The blocks' headings must stand over their own columns, in the template's order: 复议后起诉 over the
    first five values is no header to read them under."""
    top = [("复议后起诉", (X[0], 0, X[5], 10)), ("行政诉讼", (X[5], 0, X[15], 10))]
    header = [[*top], *_split_results_header([RESULTS[:3]] * 3)]
    for band in header[1:]:
        band[:] = [(text, (x0, y0 + 10, x1, y1 + 10)) for text, (x0, y0, x1, y1) in band]
    match = _find_t4(_doc([[*header, _row(VALUES, 30)]]))
    assert match.error is not None and match.run is None


def test_results_joined_in_one_cell_over_blocks_printed_as_rows_are_read_by_place():
    """Blocks printed as rows, under a header table of their own whose results the grid read as one cell
    (its rulings read as |) with one result misread (尚末审结): the cell spans the five value columns and
    names five headings, one unread, left to right; each row's values are read under them by its label."""
    header = [
        [("情况", (X[0], 0, X[1], 20)), ("办理结果", (X[1], 0, X[6], 10))],
        [("", (X[0], 0, X[1], 20)), ("结果维持|结果纠正|其他结果|尚末审结|总计", (X[1], 10, X[6], 20))],
    ]
    labels = ["行政复议", "未经复议直 接起诉", "复议后起诉"]
    rows = [_row([label, *VALUES[5 * b : 5 * b + 5]], 30 + 10 * b) for b, label in enumerate(labels)]
    assert _find_t4(_doc([header, rows]), places=False).error is not None
    match = _find_t4(_doc([header, rows]))
    assert match.error is None
    assert [piece.text for piece in match.run] == VALUES
    # rows in another order than the template's are not read by place
    match = _find_t4(_doc([header, [rows[2], rows[0], rows[1]]]))
    assert match.error is not None and match.run is None


def test_a_header_cut_by_the_page_break_is_read_by_its_columns_pieces():
    """表四's lower header band cut by the page break: each result's first line ends the page (结果; over the
    litigation blocks in one cell the grid read over five columns, its rulings read as |), the rest of it opens
    the next page over the values (维持). What each column's pieces print, top to bottom, is its heading."""
    top = [("行政复议", (X[0], 0, X[5], 10)), ("行政诉讼", (X[5], 0, X[15], 10))]
    middle = [(r[:2], (X[i], 10, X[i + 1], 30)) for i, r in enumerate(RESULTS)]
    middle += [("未经复议直接起诉", (X[5], 10, X[10], 20)), ("复议后起诉", (X[10], 10, X[15], 20))]
    cut = [("", (X[i], 10, X[i + 1], 30)) for i in range(5)]
    cut += [("|".join(r[0] for r in RESULTS), (X[5 + 5 * b], 20, X[10 + 5 * b], 30)) for b in range(2)]
    # the next page's table stands a little to the right
    rest = [(r[2:], (X[i] + 3, 0, X[i + 1] + 3, 10)) for i, r in enumerate(RESULTS)]
    rest += [(r[1:], (X[5 + i] + 3, 0, X[6 + i] + 3, 10)) for i, r in enumerate(RESULTS * 2)]
    values = [(v, (X[i] + 3, 10, X[i + 1] + 3, 20)) for i, v in enumerate(VALUES)]
    doc = lambda: _doc([[top, middle, cut], [rest, values]])  # noqa: E731
    assert _find_t4(doc(), places=False).error is not None
    match = _find_t4(doc())
    assert match.error is None
    assert [piece.text for piece in match.run] == VALUES


def test_a_value_cell_read_over_two_columns_with_its_heading_stands_under_both():
    """The grid lost the ruling between two columns through the header and the values (复议后起诉's 结果纠正 and
    其他结果 read as one heading 结果其他结 定巢 over one value cell twice as wide): that cell stands under both
    columns, the two results its block's other three leave. Dashes alone read there, or one value read plausibly,
    may stand in either: each column is ambiguous with it and 0; a blank there is blank in both. Read as not sure
    at all (two values side by side read as one), the header is left unread."""
    from ogi.ocr.page import OcrToken
    from ogi.ocr.recognize import Reading

    review = [[("行政复议", (X[0], 0, X[5], 10))], _row(RESULTS, 10), _row(VALUES[:5], 20)]
    merged = (X[7], 20, X[9], 30)
    lower = _row(RESULTS * 2, 20)[:6] + [("结果其他结 定巢", merged)] + _row(RESULTS[3:], 20, first=9)
    for read, confidence, want in (("--", 0.0, {0}), ("4", 0.9, {0, 4}), ("", 1.0, None), ("41", 0.1, False)):
        values = _row(VALUES[5:11], 30) + [(read, (X[7], 30, X[9], 40))] + _row(VALUES[13:], 30, first=9)
        litigation = [
            [("行政诉讼", (X[0], 0, X[10], 10))],
            [("未经复议直接起诉", (X[0], 10, X[5], 20)), ("复议后起诉", (X[5], 10, X[10], 20))],
            lower,
            values,
        ]
        doc = _doc([review, litigation])
        index = next(i for i, ocr in doc.ocr_tokens.items() if ocr.box == (X[7], 30, X[9], 40))
        doc.ocr_tokens[index] = OcrToken(Reading(read, confidence, (), False), doc.ocr_tokens[index].box)
        match = _find_t4(doc)
        if want is False:
            assert match.error is not None
            continue
        assert match.error is None, read
        texts = [piece.text for piece in match.run]
        assert texts[:11] == VALUES[:11] and texts[13:] == VALUES[13:], read
        assert texts[11:13] == [read, read]
        if want is None:
            assert match.run_unsure == {}
        else:
            assert {place: {int(o) for o in options} for place, options in match.run_unsure.items()} == {
                11: want,
                12: want,
            }


def test_a_wide_column_whose_heading_is_unread_is_still_one_column():
    """行政复议's columns printed twice as wide as the lawsuits', one of its headings unread (结果xx), the header
    read out of its order (尚未审结 总计 merged over two bands): the header is read by place with each cell one
    column's, the unread heading the result its block's other four leave, never its cell taken as two
    columns' (which would leave the header unread)."""
    x = [0, 40, 80, 120, 160, 200] + [200 + 20 * i for i in range(1, 11)]
    upper, lower = [], []
    for b, lowest in enumerate((["结果维持", "结果xx", "其他结果"], RESULTS[:3], RESULTS[:3])):
        at = x[5 * b :]
        upper += [
            ("办理结果", (at[0], 0, at[3], 10)),
            ("尚未审结", (at[3], 0, at[4], 20)),
            ("总计", (at[4], 0, at[5], 20)),
        ]
        lower += [(text, (at[i], 10, at[i + 1], 20)) for i, text in enumerate(lowest)]
        lower += [("", (at[3], 0, at[4], 20)), ("", (at[4], 0, at[5], 20))]
    values = [(value, (x[i], 20, x[i + 1], 30)) for i, value in enumerate(VALUES)]
    match = _find_t4(_doc([[upper, lower, values]]))
    assert match.error is None
    assert [piece.text for piece in match.run] == VALUES and match.run_unsure == {}
