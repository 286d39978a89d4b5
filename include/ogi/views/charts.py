"""Charts drawn on the server as SVG: no script, nothing fetched by the browser, the same in the Airflow UI
and in the static report. Every text that comes from data is escaped."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from markupsafe import Markup, escape

from ogi.views.labels import Label

WIDTH = 640
LABEL_WIDTH = 210
ROW_HEIGHT = 26
PALETTE = ("#1565c0", "#c62828", "#8e24aa", "#90a4ae", "#cfd8dc", "#2e7d32", "#ef6c00")


@dataclass(frozen=True)
class Bar:
    label: Label
    value: float
    text: str  # what is printed after the bar ("93% · 28/30", "12 reports")
    href: str | None = None
    tone: str = "neutral"  # CSS class: good, bad, warn, neutral


@dataclass(frozen=True)
class Series:
    label: Label
    values: Sequence[float | None]  # None: no value there (a gap in a line)
    color: str


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _open(height: int, title: Label, chart: str) -> list[str]:
    return [
        f'<svg class="chart chart-{chart}" viewBox="0 0 {WIDTH} {height}" role="img" '
        f'xmlns="http://www.w3.org/2000/svg" preserveAspectRatio="xMinYMin meet">',
        f"<title>{escape(str(title))}</title>",
    ]


def bars(rows: Sequence[Bar], title: Label, maximum: float | None = None) -> Markup:
    """Horizontal bars, one per row, the label on the left (linked when the row has an href)."""
    if not rows:
        return Markup('<p class="empty">无数据 · no data</p>')
    top = maximum if maximum is not None else max((r.value for r in rows), default=0) or 1
    plot = WIDTH - LABEL_WIDTH - 110
    height = len(rows) * ROW_HEIGHT + 8
    out = _open(height, title, "bars")
    for i, row in enumerate(rows):
        y = 4 + i * ROW_HEIGHT
        width = max(0.0, min(1.0, row.value / top)) * plot if top else 0
        full = escape(str(row.label))
        name = escape(_clip(row.label.zh, 15))
        text = f'<text class="label" x="{LABEL_WIDTH - 8}" y="{y + 17}" text-anchor="end">{name}<title>{full}</title></text>'
        if row.href:
            text = f'<a href="{escape(row.href)}">{text}</a>'
        out += [
            text,
            f'<rect class="track" x="{LABEL_WIDTH}" y="{y + 5}" width="{plot}" height="14" rx="2"/>',
            f'<rect class="bar {escape(row.tone)}" x="{LABEL_WIDTH}" y="{y + 5}" width="{width:.1f}" height="14" rx="2">'
            f"<title>{full}: {escape(row.text)}</title></rect>",
            f'<text class="value" x="{LABEL_WIDTH + plot + 8}" y="{y + 17}">{escape(row.text)}</text>',
        ]
    out.append("</svg>")
    return Markup("".join(out))


def _text_width(text: str) -> float:
    """About how wide a label is at 11px: CJK characters twice a Latin one."""
    return sum(11.0 if ord(ch) > 0x2E80 else 6.2 for ch in text)


def _legend(series: Sequence[Series]) -> tuple[list[str], int]:
    """The legend's items, wrapped onto as many lines as they need; and the height they take."""
    out, x, y = [], 8.0, 4
    for s in series:
        name = str(s.label)
        width = 14 + _text_width(name) + 16
        if x > 8 and x + width > WIDTH:
            x, y = 8.0, y + 16
        out += [
            f'<rect x="{x:.0f}" y="{y}" width="10" height="10" fill="{escape(s.color)}"/>',
            f'<text class="legend" x="{x + 14:.0f}" y="{y + 9}">{escape(name)}</text>',
        ]
        x += width
    return out, y + 22


def _axis(top: float, y0: int, plot_height: int, x0: int, x1: int) -> list[str]:
    out = []
    for fraction in (0, 0.5, 1):
        y = y0 + plot_height - fraction * plot_height
        value = top * fraction
        shown = f"{value:.0f}" if top >= 4 or value == 0 else f"{value:.1f}"
        out += [
            f'<line class="grid" x1="{x0}" x2="{x1}" y1="{y:.1f}" y2="{y:.1f}"/>',
            f'<text class="tick" x="{x0 - 6}" y="{y + 4:.1f}" text-anchor="end">{shown}</text>',
        ]
    return out


def _x_labels(categories: Sequence[str], xs: Sequence[float], y: int) -> list[str]:
    step = max(1, len(categories) // 8)  # at most about eight labels under the axis
    return [
        f'<text class="tick" x="{x:.1f}" y="{y}" text-anchor="middle">{escape(_clip(c, 16))}<title>{escape(c)}</title></text>'
        for i, (c, x) in enumerate(zip(categories, xs))
        if i % step == 0 or i == len(categories) - 1
    ]


def stacked_columns(categories: Sequence[str], series: Sequence[Series], title: Label) -> Markup:
    """One column per category, stacked by series (e.g. documents per run by what became of them)."""
    if not categories:
        return Markup('<p class="empty">无数据 · no data</p>')
    legend, y0 = _legend(series)
    x0, x1, plot_height = 48, WIDTH - 8, 150
    totals = [sum(s.values[i] for s in series) for i in range(len(categories))]
    top = max(totals) or 1
    slot = (x1 - x0) / len(categories)
    width = max(2.0, min(40.0, slot * 0.7))
    out = _open(y0 + plot_height + 24, title, "columns")
    out += legend
    out += _axis(top, y0, plot_height, x0, x1)
    xs = []
    for i, category in enumerate(categories):
        x = x0 + slot * i + (slot - width) / 2
        xs.append(x + width / 2)
        y = y0 + plot_height
        for s in series:
            h = s.values[i] / top * plot_height
            if h <= 0:
                continue
            y -= h
            out.append(
                f'<rect x="{x:.1f}" y="{y:.1f}" width="{width:.1f}" height="{h:.1f}" fill="{escape(s.color)}">'
                f"<title>{escape(category)} · {escape(str(s.label))}: {s.values[i]:g}</title></rect>"
            )
    out += _x_labels(categories, xs, y0 + plot_height + 16)
    out.append("</svg>")
    return Markup("".join(out))


def lines(categories: Sequence[str], series: Sequence[Series], title: Label, maximum: float | None = None) -> Markup:
    """One line per series across the categories (e.g. reports per quality across runs)."""
    if not categories:
        return Markup('<p class="empty">无数据 · no data</p>')
    legend, y0 = _legend(series)
    x0, x1, plot_height = 48, WIDTH - 16, 150
    top = maximum or max((v for s in series for v in s.values if v is not None), default=0) or 1
    step = (x1 - x0) / max(1, len(categories) - 1)
    xs = [x0 + step * i if len(categories) > 1 else (x0 + x1) / 2 for i in range(len(categories))]
    out = _open(y0 + plot_height + 24, title, "lines")
    out += legend
    out += _axis(top, y0, plot_height, x0, x1)
    for s in series:  # a value of None is a gap: the line stops before it and goes on after it
        points = [None if v is None else (x, y0 + plot_height - v / top * plot_height) for x, v in zip(xs, s.values)]
        for stretch in _stretches(points):
            path = " ".join(f"{x:.1f},{y:.1f}" for x, y in stretch)
            out.append(f'<polyline fill="none" stroke="{escape(s.color)}" stroke-width="2" points="{path}"/>')
        for point, value, category in zip(points, s.values, categories):
            if point is None:
                continue
            x, y = point
            out.append(
                f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{escape(s.color)}">'
                f"<title>{escape(category)} · {escape(str(s.label))}: {value:g}</title></circle>"
            )
    out += _x_labels(categories, xs, y0 + plot_height + 16)
    out.append("</svg>")
    return Markup("".join(out))


def _stretches(points: list) -> list[list]:
    """The runs of points between the gaps (None) in a line."""
    out: list[list] = [[]]
    for point in points:
        if point is None:
            out.append([])
        else:
            out[-1].append(point)
    return [stretch for stretch in out if stretch]
