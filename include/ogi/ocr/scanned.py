"""The scanned pages of a PDF: which of them to read by OCR, at what resolution, and what becomes of the rest.

A page holding a ruled table is read whole, at the scan's own resolution (150-300 dpi). A report scanned
throughout has its first page's title block read too (agency, year, date); its other pages of prose are
not read (their tables are what the report's data is; OCR of prose would cost seconds a page). A text
report with a scanned page reads that page only when it holds a table (a signature page does not).
"""

from __future__ import annotations

import logging
import os
import time
from dataclasses import dataclass, field

import numpy as np
from ogi.ocr.page import PageText, read_page
from ogi.ocr.recognize import ENGINE
from ogi.readers.document import ReadError

log = logging.getLogger("ogi.ocr")

MAX_OCR_PAGES = 40  # more scanned table pages than this: not read (a bundle, not a report)
MIN_DPI, MAX_DPI = 150, 200
_PROBE_DPI = 100  # tables are looked for at this resolution before a page is read
_TITLE_BLOCK = 0.4  # of a first page without a table, the top part is read (title, date, agency)
# a value read with less probability than this, in the rest of a row split by a page break and under a cell
# that holds its value already, is specks
NOISE = 0.95
WORD_NOISE = 0.3  # words read with less probability than this, in such a row, are specks too


@dataclass
class ScanResult:
    pages: dict[int, PageText] = field(default_factory=dict)  # 0-based page index → what it reads as
    notes: list[str] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def read(self) -> list[int]:
        """1-based numbers of the pages read by OCR."""
        return sorted(i + 1 for i in self.pages)

    def noise(self) -> dict[int, float]:
        """The cell tokens read as values without being sure, and those read as words that are barely words
        (specks read as 好忆), by id, with how sure: where a row split by a page break is joined, they may be
        specks in an empty cell."""
        return {
            id(token): ocr.reading.confidence
            for page in self.pages.values()
            for token, ocr in zip(page.tokens, page.ocr)
            if ocr is not None
            and ocr.reading.text
            and ocr.reading.confidence < (NOISE if ocr.reading.value else WORD_NOISE)
        }

    engine: str = ENGINE

    def boxes(self) -> dict[int, tuple[float, float, float, float]]:
        """Where each OCR'd token lies on its page, by id."""
        return {id(token): ocr.box for page in self.pages.values() for token, ocr in zip(page.tokens, page.ocr) if ocr}

    def attach(self, doc, tokens: list) -> None:
        """Mark `doc`, whose `tokens` hold this result's pages, as read by OCR, with what OCR saw per token."""
        seen = {id(token): ocr for page in self.pages.values() for token, ocr in zip(page.tokens, page.ocr) if ocr}
        doc.ocr_tokens = {i: seen[id(token)] for i, token in enumerate(tokens) if id(token) in seen}
        doc.ocr_pages = self.read
        doc.ocr_engine = self.engine
        doc.format = "pdf-ocr"
        doc.notes.append(f"read by OCR ({self.engine}): pages {_ranges(self.read)}")
        doc.notes.extend(self.notes)


def unavailable() -> str | None:
    """Why OCR cannot run here, or None when it can."""
    try:
        import cv2  # noqa: F401
        import onnxruntime  # noqa: F401
        from ogi.ocr.recognize import model_path

        model_path()
    except (ImportError, FileNotFoundError) as exc:
        if "map segment" in str(exc) or "allocate memory" in str(exc):  # installed, but over a memory budget
            raise MemoryError(f"OCR's libraries do not fit the memory budget ({exc})") from None
        return (
            f"OCR is not installed ({exc}); install ogi's dependencies (rapidocr-onnxruntime, opencv-python-headless)"
        )
    return None


def recognizer():
    """The engine OGI_OCR_ENGINE names: `rapidocr` (PP-OCRv4, the default) or `tesseract` (the benchmark's
    baseline)."""
    name = os.environ.get("OGI_OCR_ENGINE", "rapidocr")
    if name == "tesseract":
        from ogi.ocr import tesseract

        reason = tesseract.unavailable()
        if reason:
            raise ReadError(f"OGI_OCR_ENGINE=tesseract: {reason}", status="needs_ocr")
        return tesseract.recognizer()
    if name != "rapidocr":
        raise ReadError(f"OGI_OCR_ENGINE={name!r}: no such OCR engine (rapidocr, tesseract)", status="needs_ocr")
    from ogi.ocr.recognize import recognizer as rapid

    return rapid()


def native_dpi(page) -> float:
    """The resolution the page was scanned at: its largest image's pixels over the size it is drawn at."""
    import pypdfium2.raw as pdfium_c

    best = 0.0
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        width_in = (right - left) / 72
        try:
            pixels = obj.get_px_size()[0]
        except Exception:  # an image pdfium cannot size: take the page at the default resolution
            continue
        if width_in > 1:
            best = max(best, pixels / width_in)
    return best


def has_image(page) -> bool:
    import pypdfium2.raw as pdfium_c

    width, height = page.get_size()
    for obj in page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_IMAGE], max_depth=3):
        left, bottom, right, top = obj.get_bounds()
        if (right - left) * (top - bottom) > 0.1 * width * height:
            return True
    return False


def render(page, dpi: float) -> np.ndarray:
    return np.asarray(page.render(scale=dpi / 72).to_pil().convert("RGB"))


def holds_table(page) -> bool:
    from ogi.ocr.grid import find_tables
    from ogi.ocr.image import prepare

    image = render(page, _PROBE_DPI)
    if min(image.shape[:2]) < _PROBE_DPI:
        return False
    return bool(find_tables(prepare(image, _PROBE_DPI)))


def read_scanned(pdf, scanned: list[int], text_layer: bool, source: str, ocr: bool = True) -> ScanResult:
    """Read the scanned pages (0-based indices) that hold tables. `text_layer`: whether other pages of the
    document have text. Raises ReadError when pages need OCR and `ocr` is off or cannot run."""
    started = time.perf_counter()
    result = ScanResult()
    images = [i for i in scanned if has_image(pdf[i])]
    if not images:
        if not text_layer:
            raise ReadError(f"PDF has no text layer and no scanned image on its {len(pdf)} pages")
        return result
    reason = None if ocr else "OCR is off"
    reason = reason or unavailable()
    if reason is not None and not text_layer:  # no need to look for tables: nothing is read without OCR
        pages = _ranges([i + 1 for i in images])
        raise ReadError(f"image-only PDF: scanned pages ({pages}) need OCR; {reason}", status="needs_ocr")
    tables = [i for i in images if holds_table(pdf[i])]
    if reason is not None:
        if tables:
            pages = _ranges([i + 1 for i in tables])
            raise ReadError(f"scanned table pages ({pages}) need OCR; {reason}", status="needs_ocr")
        return result
    if not tables:
        if not text_layer:
            raise ReadError(
                f"image-only PDF: no ruled table found on its {len(pdf)} scanned pages "
                "(OCR reads tables with ruling lines)"
            )
        return result
    if len(tables) > MAX_OCR_PAGES:
        raise ReadError(f"{len(tables)} scanned table pages, more than the {MAX_OCR_PAGES} read by OCR")
    engine = recognizer()
    result.engine = engine.name
    todo = list(tables)
    title_only = not text_layer and 0 not in tables
    if title_only:
        todo.insert(0, 0)
    for n, index in enumerate(todo, 1):
        page = pdf[index]
        dpi = min(MAX_DPI, max(MIN_DPI, native_dpi(page) or MIN_DPI))
        rgb = render(page, dpi)
        if min(rgb.shape[:2]) < dpi:  # smaller than an inch: a sliver, not a page of a report
            result.notes.append(f"page {index + 1} is too small to read ({rgb.shape[1]}×{rgb.shape[0]} px)")
            continue
        if index == 0 and title_only:
            rgb = rgb[: int(rgb.shape[0] * _TITLE_BLOCK)]
        page_text = read_page(rgb, dpi, index + 1, engine)
        result.pages[index] = page_text
        log.info(
            "%s: page %d (%d of %d by OCR) read in %.1f s at %d dpi: %d tables, skew %.1f°",
            source,
            index + 1,
            n,
            len(todo),
            page_text.seconds,
            dpi,
            page_text.tables,
            page_text.skew,
        )
    skipped = [i + 1 for i in images if i not in result.pages]
    if skipped:
        result.notes.append(
            f"scanned pages without a table not read by OCR: {_ranges(skipped)}"
            + (" (the first page's title block was read)" if title_only else "")
        )
    result.seconds = time.perf_counter() - started
    return result


def _ranges(numbers: list[int]) -> str:
    out, start = [], None
    for i, n in enumerate(numbers):
        if start is None:
            start = n
        if i + 1 == len(numbers) or numbers[i + 1] != n + 1:
            out.append(str(start) if start == n else f"{start}-{n}")
            start = None
    return ", ".join(out)
