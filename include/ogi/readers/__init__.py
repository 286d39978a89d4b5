"""Readers: one per file format, each turning bytes into a Document of normalised tokens."""

from __future__ import annotations

import re

from ogi.normalize import normalize_text
from ogi.readers.decode import charset_from_content_type, decode
from ogi.readers.document import CELL, Document, ReadError, Tokens

_HTML = re.compile(r"<\s*(html|body|table|p|div|tr|td|span|br|meta|head)\b", re.I)
# A page, as opposed to text or Markdown that only holds tables (MinerU) or line breaks (<br> in pipe tables).
_HTML_PAGE = re.compile(r"<\s*(html|body|p|div|span|meta|head|font|center|h[1-6])\b", re.I)
_SEP = "\x1f"
_EDGE_SPACE = re.compile(r"^[^\S\x1f]|[^\S\x1f]$|[^\S\x1f]\x1f|\x1f[^\S\x1f]")  # a token starting or ending in a space


def sniff(data: bytes) -> str:
    """The format by content, whatever the file name says."""
    head = data[:1024]
    if not data.strip():
        raise ReadError("empty file")
    if b"%PDF-" in head:
        return "pdf"
    if data.startswith(b"PK\x03\x04"):
        return "zip"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    if data.startswith(b"{\\rtf"):
        return "rtf"
    return "text"


def normalize_tokens(tokens: Tokens) -> Tokens:
    """Every token's text normalised (`normalize_text`) in one call over the whole document; cells stripped."""
    joined = original = _SEP.join(tokens.texts)
    if joined.count(_SEP) >= len(tokens):  # a token holds the separator itself
        joined = _SEP.join([text.replace(_SEP, " ") for text in tokens.texts])
    normalized = normalize_text(joined)
    if normalized != original:
        texts = normalized.split(_SEP)
        if len(texts) != len(tokens):  # normalisation never adds or drops the separator; be loud if it does
            raise AssertionError("normalisation changed the token count")
    elif _EDGE_SPACE.search(original):
        texts = tokens.texts
    else:
        return tokens  # nothing to change: most documents, whose readers strip their cells
    tokens.texts = [text.strip() if kind is CELL else text for kind, text in zip(tokens.kinds, texts)]
    return tokens


def html_text(data: bytes, content_type: str | None = None) -> str | None:
    """The decoded page when `data` is an HTML page, else None."""
    try:
        if sniff(data) != "text":
            return None
        text, _encoding, _notes = decode(data, charset_from_content_type(content_type))
    except ReadError:
        return None
    return text if _HTML.search(text[:20000]) else None


def read_document(data: bytes, source: str, content_type: str | None = None, ocr: bool = True) -> Document:
    """`ocr=False`: a scanned PDF raises a `needs_ocr` ReadError instead of being read by OCR."""
    kind = sniff(data)
    if kind == "pdf":
        from ogi.readers.pdf import read_pdf

        doc = read_pdf(data, source, ocr)
    elif kind in ("zip", "ole", "rtf"):
        from ogi.readers.word import read_word

        doc = read_word(data, source, kind)
    else:
        text, _encoding, notes = decode(data, charset_from_content_type(content_type))
        if _HTML_PAGE.search(text[:20000]):
            from ogi.readers.html import html_tokens

            tokens, title = html_tokens(text)
            doc = Document(source, "html", tokens, title=title, notes=notes)
        else:
            from ogi.readers.text import text_tokens

            tokens = text_tokens(text)
            fmt = "markdown" if CELL in tokens.kinds else "text"
            doc = Document(source, fmt, tokens, notes=notes)
    doc.tokens = normalize_tokens(doc.tokens)
    if doc.title:
        doc.title = normalize_text(doc.title)
    return doc
