"""An edition as HTML fragments (front matter, contents, print body, web body), written row by
row: a row that was written before, from the same texts at the same place, is taken from the
build's memo, and pandoc writes only the others, in one call."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from folio import pandoc
from folio.cache import Table
from folio.edition import Edition, Row
from folio.render.anchors import RESERVED, all_ids, unique_ids
from folio.render.compose import (
    Heading,
    HtmlParts,
    attr_lang,
    autospace,
    break_at_quotes,
    entry_inlines,
    lang_attrs,
    meta_keys,
    notes_in_place,
    own_ids,
    row_block,
)

# Nodes that hold no other node: the walks pass them by.
TEXT = frozenset({"Str", "Space", "SoftBreak", "LineBreak", "Math", "Code", "RawInline"})
NOTE_REF = (
    '<a href="#fn{n}" class="footnote-ref" id="fnref{n}" role="doc-noteref"><sup>{n}</sup></a>'
)
NOTE_BACK = '<a href="#fnref{n}" class="footnote-back" role="doc-backlink">\u21a9\ufe0e</a>'


def meta_html(edition: Edition) -> dict[tuple[str, str], str]:
    """The front matter alone as HTML, per field and language."""
    keys = meta_keys(edition)
    return dict(
        zip(keys, pandoc.write_cached(meta_pieces(edition, keys), None, "html5"), strict=True)
    )


def meta_pieces(edition: Edition, keys: list[tuple[str, str]]) -> list[list[pandoc.Block]]:
    """The front-matter fields to write, one piece each (a note there has nowhere to go)."""
    return [[pandoc.plain(without_notes(edition.meta_text(*key)))] for key in keys]


def without_notes(inlines: list[pandoc.Inline]) -> list[pandoc.Inline]:
    return [inline for inline in inlines if inline["t"] != "Note"]


@dataclass(frozen=True)
class Shape:
    """What of a row its neighbours depend on: its ids, its unnamed code blocks and notes
    (pandoc numbers those through the body)."""

    ids: tuple[str, ...]
    codes: int
    notes: int


@dataclass(frozen=True)
class RowHtml:
    """One row written: for print (with its breaks at quotation marks), for the web, its notes
    (language, HTML), its contents entry."""

    printed: str
    web: str
    notes: tuple[tuple[str, str], ...]
    entry: Heading | None


def html_parts(edition: Edition, web: bool = True, cache: Table | None = None) -> HtmlParts:
    """Front matter, headings, the print body and (if asked for) the web body as HTML."""
    memo = cache if cache is not None else Table(None)
    keys = meta_keys(edition)
    meta = pandoc.write_cached(meta_pieces(edition, keys), memo, "html5")
    blocks = Blocks(edition)
    names = [row_name(memo, i, row, blocks) for i, row in enumerate(edition.rows)]
    shapes = [shape_of(memo, name, blocks, i) for i, name in enumerate(names)]
    if not ids_unique(shapes, own_ids(edition)):
        # Rare (a bilingual edition repeating a raw id, say): renamed through the whole body.
        blocks.made = unique_ids([blocks[i] for i in range(len(names))], own_ids(edition))
        names = [memo.key("block", pandoc.piece_json([block])) for block in blocks.made]
    rows = write_rows(edition.primary, web, blocks, names, shapes, memo)
    notes = [note for row in rows for note in row.notes]
    return HtmlParts(
        dict(zip(keys, meta, strict=True)),
        "\n".join(row.web for row in rows) + notes_section(notes, edition.primary) if web else "",
        [row.entry for row in rows if row.entry],
        "\n".join(row.printed for row in rows),
    )


class Blocks:
    """The edition's rows as blocks, each made when first asked for: a row taken whole from
    the memo needs none."""

    def __init__(self, edition: Edition) -> None:
        self.edition = edition
        self.made: list[pandoc.Block | None] = [None] * len(edition.rows)

    def __getitem__(self, index: int) -> pandoc.Block:
        if self.made[index] is None:
            self.made[index] = row_block(index + 1, self.edition.rows[index])
        return self.made[index]


def row_name(memo: Table, index: int, row: Row, blocks: Blocks) -> str:
    """What a row is made from: its place and its texts (by the keys the alignment kept them
    under; a text kept under none, by its content)."""
    if all(text.key for text in row.texts):
        texts = [f"{text.lang}:{text.fallback}:{text.key}" for text in row.texts]
        return memo.key("row", str(index + 1), row.kind, *texts)
    return memo.key("block", pandoc.piece_json([blocks[index]]))


def shape_of(memo: Table, name: str, blocks: Blocks, index: int) -> Shape:
    # A row's name is a digest of the memo already (salted): its entries are named after it.
    key = f"{name}\0shape"
    found = memo.get(key)
    if found is None:
        block = blocks[index]
        found = Shape(tuple(all_ids(block)), count(block, code_without_id), count(block, is_note))
        memo.put(key, found)
    return found


def ids_unique(shapes: list[Shape], own: set[str]) -> bool:
    """Whether no id repeats or is a writer's: then renaming would change nothing."""
    seen: set[str] = set()
    for shape in shapes:
        for ident in shape.ids:
            if ident in own:
                continue
            if ident in seen or RESERVED.fullmatch(ident):
                return False
            seen.add(ident)
    return True


def write_rows(
    lang: str,
    web: bool,
    blocks: Blocks,
    names: list[str],
    shapes: list[Shape],
    memo: Table,
) -> list[RowHtml]:
    """Each row's HTML: from the memo, or written (all such rows in one pandoc call)."""
    found: list[RowHtml | None] = []
    pending: list[tuple[int, str, list[list[pandoc.Block]], list[str], bool]] = []
    codes = notes = 0
    for index, (name, shape) in enumerate(zip(names, shapes, strict=True)):
        # A row's numbers depend on the rows before it only when it has something numbered.
        place = [str(codes) if shape.codes else "", str(notes) if shape.notes else ""]
        key = "\0".join((name, "html", lang, str(web), *place))
        hit = memo.get(key)
        found.append(hit)
        if hit is None:
            pending.append((index, key, *row_pieces(blocks[index], lang, web, codes, notes)))
        codes += shape.codes
        notes += shape.notes
    pieces = [piece for _, _, row, _, _ in pending for piece in row]
    written = iter(pandoc.write_cached(pieces, None, "html5"))
    for index, key, row, note_langs, entry in pending:
        html = [next(written) for _ in row]
        found[index] = made = row_html(blocks[index], html, note_langs, web, entry)
        memo.put(key, made)
    return [row for row in found if row is not None]


def row_pieces(
    block: pandoc.Block, lang: str, web: bool, codes: int, notes: int
) -> tuple[list[list[pandoc.Block]], list[str], bool]:
    """What pandoc writes of one row: its print block, web block, notes, contents entry; the
    languages of its notes, and whether it has an entry."""
    block = number_code_blocks(block, codes)
    pieces = [[autospace(notes_in_place(block), lang)]]
    note_langs: list[str] = []
    if web:
        web_block, found = notes_at_end(block, lang, notes)
        pieces.append([web_block])
        pieces += [blocks for _, blocks in found]
        note_langs = [note_lang for note_lang, _ in found]
    entry = block["t"] == "Header" and bool(block["c"][1][0])
    if entry:
        pieces.append([pandoc.plain(entry_inlines(block["c"][2]))])
    return pieces, note_langs, entry


def row_html(
    block: pandoc.Block, html: list[str], note_langs: list[str], web: bool, entry: bool
) -> RowHtml:
    printed, rest = html[0], html[1:]
    web_html, rest = (rest[0], rest[1:]) if web else ("", rest)
    notes = tuple(zip(note_langs, rest[: len(note_langs)], strict=True))
    heading = None
    if entry:
        level, attr, _ = block["c"]
        heading = Heading(attr[0], level, rest[-1])
    # Each row's breaks at quotation marks are made once: no break spans two rows (a line
    # break parts them).
    return RowHtml(break_at_quotes(printed), web_html, notes, heading)


def count(node: Any, wanted) -> int:
    """How many nodes of a tree `wanted` says yes to."""
    if isinstance(node, list):
        return sum(count(child, wanted) for child in node)
    if not isinstance(node, dict) or "c" not in node or node["t"] in TEXT:
        return 0
    return int(wanted(node)) + count(node["c"], wanted)


def code_without_id(node: pandoc.Block) -> bool:
    return node["t"] == "CodeBlock" and not node["c"][0][0]


def is_note(node: pandoc.Inline) -> bool:
    return node["t"] == "Note"


def number_code_blocks(block: pandoc.Block, start: int) -> pandoc.Block:
    """A row with an id on each code block that has none, numbered on from `start` as pandoc
    numbers them through a document (cb1, cb2 …): the rows are written in several calls."""
    number = start

    def walk(node: Any) -> Any:
        nonlocal number
        if isinstance(node, list):
            return [walk(child) for child in node]
        if not isinstance(node, dict) or "c" not in node or node["t"] in TEXT:
            return node
        if code_without_id(node):
            number += 1
            (_, classes, attrs), code = node["c"]
            return {"t": "CodeBlock", "c": [[f"cb{number}", classes, attrs], code]}
        return {**node, "c": walk(node["c"])}

    return walk(block)


def notes_at_end(
    block: pandoc.Block, lang: str, start: int
) -> tuple[pandoc.Block, list[tuple[str, list[pandoc.Block]]]]:
    """A row for the web with each footnote replaced by its call, numbered on from `start`;
    and the notes, each with the language of the text that calls it."""
    notes: list[tuple[str, list[pandoc.Block]]] = []

    def walk(node: Any, lang: str) -> Any:
        if isinstance(node, list):
            return [walk(child, lang) for child in node]
        if not isinstance(node, dict) or "c" not in node or node["t"] in TEXT:
            return node
        if node["t"] == "Note":
            number = start + len(notes) + 1
            notes.append((lang, with_backlink(node["c"], number)))
            return {"t": "RawInline", "c": ["html", NOTE_REF.format(n=number)]}
        return {**node, "c": walk(node["c"], attr_lang(node) or lang)}

    return walk(block, lang), notes


def with_backlink(blocks: list[pandoc.Block], number: int) -> list[pandoc.Block]:
    """A note's blocks with the link back to its call at the end of its last paragraph."""
    back = {"t": "RawInline", "c": ["html", NOTE_BACK.format(n=number)]}
    if blocks and blocks[-1]["t"] in ("Para", "Plain"):
        last = blocks[-1]
        return [*blocks[:-1], {"t": last["t"], "c": [*last["c"], back]}]
    return [*blocks, {"t": "Para", "c": [back]}]


def notes_section(notes: list[tuple[str, str]], page_lang: str) -> str:
    """The web page's notes, at its end as pandoc sets them; nothing when there are none."""
    if not notes:
        return ""
    items = []
    for number, (lang, html) in enumerate(notes, start=1):
        attrs = lang_attrs(lang, False) if lang != page_lang else {}
        attributes = "".join(f' {name}="{value}"' for name, value in attrs.items())
        items.append(f'<li id="fn{number}"{attributes}>{html}</li>')
    return (
        '\n<section id="footnotes" class="footnotes footnotes-end-of-document"'
        ' role="doc-endnotes">\n<hr />\n<ol>\n' + "\n".join(items) + "\n</ol>\n</section>"
    )
