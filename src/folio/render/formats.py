"""The output formats: what each makes, from which templates, where it goes, and who renders it.

Adding a format: one module in render/ with `render(job) -> Made`, and one entry in FORMATS.
This module imports nothing heavy, so that planning a build loads no renderer.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass


@dataclass(frozen=True)
class Format:
    """One output format, as the build plans, keys, schedules and renders it."""

    name: str
    # The module under folio.render whose `render(job)` makes the file; loaded when first used.
    module: str
    # The template files its output reads (besides brand.yaml, its logo and ui/*.po).
    templates: tuple[str, ...]
    # Where an edition's file goes, relative to the project: {doc} and {edition} filled in.
    path: str
    # WeasyPrint's work, seconds to minutes: rendered in the worker processes.
    heavy: bool = False
    # Made from another format's output of the same edition (the booklet from the PDF).
    made_from: str | None = None
    # The label of the file when the web site offers it for download (None: not offered).
    download: str | None = None

    def output_path(self, doc: str, edition: str) -> str:
        return self.path.format(doc=doc, edition=edition)

    def renderer(self):
        """The module that renders this format."""
        return importlib.import_module(f"folio.render.{self.module}")


PRINT_TEMPLATES = (
    *("print.html.j2", "print.css", "cover.html.j2", "back-cover.html.j2", "cover.css"),
    *("fonts.css.j2", "paper.css.j2"),
)

FORMATS: dict[str, Format] = {
    "pdf": Format(
        "pdf",
        "pdf",
        PRINT_TEMPLATES,
        "build/{doc}/{doc}.{edition}.pdf",
        heavy=True,
        download="PDF",
    ),
    "epub": Format(
        "epub",
        "epub",
        (
            *("epub.css.j2", "cover.html.j2", "cover.css", "cover-image.html.j2"),
            *("fonts.css.j2", "paper.css.j2"),
        ),
        "build/{doc}/{doc}.{edition}.epub",
        heavy=True,
        download="EPUB",
    ),
    "html": Format(
        "html",
        "html",
        (
            *("web.html.j2", "web-fonts.css.j2", "web-policy.html.j2", "web-brand.html.j2"),
            *("web-footer.html.j2", "fonts.css.j2", "web.css", "site.js", "index.html.j2"),
            "web-downloads.html.j2",
            *("web-search.html.j2", "search.css", "search.js"),
        ),
        "build/site/{doc}/{edition}.html",
    ),
    "booklet": Format(
        "booklet",
        "booklet",
        PRINT_TEMPLATES,  # imposed from the PDF
        "build/{doc}/{doc}.{edition}.booklet.pdf",
        made_from="pdf",
        download="Print booklet (PDF)",
    ),
}

# What `folio build` makes unless told: the booklet is for the printer, on request.
DEFAULT_FORMATS = ("pdf", "epub", "html")


def output_path(doc: str, edition: str, fmt: str) -> str:
    """Where one edition of a document goes in a format, relative to the project."""
    return FORMATS[fmt].output_path(doc, edition)


def downloads() -> dict[str, str]:
    """The formats the web site offers for download, in order, with their labels."""
    return {name: fmt.download for name, fmt in FORMATS.items() if fmt.download}
