"""Where the text of a page image lies: lines of text inside each table cell and outside the tables, as
boxes to read. Specks (dust, noise) are not text; ruling pixels are taken out of a cell before its ink is
looked at."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ogi.ocr.grid import Cell, Table
from ogi.ocr.image import Page, components

FAINT_LEVEL = 200  # grey levels darker than this are ink, however faint (paper is about 255)
TRACE_LEVEL = 230  # smoothed over 3×3 pixels (noise averaged out), darker than this is a trace of ink


@dataclass(frozen=True)
class Box:
    x0: int
    y0: int
    x1: int  # exclusive
    y1: int

    @property
    def height(self) -> int:
        return self.y1 - self.y0


def clean_ink(page: Page, ruled: np.ndarray) -> np.ndarray:
    """The page's ink without the tables' rulings (`ruled`) and without specks: components too small to be
    a stroke of a character, a dash or a decimal point."""
    import cv2

    ink = page.ink.copy()
    ink[ruled > 0] = 0
    count, labels, stats = components(ink)
    scale = (page.dpi / 150) ** 2
    small = (stats[:, cv2.CC_STAT_AREA] < 7 * scale) & (
        np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT]) < 4 * page.dpi / 150
    )
    small[0] = False
    ink[small[labels]] = 0
    return ink


def without_specks(region: np.ndarray, page: Page) -> np.ndarray:
    """Ink without the dots that stand apart: a dot next to a character is kept (a decimal point, a comma),
    and so are a dash beside one at its middle height (a minus sign) and dots lying close together (a faint
    character broken into pieces)."""
    import cv2

    if region.size == 0:
        return region
    count, labels, stats = components(region)
    if count <= 1:
        return region
    size = np.maximum(stats[:, cv2.CC_STAT_WIDTH], stats[:, cv2.CC_STAT_HEIGHT])
    dot = size < page.px(0.045)
    dot[0] = False
    if not dot.any():
        return region
    big = np.where(~dot[labels] & (labels > 0), 255, 0).astype(np.uint8)
    near = cv2.dilate(big, np.ones((2 * page.px(0.03) + 1,) * 2, np.uint8)) > 0
    touching = np.zeros(count, dtype=bool)
    touching[np.unique(labels[near & (labels > 0)])] = True
    # a dash a little apart from a character, level with its middle, is a minus sign (or a hyphen): dropped,
    # a value would be read without its sign
    x, y, w, h = (stats[:, k] for k in range(4))
    chars = np.flatnonzero(~dot & (np.arange(count) > 0))
    gap = page.px(0.06)
    for i in np.flatnonzero(dot & ~touching & (w >= 1.5 * h)):
        middle = y[i] + h[i] / 2
        touching[i] = any(
            y[j] + 0.25 * h[j] <= middle <= y[j] + 0.75 * h[j]
            and h[j] >= 2 * h[i]
            and max(x[j] - (x[i] + w[i]), x[i] - (x[j] + w[j])) <= gap
            for j in chars
        )
    # three dots or more within a character's size of each other are a faint character broken up
    centres = stats[:, :2] + stats[:, 2:4] / 2
    lone = np.flatnonzero(dot & ~touching)
    reach = page.px(0.1)
    for i in lone:
        if np.count_nonzero(np.abs(centres[lone] - centres[i]).max(axis=1) <= reach) >= 3:
            touching[i] = True
    out = region.copy()
    out[(dot & ~touching)[labels]] = 0
    return out


def _runs(region: np.ndarray) -> list[list[int]]:
    """Runs of rows holding ink: [top, bottom) each."""
    filled = region.any(axis=1)
    edges = np.flatnonzero(np.diff(np.concatenate(([0], filled.view(np.int8), [0]))))
    return [[int(a), int(b)] for a, b in zip(edges[::2], edges[1::2])]


def char_height(ink: np.ndarray, boxes: list[Box], page: Page) -> int:
    """The height of a line of text on this page: the median height of the runs of inked rows in `boxes`
    (cells) that hold a line of words, three characters wide or more (a digit is shorter than a character)."""
    heights = []
    for box in boxes:
        region = ink[box.y0 : box.y1, box.x0 : box.x1]
        if not region.size:
            continue
        for a, b in _runs(region):
            cols = np.flatnonzero(region[a:b].any(axis=0))
            if b - a >= page.px(0.05) and cols.size and cols[-1] - cols[0] >= 2.5 * (b - a) and b - a <= page.px(0.3):
                heights.append(b - a)
    return int(np.median(heights)) if len(heights) >= 5 else page.px(0.13)


def text_lines(ink: np.ndarray, box: Box, page: Page, height: int | None = None) -> list[Box]:
    """Lines of text within `box`: runs of rows holding ink, each cut to its ink's width. A thin run a small
    gap from the next, the two no taller than a line of text, is part of it (a character broken across by
    faint ink, the strokes of 二); a run as tall as two lines or more is cut where least ink crosses (lines
    touching). `height`: a line's height on the page (char_height). Dots standing apart are not text."""
    region = without_specks(ink[box.y0 : box.y1, box.x0 : box.x1], page)
    if not region.any():
        return []
    height = height or page.px(0.13)
    merged: list[list[int]] = []
    for run in _runs(region):
        if (
            merged
            and run[0] - merged[-1][1] <= 0.4 * height
            and run[1] - merged[-1][0] <= 1.3 * height
            and min(run[1] - run[0], merged[-1][1] - merged[-1][0]) < 0.6 * height
        ):
            merged[-1][1] = run[1]
        else:
            merged.append(run)
    profile = region.sum(axis=1)
    split: list[list[int]] = []
    for top, bottom in merged:
        lines = round((bottom - top) / (1.15 * height))
        if bottom - top < 1.6 * height or lines < 2:
            split.append([top, bottom])
            continue
        cuts = [top]
        for k in range(1, lines):
            guess = top + (bottom - top) * k // lines
            lo, hi = max(cuts[-1] + 1, guess - height // 3), min(bottom - 1, guess + height // 3)
            if hi <= lo:
                continue
            cut = lo + int(np.argmin(profile[lo:hi]))
            # lines touch where little ink crosses: no cut through the middle of a line
            if profile[cut] <= 0.3 * profile[top:bottom].mean():
                cuts.append(cut)
        cuts.append(bottom)
        split += [[a, b] for a, b in zip(cuts, cuts[1:]) if b > a]
    out = []
    for top, bottom in split:
        cols = np.flatnonzero(region[top:bottom].any(axis=0))
        if cols.size:
            out.append(Box(box.x0 + int(cols[0]), box.y0 + top, box.x0 + int(cols[-1]) + 1, box.y0 + bottom))
    return out


def faint_ink(grey: np.ndarray, box: Box, page: Page) -> np.ndarray:
    """Ink too light for the page's binarisation (a faded digit, a digit under a seal) within `box`, as a
    page-sized mask: pixels clearly darker than paper."""
    out = np.zeros(grey.shape, dtype=np.uint8)
    region = grey[box.y0 : box.y1, box.x0 : box.x1]
    out[box.y0 : box.y1, box.x0 : box.x1] = np.where(region < FAINT_LEVEL, 255, 0).astype(np.uint8)
    return out


def traces_of_ink(region: np.ndarray) -> np.ndarray:
    """Where a region of grey holds a trace of ink, the faintest print included (boolean): smoothed, then
    darker than paper by more than its noise."""
    import cv2

    return cv2.GaussianBlur(region, (3, 3), 0) < TRACE_LEVEL


def traces(grey: np.ndarray, box: Box) -> np.ndarray:
    """Where `box` holds a trace of ink, the faintest print included (boolean, the box's size): the grey
    smoothed, then darker than paper by more than its noise; ink over most of the box's height or width (a
    ruling's remnant) left out."""
    region = grey[box.y0 : box.y1, box.x0 : box.x1]
    if region.size == 0:
        return np.zeros(region.shape, dtype=bool)
    marked = traces_of_ink(region)
    marked[:, marked.mean(axis=0) > 0.6] = False
    marked[marked.mean(axis=1) > 0.6, :] = False
    return marked


def with_faint_ink(grey: np.ndarray, line: Box, box: Box, page: Page, height: int) -> Box:
    """A line of a cell (`box`) widened to the faint ink beside it: the strokes of small, faded print that the
    page's binarisation lost (of 2932 only a stroke of the 9 and the 3 may be left, and a crop of those reads
    293). Only characters are taken in: pieces of faint ink in the line's rows, as tall as half the line at
    least, each no further from the line than the gap between two characters. Specks, and ink that runs over
    most of the cell's height or width (a ruling's remnant), are not the line's."""

    region = traces(grey, box)
    if not region.any():
        return line
    count, _labels, stats = components(region.astype(np.uint8))
    x0, x1 = line.x0 - box.x0, line.x1 - box.x0
    top, bottom = line.y0 - box.y0, line.y1 - box.y0
    y0, y1 = top, bottom
    pieces = []
    for x, y, w, h, _area in stats[1:count]:
        overlap = min(y + h, bottom) - max(y, top)
        if h >= 0.5 * (bottom - top) and overlap >= 0.5 * h and h <= 1.6 * height:
            pieces.append((x, x + w, y, y + h))
    gap = max(2, round(0.4 * height))
    grown = True
    while grown:
        grown = False
        for a, b, c, d in pieces:
            if (a < x0 or b > x1) and a <= x1 + gap and b >= x0 - gap:
                x0, x1, y0, y1 = min(x0, a), max(x1, b), min(y0, c), max(y1, d)
                grown = True
    return Box(box.x0 + x0, box.y0 + y0, box.x0 + x1, box.y0 + y1)


def faint_mark(grey: np.ndarray, box: Box, page: Page, height: int) -> Box | None:
    """Where a cell that shows no line of text still holds a mark as tall as half a line: the strokes of a
    small, faint digit that come apart into pieces each no bigger than a speck (the bar and the stem of 7).
    Specks are smaller; ink over most of the cell's height or width is a ruling's remnant."""
    region = traces(grey, box)
    if not region.any():
        return None
    count, _labels, stats = components(region.astype(np.uint8))
    pieces = [(x, y, x + w, y + h, area) for x, y, w, h, area in stats[1:count] if area >= 2]
    best = None
    for x0, y0, x1, y1, _area in pieces:  # each piece with those within a character's width of it
        near = [
            p
            for p in pieces
            if p[0] <= x1 + height // 2 and p[2] >= x0 - height // 2 and p[1] <= y1 + 2 and p[3] >= y0 - 2
        ]
        top, bottom = min(p[1] for p in near), max(p[3] for p in near)
        if 0.5 * height <= bottom - top <= 1.5 * height and sum(p[4] for p in near) >= 0.15 * height * height:
            mark = Box(min(p[0] for p in near), top, max(p[2] for p in near), bottom)
            if best is None or mark.height > best.height:
                best = mark
    if best is None:
        return None
    return Box(box.x0 + best.x0, box.y0 + best.y0, box.x0 + best.x1, box.y0 + best.y1)


def cell_box(cell: Cell, page: Page) -> Box:
    """The inside of a cell, inside its rulings."""
    inset = page.px(0.02)
    return Box(
        cell.x0 + inset, cell.y0 + inset, max(cell.x0 + inset, cell.x1 - inset), max(cell.y0 + inset, cell.y1 - inset)
    )


def outside_tables(ink: np.ndarray, tables: list[Table], page: Page) -> np.ndarray:
    out = ink.copy()
    pad = page.px(0.03)
    for t in tables:
        out[max(0, t.y0 - pad) : t.y1 + pad, max(0, t.x0 - pad) : t.x1 + pad] = 0
    return out


def free_lines(ink: np.ndarray, page: Page) -> list[Box]:
    """Lines of text outside the tables: rows of ink across the page, each cut where a wide gap opens
    (a line number or page number apart from its text)."""
    h, w = ink.shape
    lines = text_lines(ink, Box(0, 0, w, h), page)
    out = []
    gap = page.px(0.6)
    for line in lines:
        if line.height < page.px(0.07):
            continue  # specks, a rule or a smear, not a line of text
        cols = np.nonzero(ink[line.y0 : line.y1, line.x0 : line.x1].any(axis=0))[0] + line.x0
        start = cols[0]
        for a, b in zip(cols, cols[1:]):
            if b - a > gap:
                out.append(Box(int(start), line.y0, int(a) + 1, line.y1))
                start = b
        out.append(Box(int(start), line.y0, int(cols[-1]) + 1, line.y1))
    return out


def crop(grey: np.ndarray, box: Box, pad: int, side: int | None = None) -> np.ndarray:
    """The box with `pad` pixels of the page above and below it, `side` (`pad` by default) left and right
    (paper white past the page's edge)."""
    import cv2

    side = pad if side is None else side
    h, w = grey.shape
    x0, y0, x1, y1 = box.x0 - side, box.y0 - pad, box.x1 + side, box.y1 + pad
    piece = grey[max(0, y0) : min(h, y1), max(0, x0) : min(w, x1)]
    if piece.size == 0:  # OpenCV crashes on an empty image: paper of the box's size instead
        return np.full((max(1, y1 - y0), max(1, x1 - x0)), 255, dtype=np.uint8)
    return cv2.copyMakeBorder(
        piece, max(0, -y0), max(0, y1 - h), max(0, -x0), max(0, x1 - w), cv2.BORDER_CONSTANT, value=255
    )
