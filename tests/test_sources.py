"""The sources file: validated on load, every mistake named with its line."""

import pytest
from ogi.sources import SourcesError, load_sources, parse_sources, sample_sources_path


def test_the_bundled_sample_loads():
    sources = load_sources(sample_sources_path())
    assert len(sources.agencies) == 5
    pingtan = next(a for a in sources.agencies if a.name == "平潭综合实验区")
    assert len(pingtan.paths) == 7 and all(p.exists() for p in pingtan.paths)
    assert sources.members() == {}


def test_mistakes_are_reported_with_their_lines(tmp_path):
    text = """\
fetch:
  timeout_s: -3
agencies:
  - name: 甲
    level: galaxy
    listings: [ftp://example.org/list]
  - name: 甲
    reports: [http://example.org/r.html]
    colour: blue
  - region: 某省
    paths: [../../etc/passwd]
"""
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, tmp_path / "sources.yaml")
    problems = caught.value.problems
    assert any(p.endswith(":2: fetch.timeout_s: must not be negative") for p in problems)
    assert any(":5: agencies[0].level: 'galaxy' is not one of" in p for p in problems)
    assert any(":6: agencies[0].listings[0]: only http(s) URLs are fetched, not 'ftp'" in p for p in problems)
    assert any(":7: agencies[1].name: '甲' is already agencies[0]" in p for p in problems)
    assert any(":9: agencies[1]: unknown key 'colour'" in p for p in problems)
    assert any(":10: agencies[2]: no `name`" in p for p in problems)
    assert any(
        ":11: agencies[2].paths[0]: ../../etc/passwd is outside the configured local_roots" in p for p in problems
    )
    assert all(p.startswith(str(tmp_path / "sources.yaml")) for p in problems)


def test_not_yaml(tmp_path):
    with pytest.raises(SourcesError, match=r"sources.yaml:3: not valid YAML: expected .,. or .\]."):
        parse_sources("agencies:\n  - name: [unclosed\n", tmp_path / "sources.yaml")


def test_consolidation_membership(tmp_path):
    text = """\
agencies:
  - {name: 某区人民政府, consolidates: true, reports: ['http://example.org/a']}
  - {name: 某区教育局, parent: 某区人民政府, reports: ['http://example.org/b']}
  - {name: 某区卫健委, parent: 某区人民政府, reports: ['http://example.org/c']}
  - {name: 某市人民政府, reports: ['http://example.org/d']}
  - {name: 某区人民政府办公室, parent: 某市人民政府, reports: ['http://example.org/e']}
"""
    sources = parse_sources(text, tmp_path / "s.yaml")
    assert sources.members() == {"某区人民政府": ["某区教育局", "某区卫健委"]}


def test_aliases_load_and_may_name_one_agency_only(tmp_path):
    text = """\
agencies:
  - {name: 上海市人民政府, aliases: [上海市人民政府办公厅], reports: ['http://example.org/a']}
  - {name: 某区人民政府, aliases: [上海市人民政府办公厅, 某区政府], reports: ['http://example.org/b']}
  - {name: 某区 政府, reports: ['http://example.org/c']}
"""
    with pytest.raises(SourcesError) as caught:
        parse_sources(text, tmp_path / "s.yaml")
    assert caught.value.problems == [
        f"{tmp_path / 's.yaml'}:3: agencies[1].aliases[0]: '上海市人民政府办公厅' already names '上海市人民政府'",
        f"{tmp_path / 's.yaml'}:4: agencies[2].name: '某区 政府' already names '某区人民政府'",
    ]
    fine = parse_sources(
        text.replace("上海市人民政府办公厅, ", "").replace("某区 政府", "某区教育局"), tmp_path / "s.yaml"
    )
    assert [a.aliases for a in fine.agencies] == [("上海市人民政府办公厅",), ("某区政府",), ()]
