"""folio's pages cut into pieces that render.tokens reads alike alone or in the whole page, so
that what is read from a page (its characters, its search records) is read again only in the
pieces an edit changed: a piece's reading is kept by the piece and the state it starts in."""

from __future__ import annotations

import re

# Before each row of a page's body (compose numbers them u1, u2, …) and each heading.
CUT = re.compile(r'\n(?=<div id="u\d+"|<h[1-6][\s>])')
# Elements whose text tokens() skips to their end tag.
RAW_TEXT = ("script", "style")
_RAW_START = re.compile(r"<(?:script|style)", re.IGNORECASE)


def pieces(html: str) -> list[str]:
    """The page in pieces, cut before its rows and headings where no token crosses the cut
    (a piece ending inside a tag, a comment, a script or a style goes on into the next)."""
    found: list[str] = []
    start = 0
    for match in CUT.finditer(html):
        piece = html[start : match.end()]
        if closed(piece):
            found.append(piece)
            start = match.end()
    found.append(html[start:])
    return found


def closed(piece: str) -> bool:
    """Whether every token that starts in `piece` ends in it: each "<" has a ">" after it,
    each comment its end, each script or style its end tag."""
    if piece.rfind("<") > piece.rfind(">"):
        return False
    opened = piece.rfind("<!--")
    if opened >= 0 and piece.find("-->", opened + 4) < 0:
        return False
    if not _RAW_START.search(piece):
        return True
    lower = piece.lower()
    for name in RAW_TEXT:
        opened = lower.rfind(f"<{name}")
        if opened >= 0 and piece.find(f"</{name}", piece.find(">", opened)) < 0:
            return False
    return True
