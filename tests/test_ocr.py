"""Scanned reports read by OCR: synthetic reports rendered with pinned fonts, rasterised and degraded as scans
are (tests/scans.py), read back cell by cell — every cell exact or flagged, never a silent wrong number; the
grid, the certainty rules and the labels on their own; scans without tables, mixed PDFs, OCR turned off, and
OCR run with no network at all."""

import io
import json
import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest
from ogi import cells as C
from ogi.extract import extract_bytes, extract_document
from ogi.ocr.page import OcrToken
from ogi.ocr.recognize import Reading
from ogi.readers import read_document

from tests.scans import Degradation, scan
from tests.synth import make_report, printed_kind, render_html, render_pdf

ROOT = Path(__file__).resolve().parent.parent

# (seed, t2 and t3 layout, font, how the scan is degraded): both layouts, both font families, 150-300 dpi,
# skew either way up to 2°, blur, faded ink, noise, specks, JPEG, a red seal over the tables
SCANS = {
    "2021-hei-150": (41, "2021", "wqy-microhei", Degradation(150, 1.7, 0.8, 0.3, 6, 2.0, 45, True)),
    "2019-ming-300": (42, "2019", "ar-pl-uming", Degradation(300, -1.2, 0.6, 0.2, 4, 1.0, 60, True)),
    "2021-ming-150": (43, "2021", "ar-pl-uming", Degradation(150, -2.0, 1.0, 0.4, 8, 2.5, 40, False)),
    "2019-hei-200": (44, "2019", "wqy-microhei", Degradation(200, 0.6, 0.5, 0.1, 3, 0.5, 70, True)),
    # specks under 表三 on page 1 read as a line of text (":"): the row the page break splits is joined all the same
    "2021-hei-150-specks": (902, "2021", "wqy-microhei", Degradation(150, 0.59, 0.58, 0.03, 9.4, 2.04, 69, True)),
}


def tally(report, synthetic) -> dict[str, list]:
    """Every cell of the synthetic report: read exactly, flagged (ambiguous or absent), or wrong."""
    out = {"exact": [], "flagged": [], "wrong": []}
    for table, rows in synthetic.values.items():
        for row, cols in rows.items():
            for col, value in cols.items():
                cell = report.tables.get(table, {}).get(row, {}).get(col)
                printed = synthetic.printed.get((table, row, col))
                where = (table, row, col, value, cell)
                if cell is None or cell.kind in (C.AMBIGUOUS, C.ABSENT):  # a table not found: all absent
                    out["flagged"].append(where)
                elif cell is not None and printed is not None and cell.kind == printed_kind(printed):
                    out["exact"].append(where)
                elif cell is not None and printed is None and cell.kind == C.NUMBER and cell.value == value:
                    out["exact"].append(where)
                else:
                    out["wrong"].append(where)
    return out


@pytest.fixture(scope="module")
def scanned(soffice) -> dict:
    """Per scan: the synthetic report, the scanned PDF, and what ogi reads from it."""
    out = {}
    for name, (seed, layout, font, how) in SCANS.items():
        synthetic = make_report(seed, layout, layout)
        data = scan(render_pdf(synthetic, font), how, seed)
        out[name] = (synthetic, data, extract_bytes(data, f"{name}.pdf"))
    return out


@pytest.mark.parametrize("name", sorted(SCANS))
def test_degraded_scan_every_cell_exact_or_flagged(scanned, name):
    synthetic, _data, report = scanned[name]
    assert report.status in ("ok", "partial"), report.error
    cells = tally(report, synthetic)
    assert cells["wrong"] == [], "a cell read as a sure value that is not the printed one"
    total = sum(len(v) for v in cells.values())
    assert len(cells["exact"]) >= 0.8 * total, f"{len(cells['exact'])} of {total} exact; {report.error}"
    # read by OCR, and said so: every page, the engine, each cell's page, box and confidence
    assert report.format == "pdf-ocr" and report.ocr["pages"] == list(range(1, report.pages + 1))
    assert any("read by OCR" in w for w in report.warnings)
    numbers = [
        c for rows in report.tables.values() for cols in rows.values() for c in cols.values() if c.kind == "number"
    ]
    assert all(c.confidence is not None and c.box is not None and c.page for c in numbers)
    assert {c.page for c in report.tables["t3"]["new_received"].values()} <= set(range(1, report.pages + 1))


def test_most_cells_of_the_degraded_scans_are_exact(scanned):
    exact = total = 0
    for synthetic, _data, report in scanned.values():
        cells = tally(report, synthetic)
        exact += len(cells["exact"])
        total += sum(len(v) for v in cells.values())
    assert exact >= 0.93 * total, f"{exact} of {total}"


def test_ambiguous_cells_name_the_printed_value(scanned):
    """Where a cell is flagged, the value printed there is among its candidates as a rule: the recogniser's
    other readings, the second reader's and the value its identities imply."""
    hits = total = 0
    for synthetic, _data, report in scanned.values():
        for table, rows in synthetic.values.items():
            for row, cols in rows.items():
                for col, value in cols.items():
                    cell = report.tables.get(table, {}).get(row, {}).get(col)
                    if cell is not None and cell.kind == C.AMBIGUOUS:
                        total += 1
                        hits += value in cell.candidates
    assert total == 0 or hits >= 0.5 * total


def test_text_report_with_a_scanned_table_page(soffice, scanned):
    """A text-layer report whose second page was scanned in: that page alone is read by OCR, in the same
    token stream (表三 runs on across the pages)."""
    import pypdf

    synthetic = make_report(45)
    text = render_pdf(synthetic)
    scanned_pdf = scan(text, Degradation(150, 1.0, 0.6, 0.2, 4, 1.0, 60, False), 45)
    writer = pypdf.PdfWriter()
    text_pages, scan_pages = pypdf.PdfReader(io.BytesIO(text)).pages, pypdf.PdfReader(io.BytesIO(scanned_pdf)).pages
    for i, page in enumerate(text_pages):
        writer.add_page(scan_pages[i] if i == 1 else page)
    buffer = io.BytesIO()
    writer.write(buffer)
    report = extract_bytes(buffer.getvalue(), "mixed.pdf")
    assert report.ocr["pages"] == [2]
    cells = tally(report, synthetic)
    assert cells["wrong"] == []
    assert len(cells["exact"]) >= 0.95 * sum(len(v) for v in cells.values()), report.error
    confidences = {c.confidence is None for rows in report.tables.values() for r in rows.values() for c in r.values()}
    assert confidences == {True, False}  # cells from the text layer and cells read by OCR


# the shared corpus's real text-layer PDFs, printed smaller and tighter than the synthetic reports, scanned
# faded and blurred: 003's 2932 lost its faint strokes to the binarisation, and a crop of what was left read
# 293 at 0.98; fainter still, 56 and a 2 left no ink the binarisation kept (sure blanks) and 103 read 10
REAL_SCAN = Degradation(150, -1.5, 0.8, 0.3, 8, 2.0, 45, False)
FAINTER = Degradation(150, 1.33, 0.85, 0.42, 3.3, 1.9, 76, False)
REAL_SCANS = [
    ("001_huaian_hongze_2023", REAL_SCAN, 7),
    ("002_huaian_hongze_2024", REAL_SCAN, 7),
    ("003_huaian_city_2024", REAL_SCAN, 7),
    ("003_huaian_city_2024", FAINTER, 2019),
]


@pytest.mark.parametrize("stem, how, seed", REAL_SCANS)
def test_scans_of_real_reports_have_every_cell_exact_or_flagged(stem, how, seed):
    from tests.corpus_compare import tally as tally_expected

    corpus = ROOT / "tests" / "data" / "corpus"
    report = extract_bytes(scan((corpus / "real" / f"{stem}.pdf").read_bytes(), how, seed), f"{stem}.pdf")
    cells = tally_expected(report, json.loads((corpus / "expected" / f"{stem}.expected.json").read_text()))
    assert cells["wrong"] == [], "a cell read as a sure value that is not the printed one"
    total = sum(len(v) for v in cells.values())
    assert len(cells["exact"]) >= 0.75 * total, f"{len(cells['exact'])} of {total} exact; {report.error}"


def test_a_faint_digit_in_pieces_is_a_mark_and_a_speck_is_not():
    """The bar and the stem of a small, faint 7 come apart, each no bigger than a speck: together they are
    as tall as a digit, so the cell is not a sure blank; a speck alone, or a ruling's remnant, is nothing."""
    from ogi.ocr.image import Page
    from ogi.ocr.layout import Box, faint_mark

    grey = np.full((40, 60), 255, np.uint8)
    page = Page(grey, np.zeros_like(grey), 150.0, 0.0)
    grey[:, 2:4] = 190  # a ruling's remnant
    grey[30:33, 40:43] = 150  # a speck
    assert faint_mark(grey, Box(0, 0, 60, 40), page, 13) is None
    grey[12:14, 24:31] = 205  # the bar of a 7
    grey[15:22, 27:29] = 205  # its stem, apart
    mark = faint_mark(grey, Box(0, 0, 60, 40), page, 13)
    assert mark is not None and mark.x0 <= 24 and mark.x1 >= 31 and mark.y0 <= 12 and mark.y1 >= 22


def test_a_value_is_read_with_the_faint_ink_beside_what_the_binarisation_kept():
    """Small, faded print: of 2932 the binarisation kept a stroke or two, and a crop around them holds 293.
    The line is widened to the faint ink beside it (not to a ruling's remnant, nor to another line), and a
    value that reads otherwise with it is that reading, unsure, with the narrower reading as an alternative."""
    from ogi.ocr.image import Page
    from ogi.ocr.layout import Box, with_faint_ink
    from ogi.ocr.page import UNSURE_WIDER, _with_faint_ink_read

    grey = np.full((60, 120), 255, np.uint8)
    grey[20:32, 30:70] = 185  # the value's faint ink
    grey[22:30, 50:56] = 60  # what the binarisation kept of it
    grey[:, 115:117] = 180  # a ruling's remnant at the cell's edge
    grey[45:52, 30:70] = 185  # a second line lower in the cell
    page = Page(grey, np.zeros_like(grey), 150.0, 0.0)
    wide = with_faint_ink(grey, Box(50, 22, 56, 30), Box(0, 0, 120, 60), page, 12)
    assert (wide.x0, wide.x1) == (30, 70) and wide.y0 == 20 and wide.y1 <= 36

    class Recogniser:
        def start(self, crops):
            return self

        def read(self, index, value=None):
            return Reading("2932", 0.97, (), True)

    crops = [np.zeros((5, 5), np.uint8), np.zeros((5, 5), np.uint8)]
    readings = [Reading("293", 0.98, (("203", 0.01),), True), Reading("2932", 0.99, (), True)]
    wider = {0: np.ones((5, 9), np.uint8), 1: np.ones((5, 9), np.uint8)}
    _with_faint_ink_read(readings, crops, wider, Recogniser())
    assert readings[0].text == "2932" and readings[0].confidence == UNSURE_WIDER
    assert ("293", 0.98) in readings[0].alternatives
    assert readings[1] == Reading("2932", 0.99, (), True)  # read alike: as sure as it was
    assert crops[0].shape == (5, 9)  # a second reader sees the wider crop


def test_a_label_in_faded_print_is_read_with_its_faint_ink():
    """Of a faded label (规章) the binarisation kept one character: that line read 规, one character, which a row
    of values then read again as a value (nothing), and the row had no label. Where the faint ink beside it
    reads as more words, that is the line's reading; a value's line, or a wider reading of a value, is not
    changed here (values have their own rule: `_with_faint_ink_read`)."""
    from ogi.ocr.page import _words_with_faint_ink

    class Recogniser:
        def start(self, crops):
            self.texts = [crop.shape[1] for crop in crops]
            return self

        def read(self, index, value=None):
            return {9: Reading("规章", 0.96), 8: Reading("12", 0.9, (), True)}[self.texts[index]]

    crops = [np.zeros((5, 5), np.uint8) for _ in range(3)]
    readings = [Reading("规", 0.99), Reading("1", 0.99, (), True), Reading("口", 0.8)]
    wider = {0: np.ones((5, 9), np.uint8), 1: np.ones((5, 9), np.uint8), 2: np.ones((5, 8), np.uint8)}
    _words_with_faint_ink(readings, crops, wider, Recogniser())
    assert readings[0].text == "规章" and crops[0].shape == (5, 9)
    assert readings[1] == Reading("1", 0.99, (), True) and crops[1].shape == (5, 5)
    assert readings[2] == Reading("口", 0.8) and crops[2].shape == (5, 5)  # wider reads a value: left as it was


def test_scanned_pages_without_tables_get_a_clear_status(soffice):
    import docx

    document = docx.Document()
    for i in range(25):
        document.add_paragraph(f"第{i + 1}段。本机关依法做好政府信息公开工作，加强组织领导，完善制度建设。" * 3)
    buffer = io.BytesIO()
    document.save(buffer)
    from ogi.readers.libreoffice import convert

    from tests import fonts

    prose = convert(buffer.getvalue(), ".docx", "pdf", env=fonts.render_env())
    report = extract_bytes(scan(prose, Degradation(150, 0.8, 0.5, 0.1, 3, 0.5, 70, True), 1), "notice.pdf")
    assert report.status == "error"
    assert "image-only PDF" in report.error and "no ruled table" in report.error and "notice.pdf" in report.error


def test_pdf_without_text_or_images():
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument.new()
    for _ in range(3):
        pdf.new_page(595, 842)
    buffer = io.BytesIO()
    pdf.save(buffer)
    report = extract_bytes(buffer.getvalue(), "blank.pdf")
    assert report.status == "error"
    assert "no text layer and no scanned image on its 3 pages" in report.error and "blank.pdf" in report.error


def test_scan_with_ocr_off_needs_ocr(scanned):
    _synthetic, data, _report = scanned["2021-hei-150"]
    report = extract_bytes(data, "scan.pdf", ocr=False)
    assert report.status == "needs_ocr"
    assert "OCR is off" in report.error and "scan.pdf" in report.error and report.tables == {}


def test_ocr_runs_offline(scanned, tmp_path):
    """Nothing is fetched at run time: a scan is read with every connection refused, no proxy and an empty
    home directory (no model cache to fall back on): the models come in the wheel and Debian's package."""
    _synthetic, data, _report = scanned["2019-hei-200"]
    (tmp_path / "scan.pdf").write_bytes(data)
    code = textwrap.dedent(f"""
        import json, socket
        tried = []
        def refuse(*args, **kwargs):
            tried.append(repr(args))
            raise OSError("network is off in this test")
        socket.socket.connect = socket.socket.connect_ex = refuse
        socket.create_connection = refuse
        socket.getaddrinfo = refuse
        from ogi.extract import extract_path
        report = extract_path({str(tmp_path / "scan.pdf")!r})
        print(json.dumps({{"status": report.status, "ocr": report.ocr, "tried": tried}}))
    """)
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path / "home"), "LANG": "C.UTF-8"}
    done = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:]
    result = json.loads(done.stdout.strip().splitlines()[-1])
    assert result["status"] in ("ok", "partial") and result["ocr"]["pages"] and result["tried"] == []
    # no model cached at home either (onnxruntime keeps a device id there, a few bytes)
    cached = [f for f in (tmp_path / "home").rglob("*") if f.is_file()]
    assert not [f for f in cached if f.suffix in (".onnx", ".traineddata", ".pdmodel", ".pdiparams")]
    assert sum(f.stat().st_size for f in cached) < 1_000_000


# --- the certainty rules, on a report whose cells are given readings directly ---------------------------------


def ocr_document(synthetic, confidence=0.99):
    """The report's HTML tokens, each cell given a reading of `confidence` as OCR would give it."""
    doc = read_document(render_html(synthetic).encode("utf-8"), "scan.pdf")
    for i, (kind, text) in enumerate(zip(doc.tokens.kinds, doc.tokens.texts)):
        if kind.name == "CELL":
            value = bool(text) and (text[0].isdigit() or text[0] in "-—/")
            doc.ocr_tokens[i] = OcrToken(Reading(text, confidence, (), value), (0.0, 0.0, 10.0, 10.0))
    doc.ocr_pages, doc.ocr_engine, doc.format = [1], "test", "pdf-ocr"
    return doc


def token_of(doc, synthetic, table, row, col) -> int:
    """The index of the token holding a cell: its row's label cell, then one cell per value."""
    label = synthetic.layout(table).row(row)
    start = next(i for i, t in enumerate(doc.tokens.texts) if label.label in t and doc.tokens.kinds[i].name == "CELL")
    return start + 1 + list(label.columns).index(col)


def misread(doc, index: int, text: str, confidence: float, alternatives=()) -> None:
    doc.tokens.texts[index] = text
    doc.ocr_tokens[index] = OcrToken(Reading(text, confidence, tuple(alternatives), True), (1.0, 2.0, 3.0, 4.0))


def cell_at(doc, table, row, col):
    return extract_document(doc).tables[table][row][col]


def nonzero_cell(synthetic) -> tuple[str, str, int]:
    for row, cols in synthetic.values["t3"].items():
        for col, value in cols.items():
            if col != "total" and value >= 2:
                return row, col, value
    raise AssertionError("no cell to misread")


def test_sure_readings_are_numbers_with_their_confidence():
    synthetic = make_report(50)
    report = extract_document(ocr_document(synthetic))
    cell = report.tables["t3"]["new_received"]["natural_person"]
    assert cell.kind == "number" and cell.value == synthetic.values["t3"]["new_received"]["natural_person"]
    assert cell.confidence == 0.99 and cell.box == (0.0, 0.0, 10.0, 10.0)


def test_reading_that_breaks_its_identities_is_ambiguous_when_another_reading_keeps_them():
    synthetic = make_report(51)
    row, col, value = nonzero_cell(synthetic)
    doc = ocr_document(synthetic)
    index = token_of(doc, synthetic, "t3", row, col)
    misread(doc, index, str(value + 6), 0.99, [(str(value), 0.008)])
    cell = cell_at(doc, "t3", row, col)
    assert cell.kind == "ambiguous" and sorted(cell.candidates) == [value, value + 6]
    assert cell.raw == str(value + 6)  # never corrected: the reading it holds stays its raw text


def test_sure_reading_that_breaks_its_identities_with_no_other_reading_stays_as_read():
    """Real reports break identities as printed; without another reading there is nothing to doubt it by,
    and the validation reports the break."""
    synthetic = make_report(52)
    row, col, value = nonzero_cell(synthetic)
    doc = ocr_document(synthetic)
    misread(doc, token_of(doc, synthetic, "t3", row, col), str(value + 6), 0.99)
    cell = cell_at(doc, "t3", row, col)
    assert cell.kind == "number" and cell.value == value + 6


def test_sure_reading_or_no_ink_with_digits_lost_is_ambiguous_where_its_identities_need_them():
    """Small, faded print loses digits whole: 103 reads 10 at 0.98, a thin 1 or all of 56 leaves no ink and the
    cell reads blank. Where the identities the cell is in hold with the value they imply, and the reading is
    that value with digits missing, the cell is ambiguous with both; a blank whose identities hold stays
    blank."""
    synthetic = make_report(55)
    row, col, value = next(
        (r, c, v) for r, cols in synthetic.values["t3"].items() for c, v in cols.items() if c != "total" and v >= 10
    )
    for text in (str(value)[:-1], ""):
        doc = ocr_document(synthetic)
        misread(doc, token_of(doc, synthetic, "t3", row, col), text, 1.0)
        cell = cell_at(doc, "t3", row, col)
        assert cell.kind == "ambiguous" and cell.candidates == [int(text or 0), value], (text, cell)
    zero = next((r, c) for r, cols in synthetic.values["t3"].items() for c, v in cols.items() if v == 0)
    doc = ocr_document(synthetic)
    misread(doc, token_of(doc, synthetic, "t3", *zero), "", 1.0)
    assert cell_at(doc, "t3", *zero).kind == "blank"


def test_unsure_reading_is_never_a_number():
    synthetic = make_report(53)
    row, col, value = nonzero_cell(synthetic)
    doc = ocr_document(synthetic)
    misread(doc, token_of(doc, synthetic, "t3", row, col), str(value), 0.3)
    cell = cell_at(doc, "t3", row, col)
    assert cell.kind == "ambiguous" and value in cell.candidates and cell.confidence == 0.3


def test_unsure_blank_dash_or_slash_has_zero_among_its_candidates():
    """A cell read as a slash, a dash or as nothing from ink, not sure: 0 is among its candidates (the model
    counts a blank, a dash or a slash as 0), beside the digits the recogniser's other readings spell; so is a
    blank cell with no reading of its own, a digit read where the recogniser allowed nothing at all, and any
    reading barely made (less than PLAUSIBLE: a speck read as a digit)."""
    synthetic = make_report(53)
    zero = next((r, c) for r, cols in synthetic.values["t3"].items() for c, v in cols.items() if v == 0)
    for text in ("/", "—", ""):
        doc = ocr_document(synthetic, confidence=0.3)  # no identity implies a value
        misread(doc, token_of(doc, synthetic, "t3", *zero), text, 0.3 if text else 0.0, [("1", 0.2)])
        cell = cell_at(doc, "t3", *zero)
        assert cell.kind == "ambiguous" and 0 in cell.candidates and 1 in cell.candidates, (text, cell)
    doc = ocr_document(synthetic, confidence=0.3)
    misread(doc, token_of(doc, synthetic, "t3", *zero), "9", 0.001, [("", 0.0005)])  # a speck read as 9
    assert 0 in cell_at(doc, "t3", *zero).candidates
    doc = ocr_document(synthetic, confidence=0.3)
    misread(doc, token_of(doc, synthetic, "t3", *zero), "5", 0.0007, [("9", 0.0005)])  # nothing but digits
    assert cell_at(doc, "t3", *zero).candidates == [0, 5, 9]
    doc = ocr_document(synthetic, confidence=0.3)
    index = token_of(doc, synthetic, "t3", *zero)
    doc.tokens.texts[index], doc.tokens.pages[index] = "", 1
    del doc.ocr_tokens[index]  # a blank with no reading of its own on a page read by OCR
    assert 0 in cell_at(doc, "t3", *zero).candidates


def test_a_value_whose_ink_was_lost_has_what_its_identities_imply_as_read_among_its_candidates():
    """A value whose digits were lost (under a seal, faint: 13 read as nothing, 29 as 9) is ambiguous; its
    candidates hold what its identities imply with their other cells as read, sure or not (here none is
    sure, so no identity's other cells are all settled): where those were read right, the printed value is
    among them. A candidate only: the cell stays ambiguous."""
    synthetic = make_report(53)
    row, col = next((r, c) for r, cols in synthetic.values["t3"].items() for c, v in cols.items() if v >= 2)
    printed = synthetic.values["t3"][row][col]
    for text, p in (("", 0.0), ("1", 0.004)):
        doc = ocr_document(synthetic, confidence=0.3)
        misread(doc, token_of(doc, synthetic, "t3", row, col), text, p, [("7", 0.001)])
        cell = cell_at(doc, "t3", row, col)
        assert cell.kind == "ambiguous" and printed in cell.candidates, (text, cell)


def test_plausible_dash_or_slash_is_not_confirmed_by_its_identities():
    """A dash or a slash counts as 0: identities that hold with it hold with a printed 0 or a blank as well, so
    they confirm no plausible dash (a faint 0 whose strokes were lost, read as a dash at 0.6, was a sure dash)."""
    synthetic = make_report(53)
    zero = next((r, c) for r, cols in synthetic.values["t3"].items() for c, v in cols.items() if v == 0)
    for text in ("—", "/"):
        doc = ocr_document(synthetic)
        misread(doc, token_of(doc, synthetic, "t3", *zero), text, 0.6)
        cell = cell_at(doc, "t3", *zero)
        assert cell.kind == "ambiguous" and 0 in cell.candidates, (text, cell)
        doc = ocr_document(synthetic)
        misread(doc, token_of(doc, synthetic, "t3", *zero), text, 0.99)
        assert cell_at(doc, "t3", *zero).kind in ("dash", "slash")


def test_plausible_reading_confirmed_by_its_identities_is_a_number():
    synthetic = make_report(54)
    row, col, value = nonzero_cell(synthetic)
    doc = ocr_document(synthetic)
    misread(doc, token_of(doc, synthetic, "t3", row, col), str(value), 0.7)
    assert cell_at(doc, "t3", row, col).kind == "number"
    misread(doc, token_of(doc, synthetic, "t3", row, col), str(value + 1), 0.7)
    cell = cell_at(doc, "t3", row, col)
    assert cell.kind == "ambiguous" and value in cell.candidates  # the value its row and columns imply


def test_plausible_reading_with_no_identity_to_confirm_it_is_ambiguous():
    synthetic = make_report(55)
    doc = ocr_document(synthetic)
    start = next(i for i, t in enumerate(doc.tokens.texts) if t == "行政许可")
    index = start + 1
    misread(doc, index, doc.tokens.texts[index], 0.8)
    assert cell_at(doc, "t2", "licensing", "decisions").kind == "ambiguous"


def test_cells_dataset_has_the_confidence():
    from ogi.tables_io import cells_table

    synthetic = make_report(56)
    table = cells_table([extract_document(ocr_document(synthetic, confidence=0.97))]).to_pandas()
    assert "confidence" in table.columns and (table["confidence"].round(2) == 0.97).all()


# --- the grid, the labels -------------------------------------------------------------------------------------


def test_grid_finds_rows_columns_and_merged_cells():
    """A ruled table drawn here: a header row, a cell merged across two rows, a cell merged across two
    columns, skewed and noisy: its cells are found, the merged ones once."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    dpi = 150
    image = np.full((900, 1200), 255, np.uint8)
    xs, ys = [100, 300, 500, 700, 1000], [100, 150, 230, 310, 360]
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    cv2.line(image, (xs[0] + 3, ys[2]), (xs[1] - 3, ys[2]), 255, 3)  # rows 1-2 of the first column: one cell
    for i, x in enumerate(xs):
        top = ys[0] if i not in (2,) else ys[1]  # the header's 2nd and 3rd columns are one cell
        cv2.line(image, (x, top), (x, ys[-1]), 0, 2)
    for x in xs[:-1]:
        for y1 in ys[1:]:
            cv2.putText(image, "12", (x + 10, y1 - 12), cv2.FONT_HERSHEY_SIMPLEX, 0.8, 0, 2)
    rotation = cv2.getRotationMatrix2D((600, 450), 1.5, 1.0)
    image = cv2.warpAffine(image, rotation, (1200, 900), borderValue=255)
    noise = np.random.default_rng(0).normal(0, 6, image.shape)
    image = np.clip(image + noise, 0, 255).astype(np.uint8)
    page = prepare(np.dstack([image] * 3), dpi)
    assert abs(page.skew - 1.5) < 0.2
    (table,) = find_tables(page)
    assert [len(row) for row in table.rows] == [3, 4, 4, 4]
    merged = [cell for cell in table.cells if cell.bands == 2]
    assert len(merged) == 1 and merged[0].band == 1
    assert len(table.cells) == 3 + 4 + 3 + 4


def test_misread_labels_are_set_right_only_when_one_label_fits():
    from ogi.ocr.lexicon import nearest_label
    from ogi.template import load_spec

    spec = load_spec()
    assert nearest_label("（一）子以公开", spec) == "(一)予以公开"
    assert (
        nearest_label("5.要求 行政机 关确认 或重新 出具己 获取信 息", spec) == "5.要求行政机关确认或重新出具已获取信息"
    )
    assert nearest_label("其他对夕管理服务 事项", spec) == "其他对外管理服务事项"
    assert nearest_label("2：没有 现成信 息需要 另行制 作", spec) == "2.没有现成信息需要另行制作"
    assert nearest_label("(一)予公开", spec) == "(一)予以公开"  # (三)不予公开 is two edits away
    assert nearest_label("本年废发件数", spec) is None  # 本年废止件数 or 本年制发件数: one edit from both
    assert nearest_label("行于 法案卷", spec) is None  # too far from any
    assert nearest_label("188", spec) is None
    # small print read two edits away: set right where no other label is within three more, and the item
    # number read is the label's
    assert nearest_label("1.属于国家私宝", spec) == "1.属于国家秘密"
    assert nearest_label("3.危及三安金一稳宽", spec) == "3.危及三安全一稳定"
    assert nearest_label("2.属于国家私宝", spec) is None


def test_a_scan_is_read_under_a_budget_of_its_own(scanned):
    """In the pipeline a scan is read in a worker process (ogi.workers) under OCR's budget, larger than a text
    report's; over it, the scan is stopped with the bound it passed (it goes to quarantine, the run goes on)."""
    from ogi.pipeline import ocr_step
    from ogi.sources import ExtractOptions
    from ogi.workers import Job, ReaderPool

    budget = ocr_step.budget(ExtractOptions(timeout_s=30, memory_mb=1024))
    assert (budget.timeout_s, budget.memory_mb) == (ocr_step.TIMEOUT_S, ocr_step.MEMORY_MB) == (600, 2048)
    _synthetic, data, _report = scanned["2019-hei-200"]
    job = Job("scan.pdf", data=data, ocr=True)
    with ReaderPool(ExtractOptions(timeout_s=1, memory_mb=2048)) as pool:
        assert pool.read(job).status == "timeout"
    with ReaderPool(ExtractOptions(timeout_s=120, memory_mb=300)) as pool:
        assert pool.read(job).status in ("memory", "error")
    with ReaderPool(budget) as pool:
        report = pool.read(job)
    assert report.status == "ok" and report.ocr["pages"] == [1, 2, 3]


def test_marks_and_page_numbers_outside_the_tables_are_no_lines_of_the_report():
    """Specks read as marks, and a page number in the margin, would stand between a table's last row and its
    continuation on the next page and keep the row the page break splits from being joined."""
    from ogi.ocr.layout import Box
    from ogi.ocr.page import furniture

    height = 1754  # an A4 page at 150 dpi
    body, foot = Box(100, 900, 400, 920), Box(800, 1690, 880, 1710)
    assert furniture(":", body, height) and furniture("'.", body, height) and furniture("", body, height)
    assert furniture("- 2 -", foot, height) and furniture("第2页", foot, height) and furniture("2/3", foot, height)
    assert not furniture("- 2 -", body, height)  # a number in the body is text
    assert not furniture("四、政府信息公开行政复议、行政诉讼情况", foot, height)
    assert not furniture("2023年，共收到申请241件。", body, height)


def test_specks_above_or_below_a_value_leave_it_sure():
    """A tall cell of 表三 (its label runs over several lines) holds its value on one line; specks or what a
    seal leaves lower in the cell are not a second value beside it, nor do they make the value unsure. Marks
    of a digit's height are, and a value line taller than a line of text may be a smudge."""
    from ogi.ocr.grid import Cell
    from ogi.ocr.image import Page
    from ogi.ocr.layout import Box
    from ogi.ocr.page import _joined, _not_one_value

    value = (Reading("0", 0.99, (), True), Box(10, 10, 21, 26))
    speck = (Reading("7", 0.6, (), True), Box(40, 60, 43, 67))
    digit = (Reading("3", 0.8, (), True), Box(40, 60, 51, 75))
    assert _joined([value, speck], 22).confidence == 0.99
    assert _joined([value, digit], 22).confidence < 0.95
    assert _joined([value, speck], 12).confidence < 0.95  # the "value" is taller than a line of text
    assert _joined([value, speck]).confidence < 0.95

    ink = np.zeros((120, 100), dtype=np.uint8)
    ink[10:26, 10:21] = 255  # the value
    ink[60:68, 40:50] = 255  # a mark lower in the cell
    page = Page(255 - ink, ink, 150.0, 0.0)
    cell = Cell(0, 0, 100, 120, 0)
    assert not _not_one_value(ink, cell, page, 22, Box(10, 10, 21, 26))
    assert _not_one_value(ink, cell, page, 22)
    ink[10:26, 60:70] = 255  # a second value beside the first: a ruling the grid missed
    assert _not_one_value(ink, cell, page, 22, Box(10, 10, 70, 26))


def test_a_value_printed_with_its_unit_is_read_as_a_value_with_it():
    """3个, 1559.5万元: a count or an amount with its unit after it is a value, decoded as one (decoded over the
    value characters alone, the unit had no symbol: 3个 read as 3 at 0.002, never sure). A unit alone is not."""
    from ogi.ocr.recognize import recognizer

    engine = recognizer()
    index = {ch: i for i, ch in enumerate(engine.alphabet)}

    def frames(text: str) -> np.ndarray:
        out = []
        for ch in text:
            frame = np.full(len(engine.alphabet), 1e-6, dtype=np.float32)
            frame[index[ch]] = 0.97
            out += [frame, np.eye(len(engine.alphabet), dtype=np.float32)[0]]
        return np.array(out)

    for text in ("3个", "1559.5万元", "12件"):
        reading = engine.decode(frames(text))
        assert reading.value and reading.text == text and reading.confidence > 0.7, reading
    assert engine.decode(frames("个"), True).text != "个"


def test_a_decimal_point_read_as_a_colon_is_a_decimal_point():
    from ogi.ocr.recognize import recognizer

    engine = recognizer()
    index = {ch: i for i, ch in enumerate(engine.alphabet)}
    frames = []
    for ch in "2063:54":
        frame = np.full(len(engine.alphabet), 1e-6, dtype=np.float32)
        frame[index[ch]] = 0.97
        frames += [frame, np.eye(len(engine.alphabet), dtype=np.float32)[0]]  # the symbol, then a blank
    reading = engine.decode(np.array(frames))
    assert reading.value and reading.text == "2063.54" and reading.confidence > 0.8


def test_specks_read_as_words_do_not_keep_a_row_split_by_the_page_break_apart():
    """The rest of a row the page break splits opens the next page: its label's last line, and in a value's
    column specks read as words nobody believes (好忆 at 0.04); the row is joined, its values stay."""
    from ogi.ocr.page import PageText
    from ogi.ocr.scanned import ScanResult
    from ogi.readers.document import CELL, ROW_END, TABLE_END, Token
    from ogi.readers.pdf import _join_split_row

    def row(texts, page):
        return [Token(CELL, text, page) for text in texts] + [Token(ROW_END, page=page)]

    previous = row(["4.保护 第三方", "10", "2"], 1) + [Token(TABLE_END, page=1)]
    rest = row(["合法权 益", "", "好忆"], 2) + row(["5.属于", "42", "1"], 2)
    readings = [Reading("合法权 益", 0.96), Reading("", 1.0), Reading("好忆", 0.04), None]
    readings += [Reading("5.属于", 0.95), Reading("42", 0.99, (), True), Reading("1", 0.99, (), True), None]
    ocr = [None if r is None else OcrToken(r, (0, 0, 1, 1)) for r in readings]
    scan = ScanResult({1: PageText(rest, ocr, 1, 0.0, 0.0)})
    joined = _join_split_row(previous, rest, scan.noise())
    assert [t.text for t in previous[:3]] == ["4.保护 第三方 合法权 益", "10", "2"]
    assert [t.text for t in joined if t.kind is CELL] == ["5.属于", "42", "1"]


def _ruled(xs, ys, verticals, size=(900, 1200)):
    """A page image with horizontal rulings at `ys` across xs[0]..xs[-1] and the `verticals` given as
    (x, y0, y1)."""
    import cv2

    image = np.full(size, 255, np.uint8)
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x, y0, y1 in verticals:
        cv2.line(image, (x, y0), (x, y1), 0, 2)
    return image


def test_grid_a_merged_cell_of_the_lower_of_two_tables_keeps_its_band():
    """Two tables one above the other, their side rulings in line (表二 and 表三 on one page), parted by a
    heading: a cell of the lower one merged across rows keeps its band (its text was lost: read as blank)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs = [100, 300, 500, 800]
    upper, lower = [100, 150, 200], [225, 275, 345, 415, 485]  # a heading's height apart
    verticals = [(x, upper[0], upper[-1]) for x in xs] + [(x, lower[0], lower[-1]) for x in xs]
    image = _ruled(xs, upper + lower, verticals)
    cv2.line(image, (xs[0] + 3, lower[2]), (xs[1] - 3, lower[2]), 255, 4)  # rows 1-2 of the first column: one cell
    page = prepare(np.dstack([image] * 3), 150)
    first, second = find_tables(page)
    assert len(first.rows) == 2 and len(second.rows) == 4
    (merged,) = [cell for cell in second.cells if cell.bands == 2]
    assert merged.band == 1 and merged in second.rows[1] and merged in second.rows[2]


def test_grid_a_column_stands_where_its_line_runs_not_where_strokes_beside_it_stand():
    """A column whose line starts part-way down the table (a group's labels beside their sub-labels), in
    line with short strokes of text in the tight rows above that pass for pieces of rulings: the column
    stands on its line, and the cells on either side of it are found."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 400, 600, 800], [100, 125, 150, 175, 200, 300, 400, 500]
    verticals = [(x, ys[0], ys[-1]) for x in xs]
    verticals += [(x, y0 + 1, y0 + 24) for x, y0 in ((194, 100), (196, 125), (198, 150), (196, 175))]
    verticals.append((200, ys[4], ys[-1]))  # the line between the group's label and its sub-labels
    page = prepare(np.dstack([_ruled(xs, ys, verticals)] * 3), 150)
    (table,) = find_tables(page)
    for band in (4, 5, 6):
        assert [round(cell.x0 / 10) for cell in table.rows[band]] == [10, 20, 40, 60], table.rows[band]


def test_grid_a_tight_row_keeps_the_border_its_label_is_printed_against():
    """A tight row (表三's （一）予以公开 between taller ones) whose label is printed close against the table's
    left border: the border, one line from the table's top to its foot, still parts the label's cell from
    the page (the row had no label cell, and the row was not found)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 180, 260, 285, 365, 445]
    image = _ruled(xs, ys, [(x, ys[0], ys[-1]) for x in xs])
    for y in ys[1:]:
        cv2.putText(image, "12", (xs[1] + 20, y - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)
    cv2.putText(image, "(1)III", (xs[0] + 3, ys[3] - 5), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)  # against the border
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[2]] == [10, 30, 50]


def test_grid_a_stroke_of_a_label_in_line_with_a_column_above_is_no_column():
    """Labels merged across two columns (（七）总计, 四、结转下年度继续办理) below rows where the columns are
    parted: a stroke of the labels' characters just beside where the parting ruling ends, running on through
    the ruling between the two labels, crossed by the character's bar, is no column (the label was read as
    two cells, and its row not found)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 200, 225, 275]
    verticals = [(x, ys[0], ys[-1]) for x in (100, 500, 700)] + [(300, ys[0], ys[1])]
    image = _ruled(xs, ys, verticals)
    cv2.line(image, (295, 204), (295, 237), 0, 2)  # 计's stroke, in line with the ruling above, touching 转's
    cv2.line(image, (289, 214), (301, 214), 0, 1)  # 计's bar across it
    cv2.line(image, (295, 255), (295, 272), 0, 2)  # 理's stroke, down to the foot
    cv2.line(image, (295, 238), (295, 254), 170, 1)  # the strokes of the label's two lines, blurred into one
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[1]] == [10, 50], table.rows[1]


def test_words_of_a_seal_in_a_column_of_values_are_read_as_a_value_not_believed_alone():
    """A seal's own words (民政 of its agency's name) read beside a value in 表三's column: the cell is read
    as a value, no surer than faint ink (its row was three values where seven are printed: partial). A
    label under the seal in a row of values stays words."""
    from ogi.ocr.grid import Cell, Table
    from ogi.ocr.layout import Box
    from ogi.ocr.page import _values_read_again

    table = Table(0, 0, 300, 120, [(0, 40), (40, 80), (80, 120)])
    table.rows = [[Cell(0, y, 100, y + 40, b), Cell(100, y, 200, y + 40, b)] for b, y in enumerate((0, 40, 80))]
    line = Box(0, 0, 10, 10)
    texts = ["1.属于", "3", "2.其他", "0", "3.危及", "0", "民政"]  # the last cell: 0, and the seal's 民政 below
    readings = [Reading(text, 0.98, (), text.isdigit()) for text in texts]
    parts = {(0, c): [(c, line)] for c in range(5)}
    parts[(0, 5)] = [(5, line), (6, line)]

    class Session:
        def read(self, i, value):
            return Reading("" if texts[i] == "民政" else texts[i], 0.3, (), True)

    sealed = {(0, 4), (0, 5)}  # the seal lies over the last row's label and value
    assert _values_read_again([table], parts, readings, Session(), sealed) == {(0, 5)}
    assert readings[6].value and readings[4].text == "3.危及" and not readings[4].value
    readings[6] = Reading("民政", 0.98)
    assert _values_read_again([table], parts, readings, Session(), set()) == set()
    assert not readings[6].value  # no seal there: words in a value's cell stay words
    readings[5] = Reading("本年", 0.98)
    assert _values_read_again([table], parts, readings, Session(), sealed) == set()
    assert not readings[5].value and not readings[6].value  # words alone under the seal: a header, words


def test_grid_a_ruling_a_seal_broke_just_above_a_ruling_it_broke_too_goes_on():
    """表四's last columns under a seal: the seal's strokes break a column's line a few pixels above the value
    row, and the rulings it would meet there, so that its lower piece meets none; in line with the line above,
    end to end, it goes on (the columns were lost: the header's cells merged, the header not known)."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 130, 238, 266]
    verticals = [(x, ys[0], ys[-1]) for x in (100, 300, 700)] + [(500, ys[1], ys[-1])]  # a header merged above
    image = _ruled(xs, ys, verticals)
    image[226:232, 497:504] = 255  # the seal's stroke across the column just above the value row
    for y in (ys[2], ys[3]):  # and across the rulings beside it
        image[y - 2 : y + 3, 470:497] = 255
        image[y - 2 : y + 3, 504:530] = 255
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[0]] == [10, 30]
    for band in (1, 2):
        assert [round(cell.x0 / 10) for cell in table.rows[band]] == [10, 30, 50], table.rows[band]


def test_grid_a_column_a_seal_broke_into_pieces_is_a_column():
    """A seal over 表四's last columns: where its strokes cross a column's line, and the rulings it meets, the
    lines are lost, so that no piece of the column touches a ruling nor runs as long as one. Pieces on one
    line whose gaps lie under the seal are the column (the header's cells merged: header not known); the
    header's cell merged above them stays one."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 130, 238, 266]
    verticals = [(x, ys[0], ys[-1]) for x in (100, 300, 700)] + [(500, ys[1], ys[-1])]
    rgb = np.dstack([_ruled(xs, ys, verticals)] * 3)
    for y0, y1 in ((150, 158), (196, 204), (232, 244), (262, 272)):  # the seal's strokes, the lines lost under them
        rgb[y0:y1, 470:530] = (225, 60, 60)
    page = prepare(rgb, 150)
    (table,) = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[0]] == [10, 30]
    for band in (1, 2):
        assert [round(cell.x0 / 10) for cell in table.rows[band]] == [10, 30, 50], table.rows[band]


def test_grid_a_border_the_faded_rulings_stop_short_of_belongs_to_the_table():
    """A faded scan of 表二: its rulings fade out before they reach the left border, which so touches none of
    them, and its labels are printed against that border, the top row's too. The border is the table's, and
    the label column is found (its labels were read as lines outside the table: every row unfound)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500], [100, 128, 156, 184, 212]
    image = np.full((900, 1200), 255, np.uint8)
    for y in ys:
        cv2.line(image, (150, y), (xs[-1], y), 0, 2)  # faded out before the left border
    for x in xs:
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    for y in ys[1:]:
        cv2.putText(image, "AB", (104, y - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)  # against the border
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    assert [[round(cell.x0 / 10) for cell in row] for row in table.rows] == [[10, 30]] * 4


def _ocr_tables(tables: list[list[list[tuple[str, tuple]]]], before: list[str] | tuple[str, ...] = ()):
    """A document of free lines (`before`) and OCR'd tables one after the other: rows of (text, box) cells; a
    cell merged over two bands has the same box in both, its text in the upper one (as ogi.ocr.page writes it)."""
    from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Document, Token, Tokens

    tokens, ocr = [Token(LINE, line, 1) for line in before], {}
    for rows in tables:
        for row in rows:
            for text, box in row:
                ocr[len(tokens)] = OcrToken(Reading(text, 0.9, (), text.isdigit()), box)
                tokens.append(Token(CELL, text, 1))
            tokens.append(Token(ROW_END, page=1))
        tokens.append(Token(TABLE_END, page=1))
    return Document("t4.pdf", "pdf-ocr", Tokens.of(tokens), pages=1, ocr_pages=[1], ocr_tokens=ocr)


def _ocr_table(rows: list[list[tuple[str, tuple]]], before: list[str] | tuple[str, ...] = ()):
    return _ocr_tables([rows], before)


def _t4_header(upper: list[str], lower: list[str], values: list[str]) -> list[list[tuple[str, tuple]]]:
    """表四's header as real reports print it: 行政复议 over its five results (merged down over two bands),
    行政诉讼 over 未经复议直接起诉 and 复议后起诉, their results in the band below; then the values."""
    x = [20 * i for i in range(16)]
    top = [("行政复议", (x[0], 0, x[5], 10)), ("行政诉讼", (x[5], 0, x[15], 10))]
    middle = [(text, (x[i], 10, x[i + 1], 30)) for i, text in enumerate(upper[:5])]
    middle += [(upper[5], (x[5], 10, x[10], 20)), (upper[6], (x[10], 10, x[15], 20))]
    bottom = [("", (x[i], 10, x[i + 1], 30)) for i in range(5)]
    bottom += [(text, (x[5 + i], 20, x[6 + i], 30)) for i, text in enumerate(lower)]
    return [top, middle, bottom, [(v, (x[i], 30, x[i + 1], 40)) for i, v in enumerate(values)]]


T4_VALUES = ["72", "64", "178", "37", "351", "13", "4", "8", "1", "26", "12", "1", "1", "6", "20"]


def _find_t4(doc):
    from ogi.grammar import Stream, find_t4
    from ogi.ocr.lexicon import set_labels_right
    from ogi.template import load_spec

    spec = load_spec()
    set_labels_right(doc, spec)
    return find_t4(Stream(doc.tokens, track=True), spec, 0)


def test_results_of_a_two_band_table_four_header_misread_are_set_right_by_their_place():
    """表四's first block's results merged down over the header's two bands, the others' in the lower band; OCR
    misread six of the fifteen, some past any one label (申结, oit): each block still reads at least two
    of its results in place, none reads as another result, so each is the result its place names."""
    upper = ["果 推持", "结果 纠正", "其他结 果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
    lower = [
        "结果. 雅行",
        "结果纠正",
        "其他 结果",
        "申结",
        "oit",
        "结果 维持",
        "果 州正",
        "其他 结果",
        "来市 结",
        "总计",
    ]
    match = _find_t4(_ocr_table(_t4_header(upper, lower, T4_VALUES)))
    assert match.error is None
    assert [piece.text for piece in match.run] == T4_VALUES


def test_table_four_header_in_another_order_or_half_read_is_reported():
    """Results read in another order than the template's (总计 first) are not read as if in its order; a header
    over two bands whose lower band is not read (fewer than two results in place in a block) is not taken for
    blocks printed as rows (未经复议直接起诉 复议后起诉 side by side after the results): both are reported."""
    upper = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计", "未经复议直接起诉", "复议后起诉"]
    reordered = [
        "总计",
        "结果纠正",
        "其他结果",
        "尚未审结",
        "结果 推持",
        *["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"],
    ]
    unread = ["果 推持", "结正", "其他 结果", "申结", "oit", *reordered[5:]]
    for lower in (reordered, unread):
        match = _find_t4(_ocr_table(_t4_header(upper, lower, T4_VALUES)))
        assert match.error is not None and "header is printed in a way not known" in match.error
        assert match.run is None


def test_table_four_title_with_its_comma_read_as_a_full_stop_is_its_title():
    """OCR reads the title's 、 as 。 (行政复议。行政诉讼情况): the title is still the title, and the header
    after it is read, not cut off at 行政复议."""
    results = ["结果维持", "结果纠正", "其他结果", "尚未审结", "总计"] * 3
    x = [20 * i for i in range(16)]
    rows = [
        [("行政复议", (x[0], 0, x[5], 10)), ("行政诉讼", (x[5], 0, x[15], 10))],
        [(text, (x[i], 10, x[i + 1], 20)) for i, text in enumerate(results)],
        [(v, (x[i], 20, x[i + 1], 30)) for i, v in enumerate(T4_VALUES)],
    ]
    match = _find_t4(_ocr_table(rows, before=["四、政府信息公开行政复议。行政诉讼情况"]))
    assert match.error is None
    assert [piece.text for piece in match.run] == T4_VALUES


def test_a_value_is_read_twice_and_sure_only_where_both_readings_agree():
    """Each value's line is read again cut close around its ink (its digits as tall in the recogniser's
    input as a detected line of text is); the two readings are one: the surer of the two where they read
    alike, averaged where they differ, which never reaches sure."""
    from ogi.ocr.certainty import SURE
    from ogi.ocr.layout import Box
    from ogi.ocr.second_look import agreed, close_crop

    assert close_crop(np.full((100, 100), 255, np.uint8), Box(40, 40, 60, 52), 6).shape == (12 + 2 * 3, 20 + 2 * 6)
    both = agreed(Reading("7", 0.63, (("", 0.09),), True), Reading("7", 0.99, (("1", 0.01),), True))
    assert (both.text, both.confidence, both.value) == ("7", 0.99, True)
    apart = agreed(Reading("5", 0.97, (("25", 0.02),), True), Reading("25", 0.93, (("5", 0.05),), True))
    assert apart.confidence < SURE and {apart.text, *(t for t, _ in apart.alternatives)} >= {"5", "25"}
    assert agreed(Reading("0", 1.0, (), True), Reading("6", 0.96, (), True)).confidence < SURE


def test_each_value_line_is_looked_at_closely_and_believed_only_where_the_looks_agree():
    """Each value's line, read as a value, is read again cut close; a sure 5 that reads 25 close up is not
    sure, a 7 read at 0.63 that reads 7 at 0.99 close up is sure, and a reading its wider crop made unsure
    stays as unsure however the close look reads it. Words are not looked at again."""
    from ogi.ocr.certainty import SURE
    from ogi.ocr.layout import Box
    from ogi.ocr.page import UNSURE_WIDER, _look_again

    close_up = {0: "25", 1: "7", 2: "2932"}
    seen = []

    class Recogniser:
        def start(self, crops):
            seen.extend(crop.shape for crop in crops)
            return self

        def read(self, index, value=None):
            return Reading(close_up[index], 0.99, (), True)

    readings = [
        Reading("5", 0.97, (), True),
        Reading("7", 0.63, (("", 0.09),), True),
        Reading("2932", UNSURE_WIDER, (("293", 0.98),), True),
        Reading("合计", 0.99),
    ]
    lines = {i: Box(20, 20, 32, 32) for i in range(4)}
    _look_again(np.full((60, 60), 255, np.uint8), lines, readings, Recogniser(), 6, {2})
    assert len(seen) == 3 and seen[0] == (12 + 2 * 3, 12 + 2 * 6)
    assert readings[0].confidence < SURE and readings[1] == Reading("7", 0.99, (("", 0.045),), True)
    assert readings[2].text == "2932" and readings[2].confidence == UNSURE_WIDER
    assert readings[3] == Reading("合计", 0.99)


def test_grid_a_last_row_printed_without_its_bottom_ruling_is_a_row():
    """A table the page break cuts after a row whose lower border is drawn on no page (表三's 2.没有现成信息需要
    另行制作 at a page's foot): its columns run on past the last ruling and end together; that band is a row,
    its cells parted by them (its values were read as a line outside the table, run together into 3000003).
    The same at a table's head, on the next page. Columns that only overshoot the foot by a few pixels make no
    row."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 400, 500, 600], [100, 130, 160]

    def table(foot: int, head: int = ys[0]):
        image = _ruled(xs, ys, [(x, head, foot) for x in xs])
        for x in xs[:-1]:
            for y in (98, 128, 158, 183):
                cv2.putText(image, "3", (x + 20, y - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)
        (found,) = find_tables(prepare(np.dstack([image] * 3), 150))
        return found

    cut = table(190)
    assert len(cut.rows) == 3 and abs(cut.y1 - 190) <= 2
    assert [round(cell.x0 / 10) for cell in cut.rows[2]] == [10, 30, 40, 50]
    assert len(table(ys[-1] + 4).rows) == 2
    cut = table(ys[-1], head=70)  # the first row on the next page, printed without its top ruling
    assert len(cut.rows) == 3 and abs(cut.y0 - 70) <= 2
    assert [round(cell.x0 / 10) for cell in cut.rows[0]] == [10, 30, 40, 50]


def test_grid_a_column_runs_on_through_a_ruling_where_a_seal_took_its_ink():
    """A seal's strokes over the crossing of two rulings take the black under them when the red is taken out:
    the column's ink breaks for a few pixels there, and a tight row under it lost that column (its values
    were read as one cell). Where the seal lay and a faint line runs on, the column runs through."""
    from ogi.ocr.grid import Rulings, _continues_through

    ink = np.zeros((60, 40), np.uint8)
    ink[:, 20] = 255  # the column
    ink[30, :] = 255  # the ruling it crosses
    ink[28:33, 18:23] = 0  # taken with the seal's stroke
    faint = np.zeros_like(ink)
    faint[:, 19:22] = 255
    sealed = np.zeros_like(ink)
    sealed[26:35, 10:30] = 255
    empty = np.zeros_like(ink)
    under_seal = Rulings(empty, empty, [], [], empty, faint, ink, sealed)
    assert _continues_through(under_seal, 20, 30, 2, 2)
    assert not _continues_through(Rulings(empty, empty, [], [], empty, faint, ink, None), 20, 30, 2, 2)
    assert not _continues_through(Rulings(empty, empty, [], [], empty, empty, ink, sealed), 20, 30, 2, 2)


def test_grid_a_speck_against_a_column_in_a_tight_row_is_no_text():
    """A tight table (表二's 规章 row, a line of text tall) whose column ends part-way down, with a speck of
    dust touching the column in one row: the speck is no text beside it, and the column parts the cells of
    every row it crosses (its rows' values were read as one cell, and the row short of a value)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 128, 156, 184, 212, 240]
    verticals = [(x, ys[0], ys[-1]) for x in (100, 300, 700)] + [(500, ys[0], ys[3])]
    image = _ruled(xs, ys, verticals)
    for y in ys[1:]:
        for x in (xs[0], xs[1], xs[2]):
            cv2.putText(image, "47", (x + 12, y - 7), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 1)
    cv2.circle(image, (496, 142), 3, 0, -1)  # dust against the column in the middle row
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    for band in (0, 1, 2):
        assert [round(cell.x0 / 10) for cell in table.rows[band]] == [10, 30, 50], table.rows[band]
    assert [round(cell.x0 / 10) for cell in table.rows[3]] == [10, 30]


def test_a_minus_sign_a_little_apart_from_its_digit_is_kept():
    """A faded 本年增/减 value -1 whose minus sign stands a few pixels apart from the 1, small as a speck: it is
    part of the value's line (the line was cut to the 1, read as 1: a silent wrong number). A speck of the
    same size, round, stays out, and so does a dash level with the digit's top or far from it."""
    from ogi.ocr.image import Page
    from ogi.ocr.layout import Box, text_lines

    ink = np.zeros((40, 120), dtype=np.uint8)
    ink[10:28, 40:43] = 255  # the 1
    ink[18:21, 30:36] = 255  # its minus sign, four pixels to its left
    ink[12:15, 80:86] = 255  # a dash level with the 1's top, far from it
    ink[17:21, 60:64] = 255  # a round speck to its right
    page = Page(255 - ink, ink, 150.0, 0.0)
    assert text_lines(ink, Box(0, 0, 120, 40), page, 18) == [Box(30, 10, 43, 28)]


def test_grid_a_column_lost_down_to_the_heading_below_its_table_is_bridged():
    """Two tables one above the other, their side rulings in line and a heading between them (表三 and 表四 on
    one page): a column of the upper one whose line is broken in its last rows (a seal over them) is bridged
    as it is at a table's foot; the heading's band, which no column crosses, ends the run (the run went on
    into the lower table, where the column is not, and the upper table's last rows lost it: 0 and 2 read as
    one value 02)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs = [100, 300, 500, 700]
    upper, lower = [100, 150, 200, 250], [275, 325, 375]
    verticals = [(x, upper[0], upper[-1]) for x in (100, 300, 700)] + [(500, upper[0], upper[1])]
    verticals += [(x, lower[0], lower[-1]) for x in (100, 700)]
    image = _ruled(xs, upper + lower, verticals)
    for y in range(upper[1], upper[-1], 9):  # the column's line in the last rows, broken
        cv2.line(image, (500, y), (500, y + 3), 0, 1)
    for y in upper[1:] + lower[1:]:
        for x in xs[:-1]:
            cv2.putText(image, "12", (x + 20, y - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)
    page = prepare(np.dstack([image] * 3), 150)
    first, second = find_tables(page)
    assert [[round(cell.x0 / 10) for cell in row] for row in first.rows] == [[10, 30, 50]] * 3
    assert [[round(cell.x0 / 10) for cell in row] for row in second.rows] == [[10]] * 2


def test_grid_a_stretch_of_a_ruling_broken_off_short_of_the_border_is_the_ruling():
    """表四's header under its heading row: the ruling between them, touched by text from above and below, is
    found in two stretches a few pixels apart, the shorter meeting no column at either end (it stops short of
    the border). It goes on from the longer one, on its line: it is the ruling, and the header's column that
    meets only that stretch of it is a column (the header's first two cells were read as one, 结结果果纠)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import Page, binarise

    image = np.full((400, 900), 255, np.uint8)
    for y in (100, 198):
        cv2.line(image, (100, y), (700, y), 0, 2)
    cv2.line(image, (120, 125), (259, 125), 0, 2)  # the ruling under the heading, in two stretches
    cv2.line(image, (266, 125), (700, 125), 0, 2)
    for x in (100, 700):
        cv2.line(image, (x, 100), (x, 198), 0, 2)
    for x in (236, 300, 500):  # the header's columns, shorter than a ruling is on its length
        cv2.line(image, (x, 125), (x, 198), 0, 2)
    for x in (110, 250, 320, 520):
        cv2.putText(image, "3", (x, 160), cv2.FONT_HERSHEY_SIMPLEX, 0.5, 0, 1)
    image = cv2.GaussianBlur(image, (0, 0), 0.8)
    (table,) = find_tables(Page(image, binarise(image, 150), 150.0, 0.0))
    assert [round(cell.x0 / 10) for cell in table.rows[1]] == [10, 24, 30, 50]


def test_a_value_a_seal_runs_through_is_not_sure():
    """Where a seal's ring crosses a value, taking the red away takes the strokes under it too: what is left of
    a 0 reads as a sure 6. Such a value is believed no more than faint ink; one the seal lies beside is not."""
    from ogi.ocr.image import Page
    from ogi.ocr.layout import Box
    from ogi.ocr.page import _values_under_seal

    grey = np.full((100, 200), 255, np.uint8)
    sealed = np.zeros_like(grey)
    sealed[10:60, 20:24] = 255  # the ring, through the first value's line
    page = Page(grey, np.zeros_like(grey), 150.0, 0.0, sealed)
    parts = {(0, 0): [(0, Box(15, 20, 30, 35))], (0, 1): [(1, Box(60, 20, 75, 35))], (0, 2): [(2, Box(10, 40, 40, 55))]}
    readings = {
        (0, 0): Reading("6", 0.98, (), True),
        (0, 1): Reading("6", 0.98, (), True),
        (0, 2): Reading("合计", 0.9),
    }
    assert _values_under_seal(parts, readings, page) == {(0, 0)}


def test_a_value_read_without_the_dash_printed_before_it_is_not_sure():
    """The recogniser can read -3 as a sure 3 (a small minus sign on a faded scan). A line whose leftmost ink
    is a short level stroke about its middle, apart from the digits, begins with a dash; a speck does not."""
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import leading_dash

    ink = np.zeros((20, 40), np.uint8)
    ink[2:18, 14:24] = 255  # the digit
    line = Box(0, 0, 40, 20)
    assert not leading_dash(ink, line)
    ink[9:11, 8:10] = 255  # a speck before it
    assert not leading_dash(ink, line)
    ink[9:12, 3:10] = 255  # a minus sign
    assert leading_dash(ink, line)
    ink[9:13, 3:15] = 255  # a thick one, the blur joining it to the digit (-3项 read as a sure 3项)
    assert leading_dash(ink, line)
    ink[:] = 0
    ink[2:18, 14:24] = 255
    ink[2:5, 8:14] = 255  # a 7's bar
    assert not leading_dash(ink, line)


def test_a_line_as_small_as_a_speck_is_no_digit_but_a_dash_may_be():
    """A hollow speck alone in a blank cell reads as 0 at 0.6; its identities hold with 0 as with the blank,
    and confirmed it: a silent wrong number. A line lower than a digit can be is a speck, unless it is flat."""
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import speck_line

    assert speck_line(Box(10, 10, 16, 16), 20)  # a speck
    assert not speck_line(Box(10, 10, 20, 24), 20)  # a digit
    assert not speck_line(Box(10, 10, 20, 13), 20)  # a dash


def test_a_minus_sign_too_faint_for_the_binarisation_is_seen_in_the_traces_of_ink():
    """A faded -0: the page's binarisation kept the 0, not its thin minus sign, and the line was cut to the 0
    (read as a sure 0). The traces of ink a character's width before the line begin with the minus sign."""
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import faint_leading_dash

    grey = np.full((30, 80), 250, np.uint8)
    grey[6:24, 40:50] = 60
    grey[9:21, 43:47] = 250  # the 0, as the binarisation kept it
    line = Box(40, 6, 50, 24)
    assert not faint_leading_dash(grey, line, 18)
    grey[14:16, 30:37] = 200  # its minus sign, faint
    assert faint_leading_dash(grey, line, 18)


def test_ink_shaped_as_a_dash_or_a_slash_is_that_mark_whatever_digit_it_reads_as():
    """A zero printed as a dash or a slash reads as a sure digit (a bar as 2, a slash as 7 or 1): ink that is
    one flat bar far lower than the digits, or one thin straight stroke rising to the right, is the mark,
    sure where the recogniser allowed it, not sure otherwise. A 1 stands upright, a 7 has its bar."""
    import cv2
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import DASH, SLASH, mark_shape
    from ogi.ocr.page import _as_marked

    def drawn(*strokes) -> np.ndarray:
        ink = np.zeros((40, 60), np.uint8)
        for a, b in strokes:
            cv2.line(ink, a, b, 255, 2)
        return ink

    line = Box(0, 0, 60, 40)
    assert mark_shape(drawn(((20, 20), (28, 20))), line, 22) == DASH
    assert mark_shape(drawn(((10, 20), (18, 20)), ((21, 21), (27, 21)), ((30, 20), (40, 20))), line, 22) == DASH
    assert mark_shape(drawn(((18, 30), (34, 8))), line, 22) == SLASH  # ／
    assert mark_shape(drawn(((24, 30), (30, 10))), line, 22) == SLASH  # /
    tip_cut = drawn(((12, 36), (30, 8)))
    tip_cut[3:6, 31:36] = 255  # ／ touching its cell's top: the ruling's removal cut its tip off (read as a sure 7)
    assert mark_shape(tip_cut, line, 22) == SLASH
    broken_bar = drawn(((14, 8), (24, 8)), ((32, 10), (22, 30)))  # a 7 whose bar the binarisation parted
    assert mark_shape(broken_bar, line, 22) is None
    with_speck = drawn(((10, 12), (40, 12)))
    with_speck[18:22, 30:34] = 255  # a speck the line took in below the dash
    assert mark_shape(with_speck, line, 22) == DASH
    assert mark_shape(drawn(((26, 30), (27, 10))), line, 22) is None  # 1
    assert mark_shape(drawn(((18, 10), (32, 10)), ((32, 10), (22, 30))), line, 22) is None  # 7
    assert mark_shape(drawn(((10, 20), (16, 20)), ((26, 30), (27, 10))), line, 22) is None  # -1
    slash = [(0, line)]
    readings = [Reading("", 1.0)]
    paper = np.full((40, 60), 250, np.uint8)
    read = _as_marked(Reading("7", 0.98, (("/", 0.01),), True), drawn(((18, 30), (34, 8))), paper, slash, readings, 22)
    assert read.text == "/" and read.confidence >= 0.95 and ("7", 0.98) in read.alternatives
    read = _as_marked(Reading("2", 0.997, (), True), drawn(((20, 20), (28, 20))), paper, slash, readings, 22)
    assert read.text == "-" and read.confidence < 0.5 and read.alternatives == (("2", 0.997),)
    assert _as_marked(Reading("1", 0.99, (), True), drawn(((26, 30), (27, 10))), paper, slash, readings, 22).text == "1"
    read = _as_marked(Reading("二", 0.47), drawn(((20, 20), (32, 20))), paper, slash, readings, 22)
    assert read.text == "-" and read.confidence >= 0.95  # a dash read as no digit
    hyphen = [(0, Box(19, 19, 27, 22))]
    assert _as_marked(Reading("", 0.9), drawn(((20, 20), (25, 20))), paper, hyphen, readings, 22).confidence < 0.5
    ink = drawn(((10, 10), (17, 10)))
    ink[30:36, 40:46] = 255  # a speck below the dash, taller: the cell's reading is the speck's
    lines = [(0, Box(9, 9, 19, 12)), (1, Box(40, 30, 46, 36))]
    read = _as_marked(
        Reading("0", 0.6, (), True), ink, paper, lines, [Reading("-", 0.7, (), True), Reading("0", 0.6)], 22
    )
    assert read.text == "-" and read.confidence >= 0.95


def _blurred_cell(shape: tuple[int, int], *marks) -> tuple[np.ndarray, np.ndarray]:
    """A cell of paper with `marks` drawn on it (each a function of the grey image), blurred as a scan is: its
    ink (binarised) and its grey."""
    import cv2

    grey = np.full(shape, 250, np.uint8)
    for mark in marks:
        mark(grey)
    grey = cv2.GaussianBlur(grey, (0, 0), 0.8)
    return np.where(grey < 180, 255, 0).astype(np.uint8), grey


def test_a_hyphen_alone_in_a_cell_is_a_dash_not_a_speck():
    """A hyphen printed for a zero is as small as a speck, and the blur makes its binary piece nearly square:
    taken away with the specks, the cell read as a sure blank. A small piece wider than tall in its shades of
    grey is the cell's line (a dash); a round speck is not, nor is a ruling's remnant at the cell's edge."""
    import cv2
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import among_specks, lone_dash

    def cell(*marks) -> tuple[np.ndarray, np.ndarray]:
        return _blurred_cell((50, 100), *marks)

    box = Box(0, 0, 100, 50)
    hyphen = lambda g: cv2.line(g, (10, 12), (14, 12), 60, 2)  # noqa: E731
    speck = lambda g: cv2.circle(g, (60, 35), 2, 60, -1)  # noqa: E731
    assert lone_dash(*cell(hyphen, speck), box, 21) is not None
    assert lone_dash(*cell(speck), box, 21) is None
    assert lone_dash(*cell(lambda g: cv2.line(g, (0, 20), (0, 30), 60, 2)), box, 21) is None
    # among specks as big, the level piece may be a speck too (JPEG draws dots wider than tall): not sure
    alone, speckled = cell(hyphen), cell(hyphen, speck)
    assert not among_specks(alone[0], box, lone_dash(*alone, box, 21))
    assert among_specks(speckled[0], box, lone_dash(*speckled, box, 21))


def test_a_number_with_its_unit_wrapped_under_it_is_read_from_the_number_not_sure():
    """A narrow cell prints 3个 as 3 over 个: the taller line, 个, reads as no value at all, and the cell was read
    as nothing. The line that reads as a value is the reading, not sure (its identities must confirm it)."""
    from ogi.ocr.layout import Box
    from ogi.ocr.page import _joined

    number = (Reading("3", 0.99, (), True), Box(10, 10, 20, 26))
    unit = (Reading("", 0.8, (), True), Box(8, 30, 28, 50))
    reading = _joined([number, unit], 22)
    assert reading.text == "3" and 0.5 <= reading.confidence < 0.95


def test_a_bar_that_is_what_is_left_of_a_faint_digit_is_no_sure_dash():
    """Of a faint 2 the page's binarisation may keep its base alone: a flat bar, a dash by its shape. The faint
    ink about it (its traces) is more than the bar: neither the dash nor the recogniser's digit is sure."""
    import cv2
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import faint_strokes

    grey = np.full((60, 60), 253, np.uint8)
    cv2.line(grey, (24, 36), (34, 36), 120, 2)  # the base the binarisation kept
    line = Box(24, 35, 35, 38)
    assert not faint_strokes(grey, line, 14)  # a dash
    cv2.ellipse(grey, (29, 27), (5, 5), 0, 180, 400, 210, 2)  # the 2's bowl, faint
    cv2.line(grey, (33, 30), (24, 36), 210, 2)
    assert faint_strokes(grey, line, 14)


def test_grid_strokes_in_line_across_one_row_are_no_column():
    """A label's characters whose strokes line up across its row (对 over 项 in a label on two lines, under
    a column of the table nowhere else): no column parts the label's cell, which would move the row's
    values a column on (行政处罚's 3 read in the next column). A group of two rows with columns of its own
    (表二's 本年制发件数 | 本年废止件数 | 现行有效件数 over 规范性文件) keeps them."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 150, 200, 250, 300, 325, 350, 400]
    verticals = [(x, ys[0], ys[4]) for x in xs] + [(200, ys[1] + 1, ys[2] - 1)]
    verticals += [(x, ys[4], ys[6]) for x in (100, 250, 450, 700)] + [(x, ys[6], ys[7]) for x in (100, 300, 700)]
    page = prepare(np.dstack([_ruled(xs, ys, verticals)] * 3), 150)
    (table,) = find_tables(page)
    columns = [[round(cell.x0 / 10) for cell in row] for row in table.rows]
    assert columns == [[10, 30, 50]] * 4 + [[10, 25, 45]] * 2 + [[10, 30]], columns


def test_grid_two_strays_in_one_row_are_judged_together():
    """Two strokes of one word in line across the same two rows, closer together than any cell is wide:
    each stray is judged with the other left out (each kept the other, the rows' columns differing from
    their neighbours' by it), and a group's own columns two rows long stay."""
    from ogi.ocr.grid import Segment, _without_strays

    def column(x):
        return [Segment(0, x, 0, 1)]

    bands = [(y, y + 25) for y in range(0, 200, 25)]
    columns = [column(x) for x in (100, 264, 275, 300, 410, 700, 1100)]
    strays = [0, 0, 0, 1, 1, 0, 0, 0]
    group = [0] * 6 + [1, 1]  # the last two rows: a header and its row, with columns of their own
    crossed = [[1] * 8, strays, list(strays), group, [1] * 6 + [0, 0], list(group), [1] * 8]
    _without_strays(crossed, columns, bands, 22, 45)
    assert [any(flags) for flags in crossed] == [True, False, False, True, True, True, True]


def test_grid_strokes_of_text_touching_a_missing_ruling_do_not_part_a_merged_cell():
    """表四's header: 结 over 果维持 in a cell of two bands, where the ruling under the other half's headings
    (未经复议直接起诉) runs on the same line: the strokes of the characters above and below the line, a few
    pixels off it, are no ruling, and the cell is one (结 and 果维持 were read as two cells)."""
    import cv2
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700], [100, 150, 200, 250]
    image = _ruled(xs, [100, 200, 250], [(x, ys[0], ys[-1]) for x in xs])
    cv2.line(image, (300, 150), (700, 150), 0, 2)  # the ruling under the right half's headings only
    for x in range(120, 290, 30):  # strokes of characters touching the line's place from above and below
        cv2.line(image, (x, 145), (x + 18, 145), 0, 2)
        cv2.line(image, (x + 5, 155), (x + 20, 155), 0, 2)
    page = prepare(np.dstack([image] * 3), 150)
    (table,) = find_tables(page)
    (merged,) = [cell for cell in table.cells if cell.bands == 2]
    assert (round(merged.x0 / 10), merged.band) == (10, 0)


def test_grid_a_one_line_row_at_the_table_foot_under_a_heading_keeps_its_columns():
    """表三's last row on a page, one line tall (1．信访 under （五）不予处理, a heading across the table): its
    columns have no row of columns above or below to run on into, as a stroke of text reaching across a tight
    row has none, but they stand in line with the table's columns (the row was read as one cell of text, its
    values lost, and the rest of its label on the next page taken for the row, with sure blanks)."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, ys = [100, 300, 500, 700, 900], [100, 160, 220, 245, 270]
    verticals = [(x, ys[0], ys[-1]) for x in (100, 900)]
    verticals += [(x, y0, y1) for x in (300, 500, 700) for y0, y1 in ((ys[0], ys[2]), (ys[3], ys[4]))]
    page = prepare(np.dstack([_ruled(xs, ys, verticals)] * 3), 150)
    (table,) = find_tables(page)
    columns = [[round(cell.x0 / 10) for cell in row] for row in table.rows]
    assert columns == [[10, 30, 50, 70]] * 2 + [[10], [10, 30, 50, 70]], columns
    # one stroke in line with a column is no column of the row
    verticals = [(x, ys[0], ys[-1]) for x in (100, 900)] + [(x, ys[0], ys[2]) for x in (300, 500, 700)]
    verticals.append((500, ys[3], ys[4]))
    page = prepare(np.dstack([_ruled(xs, ys, verticals)] * 3), 150)
    (table,) = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[-1]] == [10]


def test_a_fours_bar_reaching_left_of_its_slant_is_no_minus_sign():
    """A Ming face prints 4 with its bar reaching out left of its slant: a level stroke that begins the value,
    joined to what follows, as a minus sign joined to its digit by the blur is. A value read as 4 begins with a
    minus only where the level stroke reaches further than a 4's bar (443, 49 and 4 were not sure, -4 their
    alternative); a minus before a 4 is still found."""
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import leading_dash
    from PIL import Image, ImageDraw, ImageFont

    from tests import fonts

    def line_ink(text, family, size):
        image = Image.new("L", (140, 44), 255)
        font = ImageFont.truetype(str(fonts.font_file(family)), size)
        ImageDraw.Draw(image).text((10, 5), text, fill=0, font=font)
        ink = (np.asarray(image) < 150).astype(np.uint8) * 255
        ys, xs = np.nonzero(ink)
        return ink, Box(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    for size in (14, 17, 20, 24):
        for text in ("4", "49", "443"):
            assert not leading_dash(*line_ink(text, "ar-pl-uming", size), "4"), (text, size)
        for family in sorted(fonts.FAMILIES):
            assert leading_dash(*line_ink("-4", family, size), "4"), (family, size)


def test_page_a_table_s_last_row_printed_blank_is_a_row_of_blank_cells():
    """表四's value row under its header with its zeros printed blank, the table's last band: a row of blank
    cells, as the text-layer reader keeps it (it was passed over as the space between rulings, and 表四 had no
    values printed). A band with no text above the last stays passed over."""
    import cv2
    from ogi.ocr.page import read_page
    from ogi.readers.document import TokenKind

    xs, ys = [100, 300, 500, 700], [100, 160, 190, 250, 280]
    image = _ruled(xs, ys, [(x, ys[0], ys[-1]) for x in xs])
    for x in xs[:-1]:
        for y in (ys[1], ys[3]):
            cv2.putText(image, "AB", (x + 40, y - 15), cv2.FONT_HERSHEY_SIMPLEX, 0.9, 0, 2)

    class Recogniser:
        def start(self, crops):
            return self

        def read(self, index, value=None):
            return Reading("AB", 0.99)

    text = read_page(np.dstack([image] * 3), 150, 1, Recogniser(), tables_only=True)
    rows, row = [], []
    for token in text.tokens:
        if token.kind is TokenKind.CELL:
            row.append(token.text)
        elif token.kind is TokenKind.ROW_END:
            rows.append(row)
            row = []
    assert rows == [["AB"] * 3, ["AB"] * 3, [""] * 3]


def test_grid_a_stroke_with_its_character_around_it_in_a_one_band_table_is_no_column():
    """A table of one tight band (表四's header cut off by a page break, its characters touching the
    rulings): a stroke of a character reaching from its top ruling to its bottom one, with the rest of the
    character close on both sides, is no column (the header was cut into 19 cells where 10 are printed)."""
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    xs, upper, ys = [100, 300, 500, 700], [100, 180, 260], [400, 425]  # a table above it: the page is level
    verticals = [(x, upper[0], upper[-1]) for x in xs] + [(x, ys[0], ys[-1]) for x in xs]
    for x in (200, 400, 600):  # a stroke with the rest of its character close on both sides
        verticals += [(x, 404, 421), (x - 7, 405, 414), (x + 7, 410, 420)]
    page = prepare(np.dstack([_ruled(xs, upper + ys, verticals)] * 3), 150)
    _, table = find_tables(page)
    assert [round(cell.x0 / 10) for cell in table.rows[0]] == [10, 30, 50], table.rows[0]


def test_a_hyphen_as_low_as_a_speck_is_a_sure_dash_and_specks_level_together_are_not():
    """A hyphen printed for a zero in a small face is as low as a speck and the blur makes its binary piece
    nearly square: it was taken for a speck, and the cell, read as nothing or as a 0 at 0.1, left unsure. A
    small line level in its shades of grey, one piece across and as dark as the page's print is a dash, sure
    where the recogniser read no digit. Two round specks side by side, level together, are not, nor is a
    pale speck of noise level by chance (a blank cell read as a sure dash)."""
    import cv2
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import small_dash
    from ogi.ocr.page import _as_marked

    def cell(*marks) -> tuple[np.ndarray, np.ndarray]:
        return _blurred_cell((40, 60), *marks)

    def line_of(ink: np.ndarray) -> Box:
        ys, xs = np.nonzero(ink)
        return Box(int(xs.min()), int(ys.min()), int(xs.max()) + 1, int(ys.max()) + 1)

    printed = 30  # the grey of the page's digits at their darkest
    ink, grey = cell(lambda g: cv2.line(g, (12, 14), (16, 14), 40, 2))
    line = line_of(ink)
    assert small_dash(grey, line, 21, printed)
    read = _as_marked(Reading("", 0.0, (("0", 0.14), ("9", 0.08)), True), ink, grey, [(0, line)], [], 21, printed)
    assert read.text == "-" and read.confidence >= 0.95
    read = _as_marked(Reading("0", 0.9, (), True), ink, grey, [(0, line)], [], 21, printed)
    assert read.confidence < 0.5  # a digit read surely over it: neither is sure
    out_of_place = _as_marked(
        Reading("", 0.0, (("-", 0.1),), True), ink, grey, [(0, line)], [], 21, printed, lambda _: False
    )
    assert out_of_place.confidence < 0.5  # not where the table's values stand: a speck may be so level

    ink, grey = cell(lambda g: cv2.circle(g, (12, 14), 1, 60, -1), lambda g: cv2.circle(g, (17, 15), 1, 60, -1))
    line = line_of(ink)
    assert not small_dash(grey, line, 21, printed)
    read = _as_marked(Reading("", 0.0, (("-", 0.005),), True), ink, grey, [(0, line)], [], 21, printed)
    assert read.confidence < 0.5

    ink, grey = cell(lambda g: cv2.line(g, (12, 14), (16, 14), 120, 2))  # pale
    line = line_of(ink)
    assert not small_dash(grey, line, 21, printed)
    read = _as_marked(Reading("", 0.0, (("-", 0.005),), True), ink, grey, [(0, line)], [], 21, printed)
    assert read.confidence < 0.5


def test_a_minus_sign_read_and_seen_by_its_shape_is_as_sure_as_the_digits():
    """-4 read at 0.79 and 4 at 0.21: the recogniser is sure of the 4, unsure of its sign. Where the line's ink
    begins with a minus sign by its shape (a short level stroke about the middle), the sign is settled and the
    reading as sure as its digits; where it does not, the reading stays as unsure as it was."""
    import cv2
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import leading_dash
    from ogi.ocr.page import _sign_seen

    ink = np.zeros((30, 60), np.uint8)
    cv2.line(ink, (6, 15), (12, 15), 255, 2)  # the minus sign
    cv2.line(ink, (26, 6), (18, 19), 255, 2)  # the 4
    cv2.line(ink, (18, 19), (30, 19), 255, 2)
    cv2.line(ink, (26, 6), (26, 25), 255, 2)
    line = Box(5, 5, 32, 26)
    assert leading_dash(ink, line, "4")
    read = _sign_seen(Reading("-4", 0.79, (("4", 0.21),), True))
    assert read.text == "-4" and read.confidence >= 0.95 and ("4", 0.21) in read.alternatives
    assert _sign_seen(Reading("-4项", 0.7, (("4项", 0.1), ("-1项", 0.2)), True)).confidence < 0.95
    ink[:, :14] = 0  # no minus sign inked
    assert not leading_dash(ink, line, "4")


def test_a_line_stands_in_place_where_its_tables_values_stand_in_their_cells():
    """A hyphen printed for a zero stands where its table's values stand in their cells (at their left, centre or
    right; at their height from the cell's top or middle); a speck falls anywhere."""
    from ogi.ocr.layout import Box
    from ogi.ocr.places import in_place, place_of

    cells = [Box(100 * k, 0, 100 * k + 100, 60 + 40 * k) for k in range(4)]
    values = [(Box(c.x0 + 10, 4, c.x0 + 30, 24), c) for c in cells[:3]]  # top left, whatever the cell's height
    place = place_of(values)
    cell = cells[3]
    assert in_place(Box(cell.x0 + 11, 12, cell.x0 + 18, 16), cell, place, 21)  # a hyphen
    assert not in_place(Box(cell.x0 + 60, 12, cell.x0 + 66, 16), cell, place, 21)  # a speck across
    assert not in_place(Box(cell.x0 + 11, 70, cell.x0 + 17, 74), cell, place, 21)  # a speck below
    assert place_of(values[:2]) is None and not in_place(Box(11, 12, 18, 16), cells[0], None, 21)


def test_a_faint_minus_sign_is_looked_for_within_the_values_cell():
    """The traces a character's width before a value's line may reach past its cell's left edge, into the end
    of the label or value beside it: a stroke there is no minus sign of this value (2项 read as not sure, -2
    its alternative). Within its cell, a faint minus sign is still seen."""
    from ogi.ocr.layout import Box
    from ogi.ocr.marks import faint_leading_dash

    grey = np.full((30, 80), 250, np.uint8)
    grey[6:24, 40:50] = 60
    grey[9:21, 43:47] = 250  # the 0
    line = Box(40, 6, 50, 24)
    grey[14:16, 24:31] = 200  # a faint level stroke, in the cell before (its edge at x=34)
    assert faint_leading_dash(grey, line, 18)
    assert not faint_leading_dash(grey, line, 18, left=34)
    grey[14:16, 35:39] = 200
    grey[14:16, 24:31] = 250
    grey[14:16, 33:39] = 200  # its own faint minus sign, within the cell
    assert faint_leading_dash(grey, line, 18, left=33)
