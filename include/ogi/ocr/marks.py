"""The shape of a value's ink where a table prints a zero as a mark: a dash (a flat bar, far lower than the
table's digits) or a slash (one straight stroke rising to the right). The recogniser reads such marks as digits
with high confidence (a bar as 2, a slash as 7 or 1): the shape overrules it, a digit needing more ink than
that. A digit is never one flat bar nor one straight slanting stroke: 1 stands upright, 7 has its bar. Also the
other marks a value's ink may hold beside or instead of its digits: a minus sign before them (`leading_dash`,
`faint_leading_dash`), and a speck too low to be a digit (`speck_line`)."""

from __future__ import annotations

import math

import numpy as np
from ogi.ocr.layout import Box, traces_of_ink

DASH, SLASH = "dash", "slash"
BAR = 0.4  # of the table's character height: the most a dash's bar is tall
STEEPEST = 80.0  # degrees from level: a stroke steeper than this stands like a 1
FLATTEST = 25.0
THIN = 0.25  # of a slash's length (or a line of text's height, the longer): the most its stroke is thick across
PAPER_NOISE = 60  # grey levels below the paper that noise and the blur's fringe reach
LEVEL = 1.4  # a small dash spreads this many times as far across as up and down
DOT = 0.3  # of the character height: a round piece no bigger than this beside a mark is a speck
SHORTEST = 0.4  # of the character height: the least a slash is long
# of the mark's own ink: the most its other pieces hold (a slash's tip the ruling's removal cut off, where it
# touched its cell's top; a 7's bar holds half as much as its stroke or more)
BESIDE = 0.2
SPECK_LINE = 0.4  # of a line of text's height: a value's line lower than this, and not flat (a dash), is a speck
PRINTED = 0.5  # of the darkness of the page's print: the least a hyphen is dark
HYPHEN = 0.25  # of a line of text's height: the least a hyphen is wide (a speck level by chance is less)
FOUR_BAR = 0.45  # of a value's line's height: further than the bar of a 4 reaches out left of its slant


def mark_shape(ink: np.ndarray, line: Box, height: int) -> str | None:
    """DASH or SLASH where the ink of a value's `line` (its box on `ink`, the page's cleaned binary ink) is that
    mark alone, None otherwise. `height`: a line of text's height on the page. Small round pieces beside it,
    and pieces a tenth of the mark's ink or less (specks, a seal's dots), do not count."""
    from ogi.ocr.image import components

    region = _without_dots(ink[line.y0 : line.y1, line.x0 : line.x1] > 0, height)
    if not region.any():
        return None
    rows, columns = np.flatnonzero(region.any(axis=1)), np.flatnonzero(region.any(axis=0))
    tall, wide = rows[-1] + 1 - rows[0], columns[-1] + 1 - columns[0]
    if tall <= BAR * height and wide >= max(1.5 * tall, 0.2 * height) and columns.size >= 0.6 * wide:
        return DASH  # a bar, or a faint one broken into pieces along one level (—— printed thin)
    count, labels, stats = components(region.astype(np.uint8))
    areas = stats[1:count, 4]
    main = 1 + int(np.argmax(areas))
    if areas.sum() - areas.max() > BESIDE * areas.max():
        return None  # more than one stroke
    x, y, w, h, area = stats[main]
    if h <= BAR * height and w >= 1.5 * h and w >= 0.2 * height and area >= 0.5 * w * h:
        return DASH
    ys, xs = np.nonzero(labels == main)
    points = np.stack([xs, ys]).astype(np.float64)
    points -= points.mean(axis=1, keepdims=True)
    values, vectors = np.linalg.eigh(points @ points.T)
    along, across = vectors[:, 1], vectors[:, 0]
    if along[0] < 0:
        along = -along
    angle = math.degrees(math.atan2(-along[1], along[0]))  # rising to the right: positive
    length = np.ptp(along @ points)
    thick = np.percentile(np.abs(across @ points), 95) * 2
    if FLATTEST <= angle <= STEEPEST and length >= SHORTEST * height and thick <= THIN * max(length, height):
        return SLASH
    return None


def traced_slash(grey: np.ndarray, line: Box, cell: Box, height: int, printed: int) -> Box | None:
    """Where a value's `line` is part of a slash too thin for the page's binarisation (a thin stroke the blur
    leaves paler than the digits, of which the binary ink keeps pieces, no one stroke, some as small as
    specks): the box, on the page, of the slash that the traces of ink about the line in its `cell` (the
    faintest print) make, the pieces of traces the line touches taken whole, and
    as dark as print (`printed`: the grey of the page's digits at their darkest). None where they are no
    slash (mark_shape), or paler than print."""
    from ogi.ocr.image import components

    # traces as ogi.ocr.layout.traces marks them, a digit's stem kept: in a cell no taller than a line it
    # spans most of the cell's height as a ruling's remnant does (a 4 without its stem is a slash); a remnant
    # joined to the mark makes it no slash
    region = grey[cell.y0 : cell.y1, cell.x0 : cell.x1]
    count, labels, stats = components(traces_of_ink(region).astype(np.uint8))
    inside = labels[line.y0 - cell.y0 : line.y1 - cell.y0, line.x0 - cell.x0 : line.x1 - cell.x0]
    touching = [k for k in np.unique(inside) if k]
    if not touching:
        return None
    x0 = min(stats[k, 0] for k in touching)
    y0 = min(stats[k, 1] for k in touching)
    x1 = max(stats[k, 0] + stats[k, 2] for k in touching)
    y1 = max(stats[k, 1] + stats[k, 3] for k in touching)
    traced = Box(int(x0), int(y0), int(x1), int(y1))
    if mark_shape(np.isin(labels, touching).astype(np.uint8), traced, height) != SLASH:
        return None
    out = Box(cell.x0 + traced.x0, cell.y0 + traced.y0, cell.x0 + traced.x1, cell.y0 + traced.y1)
    return out if dark_as_print(grey[out.y0 : out.y1, out.x0 : out.x1], printed) else None


def _without_dots(region: np.ndarray, height: int) -> np.ndarray:
    """A line's ink without the small round pieces beside its mark (specks the line took in): pieces no bigger
    than DOT of a line of text, not flat."""
    from ogi.ocr.image import components

    count, labels, stats = components(region.astype(np.uint8))
    x, y, w, h = (stats[:, k] for k in range(4))
    dots = (np.maximum(w, h) <= DOT * height) & (w < 1.5 * h)
    dots[0] = False
    if dots.all() or dots[1:].all():
        return region
    return region & ~dots[labels]


def lone_dash(ink: np.ndarray, grey: np.ndarray, box: Box, height: int) -> Box | None:
    """A small dash alone in a cell (`box`) that shows no line of text: a hyphen printed for a zero is no bigger
    than a speck and is taken away with them, and the cell read as a sure blank. Its box, where the cell's ink
    holds one small piece that is level and wider than tall in its shades of grey (the blur makes a hyphen's
    binary piece nearly square; a speck is round), clear of the cell's edges (a ruling's remnant)."""
    from ogi.ocr.image import components

    region = ink[box.y0 : box.y1, box.x0 : box.x1]
    count, _labels, stats = components(region)
    bars = [
        (x, y, w, h)
        for x, y, w, h, _area in stats[1:count].tolist()
        if h <= BAR * height
        and w >= h
        and 0.2 * height <= w <= 3 * height
        and x > 1
        and y > 1
        and x + w < region.shape[1] - 1
        and y + h < region.shape[0] - 1
        and _level(grey[box.y0 + y - 1 : box.y0 + y + h + 1, box.x0 + x - 1 : box.x0 + x + w + 1])
    ]
    if len(bars) != 1:
        return None
    x, y, w, h = bars[0]
    return Box(box.x0 + x, box.y0 + y, box.x0 + x + w, box.y0 + y + h)


def among_specks(ink: np.ndarray, box: Box, dash: Box) -> bool:
    """Whether a lone dash (`lone_dash`) shares its cell (`box`) with other pieces of ink half its size or more:
    specks, of which the level one may be one too (JPEG draws a dot wider than tall)."""
    from ogi.ocr.image import components

    count, _labels, stats = components(ink[box.y0 : box.y1, box.x0 : box.x1])
    size = (dash.x1 - dash.x0) * (dash.y1 - dash.y0)
    x, y = dash.x0 - box.x0, dash.y0 - box.y0
    return any(area * 2 >= size and (px, py) != (x, y) for px, py, _w, _h, area in stats[1:count].tolist())


def small_dash(grey: np.ndarray, line: Box, height: int, printed: int = 0) -> bool:
    """Whether a small level `line` of a value's cell, as low as a speck may be, is a hyphen: no taller than a
    dash's bar, as wide as it is tall at least and as HYPHEN of a line of text, level in its shades of grey
    (the blur makes a small hyphen's binary piece nearly square; a speck is round), one piece across (two
    specks side by side are level together, with paler paper between them), and as dark as print: PRINTED of
    the darkness of `printed`, the grey of the page's digits at their darkest (a speck of JPEG noise or dust
    is paler and mottled)."""
    tall, wide = line.y1 - line.y0, line.x1 - line.x0
    if not (tall <= BAR * height and wide >= tall and HYPHEN * height <= wide <= 3 * height):
        return False
    y0, x0 = max(0, line.y0 - 1), max(0, line.x0 - 1)
    patch = grey[y0 : line.y1 + 1, x0 : line.x1 + 1]
    return dark_as_print(patch, printed) and _level(patch) and _one_piece(patch)


def dark_as_print(patch: np.ndarray, printed: int) -> bool:
    """Whether a small patch of grey's ink is as dark as print: PRINTED of the darkness of `printed` (the grey
    of the page's digits at their darkest) below the patch's paper."""
    paper = float(patch.max())
    return paper - float(patch.min()) >= PRINTED * (paper - printed)


def _one_piece(patch: np.ndarray) -> bool:
    """Whether a small patch of grey's ink is one piece from left to right: no column of it is paler than
    half the darkness of the darkest columns on both sides of it (darkness: below the patch's paper)."""
    dark = np.clip(float(patch.max()) - patch.min(axis=0).astype(np.float64), 0, None)
    for i in range(1, dark.size - 1):
        if dark[i] < 0.5 * min(dark[:i].max(), dark[i + 1 :].max()):
            return False
    return True


def _level(patch: np.ndarray) -> bool:
    """Whether the ink of a small patch of grey, weighed by how much darker than paper it is (past its noise),
    spreads LEVEL times as far across as up and down."""
    dark = np.clip(patch.max() - PAPER_NOISE - patch.astype(np.float64), 0, None)
    if dark.sum() <= 0:
        return False
    ys, xs = np.indices(dark.shape)
    weight = dark / dark.sum()
    spread_x = (weight * (xs - (weight * xs).sum()) ** 2).sum()
    spread_y = (weight * (ys - (weight * ys).sum()) ** 2).sum()
    return spread_x >= LEVEL**2 * spread_y


def faint_strokes(grey: np.ndarray, line: Box, height: int) -> bool:
    """Whether the faint ink about a mark's `line` (ogi.ocr.layout.traces, a line of text around it) is
    more than the mark: strokes the page's binarisation lost joined to it (of a faint 2 only its base is left,
    a dash). The traces that touch the line, taller than a dash's bar and than the line itself."""
    from ogi.ocr.image import components
    from ogi.ocr.layout import traces

    pad = max(2, height)  # a line of text around it: a digit's strokes hold too little of the box to be a ruling
    around = Box(max(0, line.x0 - pad), max(0, line.y0 - pad), line.x1 + pad, line.y1 + pad)
    marked = traces(grey, around).astype(np.uint8)
    count, labels, stats = components(marked)
    inside = labels[line.y0 - around.y0 : line.y1 - around.y0, line.x0 - around.x0 : line.x1 - around.x0]
    touching = [k for k in np.unique(inside) if k]
    if not touching:
        return False
    top = min(stats[k, 1] for k in touching)
    bottom = max(stats[k, 1] + stats[k, 3] for k in touching)
    return bottom - top > max(BAR * height, line.y1 - line.y0 + 0.25 * height)


def leading_dash(ink: np.ndarray, line: Box, first: str = "") -> bool:
    """Whether a value's line begins with a dash: its leftmost ink, column by column, is a short level stroke
    about the line's middle, apart from what follows or joined to it by the blur (a minus sign). The
    recogniser can read -3 as a sure 3. No digit begins so: 2 and 3 begin with ink at the top and bottom, 7
    with its bar at the top, 1 with a stroke that rises; but 4's bar may reach out left of its slant (as a
    Ming face prints it), so that a level stroke joined to a digit read as 4 (`first`, the digit the
    recogniser read first) must reach further than that bar does."""
    region = ink[line.y0 : line.y1, line.x0 : line.x1] > 0
    size = region.shape[0]
    filled = np.flatnonzero(region.any(axis=0))
    if not filled.size:
        return False
    extents, centres = [], []
    joined = False
    for column in region[:, filled[0] :].T:
        rows = np.flatnonzero(column)
        if not rows.size:
            break  # the dash ends apart from what follows
        extent, centre = rows[-1] + 1 - rows[0], (rows[0] + rows[-1] + 1) / 2
        if extent > 0.35 * size or not 0.3 * size <= centre <= 0.75 * size:
            joined = True  # the digit the dash is joined to
            break
        extents.append(extent)
        centres.append(centre)
    width = len(extents)
    if width < 0.25 * size or filled[-1] < filled[0] + width + 1:  # too short, or nothing after it
        return False
    if joined and first == "4" and width < FOUR_BAR * size:
        return False
    thickness = float(np.median(extents))
    return width >= 1.5 * thickness and max(centres) - min(centres) <= thickness


def faint_leading_dash(grey: np.ndarray, line: Box, height: int, first: str = "", left: int = 0) -> bool:
    """Whether a value's line begins with a dash too faint for the page's binarisation: the line's traces of
    ink (ogi.ocr.layout.traces), taken from a character's width before it, within its cell (from `left`: the
    end of the label or value in the cell before it is no sign of this one), begin with a minus sign."""
    from ogi.ocr.layout import traces

    wider = Box(max(0, left, line.x0 - height), line.y0, line.x1, line.y1)
    marked = traces(grey, wider).astype(np.uint8)
    return leading_dash(marked, Box(0, 0, wider.x1 - wider.x0, wider.y1 - wider.y0), first)


def speck_line(line: Box, height: int) -> bool:
    """Whether a value's line is too low to be a digit (SPECK_LINE of a line of text) and not flat as a dash
    is: a speck, which the recogniser reads as 0 (a hollow one) or a digit."""
    return line.height < SPECK_LINE * height and line.x1 - line.x0 < 1.5 * line.height
