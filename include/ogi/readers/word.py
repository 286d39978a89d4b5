"""Word: DOCX read directly (merged cells once, numbers split over runs joined); DOC, WPS, ODT and RTF
converted to DOCX by LibreOffice headless when it is installed."""

from __future__ import annotations

import io
import zipfile

from ogi.readers.document import Document, ReadError, Token, TokenKind, Tokens
from ogi.readers.libreoffice import convert

MAX_UNPACKED = 200 * 1024 * 1024
MAX_RATIO = 200
_W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def _check_zip(data: bytes) -> zipfile.ZipFile:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError) as exc:
        raise ReadError(f"corrupt or truncated ZIP/DOCX ({exc})") from None
    except NotImplementedError as exc:  # a ZIP version or feature Python's zipfile does not read
        raise ReadError(f"ZIP/DOCX of a kind that cannot be read ({exc})") from None
    unpacked = sum(i.file_size for i in infos)
    packed = sum(i.compress_size for i in infos) or 1
    if unpacked > MAX_UNPACKED or unpacked / packed > MAX_RATIO:
        raise ReadError(f"ZIP expands to {unpacked} bytes ({unpacked // packed}x): refused as a possible zip bomb")
    return archive


def _text(element) -> str:
    """A paragraph's or cell's text; runs are joined as they are, paragraphs by a space."""
    parts = []
    for node in element.iter():
        if node.tag == f"{_W}t":
            parts.append(node.text or "")
        elif node.tag in (f"{_W}tab", f"{_W}br"):
            parts.append(" ")
        elif node.tag == f"{_W}p":
            parts.append(" ")
    return " ".join("".join(parts).split())


def _table_tokens(tbl, tokens: list[Token]) -> None:
    for tr in tbl.iterchildren(f"{_W}tr"):
        for tc in tr.iterchildren(f"{_W}tc"):
            props = tc.find(f"{_W}tcPr")
            vmerge = props.find(f"{_W}vMerge") if props is not None else None
            if vmerge is not None and vmerge.get(f"{_W}val", "continue") == "continue":
                continue  # the rest of a vertically merged cell: read once, on its first row
            nested = tc.findall(f".//{_W}tbl")
            if nested:
                _body_tokens(tc, tokens)
                continue
            tokens.append(Token(TokenKind.CELL, _text(tc)))
        tokens.append(Token(TokenKind.ROW_END))
    tokens.append(Token(TokenKind.TABLE_END))


def _body_tokens(body, tokens: list[Token]) -> None:
    for child in body.iterchildren():
        if child.tag == f"{_W}p":
            text = _text(child)
            if text:
                tokens.append(Token(TokenKind.LINE, text))
        elif child.tag == f"{_W}tbl":
            _table_tokens(child, tokens)
        elif child.tag == f"{_W}sdt":
            content = child.find(f"{_W}sdtContent")
            if content is not None:
                _body_tokens(content, tokens)


def read_docx(data: bytes, source: str) -> Document:
    import docx

    archive = _check_zip(data)
    if "word/document.xml" not in archive.namelist():
        raise ReadError("ZIP archive that is not a Word document (no word/document.xml)")
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:  # python-docx raises many types for damaged packages
        raise ReadError(f"damaged DOCX ({type(exc).__name__}: {exc})") from None
    tokens: list[Token] = []
    _body_tokens(document.element.body, tokens)
    title = document.core_properties.title or None
    return Document(source, "docx", Tokens.of(tokens), title=title)


def read_word(data: bytes, source: str, container: str) -> Document:
    if container == "zip":
        archive = _check_zip(data)
        names = set(archive.namelist())
        if "word/document.xml" in names:
            return read_docx(data, source)
        if "content.xml" in names and "mimetype" in names:
            doc = read_docx(convert(data, ".odt", "docx"), source)
            doc.format = "odt"
            return doc
        raise ReadError("ZIP archive that is not a Word document (no word/document.xml)")
    suffix = {"ole": ".doc", "rtf": ".rtf"}[container]
    if container == "ole" and source.lower().endswith(".wps"):
        suffix = ".wps"
    doc = read_docx(convert(data, suffix, "docx"), source)
    doc.format = suffix.lstrip(".")
    return doc
