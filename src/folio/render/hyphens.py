"""Hyphenation rules WeasyPrint 70 cannot be told in CSS: no word broken across a page turn
(or from one column's foot to the next page), and no more than two hyphenated lines in a row.

WeasyPrint has `hyphenate-limit-chars` (print.css asks for three letters each side) but no
`hyphenate-limit-lines`, and it breaks lines before it breaks pages. So the pages are read as
they are made: each word hyphenated at a paragraph's foot on a page, or as the third of a
ladder, is kept whole (`hyphens: manual`) in the box tree, and only the pages from the first
such word are made again, with WeasyPrint's own re-pagination (`make_all_pages` makes a page
again when it is marked changed, and takes the old pages back as soon as a page starts where
it started before). A word kept whole can move other breaks, so this repeats, a few times at
most. Laying the whole page out again instead cost 2.3 to 2.7 layouts a document.

It relies on WeasyPrint's internals, so it is pinned to the version justify.py is written for.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import weasyprint
from weasyprint import layout
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes

from folio.render.justify import WEASYPRINT

# Consecutive hyphenated lines allowed in a paragraph.
LADDER = 2
# How many times the pages are made again to keep hyphenated words off page feet.
ROUNDS = 6
_LAST_WORD = re.compile(r"(\w+)\W*$")

_make_all_pages = layout.make_all_pages


@dataclass(frozen=True)
class Break:
    """A word hyphenated where it must not be: in the text of `element`, starting `start`, in
    a line of `block` on page `page` (0-based)."""

    element: Any
    start: str
    block: Any
    page: int


def install() -> bool:
    """Keep the rules in every layout; False (and nothing changed) on another WeasyPrint."""
    if weasyprint.__version__ != WEASYPRINT:
        return False
    layout.make_all_pages = make_all_pages_kept_whole
    return True


def make_all_pages_kept_whole(context: Any, root_box: Any, html: Any, pages: list) -> list:
    """WeasyPrint's `make_all_pages`, then again from the first page with a word hyphenated where
    it must not be, that word kept whole in the box tree, until there is none."""
    footnotes = context.footnotes.copy()
    before = len(pages)
    pages = list(_make_all_pages(context, root_box, html, pages))
    for _ in range(ROUNDS):
        if _counters_pending(context, before != len(pages)):
            break  # WeasyPrint makes the pages again for its counters, and calls this again
        found = bad_breaks(pages)
        if not found:
            break
        keep_whole(root_box, found)
        for index in _pages_to_make_again(pages, found):
            context.page_maker[index][-1]["content_changed"] = True
        # As WeasyPrint's own re-pagination: the notes go back to those not yet laid out.
        context.footnotes = footnotes.copy()
        pages = list(_make_all_pages(context, root_box, html, pages))
    return pages


def _counters_pending(context: Any, count_changed: bool) -> bool:
    """Whether WeasyPrint's `layout_document` will make pages again for page-based counters
    (the contents' `target-counter()`): as it decides, after this call."""
    states = [item[-1] for item in context.page_maker]
    return any(state["content_changed"] for state in states) or (
        count_changed and any(state["pages_wanted"] for state in states)
    )


def bad_breaks(pages: list) -> list[Break]:
    """Words hyphenated at the foot of a page (a paragraph continued on the next) or as the
    third hyphenated line in a row, in WeasyPrint's page boxes."""
    lines = [list(_lines(page.children[0])) for page in pages]
    on_page = [{id(block.element) for block, _ in page} for page in lines]
    found = []
    for number, page in enumerate(lines):
        following = on_page[number + 1] if number + 1 < len(lines) else set()
        last_of: dict[int, int] = {}
        for index, (block, _) in enumerate(page):
            last_of[id(block.element)] = index
        run = 0
        previous_block = None
        for index, (block, line) in enumerate(page):
            text_box, hyphenated = _hyphenated_word(line)
            run = run + 1 if hyphenated and block is previous_block else int(bool(hyphenated))
            previous_block = block
            if not hyphenated:
                continue
            at_foot = last_of[id(block.element)] == index and id(block.element) in following
            if at_foot or run > LADDER:
                found.append(Break(text_box.element, hyphenated, block.element, number))
                run = 0
    return found


def _pages_to_make_again(pages: list, found: list[Break]) -> set[int]:
    """Every page a changed paragraph is on, from the first page that no footnote runs over to
    (WeasyPrint carries notes over only while it makes pages in a row)."""
    changed = {id(item.block) for item in found}
    indices = {
        number
        for number, page in enumerate(pages)
        if any(id(block.element) in changed for block, _ in _lines(page.children[0]))
    }
    first = min(indices | {item.page for item in found})
    while first > 0 and (_has_footnotes(pages[first - 1]) or _has_footnotes(pages[first])):
        first -= 1
    return indices | {first}


def _has_footnotes(page: Any) -> bool:
    return any(isinstance(box, boxes.FootnoteAreaBox) and box.children for box in page.children)


def _lines(box: Any, block: Any = None) -> Iterator[tuple[Any, Any]]:
    """(block, line box) of each line in the flow, in order."""
    for child in getattr(box, "children", ()):
        if isinstance(child, boxes.LineBox):
            yield box, child
        elif isinstance(child, boxes.ParentBox):
            yield from _lines(child)


def _hyphenated_word(line: Any) -> tuple[Any, str]:
    """The text box the line ends by hyphenating a word in, and the word's first part; or
    (None, "")."""
    last = None
    for box in _leaves(line):
        last = box
    if not isinstance(last, boxes.TextBox) or "::" in (last.element_tag or ""):
        return None, ""
    hyphen = last.style["hyphenate_character"]
    if last.style["hyphens"] == "none" or not hyphen or not last.text.endswith(hyphen):
        return None, ""
    match = _LAST_WORD.search(last.text[: -len(hyphen)])
    return (last, match.group(1)) if match else (None, "")


def _leaves(box: Any) -> Iterator[Any]:
    if not isinstance(box, boxes.ParentBox):
        yield box
        return
    for child in box.children:
        yield from _leaves(child)


def keep_whole(root_box: Any, found: list[Break]) -> None:
    """In the box tree, every word beginning with a break's part, in its element's own text,
    put in an inline box WeasyPrint will not hyphenate (as `<span style="hyphens: manual">`)."""
    starts: dict[int, set[str]] = defaultdict(set)
    for item in found:
        starts[id(item.element)].add(item.start)
    for parent in list(_text_parents(root_box, starts)):
        children = []
        for child in parent.children:
            wanted = isinstance(child, boxes.TextBox) and starts.get(id(child.element))
            children.extend(_split(child, wanted) if wanted else [child])
        parent.children = tuple(children)


def _text_parents(box: Any, starts: dict[int, set[str]]) -> Iterator[Any]:
    """The boxes with a text box of an element in `starts` among their children."""
    children = getattr(box, "children", ())
    if any(isinstance(c, boxes.TextBox) and id(c.element) in starts for c in children):
        yield box
    for child in children:
        if isinstance(child, boxes.ParentBox):
            yield from _text_parents(child, starts)


def _split(text_box: Any, starts: set[str]) -> list[Any]:
    """The text box cut around each word beginning with one of `starts`, each such word in an
    inline box of its own that keeps it whole."""
    if "::" in (text_box.element_tag or ""):
        return [text_box]
    parts = "|".join(re.escape(start) for start in sorted(starts, key=len, reverse=True))
    word = re.compile(rf"(?<!\w)(?:{parts})\w*")
    pieces, at = [], 0
    for match in word.finditer(text_box.text):
        if match.start() > at:
            pieces.append(text_box.copy_with_text(text_box.text[at : match.start()]))
        pieces.append(_whole(text_box, match.group(0)))
        at = match.end()
    if not pieces:
        return [text_box]
    if at < len(text_box.text):
        pieces.append(text_box.copy_with_text(text_box.text[at:]))
    return pieces


def _whole(text_box: Any, word: str) -> Any:
    """An inline box around `word` set as `text_box`, but never hyphenated."""
    style = AnonymousStyle(text_box.style)
    style["hyphens"] = "manual"
    text = boxes.TextBox(text_box.element_tag, AnonymousStyle(style), text_box.element, word)
    return boxes.InlineBox(text_box.element_tag, style, text_box.element, [text])
