"""Edition → pandoc AST: the language-tagged body that the HTML, print and EPUB renderers share."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from folio import pandoc
from folio.document import TRANSLATABLE_META
from folio.edition import Edition, Row, Text
from folio.render.anchors import unique_ids
from folio.render.xhtml import raw_as_xhtml
from folio.script import CLOSING_MARKS, HAN, OPENING_MARKS, is_chinese
from folio.ui import direction

QUOTES = {"DoubleQuote": "\u201c\u201d", "SingleQuote": "\u2018\u2019"}


def lang_attrs(lang: str, xml: bool) -> dict[str, str]:
    """`lang` (and `xml:lang` for XHTML, the EPUB's), with `dir="rtl"` for Arabic, Hebrew …"""
    attrs = {"lang": lang, "xml:lang": lang} if xml else {"lang": lang}
    if direction(lang) == "rtl":
        attrs["dir"] = "rtl"
    return attrs


def body(edition: Edition, xml: bool = False) -> list[pandoc.Block]:
    """The text, one unit per row; bilingual editions interleave each unit's languages."""
    blocks = [row_block(number, row, xml) for number, row in enumerate(edition.rows, start=1)]
    blocks = unique_ids(blocks, own_ids(edition))
    return raw_as_xhtml(blocks) if xml else blocks


def row_block(number: int, row: Row, xml: bool = False) -> pandoc.Block:
    """One row as a block: a unit, a pair of halves, or a heading holding every language."""
    if len(row.texts) > 1 and row.kind == "Header":
        return bilingual_heading(row, xml)
    if len(row.texts) > 1:
        # Anchors per pair and per half: layouts and readers find a unit's languages by them.
        halves = [
            pandoc.div([unit(text, xml, role)], f"u{number}-{text.lang}", ["half"])
            for text, role in zip(row.texts, roles(row), strict=True)
        ]
        return pandoc.div(halves, f"u{number}", ["pair"])
    return unit(row.texts[0], xml, "primary", f"u{number}")


def own_ids(edition: Edition) -> set[str]:
    """The ids folio gives the body's rows and halves (u3, u3-en)."""
    rows = range(1, len(edition.rows) + 1)
    return {f"u{n}" for n in rows} | {f"u{n}-{lang}" for n in rows for lang in edition.languages}


def roles(row: Row) -> list[str]:
    return ["primary"] + ["secondary"] * (len(row.texts) - 1)


def unit(text: Text, xml: bool, role: str, ident: str = "") -> pandoc.Block:
    """One language's version of a unit, tagged with its language; a heading keeps its own id
    (the source's, in every edition), any other unit takes `ident`."""
    classes = ["unit", role] + (["fallback"] if text.fallback else [])
    if len(text.blocks) == 1 and text.blocks[0]["t"] == "Header":
        return tag_header(text.blocks[0], text.lang, xml, classes)
    return pandoc.div(text.blocks, ident, classes=classes, **lang_attrs(text.lang, xml))


def tag_header(header: pandoc.Block, lang: str, xml: bool, classes: list[str]) -> pandoc.Block:
    level, (ident, old_classes, attrs), inlines = header["c"]
    attrs = [*attrs, *lang_attrs(lang, xml).items()]
    return {"t": "Header", "c": [level, [ident, old_classes + classes, attrs], inlines]}


def bilingual_heading(row: Row, xml: bool) -> pandoc.Block:
    """One heading holding every language, so that contents and bookmarks list it once."""
    first = row.texts[0].blocks[0]
    level, attr, _ = first["c"]
    inlines: list[pandoc.Inline] = []
    for text, role in zip(row.texts, roles(row), strict=True):
        if inlines:
            inlines.append({"t": "LineBreak"})
        header_inlines = text.blocks[0]["c"][2]
        inlines.append(pandoc.span(header_inlines, [role], **lang_attrs(text.lang, xml)))
    return {"t": "Header", "c": [level, attr, inlines]}


@dataclass(frozen=True)
class Heading:
    """A heading of the text, for contents: its anchor, level, and text as HTML."""

    ident: str
    level: int
    html: str


@dataclass(frozen=True)
class HtmlParts:
    """An edition as HTML fragments: front-matter fields per language, headings, and the body."""

    meta: dict[tuple[str, str], str]
    body: str  # for the web page; empty when the build makes none
    headings: list[Heading] = field(default_factory=list)
    # The body for print: each footnote's text where it is called, for float: footnote.
    print_body: str = ""

    def field(self, name: str, lang: str) -> str:
        return self.meta.get((name, lang), "")


def meta_keys(edition: Edition) -> list[tuple[str, str]]:
    """The (field, language) pairs of the front matter that have a text."""
    keys = [(name, lang) for lang in edition.languages for name in TRANSLATABLE_META]
    return [key for key in keys if edition.meta_text(*key)]


LATIN = "A-Za-z0-9"
_HAN_LATIN = re.compile(f"(?<=[{HAN}])(?=[{LATIN}])|(?<=[{LATIN}])(?=[{HAN}])")


def autospace(node: Any, lang: str) -> Any:
    """Chinese text with one space (a quarter em in the CJK face) wherever Han characters meet
    Latin letters or digits, whatever the source had there (clreq; WeasyPrint ignores
    text-autospace)."""
    if isinstance(node, list):
        if (
            node
            and all(isinstance(item, dict) and "t" in item for item in node)
            and is_chinese(lang)
        ):
            return space_inlines([autospace(item, lang) for item in node])
        return [autospace(item, lang) for item in node]
    if (
        isinstance(node, dict)
        and "c" in node
        and node["t"] not in ("Code", "CodeBlock", "RawInline")
    ):
        return {**node, "c": autospace(node["c"], attr_lang(node) or lang)}
    return node


# Where Unicode 15.1's line breaking (UAX #14, LB19a) allows a break at a quotation mark set
# among East Asian characters: before an opening mark that follows a Han character or a closing
# mark, after a closing mark that a Han character or an opening mark follows. clreq's rules
# hold: no line starts with a closing mark or ends with an opening one.
_QUOTE_BREAK = re.compile(
    f"(?<=[{HAN}{CLOSING_MARKS}])(?=[\u201c\u2018])|(?<=[\u201d\u2019])(?=[{HAN}{OPENING_MARKS}])"
)
_TAG = re.compile(r"(<[^>]*>)")


def break_at_quotes(html: str) -> str:
    """The print body with a zero-width space at each such break. Pango 1.50 follows the older
    rule (never break beside a quotation mark), which leaves runs like “甲”、“乙”、“丙” unbreakable
    and the line before them very short; the zero-width space is neither drawn nor extracted."""
    chunks = _TAG.split(html)
    # Odd chunks are tags: only text between them changes.
    return "".join(
        chunk if index % 2 else _QUOTE_BREAK.sub("\u200b", chunk)
        for index, chunk in enumerate(chunks)
    )


def space_inlines(inlines: list[pandoc.Inline]) -> list[pandoc.Inline]:
    """Split Str at Han–Latin boundaries and join neighbours across them with a Space."""
    spaced: list[pandoc.Inline] = []
    for inline in inlines:
        parts = _HAN_LATIN.split(inline["c"]) if inline["t"] == "Str" else None
        pieces = [{"t": "Str", "c": part} for part in parts] if parts else [inline]
        for piece in pieces:
            if spaced and _HAN_LATIN.match(edge(spaced[-1], -1) + edge(piece, 0), 1):
                spaced.append({"t": "Space"})
            spaced.append(piece)
    return spaced


def edge(inline: pandoc.Inline, side: int) -> str:
    """The first (side 0) or last (side -1) character of an inline's text, or ""."""
    if inline["t"] == "Str":
        return inline["c"][side] if inline["c"] else ""
    content = pandoc.children(inline)
    return edge(content[side], side) if content else ""


def notes_in_place(node: Any) -> Any:
    """A copy with each footnote as a span of its text at the call (class "footnote")."""
    return pandoc.map_notes(node, lambda blocks: pandoc.span(note_inlines(blocks), ["footnote"]))


def note_inlines(blocks: list[pandoc.Block]) -> list[pandoc.Inline]:
    """A note's blocks as one run of inlines, its paragraphs joined by line breaks."""
    inlines: list[pandoc.Inline] = []
    for block in blocks:
        if block["t"] in ("Para", "Plain", "Header"):
            content = block["c"][2] if block["t"] == "Header" else block["c"]
        elif block["t"] == "CodeBlock":
            content = [{"t": "Code", "c": block["c"]}]
        elif block["t"] in ("BulletList", "OrderedList", "BlockQuote", "Div"):
            items = block["c"] if block["t"] in ("BulletList", "BlockQuote") else block["c"][1]
            nested = items if block["t"] == "BlockQuote" else [b for item in items for b in item]
            content = note_inlines(nested)
        else:
            continue
        if inlines and content:
            inlines.append({"t": "LineBreak"})
        inlines += content
    return inlines


def entry_inlines(inlines: list[pandoc.Inline]) -> list[pandoc.Inline]:
    """A heading's inlines for a contents entry, itself a link: no notes, links unwrapped."""
    entry: list[pandoc.Inline] = []
    for inline in inlines:
        if inline["t"] == "Note":
            continue
        content = pandoc.children(inline)
        if inline["t"] == "Link":
            entry += entry_inlines(content)
        elif content is not None:
            entry.append(pandoc.with_children(inline, entry_inlines(content)))
        else:
            entry.append(inline)
    return entry


def characters_by_language(blocks: list[pandoc.Block], lang: str) -> dict[str, set[str]]:
    """The characters of the text in each language, following `lang` attributes down the tree."""
    found: dict[str, set[str]] = {}
    walk_text(blocks, lang, found)
    return found


def walk_text(node: object, lang: str, found: dict[str, set[str]]) -> None:
    if isinstance(node, list):
        for child in node:
            walk_text(child, lang, found)
    elif isinstance(node, dict) and "t" in node:
        if node["t"] == "Str":
            found.setdefault(lang, set()).update(node["c"])
            return
        if node["t"] == "Quoted":
            # The writer adds the quotation marks: they are in no Str.
            found.setdefault(lang, set()).update(QUOTES[node["c"][0]["t"]])
        lang = attr_lang(node) or lang
        walk_text(node.get("c"), lang, found)


def attr_lang(node: pandoc.Block) -> str | None:
    """The `lang` attribute of a Div, Span or Header, if any."""
    content = node.get("c")
    attr = None
    if node["t"] in ("Div", "Span"):
        attr = content[0]
    elif node["t"] == "Header":
        attr = content[1]
    return dict(attr[2]).get("lang") if attr else None
