"""The `folio` command: parse arguments, call the library, print, and set the exit code."""

from __future__ import annotations

import argparse
import json
import sys
from dataclasses import asdict
from pathlib import Path

from rich.console import Console
from rich.table import Table

from folio import __version__, workflow
from folio.build import build, editions
from folio.config import FORMATS, find_project
from folio.edition import edition_name
from folio.errors import FolioError, display_path


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="folio", description="Publish Markdown and its translations."
    )
    main.add_argument("--version", action="version", version=f"folio {__version__}")
    main.add_argument("-C", "--project", type=Path, default=Path.cwd(), help="the project folder")
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write translations/<doc>.pot from the sources")
    commands.add_parser("update", help="extract, then merge each template into each catalog")
    status = commands.add_parser("status", help="how much of each catalog is translated")
    status.add_argument("--json", action="store_true", help="print JSON")
    build_command = commands.add_parser("build", help="build every edition in every format")
    build_command.add_argument(
        "--format", action="append", choices=FORMATS, help="only this format"
    )
    build_command.add_argument(
        "--edition", action="append", help="only this edition, e.g. en+zh-Hans"
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    console = Console(stderr=False)
    try:
        project = find_project(args.project.resolve())
        if args.command == "extract":
            report_files(console, workflow.extract(project), "template")
        elif args.command == "update":
            report_files(console, workflow.update(project), "catalog")
        elif args.command == "status":
            show_status(console, workflow.status(project), args.json)
        elif args.command == "build":
            known = [edition_name(e) for e in editions(project)]
            for name in args.edition or []:
                if name not in known:
                    raise FolioError(f"unknown edition {name!r}", hint=f"known: {', '.join(known)}")
            show_outputs(console, build(project, args.format, args.edition))
    except FolioError as error:
        print(f"folio: error: {error}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("folio: interrupted", file=sys.stderr)
        return 130
    return 0


def report_files(console: Console, changed: list[Path], what: str) -> None:
    if not changed:
        console.print(f"No {what} changed.")
    for path in changed:
        console.print(f"wrote {display_path(path)}")


def show_status(console: Console, rows: list[workflow.LanguageStatus], as_json: bool) -> None:
    if as_json:
        data = [
            {
                "document": r.document,
                "language": r.language,
                **asdict(r.stats),
                "untranslated": r.stats.untranslated,
                "percent": round(r.stats.percent, 1),
            }
            for r in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table("document", "language", "translated", "fuzzy", "untranslated", "total", "%")
    for r in rows:
        s = r.stats
        table.add_row(
            r.document,
            r.language,
            str(s.translated),
            str(s.fuzzy),
            str(s.untranslated),
            str(s.total),
            f"{s.percent:.0f} %",
        )
    console.print(table)


def show_outputs(console: Console, outputs) -> None:
    table = Table("output", "format", "pages", "size")
    for output in outputs:
        size = f"{output.bytes / 1024:.0f} KiB"
        table.add_row(output.path, output.format, str(output.pages or ""), size)
    console.print(table)
