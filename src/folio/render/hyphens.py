"""Hyphenation rules WeasyPrint 70 cannot be told in CSS: no word broken across a page turn
(or from one column's foot to the next page), and no more than two hyphenated lines in a row.

WeasyPrint has `hyphenate-limit-chars` (print.css asks for three letters each side) but no
`hyphenate-limit-lines`, and it breaks lines before it breaks pages. So the laid-out document
is read: each word hyphenated at a paragraph's foot on a page, or as the third of a ladder, is
named by the nearest element with an id and its first part; the page is laid out again with
those words kept whole (`hyphens: manual`). A word kept whole can move other breaks, so this
repeats, a few times at most. It costs layouts: measured 2026-11-30, the seed's English edition
is laid out twice, bench/generate.py's 120-pair book (82 pages) three times (21 words, then 2),
about 2.3 times its render time without the rule.
"""

from __future__ import annotations

import html as html_module
import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

# The class print.css sets `hyphens: manual` for.
WHOLE = "whole-word"
# Consecutive hyphenated lines allowed in a paragraph.
LADDER = 2
_LAST_WORD = re.compile(r"(\w+)\W*$")


@dataclass(frozen=True)
class Break:
    """A word hyphenated where it must not be: under the element `ident`, starting `start`."""

    ident: str
    start: str


def bad_breaks(document: Any) -> list[Break]:
    """Words hyphenated at the foot of a page (a paragraph continued on the next) or as the
    third hyphenated line in a row, in a laid-out WeasyPrint document."""
    pages = [list(_lines(page._page_box.children[0], "")) for page in document.pages]
    on_page = [{id(block.element) for block, _, _ in lines} for lines in pages]
    found = []
    for number, lines in enumerate(pages):
        following = on_page[number + 1] if number + 1 < len(pages) else set()
        last_of: dict[int, int] = {}
        for index, (block, _, _) in enumerate(lines):
            last_of[id(block.element)] = index
        run = 0
        previous_block = None
        for index, (block, line, ident) in enumerate(lines):
            hyphenated = _hyphenated_word(line)
            run = run + 1 if hyphenated and block is previous_block else int(bool(hyphenated))
            previous_block = block
            if not hyphenated or not ident:
                continue
            at_foot = last_of[id(block.element)] == index and id(block.element) in following
            if at_foot or run > LADDER:
                found.append(Break(ident, hyphenated))
                run = 0
    return found


def _lines(box: Any, ident: str) -> Iterator[tuple[Any, Any, str]]:
    """(block, line box, nearest id) of each line in the flow, in order."""
    from weasyprint.formatting_structure import boxes

    element = getattr(box, "element", None)
    pseudo = "::" in (getattr(box, "element_tag", None) or "")
    if element is not None and element.get("id") and not pseudo:
        ident = element.get("id")
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield box, child, ident
        elif isinstance(child, boxes.ParentBox):
            yield from _lines(child, ident)


def _hyphenated_word(line: Any) -> str:
    """The first part of the word the line ends by hyphenating, or ""."""
    from weasyprint.formatting_structure import boxes

    last = None
    for box in _leaves(line):
        last = box
    if not isinstance(last, boxes.TextBox):
        return ""
    hyphen = last.style["hyphenate_character"]
    if last.style["hyphens"] == "none" or not hyphen or not last.text.endswith(hyphen):
        return ""
    match = _LAST_WORD.search(last.text[: -len(hyphen)])
    return match.group(1) if match else ""


def _leaves(box: Any) -> Iterator[Any]:
    from weasyprint.formatting_structure import boxes

    if not isinstance(box, boxes.ParentBox):
        yield box
        return
    for child in box.children:
        yield from _leaves(child)


_TAG = re.compile(r"(<[^>]*>)")


def keep_whole(page: str, breaks: list[Break]) -> str:
    """The page with those words wrapped in a span that WeasyPrint will not hyphenate: every
    word beginning with the part, from the element's id to the next id (its own text)."""
    for item in breaks:
        anchor = page.find(f'id="{html_module.escape(item.ident)}"')
        if anchor < 0:
            continue
        anchor = page.index(">", anchor) + 1  # the element's text, after its start tag
        end = page.find(' id="', anchor)
        end = len(page) if end < 0 else end
        word = re.compile(rf"(?<!\w){re.escape(item.start)}\w*")
        chunks = _TAG.split(page[anchor:end])
        # Odd chunks are tags: only the text between them changes.
        kept = [
            chunk
            if index % 2
            else word.sub(lambda m: f'<span class="{WHOLE}">{m.group(0)}</span>', chunk)
            for index, chunk in enumerate(chunks)
        ]
        page = page[:anchor] + "".join(kept) + page[end:]
    return page
