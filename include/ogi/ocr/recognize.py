"""Text-line images to text, with how sure each reading is: the PP-OCRv4 recognition model that the
rapidocr-onnxruntime wheel carries (nothing is fetched at run time), run on onnxruntime and decoded here.

A line that reads as a printed value (digits, separators, a dash or a slash) is decoded again over those
characters alone by CTC prefix beam search, which gives each reading's probability summed over its
alignments, and the other readings the image allows: the evidence the identities weigh.
"""

from __future__ import annotations

import math
import os
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import numpy as np
from ogi.printed import UNIT

ENGINE = "PP-OCRv4 (rapidocr-onnxruntime)"
HEIGHT = 48  # the model's input height
_STRIDE = 8  # input columns per output frame
_MAX_BATCH_PIXELS = 48 * 4096 * 8
UNIT_CHARS = "个件项家次万元"  # a count's or an amount's unit printed after it (3个, 1559.5万元): ogi.printed
VALUE_CHARS = "0123456789,.-—–−/无" + UNIT_CHARS
# in a cell of values, a glyph the model reads as a letter or CJK is the digit or mark it looks like: its
# probability counts for that digit
FOLDS = {
    "0": "OoD〇○",
    "1": "lI|丨",
    "2": "Zz",
    "5": "Ss",
    "6": "b",
    "8": "B",
    "9": "gq",
    ".": "。．·:：",  # a decimal point with a speck over it reads as a colon
    ",": "，、",
    "—": "一－_",
    "/": "／",
}
_LOOKALIKES = "".join(FOLDS.values()) + "iLGT"
# marks a speck beside a value reads as: no printed value holds one, so they count as nothing (the blank)
SPECKS = "'\"`°′″*˙‘’“”"
_MIN_ALTERNATIVE = 1e-3  # readings less probable than this are not kept as alternatives
# a value as a table prints it: a number (thousands separators, decimals), a dash, a slash or 无 (none)
PRINTED_VALUE = re.compile(rf"(?:[-−]?\d{{1,3}}(?:,\d{{3}})+(?:\.\d+)?|[-−]?\d+(?:\.\d+)?){UNIT}?|[—–\-−]+|/|无")
_PRUNE = 1e-4  # symbols less probable than this in a frame are not extended


@dataclass(frozen=True)
class Reading:
    """What a line or cell reads as: its text, the probability of that reading, and the other readings
    (text, probability) the image allows, most probable first. `value` readings were decoded as values."""

    text: str
    confidence: float
    alternatives: tuple[tuple[str, float], ...] = ()
    value: bool = False


def model_path() -> Path:
    import rapidocr_onnxruntime

    path = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    if not path.is_file():
        raise FileNotFoundError(f"the recognition model is not in the rapidocr-onnxruntime wheel: {path}")
    return path


class Session:
    """The crops of one page, read on demand: `read(i, value)` is crop i read as a value (True), as text
    (False), or as a value when it looks like one (None). Each reading is made once."""

    def __init__(self, reader):
        self._reader = reader
        self._done: dict[tuple[int, bool | None], Reading] = {}

    def read(self, index: int, value: bool | None = None) -> Reading:
        key = (index, value)
        if key not in self._done:
            self._done[key] = self._reader(index, value)
        return self._done[key]


@cache
def recognizer() -> Recognizer:
    """One recogniser per process (the model takes about 0.3 s to load), on OGI_OCR_THREADS threads (1: OCR
    tasks run side by side, one per core); OpenCV's image work on as many."""
    import cv2

    threads = int(os.environ.get("OGI_OCR_THREADS", "1"))
    cv2.setNumThreads(threads)
    return Recognizer(threads)


class Recognizer:
    def __init__(self, threads: int = 1):
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = threads
        options.inter_op_num_threads = 1
        options.log_severity_level = 3
        self.session = ort.InferenceSession(str(model_path()), options, providers=["CPUExecutionProvider"])
        characters = self.session.get_modelmeta().custom_metadata_map["character"].splitlines()
        self.alphabet = ["", *characters, " "]  # CTC blank first, the space last, as the model was trained
        index = {ch: i for i, ch in enumerate(self.alphabet)}
        self.value_ids = np.array([index[ch] for ch in VALUE_CHARS if ch in index])
        position = {ch: i for i, ch in enumerate(self.alphabet[k] for k in self.value_ids)}
        folds = [(index[src], position[dst]) for dst, srcs in FOLDS.items() for src in srcs if src in index]
        self.fold_from = np.array([f for f, _ in folds], dtype=np.int64)
        self.fold_to = np.array([t for _, t in folds], dtype=np.int64)
        self.speck_ids = np.array([index[ch] for ch in SPECKS if ch in index], dtype=np.int64)
        self.lookalike = np.zeros(len(self.alphabet), dtype=bool)
        for ch in VALUE_CHARS + _LOOKALIKES:
            if ch in index:
                self.lookalike[index[ch]] = True

    def frames(self, crops: list[np.ndarray]) -> list[np.ndarray]:
        """Per crop (greyscale, text dark on light), the model's per-frame probabilities over the alphabet."""
        widths = [max(_STRIDE, math.ceil(HEIGHT * c.shape[1] / max(c.shape[0], 1))) for c in crops]
        order = sorted(range(len(crops)), key=widths.__getitem__)
        out: list[np.ndarray | None] = [None] * len(crops)
        start = 0
        while start < len(order):
            end = start + 1
            # crops of similar widths share a batch, so that little of it is padding
            while (
                end < len(order)
                and widths[order[end]] <= widths[order[start]] * 1.3 + 16
                and (end - start + 1) * widths[order[end]] * HEIGHT <= _MAX_BATCH_PIXELS
            ):
                end += 1
            batch = order[start:end]
            width = -(-widths[batch[-1]] // _STRIDE) * _STRIDE
            tensor = np.zeros((len(batch), 3, HEIGHT, width), dtype=np.float32)
            for row, i in enumerate(batch):
                tensor[row, :, :, : widths[i]] = _normalised(crops[i], widths[i])
            probs = self.session.run(None, {"x": tensor})[0]
            for row, i in enumerate(batch):
                out[i] = probs[row, : -(-widths[i] // _STRIDE) + 1]
            start = end
        return out  # type: ignore[return-value]

    name = ENGINE

    def start(self, crops: list[np.ndarray]) -> Session:
        """Read a page's crops: the model runs over all of them at once; each is then decoded as asked."""
        frames = self.frames(crops)
        return Session(lambda i, value: self.decode(frames[i], value))

    def read(self, crops: list[np.ndarray], values: list[bool | None] | None = None) -> list[Reading]:
        """Each crop's reading. `values[i]`: True decodes the crop as a value, False as text, None (the
        default) as a value when its plain reading looks like one."""
        readings = []
        for i, probs in enumerate(self.frames(crops)):
            want = None if values is None else values[i]
            readings.append(self.decode(probs, want))
        return readings

    def decode(self, probs: np.ndarray, value: bool | None = None) -> Reading:
        best = probs.argmax(axis=1)
        keep = best != 0
        keep[1:] &= best[1:] != best[:-1]
        ids = best[keep]
        if value is None:  # nothing read at all may be a faint value: try it as one
            value = not len(ids) or bool(self.lookalike[ids].all())
        if not value:
            text = "".join(self.alphabet[i] for i in ids)
            confidence = float(probs.max(axis=1)[keep].min()) if len(ids) else 1.0
            return Reading(text, confidence)
        merged: dict[str, float] = {}
        folded = probs[:, self.value_ids].copy()
        np.add.at(folded, (slice(None), self.fold_to), probs[:, self.fold_from])
        blank = probs[:, 0] + probs[:, self.speck_ids].sum(axis=1)
        for text, p in _prefix_beam_search(folded, blank, self.value_ids, self.alphabet):
            # a separator at either end is a speck or the cell's edge: no printed value starts or ends with one
            text = text.strip(".,")
            merged[text] = merged.get(text, 0.0) + p
        ranked = sorted(merged.items(), key=lambda item: -item[1])
        valid = [(t, p) for t, p in ranked if not t or PRINTED_VALUE.fullmatch(t)]
        if not valid:
            return Reading(ranked[0][0], 0.0, value=True)
        (text, p), rest = valid[0], valid[1:]
        return Reading(text, p, tuple((t, q) for t, q in rest if q >= _MIN_ALTERNATIVE), value=True)


def _normalised(crop: np.ndarray, width: int) -> np.ndarray:
    import cv2

    resized = cv2.resize(
        crop, (width, HEIGHT), interpolation=cv2.INTER_AREA if width < crop.shape[1] else cv2.INTER_LINEAR
    )
    scaled = resized.astype(np.float32) / 127.5 - 1.0
    return np.broadcast_to(scaled, (3, HEIGHT, width))


def _prefix_beam_search(
    sub: np.ndarray, blank: np.ndarray, allowed: np.ndarray, alphabet: list[str], beam: int = 8
) -> list[tuple[str, float]]:
    """CTC prefix beam search over the blank and the `allowed` symbols (`sub`: their probabilities per
    frame, `blank`: the blank's): readings with their probabilities (each summed over the alignments that
    spell it), most probable first."""
    # prefix (tuple of symbol ids) → (p ending in blank, p ending in its last symbol)
    beams: dict[tuple[int, ...], tuple[float, float]] = {(): (1.0, 0.0)}
    for t in range(len(sub)):
        candidates = np.nonzero(sub[t] >= _PRUNE)[0]
        nxt: dict[tuple[int, ...], list[float]] = {}
        pb_t = float(blank[t])
        for prefix, (pb, pnb) in beams.items():
            entry = nxt.setdefault(prefix, [0.0, 0.0])
            entry[0] += (pb + pnb) * pb_t
            last = prefix[-1] if prefix else None
            for k in candidates:
                symbol = int(allowed[k])
                p = float(sub[t, k])
                if symbol == last:
                    entry[1] += pnb * p  # the same symbol again without a blank: the same prefix
                    extended = nxt.setdefault(prefix + (symbol,), [0.0, 0.0])
                    extended[1] += pb * p
                else:
                    extended = nxt.setdefault(prefix + (symbol,), [0.0, 0.0])
                    extended[1] += (pb + pnb) * p
        ranked = sorted(nxt.items(), key=lambda item: -(item[1][0] + item[1][1]))[:beam]
        beams = {prefix: (pb, pnb) for prefix, (pb, pnb) in ranked}
    out = [("".join(alphabet[s] for s in prefix), pb + pnb) for prefix, (pb, pnb) in beams.items()]
    out.sort(key=lambda item: -item[1])
    return out
