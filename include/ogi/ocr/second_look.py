"""A second look at a value's line: the line cut close around its ink, so that its digits fill the
recogniser's input as a line of text does in what it was trained on (a small digit on a 150-dpi scan is a
third of the first crop's height, the rest paper), read again. The two readings are one reading of the
line: a reading is as sure as the surer of the two only when both read it; where they differ, each text is
as probable as the two readings hold it on average, which no text reaches SURE with (ogi.ocr.certainty).
"""

from __future__ import annotations

import numpy as np
from ogi.ocr.layout import Box, crop
from ogi.ocr.recognize import Reading

MARGIN = 0.25  # of the line's height, above and below its ink (as a text detector's box leaves it)


def close_crop(grey: np.ndarray, line: Box, side: int) -> np.ndarray:
    """The line with MARGIN of its height above and below, and `side` pixels left and right."""
    above = max(1, round(MARGIN * line.height))
    return crop(grey, line, above, side)


def agreed(first: Reading, second: Reading) -> Reading:
    """Two readings of one line as one: the texts' probabilities averaged; the text both read as sure as
    the surer of the two."""
    texts: dict[str, float] = {}
    for reading in (first, second):
        for text, p in ((reading.text, reading.confidence), *reading.alternatives):
            texts[text] = texts.get(text, 0.0) + p / 2
    ranked = sorted(texts.items(), key=lambda item: -item[1])
    text, p = ranked[0]
    if first.text == second.text == text:
        p = max(first.confidence, second.confidence)
    rest = tuple((t, q) for t, q in ranked[1:])
    return Reading(text, p, rest, first.value and second.value)
