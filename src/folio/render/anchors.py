"""Ids made unique in an edition's body, links kept pointing where they pointed.

A source may repeat an id (a raw `<div id="x">` beside a heading `x`), a bilingual edition
repeats every explicit id of the source in its second half, and pandoc's writers add ids of
their own (the notes' `footnotes` section). A repeated id is suffixed; a link keeps aiming at
the first element that had its target.
"""

from __future__ import annotations

import re
from typing import Any

from folio import pandoc
from folio.sanitize import ATTR_AT

# Ids that pandoc's HTML and EPUB writers, or folio's pages, give elements of their own.
RESERVED = re.compile(r"footnotes|TOC|title-block-header|text|fn\d+|fnref\d+|page-\d+|u\d+(-.+)?")
RAW_ID = re.compile(r"""(\bid\s*=\s*)(["'])(.*?)\2""", re.I)
RAW_HREF = re.compile(r"""(\bhref\s*=\s*)(["'])#(.*?)\2""", re.I)
# Nodes that hold neither an id nor a link: the walks below pass them by (most of a text).
_TEXT = frozenset({"Str", "Space", "SoftBreak", "LineBreak", "Math"})


def unique_ids(blocks: list[pandoc.Block], own: set[str]) -> list[pandoc.Block]:
    """A copy of `blocks` in which no id repeats or clashes with `own` (ids folio set on the
    body's units, kept as they are) or a writer's; links follow the first holder of an id."""
    renamer = Renamer(taken=set(own) | set(all_ids(blocks)), own=own)
    renamed = renamer.ids(blocks)
    return renamer.links(renamed)


def all_ids(node: Any) -> list[str]:
    """Every id in an AST node: pandoc Attrs and id attributes of raw HTML."""
    found: list[str] = []
    if isinstance(node, list):
        for child in node:
            found += all_ids(child)
    elif isinstance(node, dict) and "t" in node and node["t"] not in _TEXT:
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            found += [m[3] for m in RAW_ID.finditer(node["c"][1])]
        elif "c" in node:
            if kind in ATTR_AT and node["c"][ATTR_AT[kind]][0]:
                found.append(node["c"][ATTR_AT[kind]][0])
            found += all_ids(node["c"])
    return found


class Renamer:
    """Walks the body in reading order: the first holder of an id keeps it (unless a writer
    reserves it), each later one gets a free suffixed id."""

    def __init__(self, taken: set[str], own: set[str]) -> None:
        self.taken = taken
        self.own = own
        self.seen: set[str] = set()
        self.first: dict[str, str] = {}  # an id as written → the id its first holder got

    def rename(self, ident: str) -> str:
        if not ident or ident in self.own:
            return ident
        if ident not in self.seen and not RESERVED.fullmatch(ident):
            self.seen.add(ident)
            self.first.setdefault(ident, ident)
            return ident
        number = 2
        while f"{ident}-{number}" in self.taken:
            number += 1
        new = f"{ident}-{number}"
        self.taken.add(new)
        self.seen.add(ident)
        self.first.setdefault(ident, new)
        return new

    def ids(self, node: Any) -> Any:
        if isinstance(node, list):
            return [self.ids(child) for child in node]
        if not isinstance(node, dict) or "c" not in node or node["t"] in _TEXT:
            return node
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            fmt, text = node["c"]
            text = RAW_ID.sub(lambda m: f"{m[1]}{m[2]}{self.rename(m[3])}{m[2]}", text)
            return {"t": kind, "c": [fmt, text]}
        content = node["c"]
        if kind in ATTR_AT:
            content = list(content)
            at = ATTR_AT[kind]
            attr = content[at]
            # Children first would let a Div's inner heading keep the id: the outer one is read
            # first, as a browser would.
            content[at] = [self.rename(attr[0]), attr[1], attr[2]]
            rest = [self.ids(c) if i != at else c for i, c in enumerate(content)]
            return {"t": kind, "c": rest}
        return {**node, "c": self.ids(content)}

    def links(self, node: Any) -> Any:
        """Links to a renamed first holder follow it."""
        if isinstance(node, list):
            return [self.links(child) for child in node]
        if not isinstance(node, dict) or "c" not in node or node["t"] in _TEXT:
            return node
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            fmt, text = node["c"]
            text = RAW_HREF.sub(lambda m: f"{m[1]}{m[2]}#{self.target(m[3])}{m[2]}", text)
            return {"t": kind, "c": [fmt, text]}
        if kind == "Link":
            attr, inlines, (url, title) = node["c"]
            if url.startswith("#"):
                url = "#" + self.target(url[1:])
            return {"t": kind, "c": [attr, self.links(inlines), [url, title]]}
        return {**node, "c": self.links(node["c"])}

    def target(self, ident: str) -> str:
        return self.first.get(ident, ident)
