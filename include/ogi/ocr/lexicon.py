"""Labels read by OCR set right against the template's own words: a cell of words that is one or two
characters away from exactly one label of the template (予以公开 read as 子以公开, 已 as 己) is that label.

A misread label would leave its row unfound; a label set right to the wrong row would put values in the
wrong row, so a cell is set right only when one label is near (within a quarter of the cell's length in
edits) and no other is. Punctuation is not compared (OCR drops and swaps
brackets and 、 freely); the cell keeps the label's printed form.
"""

from __future__ import annotations

import re
from functools import cache

from ogi.normalize import normalize_text
from ogi.template import Spec

_IGNORED = re.compile(r"[\s()（）\[\]【】、.,，:：;；“”\"'‘’·。]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ITEM = re.compile(r"\d+|")  # a sub-row's item number, as a bare label starts with it


def _bare(text: str) -> str:
    return _IGNORED.sub("", text)


@cache
def _words(spec: Spec) -> tuple[tuple[str, str, str], ...]:
    """(bare form, printed form, what it names) of every label, heading and column name the template prints
    in a cell. A row's label with and without its number or tail names the same thing."""
    found: dict[str, str] = {}
    for table in spec.tables.values():
        for layout in table.layouts.values():
            for row in layout.rows:
                for label in (row.label, *row.variants):
                    for number in {"", row.number}:
                        for tail in {"", row.tail}:
                            found.setdefault(number + label + tail, f"{table.code}.{row.code}")
    for table in spec.tables.values():  # words that are not also a row's label
        for layout in table.layouts.values():
            for column in layout.columns.values():
                found.setdefault(column.label, column.label)
            for row in layout.rows:
                if row.group:
                    found.setdefault(row.group, row.group)
        for word in (*table.anchors, *table.header_words):
            found.setdefault(word, word)
    out = {}
    for word, names in found.items():
        printed = normalize_text(word)
        bare = _bare(printed)
        if len(bare) >= 2:
            out.setdefault(bare, (printed, names))
    return tuple(sorted((bare, printed, names) for bare, (printed, names) in out.items()))


def _distance(a: str, b: str, limit: int) -> int:
    """Levenshtein distance of a and b, or limit + 1 once it is known to exceed `limit`."""
    if abs(len(a) - len(b)) > limit:
        return limit + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        best = i
        for j, cb in enumerate(b, 1):
            value = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb))
            current.append(value)
            best = min(best, value)
        if best > limit:
            return limit + 1
        previous = current
    return previous[-1]


def nearest_label(text: str, spec: Spec) -> str | None:
    """The template's label that `text` (a cell of words read by OCR) is a misreading of, if exactly one is
    near: within a quarter of its length in edits (one edit at least), every other label further; or within
    a third, every other label three edits further still, and its item number (1. of 1.属于国家秘密) the one
    read. A cell that reads as the label but for punctuation becomes the label as printed (2：没有 … is
    2.没有 …)."""
    bare = _bare(text)
    if len(bare) < 2 or len(_CJK.findall(bare)) < 2:
        return None
    limit = max(1, len(bare) // 4)
    loose = max(limit, len(bare) // 3)
    scored = []
    for word, printed, names in _words(spec):
        d = _distance(bare, word, loose + 3)
        if d <= loose + 3:
            scored.append((d, printed, names))
    if not scored:
        return None
    scored.sort()
    best, printed, names = scored[0]
    if best == 0 and _bare(text) == bare and text.replace(" ", "") == printed:
        return None
    others = [d for d, _, other in scored[1:] if other != names]
    if best <= limit and not any(d <= limit for d in others):
        return printed
    number = _ITEM.match(bare)
    if best <= loose and all(d >= best + 3 for d in others) and number and number[0] == _ITEM.match(_bare(printed))[0]:
        return printed
    return None


def set_labels_right(doc, spec: Spec) -> list[str]:
    """Replace the text of OCR'd cells of words that misread a label by that label; what was changed."""
    from ogi.readers.document import CELL

    changed = []
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    for index, ocr in doc.ocr_tokens.items():
        if kinds[index] is not CELL or ocr.reading.value or not texts[index]:
            continue
        label = nearest_label(texts[index], spec)
        if label is not None:
            changed.append(f"{texts[index]} → {label}")
            texts[index] = label
    changed += _fill_result_rows(doc, spec)
    return changed


def _fill_result_rows(doc, spec: Spec) -> list[str]:
    """表四's header row of results (结果维持 … 总计, once per block): where most of a row of OCR'd cells reads as
    that sequence, a cell misread past setting right by itself (结果组定, two edits from both 结果纠正 and 结果维持)
    is the result its place in the row names, when it is within two edits of it."""
    from ogi.readers.document import CELL, ROW_END

    layout = next(iter(spec.tables["t4"].layouts.values()))
    results = [normalize_text(column.label) for column in layout.columns.values()]
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    changed, row = [], []
    for index, kind in enumerate(kinds):
        if kind is CELL:
            row.append(index)
            continue
        if kind is ROW_END and row and len(row) % len(results) == 0 and all(i in doc.ocr_tokens for i in row):
            expected = results * (len(row) // len(results))
            off = [(i, want) for i, want in zip(row, expected) if _bare(texts[i]) != _bare(want)]
            if len(off) <= max(1, len(row) // 5) and all(_distance(_bare(texts[i]), _bare(w), 2) <= 2 for i, w in off):
                for i, want in off:
                    changed.append(f"{texts[i]} → {want}")
                    texts[i] = want
        row = []
    return changed
