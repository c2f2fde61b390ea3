"""Document → translation units, and units + translations → translated blocks.

One walker serves both directions, so that segmentation and translation visit the same
leaves in the same order. A leaf is a run of inlines that a translator translates whole: a
paragraph, a heading, a list item, a table cell, a caption, a term, a footnote paragraph.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from folio import pandoc
from folio.document import Document, meta_kind
from folio.errors import FolioError, line_of

if TYPE_CHECKING:
    from folio.cache import Table

# Source comments that steer segmentation.
SKIP, END, NOQA, NOTE = "i18n:skip", "i18n:end", "i18n:noqa", "i18n:"
COMMENT = re.compile(r"^\s*<!--\s*(.*?)\s*-->\s*$", re.S)
# A footnote inside a unit is a marker there ([^1], [^2] … counted within the unit, so that a
# note added elsewhere changes no key) and its paragraphs are units of their own.
MARKER = re.compile(r"\[\^(\d+)\]")


@dataclass(frozen=True)
class Unit:
    """One translatable piece: its key is the normalised Markdown (the msgid)."""

    key: str
    kind: str
    notes: tuple[str, ...] = ()  # for the translator, from <!-- i18n: … --> comments
    noqa: tuple[str, ...] = ()  # source checks not to run here: <!-- i18n:noqa check … -->


@dataclass(frozen=True)
class Leaf:
    """What the walker shows a visitor: the kind of block, its inlines, notes for translators."""

    kind: str
    inlines: list[pandoc.Inline]
    notes: tuple[str, ...]
    noqa: tuple[str, ...] = ()


# Returns the leaf's new inlines, or None to keep them.
Visit = Callable[[Leaf], list[pandoc.Inline] | None]


def meta_inlines(doc: Document) -> dict[str, list[pandoc.Inline]]:
    """The translatable front-matter fields that are set, as inlines (one pandoc call)."""
    fields = doc.meta.translatable()
    names = list(fields)
    pieces = pandoc.read_pieces([fields[name] for name in names])
    return {
        name: field_inlines(doc, name, piece) for name, piece in zip(names, pieces, strict=True)
    }


def field_inlines(doc: Document, name: str, blocks: list[pandoc.Block]) -> list[pandoc.Inline]:
    """A front-matter field as inlines: one paragraph, or an error (it would vanish)."""
    inlines = pandoc.one_paragraph(blocks)
    if inlines is None and blocks:
        key = meta_kind(name).rsplit(".", 1)[-1]
        raise FolioError(
            f"front-matter field {name!r} is not one paragraph of text",
            doc.path,
            line_of(doc.path, f"{key}:"),
            hint="write it as one line of text",
        )
    return inlines or []


@dataclass(frozen=True)
class Walked:
    """What a top-level block holds: whether an i18n:skip range is open where it starts, and
    how many units it has."""

    skipping: bool
    units: int


def segment(
    doc: Document, meta: dict[str, list[pandoc.Inline]], memo: Table | None = None
) -> tuple[list[Unit], list[Walked]]:
    """The document's units in reading order: front matter first (one per field of `meta`, in
    its order), then the body; and what each top-level block holds. With `memo`, a unit's key
    written before is not written again."""
    leaves = [Leaf(meta_kind(name), inlines, ()) for name, inlines in meta.items()]

    def collect(leaf: Leaf) -> None:
        leaves.append(leaf)

    walker = Walker(collect)
    walked = []
    for block in doc.blocks:
        skipping, before = walker.skipping, len(leaves)
        walker.block(block, "paragraph")
        walked.append(Walked(skipping, len(leaves) - before))
    keys = normalise([[pandoc.plain(leaf.inlines)] for leaf in leaves], memo)
    units = [
        Unit(key, leaf.kind, leaf.notes, leaf.noqa) for key, leaf in zip(keys, leaves, strict=True)
    ]
    return units, walked


def normalise(pieces: list[list[pandoc.Block]], memo: Table | None = None) -> list[str]:
    """Markdown of each piece, on one line: re-wrapping the source changes no key."""
    written = [readable(piece, curly=paired_curly_quotes(piece)) for piece in pieces]
    return pandoc.write_cached(written, memo, "markdown")


def paired_curly_quotes(piece: list[pandoc.Block]) -> bool:
    """Whether a piece has curly double quotes typed in pairs (pandoc's own reading of a lone
    straight quote is a curly one too: the writer escapes that one, and keys stay as they were)."""
    text = json.dumps(piece)
    return text.count("\\u201c") == text.count("\\u201d") > 0


def readable(node: Any, in_emph: bool = False, curly: bool = True) -> Any:
    """A copy that pandoc's Markdown writer writes so that it reads back the same.

    It writes raw HTML or TeX as `<br>`{=html}, which next to a code span reads as one span,
    and emphasis inside emphasis with the same `*`, which closes the outer one. Raw HTML and TeX
    are written as the author wrote them (pandoc reads them back as raw), inner emphasis with
    `_`; curly quotes typed in the source stay curly.
    """
    if isinstance(node, list):
        return [readable_inline(node, i, in_emph, curly) for i in range(len(node))]
    return node


def readable_inline(siblings: list, index: int, in_emph: bool, curly: bool) -> Any:
    node = siblings[index]
    if not isinstance(node, dict) or "t" not in node:
        return readable(node, in_emph, curly)
    kind = node["t"]
    if kind == "RawInline" and node["c"][0] in ("html", "tex", "latex"):
        return {"t": "RawInline", "c": ["markdown", node["c"][1]]}
    if kind == "Str" and curly and CURLY.search(node["c"]):
        return {"t": "Span", "c": [["", [], []], curly_as_written(node["c"])]}
    if kind == "Emph" and in_emph and not intraword(siblings, index):
        inner = readable(node["c"], True, curly)
        underscore = {"t": "RawInline", "c": ["markdown", "_"]}
        return {"t": "Span", "c": [["", [], []], [underscore, *inner, underscore]]}
    if "c" in node and kind not in ("Str", "Code", "Math", "RawInline", "RawBlock", "CodeBlock"):
        return {**node, "c": readable(node["c"], in_emph or kind == "Emph", curly)}
    return node


# Curly quotes typed in the source: the writer would write them straight, and pandoc would read
# them back as a Quoted pair instead of the characters.
CURLY = re.compile("[\u201c\u201d\u2018]")


def curly_as_written(text: str) -> list[pandoc.Inline]:
    """A Str with each of its curly quotes written as it is (raw Markdown)."""
    parts: list[pandoc.Inline] = []
    for piece in re.split(f"({CURLY.pattern})", text):
        if CURLY.fullmatch(piece):
            parts.append({"t": "RawInline", "c": ["markdown", piece]})
        elif piece:
            parts.append({"t": "Str", "c": piece})
    return parts


def intraword(siblings: list, index: int) -> bool:
    """Whether an inline touches a letter or digit on either side (`_` would not open there)."""
    before = siblings[index - 1] if index > 0 else None
    after = siblings[index + 1] if index + 1 < len(siblings) else None
    return any(
        n is not None and n.get("t") == "Str" and (n["c"][edge:] or n["c"])[:1].isalnum()
        for n, edge in ((before, -1), (after, 0))
    )


def map_leaves(blocks: list[pandoc.Block], visit: Visit) -> list[pandoc.Block]:
    """A copy of `blocks` with each translatable leaf's inlines replaced as `visit` says."""
    return Walker(visit).blocks(blocks, "paragraph")


class Walker:
    """Walks blocks in reading order, skipping i18n:skip ranges and code."""

    def __init__(self, visit: Visit) -> None:
        self.visit = visit
        self.notes: list[str] = []
        self.noqa: list[str] = []
        self.skipping = False

    def blocks(self, blocks: list[pandoc.Block], context: str) -> list[pandoc.Block]:
        return [self.block(block, context) for block in blocks]

    def block(self, block: pandoc.Block, context: str) -> pandoc.Block:
        kind, content = block["t"], block.get("c")
        if kind == "RawBlock":
            self.directive(content)
            return block
        if self.skipping:
            # Without blank lines around it, <!-- i18n:end --> is part of the skipped paragraph.
            for inline in content if kind in ("Para", "Plain") else []:
                if inline["t"] == "RawInline":
                    self.directive(inline["c"])
            return block
        if kind in ("Para", "Plain"):
            return {"t": kind, "c": self.leaf(leaf_kind(context, content), content)}
        if kind == "Header":
            level, attr, inlines = content
            return {"t": kind, "c": [level, attr, self.leaf("heading", inlines)]}
        if kind == "LineBlock":
            return {"t": kind, "c": [self.leaf("line", line) for line in content]}
        if kind == "BlockQuote":
            return {"t": kind, "c": self.blocks(content, "block quote")}
        if kind == "Div":
            return {"t": kind, "c": [content[0], self.blocks(content[1], context)]}
        if kind == "BulletList":
            return {"t": kind, "c": [self.blocks(item, "list item") for item in content]}
        if kind == "OrderedList":
            return {"t": kind, "c": [content[0], [self.blocks(i, "list item") for i in content[1]]]}
        if kind == "DefinitionList":
            return {"t": kind, "c": [self.definition(term, d) for term, d in content]}
        if kind == "Figure":
            attr, (short, caption), body = content
            body = self.blocks(body, "figure")
            return {"t": kind, "c": [attr, [short, self.blocks(caption, "figure caption")], body]}
        if kind == "Table":
            return {"t": kind, "c": self.table(content)}
        return block  # code, rules, raw blocks: not translated

    def directive(self, raw: list[str]) -> None:
        """Act on <!-- i18n:skip -->, <!-- i18n:end --> and <!-- i18n: note -->."""
        text = directive(raw)
        if text == SKIP:
            self.skipping = True
        elif text == END:
            self.skipping = False
        elif text and text.startswith(NOQA) and not self.skipping:
            self.noqa += text[len(NOQA) :].split()
        elif text and not self.skipping:
            self.notes.append(text[len(NOTE) :].strip())

    def definition(self, term: list, definitions: list) -> list:
        return [self.leaf("term", term), [self.blocks(d, "definition") for d in definitions]]

    def table(self, content: list) -> list:
        attr, (short, caption), specs, head, bodies, foot = content
        caption = self.blocks(caption, "table caption")
        head = [head[0], self.rows(head[1])]
        bodies = [[b[0], b[1], self.rows(b[2]), self.rows(b[3])] for b in bodies]
        foot = [foot[0], self.rows(foot[1])]
        return [attr, [short, caption], specs, head, bodies, foot]

    def rows(self, rows: list) -> list:
        return [[attr, [self.cell(cell) for cell in cells]] for attr, cells in rows]

    def cell(self, cell: list) -> list:
        attr, align, rowspan, colspan, blocks = cell
        return [attr, align, rowspan, colspan, self.blocks(blocks, "table cell")]

    def leaf(self, kind: str, inlines: list[pandoc.Inline]) -> list[pandoc.Inline]:
        """Visit one leaf; its footnotes are walked as leaves of their own after it."""
        # Directives written inside a paragraph (no blank line before it): a note is for this
        # paragraph, a skip starts after it; neither is part of the msgid.
        inline = [i["c"] for i in inlines if i["t"] == "RawInline" and directive(i["c"])]
        for raw in inline:
            if directive(raw) not in (SKIP, END):
                self.directive(raw)
        notes, self.notes = tuple(self.notes), []
        noqa, self.noqa = tuple(self.noqa), []
        host, footnotes = take_footnotes(inlines)
        shown = [i for i in host if not (i["t"] == "RawInline" and i["c"] in inline)]
        new = self.visit(Leaf(kind, shown, notes, noqa))
        walked = [self.blocks(blocks, "footnote") for blocks in footnotes]
        for raw in inline:
            if directive(raw) in (SKIP, END):
                self.directive(raw)
        return put_footnotes(host if new is None else new, walked)


def directive(raw: list[str]) -> str | None:
    """The text of an i18n comment ("i18n:skip", "i18n: a note" …) in raw HTML, else None."""
    match = COMMENT.match(raw[1]) if raw[0] == "html" else None
    return match[1] if match and match[1].startswith(NOTE) else None


def leaf_kind(context: str, inlines: list[pandoc.Inline]) -> str:
    """The kind a translator is told: an image alone is its alt text."""
    if len(inlines) == 1 and inlines[0]["t"] == "Image":
        return "image"
    return context


def take_footnotes(inlines: list[pandoc.Inline]) -> tuple[list[pandoc.Inline], list[list]]:
    """The inlines with each Note replaced by a marker [^n], and the notes' blocks in order."""
    found: list[list] = []

    def marker(blocks: list) -> pandoc.Inline:
        found.append(blocks)
        return {"t": "RawInline", "c": ["markdown", f"[^{len(found)}]"]}

    return pandoc.map_notes(inlines, marker), found


def put_footnotes(inlines: list[pandoc.Inline], notes: list[list]) -> list[pandoc.Inline]:
    """The inlines with each marker [^n] (a raw marker, or text a translation kept) a Note again.

    A note whose marker a translation dropped is added at the end, never lost.
    """
    placed: set[int] = set()

    def note(number: int) -> pandoc.Inline | None:
        if 1 <= number <= len(notes) and number not in placed:
            placed.add(number)
            return {"t": "Note", "c": notes[number - 1]}
        return None

    def replace(node: Any) -> Any:
        if isinstance(node, list):
            return [item for child in node for item in expand(child)]
        if isinstance(node, dict) and "c" in node and node.get("t") not in ("Str", "RawInline"):
            return {**node, "c": replace(node["c"])}
        return node

    def expand(node: Any) -> list:
        if isinstance(node, dict) and node.get("t") == "RawInline" and node["c"][0] == "markdown":
            marker = MARKER.fullmatch(node["c"][1])
            found = note(int(marker[1])) if marker else None
            return [found] if found else [node]
        if isinstance(node, dict) and node.get("t") == "Str" and MARKER.search(node["c"]):
            return split_markers(node["c"], note)
        return [replace(node)]

    result = replace(inlines) if notes else inlines
    missing = [n for n in range(1, len(notes) + 1) if n not in placed]
    return result + [{"t": "Note", "c": notes[n - 1]} for n in missing]


def split_markers(text: str, note: Callable[[int], pandoc.Inline | None]) -> list[pandoc.Inline]:
    """A Str like "和平[^1]。" as Str "和平", the Note, Str "。"."""
    parts: list[pandoc.Inline] = []
    position = 0
    for match in MARKER.finditer(text):
        found = note(int(match[1]))
        if found is None:
            continue
        if match.start() > position:
            parts.append({"t": "Str", "c": text[position : match.start()]})
        parts.append(found)
        position = match.end()
    if position < len(text):
        parts.append({"t": "Str", "c": text[position:]})
    return parts
