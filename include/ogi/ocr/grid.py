"""Ruled tables found in a page image: ruling lines by morphology, cells between them, merged cells as one.

As in the text-layer PDF reader, a table's rows are the bands between its horizontal rulings and a band's
cells lie between the vertical rulings that cross it; a cell whose lower ruling is missing continues into
the band below (a merged cell), and is one cell to read.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
from ogi.ocr.image import Page, components


@dataclass(frozen=True)
class Segment:
    label: int  # its component in the candidates' label image
    across: int  # y of a horizontal segment, x of a vertical one
    start: int
    end: int

    @property
    def length(self) -> int:
        return self.end - self.start


@dataclass
class Rulings:
    h_labels: np.ndarray  # label images of the straight runs of ink, each a candidate ruling
    v_labels: np.ndarray
    horizontal: list[Segment]  # the candidates taken for rulings
    vertical: list[Segment]
    # where a faint line may run: thin dark pixels, smoothed along the line's direction (noise is not a line)
    h_faint: np.ndarray
    v_faint: np.ndarray
    ink: np.ndarray  # the page's ink (to tell a ruling from a stroke through text)
    sealed: np.ndarray | None = None  # where a red seal lay (its strokes run across rulings)

    def mask(self, horizontal: set[int], vertical: set[int]) -> np.ndarray:
        """255 on the pixels of the given segments (by label)."""
        hit = np.isin(self.h_labels, list(horizontal)) | np.isin(self.v_labels, list(vertical))
        return np.where(hit, 255, 0).astype(np.uint8)

    def horizontal_at(self, y: int, x0: int, x1: int, tol: int) -> float:
        """How much of x0..x1 a line covers at y (± tol), faint lines counted, so that a faint or broken
        ruling still separates two cells."""
        strip = self.h_faint[max(0, y - tol) : y + tol + 1, x0:x1]
        return float((strip.max(axis=0) > 0).mean()) if strip.size else 0.0

    def under_seal(self, x: int, y0: int, y1: int, tol: int) -> bool:
        """Whether a seal lay over most of a vertical line's stretch y0..y1 at x (± tol): where a line broken
        there may have run on."""
        if self.sealed is None or y1 <= y0:
            return False
        strip = self.sealed[y0:y1, max(0, x - tol) : x + tol + 1]
        return bool(strip.size) and float((strip.max(axis=1) > 0).mean()) >= 0.5

    def vertical_at(self, x: int, y0: int, y1: int, tol: int) -> float:
        strip = self.v_faint[y0:y1, max(0, x - tol) : x + tol + 1]
        return float((strip.max(axis=1) > 0).mean()) if strip.size else 0.0


@dataclass
class Cell:
    x0: int
    y0: int
    x1: int
    y1: int
    band: int  # the band the cell starts in
    bands: int = 1  # how many bands it spans


@dataclass
class Table:
    x0: int
    y0: int
    x1: int
    y1: int
    bands: list[tuple[int, int]]  # (top, bottom) of each band, top to bottom
    # per band, its cells left to right; a merged cell appears in every band it spans
    rows: list[list[Cell]] = field(default_factory=list)
    horizontal: set[int] = field(default_factory=set)  # the labels of the rulings it is drawn with
    vertical: set[int] = field(default_factory=set)

    @property
    def cells(self) -> list[Cell]:
        seen, out = set(), []
        for row in self.rows:
            for cell in row:
                if id(cell) not in seen:
                    seen.add(id(cell))
                    out.append(cell)
        return out


def rulings(page: Page) -> Rulings:
    """Ruling lines. Candidates are ink that runs straight for a while (after closing the small gaps of
    faint or broken lines); a candidate is a ruling when it is longer than any character's stroke (an inch
    across, half an inch down), or when both its ends meet rulings (a short line of a small table, a
    one-row band), or when it continues a ruling across a gap, so that characters' strokes are not lines."""

    gap = page.px(0.015)
    threshold = float(np.clip(0.45 * line_contrast(page), 16, 30))
    h_dark, h_faint = _thin_dark(page, True, threshold)
    v_dark, v_faint = _thin_dark(page, False, threshold)
    h_mask = _straight(h_dark, (page.px(0.25), 1), (gap, 1))
    v_mask = _straight(v_dark, (1, page.px(0.1)), (1, gap))
    h_count, h_labels, h_stats = components(h_mask)
    v_count, v_labels, v_stats = components(v_mask)
    hs = [
        Segment(i, _densest(h_labels, i, x, y, w, h, 1) + int(y), int(x), int(x + w - 1))
        for i, (x, y, w, h, _a) in enumerate(h_stats[1:h_count], 1)
    ]
    vs = [
        Segment(i, _densest(v_labels, i, x, y, w, h, 0) + int(x), int(y), int(y + h - 1))
        for i, (x, y, w, h, _a) in enumerate(v_stats[1:v_count], 1)
    ]
    tol = page.px(0.03)
    bridge = page.px(0.2)
    h_ok = {s.label for s in hs if s.length >= page.px(1.0)}
    v_ok = {s.label for s in vs if s.length >= page.px(0.5)}

    def meets(across: int, along: int, inward: int, others: list[Segment], accepted: set[int]) -> bool:
        """Whether the end `along` of a line at `across` meets an accepted ruling of the other direction: at
        the end, or a little inside it (`inward`: +1 or -1), the line running on past the ruling into a
        stroke of text beside the table; or a little further out, where a seal's stroke crossed it at its end
        and its ink runs on unbroken to the ruling (the seal broke the line where it joins the ruling; a
        character's stroke touching a ruling is no line to carry on)."""
        outward = tol
        if sealed_near(across, along, inward, others is vs):
            outward += min(tol, _ink_runs_on(page.ink, across, along, -inward, 2 * tol, horizontal=others is vs))
        lo, hi = sorted((along - outward * inward, along + 3 * tol * inward))
        return any(
            o.label in accepted and lo <= o.across <= hi and o.start - tol <= across <= o.end + tol for o in others
        )

    def sealed_near(across: int, along: int, inward: int, horizontal: bool) -> bool:
        """Whether a seal lay across a line at `across` at its end `along`: from a line's width inside it to
        as far out as its ink is followed."""
        if page.sealed is None:
            return False
        lo, hi = sorted((along + tight * inward, along - 2 * tol * inward))
        lo, hi = max(0, lo), hi + 1
        if horizontal:
            return bool(page.sealed[max(0, across - tight) : across + tight + 1, lo:hi].any())
        return bool(page.sealed[lo:hi, max(0, across - tight) : across + tight + 1].any())

    def continues(s: Segment, same: list[Segment], accepted: set[int]) -> bool:
        """Whether `s` lies in line with an accepted ruling, a short gap from it."""
        return any(
            o.label in accepted
            and abs(o.across - s.across) <= tol
            and (0 <= s.start - o.end <= bridge or 0 <= o.start - s.end <= bridge)
            for o in same
        )

    def crosses(s: Segment, others: list[Segment], accepted: set[int]) -> int:
        """How many accepted rulings of the other direction `s` runs through, their line crossing its own."""
        return sum(
            o.label in accepted and s.start + tol < o.across < s.end - tol and o.start - tol <= s.across <= o.end + tol
            for o in others
        )

    def overruns_border(s: Segment, inward: int) -> bool:
        """Whether the end of a vertical line (its start: `inward` +1; its end: -1) runs on past a table's
        border into the text beside it for less than a line of text: a ruling (its pieces on its line) at
        least two other columns end on, with no ruling beyond it for a row's height (a character of the line
        under a table, touching its border in line with a column, carries the column on: the column of a
        table's last rows is lost)."""
        end = s.start if inward == 1 else s.end
        for h in hs:
            if h.label not in h_ok or not h.start - tol <= s.across <= h.end + tol:
                continue
            if not 3 * tol < (h.across - end) * inward <= page.px(0.15):  # how far s runs on past h
                continue
            line = [o for o in hs if o.label in h_ok and abs(o.across - h.across) <= tight]
            x0, x1 = min(o.start for o in line), max(o.end for o in line)
            ending = [
                v
                for v in vs
                if v.label in v_ok
                and x0 - tol <= v.across <= x1 + tol
                and abs((v.start if inward == 1 else v.end) - h.across) <= tol
            ]
            if len(ending) >= 2 and not any(
                o.label in h_ok
                and tight < (h.across - o.across) * inward <= page.px(0.5)
                and o.start < x1
                and x0 < o.end
                for o in hs
            ):
                return True
        return False

    tight = max(2, page.px(0.012))

    def joins(s: Segment, same: list[Segment], accepted: set[int]) -> bool:
        """Whether `s` goes on from an accepted ruling end to end, on its line: a ruling a seal's stroke or a
        speck broke for a few pixels (at a horizontal ruling the seal broke too, so that `s` meets none), or
        a level ruling that text touching it from above and below broke off short of the border (表四's
        heading over its header: the columns of the header's cells meet that stretch of it alone)."""
        return any(
            o.label in accepted
            and abs(o.across - s.across) <= tight
            and (0 <= s.start - o.end <= 2 * tol or 0 <= o.start - s.end <= 2 * tol)
            for o in same
        )

    lines_of_pieces = [line for line in _collinear(hs, tight) if len(line) > 1]
    # a vertical ruling a seal's strokes broke into pieces: pieces on one line, each gap between them under
    # the seal, that together run as long as a ruling and show along most of it are a ruling
    sealed = Rulings(h_labels, v_labels, [], [], h_faint, v_faint, page.ink, page.sealed)
    for line in _collinear(vs, tight) if page.sealed is not None else []:
        chain: list[Segment] = []
        for s in [*sorted(line, key=lambda s: s.start), None]:
            if s is not None and (
                not chain or sealed.under_seal(s.across, chain[-1].end, s.start, tight) or s.start <= chain[-1].end
            ):
                chain.append(s)
                continue
            if len(chain) > 1:
                extent = max(c.end for c in chain) - chain[0].start
                if extent >= page.px(0.5) and sum(c.length for c in chain) >= 0.5 * extent:
                    v_ok.update(c.label for c in chain)
            chain = [s] if s is not None else []
    for _ in range(4):
        before = len(h_ok) + len(v_ok)
        for s in vs:
            if s.label in v_ok:
                continue
            top, foot = meets(s.across, s.start, 1, hs, h_ok), meets(s.across, s.end, -1, hs, h_ok)
            if top != foot and overruns_border(s, 1 if foot else -1):
                top = foot = True
            ends = top + foot
            if ends == 2 or (ends == 1 and continues(s, vs, v_ok)) or joins(s, vs, v_ok):
                v_ok.add(s.label)
        for s in hs:
            if s.label in h_ok:
                continue
            ends = meets(s.across, s.start, 1, vs, v_ok) + meets(s.across, s.end, -1, vs, v_ok)
            if ends == 2 or (ends == 1 and continues(s, hs, h_ok)) or joins(s, hs, h_ok):
                h_ok.add(s.label)
        # a horizontal ruling broken into pieces (faint, or text touching it from both sides in a tight
        # row): pieces in one line that together run an inch, cover most of their extent and meet or cross
        # vertical rulings two times at least are a ruling (a row of text's aligned strokes, inside its
        # cells, meets none and crosses none)
        for line in lines_of_pieces:
            if all(s.label in h_ok for s in line):
                continue
            extent = max(s.end for s in line) - min(s.start for s in line)
            covered = sum(s.length for s in line)
            ends = sum(meets(s.across, s.start, 1, vs, v_ok) + meets(s.across, s.end, -1, vs, v_ok) for s in line)
            ends += sum(crosses(s, vs, v_ok) for s in line)
            if covered >= page.px(1.0) and covered >= 0.5 * extent and ends >= 2:
                h_ok.update(s.label for s in line)
        if len(h_ok) + len(v_ok) == before:
            break
    return Rulings(
        h_labels,
        v_labels,
        [s for s in hs if s.label in h_ok],
        [s for s in vs if s.label in v_ok],
        h_faint,
        v_faint,
        page.ink,
        page.sealed,
    )


def _ink_runs_on(ink: np.ndarray, across: int, along: int, step: int, limit: int, horizontal: bool) -> int:
    """How many pixels the ink of a line at `across` runs on unbroken from its end `along`, in the direction
    `step` (+1 or -1), up to `limit`: the line's pixel or one beside it inked on each step."""
    run = 0
    for k in range(1, limit + 1):
        at = along + step * k
        if horizontal:  # the line runs along x, at y = across
            if not 0 <= at < ink.shape[1] or not ink[max(0, across - 1) : across + 2, at].any():
                break
        elif not 0 <= at < ink.shape[0] or not ink[at, max(0, across - 1) : across + 2].any():
            break
        run = k
    return run


def _thin_dark(page: Page, horizontal: bool, threshold: float = 30) -> tuple[np.ndarray, np.ndarray]:
    """Pixels darker than the paper a little above and below them (horizontal) or left and right: thin dark
    lines and strokes, never the inside of a blot (bold text blurred into one patch, whose rows would run as
    long as a ruling's). Second, the same at a lower contrast after smoothing along the line: where a
    faint or damaged stretch of a known ruling runs."""
    import cv2

    darker = _darker(page, horizontal)
    along = page.px(0.04)
    smooth = cv2.blur(darker, (along, 1) if horizontal else (1, along))
    faint = max(10.0, threshold / 2)
    return np.where(darker > threshold, 255, 0).astype(np.uint8), np.where(smooth > faint, 255, 0).astype(np.uint8)


def _darker(page: Page, horizontal: bool) -> np.ndarray:
    """How much darker each pixel is than the paper a little above and below it (horizontal; left and right):
    a morphological black-hat, high on thin dark lines and strokes, low inside a blot."""
    import cv2

    across = page.px(0.05)
    kernel = cv2.getStructuringElement(cv2.MORPH_RECT, (1, across) if horizontal else (across, 1))
    return cv2.morphologyEx(page.grey, cv2.MORPH_BLACKHAT, kernel)


def line_contrast(page: Page) -> float:
    """How much darker than the paper this page's rulings are: the median over its long level lines (faded
    scans print them light), from which the threshold for a line's pixels is set."""

    darker = _darker(page, horizontal=True)
    long = _straight(np.where(darker > 30, 255, 0).astype(np.uint8), (page.px(1.0), 1), (page.px(0.015), 1))
    values = darker[long > 0]
    return float(np.median(values)) if values.size > page.px(2.0) else 60.0


def _straight(mask: np.ndarray, length: tuple[int, int], gap: tuple[int, int]) -> np.ndarray:
    """The parts of `mask` that run straight for `length` (after closing gaps of `gap`)."""
    import cv2

    closed = cv2.morphologyEx(mask, cv2.MORPH_CLOSE, cv2.getStructuringElement(cv2.MORPH_RECT, gap))
    return cv2.morphologyEx(closed, cv2.MORPH_OPEN, cv2.getStructuringElement(cv2.MORPH_RECT, length))


def _densest(labels: np.ndarray, label: int, x: int, y: int, w: int, h: int, axis: int) -> int:
    """Where across its box a candidate runs: the row (axis=1) or column (axis=0) holding most of it, not the
    middle of its box (a character's stroke touching the line widens the box)."""
    if (h if axis == 1 else w) <= 3:
        return (h if axis == 1 else w) // 2
    return int((labels[y : y + h, x : x + w] == label).sum(axis=axis).argmax())


def _collinear(segments: list[Segment], tight: int) -> list[list[Segment]]:
    """Segments grouped by the line they lie on (their position across within `tight` of each other)."""
    out: list[list[Segment]] = []
    for s in sorted(segments, key=lambda s: s.across):
        if out and s.across - out[-1][-1].across <= tight:
            out[-1].append(s)
        else:
            out.append([s])
    return out


def _cluster(values: list[int], tolerance: int) -> list[int]:
    out: list[list[int]] = []
    for v in sorted(values):
        if out and v - out[-1][-1] <= tolerance:
            out[-1].append(v)
        else:
            out.append([v])
    return [round(sum(group) / len(group)) for group in out]


def _groups(lines: Rulings, tol: int, bridge: int) -> list[tuple[list[Segment], list[Segment]]]:
    """Rulings that touch, or continue each other across a short gap, grouped: each group is one table's
    (horizontal, vertical) rulings."""
    parent = list(range(len(lines.horizontal) + len(lines.vertical)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    n = len(lines.horizontal)
    for i, h in enumerate(lines.horizontal):
        for j, v in enumerate(lines.vertical):
            if h.start - tol <= v.across <= h.end + tol and v.start - tol <= h.across <= v.end + tol:
                parent[find(i)] = find(n + j)
    for offset, same in ((0, lines.horizontal), (n, lines.vertical)):
        for i, a in enumerate(same):
            for j in range(i + 1, len(same)):
                b = same[j]
                if abs(a.across - b.across) <= tol and max(a.start, b.start) - min(a.end, b.end) <= bridge:
                    parent[find(offset + i)] = find(offset + j)
    groups: dict[int, tuple[list[Segment], list[Segment]]] = {}
    for i, h in enumerate(lines.horizontal):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(lines.vertical):
        groups.setdefault(find(n + j), ([], []))[1].append(v)
    return list(groups.values())


def _with_loose_pieces(
    groups: list[tuple[list[Segment], list[Segment]]], tol: int, near: int
) -> list[tuple[list[Segment], list[Segment]]]:
    """Rulings that touch too few of a table's others to be grouped with it (a seal broke them where they
    cross; a faded border whose rulings fade out before they reach it) belong to the table whose rulings'
    extent holds them, or ends within `near` of them, from its top ruling to its foot."""
    tables = [(hs, vs) for hs, vs in groups if len(hs) >= 2]
    for hs, vs in groups:
        if len(hs) >= 2:
            continue
        for t_hs, t_vs in tables:
            top, foot = min(h.across for h in t_hs), max(h.across for h in t_hs)
            left, right = min(h.start for h in t_hs) - near, max(h.end for h in t_hs) + near
            if vs and all(left <= v.across <= right and top - tol <= v.start and v.end <= foot + tol for v in vs):
                t_vs.extend(vs)
                t_hs.extend(h for h in hs if top - tol <= h.across <= foot + tol)
                break
    return tables


def find_tables(page: Page, lines: Rulings | None = None) -> list[Table]:
    lines = lines or rulings(page)
    tol = page.px(0.03)
    tables = []
    for hs, vs in _with_loose_pieces(_groups(lines, tol, page.px(0.2)), tol, page.px(0.4)):
        if len(hs) < 2 or len(vs) < 2:
            continue
        table = _table(hs, vs, lines, tol, page.px(0.15), max(2, page.px(0.012)), page.px(0.3))
        if table is None:
            continue
        tables.extend(t for t in _split(table) if t.x1 - t.x0 >= page.px(1.0))
    tables.sort(key=lambda t: t.y0)
    return tables


def _table(
    hs: list[Segment], vs: list[Segment], lines: Rulings, tol: int, narrowest: int, tight: int, line_height: int
) -> Table | None:
    """`tol`: how far apart two rulings' ends may be and still meet; `tight`: how far a column's pieces stand
    from each other (a ruling is straight: a stroke a few pixels off its line is not a piece of it);
    `line_height`: the tallest band a character's stroke can reach across."""
    ys = _rows(hs, tol, narrowest // 2)
    if len(ys) < 2:
        return None
    x0 = min(min(s.start for s in hs), min(s.across for s in vs))
    x1 = max(max(s.end for s in hs), max(s.across for s in vs))
    ys = _with_faint_rows(ys, x0, x1, lines, tol, narrowest)
    # the vertical rulings by column (one x, the pieces of a line broken by a seal or a faint stretch), and
    # the bands each column crosses from the band's top ruling to its bottom one
    columns: list[list[Segment]] = []
    for s in sorted(vs, key=lambda s: s.across):
        if columns and s.across - columns[-1][-1].across <= tight:
            columns[-1].append(s)
        else:
            columns.append([s])
    ys = _with_open_ends(ys, columns, x0, x1, tol, narrowest)
    bands = list(zip(ys, ys[1:]))
    table = Table(x0, ys[0], x1, ys[-1], bands, horizontal={s.label for s in hs})
    crossed = [
        [_covers(column, top, bottom, tol, tight, lines, line_height) for top, bottom in bands] for column in columns
    ]
    if len(bands) > 1:
        # in a band no taller than a line of text, a column crossing it must run on, through the ruling
        # between them, into the band above or below: a character's stroke reaching from a tight row's top
        # ruling to its bottom one does not (in a taller band, no stroke reaches across)
        xs = [_across(column) for column in columns]
        reach = max(2, tol // 2)
        found = crossed
        crossed = [
            [
                flags[b]
                and (
                    (flags[b] == FULL and bands[b][1] - bands[b][0] > line_height)
                    or any(
                        flags[n]
                        and _continues_through(lines, xs[c], bands[b][0] if n < b else bands[b][1], reach, tight)
                        for n in (b - 1, b + 1)
                        if 0 <= n < len(bands)
                    )
                )
                for b in range(len(bands))
            ]
            for c, flags in enumerate(crossed)
        ]
        _with_columns_in_line(crossed, found)
        # a column that crosses the bands above and below a run of bands (or above a run down to the table's
        # foot) but not those, where some of its line shows in each and no text runs across its place,
        # crosses them too: a ruling lost under a seal or to fading (a merged cell's bands differ from their
        # neighbours on one side at least). A band no column crosses (a heading between two tables drawn
        # with side rulings in line, parted below) ends a run as the table's foot does.
        heading = [not any(flags[b] for flags in crossed) for b in range(len(bands))]
        for c, flags in enumerate(crossed):
            b = 1
            while b < len(bands):
                if flags[b] or not flags[b - 1]:
                    b += 1
                    continue
                end = b
                while end < len(bands) and not flags[end] and not heading[end]:
                    end += 1
                # a run down to the table's foot has no band below to vouch for it: more of the line must show
                shows = 0.3 if end < len(bands) and not heading[end] else 0.5
                if not _bridges(lines, xs[c], bands[b:end], shows, tol, tight):
                    # the column's line may end above the run's end, on the ruling under a band of it, the
                    # bands below showing none of it (a group of rows with a column fewer: 表二's 行政处罚 and
                    # 行政强制 over 行政事业性收费): a piece of it ending on that ruling vouches for the bands
                    # down to there as a band below would
                    last = _where_the_line_ends(lines, columns[c], xs[c], bands[b:end], tol, tight)
                    if last is None or not _bridges(lines, xs[c], bands[b : b + last], 0.3, tol, tight):
                        b = end + 1
                        continue
                    end = b + last
                for k in range(b, end):
                    flags[k] = BRIDGED
                b = end + 1
    _without_strays(crossed, columns, bands, narrowest, line_height)
    if len(bands) == 1 and bands[0][1] - bands[0][0] <= line_height:
        _without_strokes_inside_text(crossed, columns, bands[0], lines, tol)
    for b, (top, bottom) in enumerate(bands):
        here = [c for c in range(len(columns)) if crossed[c][b]]
        here = _without_slivers(here, columns, narrowest, tol)
        for c in here:
            table.vertical.update(s.label for s in columns[c])
        xs = [_across(columns[c], top, bottom) for c in here]
        table.rows.append([Cell(a, top, b_, bottom, b) for a, b_ in zip(xs, xs[1:])])
    if not any(table.rows):
        return None
    _merge_down(table, lines, tol)
    return table


def _bridges(lines: Rulings, x: int, bands: list[tuple[int, int]], shows: float, tol: int, tight: int) -> bool:
    """Whether a vertical line at x shows along `shows` of each band, through no text."""
    return all(
        lines.vertical_at(x, top + tol, bottom - tol, tight) >= shows
        and not _through_text(lines.ink, x, top + tol, bottom - tol, tol, lines.sealed)
        for top, bottom in bands
    )


def _where_the_line_ends(
    lines: Rulings, column: list[Segment], x: int, bands: list[tuple[int, int]], tol: int, tight: int
) -> int | None:
    """How many of `bands` a column's line runs down through before it ends: a piece of it ends on the ruling
    under a band, the band below showing none of its line, and no band after any; None where it does not."""
    for k in range(1, len(bands)):
        bottom = bands[k - 1][1]
        ends_here = any(abs(s.end - bottom) <= tol and s.end - s.start > tol for s in column)
        if ends_here and all(lines.vertical_at(x, top + tol, b - tol, tight) < 0.1 for top, b in bands[k:]):
            return k
    return None


def _with_columns_in_line(crossed: list[list[int]], found: list[list[int]]) -> None:
    """A one-line row with no row of columns above or below it to run on into (at the table's foot, under a
    heading across the table: 1．信访 under （五）不予处理) has its columns back where IN_LINE of them or more
    run the whole row and stand in line with columns crossing other rows of the table: strokes of text do not
    line up with the table's rulings so."""
    for b in range(len(crossed[0]) if crossed else 0):
        back = [
            c
            for c, flags in enumerate(crossed)
            if found[c][b] == FULL and not flags[b] and any(flags[k] for k in range(len(flags)) if abs(k - b) > 1)
        ]
        if len(back) >= IN_LINE:
            for c in back:
                crossed[c][b] = FULL


def _without_strays(
    crossed: list[list[int]],
    columns: list[list[Segment]],
    bands: list[tuple[int, int]],
    narrowest: int,
    line_height: int,
) -> None:
    """A column that crosses one band of a table, or two in a row, no taller together than two lines of text,
    in line with no column crossing another band of it, where the band above or below crosses the same
    columns but this one, is characters' strokes that line up (the right strokes of 罚 over 制 in 行政处罚 /
    行政强制; of 对 over 项 in a label's two lines; 件 under a seal): it would part a cell's text in two and
    move its values a column on. A table's columns change where a group of its rows starts, with its own
    header (表二's 本年制发件数 | 本年废止件数 | 现行有效件数 over two rows), never in one row alone."""
    xs = [_across(column) for column in columns]
    here = [{c for c, flags in enumerate(crossed) if flags[b]} for b in range(len(bands))]
    for c in range(1, len(columns) - 1):
        # the column with those closer to it than any cell is wide: the strokes of one word
        mates = {o for o in range(1, len(columns) - 1) if abs(xs[o] - xs[c]) < narrowest}
        rows = sorted({b for o in mates for b, flag in enumerate(crossed[o]) if flag})
        if not rows or len(rows) > 2 or rows[-1] - rows[0] != len(rows) - 1:
            continue
        if bands[rows[-1]][1] - bands[rows[0]][0] > 2 * line_height:
            continue
        others = here[rows[0]] - mates
        if any(here[b] - mates != others for b in rows):
            continue
        if not any(0 <= n < len(bands) and here[n] == others for n in (rows[0] - 1, rows[-1] + 1)):
            continue
        for o in mates:
            for b in rows:
                crossed[o][b] = 0


def _without_strokes_inside_text(
    crossed: list[list[int]], columns: list[list[Segment]], band: tuple[int, int], lines: Rulings, tol: int
) -> None:
    """A table of one band no taller than a line of text (表四's header cut off by a page break, its characters
    touching the rulings) has no band above or below for its columns to run on into: a column inside it with
    ink close beside it on both sides along a part of the band (TEXT_BESIDE) is a character's stroke with the
    rest of the character around it; a ruling has its cells' padding on one side at least (the strokes of a
    faint face, whose level bars the binarisation lost, were taken for columns: 19 cells where 10 are printed)."""
    top, bottom = band
    rows = lines.ink[top + tol : bottom - tol] > 0
    for c in range(1, len(columns) - 1):
        x = _across(columns[c])
        if not crossed[c][0] or x - 3 * tol < 0 or x + 3 * tol + 1 > rows.shape[1] or not rows.size:
            continue
        left = rows[:, x - 3 * tol : x - tol].any(axis=1).mean()
        right = rows[:, x + tol + 1 : x + 3 * tol + 1].any(axis=1).mean()
        if min(left, right) >= TEXT_BESIDE:
            crossed[c][0] = 0


def _with_faint_rows(ys: list[int], x0: int, x1: int, lines: Rulings, tol: int, lowest: int) -> list[int]:
    """Rulings across the whole table too broken to be found (faint, text touching them from above and below
    in every cell): a faint line along most of the table's width inside a band parts it."""
    out = [ys[0]]
    for top, bottom in zip(ys, ys[1:]):
        if bottom - top > 2 * lowest:
            strip = lines.h_faint[top + lowest : bottom - lowest + 1, x0 + tol : x1 - tol] > 0
            if strip.size:
                cover = strip.mean(axis=1)
                y = int(np.argmax(cover))
                if cover[y] >= 0.7:
                    out.append(top + lowest + y)
        out.append(bottom)
    return out


def _with_open_ends(ys: list[int], columns: list[list[Segment]], x0: int, x1: int, tol: int, lowest: int) -> list[int]:
    """A row at the table's foot (or head) printed without its bottom (top) ruling: a table the page break
    cuts, whose last row's lower border is drawn on no page. Its columns run on past the last ruling, the
    table's two side borders among them, and end together: the band down to where they end is a row (its
    text was read as a line outside the table, its values run together into one number)."""
    out = list(ys)
    for foot in (True, False):
        edge = out[-1] if foot else out[0]
        ends: dict[int, int] = {}  # column → where its line through the edge ruling ends beyond it
        for c, column in enumerate(columns):
            beyond = [
                (s.end - edge if foot else edge - s.start)
                for s in column
                if s.start <= edge + 2 * tol and s.end >= edge - 2 * tol  # a line breaks where a ruling crosses it
            ]
            if beyond and max(beyond) >= lowest:
                ends[c] = edge + max(beyond) if foot else edge - max(beyond)
        if not ends:
            continue
        where = sorted(ends.values())[len(ends) // 2]
        sides = [min(range(len(columns)), key=lambda c: abs(_across(columns[c]) - x)) for x in (x0, x1)]
        if len(ends) >= 2 and all(
            c in ends and abs(_across(columns[c]) - x) <= lowest // 2 and abs(ends[c] - where) <= tol
            for c, x in zip(sides, (x0, x1))
        ):
            out = [*out, where] if foot else [where, *out]
    return out


def _split(table: Table) -> list[Table]:
    """Tables one above the other whose side rulings line up are one group of rulings; a band no vertical
    ruling crosses (a heading between them) parts them."""
    out: list[Table] = []
    start = 0
    for b in range(len(table.rows) + 1):
        if b < len(table.rows) and table.rows[b]:
            continue
        if b > start:
            rows = table.rows[start:b]
            cells = [cell for row in rows for cell in row]
            part = Table(
                min(c.x0 for c in cells),
                table.bands[start][0],
                max(c.x1 for c in cells),
                table.bands[b - 1][1],
                table.bands[start:b],
                rows,
                table.horizontal,
                table.vertical,
            )
            for cell in part.cells:  # once each: a merged cell stands in every band it spans
                cell.band -= start
            out.append(part)
        start = b + 1
    return out


def _rows(hs: list[Segment], tol: int, lowest: int) -> list[int]:
    """The y of each horizontal ruling, top to bottom. Two closer than any row is tall are one ruling and
    the tops of a row of characters touching it (bold text under a border): the longer stands."""
    lines: list[tuple[int, int]] = []  # (y, length)
    for group in _collinear(hs, tol):
        y = round(sum(s.across * s.length for s in group) / max(1, sum(s.length for s in group)))
        lines.append((y, sum(s.length for s in group)))
    kept: list[tuple[int, int]] = []
    for y, length in sorted(lines):
        if kept and y - kept[-1][0] < lowest:
            if length > kept[-1][1]:
                kept[-1] = (y, length)
            continue
        kept.append((y, length))
    return [y for y, _ in kept]


def _continues_through(lines: Rulings, x: int, y: int, reach: int, tight: int) -> bool:
    """Whether a vertical line at x runs unbroken through the horizontal ruling at y: in ink, or, where a seal
    lay (taking the black under its strokes with it), as a faint line."""
    rows, columns = slice(max(0, y - 2 * reach), y + 2 * reach + 1), slice(max(0, x - tight), x + tight + 1)
    strip = lines.ink[rows, columns]
    if not strip.size:
        return False
    shown = strip.max(axis=1) > 0
    if lines.sealed is not None:
        shown |= (lines.sealed[rows, columns].max(axis=1) > 0) & (lines.v_faint[rows, columns].max(axis=1) > 0)
    return bool(shown.all())


def _across(column: list[Segment], top: int | None = None, bottom: int | None = None) -> int:
    """Where a column of vertical pieces stands: the pieces' positions weighted by their length, of those
    crossing top..bottom when some do. A column gathers the pieces of one line (broken by a seal, by fading)
    and short strokes of text beside it that pass for pieces (a stroke spanning a tight row); counted alike,
    a few strokes pull the column a few pixels off its line, onto the cells' text."""
    pieces = [s for s in column if top is None or (s.start < bottom and s.end > top)] or column
    return round(sum(s.across * s.length for s in pieces) / max(1, sum(s.length for s in pieces)))


IN_LINE = 3  # columns of a one-line row in line with the table's others: more than strokes of text would be
TEXT_BESIDE = 0.2  # of a tight band's height: ink beside a column on both sides along this much is text around it
FULL, BRIDGED = 2, 1  # how a column crosses a band: its pieces run across it; a faint line carries it on


def _covers(
    column: list[Segment], top: int, bottom: int, tol: int, tight: int, lines: Rulings, beyond: int | None = None
) -> int:
    """How the column crosses the band: FULL when its pieces cover it top to bottom but for short gaps;
    BRIDGED when they cover half of it and a faint line runs on along the rest (a ruling faded or broken
    under a seal; the stretches a seal lay over between its pieces count as covered); 0 when its pieces
    cover less than half of it, or when it would run through text. One unbroken piece across the
    band running on further than `beyond` (a line of text's height) past one of its rulings is a ruling,
    whatever ink lies close beside it (a tight row's label printed against the table's border): no stroke
    of a character runs out of its line of text, through a ruling and on for another line."""
    x = _across(column, top, bottom)
    covered = shown = 0  # shown: by the pieces; covered: by them and the gaps between them a seal lay over
    reach = top
    for s in sorted(column, key=lambda s: s.start):
        start, end = max(s.start, reach), min(s.end, bottom)
        if end > start:
            if lines.under_seal(x, reach, start, tight):
                covered += start - reach
            covered += end - start
            shown += end - start
            reach = end
    if lines.under_seal(x, reach, bottom, tight):
        covered += bottom - reach
    height = bottom - top
    if shown < 0.5 * height:
        return 0
    through = beyond is not None and any(
        s.start <= top + tol and s.end >= bottom - tol and max(top - s.start, s.end - bottom) >= beyond for s in column
    )
    if not through and _through_text(lines.ink, x, top + tol, bottom - tol, tol, lines.sealed):
        return 0
    if covered >= height - 2 * tol and covered >= 0.8 * height:
        return FULL
    return BRIDGED if lines.vertical_at(x, top + tol, bottom - tol, tight) >= 0.9 else 0


def _through_text(ink: np.ndarray, x: int, y0: int, y1: int, tol: int, sealed: np.ndarray | None = None) -> bool:
    """Whether a vertical line at x would run through text: a ruling has the cells' padding beside it, clean
    paper along most of its length on both sides; a stroke of a character has the rest of the character
    close on one side or the other, or a stroke of it across (a ruling never has text running through it).
    The line is looked at where its ink runs, a pixel or two off x (a column's pieces, a line left a little
    tilted by the deskew, stand a pixel or two off its mean): its own ink beside x is no text."""
    half = tol // 2
    if y1 > y0 and half <= x < ink.shape[1] - half:
        shown = (ink[y0:y1, x - half : x + half + 1] > 0).mean(axis=0)
        x += max(range(len(shown)), key=lambda k: (shown[k], -abs(k - half))) - half
    if y1 <= y0 or x - 3 * tol < 0 or x + 3 * tol >= ink.shape[1]:
        return False
    rows = ink[y0:y1, x - 3 * tol : x + 3 * tol + 1] > 0
    across = rows[:, 2 * tol : 4 * tol + 1].all(axis=1)
    if sealed is not None:  # a seal's strokes run across rulings: only black ink across one is text
        across &= ~(sealed[y0:y1, x - 2 * tol : x + 2 * tol + 1] > 0).any(axis=1)
    if across.any():
        return True  # a stroke crosses it, running on both sides further than a ruling is wide (the bar of 十)
    fraction = rows.mean(axis=0)  # per column, how much of the band has ink there
    centre = 3 * tol
    width = []  # the ruling's own width, on each side of x
    for step in (-1, 1):
        d = 1
        while d < tol and fraction[centre + step * d] >= 0.8:
            d += 1
        width.append(d)
    beside = _without_specks_beside(ink, x, y0, y1, tol, width)
    sides = []
    for step, d in zip((-1, 1), width):
        window = [centre + step * k for k in range(d + 1, d + 1 + tol)]
        sides.append(float(beside[:, window].mean()))
    return max(sides) > 0.25


def _without_specks_beside(ink: np.ndarray, x: int, y0: int, y1: int, tol: int, width: list[int]) -> np.ndarray:
    """The ink within 3 tol of a vertical line at x, y0..y1, without the line itself (`width`: how far it
    spreads left and right of x) and without specks touching it: blobs smaller than a character's stroke
    is long that stand alone once the line is taken away (dust or noise beside a ruling is no text)."""
    from ogi.ocr.image import components

    reach = 6 * tol
    lo, hi = max(0, x - reach), min(ink.shape[1], x + reach + 1)
    region = np.where(ink[y0:y1, lo:hi] > 0, 255, 0).astype(np.uint8)
    region[:, x - width[0] + 1 - lo : x + width[1] - lo] = 0
    count, labels, stats = components(region)
    small = np.maximum(stats[:, 2], stats[:, 3]) <= 2 * tol
    small[0] = False
    region[small[labels]] = 0
    return region[:, x - 3 * tol - lo : x + 3 * tol + 1 - lo] > 0


def _without_slivers(here: list[int], columns: list[list[Segment]], narrowest: int, tol: int) -> list[int]:
    """Columns closer together than any cell is wide: the shorter is a character's stroke beside a ruling."""

    def x(c: int) -> float:
        return _across(columns[c])

    def length(c: int) -> int:
        return sum(s.length for s in columns[c])

    here = list(here)
    changed = True
    while changed and len(here) > 2:
        changed = False
        for a, b in zip(here, here[1:]):
            if x(b) - x(a) < narrowest:
                here.remove(a if length(a) < length(b) else b)
                changed = True
                break
    return here


def _ruling_row(rulings: list[Segment], y: int, x0: int, x1: int, tol: int) -> int:
    """Where the horizontal ruling at y (± tol) runs beside x0..x1: on the row of its piece nearest them (a
    ruling left a little tilted by the deskew is off its mean row by a pixel or two at the table's ends)."""
    near = [s for s in rulings if abs(s.across - y) <= tol]
    if not near:
        return y
    return int(min(near, key=lambda s: max(0, s.start - x1, x0 - s.end)).across)


def _merge_down(table: Table, lines: Rulings, tol: int) -> None:
    """A cell whose bottom edge has no ruling continues into the band below, where a cell spans the same
    columns: the two are one cell. The ruling is looked for on its line, where it runs beside the cell, not
    a few pixels off it, where the strokes of the characters above and below touching it lie (表四's 结 over
    果维持 in a header cell of two bands: a row of their strokes passed for a faint ruling)."""
    rulings = [s for s in lines.horizontal if s.label in table.horizontal]
    for i in range(len(table.rows) - 1):
        for cell in table.rows[i]:
            if cell.band + cell.bands - 1 != i:
                continue  # merged into a lower band's cell already: its bottom is judged there
            match = next(
                (
                    j
                    for j, c in enumerate(table.rows[i + 1])
                    if abs(c.x0 - cell.x0) <= tol and abs(c.x1 - cell.x1) <= tol
                ),
                None,
            )
            if match is None:
                continue
            margin = max(2, (cell.x1 - cell.x0) // 10)
            y = _ruling_row(rulings, table.bands[i][1], cell.x0, cell.x1, tol)
            if lines.horizontal_at(y, cell.x0 + margin, cell.x1 - margin, 1) >= 0.3:
                continue
            lower = table.rows[i + 1][match]
            cell.y1 = lower.y1
            cell.bands += lower.bands
            table.rows[i + 1][match] = cell
