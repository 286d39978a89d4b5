"""A scanned page made ready to read: red seals taken out by colour, the background evened out, the skew
measured and undone, and ink told from paper."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

MAX_SKEW = 5.0  # degrees; scans skewed more than this are read as they are


@dataclass
class Page:
    """A page image at `dpi`, deskewed: `grey` (ink dark, red removed, background flattened to white) and
    `ink` (binary, 255 where ink is)."""

    grey: np.ndarray
    ink: np.ndarray
    dpi: float
    skew: float  # degrees the scan was rotated by (undone here)
    sealed: np.ndarray | None = None  # 255 where a red seal lay (what was under it may be lost)

    def px(self, inches: float) -> int:
        return max(1, round(inches * self.dpi))


def components(mask: np.ndarray) -> tuple[int, np.ndarray, np.ndarray]:
    """Connected components of a binary image: (count with the background, labels, stats). OpenCV crashes
    the process on an empty image, so an empty one has none."""
    import cv2

    if mask.size == 0:
        return 1, np.zeros(mask.shape, dtype=np.int32), np.zeros((1, 5), dtype=np.int32)
    count, labels, stats, _ = cv2.connectedComponentsWithStats(np.ascontiguousarray(mask), connectivity=8)
    return count, labels, stats


def without_red(rgb: np.ndarray) -> tuple[np.ndarray, np.ndarray | None]:
    """Greyscale in which a red seal is paper and the text under it stays, and where the seal lay. The red
    channel, where black ink is dark and red ink bright. Ink multiplies, so under the seal the red channel
    is the text's own grey times the seal's red transmittance; dividing that out where the page is reddish
    (and a little around, where JPEG smears the colour) makes the seal white and leaves the text as printed."""
    import cv2

    red = np.ascontiguousarray(rgb[:, :, 0])
    if rgb.ndim < 3 or rgb.shape[2] < 3:
        return red, None
    excess = red.astype(np.int16) - np.maximum(rgb[:, :, 1], rgb[:, :, 2])
    strong = excess > 60
    if strong.sum() < 50:
        return red, None
    transmittance = float(np.clip(np.median(red[strong]) / 255.0, 0.6, 1.0))
    reddish = cv2.dilate((excess > 25).astype(np.uint8), np.ones((5, 5), np.uint8)) > 0
    red[reddish] = np.minimum(255.0, red[reddish] / transmittance).astype(np.uint8)
    return red, np.where(reddish, 255, 0).astype(np.uint8)


def flatten_background(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Paper brought to white and ink stretched to the full range: divides by the paper's local brightness
    (a closing removes the ink, lines and text, from it)."""
    import cv2

    size = max(15, int(dpi / 10)) | 1
    small = cv2.resize(grey, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    paper = cv2.morphologyEx(small, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, (size // 4 | 1,) * 2))
    paper = cv2.resize(paper, (grey.shape[1], grey.shape[0]), interpolation=cv2.INTER_LINEAR)
    flat = cv2.divide(grey, np.maximum(paper, 1), scale=255)
    # the ink's darkness stretched so that faded ink reads as ink: the darkest 0.5% of pixels become black
    dark = float(np.percentile(flat, 0.5))
    if dark > 10:
        alpha = min(2.0, 255.0 / max(255.0 - dark, 1.0))  # at most doubled: a page of little ink stays light
        flat = cv2.convertScaleAbs(255.0 - (255.0 - flat.astype(np.float32)) * alpha)
    return flat


def binarise(grey: np.ndarray, dpi: float) -> np.ndarray:
    """Ink as 255: darker than its neighbourhood by a margin, after a light blur that quiets JPEG and sensor
    noise. Works on faint ink, where one global threshold would drop it."""
    import cv2

    smooth = cv2.GaussianBlur(grey, (3, 3), 0)
    block = max(15, int(dpi / 6)) | 1
    ink = cv2.adaptiveThreshold(smooth, 255, cv2.ADAPTIVE_THRESH_MEAN_C, cv2.THRESH_BINARY_INV, block, 18)
    ink[smooth > 200] = 0  # paper-light pixels are never ink, however dark their neighbourhood
    return ink


def skew_angle(ink: np.ndarray, dpi: float) -> float:
    """The page's skew in degrees (counter-clockwise positive): from its long straight lines when it has
    ruled tables (a Hough transform over angles within MAX_SKEW of level, at about 100 dpi), else from the rows
    of text (the angle whose row profile is sharpest)."""
    import cv2

    scale = min(1.0, 100 / dpi)
    small = cv2.resize(ink, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    small = np.where(small > 64, 255, 0).astype(np.uint8)
    # runs of ink that are long and level enough to be rulings (a 5° line still runs 12 px a row)
    level = cv2.morphologyEx(small, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, (12, 1)))
    min_votes = int(100 * 1.5)  # pixels at 100 dpi: a line an inch and a half long
    lines = cv2.HoughLines(
        level,
        1,
        np.pi / 1800,
        threshold=min_votes,
        min_theta=np.pi / 2 - np.radians(MAX_SKEW),
        max_theta=np.pi / 2 + np.radians(MAX_SKEW),
    )
    if lines is not None and len(lines) >= 2:
        thetas = lines.reshape(-1, lines.shape[-1])[:20, 1]  # the strongest lines first
        return float(np.degrees(np.pi / 2 - np.median(thetas)))
    return _profile_angle(ink)


def _profile_angle(ink: np.ndarray) -> float:
    import cv2

    small = cv2.resize(ink, None, fx=0.25, fy=0.25, interpolation=cv2.INTER_AREA)
    h, w = small.shape
    best, best_score = 0.0, -1.0
    for step in (0.5, 0.1):
        centre = best
        for angle in np.arange(centre - 10 * step, centre + 10 * step + 1e-9, step):
            if abs(angle) > MAX_SKEW:
                continue
            matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
            rows = cv2.warpAffine(small, matrix, (w, h)).sum(axis=1, dtype=np.float64)
            score = float(np.square(np.diff(rows)).sum())
            if score > best_score:
                best, best_score = float(angle), score
    return best


def rotate(image: np.ndarray, angle: float, fill: int) -> np.ndarray:
    import cv2

    h, w = image.shape[:2]
    matrix = cv2.getRotationMatrix2D((w / 2, h / 2), -angle, 1.0)
    return cv2.warpAffine(image, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=fill)


def prepare(rgb: np.ndarray, dpi: float) -> Page:
    grey, sealed = without_red(rgb)
    grey = flatten_background(grey, dpi)
    ink = binarise(grey, dpi)
    angle = skew_angle(ink, dpi)
    if abs(angle) >= 0.05:
        grey = rotate(grey, angle, 255)
        ink = binarise(grey, dpi)
        sealed = rotate(sealed, angle, 0) if sealed is not None else None
    return Page(grey, ink, dpi, angle, sealed)
