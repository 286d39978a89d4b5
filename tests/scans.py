"""Scanned reports made from text-layer PDFs: each page rasterised, then degraded as a scanner, a copier and a
web portal's JPEG encoder degrade it (skew, blur, faded ink, noise, speckle, a red seal over the text), and
put back as an image-only PDF. For the OCR tests and the OCR benchmark."""

from __future__ import annotations

import io
import math
import random
from dataclasses import dataclass

import numpy as np

from tests import fonts


@dataclass(frozen=True)
class Degradation:
    dpi: int = 150
    skew: float = 0.0  # degrees, counter-clockwise
    blur: float = 0.0  # Gaussian sigma in pixels at 150 dpi
    fade: float = 0.0  # 0: black ink; 0.5: ink at half strength (faint rulings, grey text)
    noise: float = 0.0  # Gaussian noise, grey levels
    speckle: float = 0.0  # dark specks per square inch
    jpeg: int = 0  # JPEG quality, 0 for none
    seal: bool = False  # a red seal stamped over the page's lower part

    @classmethod
    def random(cls, rng: random.Random, dpi: int | None = None) -> Degradation:
        """A scan as portals publish them: every degradation at once, each of a random strength."""
        return cls(
            dpi=dpi or rng.choice((150, 200, 300)),
            skew=rng.uniform(-2.0, 2.0),
            blur=rng.uniform(0.3, 1.0),
            fade=rng.uniform(0.0, 0.45),
            noise=rng.uniform(2.0, 10.0),
            speckle=rng.uniform(0.0, 3.0),
            jpeg=rng.randint(35, 80),
            seal=rng.random() < 0.7,
        )


def rasterise(pdf: bytes, dpi: int) -> list[np.ndarray]:
    """The pages of a PDF as RGB images."""
    import pypdfium2 as pdfium

    document = pdfium.PdfDocument(pdf)
    try:
        return [np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB")) for page in document]
    finally:
        document.close()


def degrade(image: np.ndarray, how: Degradation, rng: random.Random) -> np.ndarray:
    import cv2

    out = image.astype(np.float32)
    scale = how.dpi / 150
    if how.fade:
        out = 255 - (255 - out) * (1 - how.fade)
    if how.seal:
        out = _stamp_seal(out, how.dpi, rng)
    if how.blur:
        out = cv2.GaussianBlur(out, (0, 0), how.blur * scale)
    if how.skew:
        h, w = out.shape[:2]
        matrix = cv2.getRotationMatrix2D((w / 2, h / 2), how.skew, 1.0)
        out = cv2.warpAffine(out, matrix, (w, h), flags=cv2.INTER_LINEAR, borderValue=(255, 255, 255))
    if how.speckle:
        h, w = out.shape[:2]
        count = int(how.speckle * (w / how.dpi) * (h / how.dpi))
        for _ in range(count):
            x, y = rng.randrange(w), rng.randrange(h)
            radius = max(1, round(rng.uniform(0.5, 1.6) * scale))
            grey = rng.uniform(0, 120)
            cv2.circle(out, (x, y), radius, (grey, grey, grey), -1)
    if how.noise:
        noise = np.random.default_rng(rng.randrange(2**32)).normal(0, how.noise, out.shape[:2]).astype(np.float32)
        out = out + noise[:, :, None]
    out = np.clip(out, 0, 255).astype(np.uint8)
    if how.jpeg:
        ok, encoded = cv2.imencode(".jpg", out[:, :, ::-1], [cv2.IMWRITE_JPEG_QUALITY, how.jpeg])
        out = cv2.imdecode(encoded, cv2.IMREAD_COLOR)[:, :, ::-1]
    return out


def _stamp_seal(image: np.ndarray, dpi: int, rng: random.Random) -> np.ndarray:
    """A round red seal (ring, star, agency name along the ring) multiplied over the page, as ink is."""
    from PIL import Image, ImageDraw, ImageFont

    h, w = image.shape[:2]
    radius = int(dpi * rng.uniform(0.75, 0.85))
    cx = int(w * rng.uniform(0.45, 0.8))
    cy = int(h * rng.uniform(0.25, 0.85))
    seal = Image.new("L", (w, h), 0)
    draw = ImageDraw.Draw(seal)
    ring = max(2, dpi // 30)
    draw.ellipse((cx - radius, cy - radius, cx + radius, cy + radius), outline=255, width=ring)
    star = [
        (
            cx + radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.sin(k * math.pi / 5),
            cy - radius * 0.3 * (1 if k % 2 == 0 else 0.4) * math.cos(k * math.pi / 5),
        )
        for k in range(10)
    ]
    draw.polygon(star, fill=255)
    font = ImageFont.truetype(str(fonts.font_file(fonts.DEFAULT)), size=max(8, radius // 4))
    name = "示例市人民政府办公室"
    for i, ch in enumerate(name):
        angle = math.pi * (-0.75 + 1.5 * i / (len(name) - 1))
        x = cx + radius * 0.72 * math.sin(angle)
        y = cy - radius * 0.72 * math.cos(angle)
        glyph = Image.new("L", (radius // 3, radius // 3), 0)
        ImageDraw.Draw(glyph).text((radius // 6, radius // 6), ch, fill=255, font=font, anchor="mm")
        glyph = glyph.rotate(-math.degrees(angle), resample=Image.BICUBIC)
        seal.paste(255, (int(x - radius // 6), int(y - radius // 6)), glyph)
    strength = np.asarray(seal, dtype=np.float32)[:, :, None] / 255 * rng.uniform(0.75, 0.95)
    red = np.array([215, 35, 40], dtype=np.float32)
    return image * (1 - strength) + image * (red / 255) * strength


def image_pdf(pages: list[np.ndarray], dpi: int, jpeg: int = 85) -> bytes:
    """An image-only PDF: each page one JPEG, as scanners write them."""
    from PIL import Image

    images = [Image.fromarray(page) for page in pages]
    buffer = io.BytesIO()
    images[0].save(buffer, "PDF", resolution=dpi, save_all=True, append_images=images[1:], quality=jpeg or 85)
    return buffer.getvalue()


def scan(pdf: bytes, how: Degradation, seed: int = 0) -> bytes:
    """`pdf` printed and scanned: an image-only PDF of its pages, degraded as `how` says."""
    rng = random.Random(seed)
    pages = [degrade(page, how, rng) for page in rasterise(pdf, how.dpi)]
    return image_pdf(pages, how.dpi, how.jpeg)
