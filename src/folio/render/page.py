"""What the page templates (web, print, cover) are given: one context per edition."""

from __future__ import annotations

from dataclasses import dataclass
from html.parser import HTMLParser
from pathlib import Path

import jinja2

from folio.brand import Brand
from folio.edition import Edition
from folio.render.compose import HtmlParts
from folio.ui import Labels, language_name


@dataclass(frozen=True)
class PageContext:
    edition: Edition
    parts: HtmlParts
    brand: Brand
    labels: dict[str, Labels]
    templates: Path
    environment: jinja2.Environment
    source_language: str

    def variables(self) -> dict[str, object]:
        """The names the templates use."""
        return {
            "edition": self.edition,
            "parts": self.parts,
            "brand": self.brand,
            "labels": self.labels,
            "language_name": language_name,
            "source_language": self.source_language,
            "title_text": self.title_text(),
        }

    def title_text(self) -> str:
        """The title in the edition's primary language, as plain text: <title> has one `lang`."""
        return plain_text(self.parts.field("title", self.edition.primary))


def plain_text(html: str) -> str:
    """Text of an HTML fragment (for <title> and PDF metadata)."""
    chunks: list[str] = []
    parser = HTMLParser()
    parser.handle_data = chunks.append  # type: ignore[method-assign]
    parser.feed(html)
    return "".join(chunks).strip()
