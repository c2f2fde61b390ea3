"""The calls folio makes to pandoc (from pypandoc-binary), each once per document and step."""

from __future__ import annotations

import functools
import itertools
import json
import re
import secrets
import subprocess
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from pathlib import Path

    from folio.cache import Table

Block = dict[str, Any]
Inline = dict[str, Any]

API_VERSION = [1, 23, 1]
# A raw block that no writer changes: pieces written together are split at it again. Random, so
# that no text (a translator's msgstr) can hold it and shift every later piece.
_SEPARATOR = f"<!--folio:piece:{secrets.token_hex(16)}-->"
# Markdown that folio reads: pandoc's own, without YAML (folio reads front matter itself).
READ_FORMAT = "markdown-yaml_metadata_block"


def version() -> str:
    import pypandoc  # its import looks for pandoc: only when a build calls pandoc

    return pypandoc.get_pandoc_version()


@functools.cache
def executable() -> str:
    """The pandoc that pypandoc-binary ships. folio runs it itself: pypandoc's convert_text
    starts pandoc three more times a call to list its formats and version (26 starts in a build
    of the seed, 0.5 s of CPU)."""
    import pypandoc

    return pypandoc.get_pandoc_path()


def run(args: list[str], text: str) -> str:
    """pandoc with `args`, `text` on its standard input; its standard output."""
    completed = subprocess.run(
        [executable(), *args], input=text.encode("utf-8"), capture_output=True, check=False
    )
    if completed.returncode != 0:
        error = completed.stderr.decode("utf-8", errors="replace").strip()
        raise RuntimeError(f"pandoc {' '.join(args)} failed ({completed.returncode}): {error}")
    return completed.stdout.decode("utf-8")


# Deeper JSON than this (about 60 levels of nested lists or quotes) is refused: folio walks
# the AST recursively, and Python's json module already fails at about 1,000.
MAX_DEPTH = 240


class TooDeep(ValueError):
    """The text nests lists, quotes or divs deeper than folio handles."""


def read_markdown(text: str, east_asian: bool = False, figures: bool = True) -> list[Block]:
    """Parse Markdown into pandoc AST blocks."""
    fmt = READ_FORMAT + ("+east_asian_line_breaks" if east_asian else "")
    fmt += "" if figures else "-implicit_figures"
    output = run([f"--from={fmt}", "--to=json"], text)
    # The document is one level above its blocks.
    if depth(output) - 1 > MAX_DEPTH:
        raise TooDeep()
    try:
        return json.loads(output)["blocks"]
    except RecursionError:
        raise TooDeep() from None


_STRINGS = re.compile(r'"(?:[^"\\]|\\.)*"')
_NOT_BRACKETS = re.compile(r"[^\[\]{}]+")
_STEP = {"[": 1, "{": 1, "]": -1, "}": -1}


def depth(json_text: str) -> int:
    """How deeply lists and objects nest in a JSON text (its strings left out), read at the
    regular expressions' speed: a walk of the parsed value took a tenth of a book's build."""
    brackets = _NOT_BRACKETS.sub("", _STRINGS.sub("", json_text))
    return max(itertools.accumulate(map(_STEP.__getitem__, brackets)), default=0)


def document(blocks: list[Block], meta: dict[str, Any] | None = None) -> dict[str, Any]:
    """A pandoc AST document from blocks and metadata."""
    return {"pandoc-api-version": API_VERSION, "meta": meta or {}, "blocks": blocks}


def write(doc: dict[str, Any], fmt: str, args: list[str] | None = None) -> str:
    """Convert an AST document with pandoc; its output."""
    return run(["--from=json", f"--to={fmt}", *(args or [])], json.dumps(doc))


def convert(path: Path, fmt: str, args: list[str], outputfile: str) -> None:
    """Convert the AST document in `path` (pandoc's JSON) into `outputfile`."""
    run(["--from=json", f"--to={fmt}", f"--output={outputfile}", *args, str(path)], "")


def write_pieces(pieces: list[list[Block]], fmt: str, args: list[str] | None = None) -> list[str]:
    """Write many block lists in one pandoc call; returns one string per piece."""
    blocks: list[Block] = []
    for piece in pieces:
        blocks.extend(piece)
        blocks.append({"t": "RawBlock", "c": ["html", _SEPARATOR]})
    text = write(document(blocks), fmt, args)
    parts = [part.strip("\n") for part in text.split(_SEPARATOR)]
    # What a writer puts after everything (HTML's footnotes section) belongs to the last piece.
    tail = "\n".join(part for part in parts[len(pieces) :] if part)
    if tail and pieces:
        parts[len(pieces) - 1] += "\n" + tail
    return parts[: len(pieces)]


WRAP_NONE = ("--wrap=none",)


def write_cached(
    pieces: list[list[Block]],
    table: Table | None,
    fmt: str,
    args: tuple[str, ...] = ("--wrap=none",),
) -> list[str]:
    """Each piece in `fmt`, as write_pieces writes it, from `table` when written before. A
    piece must read the same alone as among others: no footnotes and no code block without an
    id (pandoc numbers both through a call)."""
    if table is None:
        return write_batches(pieces, fmt, list(args))
    keys = [table.key(fmt, *args, piece_json(piece)) for piece in pieces]
    found = [table.get(key) for key in keys]
    missing = [i for i, text in enumerate(found) if text is None]
    if missing:
        written = write_batches([pieces[i] for i in missing], fmt, list(args))
        for i, text in zip(missing, written, strict=True):
            table.put(keys[i], text)
            found[i] = text
    return [text or "" for text in found]


# Pieces written in one pandoc call: few calls (each starts pandoc), yet a bounded document,
# whose JSON and HTML a long book's build would otherwise hold whole at once (pandoc too).
BATCH = 1000


def write_batches(pieces: list[list[Block]], fmt: str, args: list[str]) -> list[str]:
    """Independent pieces (see write_cached) written BATCH to a pandoc call."""
    return [
        text
        for start in range(0, len(pieces), BATCH)
        for text in write_pieces(pieces[start : start + BATCH], fmt, args)
    ]


def piece_json(piece: list[Block]) -> str:
    return json.dumps(piece, ensure_ascii=False, separators=(",", ":"))


def read_pieces(texts: list[str], east_asian: bool = False) -> list[list[Block]]:
    """Parse many units' Markdown in one pandoc call; returns one block list per text.

    An image alone is a unit's inline content here, not one of pandoc's implicit figures.
    """
    joined = "".join(f"{text}\n\n{_SEPARATOR}\n\n" for text in texts)
    pieces: list[list[Block]] = [[]]
    for block in read_markdown(joined, east_asian, figures=False):
        if block == {"t": "RawBlock", "c": ["html", _SEPARATOR]}:
            pieces.append([])
        else:
            pieces[-1].append(block)
    if len(pieces) != len(texts) + 1:
        # A text left an HTML comment or element open, and it swallowed a separator: read
        # each text alone (no text can make a separator: it is random).
        return [read_markdown(text, east_asian, figures=False) for text in texts]
    return pieces[: len(texts)]


def plain(inlines: list[Inline]) -> Block:
    return {"t": "Plain", "c": inlines}


def div(
    blocks: list[Block], ident: str = "", classes: list[str] | None = None, **attrs: str
) -> Block:
    return {"t": "Div", "c": [[ident, classes or [], list(attrs.items())], blocks]}


def span(inlines: list[Inline], classes: list[str] | None = None, **attrs: str) -> Inline:
    return {"t": "Span", "c": [["", classes or [], list(attrs.items())], inlines]}


# Inline containers and where their child inlines are: the whole content, or one item of it.
_CHILDREN = {
    "Emph": None,
    "Strong": None,
    "Strikeout": None,
    "Underline": None,
    "SmallCaps": None,
    "Superscript": None,
    "Subscript": None,
    "Span": 1,
    "Quoted": 1,
    "Link": 1,
    "Cite": 1,
}


def children(inline: Inline) -> list[Inline] | None:
    """The child inlines of an inline container (Emph, Span, Link …), else None."""
    if inline["t"] not in _CHILDREN:
        return None
    index = _CHILDREN[inline["t"]]
    return inline["c"] if index is None else inline["c"][index]


def with_children(inline: Inline, new: list[Inline]) -> Inline:
    """A copy of an inline container with other child inlines."""
    index = _CHILDREN[inline["t"]]
    if index is None:
        return {"t": inline["t"], "c": new}
    content = list(inline["c"])
    content[index] = new
    return {"t": inline["t"], "c": content}


# Inlines that hold no other inline, so no footnote: the walk below keeps them as they are
# (most of a text is these; copying them cost a second on a 1,200-pair book).
_LEAVES = frozenset({"Str", "Space", "SoftBreak", "LineBreak", "Code", "Math", "RawInline"})


def map_notes(node: Any, replace: Callable[[list[Block]], Inline]) -> Any:
    """A copy of an AST node with each footnote (Note) replaced by `replace(its blocks)`."""
    if isinstance(node, list):
        return [map_notes(child, replace) for child in node]
    if isinstance(node, dict) and node.get("t") in _LEAVES:
        return node
    if isinstance(node, dict) and node.get("t") == "Note":
        return replace(node["c"])
    if isinstance(node, dict) and "c" in node:
        return {**node, "c": map_notes(node["c"], replace)}
    return node


def one_paragraph(blocks: list[Block]) -> list[Inline] | None:
    """The inlines of blocks that are one paragraph, once raw HTML blocks are inline again.

    pandoc ends a paragraph at block-level raw HTML (<div>, <iframe>): the text goes on after it.
    Two text blocks next to each other are two paragraphs.
    """
    inlines: list[Inline] = []
    previous = ""
    for block in blocks:
        if block["t"] in ("Para", "Plain") and previous != "text":
            inlines += block["c"]
            previous = "text"
        elif block["t"] == "RawBlock":
            inlines.append({"t": "RawInline", "c": block["c"]})
            previous = "raw"
        else:
            return None
    return inlines if previous else None
