"""One report, one row, through the pipeline against a portal on 127.0.0.1: a report page that also links its
PDF, a mirror that disagrees in one cell, a re-run that finds nothing new, then a corrected re-post that
becomes the report through a new curated version with its reason."""

import textwrap

import duckdb
import pytest
from ogi.pipeline import curated
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.marts import build_marts
from ogi.pipeline.run import run_all
from ogi.tables_io import source_id

from tests import synth
from tests.portal import Portal, Route

AGENCY = "示例市复本区人民政府"
HTML = "text/html; charset=utf-8"


def _with_attachment(page: bytes, href: str) -> bytes:
    return page.replace(b"</body>", f"<p>附件：<a href='{href}'>年度报告.pdf</a></p></body>".encode())


def _listing(links: list[tuple[str, str]]) -> Route:
    items = "".join(f"<li><a href='{href}'>{text}</a></li>" for href, text in links)
    return Route(f"<html><body><ul>{items}</ul></body></html>".encode(), HTML)


@pytest.fixture(scope="module")
def portal():
    r2022 = synth.make_report(7022, year=2022, agency=AGENCY)
    r2023 = synth.make_report(7023, previous=r2022)
    mirror = synth.make_report(7023, previous=r2022)
    mirror.values["t3"]["granted"]["natural_person"] += 2  # one cell printed differently
    corrected = synth.make_report(7023, previous=r2022)
    corrected.published = "2024-03-15"
    corrected.values["t4"]["review"]["upheld"] += 1  # the agency corrects a figure, and its total
    corrected.values["t4"]["review"]["total"] += 1
    title = "{}{}年政府信息公开工作年度报告"
    routes = {
        "/r/2022.html": Route(_with_attachment(synth.render(r2022, "html"), "/a/2022.pdf"), HTML),
        "/a/2022.pdf": Route(synth.render_pdf(r2022), "application/pdf"),
        "/r/2023.html": Route(synth.render(r2023, "html"), HTML),
        "/m/2023.html": Route(synth.render(mirror, "html"), HTML),
        "/r/2023-corrected.html": Route(synth.render(corrected, "html"), HTML),
    }
    links = [
        ("/r/2022.html", title.format(AGENCY, 2022)),
        ("/r/2023.html", title.format(AGENCY, 2023)),
        ("/m/2023.html", title.format(AGENCY, 2023) + "（转载）"),
    ]
    routes["/list.html"] = _listing(links)
    portal = Portal(routes, {"2022": r2022, "2023": r2023, "mirror": mirror, "corrected": corrected}).start()
    portal.links = links
    yield portal
    portal.stop()


@pytest.fixture(scope="module")
def config(tmp_path_factory, portal):
    root = tmp_path_factory.mktemp("copies")
    (root / "sources.yaml").write_text(
        textwrap.dedent(f"""\
        fetch: {{timeout_s: 5.0, retries: 1, backoff_s: 0.05}}
        agencies:
          - name: {AGENCY}
            region: 示例省示例市
            level: county
            listings: ['{portal.base}/list.html']
            allow_private: true
        """),
        encoding="utf-8",
    )
    return PipelineConfig(str(root / "data"), root / "sources.yaml")


@pytest.fixture(scope="module")
def first(config):
    return run_all(config, "copies-1")


def query(config, sql: str) -> list[tuple]:
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        return db.sql(sql).fetchall()


def test_one_row_per_agency_and_year_every_document_kept(first, config, portal):
    assert first["extracted"] == 4 and first["copies"] == 2 and first["reports_settled"] == 2
    assert query(config, "select agency, report_year, count(*) from reports group by all order by 2") == [
        (AGENCY, 2022, 1),
        (AGENCY, 2023, 1),
    ]
    assert query(config, "select count(*) from documents") == [(4,)]
    assert query(config, "select report_year, count(*) from t3 group by all order by 1") == [(2022, 7), (2023, 7)]
    truth = portal.reports["2023"].values["t3"]["new_received"]["total"]
    build_marts(config)
    assert query(config, "select report_year, reports, requests_new from mart_region_level_year order by 1") == [
        (2022, 1, portal.reports["2022"].values["t3"]["new_received"]["total"]),
        (2023, 1, truth),
    ]


def test_a_page_and_its_pdf_attachment_are_one_report_that_agrees(first, config, portal):
    [(source, documents, copies, reason)] = query(
        config, "select source, documents, copies, canonical_reason from reports where report_year = 2022"
    )
    assert sorted(documents) == [portal.base + "/a/2022.pdf", portal.base + "/r/2022.html"]
    assert copies == "agree" and source == documents[0]
    assert reason.startswith("first of 2 documents: equal to")
    [(compared, differing)] = query(
        config, "select compared_cells, differing_cells from documents where report_year = 2022 and not canonical"
    )
    assert compared == 200 and differing == 0


def test_a_mirror_disagreeing_in_one_cell_is_flagged_and_the_message_names_it(first, config, portal):
    [(source, copies, quality, reason)] = query(
        config, "select source, copies, quality, canonical_reason from reports where report_year = 2023"
    )
    assert source == portal.base + "/r/2023.html" and copies == "disagree" and quality == "fail"
    assert "break fewer identities" in reason and portal.base + "/m/2023.html" in reason
    d3 = query(config, "select scope, lhs, rhs, cells, message_zh, message_en from violations where rule = 'D3'")
    granted = portal.reports["2023"].values["t3"]["granted"]["natural_person"]
    assert [(scope, lhs, rhs) for scope, lhs, rhs, *_ in d3] == [("t3.granted.natural_person", granted, granted + 2)]
    cells, zh, en = d3[0][3:]
    mirror = source_id(portal.base + "/m/2023.html")
    assert cells == [f"t3.granted.natural_person={granted}", f"{mirror}:t3.granted.natural_person={granted + 2}"]
    assert zh.startswith("D3 t3.granted.natural_person：同一报告的各份文件数字应一致")
    assert f"为 {granted}，另一份 {portal.base}/m/2023.html 为 {granted + 2}" in zh
    assert f"has {granted}, the copy {portal.base}/m/2023.html has {granted + 2}" in en
    # the mirror's own identity breaks are not the report's: only the report's document is validated
    assert not query(config, "select rule from violations where rule <> 'D3' and report_year = 2023")


def test_a_rerun_that_finds_nothing_new_changes_nothing(first, config):
    store = config.store()
    before = curated.current(store)
    again = run_all(config, "copies-2")
    assert again["published"] is False and again["unchanged"] == 4 and again["extracted"] == 0
    assert curated.current(store).manifest == before.manifest


def test_a_corrected_repost_becomes_the_report_through_a_new_version(first, config, portal):
    store = config.store()
    before = curated.current(store)
    portal.routes["/list.html"] = _listing(
        [*portal.links, ("/r/2023-corrected.html", "示例市复本区人民政府2023年政府信息公开工作年度报告（更正）")]
    )
    summary = run_all(config, "copies-3")
    assert summary["published"] and summary["version"] == before.number + 1
    assert (summary["extracted"], summary["unchanged"], summary["canonical_changed"]) == (1, 4, 1)
    corrected = portal.base + "/r/2023-corrected.html"
    [(source, documents, reason, review)] = query(
        config,
        "select r.source, r.documents, r.canonical_reason, t4.upheld from reports r join t4 using (report_id) "
        "where r.report_year = 2023 and t4.row = 'review'",
    )
    assert source == corrected and documents[0] == corrected and len(documents) == 3
    assert f"{portal.base}/r/2023.html is an earlier version (published 2024-01-20" in reason
    assert reason.endswith(f"replaces {portal.base}/r/2023.html, the report's document before")
    assert review == portal.reports["corrected"].values["t4"]["review"]["upheld"]
    assert query(config, "select count(*) from reports where report_year = 2023") == [(1,)]
    assert query(config, "select count(*), count(*) filter (where canonical) from documents") == [(5, 2)]
    flagged = {
        (scope, cells[1].split(":t")[0])
        for scope, cells in query(config, "select scope, cells from violations where rule = 'D3'")
    }
    page, mirror = source_id(portal.base + "/r/2023.html"), source_id(portal.base + "/m/2023.html")
    assert flagged == {
        ("t4.review.upheld", page),
        ("t4.review.total", page),
        ("t4.review.upheld", mirror),
        ("t4.review.total", mirror),
        ("t3.granted.natural_person", mirror),
    }
    # the version before still reads whole: the earlier choice is kept there
    old = curated.read_dataset(store, before, "reports")
    assert old.set_index("report_year").loc[2023, "source"] == portal.base + "/r/2023.html"


# Whose report: names mapped through the sources file -----------------------------------------------------------

CITY, OFFICE, COUNTY, BUREAU = "示例市人民政府", "示例市人民政府办公厅", "示例市西山区人民政府", "示例市西山区教育局"


def write_local_sources(root, aliases: str = "") -> PipelineConfig:
    (root / "sources.yaml").write_text(
        textwrap.dedent(f"""\
        local_roots: [reports]
        agencies:
          - name: {CITY}
            region: 示例省
            level: city
            paths: [reports/city-2022.html]{aliases}
          - name: {COUNTY}
            region: 示例省示例市
            level: county
            paths: [reports/county-2022.html, reports/mirror-bureau-2022.txt]
          - name: {BUREAU}
            region: 示例省示例市
            level: department
            parent: {COUNTY}
            paths: [reports/bureau-2022.html]
        """),
        encoding="utf-8",
    )
    return PipelineConfig(str(root / "data"), root / "sources.yaml")


def test_printed_names_are_mapped_through_the_sources_file_and_a_new_alias_applies_on_the_next_run(tmp_path):
    reports = tmp_path / "reports"
    reports.mkdir()
    bureau = synth.make_report(8101, year=2022, agency=BUREAU)
    files = {
        "city-2022.html": synth.render(synth.make_report(8100, year=2022, agency=OFFICE), "html"),  # printed: 办公厅
        "county-2022.html": synth.render(synth.make_report(8102, year=2022, agency=COUNTY), "html"),
        "mirror-bureau-2022.txt": synth.render(bureau, "text"),  # the county's portal mirrors its bureau's report
        "bureau-2022.html": synth.render(bureau, "html"),
    }
    for name, data in files.items():
        (reports / name).write_bytes(data)
    config = write_local_sources(tmp_path)
    first = run_all(config, "names-1")
    assert first["unmapped_names"] == 1 and first["reports_settled"] == 3
    rows = {agency: row for agency, *row in query(config, "select agency, source, documents, copies from reports")}
    assert {agency: (len(documents), copies) for agency, (_, documents, copies) in rows.items()} == {
        CITY: (1, "single"),
        BUREAU: (2, "agree"),  # the mirror is the bureau's, not the county's
        COUNTY: (1, "single"),
    }
    assert rows[BUREAU][0].endswith("bureau-2022.html")  # HTML over flat text
    [(match, warnings)] = query(
        config, f"select agency_match, warnings from documents where agency_printed = '{OFFICE}'"
    )
    assert match == "unmapped" and any(OFFICE in w and "aliases" in w for w in warnings)
    assert query(config, "select agency_configured, agency_match from documents where source like '%mirror%'") == [
        (COUNTY, "other_agency")
    ]
    quality = (tmp_path / "data" / "quality" / "latest.html").read_text(encoding="utf-8")
    assert "Printed agency names the sources file does not map" in quality and OFFICE in quality

    config = write_local_sources(tmp_path, aliases=f"\n            aliases: [{OFFICE}]")
    second = run_all(config, "names-2")
    assert second["published"] and second["extracted"] == 0 and second["documents_reassigned"] == 1
    [(match, warnings)] = query(
        config, f"select agency_match, warnings from documents where agency_printed = '{OFFICE}'"
    )
    assert match == "alias" and not list(warnings)
    assert query(config, "select count(*) from reports") == [(3,)]
    third = run_all(config, "names-3")
    assert third["published"] is False and third["documents_reassigned"] == 0


def test_curated_data_of_schema_1_migrates_and_the_next_run_settles_its_reports(tmp_path, monkeypatch):
    """Schema 1 held a `reports` row per document: the migration adds `documents`, and the next run reads every
    document again, leaving one report per agency and year where there were two."""
    import pandas as pd
    import pyarrow as pa
    from ogi.pipeline import migrate as migrations
    from ogi.pipeline import schemas
    from ogi.pipeline.migrate import migrate

    reports_dir = tmp_path / "reports"
    reports_dir.mkdir()
    report = synth.make_report(8300, year=2022, agency=COUNTY)
    (reports_dir / "page.html").write_bytes(synth.render(report, "html"))
    (reports_dir / "text.txt").write_bytes(synth.render(report, "text"))
    (tmp_path / "sources.yaml").write_text(
        f"local_roots: [reports]\nagencies:\n  - {{name: {COUNTY}, region: 示例省示例市, level: county, "
        "paths: [reports/page.html, reports/text.txt]}\n",
        encoding="utf-8",
    )
    config = PipelineConfig(str(tmp_path / "data"), tmp_path / "sources.yaml")
    store = config.store()
    old_reports = pa.schema(
        [f for f in schemas.SCHEMAS["reports"] if f.name not in ("documents", "canonical_reason", "copies")]
    )
    with monkeypatch.context() as schema_1:  # what ogi wrote before: a reports row per document, no documents
        schema_1.setitem(schemas.SCHEMAS, "reports", old_reports)
        schema_1.delitem(schemas.SCHEMAS, "documents")
        schema_1.setattr(curated, "DATASETS", tuple(schemas.SCHEMAS))
        for module in (curated, migrations):
            schema_1.setattr(module, "SCHEMA_VERSION", 1)
        ids = [source_id((reports_dir / name).resolve().as_uri()) for name in ("page.html", "text.txt")]
        rows = {name: [None] * 2 for name in old_reports.names}
        rows.update(report_id=ids, report_year=[2022] * 2, agency=[COUNTY] * 2, status=["ok"] * 2)
        t3 = {name: [None] * 2 for name in schemas.SCHEMAS["t3"].names}
        t3.update(report_id=ids, report_year=[2022] * 2, agency=[COUNTY] * 2, col=["total"] * 2, new_received=[5, 5])
        with curated.publishing(store, "schema-1") as publisher:
            publisher.commit({"reports": (pd.DataFrame(rows), set()), "t3": (pd.DataFrame(t3), set())})
    with pytest.raises(curated.NeedsMigration, match=f"schema 1, this ogi writes schema {schemas.SCHEMA_VERSION}"):
        run_all(config, "before-migrating")
    done, *_later = migrate(store)
    assert "reports.documents" in done and "documents table added" in done and "reads every document again" in done
    assert len(curated.read_dataset(store, curated.current(store), "reports")) == 2
    summary = run_all(config, "after-migrating")
    assert summary["extracted"] == 2 and summary["reports_settled"] == 1
    assert query(config, "select count(*), any_value(copies) from reports") == [(1, "agree")]
    assert query(config, "select count(*) from documents") == [(2,)]
    truth = report.values["t3"]["new_received"]["total"]
    assert query(config, "select report_year, sum(new_received) from t3 where col = 'total' group by all") == [
        (2022, truth)
    ]
