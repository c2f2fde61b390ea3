"""A long print edition laid out in pieces and joined into one PDF.

WeasyPrint keeps every page's boxes until it writes the PDF: 1.2 to 2 MiB a page, several GiB
for a book of thousands of pages. So the text (the children of <main>) is laid out a piece of
bounded size at a time, each piece a whole page (the template, its stylesheets, the running
heads) holding part of the text. A piece ends at the last page that begins with one of its
blocks; the next piece starts from that block on a fresh page, so the pages kept are the pages
one layout of the whole would make. Page numbers, sides, footnote numbers and the running
section carry on from piece to piece; the front matter is laid out last, its contents given
the page numbers the pieces found. pypdf joins the pieces and writes the whole document's
links, named destinations and bookmarks.
"""

from __future__ import annotations

import gc
import html
import io
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from folio.html_spans import VOID
from folio.render.pagemap import PageStart, read_page_map
from folio.render.tokens import RAW_TEXT

# The print body's bounds in the page, so the template's own parts can be told from the text.
BODY_START = "<!--folio:text-->"
BODY_END = "<!--folio:end-of-text-->"
# Text (HTML bytes) laid out at once. About 2.5 kB make an A5 page of the bilingual book, so a
# piece is some 160 pages: about 300 MiB of WeasyPrint's boxes.
PIECE_BYTES = 400_000
# The attribute that names a block's place in the text, read back from the layout.
BLOCK = "data-folio-block"
_TAG = re.compile(r"<!--.*?-->|<[!?][^>]*>|<(/?)([a-zA-Z][^\s/>]*)([^>]*)>", re.S)
_MAIN = re.compile(r"<main\b[^>]*>")
_BODY = re.compile(r"<body\b[^>]*>")
_HEAD_END = re.compile(r"</head\s*>")


@dataclass(frozen=True)
class Frame:
    """The page cut where the text goes: the template's parts around the text's blocks."""

    head: str  # up to and with <body>
    front: str  # the front matter: cover, title page, contents
    opening: str  # <main> and the running heads' sources
    blocks: list[str]  # the text's top-level elements, each with the space before it
    closing: str  # </main>
    back: str  # the back cover
    tail: str  # </body></html>

    def page(self, blocks: list[str], front: bool, back: bool, style: str, lead: str = "") -> str:
        """A page of the template with these blocks of the text; `style` added to its head,
        `lead` before the blocks."""
        head = _HEAD_END.sub(lambda end: f"<style>{style}</style>{end.group()}", self.head, 1)
        return "".join(
            [head, self.front if front else "", self.opening, lead, *blocks, self.closing]
            + [self.back if back else "", self.tail]
        )


def frame(html: str) -> Frame | None:
    """The page cut at its text, or None when it has no <main> around the marked text."""
    start, end = html.find(BODY_START), html.find(BODY_END)
    body, main = _BODY.search(html), _MAIN.search(html)
    if min(start, end) < 0 or body is None or main is None or not body.end() <= main.start():
        return None
    closing = re.match(r"\s*</main\s*>", html[end + len(BODY_END) :])
    last = html.rfind("</body")
    blocks = top_level(html[start + len(BODY_START) : end])
    if closing is None or last < end or blocks is None or main.end() > start:
        return None
    back_start = end + len(BODY_END) + closing.end()
    return Frame(
        html[: body.end()],
        html[body.end() : main.start()],
        html[main.start() : start],
        blocks,
        html[end + len(BODY_END) : back_start],
        html[back_start:last],
        html[last:],
    )


def unmarked(html: str) -> str:
    """The page without the text's bounds: as the template wrote it."""
    return html.replace(BODY_START, "", 1).replace(BODY_END, "", 1)


def top_level(html: str) -> list[str] | None:
    """The fragment cut before each top-level element but the first, each element marked with
    its place in the text; None when its tags do not nest (then it is not cut)."""
    starts: list[tuple[int, int]] = []  # each top-level start tag: where, and its name's end
    depth, position = 0, 0
    while match := _TAG.search(html, position):
        position = match.end()
        closing, name, attributes = match.groups()
        if name is None:
            continue
        if closing:
            depth -= 1
            if depth < 0:
                return None
            continue
        if depth == 0:
            starts.append((match.start(), match.start(2) + len(name)))
        name = name.lower()
        if name in VOID or attributes.rstrip().endswith("/"):
            continue
        if name in RAW_TEXT:
            found = html.find(f"</{name}", position)
            position = len(html) if found < 0 else found
        depth += 1
    if depth or not starts:
        return None
    cuts = [0] + [start for start, _ in starts[1:]] + [len(html)]
    return [
        html[cuts[i] : name_end] + f' {BLOCK}="{i}"' + html[name_end : cuts[i + 1]]
        for i, (_, name_end) in enumerate(starts)
    ]


@dataclass
class Part:
    """Pages of the print edition laid out together and written alone, ready to be joined."""

    pdf: bytes
    pages: int
    anchors: set[str]  # the ids on its pages (a link to another part's is joined by name)
    levels: list[tuple[int, bool]]  # its bookmarks' levels and whether open, in order
    starts: list[PageStart]
    numbers: dict[str, int]  # id → the number of its page


@dataclass(frozen=True)
class Carried:
    """What a piece takes over from the pages before it."""

    page: int  # the number of its first page
    footnotes: int = 0
    strings: tuple[tuple[str, str], ...] = ()  # running strings in force, by name


@dataclass(frozen=True)
class Laid:
    """The print edition laid out in parts and joined: as `pdf.render_pdf` returns it."""

    pdf: bytes
    pages: int
    starts: list[PageStart]
    parts: int


LayOut = Callable[[str], Any]  # a page's HTML → a laid-out WeasyPrint document
Write = Callable[[Any], bytes]  # a laid-out WeasyPrint document → its PDF
_ID = re.compile(r"""\sid\s*=\s*["']?([^"'\s>]+)""")


def lay_out_pieces(cut: Frame, lay_out: LayOut, write: Write, limit: int = PIECE_BYTES) -> Laid:
    """The whole edition from pieces of about `limit` bytes of text, its front matter laid out
    again once the pieces have numbered the contents' entries."""
    ids = set(_ID.findall(cut.head + cut.front + "".join(cut.blocks) + cut.back))
    first = len(lay_out(cut.page([], True, False, _front_style({}))).pages)
    for _ in range(3):
        text = _text(cut, lay_out, write, ids, Carried(first), limit)
        numbers = {name: page for part in text for name, page in part.numbers.items()}
        document = lay_out(cut.page([], True, False, _front_style(numbers)))
        if len(document.pages) == first:
            # All but its last page, <main>'s first.
            front = _part(document, document.pages[:-1], write, ids, Carried(1), 0)
            return _joined([front, *text])
        first = len(document.pages)  # the contents took a page more or less: number again
    raise AssertionError("the front matter's length did not settle")


def _text(cut: Frame, lay_out: LayOut, write: Write, ids: set[str], carried: Carried, limit: int):
    """The text's pages, piece by piece, each piece ending where its last clean page begins
    (a piece with none grows by as much again)."""
    parts: list[Part] = []
    start = 0
    while start < len(cut.blocks):
        style, lead = _piece_style(carried), _lead(carried.strings, forced=not start)
        end = start
        found = None
        while found is None:
            end = _piece_end(cut.blocks, end, limit)
            document = lay_out(
                cut.page(cut.blocks[start:end], False, end == len(cut.blocks), style, lead)
            )
            found = (len(document.pages), end) if end == len(cut.blocks) else _cut(document.pages)
        kept, following = found
        pages = document.pages[1:kept]  # the lead page is not the text's
        # The lead block is a child of <main> as a row is: the page map counts it.
        parts.append(_part(document, pages, write, ids, carried, start - 1))
        carried = _carry(pages, carried)
        start = following
        # The boxes hold cycles, and a build collects seldom while it renders (build/pool.py):
        # without this, the pieces' memory would add up.
        del document, pages
        gc.collect()
    return parts


def _piece_end(blocks: list[str], start: int, limit: int) -> int:
    """The block after a piece from `start` of about `limit` bytes (two blocks at least)."""
    size, end = 0, start
    while end < len(blocks) and (size < limit or end < start + 2):
        size += len(blocks[end])
        end += 1
    return end


def _cut(pages: list) -> tuple[int, int] | None:
    """Pages to keep, and the block the next piece starts from: the last page that begins with
    a block of the text, no footnote running over to it (None if none does)."""
    for index in range(len(pages) - 1, 1, -1):
        block = _clean_start(pages[index - 1], pages[index])
        if block is not None:
            return index, block
    return None


def _clean_start(before: Any, page: Any) -> int | None:
    """The block a page begins with, if it begins one (not a block continued from `before`)."""
    if _footnotes(before) or _footnotes(page):
        return None
    top = _text_blocks(page)
    if not top or top[0].element is None or top[0].element.get(BLOCK) is None:
        return None
    if any(box.element is top[0].element for box in _text_blocks(before)):
        return None
    return int(top[0].element.get(BLOCK))


def _text_blocks(page: Any) -> list:
    """The boxes of <main>'s children on a page."""
    for box in page._page_box.descendants():
        if getattr(box, "element_tag", "") == "main":
            return list(box.children)
    return []


def _footnotes(page: Any) -> bool:
    return any(
        type(box).__name__ == "FootnoteAreaBox" and box.children for box in page._page_box.children
    )


def _carry(pages: list, carried: Carried) -> Carried:
    """What the next piece takes over: the page number, the footnotes' count, the strings in
    force after the pages kept."""
    strings = dict(carried.strings)
    notes: set[int] = set()
    for page in pages:
        for box in page._page_box.descendants():
            # A note is counted at its call: its text may be on a later page.
            if (box.element_tag or "").endswith("::footnote-call"):
                notes.add(id(box.element))
            if box.string_set and box.string_set != "none":
                strings.update(box.string_set)
    return Carried(
        carried.page + len(pages), carried.footnotes + len(notes), tuple(strings.items())
    )


def _piece_style(carried: Carried) -> str:
    """A piece's lead page: numbered and sided as the page before its first, counters carried."""
    rules = [
        f"@page :first {{ counter-reset: page {carried.page - 1} }}",
        "main { break-before: auto !important }",
        f"html {{ counter-reset: footnote {carried.footnotes} }}",
    ]
    if carried.page % 2 == 1:
        rules.append("html { break-before: left }")  # the lead page of a right-hand page
    return "\n".join(rules)


def _lead(strings: tuple[tuple[str, str], ...], forced: bool) -> str:
    """A page-high block the text comes after, the running heads' sources above it. The break
    after it is as the text has there: forced where <main> begins, else unforced, so that the
    next page's top margins are cut as mid-text (WeasyPrint keeps them on a first page). It
    sets the running strings as the pages before left them."""
    assignments = ", ".join(f"{name} {_css_string(text)}" for name, text in strings)
    setting = f"; string-set: {html.escape(assignments)}" if strings else ""
    size = "height: 0; break-after: page" if forced else "height: 100vh"
    return f"<div style='{size}; margin: 0{setting}'></div>"


def _front_style(numbers: dict[str, int]) -> str:
    """The contents' page numbers as the pieces found them: print.css's `.toc a::after` asks
    target-counter(), which cannot see another piece (before they are laid out, none)."""
    rules = ['.toc a::after { content: leader(".") }']
    rules += [
        f'.toc a[href={_css_string("#" + name)}]::after {{ content: leader(".") "{page}" }}'
        for name, page in numbers.items()
    ]
    return "\n".join(rules)


def _css_string(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\a ")
    return f'"{escaped}"'


def _part(document: Any, pages: list, write: Write, ids: set[str], carried: Carried, row: int):
    """Some pages of a layout written alone; a link to an id on other pages is kept by name."""
    own = {name for page in pages for name in page.anchors}
    numbers = {}
    for number, page in enumerate(pages, start=carried.page):
        for name in page.anchors:
            numbers.setdefault(name, number)
    elsewhere = {link[1] for page in pages for link in page.links if link[0] == "internal"}
    chosen = document.copy(pages)
    starts = read_page_map(chosen, carried.page, row)
    levels = [(mark[0], mark[3] == "open") for page in pages for mark in page.bookmarks]
    if pages:
        # Stand-ins (dropped when joined) keep WeasyPrint writing links to the other parts.
        pages[0].anchors.update({name: (0, 0, 0, 0) for name in (elsewhere & ids) - own})
    return Part(write(chosen), len(pages), own, levels, starts, numbers)


def _joined(parts: list[Part]) -> Laid:
    """One PDF of the parts' pages, with the whole document's named destinations (each id
    where it is, not a part's stand-in) and bookmarks (nested by level across the parts)."""
    from pypdf import PdfReader, PdfWriter
    from pypdf.generic import ArrayObject, DictionaryObject, NameObject, TextStringObject

    writer = PdfWriter()
    names: dict[str, ArrayObject] = {}
    marks: list[tuple[int, bool, Any, int]] = []  # level, open, destination, page index
    for part in parts:
        reader = PdfReader(io.BytesIO(part.pdf))
        offset = len(writer.pages)
        if not offset:
            writer.add_metadata(reader.metadata or {})
            for key in ("/Lang", "/ViewerPreferences", "/PageMode"):
                if key in reader.trailer["/Root"]:
                    writer._root_object[NameObject(key)] = reader.trailer["/Root"][key]
        for page in reader.pages:
            writer.add_page(page)
        for name, destination in reader.named_destinations.items():
            if name in part.anchors and name not in names:
                index = offset + reader.get_destination_page_number(destination)
                names[name] = _xyz(writer.pages[index].indirect_reference, destination)
        for (level, is_open), mark in zip(part.levels, _flat(reader.outline), strict=True):
            index = offset + reader.get_destination_page_number(mark)
            marks.append((level, is_open, mark, index))
    tree = ArrayObject()
    for name in sorted(names):
        tree += [TextStringObject(name), names[name]]
    dests = writer._add_object(DictionaryObject({NameObject("/Names"): tree}))
    writer._root_object[NameObject("/Names")] = DictionaryObject({NameObject("/Dests"): dests})
    _outline(writer, marks)
    output = io.BytesIO()
    writer.write(output)
    starts = [start for part in parts for start in part.starts]
    return Laid(output.getvalue(), len(writer.pages), starts, len(parts))


def _xyz(page: Any, destination: Any) -> Any:
    from pypdf.generic import ArrayObject, FloatObject, NameObject, NumberObject

    left, top = destination.left or 0, destination.top or 0
    return ArrayObject(
        [page, NameObject("/XYZ"), FloatObject(left), FloatObject(top), NumberObject(0)]
    )


def _flat(outline: list) -> list:
    """An outline's items in document order (pypdf nests children in lists after their parent)."""
    return [
        found for item in outline for found in (_flat(item) if isinstance(item, list) else [item])
    ]


def _outline(writer: Any, marks: list[tuple[int, bool, Any, int]]) -> None:
    """Bookmarks nested as WeasyPrint nests them: under the last one of a lower level."""
    from pypdf.generic import Fit

    open_items: list[tuple[int, Any]] = []
    for level, is_open, destination, index in marks:
        while open_items and open_items[-1][0] >= level:
            open_items.pop()
        parent = open_items[-1][1] if open_items else None
        fit = Fit.xyz(destination.left, destination.top, 0)
        item = writer.add_outline_item(
            title=destination.title, page_number=index, parent=parent, fit=fit, is_open=is_open
        )
        open_items.append((level, item))
