"""The web site around the editions' pages: its home page, stylesheet, script and emblem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from babel.units import format_unit

from folio.cache import Table
from folio.config import Project
from folio.render.formats import downloads
from folio.render.html import site_fonts
from folio.render.page import dir_attr, project_shared
from folio.render.templating import render_template
from folio.ui import Labels, direction, language_full_name, language_name

# Downloads the home page offers, in this order, and the label of each.
DOWNLOADS = downloads()
# Files from templates/ that every page loads, as build/site/assets/ holds them.
ASSETS = ("web.css", "site.js", "search.css", "search.js")


@dataclass(frozen=True)
class Download:
    format: str
    href: str
    size: int


@dataclass(frozen=True)
class EditionEntry:
    """One edition of a publication: its web page and its files."""

    languages: tuple[str, ...]
    href: str
    downloads: list[Download]

    @property
    def label(self) -> str:
        """The edition named by its languages, each in itself and told apart from another
        script of it: "English · 简体中文"."""
        return " · ".join(language_full_name(lang) for lang in self.languages)


@dataclass(frozen=True)
class Publication:
    document: str
    date: dt.date
    meta: dict[tuple[str, str], str]  # (front-matter field, language) → HTML
    editions: list[EditionEntry]

    def field(self, name: str, lang: str) -> str:
        return self.meta.get((name, lang), "")


def render_index(project: Project, publications: list[Publication]) -> bytes:
    """The home page."""
    common = project_shared(project)
    languages = (project.settings.source_language, *project.settings.languages)
    html = render_template(
        common.environment,
        "index.html.j2",
        publications=publications,
        languages=languages,
        labels=common.labels,
        brand=common.brand,
        language_full_name=language_full_name,
        direction=direction,
        dir_attr=dir_attr,
        size=file_size,
        downloads=DOWNLOADS,
        site_url=project.settings.site_url,
        assets="assets/",
        home="index.html",
        footer_languages=languages,
    )
    return html.encode("utf-8")


def fonts(project: Project, pages: list[bytes], memo: Table):
    """The fonts every page of the site loads, made for the characters of `pages`."""
    common = project_shared(project)
    languages = (project.settings.source_language, *project.settings.languages)
    return site_fonts(common.environment, common.brand, pages, languages, memo)


def assets(project: Project) -> dict[str, bytes]:
    """The stylesheet, script and emblem every page loads, by path under build/site/."""
    logo = project_shared(project).brand.logo
    files = {f"assets/{name}": (project.templates_dir / name).read_bytes() for name in ASSETS}
    files[f"assets/{logo.name}"] = logo.read_bytes()
    return files


def file_size(size: int, labels: Labels) -> str:
    """A download's size as a reader expects it in their language ("1.2 MB", "850 kB")."""
    if size >= 1_000_000:
        return format_unit(
            round(size / 1_000_000, 1), "digital-megabyte", length="short", locale=labels.locale
        )
    return format_unit(
        max(1, round(size / 1000)), "digital-kilobyte", length="short", locale=labels.locale
    )


# Where an edition's page lists its downloads (templates/web.html.j2).
DOWNLOADS_PLACE = b"<!--folio:downloads-->"


def fill_downloads(
    project: Project, page: bytes, languages: tuple[str, ...], files: list[Download]
) -> bytes:
    """An edition's page with its downloads (format, edition, size) where the template left
    their place; the sizes are known only once the files are made."""
    common = project_shared(project)
    html = render_template(
        common.environment,
        "web-downloads.html.j2",
        entry=EditionEntry(languages, "", files),
        here=common.labels[languages[0]],
        downloads=DOWNLOADS,
        size=file_size,
        language_name=language_name,
        dir_attr=dir_attr,
    )
    return page.replace(DOWNLOADS_PLACE, html.strip().encode("utf-8") if files else b"", 1)
