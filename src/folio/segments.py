"""Document → translation units, and units + translations → translated blocks."""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass

from folio import pandoc
from folio.document import TRANSLATABLE_META, Document

# Leaf blocks whose inlines are one unit each; containers are walked into.
LEAVES = {"Para": "paragraph", "Plain": "paragraph", "Header": "heading"}
CONTAINERS = ("BlockQuote", "Div")
LISTS = ("BulletList", "OrderedList")


@dataclass(frozen=True)
class Unit:
    """One translatable piece: its key is the normalised Markdown (the msgid)."""

    key: str
    kind: str


def meta_inlines(doc: Document) -> dict[str, list[pandoc.Inline]]:
    """The translatable front-matter fields that are set, as inlines (one pandoc call)."""
    names = [name for name in TRANSLATABLE_META if doc.meta.field(name)]
    pieces = pandoc.read_pieces([doc.meta.field(name) for name in names])
    return {name: pandoc.inlines_of(piece) or [] for name, piece in zip(names, pieces, strict=True)}


def segment(doc: Document, meta: dict[str, list[pandoc.Inline]]) -> list[Unit]:
    """The document's units in reading order: front matter first, then the body."""
    leaves = [(name, inlines) for name, inlines in meta.items()] + list(leaf_inlines(doc.blocks))
    keys = normalise([[pandoc.plain(inlines)] for _, inlines in leaves])
    return [Unit(key, kind) for key, (kind, _) in zip(keys, leaves, strict=True)]


def normalise(pieces: list[list[pandoc.Block]]) -> list[str]:
    """Markdown of each piece, on one line: re-wrapping the source changes no key."""
    return pandoc.write_pieces(pieces, "markdown", ["--wrap=none"])


def leaf_inlines(blocks: list[pandoc.Block]):
    """(kind, inlines) of every translatable leaf block, in reading order."""
    for block in blocks:
        kind = LEAVES.get(block["t"])
        if kind:
            yield kind, inlines(block)
        elif block["t"] in CONTAINERS:
            yield from leaf_inlines(children(block))
        elif block["t"] in LISTS:
            for item in items(block):
                yield from leaf_inlines(item)


def translate_blocks(
    blocks: list[pandoc.Block], replace: Callable[[list[pandoc.Inline]], list[pandoc.Inline] | None]
) -> list[pandoc.Block]:
    """A copy of `blocks` whose leaves' inlines are replaced; None keeps a leaf as it is."""
    result = []
    for block in blocks:
        block = copy.deepcopy(block)
        if block["t"] in LEAVES:
            new = replace(inlines(block))
            if new is not None:
                set_inlines(block, new)
        elif block["t"] in CONTAINERS:
            block["c"][-1] = translate_blocks(children(block), replace)
        elif block["t"] in LISTS:
            block["c"][-1] = [translate_blocks(item, replace) for item in items(block)]
        result.append(block)
    return result


def inlines(block: pandoc.Block) -> list[pandoc.Inline]:
    return block["c"][2] if block["t"] == "Header" else block["c"]


def set_inlines(block: pandoc.Block, new: list[pandoc.Inline]) -> None:
    if block["t"] == "Header":
        block["c"][2] = new
    else:
        block["c"] = new


def children(block: pandoc.Block) -> list[pandoc.Block]:
    return block["c"] if block["t"] == "BlockQuote" else block["c"][1]


def items(block: pandoc.Block) -> list[list[pandoc.Block]]:
    return block["c"] if block["t"] == "BulletList" else block["c"][1]
