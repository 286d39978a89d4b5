"""Approximate search for a label misspelt in print (内部事物信息 for 内部事务信息): where in a text the label
occurs with the fewest edits, and whether that place is the only one that close."""

from __future__ import annotations

import re
from typing import NamedTuple

_SKIPPED = re.compile(r"[\s\"'“”‘’「」『』]+")  # what label matching passes over between two characters
MAX_TEXT = 4000  # characters searched at most: a misspelt label is looked for between two labels found
REPEAT_GAP = 8  # characters at most between a label and the same label written again (a cell boundary, a number)
_BOUNDARY = re.compile(r"[\x1c-\x1f|]")  # a cell boundary in the text searched
_NOT_WORD = re.compile(r"[\W_]+")


def bare(text: str) -> str:
    """A label as an OCR'd one is compared with the template's: its letters and digits alone (no spaces,
    punctuation or brackets)."""
    return _NOT_WORD.sub("", text)


class Found(NamedTuple):
    start: int  # offsets in the text searched
    end: int
    edits: int


def allowed_edits(label: str) -> int:
    """Edits tolerated in a label of this length: none in short labels, which other words resemble too."""
    length = len(_SKIPPED.sub("", label))
    return 0 if length < 6 else 1 if length < 10 else 2


def _compact(text: str) -> tuple[str, list[int]]:
    """The text without what label matching passes over, and each kept character's offset in the text."""
    kept, offsets = [], []
    for offset, ch in enumerate(text):
        if not (ch.isspace() or ch in "\"'“”‘’「」『』"):
            kept.append(ch)
            offsets.append(offset)
    return "".join(kept), offsets


def _best_ends(pattern: str, text: str) -> list[tuple[int, int, int]]:
    """For every end in `text`: (edits, start, end) of the best match of `pattern` ending there (Sellers)."""
    previous = [(0, j) for j in range(len(text) + 1)]  # (edits, start) with an empty pattern: free start
    for i, p_ch in enumerate(pattern, start=1):
        current = [(i, 0)]
        for j, t_ch in enumerate(text, start=1):
            substitute = (previous[j - 1][0] + (p_ch != t_ch), previous[j - 1][1])
            delete = (previous[j][0] + 1, previous[j][1])
            insert = (current[j - 1][0] + 1, current[j - 1][1])
            current.append(min(substitute, delete, insert))
        previous = current
    return [(edits, start, end) for end, (edits, start) in enumerate(previous) if end > 0]


def find_unique(label: str, text: str, rivals: tuple[str, ...] = ()) -> Found | None:
    """Where `label` occurs in `text` with at most `allowed_edits(label)` edits, if exactly one place does
    and no rival label (another row's) fits that place as well; else None."""
    limit = allowed_edits(label)
    if limit == 0:
        return None
    compact, offsets = _compact(text[:MAX_TEXT])
    pattern = _SKIPPED.sub("", label)
    if not compact or not pattern:
        return None
    ends = [m for m in _best_ends(pattern, compact) if m[0] <= limit]
    if not ends:
        return None
    best = min(ends)
    edits, start, end = best
    place = compact[start:end]
    # the same text written again at once, its item number between, is the same place (converters repeat a
    # merged label cell: ５．属于三类内部事物信息 | ５．属于三类内部事物信息)
    again = compact.find(place, end, end + REPEAT_GAP + len(place))
    if again >= 0 and not compact[:start].endswith(_BOUNDARY.sub("", compact[end:again])):
        again = -1  # something else between them than a cell boundary and what stood before the first
    for _edits, other_start, other_end in ends:
        apart = other_end <= start or other_start >= end
        repeated = again >= 0 and other_start < again + len(place) and other_end > again
        if apart and not repeated:  # a second place fits too
            return None
    if any(distance(_SKIPPED.sub("", rival), place) <= edits for rival in rivals):
        return None
    return Found(offsets[start], offsets[end - 1] + 1, edits)


def distance(a: str, b: str) -> int:
    """Levenshtein distance."""
    previous = list(range(len(b) + 1))
    for i, a_ch in enumerate(a, start=1):
        current = [i]
        for j, b_ch in enumerate(b, start=1):
            current.append(min(previous[j - 1] + (a_ch != b_ch), previous[j] + 1, current[j - 1] + 1))
        previous = current
    return previous[-1]


def distance_beside(read: str, beside: str, label: str) -> int:
    """The fewest edits that make `read` `label` with characters of `beside` among its own, in their order
    (any of them, or none): two columns' words read line by line across both, as one text. Only `label`'s
    characters are edited."""
    n, g, m = len(read), len(beside), len(label)
    # cost[i][j][k]: read[:i] as label[:k] among beside[:j]
    far = n + m + 1
    cost = [[[far] * (m + 1) for _ in range(g + 1)] for _ in range(n + 1)]
    for i in range(n + 1):
        for j in range(g + 1):
            row = cost[i][j]
            for k in range(m + 1):
                if i == 0:
                    best = k
                else:
                    best = cost[i - 1][j][k] + 1  # a character read that is neither's
                    if k:
                        best = min(best, cost[i - 1][j][k - 1] + (read[i - 1] != label[k - 1]))
                    if j and read[i - 1] == beside[j - 1]:
                        best = min(best, cost[i - 1][j - 1][k])
                if j:
                    best = min(best, cost[i][j - 1][k])  # a character of `beside` not read here
                if k:
                    best = min(best, row[k - 1] + 1)  # a character of the label not read
                row[k] = best
    return cost[n][g][m]
