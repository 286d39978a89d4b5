"""Bytes to text: BOM, valid UTF-8, then the declared charset (HTTP header or <meta>), then GB18030."""

from __future__ import annotations

import codecs
import re

from ogi.readers.document import ReadError

_META = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_\-]+)""", re.I)
_GB_FAMILY = {"gb2312", "gbk", "gb18030", "x-gbk", "cp936", "euc-cn", "hz-gb-2312"}
_BOMS = ((codecs.BOM_UTF8, "utf-8-sig"), (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))


def _canonical(name: str | None) -> str | None:
    if not name:
        return None
    name = name.strip().lower()
    if name in _GB_FAMILY:
        return "gb18030"  # a superset: pages labelled gb2312 routinely use GBK characters
    try:
        return codecs.lookup(name).name
    except LookupError:
        return None


def charset_from_content_type(content_type: str | None) -> str | None:
    if not content_type:
        return None
    match = re.search(r"charset\s*=\s*\"?([\w\-]+)", content_type, re.I)
    return match.group(1) if match else None


_CONTROL_BYTES = bytes([*range(9), *range(14, 32)])


def looks_binary(data: bytes) -> bool:
    head = data[:8192]
    if not head:
        return False
    if b"\x00" in head:
        return True
    controls = len(head) - len(head.translate(None, _CONTROL_BYTES))
    return controls * 20 > len(head)


def decode(data: bytes, declared: str | None = None) -> tuple[str, str, list[str]]:
    """(text, encoding used, notes). Raises ReadError when no encoding reads the bytes."""
    notes: list[str] = []
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return data.decode(encoding, errors="replace"), encoding, notes
    if looks_binary(data):
        raise ReadError("binary content: not text, HTML, PDF or Word")
    declared_names = [_canonical(declared), _canonical(_meta_charset(data))]
    try:
        text = data.decode("utf-8")
        wrong = [d for d in declared_names if d and d not in ("utf-8", "ascii")]
        if wrong and not data.isascii():
            notes.append(f"declared charset {wrong[0]} is wrong: the bytes are UTF-8")
        return text, "utf-8", notes
    except UnicodeDecodeError:
        pass
    for name in [d for d in declared_names if d] + ["gb18030"]:
        try:
            text = data.decode(name)
        except (UnicodeDecodeError, LookupError):
            continue
        if name == "gb18030" and "gb18030" not in declared_names:
            notes.append("no charset declared: read as GB18030 (GBK)")
        return text, name, notes
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise ReadError("undeclared encoding could not be determined (not UTF-8, not GBK/GB18030)")
    notes.append(f"charset guessed as {best.encoding}")
    return str(best), best.encoding, notes


def _meta_charset(data: bytes) -> str | None:
    match = _META.search(data[:4096])
    return match.group(1).decode("ascii", "ignore") if match else None
