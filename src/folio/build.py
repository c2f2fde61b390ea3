"""What to build, in what order, and where: every edition of every document, then the manifest."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass
from pathlib import Path

from folio import catalog
from folio.brand import load_brand
from folio.config import Project
from folio.edition import align, edition_name
from folio.files import sha256, write_atomic
from folio.render.compose import html_parts
from folio.render.epub import render_epub
from folio.render.html import EditionLink, render_html
from folio.render.page import PageContext
from folio.render.pdf import check_harfbuzz_subset, render_cover_png, render_pdf
from folio.render.templating import environment
from folio.ui import load_labels
from folio.workflow import Source, read_source

MANIFEST = "manifest.json"


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
    pages: int | None = None


def editions(project: Project) -> list[tuple[str, ...]]:
    """The source language alone, each translation alone, and each bilingual pair."""
    source = project.settings.source_language
    languages = project.settings.languages
    return [(source,), *((lang,) for lang in languages), *((source, lang) for lang in languages)]


def output_path(project: Project, doc: str, languages: tuple[str, ...], fmt: str) -> Path:
    name = edition_name(languages)
    if fmt == "html":
        return project.build_dir / "site" / doc / f"{name}.html"
    return project.build_dir / doc / f"{doc}.{name}.{fmt}"


def build(
    project: Project, formats: list[str] | None = None, only: list[str] | None = None
) -> list[Output]:
    """Build the chosen formats and editions; nothing is written unless every output rendered."""
    formats = formats or list(project.settings.formats)
    chosen = [e for e in editions(project) if not only or edition_name(e) in only]
    if "pdf" in formats or "epub" in formats:
        check_harfbuzz_subset()
    brand = load_brand(project.root / project.settings.brand)
    env = environment(project.templates_dir)
    labels = {
        lang: load_labels(project.templates_dir, lang, project.locale(lang))
        for lang in (project.settings.source_language, *project.settings.languages)
    }
    # Read every input before rendering anything: bad input fails the build before any write.
    sources = {doc: read_source(project, doc) for doc in project.documents()}
    catalogs = {doc: load_translations(project, doc) for doc in sources}
    rendered: list[tuple[Output, bytes]] = []
    for doc, source in sources.items():
        for languages in chosen:
            rendered += render_edition(
                project, source, languages, catalogs[doc], formats, brand, env, labels
            )
    for output, data in rendered:
        write_atomic(project.root / output.path, data)
    outputs = [output for output, _ in rendered]
    write_manifest(project, outputs)
    return outputs


def load_translations(project: Project, doc: str) -> dict[str, dict[str, str]]:
    return {
        lang: catalog.translations(catalog.load(project.po_path(doc, lang), lang))
        for lang in project.settings.languages
    }


def render_edition(project, source: Source, languages, catalogs, formats, brand, env, labels):
    """Every chosen format of one edition, in memory."""
    edition = align(source, languages, catalogs)
    context = PageContext(
        edition=edition,
        parts=html_parts(edition),
        brand=brand,
        labels=labels,
        templates=project.templates_dir,
        environment=env,
        source_language=project.settings.source_language,
    )
    results = []
    for fmt in formats:
        pages = None
        if fmt == "pdf":
            pdf = render_pdf(context)
            data, pages = pdf.data, pdf.pages
        elif fmt == "epub":
            data = render_epub(context, render_cover_png(context))
        else:
            data = render_html(context, edition_links(project, languages))
        path = output_path(project, source.document.name, languages, fmt)
        output = Output(
            document=source.document.name,
            edition=edition.name,
            languages=list(languages),
            format=fmt,
            path=path.relative_to(project.root).as_posix(),
            sha256=sha256(data),
            bytes=len(data),
            pages=pages,
        )
        results.append((output, data))
    return results


def edition_links(project: Project, current: tuple[str, ...]) -> list[EditionLink]:
    """Links from one web page to every edition of the same document (siblings in one folder)."""
    return [
        EditionLink(f"{edition_name(languages)}.html", languages, languages == current)
        for languages in editions(project)
    ]


def write_manifest(project: Project, outputs: list[Output]) -> None:
    """List every output; entries from earlier builds stay while their files exist unchanged."""
    path = project.build_dir / MANIFEST
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
    write_atomic(path, text.encode("utf-8"))


def read_manifest(project: Project) -> list[dict]:
    path = project.build_dir / MANIFEST
    if not path.exists():
        return []
    try:
        return json.loads(path.read_text(encoding="utf-8"))["outputs"]
    except (ValueError, KeyError):
        return []
