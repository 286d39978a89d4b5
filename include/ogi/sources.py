"""Where reports come from: agencies with report URLs, listing pages or local paths, from a YAML file.

The file is validated on load (pydantic models: the shape, the types, each field's rule) and every mistake is
reported with its line, found from the YAML node the error points at: `sources.yaml:12: agencies[3]
.listings[0]: only http(s) URLs are fetched, not 'ftp'`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any
from urllib.parse import urlsplit

import yaml
from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    StrictBool,
    ValidationError,
    ValidationInfo,
)
from pydantic_core import PydanticCustomError
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from ogi.normalize import name_key

LEVELS = ("national", "province", "city", "county", "township", "department")
EXTRACT_DEFAULTS = {"timeout_s": 30.0, "memory_mb": 1024}  # the budget of one document (ogi.workers)
EXTRACT_LEAST = {"timeout_s": 1.0, "memory_mb": 256}  # a reader needs this much to read anything


class SourcesError(ValueError):
    """One or more mistakes in a sources file, each with its line."""

    def __init__(self, problems: list[str]):
        super().__init__("\n".join(problems))
        self.problems = problems


def _problem(message: str) -> PydanticCustomError:
    return PydanticCustomError("ogi", message)


def _text(value: Any) -> str:
    if isinstance(value, bool) or not isinstance(value, str | int | float) or not str(value).strip():
        raise _problem("expected a non-empty text")
    return str(value).strip()


def _url(text: str) -> str:
    parts = urlsplit(text)
    if parts.scheme not in ("http", "https"):
        raise _problem(f"only http(s) URLs are fetched, not {parts.scheme or 'a bare path'!r}")
    if not parts.hostname:
        raise _problem("the URL names no host")
    return text


def _level(text: str) -> str:
    if text not in LEVELS:
        raise _problem(f"{text!r} is not one of {', '.join(LEVELS)}")
    return text


def _local_path(text: str, info: ValidationInfo) -> Path:
    """A path relative to the sources file, inside one of its `local_roots`, that exists."""
    base, roots = info.context["base"], info.context["roots"]
    local = (base / text).resolve()
    if not any(local == root or root in local.parents for root in roots):
        raise _problem(f"{text} is outside the configured local_roots")
    if not local.exists():
        raise _problem(f"{local} does not exist")
    return local


Text = Annotated[str, BeforeValidator(_text)]
Url = Annotated[Text, AfterValidator(_url)]


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


def _at_least(least: float) -> AfterValidator:
    def check(value: float) -> float:
        if value < least:
            raise _problem(f"must be at least {least:g}")
        return value

    return AfterValidator(check)


class FetchOptions(_Model):
    timeout_s: float = Field(20.0, ge=0)  # each connect or read
    deadline_s: Annotated[float, _at_least(0.1)] = 120.0  # each attempt, whole (a server trickling bytes)
    retries: int = Field(3, ge=0)
    backoff_s: float = Field(1.0, ge=0)
    max_bytes: int = Field(50_000_000, ge=0)
    user_agent: Text = "ogi"


class ExtractOptions(_Model):
    """The budget of one document, read in a worker process (ogi.workers)."""

    timeout_s: Annotated[float, _at_least(EXTRACT_LEAST["timeout_s"])] = EXTRACT_DEFAULTS["timeout_s"]
    memory_mb: Annotated[int, _at_least(EXTRACT_LEAST["memory_mb"])] = EXTRACT_DEFAULTS["memory_mb"]


class Agency(_Model):
    name: Text
    region: Text | None = None
    level: Annotated[Text, AfterValidator(_level)] | None = None
    parent: Text | None = None
    reports: tuple[Url, ...] = ()
    listings: tuple[Url, ...] = ()
    paths: tuple[Annotated[Text, AfterValidator(_local_path)], ...] = ()
    allow_private: StrictBool = False  # may fetch from loopback/private addresses (an intranet portal, a test server)
    consolidates: StrictBool = False  # its report sums the reports of the agencies naming it `parent` (rule H1)
    aliases: tuple[Text, ...] = ()  # other names its reports print for it (上海市人民政府办公厅 for 上海市人民政府)


class _File(_Model):
    fetch: FetchOptions = FetchOptions()
    extract: ExtractOptions = ExtractOptions()
    local_roots: tuple[Text, ...] = ()
    agencies: list[Agency]


class Sources(_Model):
    path: Path
    agencies: tuple[Agency, ...]
    local_roots: tuple[Path, ...] = ()
    fetch: FetchOptions = FetchOptions()
    extract: ExtractOptions = ExtractOptions()

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


# line numbers ---------------------------------------------------------------------------------------------------

Loc = tuple[str | int, ...]
_EXPECTED: dict[str, str] = {
    "float_parsing": "expected a number",
    "float_type": "expected a number",
    "int_parsing": "expected a whole number",
    "int_type": "expected a whole number",
    "int_from_float": "expected a whole number",
    "bool_type": "expected true or false",
    "bool_parsing": "expected true or false",
    "list_type": "expected a list",
    "tuple_type": "expected a list",
    "model_type": "expected a mapping of keys to values",
    "dict_type": "expected a mapping of keys to values",
    "greater_than_equal": "must not be negative",
}


class _Nodes:
    """The YAML node at each location of the document (values, and the keys of mappings), and duplicate keys."""

    def __init__(self, root: Node):
        self.values: dict[Loc, Node] = {}
        self.keys: dict[Loc, Node] = {}
        self.duplicates: list[tuple[Loc, Node]] = []
        self._walk(root, ())

    def _walk(self, node: Node, loc: Loc) -> None:
        self.values[loc] = node
        if isinstance(node, MappingNode):
            for key, value in node.value:
                name = key.value if isinstance(key, ScalarNode) else str(key)
                if loc + (name,) in self.values:
                    self.duplicates.append((loc + (name,), key))
                    continue
                self.keys[loc + (name,)] = key
                self._walk(value, loc + (name,))
        elif isinstance(node, SequenceNode):
            for i, item in enumerate(node.value):
                self._walk(item, loc + (i,))

    def line(self, loc: Loc, key: bool = False) -> int:
        while loc not in (self.keys if key else self.values) and loc:
            loc, key = loc[:-1], False
        return (self.keys if key else self.values)[loc].start_mark.line + 1


def _where(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "top level"


def _allowed(loc: Loc) -> list[str]:
    model = _File
    for part in loc:
        if isinstance(part, int):
            continue
        annotation = model.model_fields[part].annotation
        model = Agency if part == "agencies" else annotation
    return sorted(model.model_fields)


def _located(error: dict, nodes: _Nodes, path: Path) -> str:
    loc: Loc = tuple(p for p in error["loc"] if not (isinstance(p, str) and p.startswith("function-")))
    kind = error["type"]
    if kind == "extra_forbidden":
        name = loc[-1]
        where, line = loc[:-1], nodes.line(loc, key=True)
        message = f"unknown key {name!r} (allowed: {', '.join(_allowed(where))})"
    elif kind == "missing":
        where, line = loc[:-1], nodes.line(loc[:-1])
        message = "no `agencies` list" if loc == ("agencies",) else f"no `{loc[-1]}`"
    else:
        where, line = loc, nodes.line(loc)
        message = error["msg"] if kind == "ogi" else _EXPECTED.get(kind, error["msg"])
    return f"{path}:{line}: {_where(where)}: {message}"


def _names_named_once(raw_agencies: list, nodes: _Nodes, path: Path) -> list[str]:
    """Every name and alias (as compared) names one agency only: a printed name maps to one agency or none."""
    problems, named = [], {}
    for i, agency in enumerate(raw_agencies):
        if not isinstance(agency, dict) or not isinstance(agency.get("name"), str):
            continue
        name = agency["name"].strip()
        aliases = agency.get("aliases") if isinstance(agency.get("aliases"), list) else []
        given = [(("agencies", i, "aliases", j), alias) for j, alias in enumerate(aliases) if isinstance(alias, str)]
        for loc, text in [*given, (("agencies", i, "name"), name)]:
            other = named.setdefault(name_key(text), name)
            if other != name:
                problems.append(f"{path}:{nodes.line(loc)}: {_where(loc)}: {text.strip()!r} already names {other!r}")
    return problems


def parse_sources(text: str, path: Path) -> Sources:
    try:
        root = yaml.compose(text)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f":{mark.line + 1}" if mark else ""
        raise SourcesError([f"{path}{line}: not valid YAML: {getattr(exc, 'problem', exc)}"]) from None
    if root is None:
        raise SourcesError([f"{path}: empty sources file"])
    nodes = _Nodes(root)
    loader = yaml.SafeLoader("")
    try:
        raw = loader.construct_document(root)  # the Python values of the tree composed above, not parsed again
    finally:
        loader.dispose()
    problems = [
        f"{path}:{key.start_mark.line + 1}: {_where(loc[:-1])}: {loc[-1]!r} is given twice"
        for loc, key in nodes.duplicates
    ]
    base = path.parent.resolve()
    roots_given = raw.get("local_roots") if isinstance(raw, dict) else None
    roots = tuple((base / str(r)).resolve() for r in roots_given or [] if isinstance(r, str) and r.strip())
    model: _File | None = None
    try:
        model = _File.model_validate(raw, context={"base": base, "roots": roots})
    except ValidationError as exc:
        problems += [_located(error, nodes, path) for error in exc.errors()]
    names: dict[str, int] = {}
    for i, agency in enumerate(raw.get("agencies") or [] if isinstance(raw, dict) else []):
        name = agency.get("name") if isinstance(agency, dict) else None
        if isinstance(name, str) and name.strip() in names:
            problems.append(
                f"{path}:{nodes.line(('agencies', i, 'name'))}: agencies[{i}].name: "
                f"{name.strip()!r} is already agencies[{names[name.strip()]}]"
            )
        elif isinstance(name, str):
            names[name.strip()] = i
        if isinstance(agency, dict) and not {"reports", "listings", "paths"} & set(agency):
            problems.append(
                f"{path}:{nodes.line(('agencies', i))}: agencies[{i}]: gives none of `reports`, `listings`, `paths`"
            )
    problems += _names_named_once(raw.get("agencies") or [] if isinstance(raw, dict) else [], nodes, path)
    if problems or model is None:
        raise SourcesError(sorted(problems, key=lambda p: int(p[len(str(path)) + 1 :].split(":", 1)[0])))
    return Sources(
        path=path, agencies=tuple(model.agencies), local_roots=roots, fetch=model.fetch, extract=model.extract
    )


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
