"""Project-wide catalog operations: what `folio extract`, `update` and `status` do."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial
from pathlib import Path

from folio import catalog, glossary, qa, variants
from folio.config import (
    Project,
    add_conversion,
    add_language,
    check_language_tag,
    find_project,
)
from folio.errors import FolioError
from folio.source import read_source


@dataclass(frozen=True)
class LanguageStatus:
    document: str
    language: str
    stats: catalog.Stats
    glossary: int = 0  # glossary findings


def reference(project: Project, path: Path) -> str:
    """A path as `#:` references name it: relative to the project, with forward slashes."""
    return path.relative_to(project.root).as_posix()


def extract(project: Project) -> list[Path]:
    """Write every document's template; returns the templates that changed."""
    changed = []
    terms = glossary.load(glossary.glossary_path(project.translations_dir))
    for doc in project.documents():
        source = read_source(project, doc)
        pot = project.pot_path(doc)
        where = reference(project, source.document.path)
        if catalog.extract(source.units, doc, where, pot, partial(glossary.comments, terms)):
            changed.append(pot)
    return changed


def update(project: Project) -> list[Path]:
    """Extract, then merge each template into each language's catalog; returns changed files."""
    changed = extract(project)
    for doc in project.documents():
        for lang in project.settings.languages:
            po = project.po_path(doc, lang)
            converted = lang in project.settings.converted_from
            if converted and not po.exists():
                continue  # the conversion alone, no override yet
            if catalog.update(project.pot_path(doc), po, lang, only_existing=converted):
                changed.append(po)
    return changed


def init_language(project: Project, tag: str, base: str | None = None) -> list[Path]:
    """Start a language: add it to [tool.folio] and create its catalogs; returns files written.

    With `base`, the language is converted from that language's catalogs (OpenCC) and its own
    catalogs start empty: they hold only the entries that override the conversion."""
    check_language_tag(tag)
    pyproject = project.root / "pyproject.toml"
    if base is not None:
        check_language_tag(base)
        variants.opencc_config(tag, base)
        if base not in project.settings.languages:
            raise FolioError(
                f"{base} is not a language of this project",
                pyproject,
                hint=f"start it first: folio init-lang {base}",
            )
    written = []
    if add_language(pyproject, tag) | bool(base and add_conversion(pyproject, tag, base)):
        written.append(pyproject)
    project = find_project(project.root)
    written += extract(project)
    for doc in project.documents():
        po = project.po_path(doc, tag)
        if not po.exists() and catalog.update(
            project.pot_path(doc), po, tag, only_existing=base is not None
        ):
            if base is not None:
                variants.explain(po, project.po_path(doc, base))
            written.append(po)
    return written


def check(project: Project) -> list[qa.Finding]:
    """Every QA finding: the sources, then each language's catalog."""
    findings = []
    terms = glossary.load(glossary.glossary_path(project.translations_dir))
    for doc in project.documents():
        source = read_source(project, doc)
        findings += qa.check_source(source.units, source.document.path)
        for lang in project.settings.languages:
            findings += check_language(project, doc, lang, terms)
    return findings


def check_language(project: Project, doc: str, lang: str, terms: list) -> list[qa.Finding]:
    """QA and glossary findings of one language's catalog (a converted one: the conversion too)."""
    if lang in project.settings.converted_from:
        return variants.check(project, doc, lang, terms)
    path = project.po_path(doc, lang)
    loaded = catalog.load(path, lang)
    found = qa.check_catalog(loaded, path, lang)
    return found + glossary.check_catalog(glossary.for_language(terms, lang), loaded, path)


def status(project: Project) -> list[LanguageStatus]:
    """Per document and language, how much is translated."""
    rows = []
    terms = glossary.load(glossary.glossary_path(project.translations_dir))
    for doc in project.documents():
        keys = read_source(project, doc).keys
        for lang in project.settings.languages:
            loaded = variants.load_catalog(project, doc, lang)
            if lang in project.settings.converted_from:
                found = variants.check(project, doc, lang, terms)
                found = [f for f in found if f.check == glossary.CHECK]
            else:
                path = project.po_path(doc, lang)
                found = glossary.check_catalog(glossary.for_language(terms, lang), loaded, path)
            rows.append(LanguageStatus(doc, lang, catalog.stats(loaded, keys), len(found)))
    return rows
