"""The `ogi` command line."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from ogi import __version__


def _extract(args: argparse.Namespace) -> int:
    from ogi.extract import extract_path
    from ogi.tables_io import to_jsonl, write_parquet

    missing = [p for p in args.paths if not Path(p).exists()]
    if missing:
        print(f"ogi extract: no such file or directory: {', '.join(missing)}", file=sys.stderr)
        return 2
    files = []
    for path in map(Path, args.paths):
        files.extend(sorted(p for p in path.rglob("*") if p.is_file()) if path.is_dir() else [path])
    reports = []
    for file in files:
        report = extract_path(file)
        reports.append(report)
        if args.jsonl:
            print(to_jsonl(report), flush=True)
        elif not args.parquet:
            print(f"{report.status:<12} {file}" + (f"  — {report.error}" if report.error else ""))
    if args.parquet:
        paths = write_parquet(reports, args.parquet)
        if not args.jsonl:
            counts: dict[str, int] = {}
            for report in reports:
                counts[report.status] = counts.get(report.status, 0) + 1
            summary = ", ".join(f"{n} {status}" for status, n in sorted(counts.items()))
            print(f"{len(reports)} reports ({summary}) -> {paths['reports']}, {paths['cells']}")
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ogi", description=__doc__)
    parser.add_argument("--version", action="version", version=f"ogi {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)
    extract = commands.add_parser("extract", help="extract the three statistical tables from report files")
    extract.add_argument("paths", nargs="+", metavar="PATH", help="report files or directories of them")
    extract.add_argument("--jsonl", action="store_true", help="one JSON object per input file on stdout")
    extract.add_argument("--parquet", metavar="DIR", help="write reports.parquet and cells.parquet to DIR")
    extract.set_defaults(run=_extract)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.run(args)


if __name__ == "__main__":
    sys.exit(main())
