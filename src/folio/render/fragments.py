"""pandoc's HTML for many pieces of AST, each written once: a piece is looked up by its content
and the writer's options, and only the pieces not found go to pandoc, in one call."""

from __future__ import annotations

import json

from folio import pandoc
from folio.cache import Table

ARGS = ("--wrap=none",)


def write_html(pieces: list[list[pandoc.Block]], table: Table | None) -> list[str]:
    """Each piece as HTML5. A piece must read the same alone as among others: no footnotes
    (pandoc numbers them through a call) and no code block without an id (likewise)."""
    if table is None:
        return pandoc.write_pieces(pieces, "html5", list(ARGS)) if pieces else []
    keys = [table.key("html5", *ARGS, piece_json(piece)) for piece in pieces]
    found = [table.get(key) for key in keys]
    missing = [i for i, html in enumerate(found) if html is None]
    if missing:
        written = pandoc.write_pieces([pieces[i] for i in missing], "html5", list(ARGS))
        for i, html in zip(missing, written, strict=True):
            table.put(keys[i], html)
            found[i] = html
    return [html or "" for html in found]


def piece_json(piece: list[pandoc.Block]) -> str:
    return json.dumps(piece, ensure_ascii=False, separators=(",", ":"))
