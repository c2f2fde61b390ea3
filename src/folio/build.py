"""What to build and whether: targets, their keys, rendering in a process pool, the manifest."""

from __future__ import annotations

import contextlib
import datetime as dt
import gc
import json
import logging
import os
import time
from collections.abc import Callable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path

from folio import catalog, variants
from folio.collection import (
    collection_front,
    collection_key,
    compose,
    contents_html,
    is_collection,
    load_collections,
    print_design,
)
from folio.config import Project
from folio.edition import Edition, align, edition_name
from folio.errors import FolioError, display_path
from folio.files import exclusive_lock, sha256, write_atomic
from folio.keys import assets_of, file_digest, output_key
from folio.render.compose import HtmlParts, html_parts
from folio.render.page import forget_shared
from folio.render.pagemap import PageMap
from folio.staging import Staging, remove_leftovers, staging
from folio.workers import started as workers_started
from folio.workflow import Source, read_source

MANIFEST = "manifest.json"
LOCK = ".lock"
# Where each print page begins, per PDF, kept for EPUBs rebuilt while their PDF is current.
PAGE_MAPS = ".pages"
# Allocations between young-generation collections while rendering (Python's default: 700).
SPARSE_THRESHOLD = 50_000


@dataclass(frozen=True)
class Target:
    """One output to have: which document, edition and format, where, and its key."""

    document: str
    languages: tuple[str, ...]
    format: str
    path: str  # relative to the project root
    key: str

    @property
    def edition(self) -> str:
        return edition_name(self.languages)


@dataclass(frozen=True)
class Output:
    """One built file, as the manifest lists it."""

    document: str
    edition: str
    languages: list[str]
    format: str
    path: str
    sha256: str
    bytes: int
    key: str
    pages: int | None = None
    fallbacks: int = 0  # units shown in the source language for want of a translation


@dataclass(frozen=True)
class Job:
    """What a worker needs to render one target: the aligned edition and its HTML parts."""

    project: Project
    target: Target
    edition: Edition
    parts: HtmlParts
    # An EPUB's print page map: given, or None to lay the print edition out (when the project
    # makes one; see `paged`), or waiting for the PDF this build renders.
    page_map: PageMap | None = None
    paged: bool = False
    # That print edition's PDF, whose first page is the EPUB's cover.
    print_pdf: bytes | None = None


@dataclass(frozen=True)
class Rendered:
    target: Target
    data: bytes
    pages: int | None
    seconds: float
    warnings: list[str]
    fallbacks: int
    page_map: PageMap | None = None  # a PDF's, for the EPUB of its edition


@dataclass
class BuildResult:
    outputs: list[Output]
    rebuilt: list[Rendered] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)  # "doc edition" → untranslated units
    notes: list[str] = field(default_factory=list)  # warnings about the inputs

    @property
    def warnings(self) -> list[str]:
        return sorted(set(self.notes)) + [w for r in self.rebuilt for w in r.warnings]


# Called with (target, done, total) when a target starts (done < total) and when it is done.
Report = Callable[[Target, int, int], None]


def editions(project: Project) -> list[tuple[str, ...]]:
    """The source language alone, each translation alone, and each bilingual pair."""
    source = project.settings.source_language
    languages = project.settings.languages
    return [(source,), *((lang,) for lang in languages), *((source, lang) for lang in languages)]


def output_path(doc: str, languages: tuple[str, ...], fmt: str) -> str:
    name = edition_name(languages)
    if fmt == "html":
        return f"build/site/{doc}/{name}.html"
    if fmt == "booklet":
        return f"build/{doc}/{doc}.{name}.booklet.pdf"
    return f"build/{doc}/{doc}.{name}.{fmt}"


def plan(project: Project, formats: list[str] | None, only: list[str] | None) -> list[Target]:
    """Every output the command asks for, with its key."""
    formats = list(formats or project.settings.formats)
    if "booklet" in formats and "pdf" not in formats:
        formats.insert(formats.index("booklet"), "pdf")  # a booklet is imposed from the PDF
    chosen = [e for e in editions(project) if not only or edition_name(e) in only]
    books = load_collections(project)

    def key(name: str, languages: tuple[str, ...], fmt: str) -> str:
        if name in books:
            return collection_key(project, books[name], languages, fmt)
        return output_key(project, name, languages, fmt)

    return [
        Target(
            doc,
            languages,
            fmt,
            output_path(doc, languages, fmt),
            key(doc, languages, fmt),
        )
        for doc in [*books, *project.documents()]
        for languages in chosen
        for fmt in formats
    ]


def is_current(project: Project, target: Target, previous: dict[str, dict]) -> bool:
    """Built before from the same inputs, and the file is still the one built then."""
    entry = previous.get(target.path)
    if not entry or entry.get("key") != target.key:
        return False
    path = project.root / target.path
    return (
        path.exists()
        and path.stat().st_size == entry["bytes"]
        and sha256(path.read_bytes()) == entry["sha256"]
    )


def build(
    project: Project,
    formats: list[str] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    jobs: int | None = None,
    report: Report | None = None,
    strict: bool = False,
) -> BuildResult:
    """Build what is out of date; nothing is written unless every output rendered.

    With `strict` (or min-coverage in [tool.folio]) a catalog below the minimum fails the build.
    """
    with exclusive_lock(project.build_dir / LOCK):
        remove_leftovers(project.build_dir)
        # In a long-running process (folio serve) the inputs may have changed since last time.
        file_digest.cache_clear()
        forget_shared()
        sources: dict[str, Source] = {}
        minimum = project.settings.min_coverage
        if minimum is not None or strict:
            check_coverage(project, 100.0 if minimum is None else minimum, sources)
        targets = plan(project, formats, only)
        previous = {entry["path"]: entry for entry in read_manifest(project)}
        todo = [t for t in targets if force or not is_current(project, t, previous)]
        result = BuildResult([])
        work = SiteWork()
        if todo:
            needs_weasyprint = any(t.format in ("pdf", "epub") for t in todo)
            with worker_pool(jobs or os.cpu_count() or 1, len(todo), needs_weasyprint) as workers:
                renderable = [t for t in todo if t.format != "booklet"]
                prepared = prepare(project, renderable, result, sources, work)

                def draft_site(pages: list[Rendered]) -> None:
                    publish_site(project, targets, pages, previous, sources, work)

                result.rebuilt = run(prepared, workers, report, draft_site)
            booklets = [t for t in todo if t.format == "booklet"]
            result.rebuilt += impose_booklets(project, booklets, result.rebuilt, previous)
            result.rebuilt = with_downloads(project, result.rebuilt, previous)
        site = publish_site(project, targets, result.rebuilt, previous, sources, work)
        search = stage_search(project, result.rebuilt, previous)
        with staging() as stage:
            for rendered in result.rebuilt:
                stage.add(project.root / rendered.target.path, rendered.data)
                if rendered.page_map and rendered.target.format == "pdf":
                    path = page_map_path(project, rendered.target)
                    stage.add(path, rendered.page_map.to_json().encode("utf-8"))
            write_changed(project.root, site, stage)
            # Until the last rename, the manifest lists none of the files being replaced: a
            # build killed in between leaves no entry whose file has other bytes.
            unlist(project, stage.targets)
            stage.commit()
        if search:
            search.publish()
        fresh = {r.target.path: output_of(r) for r in result.rebuilt}
        result.outputs = [fresh.get(t.path) or Output(**previous[t.path]) for t in targets]
        write_manifest(project, result.outputs)
        drop_stale_page_maps(project)
    return result


def source_of(project: Project, doc: str, sources: dict[str, Source]) -> Source:
    """A document's source, read once a build."""
    if doc not in sources:
        sources[doc] = read_source(project, doc)
    return sources[doc]


def check_coverage(project: Project, minimum: float, sources: dict[str, Source]) -> None:
    """Fail if a catalog translates less than `minimum` % of its units, listing those missing."""
    details = []
    for doc in project.documents():
        source = source_of(project, doc, sources)
        for lang in project.settings.languages:
            path = project.po_path(doc, lang)
            loaded = variants.load_catalog(project, doc, lang)
            stats = catalog.stats(loaded, source.keys)
            if stats.percent < minimum:
                details.append(
                    f"{display_path(path)}: {stats.translated} of {stats.total} units translated"
                    f" ({stats.percent:.1f} %)"
                )
                details += [f"  {line}" for line in catalog.missing(loaded, source.keys, path)]
    if details:
        raise FolioError(
            f"a catalog is below the minimum coverage of {minimum:g} %",
            hint="translate the units listed, or lower min-coverage in [tool.folio]",
            details=details,
        )


def prepare(
    project: Project,
    todo: list[Target],
    result: BuildResult,
    sources: dict[str, Source],
    work: SiteWork,
) -> list[Job]:
    """Read and align every input the targets need, before any rendering or writing; keep
    each document's front matter for the site's home page."""
    from folio.brand import load_brand

    load_brand(project.root / project.settings.brand)
    jobs = []
    collections = load_collections(project)
    jobs += prepare_collections(project, todo, result, sources, work, collections)
    for doc in sorted({t.document for t in todo} - set(collections)):
        source = source_of(project, doc, sources)
        wanted = {lang for t in todo if t.document == doc for lang in t.languages}
        translations = load_translations(project, doc, wanted)
        for languages in sorted({t.languages for t in todo if t.document == doc}):
            edition = align(source, languages, translations, project.root)
            result.notes.extend(edition.warnings)
            result.fallbacks[f"{doc} {edition.name}"] = sum(edition.fallbacks.values())
            targets = [t for t in todo if (t.document, t.languages) == (doc, languages)]
            parts = html_parts(edition, web=any(t.format == "html" for t in targets))
            work.fronts.setdefault(doc, (edition.date, {}))[1].update(parts.meta)
            jobs += [job_for(project, t, edition, parts, todo) for t in targets]
    return jobs


def prepare_collections(
    project: Project,
    todo: list[Target],
    result: BuildResult,
    sources: dict[str, Source],
    work: SiteWork,
    collections: dict,
) -> list[Job]:
    """The jobs of the collections' targets: each edition composed from its documents'."""
    translations: dict[str, dict[str, catalog.Translations]] = {}

    def aligned(doc: str, languages: tuple[str, ...]) -> Edition:
        if doc not in translations:
            translations[doc] = load_translations(project, doc)
        return align(source_of(project, doc, sources), languages, translations[doc], project.root)

    jobs = []
    for name, languages in sorted({(t.document, t.languages) for t in todo}):
        if name not in collections:
            continue
        edition = compose(project, collections[name], languages, aligned)
        result.notes.extend(edition.warnings)
        result.fallbacks[f"{name} {edition.name}"] = sum(edition.fallbacks.values())
        targets = [t for t in todo if (t.document, t.languages) == (name, languages)]
        parts = html_parts(edition, web=False)
        work.fronts.setdefault(name, (edition.date, {}))[1].update(parts.meta)
        # The web page of a collection is its contents, linking to its documents' own pages.
        page = replace(parts, body=contents_html(edition), headings=[])
        jobs += [
            job_for(project, t, edition, page if t.format == "html" else parts, todo)
            for t in targets
        ]
    return jobs


def job_for(
    project: Project, target: Target, edition: Edition, parts: HtmlParts, todo: list[Target]
) -> Job:
    """A target's job; an EPUB gets the page map of its print edition when that PDF is current
    (a PDF rendered in this build hands its own over when done)."""
    paged = target.format == "epub" and "pdf" in project.settings.formats
    page_map, print_pdf = None, None
    if paged and not any(edition_of(t) == edition_of(target, "pdf") for t in todo):
        page_map = stored_page_map(project, target)
        if page_map:
            pdf = project.root / output_path(target.document, target.languages, "pdf")
            print_pdf = pdf.read_bytes() if pdf.is_file() else None
    return Job(project, target, edition, parts, page_map, paged, print_pdf)


def edition_of(target: Target, fmt: str | None = None) -> tuple[str, tuple[str, ...], str]:
    """A target's document, languages and format (another format of the same edition)."""
    return target.document, target.languages, fmt or target.format


def page_map_path(project: Project, target: Target) -> Path:
    return project.build_dir / PAGE_MAPS / f"{target.document}.{target.edition}.json"


def stored_page_map(project: Project, target: Target) -> PageMap | None:
    """The page map kept from an earlier build of the target's PDF, if its inputs are the same."""
    key = output_key(project, target.document, target.languages, "pdf")
    if is_collection(project, target.document):
        book = load_collections(project)[target.document]
        key = collection_key(project, book, target.languages, "pdf")
    try:
        stored = PageMap.from_json(page_map_path(project, target).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stored if stored.pdf_key == key else None


def impose_booklets(
    project: Project, booklets: list[Target], rendered: list[Rendered], previous: dict[str, dict]
) -> list[Rendered]:
    """Each booklet from its edition's PDF: the one just rendered, or the current file."""
    from folio.render.booklet import impose

    pdfs = {
        (r.target.document, r.target.languages): r for r in rendered if r.target.format == "pdf"
    }
    done = []
    for target in booklets:
        started = time.perf_counter()
        pdf = pdfs.get((target.document, target.languages))
        path = output_path(target.document, target.languages, "pdf")
        data = pdf.data if pdf else (project.root / path).read_bytes()
        fallbacks = pdf.fallbacks if pdf else previous[path].get("fallbacks", 0)
        settings = project.settings
        booklet, sides = impose(data, settings.booklet_creep_mm, settings.sheet_mm)
        done.append(Rendered(target, booklet, sides, time.perf_counter() - started, [], fallbacks))
    return done


SITE = "build/site"


@dataclass
class SiteWork:
    """What the site step makes once a build and uses twice: early, from the pages and a draft
    home page while the PDFs and EPUBs render, and at the end, when the downloads' sizes are
    known (the final home page seldom needs a character more)."""

    # Each document's date and front matter as HTML, per (field, language).
    fronts: dict[str, tuple[dt.date, dict[tuple[str, str], str]]] = field(default_factory=dict)
    # WOFF2 subsets by face file and characters.
    fonts: dict[tuple[str, str], bytes] = field(default_factory=dict)


def publish_site(
    project: Project,
    targets: list[Target],
    rebuilt: list[Rendered],
    previous: dict[str, dict],
    sources: dict[str, Source],
    work: SiteWork,
) -> dict[str, bytes]:
    """The site's home page, assets, fonts and downloads (the PDFs and EPUBs), by path from the
    root; nothing when there is no site to make or keep up to date, or when nothing changed and
    the site is whole. A site built before gets the new downloads of any later build."""
    from folio.render import site

    whole = all((project.root / SITE / name).exists() for name in ("index.html", "assets"))
    wanted = (
        any(t.format == "html" for t in targets) or (project.root / SITE / "index.html").exists()
    )
    if not wanted or (not rebuilt and whole):
        return {}
    files = {f"{SITE}/{path}": data for path, data in site.assets(project).items()}
    publications = []
    # Collections first; the home page lists only the documents in none (a collection's page
    # links to its documents' own pages).
    collections = load_collections(project)
    published = [*collections, *project.documents()]
    in_books = {doc for book in collections.values() for doc in book.documents}
    for doc in published:
        downloads = outputs_of(project, doc, rebuilt, previous, lambda fmt: fmt != "html")
        files.update({f"{SITE}/{doc}/{Path(path).name}": data for path, data in downloads.items()})
        files.update(site_images(project, doc))
        if doc not in in_books:
            publications.append(publication(project, doc, downloads, sources, work))
    index = site.render_index(project, publications)
    pages = [
        page
        for doc in published
        for page in outputs_of(project, doc, rebuilt, previous, lambda fmt: fmt == "html").values()
    ]
    fonts = site.fonts(project, [*pages, index], work.fonts)
    files.update({f"{SITE}/{path}": data for path, data in fonts.items()})
    files[f"{SITE}/index.html"] = index
    return files


def with_downloads(
    project: Project, rebuilt: list[Rendered], previous: dict[str, dict]
) -> list[Rendered]:
    """The rendered web pages with their edition's downloads and sizes, known only now (the
    pages render beside the PDFs and EPUBs)."""
    from folio.render.site import fill_downloads

    done = []
    for rendered in rebuilt:
        target = rendered.target
        if target.format == "html":
            made = outputs_of(project, target.document, rebuilt, previous, lambda f: f != "html")
            files = edition_downloads(target.document, target.languages, made, "")
            page = fill_downloads(project, rendered.data, target.languages, files)
            rendered = replace(rendered, data=page)
        done.append(rendered)
    return done


def stage_search(project: Project, rebuilt: list[Rendered], previous: dict[str, dict]):
    """The site's search indexes, made again for each language whose pages changed (when the
    project makes a web site)."""
    from folio.render import search
    from folio.ui import language_name

    if "html" not in project.settings.formats:
        return None
    pages = [
        search.Page(doc, Path(path).stem, data)
        for doc in project.documents()
        for path, data in outputs_of(project, doc, rebuilt, previous, lambda f: f == "html").items()
    ]
    changed = any(r.target.format == "html" for r in rebuilt)
    languages = (project.settings.source_language, *project.settings.languages)
    names = {lang: language_name(lang) for lang in languages}
    return search.stage(project.build_dir, pages, changed, names)


def site_images(project: Project, doc: str) -> dict[str, bytes]:
    """A document's images, beside its pages as the pages name them (relative to source/):
    one copy that every edition of the document shares."""
    return {
        f"{SITE}/{doc}/{path.relative_to(project.source_dir).as_posix()}": path.read_bytes()
        for path in assets_of(project, doc)
    }


def outputs_of(
    project: Project,
    doc: str,
    rebuilt: list[Rendered],
    previous: dict[str, dict],
    wanted: Callable[[str], bool],
) -> dict[str, bytes]:
    """A document's outputs in the formats wanted, just rendered or built before, by path."""
    found = {
        path: (project.root / path).read_bytes()
        for path, entry in previous.items()
        if entry["document"] == doc and wanted(entry["format"]) and (project.root / path).exists()
    }
    found.update(
        {
            r.target.path: r.data
            for r in rebuilt
            if r.target.document == doc and wanted(r.target.format)
        }
    )
    return found


def publication(
    project: Project,
    doc: str,
    downloads: dict[str, bytes],
    sources: dict[str, Source],
    work: SiteWork,
):
    """What the home page says of a document: its front matter in every language, its
    editions and their files."""
    from folio.render.compose import meta_html
    from folio.render.site import EditionEntry, Publication

    all_languages = (project.settings.source_language, *project.settings.languages)
    known = work.fronts.get(doc, (None, {}))[1]
    if not all(("title", lang) in known for lang in all_languages) and is_collection(project, doc):
        work.fronts[doc] = collection_front(project, doc)
    elif not all(("title", lang) in known for lang in all_languages):
        source = source_of(project, doc, sources)
        # A language whose catalog is not there yet shows the source's front matter.
        present = {lang for lang in all_languages if project.catalogs_of(doc, lang)[-1].is_file()}
        catalogs = load_translations(project, doc, present)
        edition = align(source, all_languages, catalogs, project.root)
        work.fronts[doc] = (edition.date, meta_html(edition))
    date, front = work.fronts[doc]
    entries = []
    for languages in editions(project):
        files = edition_downloads(doc, languages, downloads, f"{doc}/")
        entries.append(EditionEntry(languages, f"{doc}/{edition_name(languages)}.html", files))
    return Publication(doc, date, front, entries)


def edition_downloads(
    doc: str, languages: tuple[str, ...], downloads: dict[str, bytes], folder: str
):
    """An edition's files among `downloads` (by path), as the site links them from `folder`."""
    from folio.render.site import DOWNLOADS, Download

    return [
        Download(fmt, f"{folder}{Path(path).name}", len(downloads[path]))
        for fmt in DOWNLOADS
        if (path := output_path(doc, languages, fmt)) in downloads
    ]


def write_changed(root: Path, files: dict[str, bytes], stage: Staging) -> None:
    """Stage each file whose bytes differ from what is there (the site's shared files)."""
    for path, data in files.items():
        target = root / path
        if not target.is_file() or target.read_bytes() != data:
            stage.add(target, data)


def load_translations(
    project: Project, doc: str, wanted: set[str] | None = None
) -> dict[str, catalog.Translations]:
    """The document's catalogs, of every language or of those `wanted` (an `en` edition of a
    new document needs none)."""
    return {
        lang: variants.translations(project, doc, lang)
        for lang in project.settings.languages
        if wanted is None or lang in wanted
    }


@dataclass
class Workers:
    """Where jobs render: a process pool (None: this process), and its workers' warm-ups."""

    pool: ProcessPoolExecutor | None
    warming: list[Future] = field(default_factory=list)

    def ready(self) -> None:
        """Wait for the warm-ups; a failed HarfBuzz check is raised here (each PDF and EPUB job
        checks too, and fails at once)."""
        for future in self.warming:
            future.result()


@contextlib.contextmanager
def worker_pool(workers: int, todo: int, needs_weasyprint: bool) -> Iterator[Workers]:
    """Workers that start at once and load the renderers while this process reads the inputs."""
    if workers <= 1 or todo <= 1:
        if needs_weasyprint:
            warm_up()
        yield Workers(None)
        return
    count = min(workers, todo)
    with ProcessPoolExecutor(
        max_workers=count, initializer=workers_started, initargs=(os.getpid(),)
    ) as pool:
        warming = [pool.submit(warm_up) for _ in range(count)] if needs_weasyprint else []
        yield Workers(pool, warming)


def warm_up() -> None:
    """Import the renderers, and stop if WeasyPrint would subset fonts without HarfBuzz."""
    from folio.render import epub, html, pdf  # noqa: F401

    pdf.check_harfbuzz_subset()


def run(
    jobs: list[Job],
    workers: Workers,
    report: Report | None,
    meanwhile: Callable[[list[Rendered]], None] | None = None,
) -> list[Rendered]:
    """Render every job, in the pool when there is one; an EPUB waiting for the page map of a
    PDF rendered here starts when that PDF is done. The web pages (quick) render in this
    process while the pool's workers warm up and work; then `meanwhile` gets them, to start on
    the site's files."""
    pool = workers.pool
    # The slowest first, so that the pool does not end waiting on one long PDF.
    jobs = sorted(jobs, key=lambda j: (j.target.format != "pdf", -len(j.target.languages)))
    total = len(jobs)
    pdfs = {edition_of(j.target) for j in jobs if j.target.format == "pdf"}
    waiting = {
        edition_of(j.target, "pdf"): j
        for j in jobs
        if j.paged and j.page_map is None and edition_of(j.target, "pdf") in pdfs
    }
    queue = [j for j in jobs if not any(j is w for w in waiting.values())]
    done: list[Rendered] = []

    def finished(rendered: Rendered) -> list[Job]:
        """Count a rendered job; hand a PDF's page map to the EPUB waiting for it."""
        done.append(rendered)
        follow = waiting.pop(edition_of(rendered.target), None)
        if report:
            report(rendered.target, len(done), total)
        if not follow:
            return []
        return [replace(follow, page_map=rendered.page_map, print_pdf=rendered.data)]

    here = [j for j in queue if j.target.format == "html"]
    queue = [j for j in queue if j.target.format != "html"]

    def render_here() -> None:
        pages = []
        for job in here:
            if report:
                report(job.target, len(done), total)
            pages.append(render_job(job))
            finished(pages[-1])
        if meanwhile and pages:
            meanwhile(pages)

    if pool is None:
        workers.ready()
        render_here()
        while queue:
            job = queue.pop(0)
            if report:
                report(job.target, len(done), total)
            queue += finished(render_job(job))
        return done
    for job in jobs:
        if report:
            report(job.target, 0, total)
    # Queued behind the warm-ups: each worker loads the renderers first.
    pending = {pool.submit(render_job, job): job for job in queue}
    render_here()
    workers.ready()
    while pending:
        ready, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in ready:
            del pending[future]
            for job in finished(future.result()):
                pending[pool.submit(render_job, job)] = job
    return done


def render_job(job: Job) -> Rendered:
    """Render one target (in a worker process); WeasyPrint's warnings are kept, not printed."""
    from folio.render.page import page_context

    started = time.perf_counter()
    context = page_context(job.project, job.edition, job.parts)
    pages, page_map = None, None
    if job.target.format in ("pdf", "epub"):
        from folio.render.pdf import check_harfbuzz_subset

        check_harfbuzz_subset()
    with captured_warnings() as warnings, sparse_collection():
        if job.target.format == "pdf":
            from folio.render.pdf import render_pdf

            pdf = render_pdf(context, *print_design(job.edition))
            data, pages = pdf.data, pdf.pages
            page_map = PageMap(job.target.key, pdf.starts)
        elif job.target.format == "epub":
            from folio.render.epub import render_epub
            from folio.render.pdf import cover_png, render_cover_png, render_pdf

            print_map, print_pdf = job.page_map, job.print_pdf
            if job.paged and print_map is None:
                # The PDF is not current: lay the print edition out for its page breaks.
                pdf = render_pdf(context, *print_design(job.edition))
                print_map, print_pdf = PageMap("", pdf.starts), pdf.data
            cover = cover_png(print_pdf) if print_pdf else render_cover_png(context)
            data = render_epub(context, cover, print_map)
        else:
            from folio.render.html import render_html

            data = render_html(context, edition_links(job.project, job.target.languages))
    seconds = time.perf_counter() - started
    warned = [f"{job.target.path}: {w}" for w in warnings]
    fallbacks = sum(job.edition.fallbacks.values())
    return Rendered(job.target, data, pages, seconds, warned, fallbacks, page_map=page_map)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect the warnings WeasyPrint logs while rendering, instead of printing them."""
    handler = _ListHandler()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextlib.contextmanager
def sparse_collection() -> Iterator[None]:
    """Run the cycle collector seldom while a job renders: a tenth of a long PDF's time."""
    # WeasyPrint's millions of objects live until the document is written: each collection
    # would walk them all again, and the job's AST (frozen here) too.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(SPARSE_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()


def edition_links(project: Project, current: tuple[str, ...]):
    """Links from one web page to every edition of the same document (siblings in one folder)."""
    from folio.render.html import EditionLink

    return [
        EditionLink(f"{edition_name(languages)}.html", languages, languages == current)
        for languages in editions(project)
    ]


def output_of(rendered: Rendered) -> Output:
    target = rendered.target
    return Output(
        document=target.document,
        edition=target.edition,
        languages=list(target.languages),
        format=target.format,
        path=target.path,
        sha256=sha256(rendered.data),
        bytes=len(rendered.data),
        key=target.key,
        pages=rendered.pages,
        fallbacks=rendered.fallbacks,
    )


def write_manifest(project: Project, outputs: list[Output]) -> None:
    """List every output; entries of earlier builds stay while their files exist."""
    fresh = {output.path: asdict(output) for output in outputs}
    kept = [
        entry
        for entry in read_manifest(project)
        if entry["path"] not in fresh and (project.root / entry["path"]).exists()
    ]
    entries = sorted(
        [*kept, *fresh.values()], key=lambda e: (e["document"], e["edition"], e["format"])
    )
    text = json.dumps({"outputs": entries}, ensure_ascii=False, indent=2) + "\n"
    path = project.build_dir / MANIFEST
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        write_atomic(path, text.encode("utf-8"))


def unlist(project: Project, paths: list[Path]) -> None:
    """Take these files out of the manifest (before they are replaced)."""
    replaced = {path.resolve() for path in paths}
    entries = read_manifest(project)
    kept = [e for e in entries if (project.root / e["path"]).resolve() not in replaced]
    if len(kept) < len(entries):
        text = json.dumps({"outputs": kept}, ensure_ascii=False, indent=2) + "\n"
        write_atomic(project.build_dir / MANIFEST, text.encode("utf-8"))


def drop_stale_page_maps(project: Project) -> None:
    """Remove the page maps of PDFs the manifest no longer lists (a document or language gone)."""
    folder = project.build_dir / PAGE_MAPS
    if not folder.is_dir():
        return
    listed = {
        f"{entry['document']}.{entry['edition']}.json"
        for entry in read_manifest(project)
        if entry["format"] == "pdf"
    }
    for path in folder.glob("*.json"):
        if path.name not in listed:
            path.unlink()


def read_manifest(project: Project) -> list[dict]:
    path = project.build_dir / MANIFEST
    if not path.exists():
        return []
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError):
        return []
    fields = set(Output.__dataclass_fields__)
    return [e for e in entries if isinstance(e, dict) and set(e) == fields]
