"""Stage 2: read every input the targets need and align each edition, before any rendering."""

from __future__ import annotations

from dataclasses import replace

from folio import catalog, variants
from folio.align import align
from folio.build.pagemaps import stored_page_map
from folio.build.state import BuildState
from folio.collection import (
    compose,
    contents_html,
    load_collections,
)
from folio.config import Project
from folio.edition import Edition
from folio.errors import FolioError, display_path
from folio.keys import file_digest
from folio.render.compose import HtmlParts
from folio.render.formats import output_path
from folio.render.job import Job, Target
from folio.render.parts import html_parts
from folio.source import Source, read_source


def source_of(state: BuildState, doc: str) -> Source:
    """A document's source, read once a build (and parsed only when its bytes changed)."""
    if doc not in state.sources:
        state.sources[doc] = read_source(state.project, doc, state.cache)
    return state.sources[doc]


def check_coverage(state: BuildState, minimum: float) -> None:
    """Fail if a catalog translates less than `minimum` % of its units, listing those missing."""
    project = state.project
    details = []
    for doc in project.documents():
        source = source_of(state, doc)
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


def prepare(state: BuildState, todo: list[Target], notes: list[str], fallbacks: dict) -> list[Job]:
    """Every target's job: its edition aligned and its HTML parts written. Warnings about the
    inputs go to `notes`, untranslated units per "document edition" to `fallbacks`; each
    document's front matter is kept for the site's home page."""
    from folio.brand import load_brand

    project = state.project
    load_brand(project.root / project.settings.brand)
    collections = load_collections(project)
    editions: dict[tuple[str, tuple[str, ...]], tuple[Edition, bool]] = {}
    for doc in sorted({t.document for t in todo} - set(collections)):
        source = source_of(state, doc)
        wanted = {lang for t in todo if t.document == doc for lang in t.languages}
        translations = load_translations(state, doc, wanted)
        for languages in sorted({t.languages for t in todo if t.document == doc}):
            memo = state.cache.table("rows", doc)
            edition = align(source, languages, translations, project.root, memo)
            editions[doc, languages] = (edition, True)
        source.document.forget()  # aligned: the rows hold what the editions need
    editions.update(collection_editions(state, todo, collections))
    jobs = []
    for (name, languages), (edition, own_page) in editions.items():
        notes.extend(edition.warnings)
        fallbacks[f"{name} {edition.name}"] = sum(edition.fallbacks.values())
        targets = [t for t in todo if (t.document, t.languages) == (name, languages)]
        web = own_page and any(t.format == "html" for t in targets)
        parts = html_parts(edition, web=web, cache=state.cache.table("fragments", name))
        state.site.fronts.setdefault(name, (edition.date, {}))[1].update(parts.meta)
        # The web page of a collection is its contents, linking to its documents' own pages.
        page = parts if own_page else replace(parts, body=contents_html(edition), headings=[])
        for target in targets:
            chosen = page if target.format == "html" else parts
            jobs.append(job_for(project, target, edition, chosen, todo))
        # The rows were read to write the HTML: the workers read them again.
        edition.forget_blocks()
    return jobs


def collection_editions(
    state: BuildState, todo: list[Target], collections: dict
) -> dict[tuple[str, tuple[str, ...]], tuple[Edition, bool]]:
    """The collections' editions, each composed from its documents' (whose pages are their
    own: a collection's web page is its contents)."""
    project = state.project
    translations: dict[str, dict[str, catalog.Translations]] = {}

    def aligned(doc: str, languages: tuple[str, ...]) -> Edition:
        if doc not in translations:
            translations[doc] = load_translations(state, doc)
        memo = state.cache.table("rows", doc)
        return align(source_of(state, doc), languages, translations[doc], project.root, memo)

    found = {}
    for name, languages in sorted({(t.document, t.languages) for t in todo}):
        if name in collections:
            edition = compose(project, collections[name], languages, aligned)
            found[name, languages] = (edition, False)
    return found


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
            pdf = project.root / output_path(target.document, target.edition, "pdf")
            print_pdf = pdf.read_bytes() if pdf.is_file() else None
    return Job(project, target, edition, parts, page_map, paged, print_pdf)


def edition_of(target: Target, fmt: str | None = None) -> tuple[str, tuple[str, ...], str]:
    """A target's document, languages and format (another format of the same edition)."""
    return target.document, target.languages, fmt or target.format


def load_translations(
    state: BuildState, doc: str, wanted: set[str] | None = None
) -> dict[str, catalog.Translations]:
    """The document's catalogs, of every language or of those `wanted` (an `en` edition of a
    new document needs none); each read again only when one of its files changed."""
    project, cache = state.project, state.cache
    found = {}
    for lang in project.settings.languages:
        if wanted is not None and lang not in wanted:
            continue
        files = [f"{path}:{file_digest(path)}" for path in project.catalogs_of(doc, lang)]
        key = cache.key("translations", lang, *files)
        # One per document and language, in a folder named by the document (see Cache.prune).
        found[lang] = cache.one("catalogs", f"{doc}/{lang}", key)
        if found[lang] is None:
            found[lang] = variants.translations(project, doc, lang)
            cache.keep_one("catalogs", f"{doc}/{lang}", key, found[lang])
    return found
