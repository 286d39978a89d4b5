"""Tables, rows and headers of scanned reports as OCR reads them: labels set right without losing what a cell
prints beyond them, money units in the header read or else not assumed, rows split by the page break, rows
found by their place where OCR garbled their label, 表四's header as OCR reads it."""

from ogi.ocr.page import OcrToken
from ogi.ocr.recognize import Reading
from ogi.template import load_spec


def _ocr_doc(rows: list[list[str]], before: tuple[str, ...] = ()):
    """A document of free lines (`before`) and one OCR'd table of `rows` of cell texts."""
    from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Document, Token, Tokens

    tokens, ocr = [Token(LINE, line, 1) for line in before], {}
    for y, row in enumerate(rows):
        for x, text in enumerate(row):
            value = bool(text) and not any("\u4e00" <= ch <= "\u9fff" for ch in text)
            ocr[len(tokens)] = OcrToken(Reading(text, 0.99, (), value), (x * 50, y * 20, x * 50 + 50, y * 20 + 20))
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
