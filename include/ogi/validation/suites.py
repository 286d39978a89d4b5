"""The GX suites, generated from `spec/rules.yaml` and checked in under `expectations/` as JSON.

One suite per frame (see frames.py). Each expectation's meta names its rule and how to name the scope
of a failing row (`scope` is formatted with the frame's key columns and `column`).
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from ogi.template import Spec
from ogi.validation import frames as F

GX_SEVERITY = {"error": "critical", "warning": "warning"}
FRAME_KEYS = {
    "t2": ["report_id", "row"],
    "t3": ["report_id", "col"],
    "t3_rows": ["report_id", "row"],
    "t4": ["report_id", "row"],
    "cross_year": ["report_id", "previous_id"],
    "narrative": ["report_id", "figure", "phrase"],
    "consolidation": ["report_id", "table", "row", "col", "member_ids"],
}


def default_directory() -> Path:
    """`$OGI_EXPECTATIONS`, else `expectations/` of the checkout the package is installed from."""
    configured = os.environ.get("OGI_EXPECTATIONS")
    return Path(configured) if configured else Path(__file__).resolve().parents[3] / "expectations"


def _identity(column_list: list[str], lhs: list[str], rule: str, severity: str, scope: str) -> dict:
    return {
        "type": "expect_linear_identity",
        "kwargs": {"column_list": column_list, "lhs": lhs, "ignore_row_if": "any_value_is_missing"},
        "meta": {"rule": rule, "scope": scope},
        "severity": GX_SEVERITY[severity],
    }


def _domain(spec: Spec, table: str, columns: dict, scope: str) -> list[dict]:
    """D rules for the frame columns of `table`; `columns` maps a frame column to its template Column."""
    out = []
    for rule in spec.rules.domain.values():
        for name, column in columns.items():
            if rule.applies_to == "unsigned" and not column.signed:
                kind, kwargs = "expect_column_values_to_be_between", {"column": name, "min_value": 0}
            elif rule.applies_to == "int" and column.dtype == "int":
                kind, kwargs = "expect_column_values_to_be_whole_numbers", {"column": name}
            else:
                continue
            out.append(
                {
                    "type": kind,
                    "kwargs": kwargs,
                    "meta": {"rule": rule.code, "scope": scope},
                    "severity": GX_SEVERITY[rule.severity],
                }
            )
    return out


def _layout_columns(spec: Spec, table: str) -> dict:
    columns: dict = {}
    for layout in spec.tables[table].layouts.values():
        for code, column in layout.columns.items():
            known = columns.setdefault(code, column)
            if (known.dtype, known.signed) != (column.dtype, column.signed):
                raise ValueError(f"templates.yaml: {table}.{code} has different kinds in different layouts")
    return columns


def build_suites(spec: Spec) -> dict[str, dict]:
    expectations: dict[str, list[dict]] = {name: [] for name in FRAME_KEYS}
    for identity in spec.rules.identities.values():
        layouts = spec.tables[identity.table].layouts.values()
        terms = [identity.terms(layout) for layout in layouts]
        lhs = F.union(t[0] for t in terms)
        rhs = F.union(t[1] for t in terms)
        if identity.over == "columns":
            frame, scope = identity.table, f"{identity.table}.{{col}}"
        else:
            frame = f"{identity.table}_rows" if identity.table == "t3" else identity.table
            scope = f"{identity.table}.{{row}}"
        expectations[frame].append(_identity([*lhs, *rhs], lhs, identity.code, identity.severity, scope))

    t3_count = next(iter(_layout_columns(spec, "t3").values()))
    expectations["t2"] += _domain(spec, "t2", _layout_columns(spec, "t2"), "t2.{row}.{column}")
    expectations["t3"] += _domain(spec, "t3", dict.fromkeys(F.table_rows(spec, "t3"), t3_count), "t3.{column}.{col}")
    expectations["t4"] += _domain(spec, "t4", _layout_columns(spec, "t4"), "t4.{row}.{column}")

    for rule in spec.rules.cross_year.values():
        for check in rule.checks:
            lhs = [F.year_column(r) for r in check.lhs]
            rhs = [F.year_column(r) for r in check.rhs]
            expectations["cross_year"].append(_identity([*lhs, *rhs], lhs, rule.code, rule.severity, check.scope))

    n1 = spec.rules.narrative
    expectations["narrative"].append(
        _identity(["stated", "table"], ["stated"], n1.code, n1.severity, "narrative.{figure}")
    )
    for rule in spec.rules.consolidation.values():
        expectations["consolidation"].append(
            _identity(["consolidated", "members"], ["consolidated"], rule.code, rule.severity, "{table}.{row}.{col}")
        )
    return {
        name: {
            "name": f"ogi.{name}",
            "expectations": items,
            "meta": {
                "generated_by": "ogi expectations build",
                "source": "include/ogi/spec/rules.yaml",
                "frame_keys": FRAME_KEYS[name],
            },
            "notes": None,
        }
        for name, items in expectations.items()
    }


def render(suite: dict) -> str:
    return json.dumps(suite, ensure_ascii=False, indent=2) + "\n"


def suite_files(spec: Spec, directory: Path) -> dict[Path, str]:
    """Each suite's file under `directory` and the text the spec generates for it."""
    return {directory / f"{name}.json": render(suite) for name, suite in build_suites(spec).items()}


def drift(spec: Spec, directory: Path) -> list[str]:
    """The suite files under `directory` that differ from what the spec generates, or are missing or extra."""
    wanted = {path.name: text for path, text in suite_files(spec, directory).items()}
    present = {p.name for p in directory.glob("*.json")} if directory.is_dir() else set()
    differing = [
        name
        for name, text in wanted.items()
        if name not in present or (directory / name).read_text(encoding="utf-8") != text
    ]
    return sorted(differing + sorted(present - set(wanted)))


def load_suites(directory: Path | None = None) -> dict[str, object]:
    """The checked-in suites as GX objects, read-only; fails when GX dropped any expectation."""
    import great_expectations as gx

    from ogi.validation import gx_expectations  # noqa: F401 - registers the custom classes before loading

    directory = directory or default_directory()
    suites = {}
    for name in FRAME_KEYS:
        path = directory / f"{name}.json"
        if not path.is_file():
            raise FileNotFoundError(f"{path}: no such suite; run `ogi expectations build --out {directory}`")
        raw = json.loads(path.read_text(encoding="utf-8"))
        suite = gx.ExpectationSuite(name=raw["name"], expectations=raw["expectations"], meta=raw["meta"])
        if len(suite.expectations) != len(raw["expectations"]):
            raise RuntimeError(
                f"{path}: GX loaded {len(suite.expectations)} of {len(raw['expectations'])} expectations"
            )
        suites[name] = suite
    return suites
