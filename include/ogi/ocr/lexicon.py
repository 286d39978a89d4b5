"""Labels read by OCR set right against the template's own words: a cell of words that is one or two
characters away from exactly one label of the template (予以公开 read as 子以公开, 已 as 己) is that label.

A misread label would leave its row unfound; a label set right to the wrong row would put values in the
wrong row, so a cell is set right only when one label is near (within a quarter of the cell's length in
edits) and no other is. Punctuation is not compared (OCR drops and swaps
brackets and 、 freely); the cell keeps the label's printed form.

Setting right never loses what a cell prints beyond the label: a money unit after a column's name
(采购总金额（万元）: the unit is kept as read, never set to the template's nor dropped) and another of the
template's words (a group heading before its first row's label, two rows' labels the grid read as one cell):
such a cell is left as read, for the grammar to find each word in it.
"""

from __future__ import annotations

import re
from functools import cache

from ogi.grammar import PAUSES
from ogi.normalize import normalize_text
from ogi.template import Spec

_IGNORED = re.compile(rf"[\s()（）\[\]【】{PAUSES}，:：;；“”\"'‘’·]")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_ITEM = re.compile(r"\d*")  # a sub-row's item number, as a bare label starts with it (empty: none)
# a money unit noted after a column's name: （万元） (单位：元) 万元
_UNIT_NOTE = re.compile(r"[(（]?\s*(?:单\s*位\s*[:：]?\s*)?(?:万\s*)?元\s*[)）]?\s*$")
_UNIT_CHARS = re.compile(r"[万元]")


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
        printed = _UNIT_NOTE.sub("", normalize_text(word))  # a column's unit is read as printed, never set
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
    2.没有 …). A money unit noted after the label is kept as read; a cell that holds more than the label (another
    of the template's words, or a unit not read as one) is left as read."""
    note = _UNIT_NOTE.search(text)
    if note is not None and note.start() > 0:
        label = nearest_label(text[: note.start()], spec)
        return None if label is None else label + note.group().strip()
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
    if _more_than(bare, _bare(printed), names, spec):
        return None
    others = [d for d, _, other in scored[1:] if other != names]
    if best <= limit and not any(d <= limit for d in others):
        return printed
    same_item = _ITEM.match(bare)[0] == _ITEM.match(_bare(printed))[0]
    if best <= loose and all(d >= best + 3 for d in others) and same_item:
        return printed
    return None


def _more_than(bare: str, label: str, names: str, spec: Spec) -> bool:
    """Whether a cell's bare text holds more than the label it is nearest: a money unit the label does not
    print, or another word of the template (of another row or heading) outside the label."""
    if sorted(_UNIT_CHARS.findall(bare)) != sorted(_UNIT_CHARS.findall(label)):
        return True
    return any(word in bare and word not in label for word, _, other in _words(spec) if other != names)


def set_labels_right(doc, spec: Spec) -> list[str]:
    """Replace the text of OCR'd cells of words that misread a label by that label; what was changed."""
    from ogi.ocr.split_cells import join_split_cells
    from ogi.readers.document import CELL

    words = {bare for bare, _printed, _names in _words(spec)}
    changed = join_split_cells(doc, lambda text: _bare(text) in words)
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
    """表四's header row of results (结果维持 … 总计, once per block), where OCR misread some of its cells past setting
    right by themselves (结果组定, two edits from both 结果纠正 and 结果维持; 果推持; 申结): each such cell is the result
    its place in the row names, when the row shows the template's order plainly. A row of multi-level header
    whose first block's results are merged down from the band above (its cells there empty) takes those cells
    from the band above. The row is the results' row when every block of five reads at least two of its results
    in place, and half the row does; when no cell reads as another result rather than its own (within half its
    length in edits, and closer to it: a header printed in another order is left as read, to be reported); and
    when no cell reads as a value. An empty cell is taken only for 总计 (two characters a faint scan may lose)."""
    from ogi.readers.document import CELL, ROW_END, TABLE_END

    layout = next(iter(spec.tables["t4"].layouts.values()))
    results = [_bare(normalize_text(column.label)) for column in layout.columns.values()]
    labels = [normalize_text(column.label) for column in layout.columns.values()]
    kinds, texts = doc.tokens.kinds, doc.tokens.texts
    changed: list[str] = []
    row: list[int] = []
    above: list[int] = []  # the row before, in the same table
    for index, kind in enumerate(kinds):
        if kind is CELL:
            row.append(index)
            continue
        if kind is ROW_END and row:
            headings = _headings(doc, row, above)
            if headings is not None and len(headings) % len(results) == 0:
                off = _off_results(doc, headings, results)
                for i, want in off or []:
                    label = labels[results.index(want)]
                    changed.append(f"{texts[i]} → {label}")
                    texts[i] = label
            above = row
        elif kind is TABLE_END:
            above = []
        row = []
    return changed


def _headings(doc, row: list[int], above: list[int]) -> list[int] | None:
    """The tokens naming the columns of a row of OCR'd cells: each cell itself, or where it is empty the cell
    of the row above with the same box (a header cell merged down over both bands, read in the upper one)."""
    if not all(i in doc.ocr_tokens for i in row):
        return None
    texts = doc.tokens.texts
    boxes = {doc.ocr_tokens[i].box: i for i in above if i in doc.ocr_tokens and texts[i]}
    return [boxes.get(doc.ocr_tokens[i].box, i) if not texts[i] else i for i in row]


def _off_results(doc, headings: list[int], results: list[str]) -> list[tuple[int, str]] | None:
    """The cells of a row of headings to set right, each with the result it names; None when the row is not
    表四's results in the template's order (see _fill_result_rows)."""
    texts = doc.tokens.texts
    per_block = len(results)
    expected = results * (len(headings) // per_block)
    read = [_bare(texts[i]) for i in headings]
    exact = [have == want for have, want in zip(read, expected)]
    blocks = [sum(exact[b : b + per_block]) for b in range(0, len(exact), per_block)]
    if min(blocks) < 2 or sum(exact) * 2 < len(exact):
        return None
    off = []
    for i, have, want, same in zip(headings, read, expected, exact):
        if same:
            continue
        if doc.ocr_tokens[i].reading.value or (not have and _distance(have, want, 2) > 2):
            return None
        own = _distance(have, want, len(want))
        if any(_distance(have, other, own) < min(own, len(other) // 2 + 1) for other in results if other != want):
            return None  # reads as another result, not its own: the header's order is not the template's
        off.append((i, want))
    return off
