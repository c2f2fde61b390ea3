"""Where each page of the print edition begins, read from its layout, for the EPUB's page list."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import asdict, dataclass, field
from typing import Any

# Front-matter parts of the print edition that the EPUB has too (blank pages, the imprint and
# the printed contents have no counterpart in its reading order).
FRONT_PARTS = ("cover", "title-page")
# The running head's hidden sources sit in the text's flow but print in the margins.
RUNNING = {"running-title", "running-institute"}
_SPACE = re.compile(r"\s+")
FIRST_WORDS = 8


@dataclass(frozen=True)
class PageStart:
    """Where one print page begins: a front-matter part, or a row of the text at an offset."""

    page: int  # the number printed on the page (the PDF counts from the cover, as it prints)
    part: str  # "cover", "title-page" or "text"
    row: int = 0  # the text's row (1-based, as Edition.rows), for "text"
    lang: str = ""  # the language of that row's text the page begins in
    offset: int = 0  # characters (whitespace left out) of that language's row text before it
    words: str = ""  # the page's first words, for people and tests


@dataclass(frozen=True)
class PageMap:
    """The print edition's page starts, and the key of the PDF they were read from."""

    pdf_key: str = ""
    pages: list[PageStart] = field(default_factory=list)

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, indent=1) + "\n"

    @classmethod
    def from_json(cls, text: str) -> PageMap:
        data = json.loads(text)
        return cls(data["pdf_key"], [PageStart(**page) for page in data["pages"]])


def squeeze(text: str) -> str:
    """Text without whitespace: print and EPUB space Han and Latin differently."""
    return _SPACE.sub("", text)


@dataclass
class _Place:
    """Where the walk of the layout is: the row and language of the current text."""

    row: int = 0
    lang: str = ""
    part: str = ""


def read_page_map(document: Any, first_page: int = 1, rows_before: int = 0) -> list[PageStart]:
    """Each page's start, from a laid-out WeasyPrint document of the print template (or of a
    piece of it: its first page's number, and the rows of the text before its own)."""
    rows = _row_numbers(document, rows_before)
    written: dict[tuple[int, str], int] = {}  # characters of each row's language laid out
    starts = []
    for number, page in enumerate(document.pages, start=first_page):
        first: PageStart | None = None
        words: list[str] = []
        for place, box in _text_boxes(page._page_box, rows, _Place()):
            text = _visible(box)
            if place.part in FRONT_PARTS and first is None:
                first = PageStart(number, place.part)
            if not place.row:
                continue
            key = (place.row, place.lang)
            if first is None and text.strip():
                offset = written.get(key, 0) + len(text) - len(text.lstrip())
                first = PageStart(number, "text", place.row, place.lang, offset)
            if first is not None and first.part == "text" and key == (first.row, first.lang):
                words += text.split()
            written[key] = written.get(key, 0) + len(squeeze(text))
        if first is not None:
            starts.append(_with_words(first, words))
    return starts


def _with_words(start: PageStart, words: list[str]) -> PageStart:
    text = " ".join(words)
    if start.part != "text":
        return start
    # Chinese has no spaces between words: the first characters stand in for them.
    short = " ".join(text.split()[:FIRST_WORDS])
    return PageStart(**{**asdict(start), "words": short[:60]})


def _row_numbers(document: Any, before: int) -> dict[int, int]:
    """The elements of the text's rows (children of <main>, less the running heads) → number."""
    root = document.pages[0]._page_box.children[0].element if document.pages else None
    main = root.find(".//{*}main") if root is not None else None
    if main is None:
        main = root.find(".//main") if root is not None else None
    if main is None:
        return {}
    children = [c for c in main if not RUNNING & set(c.get("class", "").split())]
    return {id(child): number for number, child in enumerate(children, start=before + 1)}


def _text_boxes(box: Any, rows: dict[int, int], place: _Place) -> Iterator[tuple[_Place, Any]]:
    """The page's text boxes in layout order, each with its row, language and front part."""
    # Imported here: WeasyPrint takes 0.35 s to load, and a build with nothing to render
    # imports this module for PageMap alone.
    from weasyprint.formatting_structure.boxes import TextBox

    element = getattr(box, "element", None)
    tag = getattr(box, "element_tag", None) or ""
    if "::" in tag:
        return  # markers, counters and generated text are not the text's own
    if element is not None:
        classes = set((element.get("class") or "").split())
        if "footnote" in classes or RUNNING & classes:
            return  # notes print in the footnote area, in their own order
        if id(element) in rows:
            place = _Place(rows[id(element)], element.get("lang") or place.lang, "")
        elif element.get("lang"):
            place = _Place(place.row, element.get("lang"), place.part)
        front = [part for part in FRONT_PARTS if part in classes]
        if front:
            place = _Place(0, place.lang, front[0])
    if isinstance(box, TextBox):
        yield place, box
        return
    for child in getattr(box, "children", ()):
        yield from _text_boxes(child, rows, place)


def _visible(box: Any) -> str:
    """A text box's text, less the hyphen WeasyPrint adds where it breaks a word."""
    text = box.text
    hyphen = box.style["hyphenate_character"]
    if box.style["hyphens"] != "none" and hyphen and text.endswith(hyphen):
        text = text[: -len(hyphen)]
    return text


# ---- marking the starts in the EPUB's text ------------------------------------------------------

# Inline elements whose text the print edition does not show in the line (notes print at the foot
# of the page, images are pictures, raw HTML is markup).
_UNCOUNTED = {"Note", "Image", "RawInline", "RawBlock"}
_INLINE = {
    "Str",
    "Emph",
    "Underline",
    "Strong",
    "Strikeout",
    "Superscript",
    "Subscript",
    "SmallCaps",
    "Quoted",
    "Cite",
    "Code",
    "Space",
    "SoftBreak",
    "LineBreak",
    "Math",
    "RawInline",
    "Link",
    "Image",
    "Note",
    "Span",
}
_LETTER = re.compile(r"[A-Za-z\u00c0-\u024f]")


def marker(number: int, inline: bool) -> dict[str, Any]:
    """A page break as EPUB 3 and DPUB-ARIA mark it: empty, with the page's number as its name."""
    tag = "span" if inline else "div"
    html = (
        f'<{tag} epub:type="pagebreak" role="doc-pagebreak" id="page-{number}"'
        f' aria-label="{number}"></{tag}>'
    )
    return {"t": "RawInline" if inline else "RawBlock", "c": ["html", html]}


@dataclass
class _Seek:
    """The walk of one row toward a start: the language counted, characters passed, the goal."""

    lang: str
    offset: int
    number: int
    passed: int = 0
    done: bool = False


def mark_start(row: dict[str, Any], start: PageStart, lang: str) -> list[dict[str, Any]] | None:
    """The row with the page's marker where the page's text begins (a block before it, if the
    text there cannot hold one), or None if the row's text is shorter than the offset.

    `lang` is the language around the row; the row is changed in place.
    """
    seek = _Seek(start.lang, start.offset, start.page)
    holder = [row]
    _seek_list(holder, lang, seek)
    return holder if seek.done else None


def _seek_list(items: list[Any], lang: str, seek: _Seek) -> None:
    index = 0
    while index < len(items) and not seek.done:
        item = items[index]
        if isinstance(item, list):
            _seek_list(item, lang, seek)
        elif isinstance(item, dict) and "t" in item:
            index += _seek_node(items, index, lang, seek)
        index += 1


def _seek_node(items: list[Any], index: int, lang: str, seek: _Seek) -> int:
    """Visit one node of `items`; returns how many nodes it inserted before the next one."""
    node = items[index]
    kind = node["t"]
    if kind in _UNCOUNTED:
        return 0
    from folio.render.compose import attr_lang

    lang = attr_lang(node) or lang
    text = _leaf_text(node)
    if text is not None:
        return _seek_text(items, index, text, lang, seek)
    if kind == "Quoted" and lang == seek.lang:
        # The writer prints the quotation marks: one character each, counted in print.
        if seek.passed == seek.offset:
            items.insert(index, marker(seek.number, True))
            seek.done = True
            return 1
        seek.passed += 1
    _seek_list(node.get("c") if isinstance(node.get("c"), list) else [], lang, seek)
    if kind == "Quoted" and lang == seek.lang and not seek.done:
        seek.passed += 1
    return 0


def _leaf_text(node: dict[str, Any]) -> str | None:
    """The text of a leaf that prints text (Str, Code, CodeBlock, Math), else None."""
    kind = node["t"]
    if kind == "Str":
        return node["c"]
    if kind in ("Code", "CodeBlock", "Math"):
        return node["c"][1]
    return None


def _seek_text(items: list[Any], index: int, text: str, lang: str, seek: _Seek) -> int:
    size = len(squeeze(text))
    if lang != seek.lang or seek.passed + size <= seek.offset:
        seek.passed += size if lang == seek.lang else 0
        return 0
    node, inline = items[index], items[index]["t"] in _INLINE
    within = seek.offset - seek.passed
    seek.done = True
    split = _split_point(text, within) if node["t"] == "Str" else 0
    if split == 0:
        items.insert(index, marker(seek.number, inline))
        return 1
    head, tail = {"t": "Str", "c": text[:split]}, {"t": "Str", "c": text[split:]}
    items[index : index + 1] = [head, marker(seek.number, True), tail]
    return 2


def _split_point(text: str, within: int) -> int:
    """Where in a Str the page begins: at the `within`-th visible character, or at the start of
    the word when a Latin word is broken across the pages (the marker stays out of words)."""
    seen = 0
    for position, char in enumerate(text):
        if seen == within:
            before = text[position - 1] if position else ""
            if _LETTER.match(before) and _LETTER.match(char):
                return 0
            return position
        seen += 0 if char.isspace() else 1
    return len(text)
