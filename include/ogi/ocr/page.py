"""A scanned page read into the tokens every reader produces: table cells (with their box and how sure
their reading is), row and table ends, and lines of text between the tables, in reading order."""

from __future__ import annotations

import time
from dataclasses import dataclass, field

import numpy as np
from ogi.ocr.grid import Table, find_tables, rulings
from ogi.ocr.image import Page, prepare
from ogi.ocr.layout import Box, cell_box, clean_ink, crop, free_lines, outside_tables, text_lines
from ogi.ocr.recognize import Reading, Recognizer
from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Token

BLANK = Reading("", 1.0)


@dataclass
class OcrToken:
    """What OCR adds to a token: how it read, and where it lies on the page (points from the top left of
    the deskewed page)."""

    reading: Reading
    box: tuple[float, float, float, float]


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


def read_page(rgb: np.ndarray, dpi: float, page_no: int, recognizer: Recognizer, tables_only: bool = False) -> PageText:
    """The page's tokens. `tables_only`: lines outside the tables are not read (nor paid for)."""
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
    owners: list[tuple[int, int]] = []  # (item, part) each crop belongs to
    items: list[tuple[float, str, object]] = []  # (top, kind, payload) in reading order later

    for t_index, table in enumerate(tables):
        cells = table.cells
        for c_index, cell in enumerate(cells):
            box = cell_box(cell, page)
            for part, line in enumerate(text_lines(ink, box, page)):
                crops.append(crop(grey, line, pad))
                owners.append((t_index, c_index * 1000 + part))
        items.append((table.y0, "table", t_index))
    free: list[Box] = []
    if not tables_only:
        free = free_lines(outside_tables(ink, tables, page), page)
        for f_index, line in enumerate(free):
            crops.append(crop(grey, line, pad))
            owners.append((-1, f_index))
            items.append((line.y0, "line", f_index))

    readings = recognizer.read(crops, [None if owner[0] >= 0 else False for owner in owners])
    cell_parts: dict[tuple[int, int], list[Reading]] = {}
    line_readings: dict[int, Reading] = {}
    for (owner, part), reading in zip(owners, readings):
        if owner >= 0:
            cell_parts.setdefault((owner, part // 1000), []).append(reading)
        else:
            line_readings[part] = reading

    def points(box: Box) -> tuple[float, float, float, float]:
        k = 72.0 / dpi
        return (round(box.x0 * k, 1), round(box.y0 * k, 1), round(box.x1 * k, 1), round(box.y1 * k, 1))

    tokens: list[Token] = []
    ocr: list[OcrToken | None] = []
    items.sort(key=lambda item: item[0])
    for _top, kind, index in items:
        if kind == "line":
            reading = line_readings[index]
            if reading.text.strip():
                tokens.append(Token(LINE, reading.text, page_no))
                ocr.append(OcrToken(reading, points(free[index])))
            continue
        table = tables[index]
        cells = table.cells
        order = {id(cell): i for i, cell in enumerate(cells)}
        for band, row in enumerate(table.rows):
            band_readings = [
                _joined(cell_parts.get((index, order[id(cell)]), [])) if cell.band == band else BLANK for cell in row
            ]
            if not any(reading.text for reading in band_readings):
                continue  # a band with no text at all (the text-layer reader passes over such rows too)
            for cell, reading in zip(row, band_readings):
                tokens.append(Token(CELL, reading.text, page_no))
                ocr.append(OcrToken(reading, points(Box(cell.x0, cell.y0, cell.x1, cell.y1))))
            tokens.append(Token(ROW_END, page=page_no))
            ocr.append(None)
        tokens.append(Token(TABLE_END, page=page_no))
        ocr.append(None)
    return PageText(tokens, ocr, len(tables), page.skew, time.process_time() - started)


def _joined(parts: list[Reading]) -> Reading:
    """A cell's lines as one reading: texts joined by a space (as the text-layer reader joins a cell's lines);
    as sure as its least sure line."""
    if not parts:
        return BLANK
    if len(parts) == 1:
        reading = parts[0]
    else:
        text = " ".join(p.text for p in parts if p.text)
        reading = Reading(text, min(p.confidence for p in parts), (), all(p.value for p in parts))
    if not reading.text:  # ink is there, and reads as nothing: not a blank
        return Reading("", 0.0, reading.alternatives, reading.value)
    return reading
