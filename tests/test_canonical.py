"""One report, one row (pipeline/canonical.py): whose report a document is, which document is the report, and
the copies compared cell by cell (rule D3) — on synthetic reports read as extraction would read them."""

import random

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from ogi import cells as C
from ogi.pipeline import canonical
from ogi.pipeline.schemas import to_frame
from ogi.sources import Agency
from ogi.tables_io import cells_table, reports_table
from ogi.template import load_spec

from tests import synth

D3 = load_spec().rules.rule("D3")
AGENCY = Agency(name="示例市东山区人民政府", region="示例省示例市", level="county")


def frames(documents: list[tuple], agency: Agency = AGENCY) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(documents, cells) as the extract step stages them, from (source, report, format, published) tuples."""
    reports = []
    for source, synthetic, form, published in documents:
        report = synth.as_extracted(synthetic, source)
        report.format = form
        report.metadata.published = published
        reports.append(report)
    docs = (
        to_frame(reports_table(reports)).drop(columns=["agency_printed"]).rename(columns={"agency": "agency_printed"})
    )
    docs = docs.assign(agency=agency.name, region=agency.region, level=agency.level, parent=agency.parent)
    cells = to_frame(cells_table(reports))
    return docs, cells


def settle(docs, cells, agencies=(AGENCY,), previous=None):
    choice = canonical.choose(canonical.resolve_agencies(docs, agencies), cells, previous)
    compared = canonical.compare(choice.documents, cells)
    return canonical.summarise(choice, compared), canonical.disagreements(compared, D3)


def set_cell(cells: pd.DataFrame, source_id: str, table: str, row: str, col: str, **fields) -> None:
    where = (
        (cells["report_id"] == source_id) & (cells["table"] == table) & (cells["row"] == row) & (cells["col"] == col)
    )
    assert where.sum() == 1
    index = cells.index[where][0]
    for name, value in fields.items():
        cells.at[index, name] = value


def doc_id(docs, source) -> str:
    return docs.loc[docs["source"] == source, "report_id"].item()


# Whose report -----------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "printed", ["示例市东山区人民政府", "东山区人民政府", "示例省示例市东山区人民政府", " 示例市 东山区人民政府"]
)
def test_the_printed_name_with_or_without_its_region_is_the_agency(printed):
    assert canonical.AgencyIndex.of([AGENCY]).resolve(AGENCY.name, printed) == (AGENCY.name, canonical.NAME)


def test_an_alias_maps_and_a_likeness_does_not():
    shanghai = Agency(name="上海市人民政府", region="上海市", aliases=("上海市人民政府办公厅",))
    index = canonical.AgencyIndex.of([shanghai, AGENCY])
    assert index.resolve(shanghai.name, "上海市人民政府办公厅") == (shanghai.name, canonical.ALIAS)
    assert index.resolve(shanghai.name, "上海市人民政府办公室") == (shanghai.name, canonical.UNMAPPED)
    assert index.resolve(shanghai.name, None) == (shanghai.name, canonical.NOT_PRINTED)


def test_a_mirrored_report_is_the_agency_it_names(tmp_path):
    """A county portal listing its department's report: the report is the department's, configured apart."""
    department = Agency(name="示例市东山区教育局", region="示例省示例市", level="department", parent=AGENCY.name)
    report = synth.make_report(5, agency="示例市东山区教育局", year=2022)
    docs, cells = frames([("http://county/jyj-2022.html", report, "html", None)])
    resolved = canonical.resolve_agencies(docs, [AGENCY, department])
    row = resolved.iloc[0]
    assert (row.agency, row.agency_configured, row.agency_match) == (department.name, AGENCY.name, "other_agency")
    assert (row.level, row.parent) == ("department", AGENCY.name)
    assert not list(row.warnings)


def test_an_unmapped_name_is_a_warning_and_never_a_guess():
    report = synth.make_report(5, agency="示例市东山区卫生健康委员会", year=2022)
    docs, cells = frames([("http://county/wjw-2022.html", report, "html", None)])
    row = canonical.resolve_agencies(docs, [AGENCY]).iloc[0]
    assert (row.agency, row.agency_match) == (AGENCY.name, canonical.UNMAPPED)
    assert any("示例市东山区卫生健康委员会" in w and "aliases" in w for w in row.warnings)


def test_an_unmapped_copy_is_never_the_report_over_one_that_names_the_agency():
    own = synth.make_report(6, agency=AGENCY.name, year=2022)
    other = synth.make_report(6, agency="示例市东山区卫生健康委员会", year=2022)
    docs, cells = frames([("http://a/own.txt", own, "text", None), ("http://a/other.html", other, "html", None)])
    choice, _ = settle(docs, cells)
    report = choice.reports.iloc[0]
    assert report.source == "http://a/own.txt"
    assert "does not map" in report.canonical_reason


# Which document is the report ----------------------------------------------------------------------------------


def test_one_row_per_agency_and_year_and_every_document_kept():
    series = [synth.make_report(10), synth.make_report(11)]
    series[0].agency = series[1].agency = AGENCY.name
    series[0].year, series[1].year = 2022, 2023
    docs, cells = frames(
        [
            ("http://a/2022.html", series[0], "html", "2023-01-20"),
            ("http://a/2022.pdf", series[0], "pdf", None),
            ("http://b/mirror-2022.txt", series[0], "text", "2023-01-20"),
            ("http://a/2023.html", series[1], "html", "2024-01-20"),
        ]
    )
    choice, violations = settle(docs, cells)
    assert sorted(choice.reports["report_year"]) == [2022, 2023]
    assert len(choice.documents) == 4 and violations.empty
    report = choice.reports.set_index("report_year").loc[2022]
    assert report.copies == canonical.AGREE and len(report.documents) == 3
    assert report.documents[0] == report.source == "http://a/2022.html"  # HTML and PDF tie; first by address
    assert choice.reports.set_index("report_year").loc[2023, "copies"] == canonical.SINGLE
    copies = choice.documents[~choice.documents["canonical"]]
    printed = cells.groupby("report_id").size()
    assert (copies["differing_cells"] == 0).all()
    assert list(copies["compared_cells"]) == list(copies["report_id"].map(printed))


def test_the_more_complete_document_wins_whatever_its_form():
    report = synth.make_report(12, agency=AGENCY.name, year=2022)
    docs, cells = frames([("http://a/page.html", report, "html", None), ("http://a/glued.txt", report, "text", None)])
    set_cell(cells, doc_id(docs, "http://a/page.html"), "t3", "granted", "natural_person", kind=C.AMBIGUOUS, value=None)
    choice, _ = settle(docs, cells)
    assert choice.reports.iloc[0].source == "http://a/glued.txt"
    assert "fewer unsettled cells than http://a/page.html (0 against 1)" in choice.reports.iloc[0].canonical_reason


def test_html_over_glued_text_when_equally_complete():
    report = synth.make_report(13, agency=AGENCY.name, year=2022)
    docs, cells = frames([("http://a/a.txt", report, "text", None), ("http://a/b.html", report, "html", None)])
    choice, _ = settle(docs, cells)
    assert choice.reports.iloc[0].source == "http://a/b.html"
    assert "its form (html) keeps the tables' cells better" in choice.reports.iloc[0].canonical_reason


def test_a_later_correction_is_the_report_and_says_what_it_replaces():
    report = synth.make_report(14, agency=AGENCY.name, year=2022)
    docs, cells = frames(
        [("http://a/v1.html", report, "html", "2023-01-20"), ("http://a/v2.txt", report, "text", "2023-03-02")]
    )
    choice, _ = settle(docs, cells, previous={f"{AGENCY.name}\x1f2022": "http://a/v1.html"})
    reason = choice.reports.iloc[0].canonical_reason
    assert choice.reports.iloc[0].source == "http://a/v2.txt"
    assert "http://a/v1.html is an earlier version (published 2023-01-20" in reason
    assert reason.endswith("replaces http://a/v1.html, the report's document before")


def test_of_two_copies_that_differ_the_one_whose_figures_add_up_is_the_report():
    report = synth.make_report(15, agency=AGENCY.name, year=2022)
    docs, cells = frames([("http://a/typo.html", report, "html", None), ("http://b/r.html", report, "html", None)])
    granted = report.values["t3"]["granted"]["natural_person"]
    set_cell(cells, doc_id(docs, "http://a/typo.html"), "t3", "granted", "natural_person", value=float(granted + 2))
    choice, violations = settle(docs, cells)
    assert choice.reports.iloc[0].source == "http://b/r.html"
    assert (
        "break fewer identities (I1-I4) than http://a/typo.html's (0 against "
        in choice.reports.iloc[0].canonical_reason
    )
    assert list(violations["scope"]) == ["t3.granted.natural_person"]


def test_a_later_date_does_not_outweigh_a_misread_copy():
    """A page's date is often later than the one its attachment prints: the date decides only between copies
    equally complete and faithful."""
    report = synth.make_report(16, agency=AGENCY.name, year=2022)
    docs, cells = frames(
        [("http://a/page.html", report, "html", "2023-02-10"), ("http://a/att.pdf", report, "pdf", "2023-01-28")]
    )
    carried = report.values["t3"]["carried_over"]["total"]
    set_cell(cells, doc_id(docs, "http://a/page.html"), "t3", "carried_over", "total", value=float(carried + 10))
    choice, violations = settle(docs, cells)
    assert choice.reports.iloc[0].source == "http://a/att.pdf"
    assert list(violations["scope"]) == ["t3.carried_over.total"]


@settings(max_examples=25, deadline=None)
@given(seed=st.integers(0, 10_000), order=st.randoms(use_true_random=False))
def test_the_choice_does_not_depend_on_the_order_documents_come_in(seed, order):
    report = synth.make_report(seed, agency=AGENCY.name, year=2021)
    listed = [
        (f"http://{host}/{name}", report, form, published)
        for host, name, form, published in [
            ("a", "r.html", "html", "2022-01-20"),
            ("a", "r.pdf", "pdf", None),
            ("b", "r.txt", "text", "2022-01-20"),
            ("c", "r.docx", "docx", "2022-01-20"),
        ]
    ]
    chosen = set()
    for _ in range(3):
        order.shuffle(listed)
        docs, cells = frames(listed)
        choice, _ = settle(docs, cells)
        chosen.add((choice.reports.iloc[0].source, choice.reports.iloc[0].canonical_reason))
    assert len(chosen) == 1


# Copies compared cell by cell ------------------------------------------------------------------------------------


def test_blank_dash_and_zero_agree_an_ambiguous_cell_agrees_with_a_candidate_absent_is_not_compared():
    report = synth.make_report(20, agency=AGENCY.name, year=2022)
    report.values["t3"]["denied_state_secret"]["natural_person"] = 0
    docs, cells = frames([("http://a/r.html", report, "html", None), ("http://a/r.txt", report, "text", None)])
    page, text = doc_id(docs, "http://a/r.html"), doc_id(docs, "http://a/r.txt")
    set_cell(cells, page, "t3", "denied_state_secret", "natural_person", kind=C.BLANK, value=None, raw="")
    set_cell(cells, text, "t3", "denied_state_secret", "natural_person", kind=C.DASH, value=None, raw="—")
    truth = report.values["t3"]["granted"]["total"]
    set_cell(cells, text, "t3", "granted", "total", kind=C.AMBIGUOUS, value=None, candidates=[truth + 100.0, truth])
    set_cell(cells, text, "t4", "review", "upheld", kind=C.ABSENT, value=None)
    choice, violations = settle(docs, cells)
    assert violations.empty and choice.reports.iloc[0].copies == canonical.AGREE
    copy = choice.documents.set_index("source").loc["http://a/r.txt"]
    assert copy.compared_cells == len(cells[cells["report_id"] == text]) - 1  # all but the absent one


def test_two_copies_disagreeing_in_one_cell_are_flagged_and_the_message_names_it():
    report = synth.make_report(21, agency=AGENCY.name, year=2022)
    docs, cells = frames([("http://a/r.html", report, "html", None), ("http://b/r.html", report, "html", None)])
    truth = report.values["t3"]["new_received"]["total"]
    set_cell(cells, doc_id(docs, "http://b/r.html"), "t3", "new_received", "total", value=float(truth + 3))
    choice, violations = settle(docs, cells)
    assert choice.reports.iloc[0].copies == canonical.DISAGREE
    assert len(violations) == 1
    v = violations.iloc[0]
    assert (v.rule, v.scope, v.severity, v.lhs, v.rhs, v.residual) == (
        "D3",
        "t3.new_received.total",
        "error",
        truth,
        truth + 3,
        -3,
    )
    copy = doc_id(docs, "http://b/r.html")  # the copy named by its id, as H1 names members
    assert list(v.cells) == [f"t3.new_received.total={truth}", f"{copy}:t3.new_received.total={truth + 3}"]
    for message in (v.message_zh, v.message_en):
        assert message.startswith("D3 t3.new_received.total")
        assert "http://a/r.html" in message and "http://b/r.html" in message
        assert f" {truth}" in message and f" {truth + 3}" in message
    assert "同一报告的各份文件数字应一致" in v.message_zh


def test_a_blank_against_a_number_and_an_ambiguous_cell_no_candidate_of_which_agrees_are_disagreements():
    report = synth.make_report(22, agency=AGENCY.name, year=2022)
    report.values["t4"]["review"]["upheld"] = 4
    docs, cells = frames([("http://a/r.html", report, "html", None), ("http://a/r.txt", report, "text", None)])
    text = doc_id(docs, "http://a/r.txt")
    set_cell(cells, text, "t4", "review", "upheld", kind=C.BLANK, value=None, raw="")
    set_cell(cells, text, "t3", "results_total", "total", kind=C.AMBIGUOUS, value=None, candidates=[1001.0, 1002.0])
    _, violations = settle(docs, cells)
    by_scope = violations.set_index("scope")
    assert set(by_scope.index) == {"t4.review.upheld", "t3.results_total.total"}
    blank = by_scope.loc["t4.review.upheld"]
    assert "has 4, the copy http://a/r.txt has blank" in blank.message_en and "按0计" in blank.message_zh
    assert list(blank.zero_cells) == [f"{text}:t4.review.upheld"]
    ambiguous = by_scope.loc["t3.results_total.total"]
    assert "1001 or 1002 (ambiguous)" in ambiguous.message_en and ambiguous.rhs != ambiguous.rhs  # NaN


@settings(max_examples=40, deadline=None)
@given(seed=st.integers(0, 10_000), pick=st.integers(0, 10_000), delta=st.integers(1, 500))
def test_any_one_changed_cell_is_the_one_disagreement_found(seed, pick, delta):
    report = synth.make_report(seed, agency=AGENCY.name, year=2023)
    docs, cells = frames([("http://a/r.html", report, "html", None), ("http://a/r.pdf", report, "pdf", None)])
    copy = cells[cells["report_id"] == doc_id(docs, "http://a/r.pdf")]
    target = copy.iloc[pick % len(copy)]
    changed = float(target["value"]) + random.Random(pick).choice([-1, 1]) * delta
    set_cell(cells, target["report_id"], target["table"], target["row"], target["col"], value=changed)
    _, violations = settle(docs, cells)
    scope = f"{target['table']}.{target['row']}.{target['col']}"
    assert list(violations["scope"]) == [scope]
    assert canonical._number(changed) in violations.iloc[0].message_en
