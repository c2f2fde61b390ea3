"""What the page templates (web, print, cover) are given: one context per edition."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2
from markupsafe import Markup

from folio.brand import Brand, load_brand
from folio.config import Project, Settings
from folio.edition import Edition
from folio.render.compose import HtmlParts
from folio.render.templating import environment
from folio.ui import Labels, direction, language_full_name, language_name, load_labels


@dataclass(frozen=True)
class PageContext:
    edition: Edition
    parts: HtmlParts
    brand: Brand
    labels: dict[str, Labels]
    templates: Path
    environment: jinja2.Environment
    source_language: str
    root: Path
    settings: Settings

    def variables(self) -> dict[str, object]:
        """The names the templates use."""
        return {
            "edition": self.edition,
            "parts": self.parts,
            "brand": self.brand,
            "labels": self.labels,
            "language_name": language_name,
            "language_full_name": language_full_name,
            "direction": direction,
            "dir_attr": dir_attr,
            "source_language": self.source_language,
            "title_text": self.title_text(),
            "settings": self.settings,
        }

    def title_text(self) -> str:
        """The title in the edition's primary language, as plain text: <title> has one `lang`."""
        return plain_text(self.parts.field("title", self.edition.primary))


def dir_attr(lang: str) -> Markup:
    """` dir="rtl"` for a right-to-left language, else nothing (left to right is the default)."""
    return Markup(' dir="rtl"') if direction(lang) == "rtl" else Markup("")


def plain_text(html: str) -> str:
    """Text of an HTML fragment (for <title> and PDF metadata)."""
    chunks: list[str] = []
    parser = HTMLParser()
    parser.handle_data = chunks.append  # type: ignore[method-assign]
    parser.feed(html)
    return "".join(chunks).strip()


@dataclass(frozen=True)
class Shared:
    """What every page of a project uses: brand, templates and labels (read once a process)."""

    brand: Brand
    environment: jinja2.Environment
    labels: dict[str, Labels]


_shared: dict[tuple, Shared] = {}


def project_shared(project: Project) -> Shared:
    """Brand, templates and labels of a project, read again only when one of their files or the
    settings changed (a long-running `folio serve` sees edits)."""
    key = (project.root, repr(project.settings), files_stamp(project))
    found = _shared.get(key)
    if found is None:
        languages = (project.settings.source_language, *project.settings.languages)
        found = Shared(
            brand=load_brand(project.root / project.settings.brand),
            environment=environment(project.templates_dir),
            labels={
                lang: load_labels(project.templates_dir, lang, project.locale(lang))
                for lang in languages
            },
        )
        _shared.clear()
        _shared[key] = found
    return found


def files_stamp(project: Project) -> tuple:
    """When and how big each file of templates/ and the brand is."""
    files = [project.root / project.settings.brand, *project.templates_dir.rglob("*")]
    stamp = []
    for path in files:
        try:
            status = path.stat()
        except FileNotFoundError:
            continue
        stamp.append((str(path), status.st_mtime_ns, status.st_size))
    return tuple(stamp)


def page_context(project: Project, edition: Edition, parts: HtmlParts) -> PageContext:
    """The context for one edition's pages."""
    common = project_shared(project)
    return PageContext(
        edition=edition,
        parts=parts,
        brand=common.brand,
        labels=common.labels,
        templates=project.templates_dir,
        environment=common.environment,
        source_language=project.settings.source_language,
        root=project.root,
        settings=project.settings,
    )
