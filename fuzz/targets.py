"""What the fuzzer feeds: each reader and the grammar, as functions of bytes. Any exception but `ReadError` (the
documented way to say a file cannot be read, which becomes a status and a reason) is a bug.

Imported by the fuzzer under atheris's coverage instrumentation (fuzz/one.py), and by tests/test_fuzz_findings.py,
which replays every input the fuzzer once crashed on.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from ogi.readers.document import CELL, LINE, ROW_END, TABLE_END, Document, ReadError, Tokens

ROOT = Path(__file__).resolve().parent.parent
FINDINGS = ROOT / "tests" / "data" / "fuzz"  # inputs that once crashed a target, by target: replayed by the tests


def _text(data: bytes) -> str:
    return data.decode("utf-8", "replace")


def decode(data: bytes) -> None:
    from ogi.readers.decode import decode

    decode(data, None)


def html(data: bytes) -> None:
    from ogi.readers.html import html_tokens

    html_tokens(_text(data))


def text(data: bytes) -> None:
    from ogi.readers.text import text_tokens

    text_tokens(_text(data))


def pdf(data: bytes) -> None:
    from ogi.readers.pdf import read_pdf

    read_pdf(data, "fuzz.pdf")


def docx(data: bytes) -> None:
    from ogi.readers.word import read_word

    read_word(data, "fuzz.docx", "zip")


def document(data: bytes) -> None:
    """A text or HTML file from bytes to its report: sniffing, decoding, the reader, normalisation, the grammar
    and the glued-digit solver. (PDF and DOCX have targets of their own; DOC/RTF go to LibreOffice, too slow to
    start once per input.)"""
    from ogi.extract import extract_document
    from ogi.readers import read_document, sniff

    if sniff(data) != "text":
        return
    extract_document(read_document(data, "fuzz.txt"))


def _vocabulary() -> list[str]:
    from ogi.template import load_spec

    spec = load_spec()
    words = ["", "0", "1", "12", "007", "3.5", "1,234", "-2", "—", "/", "无", "合计", "总计", "年度报告", "2023年"]
    for table in spec.tables.values():
        words += [table.title, *table.anchors, *table.header_words]
        for layout in table.layouts.values():
            words += [row.group for row in layout.rows if row.group]
            words += [row.number + row.label for row in layout.rows] + [c.label for c in layout.columns.values()]
            words += [row.label for row in layout.rows]
    return words


_WORDS: list[str] | None = None


def grammar(data: bytes) -> None:
    """The grammar and extraction on a token stream drawn from the template's own labels, numbers and marks:
    the shapes a reader produces, far more often than bytes would reach them."""
    global _WORDS
    from ogi.extract import extract_document

    if _WORDS is None:
        _WORDS = _vocabulary()
    kinds_by_byte = (CELL, CELL, CELL, LINE, LINE, ROW_END, TABLE_END)
    kinds, texts = [], []
    for i in range(0, len(data) - 1, 2):
        kind = kinds_by_byte[data[i] % len(kinds_by_byte)]
        kinds.append(kind)
        texts.append(_WORDS[data[i + 1] * 7 % len(_WORDS)] if kind in (CELL, LINE) else "")
    extract_document(Document("fuzz", "text", Tokens(kinds, texts)))


TARGETS: dict[str, Callable[[bytes], None]] = {
    "decode": decode,
    "html": html,
    "text": text,
    "pdf": pdf,
    "docx": docx,
    "document": document,
    "grammar": grammar,
}


def run(target: str, data: bytes) -> None:
    """Feed `data` to `target`; a documented failure (`ReadError`) is an answer, anything else propagates."""
    try:
        TARGETS[target](data)
    except ReadError:
        pass
