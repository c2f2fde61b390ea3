"""The `folio` command: parse arguments, call the library, print, and set the exit code."""

from __future__ import annotations

import argparse
import json
import sys
import threading
from dataclasses import asdict, replace
from pathlib import Path
from typing import TYPE_CHECKING

from folio import __version__
from folio.config import FORMATS, LAYOUTS, Project, find_project
from folio.edition import edition_name, editions
from folio.errors import FolioError, display_path, from_os_error

if TYPE_CHECKING:
    from rich.console import Console

    from folio import workflow

# Each command imports what it uses when it runs: a build with nothing to do loads neither
# rich, nor Babel's catalogs, nor any renderer (a no-op build is a third of a second).


def parser() -> argparse.ArgumentParser:
    main = argparse.ArgumentParser(
        prog="folio", description="Publish Markdown and its translations."
    )
    main.add_argument("--version", action="version", version=f"folio {__version__}")
    main.add_argument("-C", "--project", type=Path, default=Path.cwd(), help="the project folder")
    commands = main.add_subparsers(dest="command", required=True)
    commands.add_parser("extract", help="write translations/<doc>.pot from the sources")
    commands.add_parser("update", help="extract, then merge each template into each catalog")
    check = commands.add_parser(
        "check", help="check the translations (and the source) for mistakes"
    )
    check.add_argument("--collection", help="only this collection's documents, by document")
    init_lang = commands.add_parser("init-lang", help="start a translation into a language")
    init_lang.add_argument("tag", help="a BCP 47 language tag: fr, ar, pt-BR, zh-Hans …")
    init_lang.add_argument(
        "--from",
        dest="base",
        help="convert from this language's catalogs (zh-Hant, zh-HK, zh-TW from zh-Hans)",
    )
    export = commands.add_parser("export", help="export the catalogs for CAT tools")
    export.add_argument("--xliff", action="store_true", required=True, help="as XLIFF 1.2")
    export.add_argument("-o", "--output", type=Path, help="folder (default: build/xliff)")
    export.add_argument("--language", action="append", help="only this language")
    import_ = commands.add_parser("import", help="bring a CAT tool's work back into the catalogs")
    import_.add_argument("--xliff", action="store_true", required=True, help="XLIFF 1.2 files")
    import_.add_argument("files", type=Path, nargs="+", help="files `folio export` wrote")
    status = commands.add_parser("status", help="how much of each catalog is translated")
    status.add_argument("--json", action="store_true", help="print JSON")
    status.add_argument("--collection", help="only this collection's documents, and its total")
    build_command = commands.add_parser("build", help="build every edition in every format")
    build_command.add_argument(
        "--format", action="append", choices=FORMATS, help="only this format"
    )
    build_command.add_argument(
        "--edition", action="append", help="only this edition, e.g. en+zh-Hans"
    )
    build_command.add_argument(
        "--force", action="store_true", help="rebuild even what is up to date"
    )
    build_command.add_argument(
        "--layout",
        choices=LAYOUTS,
        help="bilingual layout of the print edition (default: settings)",
    )
    build_command.add_argument(
        "--strict",
        action="store_true",
        help="fail unless every unit is translated (or min-coverage of [tool.folio] is met)",
    )
    build_command.add_argument(
        "--no-cache",
        action="store_true",
        help="compute every stage again, without build/.cache (the outputs are the same bytes)",
    )
    build_command.add_argument(
        "-j", "--jobs", type=int, help="processes to render with (default: the cores)"
    )
    build_command.add_argument(
        "-q", "--quiet", action="store_true", help="print only errors and warnings"
    )
    serve = commands.add_parser(
        "serve", help="preview build/site/ on 127.0.0.1, rebuilt and reloaded on every change"
    )
    serve.add_argument("--port", type=int, default=8000, help="default 8000; 0: any free port")
    serve.add_argument(
        "--format",
        action="append",
        choices=FORMATS,
        help="also rebuild this format at each change (default: the web pages only)",
    )
    return main


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    try:
        project = find_project(args.project.resolve())
        if getattr(args, "layout", None):
            project = replace(project, settings=replace(project.settings, layout=args.layout))
        if args.command == "build":
            known = [edition_name(e) for e in editions(project)]
            for name in args.edition or []:
                if name not in known:
                    raise FolioError(f"unknown edition {name!r}", hint=f"known: {', '.join(known)}")
            run_build(project, args)
            return 0
        return run_command(project, args)
    except FolioError as error:
        report_error(error)
        return 1
    except OSError as error:
        report_error(from_os_error(error))
        return 1
    except KeyboardInterrupt:
        print("folio: interrupted", file=sys.stderr)
        return 130


def run_command(project: Project, args: argparse.Namespace) -> int:
    """Every command but build."""
    from rich.console import Console

    from folio import collection, workflow

    console = Console(stderr=False)
    if args.command == "extract":
        report_files(console, workflow.extract(project), "template")
    elif args.command == "update":
        report_files(console, workflow.update(project), "catalog")
    elif args.command == "check":
        findings = workflow.check(project)
        if args.collection:
            findings = show_collection_findings(project, args.collection, findings)
        for finding in findings if not args.collection else []:
            print(finding)
        if findings:
            print(f"{len(findings)} finding(s).", file=sys.stderr)
            return 1
        console.print("No findings.")
    elif args.command == "init-lang":
        report_files(console, workflow.init_language(project, args.tag, args.base), "file")
    elif args.command == "export":
        from folio import xliff

        out = args.output and args.output.resolve()
        report_files(console, xliff.export_project(project, out, args.language), "file")
    elif args.command == "import":
        return import_xliff(console, project, args.files)
    elif args.command == "status":
        rows = workflow.status(project)
        if args.collection:
            rows = collection.status_rows(project, args.collection, rows)
        show_status(console, rows, args.json)
    elif args.command == "serve":
        run_serve(console, project, args)
    return 0


def report_error(error: FolioError) -> None:
    """The one line of a user error, and its details below it, on standard error."""
    print(f"folio: error: {error}", file=sys.stderr)
    for line in error.details:
        print(f"  {line}", file=sys.stderr)
    sys.stderr.flush()


def import_xliff(console: Console, project: Project, files: list[Path]) -> int:
    """Import each XLIFF file; 1 if any entry was in conflict (the catalog kept its own)."""
    from folio import xliff

    conflicts = 0
    for path in files:
        done = xliff.import_file(project, path.resolve())
        for line in done.changed:
            console.print(line, highlight=False)
        for line in done.conflicts:
            print(line)
        conflicts += len(done.conflicts)
        if done.written:
            console.print(f"wrote {display_path(done.path)}", highlight=False)
    if conflicts:
        print(f"{conflicts} conflict(s): see above; no translation was lost.", file=sys.stderr)
        return 1
    return 0


def report_files(console: Console, changed: list[Path], what: str) -> None:
    if not changed:
        console.print(f"No {what} changed.")
    for path in changed:
        console.print(f"wrote {display_path(path)}")


def show_collection_findings(project: Project, name: str, findings: list) -> list:
    """Print a collection's findings under each of its documents; returns them."""
    from folio import collection

    groups = collection.check_groups(project, name, findings)
    for doc, found in groups.items():
        print(f"{doc}: {len(found)} finding(s)")
        for finding in found:
            print(f"  {finding}")
    return [f for found in groups.values() for f in found]


def show_status(console: Console, rows: list[workflow.LanguageStatus], as_json: bool) -> None:
    from rich.table import Table

    from folio import catalog

    if as_json:
        data = [
            {
                "document": r.document,
                "language": r.language,
                **asdict(r.stats),
                "untranslated": r.stats.untranslated,
                "percent": catalog.floor_percent(r.stats.percent),
                "words_percent": catalog.floor_percent(r.stats.words_percent),
                "glossary": r.glossary,
            }
            for r in rows
        ]
        print(json.dumps(data, ensure_ascii=False, indent=2))
        return
    table = Table(
        "document", "language", "translated", "fuzzy", "untranslated", "obsolete", "words"
    )
    table.add_column("glossary")
    for r in rows:
        s = r.stats
        colour = "green" if s.translated == s.total else "yellow" if s.percent >= 50 else "red"
        table.add_row(
            r.document,
            r.language,
            f"[{colour}]{s.translated} of {s.total}[/]",
            f"[yellow]{s.fuzzy}[/]" if s.fuzzy else "0",
            f"[red]{s.untranslated}[/]" if s.untranslated else "0",
            str(s.obsolete),
            f"[{colour}]{catalog.floor_percent(s.words_percent):g} %[/]",
            f"[red]{r.glossary}[/]" if r.glossary else "0",
        )
    console.print(table)


def run_build(project: Project, args: argparse.Namespace) -> None:
    """Build, with a progress display on a terminal once the build takes over a second."""
    from folio.build import build

    def run(report=None):
        return build(
            project,
            args.format,
            args.edition,
            args.force,
            args.jobs,
            report,
            args.strict,
            cache=not args.no_cache,
        )

    result = run() if args.quiet else with_progress(run)
    for warning in result.warnings:
        print(f"folio: warning: {warning}", file=sys.stderr)
    if not args.quiet:
        from rich.console import Console

        show_summary(Console(stderr=False), result)


def with_progress(run):
    """`run(report)`, showing its progress on a terminal once it takes over a second."""
    from rich.console import Console
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        SpinnerColumn,
        TextColumn,
        TimeElapsedColumn,
    )

    errors = Console(stderr=True)
    progress = Progress(
        SpinnerColumn(),
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=errors,
        transient=True,
        disable=not errors.is_terminal,
    )
    task = progress.add_task("building", total=None)

    def report(target, done: int, total: int) -> None:
        progress.update(task, total=total, completed=done, description=target.path)

    show = threading.Timer(1.0, progress.start)
    show.start()
    try:
        return run(report)
    finally:
        show.cancel()
        progress.stop()


def show_summary(console: Console, result) -> None:
    from rich.table import Table

    times = {r.target.path: r.seconds for r in result.rebuilt}
    table = Table("output", "format", "pages", "size", "time")
    for output in result.outputs:
        seconds = times.get(output.path)
        table.add_row(
            output.path,
            output.format,
            str(output.pages or ""),
            f"{output.bytes / 1024:.0f} KiB",
            f"{seconds:.1f} s" if seconds is not None else "up to date",
        )
    console.print(table)
    fallbacks = sum(result.fallbacks.values())
    console.print(
        f"{len(result.rebuilt)} built, {len(result.outputs) - len(result.rebuilt)} up to date; "
        f"{fallbacks} untranslated unit(s) shown in the source language; "
        f"{len(result.warnings)} warning(s).",
        highlight=False,
    )


def run_serve(console: Console, project: Project, args: argparse.Namespace) -> None:
    """Build the web pages, then serve them, rebuilding what an edit changes: the web pages only,
    unless --format asks for PDFs or EPUBs too (then the pages wait for them at each save)."""
    import time

    from folio.build import build, open_cache
    from folio.serve import serve

    formats = ["html", *(f for f in args.format or [] if f != "html")]
    # One cache for every rebuild: its tables stay in memory instead of being read each time.
    caches = open_cache(project, True)
    build(project, formats=formats, cache=caches)

    def rebuild() -> bool:
        started = time.perf_counter()
        try:
            current = find_project(project.root)
            result = build(current, formats=formats, cache=caches)
        except FolioError as error:
            report_error(error)
            return False
        except OSError as error:
            report_error(from_os_error(error))
            return False
        seconds = time.perf_counter() - started
        # Printed at once: the latency benchmark times the end of the build by this line.
        print(f"rebuilt {len(result.rebuilt)} output(s) in {seconds:.2f} s", flush=True)
        return bool(result.rebuilt)

    def announce(url: str) -> None:
        print(f"Serving {url} (Ctrl-C to stop)", flush=True)

    serve(project, args.port, rebuild, announce)
