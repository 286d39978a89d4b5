"""Where reports come from: agencies with report URLs, listing pages or local paths, from a YAML file.

The file is validated on load and every mistake is reported with its line: `sources.yaml:12: agencies[3]
.listings[0]: only http(s) URLs are fetched, not 'ftp'`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

LEVELS = ("national", "province", "city", "county", "township", "department")
FETCH_DEFAULTS = {
    "timeout_s": 20.0,  # each connect or read
    "deadline_s": 120.0,  # each attempt, whole
    "retries": 3,
    "backoff_s": 1.0,
    "max_bytes": 50_000_000,
    "user_agent": "ogi",
}
EXTRACT_DEFAULTS = {"timeout_s": 30.0, "memory_mb": 1024}  # the budget of one document (ogi.workers)
EXTRACT_LEAST = {"timeout_s": 1.0, "memory_mb": 256}  # a reader needs this much to read anything


class SourcesError(ValueError):
    """One or more mistakes in a sources file, each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass(frozen=True)
class Agency:
    name: str
    region: str | None = None
    level: str | None = None
    parent: str | None = None
    reports: tuple[str, ...] = ()
    listings: tuple[str, ...] = ()
    paths: tuple[Path, ...] = ()
    allow_private: bool = False  # may fetch from loopback/private addresses (an intranet portal, a test server)
    consolidates: bool = False  # its report sums the reports of the agencies naming it `parent` (rule H1)


@dataclass(frozen=True)
class FetchOptions:
    timeout_s: float = FETCH_DEFAULTS["timeout_s"]
    deadline_s: float = FETCH_DEFAULTS["deadline_s"]
    retries: int = FETCH_DEFAULTS["retries"]
    backoff_s: float = FETCH_DEFAULTS["backoff_s"]
    max_bytes: int = FETCH_DEFAULTS["max_bytes"]
    user_agent: str = FETCH_DEFAULTS["user_agent"]


@dataclass(frozen=True)
class ExtractOptions:
    timeout_s: float = EXTRACT_DEFAULTS["timeout_s"]
    memory_mb: int = EXTRACT_DEFAULTS["memory_mb"]


@dataclass(frozen=True)
class Sources:
    path: Path
    agencies: tuple[Agency, ...]
    local_roots: tuple[Path, ...] = ()
    fetch: FetchOptions = field(default_factory=FetchOptions)
    extract: ExtractOptions = field(default_factory=ExtractOptions)

    def members(self) -> dict[str, list[str]]:
        """Consolidating agency → the agencies that name it as their parent."""
        consolidating = {a.name for a in self.agencies if a.consolidates}
        out: dict[str, list[str]] = {}
        for agency in self.agencies:
            if agency.parent in consolidating:
                out.setdefault(agency.parent, []).append(agency.name)
        return out

    def select(self, names: list[str] | None) -> tuple[Agency, ...]:
        if not names:
            return self.agencies
        unknown = sorted(set(names) - {a.name for a in self.agencies})
        if unknown:
            raise SourcesError([f"{self.path}: no agency named {', '.join(unknown)}"])
        return tuple(a for a in self.agencies if a.name in names)


class _Checker:
    def __init__(self, path: Path):
        self.path = path
        self.problems: list[str] = []

    def problem(self, node: Node, where: str, message: str) -> None:
        self.problems.append(f"{self.path}:{node.start_mark.line + 1}: {where}: {message}")

    def mapping(self, node: Node, where: str, allowed: set[str]) -> dict[str, Node]:
        if not isinstance(node, MappingNode):
            self.problem(node, where, "expected a mapping of keys to values")
            return {}
        out = {}
        for key, value in node.value:
            name = key.value if isinstance(key, ScalarNode) else str(key)
            if name not in allowed:
                self.problem(key, where, f"unknown key {name!r} (allowed: {', '.join(sorted(allowed))})")
            elif name in out:
                self.problem(key, where, f"{name!r} is given twice")
            else:
                out[name] = value
        return out

    def sequence(self, node: Node, where: str) -> list[Node]:
        if not isinstance(node, SequenceNode):
            self.problem(node, where, "expected a list")
            return []
        return list(node.value)

    def text(self, node: Node, where: str) -> str | None:
        if not isinstance(node, ScalarNode) or node.tag.endswith(":null") or not str(node.value).strip():
            self.problem(node, where, "expected a non-empty text")
            return None
        return str(node.value).strip()

    def number(self, node: Node, where: str, kind: type) -> float | int | None:
        try:
            value = kind(yaml.safe_load(yaml.serialize(node)))
        except (TypeError, ValueError):
            self.problem(node, where, f"expected a {kind.__name__}")
            return None
        if value < 0:
            self.problem(node, where, "must not be negative")
            return None
        return value

    def boolean(self, node: Node, where: str) -> bool:
        value = yaml.safe_load(yaml.serialize(node))
        if not isinstance(value, bool):
            self.problem(node, where, "expected true or false")
            return False
        return value

    def url(self, node: Node, where: str) -> str | None:
        text = self.text(node, where)
        if text is None:
            return None
        parts = urlsplit(text)
        if parts.scheme not in ("http", "https"):
            self.problem(node, where, f"only http(s) URLs are fetched, not {parts.scheme or 'a bare path'!r}")
            return None
        if not parts.hostname:
            self.problem(node, where, "the URL names no host")
            return None
        return text


def _urls(check: _Checker, fields: dict, key: str, where: str) -> tuple[str, ...]:
    nodes = check.sequence(fields[key], f"{where}.{key}") if key in fields else []
    return tuple(u for j, n in enumerate(nodes) if (u := check.url(n, f"{where}.{key}[{j}]")))


def _within(path: Path, roots: tuple[Path, ...]) -> bool:
    return any(path == root or root in path.parents for root in roots)


def parse_sources(text: str, path: Path) -> Sources:
    check = _Checker(path)
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SourcesError([f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if root is None:
        raise SourcesError([f"{path}: empty sources file"])
    top = check.mapping(root, "top level", {"agencies", "local_roots", "fetch", "extract"})
    base = path.parent.resolve()
    roots = tuple(
        (base / r).resolve()
        for i, node in enumerate(check.sequence(top["local_roots"], "local_roots") if "local_roots" in top else [])
        if (r := check.text(node, f"local_roots[{i}]")) is not None
    )
    options = dict(FETCH_DEFAULTS)
    if "fetch" in top:
        for key, node in check.mapping(top["fetch"], "fetch", set(FETCH_DEFAULTS)).items():
            kind = type(FETCH_DEFAULTS[key])
            value = check.text(node, f"fetch.{key}") if kind is str else check.number(node, f"fetch.{key}", kind)
            if value is not None:
                options[key] = value
    budget = dict(EXTRACT_DEFAULTS)
    for key, node in check.mapping(top["extract"], "extract", set(budget)).items() if "extract" in top else ():
        value = check.number(node, f"extract.{key}", type(budget[key]))
        if value is not None and value < EXTRACT_LEAST[key]:
            check.problem(node, f"extract.{key}", f"must be at least {EXTRACT_LEAST[key]}")
        elif value is not None:
            budget[key] = value
    agencies = []
    names: dict[str, int] = {}
    if "agencies" not in top:
        check.problem(root, "top level", "no `agencies` list")
    for i, node in enumerate(check.sequence(top.get("agencies", root), "agencies") if "agencies" in top else []):
        where = f"agencies[{i}]"
        fields = check.mapping(
            node,
            where,
            {"name", "region", "level", "parent", "reports", "listings", "paths", "allow_private", "consolidates"},
        )
        name = check.text(fields["name"], f"{where}.name") if "name" in fields else None
        if "name" not in fields:
            check.problem(node, where, "no `name`")
        if name in names:
            check.problem(fields["name"], f"{where}.name", f"{name!r} is already agencies[{names[name]}]")
        elif name:
            names[name] = i
        optional = {k: check.text(fields[k], f"{where}.{k}") for k in ("region", "level", "parent") if k in fields}
        if optional.get("level") and optional["level"] not in LEVELS:
            check.problem(fields["level"], f"{where}.level", f"{optional['level']!r} is not one of {', '.join(LEVELS)}")
        reports, listings = (_urls(check, fields, key, where) for key in ("reports", "listings"))
        paths = []
        for j, n in enumerate(check.sequence(fields["paths"], f"{where}.paths") if "paths" in fields else []):
            text = check.text(n, f"{where}.paths[{j}]")
            if text is None:
                continue
            local = (base / text).resolve()
            if not _within(local, roots):
                check.problem(n, f"{where}.paths[{j}]", f"{text} is outside the configured local_roots")
            elif not local.exists():
                check.problem(n, f"{where}.paths[{j}]", f"{local} does not exist")
            else:
                paths.append(local)
        if not (reports or listings or paths) and not any(k in fields for k in ("reports", "listings", "paths")):
            check.problem(node, where, "gives none of `reports`, `listings`, `paths`")
        flags = {k: check.boolean(fields[k], f"{where}.{k}") for k in ("allow_private", "consolidates") if k in fields}
        if name:
            agencies.append(
                Agency(
                    name,
                    optional.get("region"),
                    optional.get("level"),
                    optional.get("parent"),
                    reports,
                    listings,
                    tuple(paths),
                    **flags,
                )
            )
    if check.problems:
        raise SourcesError(check.problems)
    return Sources(path, tuple(agencies), roots, FetchOptions(**options), ExtractOptions(**budget))


def load_sources(path: str | Path) -> Sources:
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise SourcesError([f"{path}: cannot read: {exc.strerror}"]) from None
    return parse_sources(text, path)


def sample_sources_path() -> Path:
    """The bundled sample: real reports shipped with ogi, served from local paths (no network)."""
    from importlib import resources

    return Path(str(resources.files("ogi.sample").joinpath("sources.yaml")))
