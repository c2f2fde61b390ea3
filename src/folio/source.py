"""The source model: a document read and segmented into the units its catalogs translate."""

from __future__ import annotations

import itertools
import json
from dataclasses import dataclass

from folio import html_spans, pandoc
from folio.cache import Cache, Table, digest
from folio.config import Project
from folio.document import Document, read_document
from folio.segments import Unit, Walked, meta_inlines, segment


@dataclass(frozen=True)
class Group:
    """Top-level blocks that are one row of every edition (one block, or several that raw HTML
    holds together), with what translating them alone takes."""

    first: int  # the index of its first block in the document's blocks
    last: int  # and of its last (comments between them belong to it)
    published: tuple[int, ...]  # its blocks that are not comments
    keys: tuple[str, ...]  # the units of its blocks, in reading order
    skipping: bool  # whether an i18n:skip range is open where it starts
    digest: str  # of its blocks


@dataclass(frozen=True)
class Source:
    """A parsed document, its units, and its rows."""

    document: Document
    meta: dict[str, list[pandoc.Inline]]
    units: list[Unit]
    groups: list[Group]

    @property
    def keys(self) -> list[str]:
        return [unit.key for unit in self.units]


def read_source(project: Project, doc: str, cache: Cache | None = None) -> Source:
    """A document parsed and segmented; from the cache when its bytes were read before."""
    path = project.source_path(doc)
    key = ""
    if cache is not None:
        try:
            key = cache.key("source", str(path), path.read_bytes())
        except OSError:
            key = ""  # read_document says what is wrong with the file
        found = cache.one("source", doc, key) if key else None
        if found is not None:
            return found
    units = cache.table("units", doc) if cache is not None else None
    source = from_document(read_document(path), units)
    # Kept only if the file did not change while it was read (an editor saving meanwhile).
    if cache is not None and key and cache.key("source", str(path), path.read_bytes()) == key:
        cache.keep_one("source", doc, key, source)
    return source


def from_document(document: Document, memo: Table | None = None) -> Source:
    """A document's units and rows (with `memo`, each unit's key written once)."""
    meta = meta_inlines(document)
    units, walked = segment(document, meta, memo)
    return Source(document, meta, units, groups(document, units[len(meta) :], walked))


def groups(document: Document, body: list[Unit], walked: list[Walked]) -> list[Group]:
    """The rows of the document: its published blocks grouped, each group with its units."""
    blocks = document.blocks
    starts = [0, *itertools.accumulate(block.units for block in walked)]
    published = [i for i, block in enumerate(blocks) if not is_comment(block)]
    found = []
    for group in html_spans.groups([blocks[i] for i in published]):
        first, last = published[group[0]], published[group[-1]]
        keys = [unit.key for unit in body[starts[first] : starts[last + 1]]]
        text = json.dumps(blocks[first : last + 1], ensure_ascii=False, separators=(",", ":"))
        found.append(
            Group(
                first,
                last,
                tuple(published[i] for i in group),
                tuple(keys),
                walked[first].skipping,
                digest(text),
            )
        )
    return found


def is_comment(block: pandoc.Block) -> bool:
    """An HTML comment: a note in the source (or an i18n directive), not content."""
    return block["t"] == "RawBlock" and block["c"][1].lstrip().startswith("<!--")
