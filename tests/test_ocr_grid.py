"""The grid found from a scanned page's rulings (ogi.ocr.grid): columns lost where their rulings' ends fall short
of, or run past, the rulings they meet. Small tables drawn here at 150 dpi."""

from __future__ import annotations

import cv2
import numpy as np
from ogi.ocr.grid import find_tables, rulings
from ogi.ocr.image import prepare


def _page(image: np.ndarray):
    return prepare(np.dstack([image] * 3), 150)


def _starts(table) -> list[list[int]]:
    return [[round(cell.x0 / 10) for cell in row] for row in table.rows]


def _column_unbroken(image: np.ndarray, x: int, y0: int, y1: int, crossing: list[int]) -> None:
    """A column from y0 to y1 that the rulings at `crossing` stop a few pixels short of (faded there), so that
    its line is found as one piece, as in a blurred scan, not broken where each ruling meets it."""
    for y in crossing:
        image[y - 3 : y + 4, x - 4 : x + 5] = 255
    cv2.line(image, (x, y0), (x, y1), 0, 2)


def test_grid_a_border_faded_into_pieces_that_cross_columns_is_the_border():
    """表二's top border faded into pieces, its ends lost short of the side borders, so that none of its pieces
    ends on a column, and the short ones run as long as no ruling must. Pieces in line that cross columns are
    the border, and a column of the first rows alone, shorter than a ruling must be on its length, meets it
    (regulations' repealed and in-force values were read as one cell: 0 0686)."""
    xs, ys = [100, 300, 500, 700, 900], [100, 125, 150, 175, 200, 225]
    image = np.full((900, 1200), 255, np.uint8)
    for x0, x1 in ((130, 400), (420, 640), (660, 780), (800, 880)):  # the top border, faded into pieces
        cv2.line(image, (x0, ys[0]), (x1, ys[0]), 0, 2)
    for y in ys[1:]:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x in (100, 300, 500, 900):
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    _column_unbroken(image, 700, ys[0], ys[3], ys[1:3])  # the first rows' column
    (table,) = find_tables(_page(image))
    assert _starts(table) == [[10, 30, 50, 70]] * 3 + [[10, 30, 50]] * 2


def test_grid_a_column_whose_ink_runs_on_to_a_ruling_meets_it():
    """A column of the first rows alone under a seal: where it joins the ruling above, a seal's stroke crossed
    it and its ink runs on in a blot, whose pixels stand out as no thin line's, so that the column's line as
    found stops short of the ruling by more than a line is thick, and runs shorter than a ruling must on its
    length. Its ink running on unbroken to the ruling where the seal lay, it meets it, and is a ruling
    (regulations' and normative documents' repealed and in-force values were read as one cell). Without the
    seal it does not: a character's stroke touching a ruling is no line carried on to it."""
    xs, ys = [100, 300, 500, 700, 900], [100, 125, 150, 175, 200, 225]
    image = np.full((900, 1200), 255, np.uint8)
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x in (100, 300, 500, 900):
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    _column_unbroken(image, 700, ys[0], ys[3], ys[1:3])
    image[ys[0] - 1 : ys[0] + 3, 680:720] = 0  # the blot at the junction
    rgb = np.dstack([image] * 3)
    assert not any(abs(v.across - 700) <= 2 for v in rulings(prepare(rgb, 150)).vertical)  # no seal: no line
    rgb[ys[0] + 3 : ys[0] + 6, 702:724] = (225, 60, 60)  # the seal's stroke, ending against the column
    lines = rulings(prepare(rgb, 150))
    assert any(abs(v.across - 700) <= 2 and v.end >= ys[3] - 4 for v in lines.vertical)


def test_grid_a_column_lost_in_its_last_rows_is_bridged_down_to_where_its_line_ends():
    """表二's 行政处罚 and 行政强制 under a seal, over 行政事业性收费 and 政府集中采购, which have a column
    fewer: the column's line is broken in the first of those rows and shows whole in the second, a row no taller
    than a line of text (which a column crosses only running on into a row beside it). It ends on the ruling
    under that row and the rows below show none of it: the rows down to there are bridged, as rows with a row
    below that the column crosses are (the column was lost in both: 164 and 2 read as one value)."""
    xs, ys = [100, 300, 500, 700, 900], [100, 128, 156, 184, 212, 240, 268, 296]
    image = np.full((900, 1200), 255, np.uint8)
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x in (100, 300, 500, 900):
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    cv2.line(image, (700, ys[0]), (700, ys[3]), 0, 2)
    for y in range(ys[3], ys[4], 9):  # broken under the seal
        cv2.line(image, (700, y), (700, y + 3), 0, 1)
    cv2.line(image, (700, ys[4]), (700, ys[5]), 0, 2)  # and whole in the last row it crosses
    (table,) = find_tables(_page(image))
    assert _starts(table) == [[10, 30, 50, 70]] * 5 + [[10, 30, 50]] * 2


def _short_table(ys: list[int], column_foot: int) -> np.ndarray:
    """表四's value rows: columns no longer than the table's rows, the one at 400 running down to column_foot."""
    xs = [100, 300, 400, 500, 600]
    image = np.full((900, 1200), 255, np.uint8)
    for y in ys:
        cv2.line(image, (xs[0], y), (xs[-1], y), 0, 2)
    for x in xs[:2] + xs[3:]:
        cv2.line(image, (x, ys[0]), (x, ys[-1]), 0, 2)
    _column_unbroken(image, 400, ys[0], column_foot, ys[1:])
    for x in xs[:-1]:
        for y in ys[1:]:
            cv2.putText(image, "3", (x + 20, y - 6), cv2.FONT_HERSHEY_SIMPLEX, 0.6, 0, 2)
    return image


def test_grid_a_column_running_on_past_the_border_into_the_line_below_is_a_column():
    """表四's value row at the top of the page after a page break: a short table whose columns are no longer
    than its rows, one of them carried on past the bottom border by a character of the line under the table
    touching it, further than a column runs on past a ruling it meets. No ruling lies below the border, and the
    other columns end on it: the column meets it (two values read as one cell)."""
    ys = [100, 130, 160]
    image = _short_table(ys, ys[-1] + 14)
    cv2.line(image, (385, ys[-1] + 14), (415, ys[-1] + 14), 0, 2)  # the character's stroke below
    (table,) = find_tables(_page(image))
    assert _starts(table) == [[10, 30, 40, 50]] * 2


def test_grid_a_column_running_on_past_a_ruling_inside_the_table_meets_it_no_more():
    """The same line running on past a ruling with a row of the table under it (no border) does not meet that
    ruling so: it is no column of the rows above (a character's stroke hanging from a ruling, through the next
    one into the row below)."""
    ys = [100, 130, 160, 190]
    (table,) = find_tables(_page(_short_table(ys, ys[2] + 14)))
    assert _starts(table) == [[10, 30, 50]] * 3


def test_grid_a_column_standing_a_pixel_or_two_off_its_line_does_not_take_its_own_ink_for_text():
    """A column's place is its pieces' mean, a pixel or two off its line where the deskew left it a little
    tilted: looked at from there, the line's own ink lies beside the place, where a ruling has its cells'
    padding, and passed for text the line runs through (表三's last column lost under a seal in a tall row: 9
    and 035 read as one value, six cells wrong)."""
    from ogi.ocr.grid import _through_text

    ink = np.zeros((300, 200), np.uint8)
    ink[20:280, 101:103] = 255  # the line, at 101-102
    assert not _through_text(ink, 99, 30, 270, 4)
    ink[100:200, 105:115] = 255  # characters close beside it are text
    assert _through_text(ink, 99, 30, 270, 4)
