"""Benchmark folio against the plain pandoc + WeasyPrint route; print a table, write JSON.

Usage: python bench/run.py [--pairs N] [--quick] [--out PATH]

Every measured command runs through bench/measure.py, one wrapper process per command, which
reports its wall time and the peak RSS of its process tree. See bench/README.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import functools
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from pathlib import Path

import generate
import pypandoc
from babel.messages.pofile import read_po
from pypdf import PdfReader
from rich.console import Console
from rich.table import Table

REPO = generate.REPO
MEASURE = Path(__file__).resolve().parent / "measure.py"
PRINT_HTML = Path(__file__).resolve().parent / "print_html.py"
SEARCH_INDEX = Path(__file__).resolve().parent / "search_index.py"
SEED_DOC = generate.SEED_DOC
CORPUS = REPO / "tests" / "corpus"
SEED_OUTPUTS = 9
# Issue 14: a no-op build of the seed, whole process (issue 6 asked for 0.5 s).
NOOP_TARGET_S = 0.3
# Issue 14: one edit to the book, HTML only, whole process; a source edit may take pandoc's
# parse of the whole source plus this much.
EDIT_TARGET_S = 1.0
PARSE_MARGIN_S = 0.5
# Issue 14: the book's PDF (d) at most this many times WeasyPrint's own command line (e4).
BOOK_PDF_RATIO = 1.05
# (n) Issue 14: the full build's process tree under 2 GiB at the largest size, and its time
# linear in the pairs: seconds per 1,000 pairs at the largest size within this factor of the
# smallest's (the 2-core machine's noise is about ±10 %).
SCALING = (1.0, 2.0, 5000 / 1200)
TREE_TARGET_MIB = 2048
LINEAR_TOLERANCE = 1.25
# Stores take larger books, but a reader downloads this: the seed's bilingual EPUB stays small.
EPUB_TARGET_BYTES = 1_500_000
MEMORY_TARGET_MIB = 1024
# The editions a zh-Hans catalog feeds: only their outputs may be rebuilt when it changes.
ZH_EDITIONS = {"zh-Hans", "en+zh-Hans"}
# (f): a catalog of this many units, and folio's extract + update against pybabel update.
UPDATE_UNITS = 5000
UPDATE_RATIO = 1.5
# Babel's fuzzy matching costs (edits × units) full comparisons: a few edits keep the baseline
# itself to a couple of minutes.
UPDATE_EDITS = 5
# (edition, its primary language) as folio names them.
EDITIONS = [("en", "en"), ("zh-Hans", "zh-Hans"), ("en+zh-Hans", "en")]
CJK_FONT = "Noto Serif CJK SC"
# (h, i): the search index may add this share of the HTML build's time at most.
SEARCH_SHARE = 0.2

progress = Console(stderr=True, highlight=False)


class BenchError(Exception):
    """A measured command failed: the measurement has no number."""


@dataclass(frozen=True)
class Sample:
    """One wrapped run of one command."""

    seconds: float
    peak_mib: float
    # The largest summed RSS of the command's process tree (None: psutil missing).
    tree_mib: float | None = None
    # For a sequence: each command's {command, seconds, peak_mib}.
    steps: tuple[dict, ...] = ()
    # At the tree's peak: each process's pid, parent, command and MiB.
    tree_processes: tuple[dict, ...] = ()
    # The tree's user + system CPU seconds.
    cpu_s: float | None = None


@dataclass
class Measurement:
    """One line of the table (and of bench.json)."""

    name: str
    target: str = ""
    folio_s: float | None = None
    baseline_s: float | None = None
    peak_mib: float | None = None
    tree_mib: float | None = None
    passed: bool | None = None
    note: str = ""
    folio_runs: list[float] = field(default_factory=list)
    baseline_runs: list[float] = field(default_factory=list)
    details: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        if self.folio_s is None or not self.baseline_s:
            return None
        return self.folio_s / self.baseline_s


@dataclass(frozen=True)
class Settings:
    pairs: int
    quick: bool
    out: Path
    # Line ids to run ("k", "e4"; "e" is every e-line); None: every line.
    only: frozenset[str] | None = None

    def wants(self, line: str) -> bool:
        """Whether line `line` ("a", "e4", …) runs: `--only b` also runs "b", `--only e` e1–e4.
        "m", issue 14's name for the no-op target, is line b."""
        if self.only is None:
            return True
        asked = {"b" if x == "m" else x for x in self.only}
        return any(line == x or (line[:1] == x and line[1:].isdigit()) for x in asked)

    def repeats(self, cheap: int) -> int:
        """Runs of a cheap measurement: a few normally, one for the smoke test."""
        return 1 if self.quick else cheap


# The build flags the harness passes, and whether each takes a value.
FLAGS = {"--quiet": False, "--force": False, "-j": True}


@dataclass(frozen=True)
class Tools:
    """The commands measured: folio (with the build flags it accepts) and the plain route."""

    folio: list[str]
    build_flags: set[str]
    pandoc: str
    weasyprint: str
    xelatex: str | None

    def build(self, project: Path, *args: str) -> list[str]:
        """`folio -C project build ARGS`, dropping flags this folio does not have yet."""
        kept: list[str] = []
        skip_value = False
        for arg in args:
            if skip_value:
                skip_value = False
                continue
            if arg in FLAGS and arg not in self.build_flags:
                skip_value = FLAGS[arg]
                continue
            kept.append(arg)
        return [*self.folio, "-C", str(project), "build", *kept]

    @property
    def missing_flags(self) -> list[str]:
        return [flag for flag in FLAGS if flag not in self.build_flags]


def find_tools() -> Tools:
    """Locate folio, pandoc (pypandoc's), WeasyPrint and xelatex; ask folio which flags it has."""
    folio = generate.folio_command()
    help_text = subprocess.run(
        [*folio, "build", "--help"], capture_output=True, text=True, check=True
    ).stdout
    supported = {flag for flag in FLAGS if re.search(rf"(^|[\s\[,]){re.escape(flag)}\b", help_text)}
    weasyprint = Path(sys.executable).parent / "weasyprint"
    return Tools(
        folio=folio,
        build_flags=supported,
        pandoc=pypandoc.get_pandoc_path(),
        weasyprint=str(weasyprint) if weasyprint.exists() else shutil.which("weasyprint") or "",
        xelatex=shutil.which("xelatex"),
    )


def measure(argv: list[str], cwd: Path | None = None) -> Sample:
    """Run one command through the wrapper; BenchError if it fails."""
    completed = subprocess.run(
        [sys.executable, str(MEASURE), "--", *argv], cwd=cwd, capture_output=True, text=True
    )
    lines = completed.stdout.strip().splitlines()
    if completed.returncode != 0 or not lines:
        errors = completed.stderr.strip().splitlines() or [""]
        # First line for the table (the command's last words), then the command and its output.
        summary = f"{Path(argv[0]).name} exited {completed.returncode}: {errors[-1].strip()}"
        tail = "\n".join(errors[-15:])
        raise BenchError(f"{summary}\n$ {' '.join(argv)}\n{tail}")
    report = json.loads(lines[-1])
    return Sample(
        report["seconds"],
        report["peak_mib"],
        report.get("tree_peak_mib"),
        tree_processes=tuple(report.get("tree_peak_processes", ())),
        cpu_s=report.get("cpu_s"),
    )


def measure_sequence(commands: list[list[str]], cwd: Path) -> Sample:
    """Commands one after another: summed wall time, the largest peak."""
    samples = [measure(argv, cwd) for argv in commands]
    steps = tuple(
        {
            "command": " ".join([Path(argv[0]).name, *argv[1:]]),
            "seconds": sample.seconds,
            "peak_mib": sample.peak_mib,
            "tree_mib": sample.tree_mib,
        }
        for argv, sample in zip(commands, samples, strict=True)
    )
    return Sample(
        sum(s.seconds for s in samples),
        max(s.peak_mib for s in samples),
        largest(s.tree_mib for s in samples),
        steps,
    )


def largest(values) -> float | None:
    """The largest of the values known (a tree peak is None without psutil)."""
    known = [v for v in values if v is not None]
    return max(known) if known else None


def repeat(
    times: int, run: Callable[[int], Sample]
) -> tuple[float, list[float], float, float | None]:
    """Median seconds, every run's seconds, the largest single-process peak and the largest
    process-tree peak over `times` runs."""
    return summary([run(i) for i in range(times)])


def summary(samples: list[Sample]) -> tuple[float, list[float], float, float | None]:
    """Median seconds, every run's seconds, the largest single-process peak and the largest
    process-tree peak of some runs."""
    seconds = [s.seconds for s in samples]
    return (
        statistics.median(seconds),
        seconds,
        max(s.peak_mib for s in samples),
        largest(s.tree_mib for s in samples),
    )


# ---- projects and manifests -------------------------------------------------------------------


def copy_seed(target: Path) -> Path:
    """The repository's project (no build/) in a fresh folder."""
    target.mkdir(parents=True)
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    # Without the collection (source/*.yaml): the seed is its one article, 9 outputs. The
    # templates keep their brand.yaml, which a build needs.
    shutil.copytree(REPO / "source", target / "source", ignore=shutil.ignore_patterns("*.yaml"))
    for folder in ("translations", "templates"):
        shutil.copytree(REPO / folder, target / folder)
    generate.drop_converted_languages(target)
    return target


def manifest(project: Path) -> list[dict]:
    path = project / "build" / "manifest.json"
    return json.loads(path.read_text(encoding="utf-8"))["outputs"] if path.exists() else []


def label(entry: dict) -> str:
    return f"{entry['edition']} {entry['format']}"


def snapshot(project: Path) -> dict[str, tuple[str, int, int]]:
    """Output label → (sha256, inode, mtime): a rewrite changes the stamp even with equal bytes."""
    state = {}
    for entry in manifest(project):
        path = project / entry["path"]
        stat = path.stat() if path.exists() else None
        state[label(entry)] = (
            entry["sha256"],
            stat.st_ino if stat else 0,
            stat.st_mtime_ns if stat else 0,
        )
    return state


def rebuilt(before: dict, after: dict) -> list[str]:
    """Outputs that are new, rewritten or changed between two snapshots."""
    return sorted(name for name, state in after.items() if before.get(name) != state)


def compact(labels: list[str]) -> str:
    """ "zh-Hans epub", "zh-Hans pdf" → "zh-Hans epub/pdf": the note stays one line."""
    formats: dict[str, list[str]] = {}
    for name in labels:
        edition, fmt = name.rsplit(" ", 1)
        formats.setdefault(edition, []).append(fmt)
    return ", ".join(f"{edition} {'/'.join(fmts)}" for edition, fmts in formats.items()) or "none"


def edit_one_msgstr(po_path: Path, suffix: str) -> str:
    """Append `suffix` to the first paragraph's msgstr, as a translator would; returns its msgid.

    A text edit, so that every other byte of the file stays as it was; Babel then checks that
    exactly one translation changed.
    """
    with po_path.open("rb") as f:
        old = {m.id: m.string for m in read_po(f) if m.id}
    lines = po_path.read_text(encoding="utf-8").split("\n")
    start = lines.index("#. paragraph")
    at = next(i for i in range(start, len(lines)) if lines[i].startswith("msgstr "))
    # A wrapped msgstr continues on lines that start with a quote: edit the last of them.
    while at + 1 < len(lines) and lines[at + 1].startswith('"'):
        at += 1
    lines[at] = lines[at][:-1] + suffix + '"'
    po_path.write_text("\n".join(lines), encoding="utf-8")
    with po_path.open("rb") as f:
        new = {m.id: m.string for m in read_po(f) if m.id}
    changed = [key for key in new if new[key] != old.get(key)]
    if len(changed) != 1:
        raise BenchError(f"editing {po_path.name} changed {len(changed)} entries, not 1")
    return changed[0]


# ---- the plain route's input --------------------------------------------------------------------


def body_blocks(source: Path) -> list[str]:
    """The Markdown blocks of a source's body: no front matter, no HTML comments."""
    text = source.read_text(encoding="utf-8")
    body = text.split("\n---\n", 1)[1] if text.startswith("---\n") else text
    body = re.sub(r"<!--.*?-->", "", body, flags=re.DOTALL)
    return [block.strip() for block in re.split(r"\n\s*\n", body) if block.strip()]


def plain_markdown(project: Path, doc: str, lang: str = "zh-Hans") -> dict[str, str]:
    """Edition → Markdown as a user would script it: source body, msgstrs, or both interleaved.

    Chinese blocks of the bilingual file carry lang="zh-Hans" (as folio's do), so that
    WeasyPrint picks the Simplified Chinese faces.
    """
    with (project / "translations" / lang / f"{doc}.po").open("rb") as f:
        messages = [m for m in read_po(f) if m.id]
    # An entry's first comment is its kind; glossary notes may follow it.
    title = next(m for m in messages if m.auto_comments[:1] == ["title"])
    body = [m for m in messages if m.auto_comments[:1] in (["paragraph"], ["heading"])]
    blocks = body_blocks(project / "source" / f"{doc}.md")
    if len(blocks) != len(body):
        raise BenchError(f"{doc}: {len(blocks)} source blocks but {len(body)} body units")
    en, zh, both = [], [], []
    for block, message in zip(blocks, body, strict=True):
        marker = re.match(r"#+ ", block)
        # An untranslated entry publishes the English, as folio does.
        text = (message.string or message.id) if not message.fuzzy else message.id
        translated = f"{marker.group(0)}{text}" if marker else text
        en.append(block)
        zh.append(translated)
        both.append(block)
        both.append(
            f"{translated} {{lang={lang}}}" if marker else f"::: {{lang={lang}}}\n{text}\n:::"
        )

    def document(title_text: str, blocks: list[str], subtitle: str | None = None) -> str:
        head = f"title: {json.dumps(title_text, ensure_ascii=False)}\n"
        if subtitle:
            head += f"subtitle: {json.dumps(subtitle, ensure_ascii=False)}\n"
        return "---\n" + head + "---\n\n" + "\n\n".join(blocks) + "\n"

    return {
        "en": document(title.id, en),
        lang: document(title.string, zh),
        f"en+{lang}": document(title.id, both, title.string),
    }


def plain_commands(tools: Tools, name: str, lang: str, formats: list[str]) -> list[list[str]]:
    """pandoc → HTML, WeasyPrint → PDF, pandoc → EPUB for one edition's Markdown file."""
    meta = ["-M", f"lang={lang}"]
    commands = {
        "html": [tools.pandoc, f"{name}.md", "-s", *meta, "-o", f"{name}.html"],
        "pdf": [tools.weasyprint, f"{name}.html", f"{name}.pdf"],
        "epub": [tools.pandoc, f"{name}.md", *meta, "-o", f"{name}.epub"],
    }
    return [commands[fmt] for fmt in formats]


def write_plain(project: Path, doc: str, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, text in plain_markdown(project, doc).items():
        (folder / f"{name}.md").write_text(text, encoding="utf-8")


def pdf_pages(path: Path) -> int:
    return len(PdfReader(path).pages)


# ---- the measurements ---------------------------------------------------------------------------


def verdict(passed: bool) -> str:
    return "pass" if passed else "FAIL"


def cold_seed_run(tools: Tools, seed: Path) -> Callable[[int], Sample]:
    """(a) One run of the seed's 9 outputs from nothing: a fresh build/ each run."""

    def run(i: int) -> Sample:
        progress.print(f"  cold seed build, run {i + 1}")
        shutil.rmtree(seed / "build", ignore_errors=True)
        return measure(tools.build(seed, "--quiet", "--force", "-j", "2"))

    return run


def cold_seed(row: Measurement, seed: Path, samples: list[Sample]) -> None:
    """(a) The cold builds' figures, and the outputs the last one made."""
    row.folio_s, row.folio_runs, row.peak_mib, row.tree_mib = summary(samples)
    outputs = len(manifest(seed))
    row.details["outputs"] = outputs
    row.note = f"{outputs} outputs"
    if outputs != SEED_OUTPUTS:
        row.note += f" (expected {SEED_OUTPUTS})"


def epub_size(row: Measurement, seed: Path) -> None:
    """(g) The size of the seed's bilingual EPUB (embedded font subsets, cover), as built in (a)."""
    entries = [e for e in manifest(seed) if (e["edition"], e["format"]) == ("en+zh-Hans", "epub")]
    if len(entries) != 1:
        raise BenchError("the seed build listed no bilingual EPUB")
    entry = entries[0]
    row.details["bytes"] = entry["bytes"]
    row.passed = entry["bytes"] < EPUB_TARGET_BYTES
    row.note = f"{verdict(row.passed)} · {entry['bytes'] / 1_000_000:.2f} MB"


def noop(row: Measurement, tools: Tools, seed: Path, settings: Settings) -> None:
    """(b) `folio build` again on an unchanged, built tree."""
    before = snapshot(seed)

    def run(i: int) -> Sample:
        progress.print(f"  no-op rebuild, run {i + 1}")
        return measure(tools.build(seed, "--quiet"))

    row.folio_s, row.folio_runs, row.peak_mib, row.tree_mib = repeat(settings.repeats(5), run)
    touched = rebuilt(before, snapshot(seed))
    row.details["rewritten"] = touched
    row.passed = row.folio_s < NOOP_TARGET_S
    row.note = f"{verdict(row.passed)} · {len(touched)} outputs rewritten"


def one_entry(row: Measurement, tools: Tools, seed: Path, settings: Settings) -> None:
    """(c) Rebuild after one zh-Hans msgstr changed: only the editions it feeds should rebuild."""
    po_path = seed / "translations" / "zh-Hans" / f"{SEED_DOC}.po"
    expected = sorted(label(e) for e in manifest(seed) if e["edition"] in ZH_EDITIONS)
    runs = measure_edits(
        row, tools, seed, settings, lambda i: edit_one_msgstr(po_path, f"（修订{i + 1}）")
    )
    row.details.update(msgid=row.details["edits"][-1], expected=expected)
    row.passed = all(names == expected for names in runs)
    extra = sorted({name for names in runs for name in names} - set(expected))
    missing = sorted(set(expected) - {name for names in runs for name in names})
    row.note = f"{verdict(row.passed)} · rebuilt {len(runs[-1])}: {compact(runs[-1])}"
    if extra:
        row.note += f" · not expected: {compact(extra)}"
    if missing:
        row.note += f" · not rebuilt: {compact(missing)}"


def plain_seed_run(
    row: Measurement, tools: Tools, seed: Path, folder: Path
) -> Callable[[int], Sample]:
    """(e1) One run of the seed's 9 outputs by hand: per edition pandoc → HTML, WeasyPrint,
    pandoc → EPUB."""
    write_plain(seed, SEED_DOC, folder)
    commands = [
        argv
        for name, lang in EDITIONS
        for argv in plain_commands(tools, name, lang, ["html", "pdf", "epub"])
    ]
    row.note = f"pandoc + weasyprint, {len(commands)} commands summed"

    def run(i: int) -> Sample:
        progress.print(f"  plain route for the seed, run {i + 1}")
        sample = measure_sequence(commands, folder)
        row.details["steps"] = list(sample.steps)
        return sample

    return run


def alternate(times: int, runs: list[Callable[[int], Sample]]) -> list[list[Sample]]:
    """Each run `times` times, taking turns, the first of each round in turn: on a noisy
    machine a slow spell then falls on both sides alike."""
    samples: list[list[Sample]] = [[] for _ in runs]
    for i in range(times):
        order = list(range(len(runs)))
        for index in order if i % 2 == 0 else reversed(order):
            samples[index].append(runs[index](i))
    return samples


def book_pdf(row: Measurement, tools: Tools, book: Path) -> None:
    """(d) The synthetic book's bilingual PDF through folio."""
    progress.print(f"  {row.name}")
    argv = tools.build(book, "--quiet", "--force", "--format", "pdf", "--edition", "en+zh-Hans")
    sample = measure(argv)
    row.folio_s, row.folio_runs = sample.seconds, [sample.seconds]
    row.peak_mib, row.tree_mib = sample.peak_mib, sample.tree_mib
    entry = next(e for e in manifest(book) if e["format"] == "pdf" and e["edition"] == "en+zh-Hans")
    row.details["pages"] = entry.get("pages")


def plain_book(row: Measurement, tools: Tools, book: Path, folder: Path) -> None:
    """(e) The same content by hand: pandoc -s to HTML, then WeasyPrint."""
    bilingual = plain_markdown(book, generate.DOC)["en+zh-Hans"]
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "book-bilingual.md").write_text(bilingual, encoding="utf-8")
    commands = [
        [tools.pandoc, "book-bilingual.md", "-s", "-M", "lang=en", "-o", "book.html"],
        [tools.weasyprint, "book.html", "book.pdf"],
    ]
    progress.print(f"  {row.name}")
    sample = measure_sequence(commands, folder)
    record_once(row, sample, folder / "book.pdf")
    row.details["steps"] = list(sample.steps)
    pandoc_s, weasyprint_s = (step["seconds"] for step in sample.steps)
    row.note = (
        f"pandoc -s {pandoc_s:.2f} s + weasyprint {weasyprint_s:.2f} s, "
        f"{row.details['pages']} pages"
    )


def record_once(row: Measurement, sample: Sample, pdf: Path) -> None:
    """A reference line's single run, and the pages of the PDF it made."""
    row.baseline_s, row.baseline_runs = sample.seconds, [sample.seconds]
    row.peak_mib, row.tree_mib = sample.peak_mib, sample.tree_mib
    row.details["pages"] = pdf_pages(pdf)


def weasyprint_alone(row: Measurement, tools: Tools, book: Path, folder: Path) -> None:
    """(e4) WeasyPrint's command line on the very HTML that folio lays out in (d): what the
    book's design costs WeasyPrint, without folio (and without folio's Chinese justification)."""
    folder.mkdir(parents=True, exist_ok=True)  # e2 makes it when it runs
    html = folder / "folio-print.html"
    argv = [sys.executable, str(PRINT_HTML), str(book), "en+zh-Hans", str(html)]
    written = subprocess.run(argv, capture_output=True, text=True)
    if written.returncode != 0:
        raise BenchError(f"print_html.py exited {written.returncode}: {written.stderr.strip()}")
    progress.print(f"  {row.name}")
    base = str(book / "source") + "/"
    sample = measure([tools.weasyprint, "--base-url", base, html.name, "folio.pdf"], folder)
    record_once(row, sample, folder / "folio.pdf")
    row.note = f"{row.details['pages']} pages"


def xelatex_book(row: Measurement, tools: Tools, folder: Path) -> None:
    """A reference only: pandoc's LaTeX route on the same content, when xelatex is installed."""
    if not tools.xelatex:
        row.note = "skipped: xelatex not on PATH"
        return
    progress.print(f"  {row.name}")
    argv = [tools.pandoc, "book-bilingual.md", "--pdf-engine=xelatex", "-M", "lang=en"]
    argv += ["-V", f"CJKmainfont={CJK_FONT}", "-o", "book-xelatex.pdf"]
    sample = measure(argv, folder)
    record_once(row, sample, folder / "book-xelatex.pdf")
    row.note = f"pandoc → xelatex, {row.details['pages']} pages"


def search_index(row: Measurement, tools: Tools, project: Path, settings: Settings) -> None:
    """(h, i) The site's search index alone (bench/search_index.py: every language, from the
    built pages, timed inside its process), beside the HTML build (`--format html --force`:
    every page rendered again; the index is not made again, its records being the same), and
    the index's size on the site. Only the book's line has a target (the issue's): the seed's
    index is mostly Pagefind's start-up."""

    def build(i: int) -> Sample:
        progress.print(f"  {row.name}: HTML build, run {i + 1}")
        return measure(tools.build(project, "--quiet", "--force", "--format", "html", "-j", "2"))

    def index(i: int) -> Sample:
        progress.print(f"  {row.name}: index alone, run {i + 1}")
        argv = [sys.executable, str(SEARCH_INDEX), str(project)]
        done = subprocess.run(argv, capture_output=True, text=True)
        if done.returncode != 0:
            raise BenchError(f"search_index.py exited {done.returncode}: {done.stderr.strip()}")
        return Sample(json.loads(done.stdout.strip().splitlines()[-1])["seconds"], 0.0)

    runs = settings.repeats(3) if row.name.startswith("h") else 1
    # Pages and index first (the book has neither yet), so that the builds timed make no index.
    measure(tools.build(project, "--quiet", "--format", "html", "-j", "2"))
    row.baseline_s, row.baseline_runs, row.peak_mib, row.tree_mib = repeat(runs, build)
    row.folio_s, row.folio_runs, _, _ = repeat(runs, index)
    folder = project / "build" / "site" / "pagefind"
    sizes = {
        lang.name: sum(f.stat().st_size for f in lang.rglob("*") if f.is_file())
        for lang in sorted(folder.iterdir())
        if lang.is_dir()
    }
    files = sum(1 for f in folder.rglob("*") if f.is_file())
    row.details.update(bytes=sizes, files=files)
    each = ", ".join(f"{lang} {size / 1000:.0f} kB" for lang, size in sizes.items())
    row.note = f"index {files} files: {each} · baseline: HTML build"
    if row.target:
        row.passed = row.ratio is not None and row.ratio <= SEARCH_SHARE
        row.note = f"{verdict(row.passed)} · {row.note}"


def catalog_update(row: Measurement, tools: Tools, folder: Path, settings: Settings) -> None:
    """(f) extract + update of a document of about UPDATE_UNITS units after one-word edits,
    beside Babel's own `pybabel update` merging the same template into the same catalog."""
    pairs = UPDATE_UNITS if not settings.quick else UPDATE_UNITS // 10
    project = folder / "catalog"
    progress.print(f"  {row.name}: generating {pairs} paragraphs")
    generate.generate(project, pairs - pairs // 40)
    source = project / "source" / f"{generate.DOC}.md"
    paragraphs = source.read_text(encoding="utf-8").split("\n\n")
    prose = [i for i, p in enumerate(paragraphs) if p and p[0].isalpha()]
    edited = prose[:: max(1, len(prose) // UPDATE_EDITS)][:UPDATE_EDITS]
    for index in edited:
        paragraphs[index] = paragraphs[index].replace(" the ", " a ", 1)
    source.write_text("\n\n".join(paragraphs), encoding="utf-8")
    po = project / "translations" / "zh-Hans" / f"{generate.DOC}.po"
    babel_po = folder / "babel.po"
    shutil.copy(po, babel_po)
    progress.print(f"  {row.name}: folio extract + update")
    ours = measure_sequence(
        [
            [*tools.folio, "-C", str(project), "extract"],
            [*tools.folio, "-C", str(project), "update"],
        ],
        project,
    )
    pybabel = str(Path(sys.executable).parent / "pybabel")
    pot = project / "translations" / f"{generate.DOC}.pot"
    progress.print(f"  {row.name}: pybabel update")
    theirs = measure([pybabel, "update", "-i", str(pot), "-o", str(babel_po), "-l", "zh_Hans"])
    row.folio_s, row.folio_runs = ours.seconds, [ours.seconds]
    row.peak_mib, row.tree_mib = ours.peak_mib, ours.tree_mib
    row.baseline_s, row.baseline_runs = theirs.seconds, [theirs.seconds]
    units = (
        sum(1 for line in pot.read_text(encoding="utf-8").splitlines() if line.startswith("msgid "))
        - 1
    )
    row.details.update(units=units, edited=len(edited), steps=list(ours.steps))
    row.passed = row.ratio is not None and row.ratio <= UPDATE_RATIO
    row.note = f"ratio {verdict(row.passed)} · {units} units, {len(edited)} edited · pybabel update"


def html_only(book: Path, target: Path) -> Path:
    """A copy of the book (no build/) whose settings ask for the web edition only."""
    shutil.copytree(book, target, ignore=shutil.ignore_patterns("build"))
    settings = target / "pyproject.toml"
    text = settings.read_text(encoding="utf-8")
    text, count = re.subn(r"(?m)^formats = \[.*\]$", 'formats = ["html"]', text)
    if count != 1:
        raise BenchError(f"{settings}: no single `formats = [...]` line to set to html")
    settings.write_text(text, encoding="utf-8")
    return target


def edit_one_paragraph(source: Path, run: int) -> str:
    """Change one word of one paragraph of the source (a different paragraph each run), as an
    author would; returns the paragraph's first words."""
    blocks = source.read_text(encoding="utf-8").split("\n\n")
    prose = [i for i, block in enumerate(blocks) if block[:1].isalpha() and " the " in block]
    at = prose[len(prose) // 2 + run]
    blocks[at] = blocks[at].replace(" the ", " a ", 1)
    source.write_text("\n\n".join(blocks), encoding="utf-8")
    return " ".join(blocks[at].split()[:6])


def edit_rebuild(
    row: Measurement,
    tools: Tools,
    project: Path,
    settings: Settings,
    edit: Callable[[int], str],
) -> list[list[str]]:
    """(k, l) `folio build --quiet` after each of a few edits; the outputs each rewrote.

    The first build (empty build/, no caches) goes to `details["cold_s"]`: what an edit cost
    when nothing was reused."""
    progress.print(f"  {row.name}: first build")
    cold = measure(tools.build(project, "--quiet"))
    row.details["cold_s"] = round(cold.seconds, 2)
    return measure_edits(row, tools, project, settings, edit)


def measure_edits(
    row: Measurement,
    tools: Tools,
    project: Path,
    settings: Settings,
    edit: Callable[[int], str],
) -> list[list[str]]:
    """`folio build --quiet` after each of a few edits (median of 3); the outputs each rewrote
    (also in `details`, with what each edit changed)."""
    runs: list[list[str]] = []
    edits: list[str] = []

    def run(i: int) -> Sample:
        progress.print(f"  {row.name}, run {i + 1}")
        edits.append(edit(i))
        before = snapshot(project)
        sample = measure(tools.build(project, "--quiet"))
        runs.append(rebuilt(before, snapshot(project)))
        return sample

    row.folio_s, row.folio_runs, row.peak_mib, row.tree_mib = repeat(settings.repeats(3), run)
    row.details.update(edits=edits, rebuilt=runs)
    return runs


def one_book_msgstr(row: Measurement, tools: Tools, project: Path, settings: Settings) -> None:
    """(k) The web edition of the book after one changed zh-Hans msgstr."""
    po_path = project / "translations" / "zh-Hans" / f"{generate.DOC}.po"
    runs = edit_rebuild(
        row, tools, project, settings, lambda i: edit_one_msgstr(po_path, f"（修订{i + 1}）")
    )
    row.passed = row.folio_s is not None and row.folio_s <= EDIT_TARGET_S
    row.note = (
        f"{verdict(row.passed)} · rewrote {compact(runs[-1])} · first build"
        f" {row.details['cold_s']:.2f} s"
    )


def one_book_paragraph(row: Measurement, tools: Tools, project: Path, settings: Settings) -> None:
    """(l) The web edition of the book after one source paragraph changed, beside pandoc's own
    parse of the whole source (pypandoc's pandoc, Markdown to its JSON AST)."""
    source = project / "source" / f"{generate.DOC}.md"
    runs = edit_rebuild(row, tools, project, settings, lambda i: edit_one_paragraph(source, i))
    parse = [tools.pandoc, "--from=markdown-yaml_metadata_block", "--to=json", source.name]

    def run(i: int) -> Sample:
        progress.print(f"  {row.name}: pandoc's parse, run {i + 1}")
        return measure(parse, source.parent)

    row.baseline_s, row.baseline_runs, _, _ = repeat(settings.repeats(3), run)
    bound = max(EDIT_TARGET_S, row.baseline_s + PARSE_MARGIN_S)
    row.details["bound_s"] = round(bound, 3)
    row.passed = row.folio_s is not None and row.folio_s <= bound
    row.note = (
        f"{verdict(row.passed)} (≤ {bound:.2f} s) · rewrote {compact(runs[-1])} · baseline:"
        f" pandoc's parse · first build {row.details['cold_s']:.2f} s"
    )


def scaling(rows: list[Measurement], tools: Tools, work: Path) -> None:
    """(n) The full build (every format the settings ask for, `--force -j 2`) at each size:
    wall time, and the peak of the whole process tree's summed RSS (folio and its workers)."""
    for row in rows:
        pairs = row.details["pairs"]
        project = work / f"scale-{pairs}"
        progress.print(f"  {row.name}: generating")
        generate.generate(project, pairs)
        attempt(row, functools.partial(scaled_build, row, tools, project))
    done = [row for row in rows if row.folio_s is not None]
    if len(done) < 2:
        return
    first, last = done[0], done[-1]
    # CPU time when known: on 2 shared cores, other programs stretch wall time far more.
    key = "cpu_per_1000" if first.details.get("cpu_per_1000") else "s_per_1000"
    growth = last.details[key] / first.details[key]
    last.details["growth"] = round(growth, 3)
    linear = growth <= LINEAR_TOLERANCE
    last.passed = bool(last.passed) and linear
    what = "CPU" if key == "cpu_per_1000" else "wall"
    last.note += (
        f" · {what} per pair ×{growth:.2f} of {first.details['pairs']:,}: {verdict(linear)}"
    )


def scaled_build(row: Measurement, tools: Tools, project: Path) -> None:
    """(n) One size: its time per 1,000 pairs and what made up the tree's peak."""
    progress.print(f"  {row.name}")
    sample = measure(tools.build(project, "--quiet", "--force", "-j", "2"))
    row.folio_s, row.folio_runs = sample.seconds, [sample.seconds]
    row.peak_mib, row.tree_mib = sample.peak_mib, sample.tree_mib
    thousands = row.details["pairs"] / 1000
    per = sample.seconds / thousands
    processes = sorted(sample.tree_processes, key=lambda p: -p["mib"])
    row.details.update(
        s_per_1000=round(per, 3),
        cpu_s=sample.cpu_s,
        cpu_per_1000=round(sample.cpu_s / thousands, 3) if sample.cpu_s else None,
        outputs=len(manifest(project)),
        tree_processes=processes,
    )
    parts = " + ".join(f"{p['mib']:.0f}" for p in processes)
    cpu = f" (CPU {row.details['cpu_per_1000']:.1f} s)" if sample.cpu_s else ""
    row.note = f"{per:.1f} s{cpu} / 1,000 pairs · tree peak {parts} MiB"
    if row.target and sample.tree_mib is not None:
        row.passed = sample.tree_mib < TREE_TARGET_MIB
        row.note = f"memory {verdict(row.passed)} · {row.note}"
    elif sample.tree_mib is None:
        row.note += " · no tree peak: psutil not installed"


# ---- (o) folio serve: PO written → browser shows the new text ---------------------------------
SERVE_TARGET_S = 1.5


def serve_latency(row: Measurement, folder: Path, settings: Settings) -> None:
    """(o) `folio serve` on the book, in Chromium: from a saved PO to the page showing the new
    text (bench/serve_latency.py makes the book, serves it and times the saves)."""
    import serve_latency as latency

    runs = latency.serve_latency(folder, settings.repeats(3), settings.pairs)
    row.folio_s = statistics.median(run.total_s for run in runs)
    row.folio_runs = [run.total_s for run in runs]
    row.passed = row.folio_s <= SERVE_TARGET_S
    row.note = f"{verdict(row.passed)} · {latency.summary(runs)}"


def compare(
    row: Measurement, baseline: Measurement, memory: bool = False, limit: float = 1.0
) -> None:
    """Fill a folio line's baseline, ratio and verdict (ratio ≤ limit) from its baseline line."""
    row.baseline_s = baseline.baseline_s
    row.baseline_runs = baseline.baseline_runs
    if row.ratio is None:
        return
    checks = [("ratio", row.ratio <= limit)]
    # The whole process tree's peak when psutil measured it, else the largest process's.
    peak = row.tree_mib if row.tree_mib is not None else row.peak_mib
    if memory and peak is not None:
        checks.append(("memory", peak < MEMORY_TARGET_MIB))
    row.passed = all(ok for _, ok in checks)
    verdicts = " · ".join(f"{name} {verdict(ok)}" for name, ok in checks)
    row.note = f"{verdicts} · {row.note}" if row.note else verdicts


def copy_corpus(target: Path) -> Path:
    """The real-world corpus of the tests (tests/corpus) as a project with this repository's
    settings and templates."""
    target.mkdir(parents=True)
    shutil.copy2(REPO / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(REPO / "templates", target / "templates")
    shutil.copytree(CORPUS / "source", target / "source")
    (target / "translations").mkdir()
    generate.drop_converted_languages(target)
    return target


def corpus_pdf(row: Measurement, tools: Tools, project: Path, doc: str, folder: Path) -> None:
    """(h) One corpus document's English PDF through folio, and by hand: pandoc -s to HTML,
    then WeasyPrint, on the same file (its images beside it)."""
    progress.print(f"  {row.name}")
    argv = tools.build(project, "--quiet", "--force", "--format", "pdf", "--edition", "en")
    sample = measure([*argv, "-j", "1"] if "-j" in tools.build_flags else argv)
    row.folio_s, row.folio_runs = sample.seconds, [sample.seconds]
    row.peak_mib, row.tree_mib = sample.peak_mib, sample.tree_mib
    entry = next(e for e in manifest(project) if e["document"] == doc and e["format"] == "pdf")
    commands = [
        [tools.pandoc, f"{doc}.md", "-s", "-o", str(folder / f"{doc}.html")],
        [tools.weasyprint, str(folder / f"{doc}.html"), str(folder / f"{doc}.pdf")],
    ]
    plain = measure_sequence(commands, project / "source")
    row.baseline_s, row.baseline_runs = plain.seconds, [plain.seconds]
    row.details.update(pages=entry.get("pages"), plain_pages=pdf_pages(folder / f"{doc}.pdf"))
    row.details["plain_peak_mib"] = plain.peak_mib
    row.note = (
        f"{entry.get('pages')} pages (plain {row.details['plain_pages']}) · plain peak"
        f" {plain.peak_mib:.0f} MiB"
    )


def corpus_lines(tools: Tools, work: Path) -> list[Measurement]:
    """(h) A line per corpus document; each builds alone, in a project of its own."""
    rows = []
    for source in sorted((CORPUS / "source").glob("*.md")):
        doc = source.stem
        row = Measurement(f"j. corpus {doc}: en PDF")
        project = copy_corpus(work / "corpus" / doc)
        for other in (project / "source").glob("*.md"):
            if other.stem != doc:
                other.unlink()
        folder = work / "corpus-plain" / doc
        folder.mkdir(parents=True)
        step = functools.partial(corpus_pdf, row, tools, project, doc, folder)
        rows.append(attempt(row, step))
    return rows


# ---- running and reporting ----------------------------------------------------------------------


def attempt(row: Measurement, step: Callable[[], None]) -> Measurement:
    """Run one step; a failed command leaves its error on the line instead of ending the run."""
    try:
        step()
    except BenchError as error:
        progress.print(f"[red]{row.name} failed:[/] {error}")
        row.note = f"error: {str(error).splitlines()[0]}"
        row.details["error"] = str(error)
    return row


# The table's order: each line's id, the text before its first full stop.
LINE_ORDER = (
    "a",
    "b",
    "c",
    "d",
    "e1",
    "e2",
    "e3",
    "e4",
    "f",
    "g",
    "h",
    "i",
    "k",
    "l",
    "n",
    "o",
    "j",
)


def run_all(tools: Tools, settings: Settings, work: Path) -> list[Measurement]:
    """The lines asked for (every one by default), in the table's order."""
    rows = [
        *seed_lines(tools, settings, work),
        *book_lines(tools, settings, work),
        *scaling_lines(tools, settings, work),
    ]
    if settings.wants("f"):
        update = Measurement(
            f"f. extract + update, {UPDATE_UNITS:,} units", target=f"ratio ≤ {UPDATE_RATIO}"
        )
        rows.append(attempt(update, lambda: catalog_update(update, tools, work, settings)))
    if settings.wants("j"):
        progress.print("real-world corpus (tests/corpus)")
        rows += corpus_lines(tools, work)
    return sorted(rows, key=lambda row: LINE_ORDER.index(line_id(row.name)))


def line_id(name: str) -> str:
    """ "e4. reference: …" → "e4" """
    return name.split(".", 1)[0]


def seed_lines(tools: Tools, settings: Settings, work: Path) -> list[Measurement]:
    """(a, b, c, e1, g, h) The repository's project: cold, no-op and one-entry builds."""
    wanted = [x for x in ("a", "b", "c", "e1", "g", "h") if settings.wants(x)]
    if not wanted:
        return []
    cold = Measurement(f"a. cold seed build, {SEED_OUTPUTS} outputs", target="ratio ≤ 1.0 (e1)")
    no_change = Measurement("b. no-op rebuild", target=f"≤ {NOOP_TARGET_S} s")
    one = Measurement("c. one zh-Hans msgstr changed", target="only zh-Hans, en+zh-Hans")
    plain = Measurement(f"e1. plain route: seed, {SEED_OUTPUTS} outputs")
    size = Measurement("g. seed bilingual EPUB size", target=f"< {EPUB_TARGET_BYTES / 1e6:g} MB")
    seed_search = Measurement("h. seed search index / HTML build")
    progress.print("seed article")
    seed = copy_seed(work / "seed")
    if settings.wants("a") or settings.wants("e1"):
        # a and e1 take turns, so that the ratio compares runs made at the same time.
        row = cold if settings.wants("a") else plain  # where an error is told
        attempt(row, lambda: cold_and_plain(cold, plain, tools, seed, work, settings))
    if not settings.wants("a") and set(wanted) - {"e1"}:
        progress.print("  seed build (untimed: line a not asked for)")
        attempt(cold, lambda: measure(tools.build(seed, "--quiet", "--force", "-j", "2")))
        if cold.note:
            wanted.append("a")  # the error goes on line a's row
    steps = [
        ("g", size, lambda: epub_size(size, seed)),
        ("b", no_change, lambda: noop(no_change, tools, seed, settings)),
        ("c", one, lambda: one_entry(one, tools, seed, settings)),
        ("h", seed_search, lambda: search_index(seed_search, tools, seed, settings)),
    ]
    for _, row, step in (s for s in steps if settings.wants(s[0])):
        attempt(row, step)
    if settings.wants("e1"):
        compare(cold, plain)
    rows = (cold, no_change, one, plain, size, seed_search)
    return [row for row in rows if line_id(row.name) in wanted]


def cold_and_plain(
    cold: Measurement,
    plain: Measurement,
    tools: Tools,
    seed: Path,
    work: Path,
    settings: Settings,
) -> None:
    """(a, e1) The cold builds and the plain route, run in turns (those asked for)."""
    runs, rows = [], []
    if settings.wants("a"):
        runs.append(cold_seed_run(tools, seed))
        rows.append(cold)
    if settings.wants("e1"):
        # The plain route reads a copy of its own, not the catalog that (c) edits.
        plain_copy = copy_seed(work / "seed-plain")
        runs.append(plain_seed_run(plain, tools, plain_copy, work / "plain-seed"))
        rows.append(plain)
    for row, samples in zip(rows, alternate(settings.repeats(5), runs), strict=True):
        if row is cold:
            cold_seed(cold, seed, samples)
        else:
            plain.baseline_s, plain.baseline_runs, plain.peak_mib, plain.tree_mib = summary(samples)


def wanted_row(row: Measurement, settings: Settings) -> bool:
    return settings.wants(line_id(row.name))


def book_lines(tools: Tools, settings: Settings, work: Path) -> list[Measurement]:
    """(d, e2–e4, i, k, l, o) The synthetic book: its PDF against the plain route and
    WeasyPrint alone, its search index, and the web edition after one edit."""
    pairs = f"{settings.pairs:,}-pair"
    pdf = Measurement(
        f"d. {pairs} bilingual PDF",
        target=f"ratio ≤ {BOOK_PDF_RATIO} (e4), < {MEMORY_TARGET_MIB} MiB",
    )
    book_plain = Measurement(f"e2. plain route: {pairs} PDF")
    reference = Measurement(f"e3. reference: {pairs} PDF via xelatex")
    alone = Measurement(f"e4. reference: {pairs} PDF, WeasyPrint on (d)'s HTML")
    book_search = Measurement(
        f"i. {pairs} search index / HTML build", target=f"ratio ≤ {SEARCH_SHARE}"
    )
    msgstr = Measurement(f"k. {pairs} HTML, one msgstr changed", target=f"≤ {EDIT_TARGET_S} s")
    paragraph = Measurement(
        f"l. {pairs} HTML, one source paragraph changed",
        target=f"≤ {EDIT_TARGET_S} s or parse + {PARSE_MARGIN_S} s",
    )
    serve = Measurement(
        f"o. {pairs} folio serve: PO saved → page shown", target=f"≤ {SERVE_TARGET_S} s"
    )
    rows = [pdf, book_plain, reference, alone, book_search, msgstr, paragraph, serve]
    rows = [row for row in rows if wanted_row(row, settings)]
    if not rows:
        return []
    progress.print(f"synthetic book, {settings.pairs} pairs")
    book = work / "book"
    generate.generate(book, settings.pairs)
    folder = work / "plain-book"
    if settings.wants("d"):
        attempt(pdf, lambda: book_pdf(pdf, tools, book))
    if any(settings.wants(x) for x in ("e2", "e3")):
        # e3 reads the Markdown e2 writes.
        attempt(book_plain, lambda: plain_book(book_plain, tools, book, folder))
    if settings.wants("e3"):
        attempt(reference, lambda: xelatex_book(reference, tools, folder))
    if settings.wants("e4"):
        attempt(alone, lambda: weasyprint_alone(alone, tools, book, folder))
    compare(pdf, alone, memory=True, limit=BOOK_PDF_RATIO)
    if pdf.details.get("pages"):
        plain_pages = book_plain.details.get("pages")
        pdf.note += f" · {pdf.details['pages']} pages" + (
            f" (plain {plain_pages})" if plain_pages else ""
        )
    if pdf.folio_s and book_plain.baseline_s:
        pdf.details["e2_ratio"] = round(pdf.folio_s / book_plain.baseline_s, 2)
        pdf.note += f" · (d) / e2 = {pdf.details['e2_ratio']:.2f}"
    if settings.wants("i"):
        attempt(book_search, lambda: search_index(book_search, tools, book, settings))
    if settings.wants("k"):
        project = html_only(book, work / "book-k")
        attempt(msgstr, lambda: one_book_msgstr(msgstr, tools, project, settings))
    if settings.wants("l"):
        project = html_only(book, work / "book-l")
        attempt(paragraph, lambda: one_book_paragraph(paragraph, tools, project, settings))
    if settings.wants("o"):
        attempt(serve, lambda: serve_latency(serve, work / "serve", settings))
    return rows


def scaling_lines(tools: Tools, settings: Settings, work: Path) -> list[Measurement]:
    """(n) The full build of the book at a few sizes: time per pair, process tree's memory."""
    if not settings.wants("n"):
        return []
    sizes = [round(settings.pairs * factor) for factor in SCALING]
    rows = []
    for pairs in sizes:
        row = Measurement(f"n. full build, {pairs:,} pairs")
        row.details["pairs"] = pairs
        rows.append(row)
    rows[-1].target = f"tree < {TREE_TARGET_MIB // 1024} GiB, linear"
    progress.print(f"scaling: full builds of {', '.join(f'{p:,}' for p in sizes)} pairs")
    scaling(rows, tools, work)
    return rows


def seconds(value: float | None) -> str:
    return "" if value is None else f"{value:.2f}"


def table(rows: list[Measurement]) -> Table:
    result = Table(
        "measurement", "folio s", "baseline s", "ratio", "target", "peak MiB", "tree MiB", "note"
    )
    for row in rows:
        note = row.note.replace("FAIL", "[red]FAIL[/]").replace("pass", "[green]pass[/]")
        result.add_row(
            row.name,
            seconds(row.folio_s),
            seconds(row.baseline_s),
            seconds(row.ratio),
            row.target,
            "" if row.peak_mib is None else f"{row.peak_mib:.0f}",
            "" if row.tree_mib is None else f"{row.tree_mib:.0f}",
            note,
        )
    return result


def version(argv: list[str]) -> str:
    completed = subprocess.run(argv, capture_output=True, text=True)
    return (completed.stdout or completed.stderr).strip().splitlines()[0]


def environment(tools: Tools, settings: Settings) -> dict:
    """What the numbers depend on: commit, versions, machine."""

    def git(*args: str) -> str:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True).stdout

    return {
        "date": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "commit": git("rev-parse", "HEAD").strip(),
        "dirty": bool(git("status", "--porcelain").strip()),
        "folio": version([*tools.folio, "--version"]),
        "pandoc": version([tools.pandoc, "--version"]),
        "weasyprint": version([tools.weasyprint, "--version"]),
        "xelatex": tools.xelatex,
        "python": platform.python_version(),
        "machine": f"{platform.system()} {platform.machine()}, {os.cpu_count()} cpus",
        # At the end of the run: other programs on the machine stretch every wall time.
        "load_average": [round(x, 2) for x in os.getloadavg()],
        "pairs": settings.pairs,
        "quick": settings.quick,
        "missing_folio_flags": tools.missing_flags,
    }


def report(rows: list[Measurement], info: dict) -> dict:
    measurements = [{**asdict(row), "ratio": row.ratio} for row in rows]
    return {**info, "measurements": measurements}


def parse(argv: list[str] | None) -> Settings:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=None, help="book size (default 1200)")
    parser.add_argument("--quick", action="store_true", help="smoke test: 120 pairs, single runs")
    parser.add_argument(
        "--out", type=Path, default=REPO / "build" / "bench.json", help="where to write the JSON"
    )
    parser.add_argument(
        "--only",
        metavar="IDS",
        help="run these lines only, comma-separated ids: k,l or e4 or n (m is b)",
    )
    args = parser.parse_args(argv)
    pairs = args.pairs or (120 if args.quick else 1200)
    only = (
        frozenset(x.strip().lower() for x in args.only.split(",") if x.strip())
        if args.only
        else None
    )
    return Settings(pairs=pairs, quick=args.quick, out=args.out, only=only)


def main(argv: list[str] | None = None) -> int:
    settings = parse(argv)
    tools = find_tools()
    if tools.missing_flags:
        progress.print(f"[yellow]folio build lacks {', '.join(tools.missing_flags)}: not passed[/]")
    with tempfile.TemporaryDirectory(prefix="folio-bench-") as work:
        rows = run_all(tools, settings, Path(work))
    info = environment(tools, settings)
    console = Console() if sys.stdout.isatty() else Console(width=200)
    console.print(
        f"folio bench · {info['commit'][:7]}{' (dirty)' if info['dirty'] else ''} · "
        f"{info['machine']} · load {info['load_average'][0]:.1f} · {settings.pairs} pairs"
        f"{' · quick' if settings.quick else ''}"
    )
    if tools.missing_flags:
        console.print(f"folio build lacks {', '.join(tools.missing_flags)}: not passed")
    console.print(table(rows))
    settings.out.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(report(rows, info), ensure_ascii=False, indent=2)
    settings.out.write_text(text + "\n", encoding="utf-8")
    console.print(f"wrote {settings.out}")
    # A missed target is a finding, not a failure; a command that failed is.
    return 1 if any(row.note.startswith("error") for row in rows) else 0


if __name__ == "__main__":
    sys.exit(main())
