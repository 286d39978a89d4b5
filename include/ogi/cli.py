"""The `ogi` command line."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from ogi import __version__


def _read(files: list[Path], args: argparse.Namespace):
    """The files' reports in order, each read in a worker process under the budget the arguments give."""
    from ogi.sources import ExtractOptions
    from ogi.workers import ReaderPool, path_job

    ocr = not getattr(args, "no_ocr", False)
    with ReaderPool(ExtractOptions(timeout_s=args.timeout, memory_mb=args.memory), workers=args.workers) as pool:
        yield from pool.map(path_job(file, ocr=ocr) for file in files)


def _extract(args: argparse.Namespace) -> int:
    import json

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"ogi extract: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = _files(args.paths)
    reports = []
    for file, report in zip(files, _read(files, args)):
        reports.append(report)
        if args.jsonl:
            print(json.dumps(report.as_json(), ensure_ascii=False), flush=True)
        elif not args.parquet:
            print(f"{report.status:<12} {file}" + (f"  — {report.error}" if report.error else ""))
    if args.parquet:
        from ogi.tables_io import write_parquet  # pyarrow: only for Parquet output

        paths = write_parquet(reports, args.parquet)
        if not args.jsonl:
            counts: dict[str, int] = {}
            for report in reports:
                counts[report.status] = counts.get(report.status, 0) + 1
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            print(f"{len(reports)} reports ({summary}) -> {paths['reports']}, {paths['cells']}")
    return 0


def _files(paths: list[str]) -> list[Path]:
    files = []
    for path in map(Path, paths):
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    return files


def _validate(args: argparse.Namespace) -> int:
    import json

    import yaml

    from ogi.validation.validate import validate

    if bool(args.paths) == bool(args.parquet):
        print("ogi validate: give report files or --parquet DIR (one of them)", file=sys.stderr)
        return 2
    wanted = [Path(p) for p in args.paths] + ([Path(args.parquet)] if args.parquet else [])
    wanted += [Path(args.members)] if args.members else []
    missing = [str(p) for p in wanted if not p.exists()]
    if missing:
        print(f"ogi validate: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    if args.parquet:
        import pyarrow.parquet as pq

        from ogi.pipeline.schemas import to_frame

        reports = to_frame(pq.read_table(Path(args.parquet) / "reports.parquet"))
        cells = to_frame(pq.read_table(Path(args.parquet) / "cells.parquet"))
    else:
        from ogi.pipeline.schemas import to_frame
        from ogi.tables_io import cells_table, reports_table

        extracted = list(_read(_files(args.paths), args))
        reports, cells = to_frame(reports_table(extracted)), to_frame(cells_table(extracted))
    members = yaml.safe_load(Path(args.members).read_text(encoding="utf-8")) if args.members else None
    result = validate(reports, cells, members=members, docs_dir=Path(args.docs).resolve() if args.docs else None)
    for v in result.violations.itertuples():
        if args.jsonl:
            out = {
                "source": v.source,
                "rule": v.rule,
                "scope": v.scope,
                "lhs": _plain(v.lhs),
                "rhs": _plain(v.rhs),
                "severity": v.severity,
                "message_zh": v.message_zh,
            }
            print(json.dumps(out, ensure_ascii=False), flush=True)
        else:
            print(f"{v.severity:<8} {v.source}  {v.message_zh}")
    if args.out:
        out_dir = Path(args.out)
        out_dir.mkdir(parents=True, exist_ok=True)
        for name in ("violations", "not_assessable", "quality"):
            getattr(result, name).to_parquet(out_dir / f"{name}.parquet", index=False)
    if not args.jsonl:
        counts = ", ".join(f"{n} {q}" for q, n in sorted(result.counts().items()))
        print(
            f"{len(result.quality)} reports ({counts}); {len(result.violations)} violations, "
            f"{len(result.not_assessable)} checks not assessable" + (f"; Data Docs: {args.docs}" if args.docs else "")
        )
    return 0


def _plain(value: float) -> int | float:
    return int(value) if float(value).is_integer() else value


def _write_or_check(wanted: dict[Path, str], stale: list[Path], check: bool, command: str) -> int:
    """Write generated files, or (with --check) name those that differ from what the spec generates."""
    if check:
        for path in stale:
            print(f"{path}: differs from the spec; run `{command}`", file=sys.stderr)
        return 1 if stale else 0
    for path, text in wanted.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        print(path)
    return 0


def _expectations(args: argparse.Namespace) -> int:
    from ogi.template import load_spec
    from ogi.validation.suites import default_directory, drift, suite_files

    directory = Path(args.out) if args.out else default_directory()
    stale = [directory / name for name in drift(load_spec(), directory)]
    return _write_or_check(suite_files(load_spec(), directory), stale, args.check, "ogi expectations build")


def _docs(args: argparse.Namespace) -> int:
    from ogi.docs import default_path, render
    from ogi.template import load_spec

    path = Path(args.out) if args.out else default_path()
    text = render(load_spec())
    stale = [path] if not path.is_file() or path.read_text(encoding="utf-8") != text else []
    return _write_or_check({path: text}, stale, args.check, "ogi docs build")


def _config(args: argparse.Namespace):
    from ogi.pipeline.config import PipelineConfig

    config = PipelineConfig.from_env()
    return PipelineConfig(args.data, config.sources) if args.data else config


def _version(store, as_of: int | None):
    """The version asked for (default: the current one), or a message saying why there is none."""
    from ogi.pipeline import curated

    if as_of is None:
        version = curated.current(store)
        if version is None:
            return None, f"no curated data yet under {store.url} (run the ogi_annual_reports DAG, or `make run`)"
        return version, None
    try:
        return curated.at(store, as_of), None
    except curated.VersionNotFound as exc:
        return None, str(exc)


def _status(args: argparse.Namespace) -> int:
    from ogi.pipeline import curated
    from ogi.pipeline.catalog import catalog_path
    from ogi.pipeline.config import run_key

    config = _config(args)
    store = config.store()
    try:
        version, problem = _version(store, args.as_of)
    except curated.NeedsMigration as exc:
        print(f"ogi status: {exc}", file=sys.stderr)
        return 1
    if version is None:
        print(problem, file=sys.stderr if args.as_of is not None else sys.stdout)
        return 1
    manifest = version.manifest
    now = curated.current(store)
    print(
        f"curated data, version {version.number}{' (current)' if now.number == version.number else ''}, "
        f"published {manifest['created']} by run {manifest['run_id']}:"
    )
    print(f"  {store.uri(curated.CURRENT)} (Delta tables under {store.uri('curated')})")
    for name, table_version in manifest["tables"].items():
        print(f"  {name:<15} {manifest['rows'][name]:>9,} rows   Delta table version {table_version}")
    kept = curated.numbers(store)
    print(f"versions kept for time travel: {kept[0]}–{now.number} (`ogi status --as-of N`, `ogi catalog --as-of N`)")
    print(f"DuckDB catalog (views over the current version): {catalog_path(config)}")
    if store.exists("quality/latest.html"):
        print(f"quality report: {store.uri('quality/latest.html')}")
    docs = f"runs/{run_key(manifest['run_id'])}/data_docs/index.html"
    if store.exists(docs):
        print(f"GX Data Docs of that run: {store.uri(docs)}")
    return 0


def _budget_arguments(parser: argparse.ArgumentParser) -> None:
    from ogi.sources import EXTRACT_DEFAULTS, EXTRACT_LEAST

    budget = parser.add_argument_group("budget per file (a file over it gets status timeout or memory)")
    for flag, field, cast, unit, metavar, shown in (
        ("--timeout", "timeout_s", float, "s", "S", "seconds (default: %(default)g)"),
        ("--memory", "memory_mb", int, "MB", "MB", "megabytes (default: %(default)s)"),
        ("--workers", None, int, "", "N", "files read at once, in as many processes (default: %(default)s)"),
    ):
        least, default = (EXTRACT_LEAST[field], EXTRACT_DEFAULTS[field]) if field else (1, 1)
        budget.add_argument(flag, type=_at_least(least, cast, unit), default=default, metavar=metavar, help=shown)


def _at_least(least: float, cast, unit: str):
    """An argument type: a number no less than `least` (argparse says which argument, and exits with 2)."""

    def parse(text: str):
        value = cast(text)
        if value < least:
            raise argparse.ArgumentTypeError(f"must be at least {least:g}{' ' + unit if unit else ''}")
        return value

    return parse


def _catalog(args: argparse.Namespace) -> int:
    from ogi.pipeline import curated
    from ogi.pipeline.catalog import build_catalog

    config = _config(args)
    try:
        version, problem = _version(config.store(), args.as_of)
    except curated.NeedsMigration as exc:
        print(f"ogi catalog: {exc}", file=sys.stderr)
        return 1
    if version is None:
        print(f"ogi catalog: {problem}", file=sys.stderr)
        return 1
    print(build_catalog(config, version, Path(args.out) if args.out else None))
    return 0


def _migrate(args: argparse.Namespace) -> int:
    from ogi.pipeline.migrate import migrate

    done = migrate(_config(args).store())
    for step in done:
        print(step)
    if not done:
        print("the curated data is in the current format: nothing to migrate")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ogi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract the three statistical tables from report files")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="report files or directories of them")
    extract.add_argument("--jsonl", action="store_true", help="one JSON object per input file on stdout")
    extract.add_argument("--parquet", metavar="DIR", help="write reports.parquet and cells.parquet to DIR")
    extract.add_argument(
        "--no-ocr", action="store_true", help="do not read scanned PDFs by OCR (they come back needs_ocr)"
    )
    _budget_arguments(extract)
    extract.set_defaults(run=_extract)

    check = commands.add_parser("validate", help="check reports against the identities and the other rules")
    check.add_argument("paths", nargs="*", metavar="PATH", help="report files or directories of them")
    check.add_argument("--parquet", metavar="DIR", help="validate reports.parquet and cells.parquet of DIR instead")
    check.add_argument("--jsonl", action="store_true", help="one JSON object per violation on stdout")
    check.add_argument("--members", metavar="FILE", help="YAML: consolidated agency -> its member agencies (H1)")
    check.add_argument("--docs", metavar="DIR", help="build GX Data Docs for this run into DIR")
    check.add_argument("--out", metavar="DIR", help="write violations, not_assessable and quality as Parquet")
    _budget_arguments(check)
    check.set_defaults(run=_validate)

    docs = commands.add_parser("docs", help="docs/rules.md, generated from the spec")
    docs_commands = docs.add_subparsers(dest="action", required=True)
    docs_build = docs_commands.add_parser("build", help="write docs/rules.md (default: in the checkout)")
    docs_build.add_argument("--out", metavar="FILE", help="file to write")
    docs_build.add_argument("--check", action="store_true", help="exit 1 when the file differs from the spec")
    docs_build.set_defaults(run=_docs)

    status = commands.add_parser("status", help="where the curated data, DuckDB catalog and quality report are")
    status.add_argument("--data", metavar="DIR|URL", help="the data root (default: $OGI_DATA or ./data)")
    status.add_argument("--as-of", type=int, metavar="VERSION", help="an earlier curated version (time travel)")
    status.set_defaults(run=_status)

    catalog = commands.add_parser("catalog", help="a DuckDB file with views over a curated version")
    catalog.add_argument("--data", metavar="DIR|URL", help="the data root (default: $OGI_DATA or ./data)")
    catalog.add_argument("--as-of", type=int, metavar="VERSION", help="that version (default: the current one)")
    catalog.add_argument("--out", metavar="FILE", help="the DuckDB file (default: the catalog, $OGI_DUCKDB)")
    catalog.set_defaults(run=_catalog)

    migrate = commands.add_parser("migrate", help="bring the curated data to this ogi's format and schema")
    migrate.add_argument("--data", metavar="DIR|URL", help="the data root (default: $OGI_DATA or ./data)")
    migrate.set_defaults(run=_migrate)

    suites = commands.add_parser("expectations", help="the GX suites generated from spec/rules.yaml")
    suites_commands = suites.add_subparsers(dest="action", required=True)
    build = suites_commands.add_parser("build", help="write the suites (default: expectations/ of the checkout)")
    build.add_argument("--out", metavar="DIR", help="directory to write to")
    build.add_argument("--check", action="store_true", help="exit 1 when the suites there differ from the spec")
    build.set_defaults(run=_expectations)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        return args.run(args)
    except BrokenPipeError:  # the reader (head, less) stopped early: not an error
        sys.stdout = open(os.devnull, "w")
        return 0


if __name__ == "__main__":
    sys.exit(main())
