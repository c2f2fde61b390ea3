"""The page maps of the print PDFs (where each page begins), kept beside the outputs for the
EPUBs rebuilt while their PDF is current."""

from __future__ import annotations

from pathlib import Path

from folio.collection import collection_key, is_collection, load_collections
from folio.config import Project
from folio.keys import output_key
from folio.render.job import Target
from folio.render.pagemap import PageMap

PAGE_MAPS = ".pages"


def page_map_path(project: Project, target: Target) -> Path:
    return project.build_dir / PAGE_MAPS / f"{target.document}.{target.edition}.json"


def stored_page_map(project: Project, target: Target) -> PageMap | None:
    """The page map kept from an earlier build of the target's PDF, if its inputs are the same."""
    key = output_key(project, target.document, target.languages, "pdf")
    if is_collection(project, target.document):
        book = load_collections(project)[target.document]
        key = collection_key(project, book, target.languages, "pdf")
    try:
        stored = PageMap.from_json(page_map_path(project, target).read_text(encoding="utf-8"))
    except (OSError, ValueError, KeyError, TypeError):
        return None
    return stored if stored.pdf_key == key else None


def drop_stale_page_maps(project: Project, listed_pdfs: set[str]) -> None:
    """Remove the page maps of PDFs no longer listed (a document or language gone)."""
    folder = project.build_dir / PAGE_MAPS
    if not folder.is_dir():
        return
    for path in folder.glob("*.json"):
        if path.name not in listed_pdfs:
            path.unlink()
