"""Hyphenation rules WeasyPrint 70 cannot be told in CSS: no word broken across a page turn
(or from one column's foot to the next page), and no more than two hyphenated lines in a row.

WeasyPrint has `hyphenate-limit-chars` (print.css asks for three letters each side) but no
`hyphenate-limit-lines`, and it breaks lines before it breaks pages. So each page is read as
soon as WeasyPrint has made it: a word hyphenated on the last line of a paragraph on the page
(a hyphenated line ends no paragraph: it goes on over the page turn), or as the third of a
ladder, is kept whole (`hyphens: manual`) in the box tree, and that page alone is made again
before the next is begun. Laying the whole document out again instead cost 2.3 to 2.7 layouts.

It relies on WeasyPrint's internals (layout/page.py's `remake_page` and the layout context),
so it is pinned to the version justify.py is written for.
"""

from __future__ import annotations

import re
import weakref
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import weasyprint
from weasyprint.css import AnonymousStyle
from weasyprint.formatting_structure import boxes
from weasyprint.layout import page as page_layout

from folio.render.justify import WEASYPRINT

# Consecutive hyphenated lines allowed in a paragraph.
LADDER = 2
# How many times one page is made again to keep hyphenated words off its foot.
ROUNDS = 4
_LAST_WORD = re.compile(r"(\w+)\W*$")

_remake_page = page_layout.remake_page
# Each box tree's boxes holding text, by the id of the text's element: one walk of the tree on
# its first break, not one a break (a long piece has hundreds).
_holders: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


@dataclass(frozen=True)
class Break:
    """A word hyphenated where it must not be: in the text of `element`, starting `start`."""

    element: Any
    start: str


def install() -> bool:
    """Keep the rules in every layout; False (and nothing changed) on another WeasyPrint."""
    if weasyprint.__version__ != WEASYPRINT:
        return False
    page_layout.remake_page = remake_page_kept_whole
    return True


def remake_page_kept_whole(index: int, context: Any, root_box: Any, html: Any) -> tuple:
    """WeasyPrint's `remake_page`, made again while the page has a word hyphenated where it
    must not be, that word kept whole in the box tree."""
    before = _Before.of(context)
    made = _remake_page(index, context, root_box, html)
    for _ in range(ROUNDS):
        found = bad_breaks(made[0])
        if not found:
            break
        keep_whole(root_box, found)
        before.restore(context, index)
        made = _remake_page(index, context, root_box, html)
    before.keep_requests(context, index)
    return made


@dataclass
class _Before:
    """What making a page changes in WeasyPrint's layout context, as it was before."""

    footnotes: list
    reported_footnotes: list
    broken_out_of_flow: dict
    rendered_notes: int
    # Whether a making of this page asked for another (page-based counters): kept across tries.
    content_changed: bool = False
    pages_wanted: bool = False

    @classmethod
    def of(cls, context: Any) -> _Before:
        return cls(
            list(context.footnotes),
            list(context.reported_footnotes),
            context.broken_out_of_flow,  # make_page puts a new dict in its place
            len(context.rendered_notes),
        )

    def restore(self, context: Any, index: int) -> None:
        state = context.page_maker[index][-1]
        self.content_changed |= state["content_changed"]
        self.pages_wanted |= state["pages_wanted"]
        state.update(content_changed=False, pages_wanted=False, anchors=[], content_lookups=[])
        context.footnotes = list(self.footnotes)
        context.reported_footnotes = list(self.reported_footnotes)
        context.broken_out_of_flow = self.broken_out_of_flow
        del context.rendered_notes[self.rendered_notes :]

    def keep_requests(self, context: Any, index: int) -> None:
        state = context.page_maker[index][-1]
        state["content_changed"] |= self.content_changed
        state["pages_wanted"] |= self.pages_wanted


def bad_breaks(page: Any) -> list[Break]:
    """Words hyphenated on a paragraph's last line on a page (so at the page's foot) or as the
    third hyphenated line in a row, in a page WeasyPrint has made."""
    lines = list(_lines(page.children[0]))
    last_of: dict[int, int] = {}
    for index, (block, _) in enumerate(lines):
        last_of[id(block.element)] = index
    found = []
    run = 0
    previous_block = None
    for index, (block, line) in enumerate(lines):
        text_box, hyphenated = _hyphenated_word(line)
        run = run + 1 if hyphenated and block is previous_block else int(bool(hyphenated))
        previous_block = block
        if hyphenated and (last_of[id(block.element)] == index or run > LADDER):
            found.append(Break(text_box.element, hyphenated))
            run = 0
    return found


def _lines(box: Any) -> Iterator[tuple[Any, Any]]:
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
    holders = _holders.get(root_box)
    if holders is None:
        holders = _holders[root_box] = _text_holders(root_box)
    parents = {id(box): box for key in starts for box in holders.get(key, ())}
    for parent in parents.values():
        children = []
        for child in parent.children:
            wanted = isinstance(child, boxes.TextBox) and starts.get(id(child.element))
            children.extend(_split(child, wanted) if wanted else [child])
        parent.children = tuple(children)


def _text_holders(root_box: Any) -> dict[int, list]:
    """The boxes with text boxes among their children, by the id of the text's element."""
    found: dict[int, list] = defaultdict(list)
    stack = [root_box]
    while stack:
        box = stack.pop()
        children = getattr(box, "children", ())
        for key in {id(child.element) for child in children if isinstance(child, boxes.TextBox)}:
            found[key].append(box)
        stack.extend(child for child in children if isinstance(child, boxes.ParentBox))
    return found


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
