"""The web edition: one self-contained HTML page per edition (no request to another host)."""

from __future__ import annotations

from dataclasses import dataclass

from folio.render.page import PageContext
from folio.render.templating import render_template


@dataclass(frozen=True)
class EditionLink:
    """A link from one edition's page to another's."""

    href: str
    languages: tuple[str, ...]
    current: bool


def render_html(context: PageContext, links: list[EditionLink]) -> bytes:
    """The page, with the stylesheet and the logo inline."""
    css = (context.templates / "web.css").read_text(encoding="utf-8")
    logo = context.brand.logo.read_text(encoding="utf-8")
    html = render_template(
        context.environment, "web.html.j2", **context.variables(), css=css, logo=logo, links=links
    )
    return html.encode("utf-8")
