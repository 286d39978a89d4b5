"""Cells of a scanned table whose ink OCR barely read as words: specks, JPEG noise or a seal's strokes in a
cell, read as a character or two (店, 儿 网), alone or beside a value (0件近). Among a row's values they are
no words the report printed: the cell holds nothing, or the value beside them. Letters are never specks: a
digit is read as one (1 as Ia.. at 0.21; 5 as S), so a cell read as letters may hold any value."""

from __future__ import annotations

import re

from ogi.printed import VALUE
from ogi.readers.document import CELL

SPECK_WORDS = 0.6  # words read with less probability than this, with no digit in them, are specks
# words with digits in them: read with less probability than this, specks beside a value (never then sure)
SPECKS_BY_VALUE = 0.5
_NOT_OF_A_VALUE = re.compile(r"[^\d.\-−—–/个件项次人万元]+")
_LETTER = re.compile(r"[A-Za-zＡ-Ｚａ-ｚ]")


def speck_cells(doc) -> dict[int, str]:
    """The cell tokens of `doc` (read by OCR) whose words are specks, by index, with the value they stand
    beside ("" where none)."""
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    found = {}
    for index, ocr in doc.ocr_tokens.items():
        text = texts[index].strip()
        if kinds[index] is not CELL or not text or ocr.reading.value or VALUE.fullmatch(text) or _LETTER.search(text):
            continue
        if not any(ch.isdigit() for ch in text):
            if ocr.reading.confidence < SPECK_WORDS:
                found[index] = ""
            continue
        value = _NOT_OF_A_VALUE.sub("", text)
        if ocr.reading.confidence < SPECKS_BY_VALUE and VALUE.fullmatch(value):
            found[index] = value
    return found
