"""Where a table prints its values in their cells: each value's line stands at the same place in its cell as
the others (left, centred or right across it; at its top or its middle down it). A speck falls anywhere; a
mark printed for a zero (a small hyphen, no bigger than a speck may be) stands where the values stand."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from ogi.ocr.layout import Box

NEAR = 0.4  # of a line of text's height: the furthest a line stands from its table's place and is in it


@dataclass(frozen=True)
class Place:
    """The medians, over a table's values, of where a value's line stands in its cell: its left edge from the
    cell's, its right edge from the cell's, its centre across from the cell's; its middle down from the
    cell's top, and from the cell's middle."""

    left: float
    right: float
    across: float
    below_top: float
    down: float


def place_of(lines: list[tuple[Box, Box]]) -> Place | None:
    """The place of a table's values, from (line, cell) pairs of its lines that are values; None without
    three at least."""
    if len(lines) < 3:
        return None
    offsets = np.array([_offsets(line, cell) for line, cell in lines], dtype=np.float64)
    return Place(*np.median(offsets, axis=0).tolist())


def in_place(line: Box, cell: Box, place: Place | None, height: int) -> bool:
    """Whether `line` stands in `cell` where its table's values stand (`place`), within NEAR of a line of
    text across and down."""
    if place is None:
        return False
    left, right, across, below_top, down = _offsets(line, cell)
    near = NEAR * height
    flush = min(abs(left - place.left), abs(right - place.right), abs(across - place.across)) <= near
    level = min(abs(below_top - place.below_top), abs(down - place.down)) <= near
    return flush and level


def _offsets(line: Box, cell: Box) -> tuple[float, float, float, float, float]:
    middle = (line.y0 + line.y1) / 2
    return (
        line.x0 - cell.x0,
        cell.x1 - line.x1,
        (line.x0 + line.x1) / 2 - (cell.x0 + cell.x1) / 2,
        middle - cell.y0,
        middle - (cell.y0 + cell.y1) / 2,
    )
