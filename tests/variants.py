"""Report variants: the layouts, zero styles, labels, units and forms real portals produce, composed freely.

A `Variant` picks one value of every dimension in `DIMENSIONS` (and a seed for the values); `render` makes the
file and the ground truth of every cell as printed (`Expected`: its kind and, for numbers, its value in the
model's unit). `judge` holds an extraction against that truth: each cell is exact, flagged (ambiguous with the
true value among its candidates, or absent in a partial report whose errors name its row or table), wrong
without a flag, or *silent wrong* (a `number` other than the printed one). Values come from `synth.make_report`,
so they keep the template's identities.

Every table is first laid out as a grid of cells with their spans, as the page would hold it; each form then
renders that grid as its tool does: HTML with rowspan/colspan, DOCX with merged cells, Markdown as Docling,
pandoc, markitdown or MinerU write spans, text as page text flattened one cell per line, by tabs or spaces,
and crawler text with the cells glued.
"""

from __future__ import annotations

import html as html_lib
import io
import random
import re
from dataclasses import dataclass, field, fields
from functools import cache

from ogi.template import Layout, Row

from tests import synth

FORMS = ("text", "glued", "markdown", "html", "html_trs", "html_word", "html_gbk", "docx", "pdf", "scan")
# forms LibreOffice lays out into pages (slow: a few seconds each, more with OCR)
PAGED_FORMS = ("pdf", "scan")
# one per kind of zero printing; "mixed" draws one of the others (and 0) per cell
ZERO_PRINTS = {
    "digit": "0",
    "blank": "",
    "nbsp": "\u00a0",
    "dash_em": "—",
    "dash_hyphen": "-",
    "dash_fullwidth": "－",
    "dash_double": "——",
    "dash_en": "–",
    "slash": "/",
    "slash_fullwidth": "／",
}
ZERO_STYLES = (*ZERO_PRINTS, "mixed", "all_blank", "blank_rows")

# Every dimension and its values; the first value is the baseline (the template as issued, printed cleanly).
DIMENSIONS: dict[str, tuple] = {
    "t2_layout": ("2021", "2019"),
    "t3_layout": ("2021", "2019"),
    "header_depth": (2, 1, 3),  # header rows above the values (t2: per 第二十条 section)
    "label_columns": (2, 1, 3),  # 1: group headings inline or as rows; 2: in a merged column; 3: 三、 too
    "group_rows": ("merged", "own_row", "own_row_spanning"),
    "t4_orientation": ("row15", "grid", "grid_split", "split_tables"),
    "zeros_t2": ZERO_STYLES,
    "zeros_t3": ZERO_STYLES,
    "zeros_t4": ZERO_STYLES,
    "quotes": ("curly", "ascii", "single", "corner", "none"),
    "typos": ("none", "homophone", "header_repealed", "header_decisions"),
    "label_breaks": ("none", "spaces", "newline"),
    "numbering": ("halfwidth", "fullwidth", "comma", "own_line"),
    "money_unit": ("template", "paren_wan", "unit_cn", "unit_ascii", "cell_wan", "cell_yuan", "header_yuan"),
    "counters": ("none", "counts"),
    "omitted": ("none", "regulations"),
    "md_spans": ("empty", "repeat", "markdownify", "html"),  # pandoc, Docling, markitdown, MinerU
    "text_sep": ("lines", "lines_dropblank", "tabs", "spaces"),
    "glue_spaces": ("none", "some"),
    "script": ("simplified", "traditional"),
}
# Dimensions that only some forms have; every other dimension applies to every form.
APPLIES: dict[str, frozenset[str]] = {
    "md_spans": frozenset({"markdown"}),
    "text_sep": frozenset({"text"}),
    "glue_spaces": frozenset({"glued"}),
    "script": frozenset({"text", "glued", "markdown", "html"}),
}


def applies(dimension: str, form: str) -> bool:
    return form in APPLIES.get(dimension, FORMS)


@dataclass(frozen=True)
class Variant:
    form: str
    seed: int = 0
    t2_layout: str = "2021"
    t3_layout: str = "2021"
    header_depth: int = 2
    label_columns: int = 2
    group_rows: str = "merged"
    t4_orientation: str = "row15"
    zeros_t2: str = "digit"
    zeros_t3: str = "digit"
    zeros_t4: str = "digit"
    quotes: str = "curly"
    typos: str = "none"
    label_breaks: str = "none"
    numbering: str = "halfwidth"
    money_unit: str = "template"
    counters: str = "none"
    omitted: str = "none"
    md_spans: str = "empty"
    text_sep: str = "lines"
    glue_spaces: str = "none"
    script: str = "simplified"

    def __post_init__(self):
        if self.form not in FORMS:
            raise ValueError(f"unknown form {self.form!r}")
        for name, values in DIMENSIONS.items():
            if getattr(self, name) not in values:
                raise ValueError(f"{name}={getattr(self, name)!r} is not one of {values}")

    def dimensions(self) -> dict[str, object]:
        """The values of the dimensions this variant's form has (the others do not change the file)."""
        return {name: getattr(self, name) for name in DIMENSIONS if applies(name, self.form)}

    def label(self) -> str:
        base = Variant(self.form)
        changed = [f"{k}={v}" for k, v in self.dimensions().items() if getattr(base, k) != v]
        return f"{self.form}[seed={self.seed}{''.join(', ' + c for c in changed)}]"


assert [f.name for f in fields(Variant)][2:] == list(DIMENSIONS), "Variant's fields follow DIMENSIONS"


def draw(rng: random.Random, form: str, seed: int | None = None) -> Variant:
    """A variant of `form` with every dimension drawn independently."""
    chosen = {name: rng.choice(values) for name, values in DIMENSIONS.items() if applies(name, form)}
    return Variant(form, rng.randrange(1 << 30) if seed is None else seed, **chosen)


# ---------------------------------------------------------------------------------------------------------------
# Ground truth


@dataclass(frozen=True)
class Expected:
    """One cell as printed: its kind in the report model and, for a number, its value in the model's unit."""

    kind: str
    value: int | float | None = None
    printed: str = ""


def printed_kind(text: str) -> str:
    """The model's kind of a printed zero-like cell (written out here, not asked of ogi)."""
    stripped = text.replace("\u00a0", " ").strip()
    if not stripped:
        return "blank"
    if all(ch in "—–-－" for ch in stripped):
        return "dash"
    if stripped in ("/", "／"):
        return "slash"
    return "text"


Key = tuple[str, str, str]


@dataclass
class Truth:
    variant: Variant
    synthetic: synth.SyntheticReport
    cells: dict[Key, Expected] = field(default_factory=dict)


def _fmt(value: float | int) -> str:
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".")
    return str(value)


def _zero_t3_rows(values: dict, layout: Layout, rows: list[str]) -> None:
    """Zero whole 表三 rows and keep I1-I3: results_total and new_received follow the result rows."""
    applicants = [c for c in layout.columns if c != "total"]
    for code in rows:
        for col in values[code]:
            values[code][col] = 0
    for col in applicants:
        results = sum(values[r.code][col] for r in layout.rows if r.result)
        values["results_total"][col] = results
        new = results + values["carried_forward"][col] - values["carried_over"][col]
        if new < 0:
            values["carried_forward"][col] -= new
            new = 0
        values["new_received"][col] = new
    for cols in values.values():
        cols["total"] = sum(cols[c] for c in applicants)


def _zero_rows(rng: random.Random, truth_values: dict, table: str, layout: Layout, style: str) -> set[str]:
    """The rows printed all blank (their values made 0)."""
    if style == "all_blank":
        rows = [r.code for r in layout.rows]
    elif style == "blank_rows":
        pool = [r.code for r in layout.rows if table != "t3" or r.result]
        rows = rng.sample(pool, min(len(pool), rng.randint(1, 3)))
    else:
        return set()
    if table == "t3":
        _zero_t3_rows(truth_values, layout, rows)
    else:
        for code in rows:
            for col in truth_values[code]:
                truth_values[code][col] = 0
    return set(rows)


_WAN = {"paren_wan", "unit_cn", "unit_ascii", "cell_wan"}  # the amount printed in 万元


def _money_printed_in_wan(variant: Variant) -> bool:
    if variant.t2_layout == "2021":
        return variant.money_unit not in ("cell_yuan", "header_yuan")
    return variant.money_unit in _WAN


def _money(rng: random.Random, variant: Variant, model_unit: str) -> tuple[str, int | float]:
    """(printed number, value in the model's unit) of a non-zero amount."""
    if _money_printed_in_wan(variant):
        wan = round(rng.uniform(0.01, 5000), rng.choice((0, 1, 2)))
        wan = int(wan) if wan == int(wan) else wan
        if model_unit == "万元":
            return _fmt(wan), wan
        yuan = round(wan * 10000, 6)
        return _fmt(wan), int(yuan) if yuan == int(yuan) else yuan
    yuan = rng.randint(1, 50_000_000)
    if model_unit == "元":
        return str(yuan), yuan
    return str(yuan), round(yuan / 10000, 6)


def make_truth(variant: Variant) -> Truth:
    synthetic = synth.make_report(
        variant.seed, variant.t2_layout, variant.t3_layout, year=2020 if variant.t2_layout == "2019" else 2023
    )
    # the same draws in every form: the truth depends on the seed and the dimensions that change values only
    values_key = [getattr(variant, k) for k in ("t2_layout", "t3_layout", "zeros_t2", "zeros_t3", "zeros_t4")]
    rng = random.Random(f"{variant.seed}:{values_key}:{variant.money_unit}:{variant.counters}")
    if variant.omitted == "regulations":
        synthetic.omitted.add("t2.regulations")
    truth = Truth(variant, synthetic)
    for table, style in (("t2", variant.zeros_t2), ("t3", variant.zeros_t3), ("t4", variant.zeros_t4)):
        layout = synthetic.layout(table)
        blank_rows = _zero_rows(rng, synthetic.values[table], table, layout, style)
        for row in layout.rows:
            for col in row.columns:
                key = (table, row.code, col)
                column = layout.columns[col]
                if f"{table}.{row.code}" in synthetic.omitted:
                    truth.cells[key] = Expected("absent")
                    continue
                value = synthetic.values[table][row.code][col]
                if value == 0 and style != "digit":
                    if row.code in blank_rows:
                        text = ""
                    elif style in ZERO_PRINTS:
                        text = ZERO_PRINTS[style]
                    else:  # mixed, or blank_rows outside the blank rows
                        text = rng.choice([*ZERO_PRINTS.values()]) if style == "mixed" else "0"
                    if text != "0":
                        truth.cells[key] = Expected(printed_kind(text), None, text)
                        continue
                if column.dtype == "decimal":
                    unit = column.unit or "万元"
                    if value:
                        text, value = _money(rng, variant, unit)
                    else:
                        text, value = "0", 0
                    if variant.money_unit == "cell_wan":
                        text += "万元"
                    elif variant.money_unit == "cell_yuan" or (variant.counters == "counts" and rng.random() < 0.5):
                        text += "万元" if _money_printed_in_wan(variant) else "元"
                else:
                    text = _fmt(value)
                    share = 0.8 if table == "t2" else 0.3
                    if variant.counters == "counts" and rng.random() < share:
                        text += rng.choice("件项个")
                synthetic.values[table][row.code][col] = value
                truth.cells[key] = Expected("number", value, text)
    return truth


# ---------------------------------------------------------------------------------------------------------------
# Labels as printed


_FULLWIDTH = str.maketrans("().,:0123456789", "（）．，：０１２３４５６７８９")


def _number(variant: Variant, number: str) -> str:
    if not number:
        return ""
    if variant.numbering == "fullwidth":
        return number.translate(_FULLWIDTH)
    if variant.numbering == "comma" and number.endswith("."):
        return number[:-1] + "、"
    return number


def _broken(variant: Variant, text: str, rng: random.Random) -> str:
    """A label split by spaces or a line break, as some pages print it."""
    if variant.label_breaks == "none" or len(text) < 4:
        return text
    if variant.label_breaks == "newline":
        cut = rng.randint(2, len(text) - 2)
        return text[:cut] + "\n" + text[cut:]
    out = []
    for i, ch in enumerate(text):
        out.append(ch)
        if i < len(text) - 1 and rng.random() < 0.35:
            out.append(" ")
    return "".join(out)


def _spelled(variant: Variant, label: str) -> str:
    quotes = {"curly": "“”", "ascii": '""', "single": "‘’", "corner": "「」", "none": ""}[variant.quotes]
    if "“" in label:
        label = label.replace("“", quotes[:1]).replace("”", quotes[1:])
    if variant.typos == "homophone":
        label = label.replace("内部事务信息", "内部事物信息")
    if variant.numbering == "fullwidth":
        label = label.translate(str.maketrans("(),:", "（），："))
    return label


def row_label(variant: Variant, row: Row, rng: random.Random, number: bool = True) -> str:
    label = _broken(variant, _spelled(variant, row.label), rng) + _spelled(variant, row.tail)
    num = _number(variant, row.number) if number else ""
    if num and variant.numbering == "own_line":
        return num + "\n" + label
    return num + label


def group_label(variant: Variant, group: str) -> str:
    """A group heading (三、本年度办理结果, (三)不予公开) with its number printed in the variant's style."""
    match = re.match(r"^(\(.\)|.、)(.*)$", group)
    if not match:
        return group
    num = _number(variant, match[1])
    return num + ("\n" if variant.numbering == "own_line" else "") + match[2]


def header_label(variant: Variant, text: str) -> str:
    if variant.typos == "header_repealed":
        text = text.replace("本年废止件数", "本年废纸件数")
    if variant.typos == "header_decisions":
        text = text.replace("本年处理决定数量", "本年度处理决定数量")
    return text


# ---------------------------------------------------------------------------------------------------------------
# Tables as grids of cells with spans


@dataclass
class GridCell:
    text: str
    rowspan: int = 1
    colspan: int = 1
    role: str = "label"  # label, header, value, title


Grid = list[list[GridCell]]  # rows of the cells that start on them, as HTML lists them


def _value(text: str, colspan: int = 1) -> GridCell:
    return GridCell(text, 1, colspan, "value")


def _head(text: str, rowspan: int = 1, colspan: int = 1) -> GridCell:
    return GridCell(text, rowspan, colspan, "header")


_T2_SECTIONS = {
    "2021": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing",)),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
    ),
    "2019": (
        ("第二十条第（一）项", ("regulations", "normative_documents")),
        ("第二十条第（五）项", ("licensing", "other_services")),
        ("第二十条第（六）项", ("punishment", "coercion")),
        ("第二十条第（八）项", ("fees",)),
        ("第二十条第（九）项", ("procurement",)),
    ),
}


def _money_header(variant: Variant, label: str) -> str:
    """The money column's header with the unit as the variant prints it."""
    base = re.sub(r"\(单位:.*\)$", "", label)
    return (
        base
        + {
            "template": "（单位：万元）" if variant.t2_layout == "2021" else "",
            "paren_wan": "（万元）",
            "unit_cn": "（单位：万元）",
            "unit_ascii": "(单位:万元)",
            "cell_wan": "",
            "cell_yuan": "",
            "header_yuan": "（元）" if variant.t2_layout == "2019" else "（单位：元）",
        }[variant.money_unit]
    )


def t2_grid(truth: Truth, rng: random.Random) -> Grid:
    v, layout = truth.variant, truth.synthetic.layout("t2")
    sectioned = v.header_depth >= 2
    side = sectioned and v.label_columns >= 2  # the section heading in a merged column to the left
    width = 4 + side
    grid: Grid = []
    if v.header_depth == 3:
        grid.append([GridCell("主动公开政府信息情况", 1, width, "title")])
    for heading, codes in _T2_SECTIONS[layout.code]:
        rows = [layout.row(c) for c in codes if f"t2.{c}" not in truth.synthetic.omitted]
        if not rows:
            continue
        columns = rows[0].columns
        header = [_head("信息内容")]
        for i, col in enumerate(columns):
            column = layout.columns[col]
            text = _money_header(v, column.label) if column.dtype == "decimal" else column.label
            header.append(_head(header_label(v, text), colspan=4 - len(columns) if i == len(columns) - 1 else 1))
        if side:
            header.insert(0, _head(heading, rowspan=1 + len(rows)))
        elif sectioned:
            grid.append([_head(heading, colspan=width)])
        grid.append(header)
        for row in rows:
            cells = [GridCell(_broken(v, row.label, rng))]
            for i, col in enumerate(row.columns):
                span = 4 - len(row.columns) if i == len(row.columns) - 1 else 1
                cells.append(_value(truth.cells[("t2", row.code, col)].printed, span))
            grid.append(cells)
    return grid


_T3_NAMES = ("自然人", "商业企业", "科研机构", "社会公益组织", "法律服务机构", "其他", "总计")
_OUTER = "三、本年度办理结果"


def _t3_groups(layout: Layout) -> list[tuple[str, list[Row]]]:
    """Inner groups ((三)不予公开 …) with their rows, and rows outside any as groups of their own ("")."""
    groups: list[tuple[str, list[Row]]] = []
    for row in layout.rows:
        group = row.group if row.group != _OUTER else ""
        if group:
            groups.append((group, [row]))
        elif groups and groups[-1][0] and row.number[:1].isdigit():
            groups[-1][1].append(row)
        else:
            groups.append(("", [row]))
    return groups


def t3_grid(truth: Truth, rng: random.Random) -> Grid:
    v, layout = truth.variant, truth.synthetic.layout("t3")
    lc = v.label_columns
    grid: Grid = []
    if v.header_depth == 1:
        grid.append([_head("申请人情况", colspan=lc), *(_head(n) for n in _T3_NAMES)])
    elif v.header_depth == 2:
        grid.append(
            [
                _head("申请人情况", 2, lc),
                _head("自然人", 2),
                _head("法人或其他组织", 1, 5),
                _head("总计", 2),
            ]
        )
        grid.append([_head(n) for n in _T3_NAMES[1:6]])
    else:
        grid.append(
            [
                _head("（本列数据的勾稽关系为：第一项加第二项之和，等于第三项加第四项之和）", 3, lc),
                _head("申请人情况", 1, 7),
            ]
        )
        grid.append([_head("自然人", 2), _head("法人或其他组织", 1, 5), _head("总计", 2)])
        grid.append([_head(n) for n in _T3_NAMES[1:6]])

    def values(row: Row) -> list[GridCell]:
        return [_value(truth.cells[("t3", row.code, c)].printed) for c in row.columns]

    def own_row(text: str, span: int) -> list[GridCell]:
        if v.group_rows == "own_row_spanning":
            return [GridCell(text, 1, span + 7)]
        return [GridCell(text, 1, span), *(_value("") for _ in range(7))]

    result_rows = [r for r in layout.rows if r.result or r.code == "results_total"]
    body: Grid = []
    outer_col = lc == 3
    inner_cols = lc - outer_col  # label columns left for a row inside 三、
    for group, rows in _t3_groups(layout):
        in_outer = rows[0] in result_rows
        cols = inner_cols if in_outer else lc
        if group and inner_cols >= 2 and v.group_rows == "merged":
            for i, row in enumerate(rows):
                lead = [GridCell(group_label(v, group), len(rows))] if i == 0 else []
                body.append(lead + [GridCell(row_label(v, row, rng), 1, cols - 1), *values(row)])
            continue
        if group and v.group_rows != "merged":
            body.append(own_row(group_label(v, group), cols))
        for i, row in enumerate(rows):
            label = row_label(v, row, rng)
            if group and i == 0 and v.group_rows == "merged":
                label = group_label(v, group) + label
            body.append([GridCell(label, 1, cols), *values(row)])
    first = next(i for i, r in enumerate(layout.rows) if r.code == "granted")
    if outer_col:
        body[first].insert(0, GridCell(group_label(v, _OUTER), len(body) - first - 1))
    elif v.group_rows == "merged":
        body[first][0].text = group_label(v, _OUTER) + body[first][0].text
    else:
        body.insert(first, own_row(group_label(v, _OUTER), lc))
    return grid + body


_T4_NAMES = ("结果维持", "结果纠正", "其他结果", "尚未审结", "总计")
_T4_BLOCKS = (
    ("review", "行政复议"),
    ("litigation_direct", "未经复议直接起诉"),
    ("litigation_after_review", "复议后起诉"),
)


def t4_grids(truth: Truth, rng: random.Random) -> list[Grid]:
    v = truth.variant
    depth = v.header_depth

    def values(code: str) -> list[GridCell]:
        return [
            _value(truth.cells[("t4", code, c)].printed) for c in ("upheld", "corrected", "other", "pending", "total")
        ]

    def title(width: int) -> list[GridCell]:
        return [GridCell("政府信息公开行政复议、行政诉讼情况", 1, width, "title")]

    if v.t4_orientation == "row15":
        grid: Grid = []
        if depth == 3:
            grid.append([_head("行政复议", colspan=5), _head("行政诉讼", colspan=10)])
            grid.append([*(_head(n, 2) for n in _T4_NAMES), _head("未经复议直接起诉", 1, 5), _head("复议后起诉", 1, 5)])
            grid.append([_head(n) for n in _T4_NAMES * 2])
        elif depth == 2:
            grid.append([_head(name, 1, 5) for _, name in _T4_BLOCKS])
            grid.append([_head(n) for n in _T4_NAMES * 3])
        else:
            grid.append([_head(n) for n in _T4_NAMES * 3])
        grid.append([c for code, _ in _T4_BLOCKS for c in values(code)])
        return [grid]
    if v.t4_orientation == "split_tables":
        review: Grid = []
        litigation: Grid = []
        if depth >= 2:
            review.append([_head("行政复议", colspan=5)])
            if depth == 3:
                litigation.append([_head("行政诉讼", colspan=10)])
            litigation.append([_head("未经复议直接起诉", colspan=5), _head("复议后起诉", colspan=5)])
        review += [[_head(n) for n in _T4_NAMES], values("review")]
        litigation += [
            [_head(n) for n in _T4_NAMES * 2],
            values("litigation_direct") + values("litigation_after_review"),
        ]
        return [review, litigation]
    # a 3×5 grid: the blocks as rows
    split = v.t4_orientation == "grid_split"
    lc = 2 if split and v.label_columns >= 2 and v.group_rows == "merged" else 1
    grid = []
    if depth == 3:
        grid.append(title(lc + 5))
    if depth >= 2:
        grid.append([_head("情况", 2, lc), _head("办理结果", 1, 5)])
        grid.append([_head(n) for n in _T4_NAMES])
    else:
        grid.append([_head("", 1, lc), *(_head(n) for n in _T4_NAMES)])
    grid.append([GridCell("行政复议", 1, lc), *values("review")])
    if not split:
        grid += [[GridCell(name), *values(code)] for code, name in _T4_BLOCKS[1:]]
    elif lc == 2:
        grid.append([GridCell("行政诉讼", 2), GridCell("未经复议直接起诉"), *values("litigation_direct")])
        grid.append([GridCell("复议后起诉"), *values("litigation_after_review")])
    elif v.group_rows == "merged":
        grid.append([GridCell("行政诉讼\n未经复议直接起诉" if rng.random() < 0.5 else "行政诉讼未经复议直接起诉")])
        grid[-1] += values("litigation_direct")
        grid.append([GridCell("复议后起诉"), *values("litigation_after_review")])
    else:
        if v.group_rows == "own_row_spanning":
            grid.append([GridCell("行政诉讼", 1, 6)])
        else:
            grid.append([GridCell("行政诉讼"), *(_value("") for _ in range(5))])
        grid += [[GridCell(name), *values(code)] for code, name in _T4_BLOCKS[1:]]
    return grid and [grid]


# ---------------------------------------------------------------------------------------------------------------
# The document: lines and tables in reading order


_SECTIONS = synth._SECTIONS


@dataclass
class Document:
    title: str
    blocks: list[tuple[str, str | Grid]]  # ("line", text) or ("table", grid)


def make_document(truth: Truth) -> Document:
    s = truth.synthetic
    rng = random.Random(f"labels:{truth.variant.seed}")
    year = s.year
    blocks: list[tuple[str, str | Grid]] = [
        ("line", s.title),
        ("line", f"发布日期：{year + 1}-01-20"),
        ("line", "一、总体情况"),
        ("line", s.narrative),
        ("line", _SECTIONS["t2"]),
        ("table", t2_grid(truth, rng)),
        ("line", _SECTIONS["t3"]),
        ("table", t3_grid(truth, rng)),
        ("line", _SECTIONS["t4"]),
        *(("table", g) for g in t4_grids(truth, rng)),
        ("line", "五、存在的主要问题及改进情况"),
        ("line", f"{year + 1}年，本机关将组织培训3次，更新公开目录12项。"),
        ("line", "六、其他需要报告的事项"),
        ("line", f"本机关{year}年度未收取信息处理费。"),
    ]
    return Document(s.title, blocks)


def placed(grid: Grid) -> tuple[list[tuple[int, int, GridCell]], int, int]:
    """Each cell of the grid at its (row, column) once spans are laid out; (cells, rows, columns)."""
    taken: set[tuple[int, int]] = set()
    out = []
    width = 0
    for r, row in enumerate(grid):
        c = 0
        for cell in row:
            while (r, c) in taken:
                c += 1
            out.append((r, c, cell))
            for dr in range(cell.rowspan):
                for dc in range(cell.colspan):
                    taken.add((r + dr, c + dc))
            c += cell.colspan
            width = max(width, c)
    height = max([r + 1 for r, _ in taken], default=0)
    return out, height, width


# ---------------------------------------------------------------------------------------------------------------
# Forms


def _flat(text: str) -> str:
    return text.replace("\n", " ")


def _text_table(grid: Grid, sep: str) -> list[str]:
    lines: list[str] = []
    for row in grid:
        texts = [c.text for c in row]
        if sep == "lines":
            lines += [t for text in texts for t in text.split("\n")]
        elif sep == "lines_dropblank":
            lines += [t for text in texts if text.strip() for t in text.split("\n")]
        elif sep == "tabs":
            lines.append("\t".join(map(_flat, texts)))
        else:  # several spaces; a blank cell leaves no trace
            lines.append("   ".join(_flat(t) for t in texts if t.strip()))
    return lines


def render_text(doc: Document, variant: Variant) -> str:
    lines = []
    for kind, block in doc.blocks:
        lines += [block] if kind == "line" else _text_table(block, variant.text_sep)
    return "\n".join(lines) + "\n"


def render_glued(doc: Document, variant: Variant) -> str:
    rng = random.Random(f"glue:{variant.seed}")
    parts = []
    for kind, block in doc.blocks:
        if kind == "line":
            parts.append(block)
            continue
        for row in block:
            for cell in row:
                parts.append(cell.text)
                if variant.glue_spaces == "some" and rng.random() < 0.15:
                    parts.append(" ")
    return "".join(parts) + "\n"


def _md_cell(text: str) -> str:
    return _flat(text).replace("|", "\\|")


def _html_table(grid: Grid, cell_html=None) -> str:
    out = ["<table border=1>"]
    for row in grid:
        out.append("<tr>")
        for cell in row:
            spans = (f" rowspan={cell.rowspan}" if cell.rowspan > 1 else "") + (
                f" colspan={cell.colspan}" if cell.colspan > 1 else ""
            )
            inner = cell_html(cell) if cell_html else _plain_cell(cell.text)
            out.append(f"<td{spans}>{inner}</td>")
        out.append("</tr>")
    out.append("</table>")
    return "".join(out)


def _plain_cell(text: str) -> str:
    if text == "\u00a0":
        return "&nbsp;"
    return "<br>".join(html_lib.escape(part) for part in text.split("\n"))


def _md_table(grid: Grid, style: str) -> list[str]:
    if style == "html":  # MinerU: the table as HTML inside the Markdown
        return [_html_table(grid), ""]
    cells, height, width = placed(grid)
    matrix: list[list[str | None]] = [[None] * width for _ in range(height)]
    for r, c, cell in cells:
        for dr in range(cell.rowspan):
            for dc in range(cell.colspan):
                origin = dr == 0 and dc == 0
                if style == "repeat" or origin:
                    text = cell.text
                elif style == "markdownify" and dr > 0:
                    text = None  # markdownify drops what a rowspan covers: the row comes out short
                else:
                    text = ""
                matrix[r + dr][c + dc] = text
    lines = []
    for i, row in enumerate(matrix):
        texts = [_md_cell(t) for t in row if t is not None]
        lines.append("| " + " | ".join(texts) + " |")
        if i == 0:
            lines.append("|" + "---|" * len(texts))
    return [*lines, ""]


def render_markdown(doc: Document, variant: Variant) -> str:
    out = [f"# {doc.title}", ""]
    for kind, block in doc.blocks[1:]:
        if kind == "line":
            out += [block, ""]
        else:
            out += _md_table(block, variant.md_spans)
    return "\n".join(out)


def _word_cell(cell: GridCell) -> str:
    if not cell.text.strip():
        return "<p class=MsoNormal align=center style='text-align:center'><span lang=EN-US><o:p>&nbsp;</o:p></span></p>"
    paras = []
    for part in cell.text.split("\n"):
        if part and part[0].isdigit() and len(part) > 1 and cell.role == "value":
            inner = "".join(f"<span lang=EN-US style='font-size:10.5pt'>{html_lib.escape(ch)}</span>" for ch in part)
        else:
            inner = f"<span style='font-family:仿宋_GB2312'>{html_lib.escape(part)}</span>"
        paras.append(f"<p class=MsoNormal align=center style='text-align:center'>{inner}<o:p></o:p></p>")
    return "".join(paras)


def _trs_cell(cell: GridCell) -> str:
    return (
        "<p style='text-align:center;line-height:20px'><span style='font-family:仿宋;font-size:12pt'>"
        f"{_plain_cell(cell.text)}</span></p>"
    )


def render_html(doc: Document, variant: Variant) -> str:
    esc = html_lib.escape
    style = variant.form
    word = style == "html_word"
    cell_html = _word_cell if word else _trs_cell if style == "html_trs" else None
    body = []
    for kind, block in doc.blocks[1:]:
        if kind == "line":
            if word:
                body.append(f"<p class=MsoNormal><span style='font-family:仿宋_GB2312'>{esc(block)}</span></p>")
            elif style == "html_trs":
                body.append(f"<p style='text-indent:2em'><span style='font-size:16px'>{esc(block)}</span></p>")
            else:
                body.append(f"<p>{esc(block)}</p>")
        else:
            table = _html_table(block, cell_html)
            if word:
                table = table.replace(
                    "<table border=1>",
                    "<table class=MsoNormalTable border=1 cellspacing=0 cellpadding=0 "
                    "style='border-collapse:collapse;mso-table-layout-alt:fixed'>",
                )
            body.append(table)
    content = "".join(body)
    title = esc(doc.title)
    if style == "html_trs":  # a portal page laid out with tables, the report inside a TRS editor div
        content = (
            "<table width='100%' border=0><tr><td><a href='/'>首页</a></td><td><a href='/xxgk/'>政府信息公开</a></td>"
            "</tr></table><table width='1000' align=center border=0 cellspacing=0><tr><td style='padding:20px'>"
            f"<div class='title'>{title}</div><div class='TRS_Editor'><div class='Custom_UnionStyle'>{content}"
            "</div></div></td></tr><tr><td>【打印本页】【关闭窗口】</td></tr></table>"
        )
        head = "<meta http-equiv='Content-Type' content='text/html; charset=utf-8'>"
    elif style == "html_gbk":
        head = "<meta http-equiv='Content-Type' content='text/html; charset=gb2312'>"
    elif word:
        head = "<meta http-equiv=Content-Type content='text/html; charset=utf-8'><meta name=Generator content='Microsoft Word 15'>"
    else:
        head = "<meta charset='utf-8'>"
    return f"<html><head>{head}<title>{title}</title></head><body><h1>{title}</h1>{content}</body></html>"


def _docx_paragraph(text: str, runs_per_char: bool) -> str:
    esc = html_lib.escape
    runs = [text] if not runs_per_char else list(text)  # numbers split over runs, as Word saves edited cells
    body = "".join(f'<w:r><w:t xml:space="preserve">{esc(run)}</w:t></w:r>' for run in runs if run)
    return f"<w:p>{body}</w:p>"


def _docx_table(grid: Grid) -> str:
    """A table's WordprocessingML: merged cells as gridSpan and vMerge, as Word writes them (python-docx's own
    merge re-lays the grid out on every call: a hundred times slower)."""
    cells, height, width = placed(grid)
    origin = {(r, c): cell for r, c, cell in cells}
    below: dict[tuple[int, int], int] = {}  # positions a rowspan covers below its origin → the span's width
    for r, c, cell in cells:
        for dr in range(1, cell.rowspan):
            below[(r + dr, c)] = cell.colspan
    rows = []
    for r in range(height):
        tcs, c = [], 0
        while c < width:
            cell = origin.get((r, c))
            if cell is not None:
                props = (f'<w:gridSpan w:val="{cell.colspan}"/>' if cell.colspan > 1 else "") + (
                    '<w:vMerge w:val="restart"/>' if cell.rowspan > 1 else ""
                )
                paragraphs = "".join(_docx_paragraph(part, cell.role == "value") for part in cell.text.split("\n"))
                tcs.append(f"<w:tc><w:tcPr>{props}</w:tcPr>{paragraphs}</w:tc>")
                c += cell.colspan
            elif (r, c) in below:
                span = below[(r, c)]
                grid_span = f'<w:gridSpan w:val="{span}"/>' if span > 1 else ""
                tcs.append(f"<w:tc><w:tcPr>{grid_span}<w:vMerge/></w:tcPr><w:p/></w:tc>")
                c += span
            else:  # a row shorter than the grid: an empty cell
                tcs.append("<w:tc><w:tcPr/><w:p/></w:tc>")
                c += 1
        rows.append("<w:tr>" + "".join(tcs) + "</w:tr>")
    column = 9000 // width  # the table fits the page's text width (python-docx's template: 6.5 inches)
    columns = "".join(f'<w:gridCol w:w="{column}"/>' for _ in range(width))
    return (
        '<w:tbl %s><w:tblPr><w:tblStyle w:val="TableGrid"/><w:tblW w:w="9000" w:type="dxa"/>'
        '<w:tblLayout w:type="fixed"/></w:tblPr>'
        f"<w:tblGrid>{columns}</w:tblGrid>{''.join(rows)}</w:tbl>"
    )


def render_docx(doc: Document) -> bytes:
    import docx
    from docx.oxml import parse_xml
    from docx.oxml.ns import nsdecls

    document = docx.Document()
    document.core_properties.title = doc.title
    body = document.element.body
    for kind, block in doc.blocks:
        if kind == "line":
            document.add_paragraph(block)
        else:
            body.insert(len(body) - 1, parse_xml(_docx_table(block) % nsdecls("w")))  # before the sectPr
            document.add_paragraph()  # Word keeps a paragraph between two tables
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()


def _pinyin(text: str) -> str:
    """Traditional script with some readings glossed in pinyin, as some portals' 繁體 pages print them."""
    from opencc import OpenCC

    converted = OpenCC("s2t").convert(text)
    for ch, reading in (("長", "zhǎng"), ("處", "chǔ"), ("行", "xíng"), ("重", "chóng")):
        converted = converted.replace(ch, f"{ch}({reading})", 3)
    return converted


_EXTENSIONS = {"text": "txt", "glued": "txt", "markdown": "md", "docx": "docx", "pdf": "pdf", "scan": "pdf"}


@dataclass
class Case:
    variant: Variant
    data: bytes
    truth: Truth

    @property
    def source(self) -> str:
        return f"variant-{self.variant.seed}.{_EXTENSIONS.get(self.variant.form, 'html')}"


def render(variant: Variant) -> Case:
    truth = make_truth(variant)
    doc = make_document(truth)
    form = variant.form
    if form in ("docx", "pdf"):
        data = render_docx(doc)
        if form == "pdf":
            data = _pdf(data)
        return Case(variant, data, truth)
    if form == "scan":
        return Case(variant, _scanned(render_docx(doc), variant.seed), truth)
    if form == "text":
        text = render_text(doc, variant)
    elif form == "glued":
        text = render_glued(doc, variant)
    elif form == "markdown":
        text = render_markdown(doc, variant)
    else:
        text = render_html(doc, variant)
    if variant.script == "traditional":
        text = _pinyin(text)
    return Case(variant, text.encode("gb18030" if form == "html_gbk" else "utf-8"), truth)


@cache
def _pdf_cached(data: bytes) -> bytes:
    from ogi.readers.libreoffice import convert

    return convert(data, ".docx", "pdf")


def _pdf(docx_bytes: bytes) -> bytes:
    return _pdf_cached(docx_bytes)


def _scanned(docx_bytes: bytes, seed: int) -> bytes:
    """The DOCX printed in one of the fixture fonts (a scan shows glyphs: the host's fonts may lack CJK ones)
    and scanned at 150 dpi with every degradation at a strength drawn from `seed` (tests/scans.py)."""
    from ogi.readers.libreoffice import convert

    from tests import fonts, scans

    font = sorted(fonts.FAMILIES)[seed % len(fonts.FAMILIES)]
    pdf = convert(docx_bytes, ".docx", "pdf", env=fonts.render_env(font))
    return scans.scan(pdf, scans.Degradation.random(random.Random(seed), dpi=150), seed)


# ---------------------------------------------------------------------------------------------------------------
# The invariant


EXACT, FLAGGED, WRONG, SILENT_WRONG = "exact", "flagged", "wrong", "silent_wrong"
ZERO_KINDS = ("blank", "dash", "slash", "text")


def _same(a: float | int, b: float | int) -> bool:
    return abs(a - b) <= 1e-6 * max(1.0, abs(b))


def _named(report, table: str, row: str) -> bool:
    """Whether the report's errors name this row, or its whole table."""
    for error in report.errors:
        if f"{table}.{row}" in error:
            return True
        if error.startswith(f"{table}: rows not found") and re.search(rf"\b{row}\b", error):
            return True
        if error.startswith(f"{table}:") and "rows not found" not in error:
            return True  # a table-level error: every cell of the table is in doubt
        if error.startswith("tables not found") and table in error:
            return True
    return False


def judge_cell(expected: Expected, cell, report, key: Key) -> str:
    kind = "absent" if cell is None else cell.kind  # a table not found has no cells: as good as absent
    true_value = expected.value if expected.kind == "number" else 0
    if kind == "number":
        if expected.kind == "number" and _same(cell.value, expected.value):
            return EXACT
        return SILENT_WRONG
    if kind == expected.kind:
        return EXACT
    if kind == "ambiguous" and expected.kind != "absent" and any(_same(c, true_value) for c in cell.candidates):
        return FLAGGED
    if kind == "absent" and report.status == "partial" and _named(report, key[0], key[1]):
        return FLAGGED
    return WRONG


@dataclass
class Judgement:
    case: Case
    report: object
    verdicts: dict[Key, str]
    status_wrong: str | None  # why the status is wrong, if it is

    def count(self, verdict: str) -> int:
        return sum(1 for v in self.verdicts.values() if v == verdict)

    def cells(self, verdict: str) -> list[Key]:
        return [k for k, v in self.verdicts.items() if v == verdict]

    @property
    def holds(self) -> bool:
        """The invariant: no cell wrong (silently or not), and the status right."""
        return not self.cells(WRONG) and not self.cells(SILENT_WRONG) and self.status_wrong is None

    def explain(self, limit: int = 8) -> str:
        lines = [f"{self.case.variant.label()}: status {self.report.status}; errors {self.report.errors[:3]}"]
        if self.status_wrong:
            lines.append(f"  status wrong: {self.status_wrong}")
        for verdict in (SILENT_WRONG, WRONG):
            for key in self.cells(verdict)[:limit]:
                expected = self.case.truth.cells[key]
                cell = self.report.tables.get(key[0], {}).get(key[1], {}).get(key[2])
                got = cell.as_json() if cell is not None else None
                lines.append(
                    f"  {verdict} {'.'.join(key)}: printed {expected.printed!r} ({expected.kind}"
                    f"{'' if expected.value is None else ' ' + str(expected.value)}), got {got}"
                )
        return "\n".join(lines)


def judge(case: Case, report) -> Judgement:
    verdicts = {}
    for key, expected in case.truth.cells.items():
        cell = report.tables.get(key[0], {}).get(key[1], {}).get(key[2])
        verdicts[key] = judge_cell(expected, cell, report, key)
    status_wrong = None
    if all(v == EXACT for v in verdicts.values()) and report.status != "ok":
        status_wrong = f"every cell exact but status {report.status!r} ({'; '.join(report.errors)[:200]})"
    elif report.status not in ("ok", "partial"):
        status_wrong = f"status {report.status!r} for a report with its tables printed"
    return Judgement(case, report, verdicts, status_wrong)


def extract_and_judge(variant: Variant) -> Judgement:
    from ogi.extract import extract_bytes

    case = render(variant)
    return judge(case, extract_bytes(case.data, case.source))


# Dimensions whose values mean something different under another dimension's values: the sweep covers each
# such pair whole (money units differ between the 2019 and 2021 表二; group rows with each label column count).
SWEEP_PAIRS = (
    ("money_unit", "t2_layout"),
    ("group_rows", "label_columns"),
    ("t4_orientation", "header_depth"),
    ("t4_orientation", "group_rows"),
    ("zeros_t3", "t3_layout"),
)
PDF_DIMENSIONS = ("t4_orientation", "zeros_t4", "label_columns", "header_depth")


def sweep(forms=FORMS, seed: int = 0) -> list[Variant]:
    """Variants covering every value of every dimension in every form it applies to: one dimension at a time,
    the others at their baseline, and every pair in `SWEEP_PAIRS` whole (PDF, being slow: `PDF_DIMENSIONS`)."""
    out: dict[Variant, None] = {}
    for form in forms:
        out[Variant(form, seed)] = None
        for name, values in DIMENSIONS.items():
            if applies(name, form) and (form not in PAGED_FORMS or name in PDF_DIMENSIONS):
                out.update((Variant(form, seed, **{name: value}), None) for value in values[1:])
        if form in PAGED_FORMS:
            continue
        for a, b in SWEEP_PAIRS:
            for x in DIMENSIONS[a]:
                out.update((Variant(form, seed, **{a: x, b: y}), None) for y in DIMENSIONS[b])
    return list(out)
