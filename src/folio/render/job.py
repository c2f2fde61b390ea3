"""What a renderer is given (a job) and gives back (what it made)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from folio.edition import edition_name

if TYPE_CHECKING:  # planning imports Target: it loads no renderer's modules
    from folio.config import Project
    from folio.edition import Edition
    from folio.render.compose import HtmlParts
    from folio.render.pagemap import PageMap


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
class Job:
    """What a renderer needs for one target: the aligned edition and its HTML parts."""

    project: Project
    target: Target
    edition: Edition | None  # None for a booklet: it is imposed from its PDF alone
    parts: HtmlParts | None
    # An EPUB's print page map: given, or None to lay the print edition out (when the project
    # makes one; see `paged`), or waiting for the PDF this build renders.
    page_map: PageMap | None = None
    paged: bool = False
    # That print edition's PDF: the EPUB's cover is its first page; a booklet is imposed from it.
    print_pdf: bytes | None = None


@dataclass(frozen=True)
class Made:
    """A renderer's output: the file's bytes, its pages, and a PDF's page map (for its EPUB)."""

    data: bytes
    pages: int | None = None
    page_map: PageMap | None = None
