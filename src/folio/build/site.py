"""Stage 4: the web site around the pages: home page, assets, fonts, images, downloads, search."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from folio.build.state import BuildState
from folio.collection import collection_front, is_collection, load_collections
from folio.config import Project
from folio.edition import edition_name, editions
from folio.keys import assets_of
from folio.render.formats import FORMATS, downloads, output_path
from folio.render.job import Target
from folio.staging import Staging

if TYPE_CHECKING:
    from folio.build.pool import Rendered

SITE = "build/site"


def publish_site(
    state: BuildState, targets: list[Target], rebuilt: list[Rendered]
) -> dict[str, bytes]:
    """The site's home page, assets, fonts and downloads (the PDFs and EPUBs), by path from the
    root; nothing when there is no site to make or keep up to date, or when nothing changed and
    the site is whole. A site built before gets the new downloads of any later build."""
    project = state.project
    whole = all((project.root / SITE / name).exists() for name in ("index.html", "assets"))
    wanted = (
        any(t.format == "html" for t in targets) or (project.root / SITE / "index.html").exists()
    )
    if not wanted or (not rebuilt and whole):
        return {}
    from folio.render import site

    files = {f"{SITE}/{path}": data for path, data in site.assets(project).items()}
    publications = []
    # Collections first; the home page lists only the documents in none (a collection's page
    # links to its documents' own pages).
    collections = load_collections(project)
    published = [*collections, *project.documents()]
    in_books = {doc for book in collections.values() for doc in book.documents}
    for doc in published:
        files_of = outputs_of(state, doc, rebuilt, lambda fmt: fmt != "html")
        files.update({f"{SITE}/{doc}/{Path(path).name}": data for path, data in files_of.items()})
        files.update(site_images(project, doc))
        if doc not in in_books:
            publications.append(publication(state, doc, files_of))
    index = site.render_index(project, publications)
    pages = [
        page
        for doc in published
        for page in outputs_of(state, doc, rebuilt, lambda fmt: fmt == "html").values()
    ]
    fonts = site.fonts(project, [*pages, index], state.cache.table("site", "site"))
    files.update({f"{SITE}/{path}": data for path, data in fonts.items()})
    files[f"{SITE}/index.html"] = index
    return files


def with_downloads(state: BuildState, rebuilt: list[Rendered]) -> list[Rendered]:
    """The rendered web pages with their edition's downloads and sizes, known only now (the
    pages render beside the PDFs and EPUBs)."""
    from folio.render.site import fill_downloads

    done = []
    for rendered in rebuilt:
        target = rendered.target
        if target.format == "html":
            made = outputs_of(state, target.document, rebuilt, lambda f: f != "html")
            files = edition_downloads(target.document, target.languages, made, "")
            page = fill_downloads(state.project, rendered.data, target.languages, files)
            rendered = replace(rendered, data=page)
        done.append(rendered)
    return done


def warm_search(state: BuildState, todo: list[Target]):
    """Pagefind's programs for the languages of the web pages to render, started now so that
    they load their dictionaries while the pages render. None when no web page is to be, or
    when a PDF or EPUB is: a build that long saves nothing by it, and would hold the programs'
    memory beside the renderers'."""
    if "html" not in state.project.settings.formats:
        return None
    if any(FORMATS[t.format].heavy or FORMATS[t.format].made_from for t in todo):
        return None
    languages = sorted({lang for t in todo if t.format == "html" for lang in t.languages})
    if not languages:
        return None
    from folio.render import search

    return search.Warm.start(languages)


def stage_search(state: BuildState, rebuilt: list[Rendered], warm=None):
    """The site's search indexes, made again for each language whose pages changed (when the
    project makes a web site), by the programs `warm` started where it did."""
    project = state.project
    if "html" not in project.settings.formats:
        return None
    changed = any(r.target.format == "html" for r in rebuilt)
    if not changed and (project.root / SITE / "pagefind" / "languages.json").is_file():
        return None
    from folio.render import search
    from folio.ui import language_name

    pages = [
        search.Page(doc, Path(path).stem, data)
        for doc in project.documents()
        for path, data in outputs_of(state, doc, rebuilt, lambda f: f == "html").items()
    ]
    languages = (project.settings.source_language, *project.settings.languages)
    names = {lang: language_name(lang) for lang in languages}
    # Each piece of a page read, by what it starts in: a changed page is read where it changed.
    memo = state.cache.table("records", "site")
    return search.stage(project.build_dir, pages, changed, names, warm=warm, memo=memo)


def site_images(project: Project, doc: str) -> dict[str, bytes]:
    """A document's images, beside its pages as the pages name them (relative to source/):
    one copy that every edition of the document shares."""
    return {
        f"{SITE}/{doc}/{path.relative_to(project.source_dir).as_posix()}": path.read_bytes()
        for path in assets_of(project, doc)
    }


def outputs_of(
    state: BuildState, doc: str, rebuilt: list[Rendered], wanted: Callable[[str], bool]
) -> dict[str, bytes]:
    """A document's outputs in the formats wanted, just rendered or built before, by path."""
    root = state.project.root
    found = {
        path: (root / path).read_bytes()
        for path, entry in state.previous.items()
        if entry["document"] == doc and wanted(entry["format"]) and (root / path).exists()
    }
    found.update(
        {
            r.target.path: r.data
            for r in rebuilt
            if r.target.document == doc and wanted(r.target.format)
        }
    )
    return found


def publication(state: BuildState, doc: str, files: dict[str, bytes]):
    """What the home page says of a document: its front matter in every language, its
    editions and their files."""
    from folio.align import align
    from folio.build.prepare import load_translations, source_of
    from folio.render.parts import meta_html
    from folio.render.site import EditionEntry, Publication

    project = state.project
    fronts = state.site.fronts
    all_languages = (project.settings.source_language, *project.settings.languages)
    known = fronts.get(doc, (None, {}))[1]
    if not all(("title", lang) in known for lang in all_languages) and is_collection(project, doc):
        fronts[doc] = collection_front(project, doc)
    elif not all(("title", lang) in known for lang in all_languages):
        source = source_of(state, doc)
        # A language whose catalog is not there yet shows the source's front matter.
        present = {lang for lang in all_languages if project.catalogs_of(doc, lang)[-1].is_file()}
        catalogs = load_translations(state, doc, present)
        memo = state.cache.table("rows", doc)
        edition = align(source, all_languages, catalogs, project.root, memo)
        fronts[doc] = (edition.date, meta_html(edition))
    date, front = fronts[doc]
    entries = []
    for languages in editions(project):
        offered = edition_downloads(doc, languages, files, f"{doc}/")
        entries.append(EditionEntry(languages, f"{doc}/{edition_name(languages)}.html", offered))
    return Publication(doc, date, front, entries)


def edition_downloads(doc: str, languages: tuple[str, ...], files: dict[str, bytes], folder: str):
    """An edition's files among `files` (by path), as the site links them from `folder`."""
    from folio.render.site import Download

    return [
        Download(fmt, f"{folder}{Path(path).name}", len(files[path]))
        for fmt in downloads()
        if (path := output_path(doc, edition_name(languages), fmt)) in files
    ]


def write_changed(root: Path, files: dict[str, bytes], stage: Staging) -> None:
    """Stage each file whose bytes differ from what is there (the site's shared files)."""
    for path, data in files.items():
        target = root / path
        if not target.is_file() or target.read_bytes() != data:
            stage.add(target, data)
