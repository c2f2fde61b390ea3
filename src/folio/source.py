"""The source model: a document read and segmented into the units its catalogs translate."""

from __future__ import annotations

import itertools
import json
import pickle
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
    kind: str  # its block's type ("Para", "Header", …), or "Div" for several


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

    def block(self, index: int) -> pandoc.Block:
        """One block of the document (from a cache, only that block is unpickled)."""
        if isinstance(self.document, KeptDocument):
            return self.document.block(index)
        return self.document.blocks[index]


class KeptDocument(Document):
    """A document as the cache keeps it: each block pickled apart, unpickled when first asked
    for (a rebuild after a translator's edit reads only the blocks of the rows it aligns)."""

    def __init__(self, document: Document) -> None:
        for name in ("name", "path", "meta"):
            object.__setattr__(self, name, getattr(document, name))
        packed = tuple(pickle.dumps(b, pickle.HIGHEST_PROTOCOL) for b in document.blocks)
        object.__setattr__(self, "packed", packed)

    def __getattr__(self, name: str):
        # Only called for what the instance lacks: its blocks, until they are first read.
        packed = self.__dict__.get("packed")
        if name != "blocks" or packed is None:
            raise AttributeError(name)
        blocks = [self.block(i) for i in range(len(packed))]
        object.__setattr__(self, "blocks", blocks)
        return blocks

    def block(self, index: int) -> pandoc.Block:
        if "blocks" in self.__dict__:
            return self.__dict__["blocks"][index]
        read = self.__dict__.setdefault("read", {})
        if index not in read:
            read[index] = pickle.loads(self.packed[index])
        return read[index]

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Document) and all(
            getattr(self, name) == getattr(other, name)
            for name in ("name", "path", "meta", "blocks")
        )

    __hash__ = None  # type: ignore[assignment]

    def __reduce__(self):
        # Kept as built: what a cache file holds is the packed blocks, never the read ones.
        return (_kept, (self.name, self.path, self.meta, self.packed))


def _kept(name, path, meta, packed) -> KeptDocument:
    document = KeptDocument.__new__(KeptDocument)
    for key, value in (("name", name), ("path", path), ("meta", meta), ("packed", packed)):
        object.__setattr__(document, key, value)
    return document


def kept(source: Source) -> Source:
    """The source as a cache keeps it: its document's blocks pickled one by one."""
    if isinstance(source.document, KeptDocument):
        return source
    return Source(KeptDocument(source.document), source.meta, source.units, source.groups)


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
        cache.keep_one("source", doc, key, kept(source))
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
                blocks[first]["t"] if len(group) == 1 else "Div",
            )
        )
    return found


def is_comment(block: pandoc.Block) -> bool:
    """An HTML comment: a note in the source (or an i18n directive), not content."""
    return block["t"] == "RawBlock" and block["c"][1].lstrip().startswith("<!--")
