"""A scanned page read into the tokens every reader produces: table cells (with their box and how sure
their reading is), row and table ends, and lines of text between the tables, in reading order."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
from ogi.ocr.grid import Table, find_tables, rulings
from ogi.ocr.image import Page, prepare
from ogi.ocr.layout import (
    Box,
    cell_box,
    char_height,
    clean_ink,
    crop,
    faint_ink,
    faint_mark,
    free_lines,
    outside_tables,
    text_lines,
    with_faint_ink,
)
from ogi.ocr.marks import (
    DASH,
    SLASH,
    among_specks,
    faint_leading_dash,
    faint_strokes,
    leading_dash,
    lone_dash,
    mark_shape,
    small_dash,
    speck_line,
    traced_slash,
)
from ogi.ocr.places import Place, in_place, place_of
from ogi.ocr.recognize import Reading
from ogi.ocr.second_look import agreed, close_crop
from ogi.printed import SLASHES, is_dash
from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Token
from ogi.readers.pdf import PAGE_NUMBER

BLANK = Reading("", 1.0)
SPECK = 0.6  # a line of a value's cell less tall than this part of the value's line is specks
MARGIN = 0.08  # of the page's height, top and bottom: where a page number stands
FAINT = 0.6  # the most a reading of faint ink is believed
UNDER_SEAL = Reading("", 0.0)  # no ink seen, under a seal: not a sure blank
UNSURE_SIGN = 0.45  # a value read without the dash printed before it: neither reading is sure, nor confirmed
SEALED_CELL = 0.05  # the part of a cell a seal covers from which what it holds may be under the seal
SEALED_VALUE = 0.03  # the part of a value's line a seal's ink covers from which the value is not sure
SURE_MARK = 0.99  # a dash or slash read as such, whose ink has that shape
WIDE_MARK = 0.4  # of a line of text's height: a mark this wide (not a hyphen a speck may pass for) read as no digit
MINUS = "-−"
NO_DIGIT = 0.5  # a digit read with less probability than this over a mark's ink is no reading of a digit
UNSURE_WIDER = 0.9  # the most a value read again with the faint ink beside it is believed, when the readings differ


@dataclass
class OcrToken:
    """What OCR adds to a token: how it read, and where it lies on the page (points from the top left of
    the deskewed page)."""

    reading: Reading
    box: tuple[float, float, float, float]
    crop: np.ndarray | None = None  # a value's line as read, for a second reader (ogi.ocr.certainty)


@dataclass
class PageText:
    tokens: list[Token]
    ocr: list[OcrToken | None]  # per token
    tables: int
    skew: float
    seconds: float
    notes: list[str] = field(default_factory=list)


def find_page_tables(rgb: np.ndarray, dpi: float) -> tuple[Page, list[Table]]:
    page = prepare(rgb, dpi)
    return page, find_tables(page)


def read_page(rgb: np.ndarray, dpi: float, page_no: int, recognizer, tables_only: bool = False) -> PageText:
    """The page's tokens. `recognizer`: the engine (ogi.ocr.recognize, or ogi.ocr.tesseract as the
    benchmark's baseline); `tables_only`: lines outside the tables are not read (nor paid for)."""
    import cv2

    started = time.process_time()
    page = prepare(rgb, dpi)
    lines = rulings(page)
    tables = find_tables(page, lines)
    ruled = lines.mask(set().union(*(t.horizontal for t in tables)), set().union(*(t.vertical for t in tables)))
    ruled = cv2.dilate(ruled, np.ones((3, 3), np.uint8))
    ink = clean_ink(page, ruled)
    grey = page.grey.copy()
    grey[ruled > 0] = 255  # the tables' rulings whitened, so that a crop near a cell's edge shows no line
    pad = page.px(0.04)

    crops: list[np.ndarray] = []
    parts: dict[tuple[int, int], list[tuple[int, Box]]] = {}  # (table, cell) → (crop, line box) per line
    items: list[tuple[float, str, int]] = []  # (top, kind, index), put in reading order below
    faint: set[tuple[int, int]] = set()  # cells whose only ink is too faint to be sure of
    wider: dict[int, np.ndarray] = {}  # crop → the crop with the faint ink beside its line, where that is more
    close: dict[int, Box] = {}  # crop of a cell's line → the line as looked at closely (with that faint ink)
    height = char_height(ink, [cell_box(cell, page) for table in tables for cell in table.cells], page)
    for t_index, table in enumerate(tables):
        for c_index, cell in enumerate(table.cells):
            box = cell_box(cell, page)
            found = text_lines(ink, box, page, height)
            if not found and (dash := lone_dash(ink, grey, box, height)) is not None:
                found = [dash]
                if among_specks(ink, box, dash):
                    faint.add((t_index, c_index))
            if not found:
                found = text_lines(faint_ink(grey, box, page), box, page, height)
                if not found and (mark := faint_mark(grey, box, page, height)) is not None:
                    found = [mark]
                if found:
                    faint.add((t_index, c_index))
            for line in found:
                parts.setdefault((t_index, c_index), []).append((len(crops), line))
                crops.append(crop(grey, line, pad))
                wide = with_faint_ink(grey, line, box, page, height)  # never smaller than the line
                if max(line.x0 - wide.x0, line.y0 - wide.y0, wide.x1 - line.x1, wide.y1 - line.y1) >= pad:
                    wider[len(crops) - 1] = crop(grey, wide, pad)  # faint ink past what the crop holds
                    close[len(crops) - 1] = wide
                else:
                    close[len(crops) - 1] = line
        items.append((table.y0, "table", t_index))
    free: list[Box] = []
    first_free = len(crops)
    if not tables_only:
        free = free_lines(outside_tables(ink, tables, page), page)
        for f_index, line in enumerate(free):
            crops.append(crop(grey, line, pad))
            items.append((line.y0, "line", f_index))

    session = recognizer.start(crops)
    readings: list[Reading] = [session.read(i, None if i < first_free else False) for i in range(len(crops))]
    _words_with_faint_ink(readings, crops, wider, recognizer)
    sealed = _under_seal(tables, page)
    faint |= _values_read_again(tables, parts, readings, session, sealed)
    unsure = _with_faint_ink_read(readings, crops, wider, recognizer)
    _look_again(grey, close, readings, recognizer, pad, unsure)
    printed = _print_grey(grey, parts, height)
    cell_readings = {key: _joined([(readings[i], line) for i, line in lines], height) for key, lines in parts.items()}
    for key in sealed - parts.keys():  # a cell a seal lies over, with no ink seen: what it held may be under it
        cell_readings[key] = UNDER_SEAL
    places = _places(tables, parts, cell_readings, page, grey, height, printed)
    for key in parts:
        box, place = cell_box(tables[key[0]].cells[key[1]], page), places[key[0]]
        reading = cell_readings[key] = _as_marked(
            cell_readings[key],
            ink,
            grey,
            parts[key],
            readings,
            height,
            printed,
            lambda line, box=box, place=place: in_place(line, box, place, height),
            box,
        )
        if key in faint and key not in sealed and _seen_slash(reading, grey, parts[key], box, place, height, printed):
            faint.discard(key)  # a thin stroke the binarisation lost, as dark as the page's print: no faint ink
        if not reading.text or not (reading.value or reading.text[:1].isdigit()):
            continue  # a number read as text has its unit after it (3项)
        line = _value_line(grey, parts[key], height, printed)
        if reading.value and _not_one_value(ink, tables[key[0]].cells[key[1]], page, height, line):
            reading = Reading(reading.text, 0.0, reading.alternatives, True)  # a cell the grid missed
        if _speck(grey, line, height, printed):  # a speck read as 0: never a sure number, nor confirmed by a blank's 0
            reading = Reading(reading.text, min(reading.confidence, UNSURE_SIGN), reading.alternatives, reading.value)
        first = reading.text[:1]
        if first in MINUS and reading.text[1:2].isdigit() and leading_dash(ink, line, reading.text[1]):
            reading = _sign_seen(reading)
        elif first.isdigit() and (
            leading_dash(ink, line, first) or faint_leading_dash(grey, line, height, first, box.x0)
        ):
            alternatives = (*reading.alternatives, ("-" + reading.text, reading.confidence))
            reading = Reading(reading.text, min(reading.confidence, UNSURE_SIGN), alternatives, reading.value)
        cell_readings[key] = reading
    faint |= _values_under_seal(parts, cell_readings, page)
    for key in faint:  # faint ink read is never sure on its own: its identities must confirm it
        reading = cell_readings[key]
        cell_readings[key] = Reading(reading.text, min(reading.confidence, FAINT), reading.alternatives, reading.value)
    line_readings = {f: readings[first_free + f] for f in range(len(free))}
    value_crops = {
        key: crops[max(lines, key=lambda part: part[1].height)[0]]
        for key, lines in parts.items()
        if cell_readings[key].value
    }

    def points(box: Box) -> tuple[float, float, float, float]:
        k = 72.0 / dpi
        return (round(box.x0 * k, 1), round(box.y0 * k, 1), round(box.x1 * k, 1), round(box.y1 * k, 1))

    tokens: list[Token] = []
    ocr: list[OcrToken | None] = []
    items.sort(key=lambda item: item[0])
    for _top, kind, index in items:
        if kind == "line":
            reading = line_readings[index]
            if not furniture(reading.text, free[index], page.grey.shape[0]):
                tokens.append(Token(LINE, reading.text, page_no))
                ocr.append(OcrToken(reading, points(free[index])))
            continue
        table = tables[index]
        order = {id(cell): i for i, cell in enumerate(table.cells)}
        for band, row in enumerate(table.rows):
            band_readings = [
                cell_readings.get((index, order[id(cell)]), BLANK) if cell.band == band else BLANK for cell in row
            ]
            if not any(reading.text for reading in band_readings) and not _printed_blank(table, band):
                continue  # a band with no text at all (the text-layer reader passes over such rows too)
            for cell, reading in zip(row, band_readings):
                tokens.append(Token(CELL, reading.text, page_no))
                value_crop = value_crops.get((index, order[id(cell)])) if cell.band == band else None
                ocr.append(OcrToken(reading, points(Box(cell.x0, cell.y0, cell.x1, cell.y1)), value_crop))
            tokens.append(Token(ROW_END, page=page_no))
            ocr.append(None)
        tokens.append(Token(TABLE_END, page=page_no))
        ocr.append(None)
    return PageText(tokens, ocr, len(tables), page.skew, time.process_time() - started)


def _printed_blank(table: Table, band: int) -> bool:
    """Whether a band with no text is a row printed blank, kept as the text-layer reader keeps it: the table's
    last band, of several cells of its own (表四's value row under its header, zeros printed blank)."""
    return band == len(table.rows) - 1 and sum(cell.band == band for cell in table.rows[band]) > 1


def _values_read_again(
    tables: list[Table],
    parts: dict[tuple[int, int], list[tuple[int, Box]]],
    readings: list[Reading],
    session,
    sealed: set[tuple[int, int]],
) -> set[tuple[int, int]]:
    """A column, or a row, of values: its cells that did not read as values are read as values too (in
    `readings`), unless they read as words (its header, its label); a 0 the model took for a letter is still
    a value. In a column of values, words read beside digits in a cell a seal lies over may be the seal's own
    (民政 of its agency's name) beside the value: that cell is read as a value too, and returned, to be
    believed no more than faint ink (its identities must confirm it). A header under the seal, words
    without a digit, stays words."""
    seal_words: set[tuple[int, int]] = set()
    for t_index, table in enumerate(tables):
        columns = list(_columns(table).values())
        for n, members in enumerate([*columns, *_bands(table)]):
            keys = [(t_index, c) for c in members if (t_index, c) in parts]
            values = sum(all(readings[i].value for i, _ in parts[key]) for key in keys)
            if values < 2 or values < 0.6 * len(keys):
                continue
            for key in keys:
                text = "".join(readings[i].text for i, _ in parts[key])
                under_seal = n < len(columns) and key in sealed and any(ch.isdigit() for ch in text)
                if not under_seal and _words(Reading(text, 1.0)):
                    continue  # a cell of words (a label over several lines, one of them 3.危)
                for i, _line in parts[key]:
                    if not readings[i].value:
                        readings[i] = session.read(i, True)
                        if under_seal:
                            seal_words.add(key)
    return seal_words


def _words_with_faint_ink(
    readings: list[Reading], crops: list[np.ndarray], wider: dict[int, np.ndarray], recognizer
) -> None:
    """Lines read as no value whose faint ink beside them, past the crop, reads as more words: a label in faded
    print of which the binarisation kept a character or a stroke (规 of 规章, which a row of values would
    then read again as a value). The wider reading is the line's (in `readings` and `crops`)."""
    words = [i for i in wider if not readings[i].value]
    if not words:
        return
    session = recognizer.start([wider[i] for i in words])
    for n, i in enumerate(words):
        wide = session.read(n, None)
        if _words(wide) and len(wide.text) > len(readings[i].text):
            readings[i], crops[i] = wide, wider[i]


def _with_faint_ink_read(
    readings: list[Reading], crops: list[np.ndarray], wider: dict[int, np.ndarray], recognizer
) -> set[int]:
    """Values whose line has faint ink beside it, past the crop (small, faded print the binarisation lost),
    read again with that ink: where the two readings differ, the wider one is the reading (the crop did not
    hold the whole value), not sure, the narrower its alternative; the identities must confirm it. The
    wider crop is the one a second reader sees (`crops`). Returns the crops whose readings differed."""
    again = [i for i in wider if readings[i].value]
    if not again:
        return set()
    differed = set()
    session = recognizer.start([wider[i] for i in again])
    for n, i in enumerate(again):
        narrow, wide = readings[i], session.read(n, True)
        crops[i] = wider[i]
        if wide.text != narrow.text:
            alternatives = (*wide.alternatives, (narrow.text, narrow.confidence))
            readings[i] = Reading(wide.text, min(wide.confidence, UNSURE_WIDER), alternatives, True)
            differed.add(i)
    return differed


def _look_again(
    grey: np.ndarray, close: dict[int, Box], readings: list[Reading], recognizer, side: int, unsure: set[int]
) -> None:
    """Each line of a table's cell that read as a value (its box in `close`) read again, cut close around its
    ink (ogi.ocr.second_look), and the two readings made one (in `readings`): sure only where both read it.
    A reading `unsure` (its wider crop read otherwise than its line) stays no surer than it was."""
    todo = [i for i in close if readings[i].value]
    if not todo:
        return
    session = recognizer.start([close_crop(grey, close[i], side) for i in todo])
    for n, i in enumerate(todo):
        first = readings[i]
        both = agreed(first, session.read(n, True))
        if i in unsure and both.confidence > first.confidence:
            both = Reading(both.text, first.confidence, both.alternatives, both.value)
        readings[i] = both


def _as_marked(
    reading: Reading,
    ink: np.ndarray,
    grey: np.ndarray,
    lines: list[tuple[int, Box]],
    readings: list[Reading],
    height: int,
    printed: int = 0,
    placed: Callable[[Box], bool] | None = None,
    cell: Box | None = None,
) -> Reading:
    """A value cell's reading weighed against the shape of its ink (ogi.ocr.marks): a cell whose ink is a dash
    or a slash, specks aside, is that mark, whatever digit the recogniser made of it (a bar read as 2, a slash
    as 7): sure where the recogniser read the mark, or allowed it among its readings; otherwise not sure, with
    the digits as its alternatives; sure too where it reads as no digit, or none plausibly (a dash read as 一
    or 二, a hyphen as a 0 at 0.2). A dash narrower than WIDE_MARK (a speck may pass for it) is sure only as a
    hyphen by its shades of grey (ogi.ocr.marks.small_dash, `printed`: the grey of the page's print) that
    stands where its table's values stand (`placed`, None: anywhere). Where faint ink about it is more than
    the mark (a faint 2 whose base alone the binarisation kept), neither the mark nor the reading is sure. A
    slash too faint for the page's binarisation (its binary ink is pieces, no one stroke) is seen by the
    traces of ink about its line in its `cell` (ogi.ocr.marks.traced_slash).
    `readings`: each line's own (a speck beside a small dash is taller)."""
    if _words(reading):
        return reading
    traced = _traced(grey, lines, cell, height, printed)
    kept = [(i, box) for i, box in lines if not _speck(grey, box, height, printed)]
    if traced is not None:  # its pieces in the binary ink may be as small as specks
        kept = [(max(lines, key=lambda part: part[1].height)[0], traced)]
    if len(kept) != 1:
        return reading
    line = kept[0][1]
    shape = SLASH if traced is not None else mark_shape(ink, line, height)
    hyphen = small_dash(grey, line, height, printed)
    if shape is None and hyphen:
        shape = DASH
    if shape is None:
        return reading
    if len(lines) > 1:
        reading = readings[kept[0][0]]
    is_mark = is_dash if shape == DASH else SLASHES.__contains__
    texts = [(reading.text, reading.confidence), *reading.alternatives]
    marks = [(t, p) for t, p in texts if is_mark(t.strip())]
    others = tuple((t, p) for t, p in texts if not is_mark(t.strip()))
    # a speck may pass for a small dash: it is sure only as a hyphen that stands where the table's values do
    small = line.x1 - line.x0 < WIDE_MARK * height and shape == DASH
    small = small and not (hyphen and (placed is None or placed(line)))
    # the mark may be what is left of a faint digit (its traces are more than the mark): neither is sure
    if small or (traced is None and faint_strokes(grey, line, height)):
        mark = marks[0] if marks else ("-" if shape == DASH else "/", 0.0)
        alternatives = (*reading.alternatives, mark) if not marks else reading.alternatives
        return Reading(reading.text, min(reading.confidence, UNSURE_SIGN), alternatives, True)
    if marks:
        return Reading(marks[0][0], max(marks[0][1], SURE_MARK), others, True)
    mark = "-" if shape == DASH else "/"
    no_digit = not any(ch.isdigit() for ch in reading.text) or reading.confidence < NO_DIGIT
    if no_digit:
        return Reading(mark, SURE_MARK, others, True)
    return Reading(mark, UNSURE_SIGN, others, True)


def _traced(grey: np.ndarray, lines: list[tuple[int, Box]], cell: Box | None, height: int, printed: int) -> Box | None:
    """The slash every line of a cell is a piece of, by its traces of ink (ogi.ocr.marks.traced_slash), or None."""
    if cell is None or not lines:
        return None
    found = {traced_slash(grey, box, cell, height, printed) for _i, box in lines}
    return found.pop() if len(found) == 1 else None


def _seen_slash(
    reading: Reading,
    grey: np.ndarray,
    lines: list[tuple[int, Box]],
    cell: Box,
    place: Place | None,
    height: int,
    printed: int,
) -> bool:
    """Whether a cell's reading is a sure slash (_as_marked) by the shape of its traces of ink (a thin stroke
    the page's binarisation lost: ogi.ocr.marks.traced_slash), as dark as the page's print (`printed`) and
    standing where its table's values stand (`place`): a slash as clearly printed as the values are, not
    faint ink a reading of which its identities must confirm (they cannot tell a slash from a 0)."""
    if reading.text not in SLASHES or reading.confidence < SURE_MARK:
        return False
    traced = _traced(grey, lines, cell, height, printed)
    return traced is not None and in_place(traced, cell, place, height)


def _sign_seen(reading: Reading) -> Reading:
    """A value read with a minus sign that its ink's shape shows (ogi.ocr.marks.leading_dash): the sign is
    settled, and the reading as sure as its digits, the recogniser's reading of them without the sign counted
    with it (-4 at 0.79, 4 at 0.21: the 4 is sure, and so is its sign)."""
    unsigned = reading.text[1:]
    p = reading.confidence + sum(q for text, q in reading.alternatives if text == unsigned)
    return Reading(reading.text, min(1.0, max(reading.confidence, p)), reading.alternatives, reading.value)


def _speck(grey: np.ndarray, line: Box, height: int, printed: int) -> bool:
    """Whether a line of a value's cell is a speck: too low to be a digit, and no hyphen."""
    return speck_line(line, height) and not small_dash(grey, line, height, printed)


def _value_line(grey: np.ndarray, lines: list[tuple[int, Box]], height: int, printed: int) -> Box:
    """The line of a cell that holds its value: the tallest that is no speck (a hyphen is lower than a speck
    beside it may be), or the tallest where all are specks."""
    boxes = [box for _i, box in lines]
    fit = [box for box in boxes if not _speck(grey, box, height, printed)]
    return max(fit or boxes, key=lambda box: box.height)


def _places(
    tables: list[Table], parts: dict, cell_readings: dict, page: Page, grey: np.ndarray, height: int, printed: int
) -> list[Place | None]:
    """Per table, where its values stand in their cells (ogi.ocr.places): from the tallest line of each cell
    that reads as a value with digits, as tall as half a line of text, and of each line shaped as a hyphen
    (ogi.ocr.marks.small_dash: a table may print all its zeros so, and few digits). None where fewer than two
    in three of them stand near their place (specks, scattered)."""
    values: list[list[tuple[Box, Box]]] = [[] for _ in tables]
    hyphens: list[list[tuple[Box, Box]]] = [[] for _ in tables]
    for (t_index, c_index), lines in parts.items():
        reading = cell_readings[(t_index, c_index)]
        box = cell_box(tables[t_index].cells[c_index], page)
        line = max((line for _i, line in lines), key=lambda line: line.height)
        if reading.value and any(ch.isdigit() for ch in reading.text) and line.height >= 0.5 * height:
            values[t_index].append((line, box))
        hyphens[t_index] += [(line, box) for _i, line in lines if small_dash(grey, line, height, printed)]
    places = []
    for found in (a + b for a, b in zip(values, hyphens)):
        place = place_of(found)
        near = sum(in_place(line, box, place, height) for line, box in found)
        places.append(place if near >= 2 / 3 * len(found) else None)
    return places


def _print_grey(grey: np.ndarray, parts: dict[tuple[int, int], list[tuple[int, Box]]], height: int) -> int:
    """The grey of the page's print at its darkest: the median of the darkest grey of the tables' lines as tall
    as half a line of text (digits, words); black where there are none."""
    darkest = [
        int(grey[box.y0 : box.y1, box.x0 : box.x1].min())
        for lines in parts.values()
        for _i, box in lines
        if box.height >= 0.5 * height
    ]
    return int(np.median(darkest)) if darkest else 0


def _values_under_seal(parts: dict[tuple[int, int], list[tuple[int, Box]]], cell_readings: dict, page: Page) -> set:
    """Cells whose value a seal's ink crosses: where the red was taken away, the strokes under it went too, and
    what is left of a 0 the ring ran through reads as a sure 6. Such a value is believed no more than faint ink."""
    out: set[tuple[int, int]] = set()
    if page.sealed is None:
        return out
    for key, lines in parts.items():
        if not cell_readings[key].value:
            continue
        if any(_sealed_part(page, box) > SEALED_VALUE for _i, box in lines):
            out.add(key)
    return out


def _sealed_part(page: Page, box: Box) -> float:
    """The part of `box` a seal's ink covers."""
    under = page.sealed[box.y0 : box.y1, box.x0 : box.x1]
    return float((under > 0).mean()) if under.size else 0.0


def _under_seal(tables: list[Table], page: Page) -> set[tuple[int, int]]:
    """The cells (table, cell) a seal lies over."""
    out: set[tuple[int, int]] = set()
    if page.sealed is None:
        return out
    for t_index, table in enumerate(tables):
        for c_index, cell in enumerate(table.cells):
            if _sealed_part(page, cell_box(cell, page)) > SEALED_CELL:
                out.add((t_index, c_index))
    return out


def furniture(text: str, box: Box, height: int) -> bool:
    """Whether a line outside the tables is no text of the report: marks alone (specks read as `:` or `'`),
    or a page number in the page's top or bottom margin, as the text-layer reader leaves them out. Such a
    line between a table's last row on one page and its continuation on the next would keep the row split
    by the page break from being joined."""
    if not any(ch.isalnum() for ch in text):
        return True
    margin = box.y1 < MARGIN * height or box.y0 > (1 - MARGIN) * height
    return margin and bool(PAGE_NUMBER.match(text.strip()))


def _not_one_value(ink: np.ndarray, cell, page, height: int, line: Box | None = None) -> bool:
    """Whether a cell's ink is more than one value: a ruling the grid missed runs down it (a thin stroke as
    tall as most of the cell), or the ink of its value's `line` (the whole cell without one) falls in groups
    further apart than a character is wide (two values side by side). Specks above or below the value's line
    are not a second value beside it: _joined weighs them."""
    from ogi.ocr.image import components
    from ogi.ocr.layout import without_specks

    box = cell_box(cell, page)
    region = without_specks(ink[box.y0 : box.y1, box.x0 : box.x1], page)
    if not region.any():
        return False
    count, _labels, stats = components(region)
    for _x, _y, w, h, _area in stats[1:count]:
        if h >= 0.7 * region.shape[0] and w <= page.px(0.03) and h >= 1.5 * height:
            return True
    if line is not None:
        region = region[max(0, line.y0 - box.y0) : max(0, line.y1 - box.y0)]
    cols = np.flatnonzero(region.any(axis=0))
    return bool(cols.size) and bool((np.diff(cols) > max(page.px(0.1), int(0.8 * height))).any())


def _columns(table: Table) -> dict[tuple[int, int], list[int]]:
    """The table's cells by column: cells spanning the same x-range, by their index in `table.cells`."""
    out: dict[tuple[int, int], list[int]] = {}
    for i, cell in enumerate(table.cells):
        out.setdefault((cell.x0 // 8, cell.x1 // 8), []).append(i)
    return out


def _bands(table: Table) -> list[list[int]]:
    """The table's cells by band, by their index in `table.cells` (a merged cell in its first band only)."""
    index = {id(cell): i for i, cell in enumerate(table.cells)}
    return [[index[id(cell)] for cell in row if cell.band == band] for band, row in enumerate(table.rows)]


def _words(reading: Reading) -> bool:
    """Whether a reading is words (a header): two CJK characters or more, which no value is misread as."""
    return sum("一" <= ch <= "鿿" for ch in reading.text) >= 2


def _joined(parts: list[tuple[Reading, Box]], height: int | None = None) -> Reading:
    """A cell's lines as one reading. Words: texts joined by a space (as the text-layer reader joins a cell's
    lines), as sure as the least sure line. A value is printed on one line: of several lines that read as
    values, the tallest is the value and the others marks beside it, so the reading is not sure; unless the
    others are specks, less than SPECK of the value's height, and the value's line is no taller than a line
    of text (`height`), so that it cannot be a smudge taller than the digits it hides. Where the tallest reads
    as nothing and another line as a value, that value is the reading, not sure (its unit wrapped under it)."""
    if not parts:
        return BLANK
    if len(parts) == 1:
        reading = parts[0][0]
    elif all(r.value for r, _ in parts):
        reading, tallest = max(parts, key=lambda part: part[1].height)
        specks = height is not None and tallest.height <= 1.2 * height
        if any(
            r.text and not (specks and box.height < SPECK * tallest.height) for r, box in parts if box is not tallest
        ):
            reading = Reading(reading.text, min(reading.confidence, 0.9), reading.alternatives, True)
        if not reading.text and (read := [part for part in parts if part[0].text]):
            # the tallest line reads as nothing, another as a value: a unit wrapped under its number (3 / 个)
            number = max(read, key=lambda part: part[1].height)[0]
            reading = Reading(number.text, min(number.confidence, 0.9), number.alternatives, True)
    else:
        text = " ".join(r.text for r, _ in parts if r.text)
        reading = Reading(text, min(r.confidence for r, _ in parts), (), False)
    if not reading.text:  # ink is there, and reads as nothing: not a blank
        return Reading("", 0.0, reading.alternatives, reading.value)
    return reading
