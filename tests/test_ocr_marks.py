"""The shape of a zero's mark where the page's binarisation lost it: a thin slash of pale grey."""

from __future__ import annotations

import numpy as np
from ogi.ocr.layout import Box
from ogi.ocr.recognize import Reading

HEIGHT = 20  # a line of text's height on the page
PRINTED = 150  # the grey of the page's digits at their darkest


def _cell(*strokes, grey: int = 140, shape: tuple[int, int] = (40, 80)) -> np.ndarray:
    """A cell of paper with thin strokes ((x0, y0), (x1, y1)) drawn in `grey`, blurred as a scan is."""
    import cv2

    out = np.full(shape, 252, np.uint8)
    for a, b in strokes:
        cv2.line(out, a, b, grey, 1, cv2.LINE_AA)
    return cv2.GaussianBlur(out, (0, 0), 0.6)


def _pieces(shape: tuple[int, int], *boxes: Box) -> np.ndarray:
    """Binary ink holding only `boxes` (what the binarisation kept of a faint stroke)."""
    ink = np.zeros(shape, np.uint8)
    for box in boxes:
        ink[box.y0 : box.y1, box.x0 : box.x1] = 255
    return ink


def test_a_slash_too_thin_for_the_binarisation_is_seen_by_its_traces():
    """A fullwidth slash printed thin is paler than the digits after the blur: the binarisation keeps pieces of
    it (its tips, some as small as specks) that are no one stroke, and the recogniser reads them as 1 or 7 or
    nothing, so the cell was left unsure (or, found only in faint ink, capped as faint ink). The traces of ink
    the pieces touch in their cell, taken whole, are one thin straight stroke rising to the right, as dark as
    the page's print: a slash, sure. A faint 4 in a cell no taller than it (its stem spans the cell, as a
    ruling's remnant does), a faint 7 (its bar), a 1 (upright) and a stroke paler than print are not."""
    from ogi.ocr.marks import traced_slash
    from ogi.ocr.page import _as_marked, _seen_slash
    from ogi.ocr.places import Place

    cell = Box(100, 200, 180, 240)  # on the page
    page = np.full((300, 300), 252, np.uint8)

    def on_page(grey_cell: np.ndarray) -> np.ndarray:
        out = page.copy()
        out[cell.y0 : cell.y1, cell.x0 : cell.x1] = grey_cell
        return out

    grey = on_page(_cell(((12, 30), (32, 9))))  # ／ from its bottom left to its top right
    tip = Box(cell.x0 + 28, cell.y0 + 8, cell.x0 + 34, cell.y0 + 13)
    foot = Box(cell.x0 + 11, cell.y0 + 27, cell.x0 + 16, cell.y0 + 32)
    traced = traced_slash(grey, tip, cell, HEIGHT, PRINTED)
    assert traced is not None and traced.height >= 18 and traced.x0 <= foot.x0 + 2
    assert traced_slash(grey, foot, cell, HEIGHT, PRINTED) == traced

    ink = _pieces(page.shape, tip, foot)
    lines = [(0, tip), (1, foot)]
    readings = [Reading("1", 0.44, (("7", 0.29), ("/", 0.22)), True), Reading("", 0.0, (), True)]
    read = _as_marked(readings[0], ink, grey, lines, readings, HEIGHT, PRINTED, None, cell)
    assert read.text == "/" and read.confidence >= 0.95
    read = _as_marked(
        Reading("", 0.0, (("1", 0.08),), True), ink, grey, [(0, foot)], readings, HEIGHT, PRINTED, None, cell
    )
    assert read.text == "/" and read.confidence >= 0.95  # a speck-sized piece of it: the reading of a speck
    before = _as_marked(readings[0], ink, grey, lines, readings, HEIGHT, PRINTED)  # without its cell: unseen
    assert before.text == "1" and before.confidence < 0.5

    # found in faint ink only: a slash as dark as print where the table's values stand is no faint ink
    place = Place(left=11.0, right=46.0, across=-18.0, below_top=20.0, down=0.0)
    assert _seen_slash(read, grey, [(0, foot)], cell, place, HEIGHT, PRINTED)
    assert not _seen_slash(read, grey, [(0, foot)], cell, None, HEIGHT, PRINTED)  # no place known
    assert not _seen_slash(Reading("/", 0.6, (), True), grey, [(0, foot)], cell, place, HEIGHT, PRINTED)

    pale = on_page(_cell(((12, 30), (32, 9)), grey=235))
    assert traced_slash(pale, tip, cell, HEIGHT, PRINTED) is None

    short = Box(100, 200, 180, 220)  # a row no taller than a line: a 4's stem spans most of the cell
    four = np.full((300, 300), 252, np.uint8)
    four[short.y0 : short.y1, short.x0 : short.x1] = _cell(
        ((20, 2), (12, 13)), ((12, 13), (24, 13)), ((20, 2), (20, 18)), shape=(20, 80)
    )
    slant = Box(short.x0 + 12, short.y0 + 2, short.x0 + 21, short.y0 + 12)
    assert traced_slash(four, slant, short, HEIGHT, PRINTED) is None

    seven = on_page(_cell(((18, 9), (32, 9)), ((32, 9), (20, 30))))
    assert (
        traced_slash(seven, Box(cell.x0 + 19, cell.y0 + 25, cell.x0 + 23, cell.y0 + 31), cell, HEIGHT, PRINTED) is None
    )
    one = on_page(_cell(((24, 9), (24, 30))))
    assert traced_slash(one, Box(cell.x0 + 23, cell.y0 + 25, cell.x0 + 26, cell.y0 + 31), cell, HEIGHT, PRINTED) is None
