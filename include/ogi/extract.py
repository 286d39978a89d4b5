"""From a document's tokens to every cell of its three tables, with a status and reasons."""

from __future__ import annotations

from dataclasses import dataclass, field
from operator import attrgetter
from pathlib import Path

from ogi import cells as C
from ogi.glued import (
    Run,
    combine,
    cut_run,
    distrust_broken_where_blanks_drop,
    set_aside_where_blanks_drop,
    short_rows,
)
from ogi.grammar import Stream, TableMatch, find_t2, find_t3, find_t4
from ogi.identities import CellKey, table_checks
from ogi.metadata import Metadata, extract_metadata
from ogi.printed import VALUE
from ogi.readers import read_document
from ogi.readers.document import Document, ReadError
from ogi.segment import Budget
from ogi.stated import Stated, stated_figures
from ogi.template import Layout, Spec, load_spec

_PAGE = attrgetter("page")
TABLES = ("t2", "t3", "t4")


@dataclass
class Report:
    source: str
    status: str
    errors: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    format: str | None = None
    pages: int | None = None
    layouts: dict[str, str] = field(default_factory=dict)
    metadata: Metadata = field(default_factory=Metadata)
    tables: dict[str, dict[str, dict[str, C.Cell]]] = field(default_factory=dict)
    stated: list[Stated] = field(default_factory=list)
    ocr: dict | None = None  # read by OCR: {"engine": …, "pages": [1-based page numbers]}

    @property
    def error(self) -> str | None:
        """Every reason this report is not fully read, after the file it is about."""
        return f"{self.source}: {'; '.join(self.errors)}" if self.errors else None

    def as_json(self) -> dict:
        return {
            "source": self.source,
            "status": self.status,
            "error": self.error,
            "warnings": self.warnings,
            "format": self.format,
            "pages": self.pages,
            "layouts": self.layouts,
            "metadata": self.metadata.as_json(),
            "stated": [figure.as_json() for figure in self.stated],
            **({"ocr": self.ocr} if self.ocr else {}),
            "tables": {
                t: {r: {c: cell.as_json() for c, cell in cols.items()} for r, cols in rows.items()}
                for t, rows in self.tables.items()
            },
        }


def _pages(run: Run, paged: bool) -> list[int | None]:
    """The page of each cell of the run: the run's page, or each piece's when pieces and cells pair up."""
    if not paged:  # every piece is on the document's one page
        return [run.pieces[0].page if run.pieces else None] * len(run.keys)
    pages = set(map(_PAGE, run.pieces))
    if len(pages) == 1:
        return [next(iter(pages))] * len(run.keys)
    if len(run.pieces) == len(run.keys):
        return [p.page for p in run.pieces]
    return [None] * len(run.keys)


def _cells(run: Run, paged: bool) -> dict[CellKey, C.Cell]:
    pages = _pages(run, paged)
    if len(run.candidates) == 1:
        return dict(zip(run.keys, C.classify_all(run.candidates[0], run.columns, pages)))
    out = {}
    for i, (key, column) in enumerate(zip(run.keys, run.columns)):
        options = list(dict.fromkeys(candidate[i] for candidate in run.candidates))
        if len(options) == 1:
            out[key] = C.classify(options[0], column, pages[i])
        else:
            values = sorted({C.number_or_zero(o, column.unit) for o in options})
            out[key] = C.Cell(C.AMBIGUOUS, " | ".join(options), None, values, pages[i])
    return out


def _runs_for(match: TableMatch) -> list[Run]:
    layout = match.layout
    if match.run is not None:
        keys, columns = layout.cells
        return [Run(keys, columns, match.run)]
    runs = []
    for row in layout.rows:
        found = match.rows.get(row.code)
        if found is not None:
            keys, columns = layout.row_cells[row.code]
            runs.append(Run(keys, columns, found.pieces))
    return runs


def narrative_hints(spec: Spec, table: str, stated: list[Stated]) -> dict[CellKey, int]:
    """Cells of `table` that a figure stated in the text settles (rules.yaml: `settles_extraction`)."""
    figures = {figure.code: figure for figure in spec.rules.narrative.figures}
    hints = {}
    for statement in stated:
        figure = figures[statement.figure]
        if figure.settles_extraction and len(figure.equals) == 1 and len(figure.equals[0]) == 1:
            cell = figure.equals[0][0]
            if cell.table == table:
                hints[(cell.row, cell.column)] = statement.value
    return hints


@dataclass
class TableResult:
    layout: Layout
    cells: dict[CellKey, C.Cell]
    errors: list[str]
    missing_rows: list[str]
    notes: list[str] = field(default_factory=list)


def read_table(
    spec: Spec,
    match: TableMatch,
    hints: dict[CellKey, int],
    doc: Document | None = None,
    blanks_dropped: str | None = None,
) -> TableResult:
    """`doc`: the document, when its tokens were read by OCR (its cells are then weighed by ogi.ocr.certainty).
    `blanks_dropped`: where the report shows that its glued text drops blank cells (`dropped_blanks`)."""
    if match.error is not None:
        keys, _columns = match.layout.cells
        return TableResult(match.layout, {key: C.absent() for key in keys}, [f"{match.table.code}: {match.error}"], [])
    checks = table_checks(spec, match.layout)
    runs = _runs_for(match)
    budget = Budget()  # the steps cutting this table's glued values may take, whatever it holds
    for run in runs:
        label = f"{match.table.code}.{run.keys[0][0]}" if match.run is None else match.table.code
        doubt = match.rows[run.keys[0][0]].doubt if match.run is None else None
        if doubt:
            run.error = f"{label}: {doubt}"
            continue
        cut_run(run, label, checks, hints, budget)
    if blanks_dropped:
        set_aside_where_blanks_drop(runs, checks, blanks_dropped)
    combine([run for run in runs if not run.error], checks, budget)
    if blanks_dropped:
        distrust_broken_where_blanks_drop(runs, checks, blanks_dropped)
    errors = [run.error for run in runs if run.error]
    good = [run for run in runs if not run.error]
    cells: dict[CellKey, C.Cell] = {}
    for run in good:
        cells.update(_cells(run, match.paged))
    for key, cell in cells.items():
        if match.units.get(key[1]) is not None:
            cells[key] = C.in_header_unit(cell, match.layout.columns[key[1]], match.units[key[1]])
    missing = [row.code for row in match.layout.rows if match.run is None and match.rows.get(row.code) is None]
    keys, _columns = match.layout.cells
    if len(cells) < len(keys):
        for key in keys:
            if key not in cells:
                cells[key] = C.absent()
    result = TableResult(match.layout, cells, errors, missing)
    if doc is not None and doc.ocr_tokens:
        from ogi.ocr.certainty import settle
        from ogi.ocr.row_columns import unsure_cells

        result.notes = settle(match.table.code, cells, good, doc.ocr_tokens, checks, set(doc.ocr_pages), doc.ocr_engine)
        unsure_cells(match, cells)
    unread = [code for code, unit in match.units.items() if unit is None]
    for key, cell in cells.items():
        if key[1] in unread:
            cells[key] = C.in_unread_unit(cell, match.layout.columns[key[1]])
    if unread:
        result.notes.append(
            f"{match.table.code}: the unit of {', '.join(unread)} is not read in the header: its amounts are not sure"
        )
    return result


def _left_out(stream: Stream, match: TableMatch, code: str) -> bool:
    """Whether the row `code`, not found, was left out as printed: it is `omissible`, and no values stand
    between the row found before it (or the table's start) and the row found after it (or the table's end).
    Values there are the row's, printed under a label that was not read."""
    rows = match.layout.rows
    index = [row.code for row in rows].index(code)
    if not rows[index].omissible:
        return False
    before = [match.rows[row.code] for row in rows[:index] if match.rows.get(row.code) is not None]
    after = [match.rows[row.code] for row in rows[index + 1 :] if match.rows.get(row.code) is not None]
    start = max(before[-1].values_end, before[-1].label_end) if before else match.start
    end = after[0].label_start if after else match.end
    first, last = stream.token_index(start), stream.token_index(end)
    return not any(_values_only(stream.texts[i]) for i in range(first, last))


def _values_only(text: str) -> bool:
    words = text.split()
    return bool(words) and all(VALUE.fullmatch(word) for word in words)


def _nested(result: TableResult) -> dict[str, dict[str, C.Cell]]:
    cells, row_cells = result.cells, result.layout.row_cells
    return {
        row.code: dict(zip(row.columns, map(cells.__getitem__, row_cells[row.code][0]))) for row in result.layout.rows
    }


def _merge_copies(first: TableResult, second: TableResult) -> list[str]:
    """A table printed twice: cells the copies disagree on become ambiguous."""
    differing = []
    for key, cell in first.cells.items():
        other = second.cells.get(key)
        if other is None or (other.kind, other.value) == (cell.kind, cell.value):
            continue
        differing.append(".".join(key))
        values = sorted({v for v in (cell.value, other.value) if v is not None})
        first.cells[key] = C.Cell(C.AMBIGUOUS, f"{cell.raw} | {other.raw}", None, values, cell.page)
    return differing


def dropped_blanks(matches: list[TableMatch]) -> str | None:
    """The rows of glued text that show the report drops blank cells (printed with fewer characters than cells),
    as the errors name them; None if none does."""
    short = [
        f"{match.table.code}.{row}"
        for match in matches
        if match.error is None
        for row in short_rows(_runs_for(match), empty=match.table.code != "t3")
    ]
    if not short:
        return None
    return f"{'、'.join(short[:3])}{'…' if len(short) > 3 else ''} printed fewer characters than cells"


def extract_document(doc: Document, spec: Spec | None = None) -> Report:
    spec = spec or load_spec()
    if doc.ocr_tokens:
        from ogi.ocr.lexicon import set_labels_right

        set_labels_right(doc, spec)
    stream = Stream(doc.tokens, track=bool(doc.ocr_tokens))
    if doc.ocr_tokens:
        from ogi.ocr.specks import speck_cells

        stream.specks = speck_cells(doc)
        stream.ocr = doc.ocr_tokens
    metadata = extract_metadata(stream.text, doc.title)
    report = Report(doc.source, "ok", format=doc.format, pages=doc.pages, metadata=metadata)
    report.warnings.extend(doc.notes)
    if doc.ocr_pages:
        report.ocr = {"engine": doc.ocr_engine, "pages": doc.ocr_pages}

    t3 = find_t3(stream, spec)
    apart = t3.values_apart if t3 else None  # 表三's many rows show best whether values are glued
    t2 = find_t2(stream, spec, t3.start if t3 else len(stream.text), spec.template_for(metadata.report_year), apart)
    after = t3.end if t3 else (t2.end if t2 else None)
    copy = find_t3(stream, spec, t3.end) if t3 else None
    t4 = find_t4(stream, spec, copy.end if copy else after, apart) if after is not None else None

    if not (t2 or t3 or t4):
        return _no_tables(report, stream.text, spec)

    report.stated = stated_figures(spec, stream.text[: (t2 or t3 or t4).start])
    results: dict[str, TableResult] = {}
    blanks_dropped = dropped_blanks([match for match in (t2, t3, t4) if match is not None])
    for code, match in (("t2", t2), ("t3", t3), ("t4", t4)):
        if match is None:
            continue
        result = read_table(spec, match, narrative_hints(spec, code, report.stated), doc, blanks_dropped)
        results[code] = result
        report.errors.extend(result.errors)
        report.warnings.extend(result.notes)
        not_found = [row for row in result.missing_rows if not _left_out(stream, match, row)]
        if not_found:
            report.errors.append(f"{code}: rows not found: {', '.join(not_found)}")
    if copy is not None and t3 is not None:
        second = read_table(spec, copy, {}, doc, blanks_dropped)
        differing = _merge_copies(results["t3"], second)
        if differing:
            report.errors.append(
                f"t3 is printed twice and the copies differ in {len(differing)} cells "
                f"({', '.join(differing[:5])}{'…' if len(differing) > 5 else ''}): those cells are ambiguous"
            )
        else:
            report.warnings.append("t3 is printed twice; the copies agree")

    for code, result in results.items():
        report.tables[code] = _nested(result)
        if code in ("t2", "t3"):
            report.layouts[code] = result.layout.code
    missing_tables = [t for t in TABLES if t not in results]
    if missing_tables:
        report.errors.insert(0, f"tables not found: {', '.join(missing_tables)}")
    if report.errors:
        report.status = "partial"
    return report


def _no_tables(report: Report, text: str, spec: Spec) -> Report:
    year = report.metadata.report_year
    if year is not None and year < spec.legacy_before:
        report.status = "unsupported"
        reason = f"pre-2019 report (year {year}): free-form statistics, not the 2019 or 2021 template; not extracted"
    elif "信息公开" in text and ("年度报告" in text or "年报" in text):
        if any(word in text for word in spec.legacy_words) and year is None:
            report.status = "unsupported"
            reason = "free-form statistics table (pre-2019 style), not the 2019 or 2021 template"
        else:
            report.status = "error"
            reason = "no statistical tables found: none of the template's table headings or row labels occur"
    else:
        report.status = "error"
        reason = "no annual report found: the text does not mention 政府信息公开 年度报告 and has no template tables"
    report.errors.append(reason)
    return report


def extract_bytes(
    data: bytes, source: str, content_type: str | None = None, spec: Spec | None = None, ocr: bool = True
) -> Report:
    """Extract one file's bytes. Never raises for bad input: the status and error say what went wrong.
    `ocr=False`: a scanned PDF comes back `needs_ocr` rather than read by OCR (seconds a page)."""
    try:
        doc = read_document(data, source, content_type, ocr)
        report = extract_document(doc, spec)
    except ReadError as exc:
        return Report(source, exc.status, errors=[str(exc)])
    except MemoryError:  # not the file's fault alone: the caller's budget (ogi.workers) says what to do
        raise
    except Exception as exc:  # the batch boundary: one unreadable file is a status, not a crash
        return Report(source, "error", errors=[f"cannot read: {type(exc).__name__}: {exc}"])
    return report


def extract_path(path: str | Path, spec: Spec | None = None, ocr: bool = True) -> Report:
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        return Report(str(path), "error", errors=[f"cannot read file: {exc.strerror or exc}"])
    return extract_bytes(data, str(path), spec=spec, ocr=ocr)
