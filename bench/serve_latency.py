"""Time from saving a translation to the browser showing it, through `folio serve`.

Usage: python bench/serve_latency.py [--pairs 1200] [--runs 5] [--folder DIR]

Makes the synthetic book (bench/generate.py, web pages only), starts `folio serve` as a process,
opens the zh-Hans page in headless Chromium (Playwright), then at each run saves the catalog
with a few more characters in one msgstr, as an editor does (a new file renamed over the old),
and times the save to the new text in the page. Each run is split by the rebuild's end, which
`folio serve` prints: the save being noticed, the rebuild, and the reload (the page told, asked
for again and shown).
"""

from __future__ import annotations

import argparse
import os
import queue
import re
import secrets
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

import generate
from chromium import CHROMIUM, CHROMIUM_FLAGS
from run import edit_one_msgstr

PAGE = f"{generate.DOC}/zh-Hans.html"
REBUILT = re.compile(r"rebuilt (\d+) output\(s\) in ([\d.]+) s")
# The page notes when a load is shown: the first frame after its DOM is complete (wall clock,
# which the browser shares with this process).
SHOWN_AT = """addEventListener("DOMContentLoaded", function () {
  requestAnimationFrame(function () { window.__shownAt = Date.now(); });
});"""
START_SECONDS = 900  # the first, cold build of the book
RUN_SECONDS = 120


@dataclass(frozen=True)
class Run:
    """One save, in seconds from the moment the catalog was replaced."""

    total_s: float  # until the new text is shown
    notice_s: float  # until the rebuild starts
    build_s: float  # the rebuild, as folio serve times it
    reload_s: float  # from the rebuild's end until the new text is shown
    load_s: float  # of which the page's load: from the browser asking for it until shown
    loads: int  # times the open page loaded (1: reloaded once)


class Served:
    """`folio serve` as a process, each line it prints stamped with the time it came."""

    def __init__(self, project: Path) -> None:
        self.process = subprocess.Popen(
            [*generate.folio_command(), "serve", "--port", "0"],
            cwd=project,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
        )
        self.lines: queue.Queue[tuple[float, str]] = queue.Queue()
        threading.Thread(target=self.read, daemon=True).start()

    def read(self) -> None:
        for line in self.process.stdout:
            self.lines.put((time.time(), line.rstrip("\n")))

    def next_line(self, seconds: float) -> tuple[float, str]:
        try:
            return self.lines.get(timeout=seconds)
        except queue.Empty:
            raise SystemExit(f"folio serve printed nothing for {seconds:.0f} s") from None

    def url(self) -> str:
        """The address it serves, once the first build is done."""
        while True:
            _, line = self.next_line(START_SECONDS)
            if line.startswith("Serving http://"):
                return line.split()[1]
            print(f"  folio serve: {line}", file=sys.stderr)

    def rebuilt(self, seconds: float) -> tuple[float, float]:
        """When the next rebuild ended, and how long it took."""
        while True:
            stamp, line = self.next_line(seconds)
            if match := REBUILT.search(line):
                return stamp, float(match.group(2))
            print(f"  folio serve: {line}", file=sys.stderr)

    def stop(self) -> None:
        self.process.terminate()
        self.process.wait(timeout=30)


def make_book(folder: Path, pairs: int) -> Path:
    """The synthetic book as a project that builds web pages only."""
    project = folder / "book"
    generate.generate(project, pairs)
    settings = project / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    text = re.sub(r"^formats\s*=.*$", 'formats = ["html"]', text, count=1, flags=re.M)
    settings.write_text(text, encoding="utf-8")
    return project


def save(catalog: Path, scratch: Path, text: str) -> float:
    """Replace `catalog` by a copy with `text` appended to one msgstr, as an editor saves (a
    new file renamed over the old); the time of the rename."""
    shutil.copy2(catalog, scratch)
    edit_one_msgstr(scratch, text)
    written = time.time()
    os.replace(scratch, catalog)
    return written


def measure(page, served: Served, catalog: Path, scratch: Path, number: int) -> Run:
    """One save and its way to the page."""
    marker = f"（{secrets.token_hex(3)}{number}）"
    loads = []

    def listener(frame) -> None:
        if frame == page.main_frame:
            loads.append(frame)

    page.on("framenavigated", listener)
    try:
        written = save(catalog, scratch, marker)
        page.get_by_text(marker).first.wait_for(timeout=RUN_SECONDS * 1000)
        # The text is there while the page is parsed; it is shown at the frame after that.
        page.wait_for_function("window.__shownAt !== undefined")
        shown, asked = page.evaluate("[window.__shownAt, performance.timeOrigin]")
        shown, asked = shown / 1000, asked / 1000
        ended, build = served.rebuilt(RUN_SECONDS)
        time.sleep(0.5)  # a second reload, if one came, would show by now
    finally:
        page.remove_listener("framenavigated", listener)
    return Run(
        total_s=shown - written,
        notice_s=ended - build - written,
        build_s=build,
        reload_s=shown - ended,
        load_s=shown - asked,
        loads=len(loads),
    )


def serve_latency(folder: Path, runs: int = 5, pairs: int = 1200) -> list[Run]:
    """Make the book in `folder`, serve it and time `runs` saves."""
    from playwright.sync_api import sync_playwright

    project = make_book(folder, pairs)
    catalog = project / "translations" / "zh-Hans" / f"{generate.DOC}.po"
    scratch = folder / "edited.po"  # beside the project, so the watcher does not see it
    served = Served(project)
    try:
        url = served.url()
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
            page = browser.new_page()
            page.add_init_script(SHOWN_AT)
            page.goto(url + PAGE)
            done = []
            for number in range(runs):
                done.append(measure(page, served, catalog, scratch, number))
                print(describe(number, done[-1]), flush=True)
            browser.close()
        return done
    finally:
        served.stop()


def describe(number: int, run: Run) -> str:
    return (
        f"run {number + 1}: {run.total_s:.2f} s = notice {run.notice_s:.2f} + build "
        f"{run.build_s:.2f} + reload {run.reload_s:.2f} (of which the page's load "
        f"{run.load_s:.2f}; {run.loads} load(s) of the page)"
    )


def summary(runs: list[Run]) -> str:
    def median(name: str) -> float:
        return statistics.median(getattr(run, name) for run in runs)

    return (
        f"median of {len(runs)}: {median('total_s'):.2f} s = notice {median('notice_s'):.2f} "
        f"+ build {median('build_s'):.2f} + reload {median('reload_s'):.2f} (of which the "
        f"page's load {median('load_s'):.2f})"
    )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=1200, help="paragraph pairs (default 1200)")
    parser.add_argument("--runs", type=int, default=5, help="saves to time (default 5)")
    parser.add_argument("--folder", type=Path, help="where to make the book (default: temporary)")
    args = parser.parse_args(argv)
    if args.folder:
        args.folder.mkdir(parents=True, exist_ok=True)
        runs = serve_latency(args.folder, args.runs, args.pairs)
    else:
        with tempfile.TemporaryDirectory(prefix="folio-serve-") as folder:
            runs = serve_latency(Path(folder), args.runs, args.pairs)
    print(summary(runs))
    return 0


if __name__ == "__main__":
    sys.exit(main())
