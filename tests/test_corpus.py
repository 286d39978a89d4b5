"""Every real report of the shared corpus extracts cell for cell as hand-checked."""

import pytest
from ogi.extract import extract_path

from tests.conftest import corpus_files, expected_for
from tests.corpus_compare import differences


@pytest.mark.parametrize("path", corpus_files(), ids=lambda p: p.name)
def test_corpus_report_matches_expected(path):
    report = extract_path(path)
    assert differences(report, expected_for(path)) == []


def test_seed_values_named_in_the_issue():
    report = extract_path(next(p for p in corpus_files() if p.name.startswith("000_")))
    t2, t3, t4 = (report.tables[t] for t in ("t2", "t3", "t4"))
    assert t3["new_received"]["natural_person"].value == 27
    assert t3["carried_over"]["total"].value == 1
    assert t3["results_total"]["total"].value == 27
    assert t3["denied_third_party"]["natural_person"].value == 8
    assert t3["unable_not_held"]["natural_person"].value == 7
    assert t4["litigation_direct"]["upheld"].value == 4 and t4["litigation_direct"]["total"].value == 4
    assert t2["licensing"]["decisions"].value == 9272
    assert t2["punishment"]["decisions"].value == 29
    assert t2["fees"]["amount_wan_yuan"].value == 1227.49
    assert t2["normative_documents"]["repealed"].value == 1
    assert t2["normative_documents"]["in_force"].value == 8
    assert report.metadata.agency == "大连长兴岛经济技术开发区"
    assert report.metadata.published == "2023-02-14"


def test_glued_ambiguity_lists_every_candidate():
    report = extract_path(next(p for p in corpus_files() if p.name.startswith("006_")))
    issued = report.tables["t2"]["normative_documents"]["issued"]
    assert issued.kind == "ambiguous"
    assert issued.value is None
    assert issued.candidates == [6, 69, 693, 6936]  # every cut of '693665' into three cells


def test_narrative_settles_glued_cells_it_names():
    report = extract_path(next(p for p in corpus_files() if p.name.startswith("008_")))
    cells = report.tables["t2"]["normative_documents"]
    assert cells["issued"].kind == "number" and cells["issued"].value == 77  # 制发的规范性文件77件
    assert cells["repealed"].kind == "ambiguous" and 132 in cells["repealed"].candidates


def test_pdf_cells_carry_their_page():
    report = extract_path(next(p for p in corpus_files() if p.name.startswith("003_")))
    assert report.tables["t3"]["new_received"]["total"].page == 4
    assert report.tables["t3"]["unable_needs_creation"]["natural_person"].page == 5
