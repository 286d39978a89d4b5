"""The quality pages as HTML: overview, reports, one report, agencies, one agency, quarantine, and the static
report of a run. Templates are autoescaped: nothing read from a report reaches the page unescaped, and the
pages carry no script."""

from __future__ import annotations

import json
import shlex
from dataclasses import replace
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from urllib.parse import urlencode, urlsplit

from jinja2 import Environment, PackageLoader, StrictUndefined, select_autoescape
from markupsafe import Markup

from ogi.template import load_spec
from ogi.views import agency as agency_view
from ogi.views import report as report_view
from ogi.views.charts import Bar, Series, bars, lines, stacked_columns
from ogi.views.data import Filters, Page, QualityData
from ogi.views.labels import FATE, QUALITY_ORDER, Label, Labels

DAG_ID = "ogi_annual_reports"
QUALITY_COLORS = {"fail": "#c62828", "warn": "#ef9a00", "incomplete": "#90a4ae", "pass": "#2e7d32"}
FATE_COLORS = {
    "extracted": "#1565c0",
    "quarantined": "#c62828",
    "container": "#8e24aa",
    "unchanged": "#b0bec5",
    "out_of_scope": "#e0e0e0",
}
STATIC_REPORTS = 30  # reports shown in full in a run's static report


class Links:
    """URLs of the pages inside the plugin's app. Every page sits at the app's root, so links are relative
    and work under whatever prefix Airflow mounts the app."""

    static = False

    @staticmethod
    def _with(path: str, query: dict) -> str:
        query = {k: v for k, v in query.items() if v not in (None, "") and not (k == "page" and v == 1)}
        return f"{path}?{urlencode(query)}" if query else path

    def overview(self, filters: Filters | None = None) -> str:
        return self._with("./", (filters or Filters()).as_query())

    def reports(self, filters: Filters | None = None, page: int = 1) -> str:
        return self._with("reports", {**(filters or Filters()).as_query(), "page": page})

    def agencies(self, filters: Filters | None = None, page: int = 1) -> str:
        return self._with("agencies", {**(filters or Filters()).as_query(), "page": page})

    def report(self, report_id: str) -> str:
        return self._with("report", {"id": report_id})

    def agency(self, name: str | None, region: str | None = None) -> str | None:
        return self._with("agency", {"name": name, "region": region}) if name else None

    def quarantine(self, agency: str | None = None, stage: str | None = None, page: int = 1) -> str:
        return self._with("quarantine", {"agency": agency, "stage": stage, "page": page})

    def raw(self, sha256: str, page: int | None = None) -> str:
        return f"raw/{sha256}" + (f"#page={int(page)}" if page else "")


class StaticLinks(Links):
    """Links inside one static file: reports it shows are anchors, the archived files relative paths from
    `quality/` to `raw/` (when the data root is a directory); there are no other pages to go to."""

    static = True

    def __init__(self, shown: set[str], local: bool):
        self.shown = shown
        self.local = local

    def overview(self, filters=None):
        return None

    def reports(self, filters=None, page=1):
        return None

    def agencies(self, filters=None, page=1):
        return None

    def quarantine(self, agency=None, stage=None, page=1):
        return None

    def report(self, report_id):
        return f"#r-{report_id}" if report_id in self.shown else None

    def agency(self, name, region=None):
        return None

    def raw(self, sha256, page=None):
        if not self.local:
            return None
        return f"../raw/sha256/{sha256[:2]}/{sha256}" + (f"#page={int(page)}" if page else "")


def safe_href(url: str | None) -> str | None:
    """A link target only for http(s) URLs: a report's source could be anything (javascript:, data:)."""
    if not url:
        return None
    return url if urlsplit(url).scheme in ("http", "https") else None


@cache
def _css() -> str:
    return resources.files("ogi.views").joinpath("quality.css").read_text(encoding="utf-8")


@cache
def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("ogi.views", "templates"),
        autoescape=select_autoescape(default=True, default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    labels = Labels(load_spec())
    env.globals.update(
        labels=labels,
        fmt=report_view.format_number,
        safe_href=safe_href,
        quality_codes=[q for q in QUALITY_ORDER if q != "not_validated"],
        rules=[(code, labels.rule_label(code)) for code in _rule_codes()],
        css=Markup(_css()),  # the package's own stylesheet, not data
    )
    return env


def _rule_codes() -> list[str]:
    rules = load_spec().rules
    groups = (rules.identities, rules.domain, rules.cross_year, {rules.narrative.code: None}, rules.consolidation)
    return [code for group in groups for code in group]


def rerun_command(agencies: list[str] | None = None) -> str:
    conf = json.dumps({"agencies": agencies or [], "force": True}, ensure_ascii=False)
    return f"airflow dags trigger {DAG_ID} --conf {shlex.quote(conf)}"


def _run_label(summary: dict) -> str:
    run_id = str(summary.get("run_id", ""))
    kind, _, stamp = run_id.partition("__")
    when = stamp[5:16].replace("T", " ") if stamp[:4].isdigit() else run_id
    version = summary.get("version")
    return f"{when} v{version}" if version is not None else when


def _rate_bars(rows: list[dict], label_of, href_of) -> list[Bar]:
    out = []
    for row in rows:
        rate = row["hold"] / row["reports"] if row["reports"] else 0
        tone = "good" if rate >= 0.9 else ("warn" if rate >= 0.7 else "bad")
        out.append(
            Bar(label_of(row["key"]), rate, f"{rate:.0%} · {row['hold']}/{row['reports']}", href_of(row["key"]), tone)
        )
    return out


class Site:
    """The pages over one data root. `links` decides where links go (the plugin's routes, or anchors)."""

    def __init__(self, data: QualityData, links: Links | None = None):
        self.data = data
        self.links = links or Links()
        self.labels: Labels = _environment().globals["labels"]

    def _render(self, template: str, **context) -> str:
        return (
            _environment()
            .get_template(template)
            .render(links=self.links, version=self.data.version(), active=context.pop("active", None), **context)
        )

    def message(self, heading: Label, *lines: str) -> str:
        return self._render("message.html", heading=heading, lines=lines)

    def no_data(self) -> str:
        return self.message(
            Label("还没有入库的数据", "No curated data yet"),
            "流水线尚未发布任何数据：运行 `make run`，或在 Airflow 中触发 ogi_annual_reports。",
            "The pipeline has not published anything yet: run `make run`, or trigger ogi_annual_reports in Airflow.",
        )

    # --- charts shared by the overview and the static report ------------------------------------------------
    def charts(self, filters: Filters) -> dict:
        runs = self.data.runs()
        categories = [_run_label(s) for s in runs]
        fates = stacked_columns(
            categories,
            [Series(Label(*FATE[f]), [s.get(f, 0) for s in runs], FATE_COLORS[f]) for f in FATE],
            Label("每次运行的文件去向", "documents by fate, per run"),
        )
        trend = lines(
            categories,
            [
                Series(self.labels.quality(q), [s.get("quality", {}).get(q, 0) for s in runs], color)
                for q, color in QUALITY_COLORS.items()
            ],
            Label("各次运行所读报告的质量", "quality of the reports each run read"),
        )
        rates = self.data.pass_rates(filters)
        rule_rows = self.data.rule_counts(filters)
        rule_bars = [
            Bar(
                Label(f"{r['rule']} {self.labels.rule_label(r['rule']).zh}", self.labels.rule_label(r["rule"]).en),
                r["reports"],
                f"{r['reports']} 份 · {r['violations']} 处",
                self.links.reports(replace(filters, rule=r["rule"])),
                "bad" if r["severity"] == "error" else "warn",
            )
            for r in rule_rows
        ]

        def href(**change):
            return self.links.reports(replace(filters, **change))

        return {
            "runs": len(runs),
            "fates": fates,
            "trend": trend,
            "rules": bars(rule_bars, Label("违反最多的规则", "most broken rules")),
            "year": bars(
                _rate_bars(rates["report_year"], lambda k: Label(str(k) if k else "未知", ""), lambda k: href(year=k)),
                Label("按年度", "by report year"),
                maximum=1,
            ),
            "region": bars(
                _rate_bars(rates["region"][:15], lambda k: Label(k or "未知", ""), lambda k: href(region=k)),
                Label("按地区", "by region"),
                maximum=1,
            ),
            "level": bars(
                _rate_bars(rates["level"], self.labels.level, lambda k: href(level=k)),
                Label("按级别", "by level"),
                maximum=1,
            ),
        }

    # --- pages ---------------------------------------------------------------------------------------------
    def overview(self, filters: Filters) -> str:
        if not self.data.available():
            return self.no_data()
        totals = self.data.totals(filters)
        charts = self.charts(filters)
        return self._render(
            "overview.html",
            active="overview",
            filters=filters,
            options=self.data.options(),
            totals=totals,
            pass_rate=(totals["identities_hold"] / totals["reports"]) if totals.get("reports") else 0.0,
            charts=charts,
            runs=charts["runs"],
            worst=self.data.reports(filters, 1, 10),
        )

    def reports(self, filters: Filters, page: int) -> str:
        if not self.data.available():
            return self.no_data()
        found = self.data.reports(filters, page)
        return self._render(
            "reports.html",
            active="reports",
            filters=filters,
            options=self.data.options(),
            page=found,
            page_href=lambda n: self.links.reports(filters, n),
        )

    def agencies(self, filters: Filters, page: int) -> str:
        if not self.data.available():
            return self.no_data()
        found = self.data.agencies(filters, page)
        return self._render(
            "agencies.html",
            active="agencies",
            filters=filters,
            options=self.data.options(),
            page=found,
            page_href=lambda n: self.links.agencies(filters, n),
        )

    def report_view(self, report_id: str) -> report_view.ReportView | None:
        record = self.data.report(report_id)
        if record is None:
            return None
        found = self.data.violations([report_id])
        unknown = self.data.not_assessable([report_id])
        briefs = self.data.briefs(report_view.other_reports(found, unknown))
        return report_view.build(record, self.data.cells(report_id), found, unknown, briefs, self.labels)

    def report(self, report_id: str) -> str | None:
        view = self.report_view(report_id)
        if view is None:
            return None
        return self._render("report.html", active="reports", view=view)

    def agency(self, name: str, region: str | None) -> str | None:
        view = agency_view.build(self.data, self.labels, name, region)
        if view is None:
            return None
        return self._render(
            "agency.html",
            active="agencies",
            view=view,
            series_codes=agency_view.SERIES_ROWS,
            series_rows=agency_view.SERIES_LABELS,
        )

    def quarantine(self, agency: str | None, stage: str | None, page: int) -> str:
        if not self.data.available():
            return self.no_data()
        found = self.data.quarantine(agency, stage, page)
        names = sorted({r["agency"] for r in found.rows if r["agency"]})
        return self._render(
            "quarantine.html",
            active="quarantine",
            agency=agency,
            stage=stage,
            stages=self.data.quarantine_stages(),
            page=found,
            page_href=lambda n: self.links.quarantine(agency, stage, n),
            rerun=rerun_command(names if len(names) <= 5 else None),
            rerun_one=rerun_command,
            dag_id=DAG_ID,
        )


def static_report(data: QualityData, summary: dict, docs: str | None) -> str:
    """A run's quality report as one self-contained page: the run, the charts over all curated data, and the
    run's reports with problems shown in full (the first STATIC_REPORTS), their tables highlighted."""
    problems = data.run_reports(summary["run_id"], STATIC_REPORTS)
    shown = {r["report_id"] for r in problems.rows}
    site = Site(data, StaticLinks(shown, data.store.local))
    views = [v for v in (site.report_view(rid) for rid in [r["report_id"] for r in problems.rows]) if v is not None]
    quarantine = data.run_quarantine(summary["run_id"])
    return site._render(
        "static.html",
        summary={"quality": {}, **summary},
        generated=datetime.now(UTC).isoformat(timespec="seconds"),
        fates=[(key, Label(*label)) for key, label in FATE.items()],
        charts=site.charts(Filters()),
        problems=problems,
        views=views,
        quarantine=quarantine,
        rerun=rerun_command(sorted({q["agency"] for q in quarantine if q["agency"]})[:3]),
        docs=docs,
    )


__all__ = ["Links", "Page", "Site", "StaticLinks", "rerun_command", "safe_href", "static_report"]
