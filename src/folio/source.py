"""The source model: a document read and segmented into the units its catalogs translate."""

from __future__ import annotations

import itertools
import json
import pickle
import re
from dataclasses import dataclass, replace

from folio import html_spans, pandoc
from folio.cache import Cache, Table, digest
from folio.config import Project
from folio.document import MAX_PARAGRAPH, Document, read_document
from folio.segments import Unit, Walked, Walker, meta_inlines, normalise, segment


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
        # The build that parsed it reads the blocks it has (a cache file holds the packed).
        object.__setattr__(self, "blocks", document.blocks)

    def __getattr__(self, name: str):
        # Only called for what the instance lacks: its blocks, until they are first read.
        packed = self.__dict__.get("packed")
        if name != "blocks" or packed is None:
            raise AttributeError(name)
        blocks = [self.block(i) for i in range(len(packed))]
        object.__setattr__(self, "blocks", blocks)
        return blocks

    def forget(self) -> None:
        """Drop the blocks read, keeping them pickled: read again if asked for."""
        self.__dict__.pop("blocks", None)
        self.__dict__.pop("read", None)

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
    """A document parsed and segmented; from the cache when its bytes were read before, and
    with only its changed paragraph parsed when that is all an edit changed (see edited)."""
    path = project.source_path(doc)
    if cache is None:
        return from_document(read_document(path))
    try:
        data = path.read_bytes()
    except OSError:
        data = None  # read_document says what is wrong with the file
    key = cache.key("source", str(path), data) if data is not None else ""
    # The version kept is the one this code made (from any bytes), with the bytes it read.
    made_by = cache.key("source", str(path))
    last = cache.last("source", doc)
    previous = last[1] if last and isinstance(last[1], tuple) and last[1][0] == made_by else None
    if previous and last[0] == key:
        return previous[2]
    units = cache.table("units", doc)
    source = None
    if previous and data is not None:
        source = edited(previous[1:], data, units)
    if source is None:
        source = kept(from_document(read_document(path), units))
    # Kept only if the file did not change while it was read (an editor saving meanwhile).
    if key and path.read_bytes() == data:
        cache.keep_one("source", doc, key, (made_by, data, source))
    return source


# Where a text splits into top-level pieces: blank lines.
BLANK = re.compile(r"\n(?:[ \t]*\n)+")
# A line of plain prose: it starts a paragraph (or goes on with one) and nothing else, and
# holds nothing that reads differently beside other blocks (links and notes, which resolve
# against the whole document; raw HTML; code; citations).
PROSE = re.compile(r"[A-Za-z][^\[\]<>`@\\|]*")
# First lines of prose that start something else: list markers (a., iv.) and table captions.
NOT_PROSE = re.compile(r"(?:[A-Za-z]|[ivxlcdmIVXLCDM]+)[.)](?:\s|$)|Table:")
# What can hold a later piece whole (its blank lines included): fences (code, divs), raw HTML
# whose content is verbatim, LaTeX environments; and comments, unless closed before it.
OPENERS = re.compile(
    r"^ {0,3}(?:`{3,}|~{3,}|:{3,})|<(?:pre|script|style|textarea)|\\begin\{", re.M | re.I
)
# What each of OPENERS starts with.
MARKS = ("```", "~~~", ":::", "<", "\\begin{")
# The line that closes the front matter.
FRONT_MATTER_END = re.compile(r"^[ \t\r\f\v]*(?:---|\.\.\.)[ \t\r\f\v]*$", re.M)
# A definition (":" or "~" starting the next piece) would make a paragraph its term.
DEFINITION = re.compile(r"[ \t]{0,3}[:~]")


def edited(previous: tuple[bytes, Source], data: bytes, memo: Table) -> Source | None:
    """The document with one paragraph of plain prose edited, from its previous version: only
    that paragraph parsed and segmented again. None when the edit is anything else, or when
    reading the paragraph alone could read it differently from reading it in the document."""
    old_data, old = previous
    if not isinstance(old.document, KeptDocument) or b"\0" in data:
        return None  # (a NUL byte: read_document says it is no text)
    try:
        before, after = old_data.decode("utf-8"), data.decode("utf-8")
    except UnicodeDecodeError:
        return None
    old_pieces, new_pieces = BLANK.split(before), BLANK.split(after)
    if len(old_pieces) != len(new_pieces):
        return None
    changed = [i for i, (a, b) in enumerate(zip(old_pieces, new_pieces, strict=True)) if a != b]
    if len(changed) != 1:
        return None
    at = changed[0]
    old_text, new_text = old_pieces[at], new_pieces[at]
    following = new_pieces[at + 1] if at + 1 < len(new_pieces) else ""
    # Where the piece starts: after the earlier pieces (the same in both) and their blank lines.
    start = [0, *(match.end() for match in BLANK.finditer(after))][at]
    if (
        not (prose(old_text) and prose(new_text))
        or old_pieces.count(old_text) != 1
        or DEFINITION.match(following)
        or not closed(after[:start])
        or start < front_matter_end(after)
        or len(new_text) > MAX_PARAGRAPH
    ):
        return None
    old_block, new_block = pandoc.read_markdown(old_text), pandoc.read_markdown(new_text)
    if not (is_para(old_block) and is_para(new_block)):
        return None
    return replaced(old, old_block[0], new_block[0], memo)


def prose(text: str) -> bool:
    lines = text.split("\n")
    return not NOT_PROSE.match(lines[0]) and all(PROSE.fullmatch(line) for line in lines)


def is_para(blocks: list[pandoc.Block]) -> bool:
    return len(blocks) == 1 and blocks[0]["t"] == "Para"


def closed(text: str) -> bool:
    """Whether nothing in `text` goes on after it: no fence, verbatim element or LaTeX
    environment at all, and each comment closed."""
    opened = text.rfind("<!--")
    if opened >= 0 and text.find("-->", opened + 4) < 0:
        return False
    # The expression is searched for only in a text that may hold what it finds.
    return not (any(mark in text for mark in MARKS) and OPENERS.search(text))


def front_matter_end(text: str) -> int:
    """Where the body starts: after the line that closes the front matter (a later line than
    read_document's when a line ends in another of Unicode's line breaks: the safe side)."""
    found = FRONT_MATTER_END.search(text, text.find("\n") + 1)
    if not found:
        return len(text) + 1
    return found.end() + 1 if found.end() < len(text) else found.end()  # after its line break


def replaced(old: Source, old_block: pandoc.Block, new_block: pandoc.Block, memo: Table):
    """`old` with the one top-level paragraph equal to `old_block` (a row of its own, with
    one unit) replaced by `new_block`; None if there is no such paragraph."""
    document = old.document
    assert isinstance(document, KeptDocument)
    packed = pickle.dumps(old_block, pickle.HIGHEST_PROTOCOL)
    at = [i for i, kept_block in enumerate(document.packed) if kept_block == packed]
    if len(at) != 1 or document.block(at[0]) != old_block:
        return None
    index = at[0]
    row = next((g for g, group in enumerate(old.groups) if group.first == index), None)
    if row is None:
        return None
    group = old.groups[row]
    unit = len(old.meta) + sum(len(g.keys) for g in old.groups[:row])
    if group.last != index or len(group.keys) != 1 or old.units[unit].key != group.keys[0]:
        return None
    leaves = []
    walker = Walker(leaves.append)
    walker.skipping = group.skipping
    walker.block(new_block, "paragraph")
    if len(leaves) != 1 or walker.skipping != group.skipping:
        return None
    (key,) = normalise([[pandoc.plain(leaves[0].inlines)]], memo)
    before = old.units[unit]
    units = [*old.units[:unit], Unit(key, leaves[0].kind, before.notes, before.noqa)]
    units += old.units[unit + 1 :]
    text = json.dumps([new_block], ensure_ascii=False, separators=(",", ":"))
    groups = list(old.groups)
    groups[row] = replace(group, keys=(key,), digest=digest(text), kind="Para")
    blocks = list(document.packed)
    blocks[index] = pickle.dumps(new_block, pickle.HIGHEST_PROTOCOL)
    new = _kept(document.name, document.path, document.meta, tuple(blocks))
    return Source(new, old.meta, units, groups)


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
