"""Tesseract (Debian's tesseract-ocr with chi_sim, through tesserocr) as a recogniser of the same crops: the
OCR benchmark's baseline engine, and a second reader of the cells the first is unsure of.

Tesseract reads a crop as one line of text (page segmentation mode 7); a value is read with digits and the
marks of a value only. Its confidence is the mean of its words' (0-100, scaled to 0-1).
"""

from __future__ import annotations

import os
import re
from functools import cache

import numpy as np
from ogi.ocr.recognize import PRINTED_VALUE, VALUE_CHARS, Reading, Session

ENGINE = "Tesseract (chi_sim, tesserocr)"
_TESSDATA = ("/usr/share/tesseract-ocr/5/tessdata", "/usr/share/tesseract-ocr/4.00/tessdata")
_SCALE_TO = 40  # crops are scaled so that a line of text is about this many pixels tall
CAP = 0.9  # the most a Tesseract reading is believed (below certainty.SURE)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def tessdata() -> str | None:
    for path in (os.environ.get("TESSDATA_PREFIX"), *_TESSDATA):
        if path and os.path.isfile(os.path.join(path, "chi_sim.traineddata")):
            return path
    return None


def unavailable() -> str | None:
    """Why Tesseract cannot run here, or None when it can."""
    try:
        import tesserocr  # noqa: F401
    except ImportError as exc:
        return f"tesserocr is not installed ({exc})"
    if tessdata() is None:
        return "Tesseract's Simplified Chinese data is not installed (Debian: apt-get install tesseract-ocr-chi-sim)"
    return None


@cache
def recognizer() -> TesseractRecognizer:
    return TesseractRecognizer()


class TesseractRecognizer:
    name = ENGINE

    def __init__(self):
        os.environ.setdefault("OMP_THREAD_LIMIT", os.environ.get("OGI_OCR_THREADS", "1"))  # before Tesseract starts
        import tesserocr

        path = tessdata()
        self.text = tesserocr.PyTessBaseAPI(path=path, lang="chi_sim", psm=tesserocr.PSM.SINGLE_LINE)
        self.values = tesserocr.PyTessBaseAPI(path=path, lang="eng", psm=tesserocr.PSM.SINGLE_LINE)
        self.values.SetVariable("tessedit_char_whitelist", VALUE_CHARS.replace("无", ""))

    def start(self, crops: list[np.ndarray]) -> Session:
        return Session(lambda i, value: self.read_one(crops[i], value))

    def read(self, crops: list[np.ndarray], values: list[bool | None] | None = None) -> list[Reading]:
        return [self.read_one(crop, None if values is None else values[i]) for i, crop in enumerate(crops)]

    def read_one(self, crop: np.ndarray, value: bool | None = None) -> Reading:
        image = _image(crop)
        if value is not False:
            as_value = self._run(self.values, image)
            if value or (as_value.text and PRINTED_VALUE.fullmatch(as_value.text) and value is None):
                if value is None:
                    as_text = self._run(self.text, image)
                    if len(_CJK.findall(as_text.text)) >= 1 and as_text.confidence >= as_value.confidence:
                        return as_text
                text = as_value.text.strip(".,")
                valid = not text or PRINTED_VALUE.fullmatch(text)
                return Reading(text, as_value.confidence if valid else 0.0, (), True)
        return self._run(self.text, image)

    @staticmethod
    def _run(api, image) -> Reading:
        api.SetImage(image)
        text = api.GetUTF8Text().strip().replace(" ", "")
        confidences = api.AllWordConfidences()
        # a word confidence, not a probability: never sure on its own (at most CAP), identities must confirm it
        confidence = (min(confidences) / 100.0 * CAP) if confidences else (1.0 if not text else 0.0)
        return Reading(text, confidence)


def _image(crop: np.ndarray):
    import cv2
    from PIL import Image

    scale = _SCALE_TO / max(crop.shape[0], 1)
    if abs(scale - 1) > 0.1:
        crop = cv2.resize(crop, None, fx=scale, fy=scale, interpolation=cv2.INTER_CUBIC)
    return Image.fromarray(crop)
