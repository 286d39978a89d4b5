"""The quality views over the bundled sample's curated data (what `make run` publishes): labels from the spec,
the report page's tables with the violated cells highlighted, narrative checks, agency series, quarantine,
filters and pages, the static report, and escaping of whatever a report contains."""

import textwrap

import duckdb
import pytest
from markupsafe import Markup
from ogi.pipeline.config import PipelineConfig
from ogi.pipeline.run import run_all
from ogi.template import load_spec
from ogi.views.charts import Bar, bars
from ogi.views.data import Filters, QualityData
from ogi.views.labels import CellName, Label, Labels, parse_cell_name
from ogi.views.pages import Site, safe_href
from selectolax.lexbor import LexborHTMLParser

from tests import synth


@pytest.fixture(scope="module")
def site(sample_run):
    config, _ = sample_run
    with QualityData(config) as data:
        yield Site(data)


def report_id(config, file_name: str) -> str:
    with duckdb.connect(config.data_root + "/ogi.duckdb", read_only=True) as db:
        found = db.execute("select report_id from reports where source like ?", [f"%/{file_name}"]).fetchall()
    assert len(found) == 1, file_name
    return found[0][0]


def row_of(page: LexborHTMLParser, table: str, label: str):
    for row in page.css(f"h3#{table} + table.report tr"):
        header = row.css_first("th.row")
        if header is not None and header.text().startswith(label):
            return row
    raise AssertionError(f"no row {label!r} in {table}")


def test_labels_are_the_templates_own():
    labels = Labels(load_spec())
    assert labels.row("t3", "denied_internal_affairs") == Label(
        "(三)不予公开 5.属于三类内部事务信息", "denied: internal affairs"
    )
    assert labels.row("t3", "new_received").zh == "一、本年新收政府信息公开申请数量"
    assert labels.row("t2", "normative_documents", "2019").zh == "规范性文件"
    assert labels.row("t2", "normative_documents", "2021").zh == "行政规范性文件"
    assert labels.column("t3", "commercial_enterprise") == Label("商业企业", "commercial enterprises")
    assert labels.scope("t3.total").zh == "表三 总计列"
    assert labels.scope("t3.granted").zh == "表三 (一)予以公开"
    assert labels.scope("t4.review.upheld").zh == "表四 行政复议 · 结果维持"
    assert labels.scope("narrative.received").zh == "正文：收到申请"
    assert labels.rule_label("I3").zh == load_spec().rules.rule("I3").zh


def test_cell_names_of_every_form_the_validation_writes():
    assert parse_cell_name("t3.granted.total=12") == CellName("t3", "granted", "total", value=12.0)
    assert parse_cell_name("this(ab12).t3.carried_over.total=3") == CellName(
        "t3", "carried_over", "total", year="this", value=3.0
    )
    previous = parse_cell_name("previous(cd34).t3.carried_forward.total=4")
    assert previous.report_id == "cd34" and previous.year == "previous" and previous.key[1] == "carried_forward"
    member = parse_cell_name("0f1e2d3c4b5a6978:t4.review.total=1")
    assert member.report_id == "0f1e2d3c4b5a6978" and member.key == ("t4", "review", "total")
    stated = parse_cell_name("text:不予公开35件=35")
    assert stated.phrase == "不予公开35件" and stated.value == 35.0
    assert parse_cell_name("not a cell") is None


def test_report_page_highlights_the_cells_of_each_violated_identity(sample_run, site):
    config, _ = sample_run
    shanghai = report_id(config, "004_shanghai_govoffice_2019.html")
    page = LexborHTMLParser(site.report(shanghai))
    # 表三 as printed: the template's Chinese row and column labels, English beside them, no codes
    header = [th.text(deep=True) for th in page.css("h3#t3 + table.report thead th")]
    assert header[1].startswith("自然人") and "natural persons" in header[1] and header[7].startswith("总计")
    assert "denied_internal_affairs" not in page.body.text()
    # I3 on 5.属于三类内部事务信息: total printed blank (counted as 0) against 5 natural persons
    row = row_of(page, "t3", "5.属于三类内部事务信息")
    cells = row.css("td.cell")
    assert "hit" in row.attributes["class"]
    assert cells[0].text(deep=True).strip() == "5" and "hit" in cells[0].attributes["class"]
    total = cells[6]
    assert "k-blank" in total.attributes["class"] and "as-zero" in total.attributes["class"]
    assert [b.text() for b in total.css(".delta")] == ["I3 −5"]
    # a row no identity breaks is not marked
    assert "hit" not in (row_of(page, "t3", "一、本年新收政府信息公开申请数量").attributes.get("class") or "")
    # the violations list: every one, grouped by rule, with where and the difference
    numbers = [tr.attributes["id"] for tr in page.css("table.violations tbody tr")]
    found = site.data.violations([shanghai])
    assert len(numbers) == len(found) == 16
    assert "表三 (三)不予公开 5.属于三类内部事务信息" in page.css_first("tr#v2").text(deep=True)
    assert page.css_first("tr#v2 td.diff").text() == "−5"


def test_report_page_shows_each_cells_kind_and_page(sample_run, site):
    config, _ = sample_run
    pdf = LexborHTMLParser(site.report(report_id(config, "001_huaian_hongze_2023.pdf")))
    pages = [td.text(deep=True).strip() for td in pdf.css("h3#t3 + table.report td.page")]
    assert pages and all(p.isdigit() for p in pages)
    assert pdf.css_first("h3#t3 + table.report td.page a").attributes["href"].startswith("raw/")
    # I4 on both review blocks of 表四
    assert len(pdf.css("h3#t4 + table.report td.cell.hit")) == 10

    glued = LexborHTMLParser(site.report(report_id(config, "005_pingtan_2019.txt")))
    ambiguous = glued.css("td.cell.k-ambiguous")
    assert len(ambiguous) == 19
    assert all(a.css_first(".cands") is not None and "|" in a.css_first(".cands").text() for a in ambiguous)
    assert "候选 candidates" in ambiguous[0].attributes["title"]

    shanghai = LexborHTMLParser(site.report(report_id(config, "004_shanghai_govoffice_2019.html")))
    assert shanghai.css("td.cell.k-blank .kind")[0].text() == "空白"


def test_narrative_figures_against_the_tables(sample_run, site):
    config, _ = sample_run
    page = LexborHTMLParser(site.report(report_id(config, "004_shanghai_govoffice_2019.html")))
    rows = {tr.css("td")[1].text(): tr for tr in page.css("h2 + table.list tbody tr") if len(tr.css("td")) == 6}
    assert "differs" in rows["“不予公开35件”"].css_first(".badge").attributes["class"]
    assert rows["“不予公开35件”"].css("td")[3].text() == "0"
    assert "agrees" in rows["“受理政府信息公开申请859件”"].css_first(".badge").attributes["class"]
    assert rows["“受理政府信息公开申请859件”"].css("td")[3].text() == "859"


def test_overview_counts_and_charts(sample_run, site):
    page = LexborHTMLParser(site.overview(Filters()))
    tiles = [t.text(deep=True).strip() for t in page.css(".tile .n")]
    assert tiles[:3] == ["10", "5", "80%"]  # 10 reports of 5 agencies; 8 of 10 keep every identity
    assert len(page.css("svg.chart")) == 6
    rules = page.css("svg.chart-bars")[0]
    assert [t.text(deep=False) for t in rules.css("text.label")][:1] == ["N1 正文所述数字应与表格一致"]
    assert rules.css_first("a").attributes["href"] == "reports?rule=N1"
    filtered = LexborHTMLParser(site.overview(Filters(region="上海市")))
    assert [t.text(deep=True).strip() for t in filtered.css(".tile .n")][:3] == ["1", "1", "0%"]


def test_filters_and_pagination(sample_run):
    config, _ = sample_run
    with QualityData(config) as data:
        check_filters_and_pages(data)


def check_filters_and_pages(data):
    assert data.reports(Filters(rule="I3")).total == 1
    assert data.reports(Filters(agency="平潭")).total == 5  # 2019, 2021 (two documents, one report), 2022-2024
    assert data.reports(Filters(level="city", year=2024)).total == 1
    first, second, last = (data.reports(Filters(), page, size=4) for page in (1, 2, 3))
    assert (first.total, len(first.rows), len(second.rows), len(last.rows), last.pages) == (10, 4, 4, 2, 3)
    ids = [r["report_id"] for p in (first, second, last) for r in p.rows]
    assert len(set(ids)) == 10
    assert [r["quality"] for r in first.rows[:2]] == ["fail", "fail"]  # worst first
    assert Filters.from_query({"year": "2024", "rule": "X1", "level": ""}) == Filters(year=2024, rule="X1")
    for bad in ({"year": "20x4"}, {"rule": "Z9"}, {"quality": "great"}, {"agency": "长" * 201}):
        with pytest.raises(ValueError):
            Filters.from_query(bad)


def test_agency_page_series_and_checks_across_years(sample_run, site):
    page = LexborHTMLParser(site.agency("平潭综合实验区", None))
    carry = page.css("table.list")[1]  # after the reports by year: the carry-over (X1) table
    rows = {tr.css("td")[0].text(): tr.css_first(".badge").text() for tr in carry.css("tbody tr")}
    assert rows["2022"].startswith("成立") and rows["2019"].startswith("无上年报告")
    assert page.css("svg.chart-lines")
    consolidated = LexborHTMLParser(site.agency("淮安市人民政府", None))
    h1 = consolidated.css("table.list")[-1]
    assert "淮安市洪泽区人民政府" in h1.text() and "未核对" in h1.text()  # the sample does not set consolidates
    assert site.agency("没有这个机构", None) is None


def test_quarantine_page_says_why_and_how_to_rerun(site):
    page = LexborHTMLParser(site.quarantine(None, None, 1))
    row = page.css_first("table.list tbody tr")
    assert "extract" in row.text() and "pre-2019 report" in row.text()
    assert row.css_first("a").attributes["href"].startswith("raw/")
    assert "airflow dags trigger ogi_annual_reports" in page.css_first("pre").text()
    assert '"force": true' in page.css_first("pre").text() and "平潭综合实验区" in page.css_first("pre").text()


def test_static_report_uses_the_same_views(sample_run):
    config, _ = sample_run
    page = LexborHTMLParser(config.store().read_bytes("quality/latest.html").decode("utf-8"))
    assert len(page.css("svg.chart")) == 4
    sections = page.css("section.report-section")
    assert len(sections) == 5  # fail, warn and incomplete reports of the run
    assert sections[0].css("td.cell.hit") and "上海市人民政府办公厅" in sections[0].css_first("h2").text()
    anchors = {a.attributes["href"] for a in page.css("table.reports a")}
    assert all(h.startswith("#r-") for h in anchors)
    assert not page.css("header.top") and not page.css("script")
    # 平潭 2021: the portal's page and a crawler's glued text of it, one report whose copies agree
    several = [tr.text() for tr in page.css("h2 + table.list tbody tr") if "102_pingtan_2021.html" in tr.text()]
    assert len(several) == 1 and "平潭综合实验区" in several[0] and "一致 agree" in several[0]


def test_a_report_page_names_the_documents_it_stands_for(sample_run, site):
    config, _ = sample_run
    page = LexborHTMLParser(site.report(report_id(config, "102_pingtan_2021.html")))
    note = next(p.text() for p in page.css("p.note") if "documents carry this report" in p.text())
    assert "2 份文件载有本报告" in note and "副本一致 the copies agree" in note and "006_pingtan_2021.txt" in note
    assert "fewer unsettled cells" in note


def test_charts_escape_their_labels():
    chart = bars([Bar(Label("<b>x</b>", '"q"'), 1, "<i>1</i>", href='javascript:"x"')], Label("t"))
    assert isinstance(chart, Markup)
    assert "<b>" not in chart and "&lt;b&gt;" in chart and "<i>" not in chart


def test_only_web_links_become_links():
    assert safe_href("https://www.gov.cn/a.html") == "https://www.gov.cn/a.html"
    for hostile in ("javascript:alert(1)", "data:text/html,<script>", "file:///etc/passwd", "", None):
        assert safe_href(hostile) is None


def test_nothing_a_report_contains_is_rendered_unescaped(tmp_path):
    """An agency name, a region and the text of a report come from outside: they reach the pages escaped."""
    hostile = '<script>alert("a")</script><img src=x onerror=alert(1)>'
    report = synth.make_report(7, agency=f"某市{hostile}局", year=2023, break_identity="I3")
    (tmp_path / "reports").mkdir()
    (tmp_path / "reports" / "r.txt").write_bytes(synth.render(report, "text"))
    (tmp_path / "sources.yaml").write_text(
        textwrap.dedent(f"""\
        local_roots: [reports]
        agencies:
          - name: '{hostile}'
            region: '"><svg onload=alert(2)>'
            level: county
            paths: [reports/r.txt]
        """),
        encoding="utf-8",
    )
    config = PipelineConfig(str(tmp_path / "data"), tmp_path / "sources.yaml")
    summary = run_all(config, "hostile")
    assert summary["extracted"] == 1
    with QualityData(config) as data:
        site = Site(data)
        rid = report_id(config, "r.txt")
        pages = [
            site.overview(Filters()),
            site.reports(Filters(), 1),
            site.agencies(Filters(), 1),
            site.report(rid),
            site.agency(hostile, None),
            config.store().read_bytes("quality/latest.html").decode("utf-8"),
        ]
        for html in pages:
            assert "<script" not in html and "<img" not in html and "<svg onload" not in html
            parsed = LexborHTMLParser(html)
            assert not parsed.css("script") and not parsed.css("img")
            assert not [n for n in parsed.css("*") if any(a.startswith("on") for a in n.attributes)]
        assert "&lt;script&gt;" in pages[3]


def test_agency_page_compares_a_consolidated_report_with_its_members(tmp_path):
    """A 市 report configured as consolidating two 局 whose reports do not add up to it: H1 breaks, shown per year."""
    (tmp_path / "reports").mkdir()
    texts = {
        "city.txt": synth.make_report(1, agency="某市人民政府", year=2023),
        "a.txt": synth.make_report(1, agency="某市甲局", year=2023),  # the same figures as the city's
        "b.txt": synth.make_report(2, agency="某市乙局", year=2023),
    }
    for name, report in texts.items():
        (tmp_path / "reports" / name).write_bytes(synth.render(report, "text"))
    (tmp_path / "sources.yaml").write_text(
        textwrap.dedent("""\
        local_roots: [reports]
        agencies:
          - {name: 某市人民政府, region: 某省某市, level: city, consolidates: true, paths: [reports/city.txt]}
          - {name: 某市甲局, region: 某省某市, level: department, parent: 某市人民政府, paths: [reports/a.txt]}
          - {name: 某市乙局, region: 某省某市, level: department, parent: 某市人民政府, paths: [reports/b.txt]}
        """),
        encoding="utf-8",
    )
    config = PipelineConfig(str(tmp_path / "data"), tmp_path / "sources.yaml")
    assert run_all(config, "h1")["extracted"] == 3
    with QualityData(config) as data:
        site = Site(data)
        page = LexborHTMLParser(site.agency("某市人民政府", None))
        row = page.css("table.list")[-1].css_first("tbody tr")
        cells = [td.text(deep=True).strip() for td in row.css("td")]
        a, b = (texts[n].values["t3"]["new_received"]["total"] for n in ("a.txt", "b.txt"))
        assert cells[0] == "2023" and "某市甲局" in cells[1] and "某市乙局" in cells[1]
        assert (cells[2], cells[3]) == (str(a), str(a + b))
        assert "不成立" in cells[4] and "表三" in cells[4]
        member = LexborHTMLParser(site.agency("某市甲局", None))
        assert "某市人民政府" in member.css_first("p.meta + p.meta").text()


def test_a_view_does_not_keep_a_replaced_catalog_alive(sample_run, tmp_path):
    """DuckDB shares an open database among a process's connections: once a view is done, a later connection
    in the same process (the pipeline's, a test's) sees the catalog the pipeline swapped in since."""
    import os
    import shutil

    from ogi.pipeline import catalog

    config, _ = sample_run
    copy = PipelineConfig(str(tmp_path / "data"), config.sources)
    shutil.copytree(config.data_root, copy.data_root)
    path = catalog.catalog_path(copy)
    with QualityData(copy) as data:
        assert data.totals(Filters())["reports"] == 10 and data.version()["version"] == 1
    newer = path.with_name("newer.duckdb")  # another catalog, swapped in as build_catalog does
    with duckdb.connect(str(newer)) as db:
        db.execute("CREATE TABLE ogi_version AS SELECT 2 AS version, 'later' AS created")
    os.replace(newer, path)
    with duckdb.connect(str(path), read_only=True) as db:
        assert db.sql("select version from ogi_version").fetchall() == [(2,)]
    with QualityData(copy) as data:
        assert data.version()["version"] == 2


def test_a_report_whose_identity_could_not_be_checked_does_not_count_as_holding(sample_run, tmp_path):
    """ "Identities all hold" counts a report only when none breaks and none went unchecked: an identity in
    not_assessable (cells unknown) is no evidence that it holds."""
    import os
    import shutil

    from ogi.pipeline import catalog

    config, _ = sample_run
    copy = PipelineConfig(str(tmp_path / "data"), config.sources)
    shutil.copytree(config.data_root, copy.data_root)
    with QualityData(copy) as data:
        before = data.totals(Filters())["identities_hold"]
    path = catalog.catalog_path(copy)
    edited = path.with_name("edited.duckdb")  # a new catalog swapped in, as build_catalog does
    shutil.copyfile(path, edited)
    with duckdb.connect(str(edited)) as db:
        holding = db.execute(
            "SELECT report_id FROM reports WHERE report_id NOT IN (SELECT report_id FROM violations "
            "WHERE rule LIKE 'I%') AND quality <> 'not_validated' LIMIT 1"
        ).fetchall()[0][0]
        db.execute("CREATE TABLE not_assessable_rows AS SELECT * FROM not_assessable")
        db.execute("INSERT INTO not_assessable_rows (report_id, rule, scope) VALUES (?, 'I1', 'total')", [holding])
        db.execute("DROP VIEW not_assessable")
        db.execute("CREATE VIEW not_assessable AS SELECT * FROM not_assessable_rows")
    os.replace(edited, path)
    with QualityData(copy) as data:
        assert data.totals(Filters())["identities_hold"] == before - 1
        rates = data.pass_rates(Filters())["report_year"]
    assert sum(r["hold"] for r in rates) == before - 1


def test_a_line_leaves_a_gap_where_a_year_has_no_value():
    """A year whose reports print no figure is a gap in the agency's line, not a point at 0."""
    from ogi.views.charts import Series, lines

    chart = LexborHTMLParser(
        str(lines(["2021", "2022", "2023"], [Series(Label("a", "a"), [4, None, 6], "#000")], Label("t", "t")))
    )
    assert [p.attributes["points"].count(",") for p in chart.css("polyline")] == [1, 1]
    assert [c.css_first("title").text() for c in chart.css("circle")] == ["2021 · a: 4", "2023 · a: 6"]
