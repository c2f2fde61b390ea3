"""Inter-character justification for Chinese lines, which WeasyPrint 70 leaves ragged.

WeasyPrint justifies a line only by widening its spaces (layout/inline.py `justify_line`), so
a line of Han characters, which has none, stays short of the right edge. This module replaces
`justify_line` with one that spreads the extra width over the gaps between CJK characters
(and the word spaces of Latin text on the same line), by widening glyph advances in each text
box's Pango layout, which WeasyPrint draws glyph by glyph. No character is added to the text.
It relies on WeasyPrint's internals, so it is pinned to one version (see `WEASYPRINT`).
"""

from __future__ import annotations

import re
from bisect import bisect_left
from collections.abc import Iterator
from dataclasses import dataclass

import weasyprint
from weasyprint.formatting_structure import boxes
from weasyprint.layout import inline
from weasyprint.text.ffi import TO_UNITS, ffi, pango
from weasyprint.text.line_break import Layout

from folio.script import CLOSING_MARKS, OPENING_MARKS, is_chinese, is_cjk

# The WeasyPrint version whose layout/inline.py and text/line_break.py this module was written
# against; tests/test_typography.py::test_weasyprint_is_the_version_justification_is_written_for
# fails when pyproject.toml pins another.
WEASYPRINT = "70.0"
# Marks set doubled (—— and ……) as one unit: never spread apart (clreq).
DOUBLED = "\u2014\u2026"
# Full-width punctuation marks: no space is added between two of them.
MARKS = CLOSING_MARKS + OPENING_MARKS
SPACES = " \u00a0"
# Invisible characters (compose.py's break opportunities): no gap of their own.
ZERO_WIDTH = "\u200b\u2060\ufeff"
# What an atomic inline (an image) counts as in the line's text: neither CJK nor a space.
OBJECT = "\ufffc"

_original = inline.justify_line
# A quick test for a line with no CJK at all (most English lines): no wide character in it
# (emoji and symbols aside, which are set apart by nothing anyway).
_WIDE = re.compile(
    "[\u1100-\u115f\u2e80-\u303e\u3041-\ua4cf\uac00-\ud7a3\uf900-\ufaff\ufe30-\ufe4f"
    "\uff00-\uff60\uffe0-\uffe6\U00020000-\U0003fffd]"
)


def install() -> bool:
    """Put `justify_line` in WeasyPrint's place; False (and nothing changed) on another version."""
    if weasyprint.__version__ != WEASYPRINT:
        return False
    inline.justify_line = justify_line
    return True


def installed() -> bool:
    return inline.justify_line is justify_line


@dataclass
class Piece:
    """An in-flow leaf of a line: a text box, or an atomic box standing for one character."""

    box: boxes.Box
    text: str
    chinese: bool


def justify_line(context, line: boxes.LineBox, extra_width: float) -> None:
    """Spread `extra_width` over the line's gaps: between CJK characters, and word spaces."""
    if line.style["direction"] != "ltr":
        _original(context, line, extra_width)
        return
    pieces = list(leaves(line))
    if not any(piece.chinese or _WIDE.search(piece.text) for piece in pieces):
        _original(context, line, extra_width)  # no Chinese here: spaces only, as before
        return
    gaps = opportunities(pieces)
    if not any(kind == "cjk" for _, _, kind in gaps):
        _original(context, line, extra_width)  # no Chinese here: spaces only, as before
        return
    by_piece: dict[int, list[int]] = {}
    for piece, offset, _ in gaps:
        by_piece.setdefault(piece, []).append(offset)
    # clreq's line-edge adjustment: an opening mark that starts the line and a closing mark
    # that ends it are set half width; the half ems they give up join the spacing.
    edges: dict[int, list[tuple[int, str]]] = {}
    trimmed = 0.0
    # After a paragraph's indent an opening mark keeps its full width.
    indented = bool(getattr(line, "text_indent", 0))
    for piece, offset, side in line_edges(pieces, start=not indented):
        edges.setdefault(id(pieces[piece].box), []).append((offset, side))
        trimmed += pieces[piece].box.style["font_size"] / 2
    spacing = (extra_width + trimmed) / len(gaps)
    widen(line, spacing, {id(pieces[k].box): v for k, v in by_piece.items()}, 0, edges)


def leaves(box: boxes.Box) -> Iterator[Piece]:
    """The line's in-flow text and atomic boxes, left to right."""
    for child in box.children:
        if not child.is_in_normal_flow():
            continue
        if isinstance(child, boxes.TextBox):
            yield Piece(child, child.text, is_chinese(child.style["lang"]))
        elif isinstance(child, (boxes.LineBox, boxes.InlineBox)):
            yield from leaves(child)
        else:
            yield Piece(child, OBJECT, False)


def opportunities(pieces: list[Piece]) -> list[tuple[int, int, str]]:
    """(piece, UTF-8 offset in its text, kind) of each character that takes extra space after
    it: a CJK character before another ("cjk"), or a space between two Latin ones ("space").
    Spaces next to Han (autospace's quarter em) keep their width, as do Latin words."""
    chars = [
        (number, offset, char, piece.chinese)
        for number, piece in enumerate(pieces)
        for offset, char in utf8_offsets(piece.text)
        if char not in ZERO_WIDTH
    ]
    cjk = [is_cjk(char, chinese) for _, _, char, chinese in chars]
    found = []
    for index in range(len(chars) - 1):
        number, offset, char, _ = chars[index]
        after = chars[index + 1][2]
        if cjk[index] and cjk[index + 1]:
            # Two marks side by side stay as punctuation.py set them (clreq 3.1.6).
            if not (char == after and char in DOUBLED) and not (char in MARKS and after in MARKS):
                found.append((number, offset, "cjk"))
        elif char in SPACES and index > 0:
            before = chars[index - 1][2]
            if not (cjk[index - 1] or cjk[index + 1]) and (
                before not in SPACES and after not in SPACES
            ):
                found.append((number, offset, "space"))
    return found


def line_edges(pieces: list[Piece], start: bool = True) -> list[tuple[int, int, str]]:
    """(piece, UTF-8 offset, "start" or "end") of a full-width opening mark that starts the
    line (when `start`) and a closing mark that ends it, in Chinese text not already set half
    width."""
    chars = [
        (number, offset, char)
        for number, piece in enumerate(pieces)
        for offset, char in utf8_offsets(piece.text)
        if char not in ZERO_WIDTH and not char.isspace()
    ]
    found = []
    for (number, offset, char), side, marks in (
        (
            (chars[0], "start", OPENING_MARKS),
            (chars[-1], "end", CLOSING_MARKS),
        )
        if chars
        else ()
    ):
        piece = pieces[number]
        if side == "start" and not start:
            continue
        if piece.chinese and char in marks and piece.box.style["font_feature_settings"] == "normal":
            found.append((number, offset, side))
    return found


def utf8_offsets(text: str) -> Iterator[tuple[int, str]]:
    offset = 0
    for char in text:
        yield offset, char
        offset += len(char.encode())


def widen(
    box: boxes.Box,
    spacing: float,
    offsets: dict[int, list[int]],
    x_advance: float,
    edges: dict[int, list[tuple[int, str]]] | None = None,
) -> float:
    """Move each box by the space added before it and widen it by the space added inside it,
    the way WeasyPrint's `add_word_spacing` does for word spaces (less half an em for each mark
    at the line's edge set half width)."""
    edges = edges or {}
    if isinstance(box, boxes.TextBox):
        box.position_x += x_advance
        spread = offsets.get(id(box), [])
        trim = edges.get(id(box), [])
        if spread or trim:
            layout = SpacedLayout(box.style, spacing, tuple(sorted(spread)), tuple(trim))
            layout.set_text(box.text)
            layout.deactivate()
            box.pango_layout = layout
            added = spacing * len(spread) - box.style["font_size"] / 2 * len(trim)
            box.width += added
            x_advance += added
    elif isinstance(box, (boxes.LineBox, boxes.InlineBox)):
        box.position_x += x_advance
        before = x_advance
        for child in box.children:
            if child.is_in_normal_flow():
                x_advance = widen(child, spacing, offsets, x_advance, edges)
        box.width += x_advance - before
    else:
        box.translate(x_advance, 0)
    return x_advance


class SpacedLayout(Layout):
    """A Pango layout whose glyphs at the given UTF-8 offsets (sorted) advance `spacing` further."""

    def __init__(
        self,
        style,
        spacing: float,
        offsets: tuple[int, ...],
        edges: tuple[tuple[int, str], ...] = (),
    ) -> None:
        self.spacing = spacing
        self.offsets = offsets
        self.edges = edges  # (offset, "start" or "end"): a mark set half width
        super().__init__(style)

    def set_text(self, text: str, justify: bool = False) -> None:
        super().set_text(text, justify)
        # Drawing (draw/text.py) re-creates the layout with justify=True, then reads the glyphs.
        if justify:
            self.spread()

    def spread(self) -> None:
        """Widen the last glyph of each cluster by the spacing of the chosen characters in it
        (a cluster may hold several: Noto CJK sets —— as one glyph)."""
        # draw_first_line turns single-paragraph mode on; a change would lay the text out
        # again and lose the widened glyphs, so it is on before they are widened.
        pango.pango_layout_set_single_paragraph_mode(self.layout, True)
        line, _ = self.get_first_line()
        units = round(self.spacing * TO_UNITS)
        half = round(self.style["font_size"] / 2 * TO_UNITS)
        run = line.runs
        while run != ffi.NULL:
            item, glyphs = run.data.item, run.data.glyphs
            clusters = glyphs.log_clusters
            for i in range(glyphs.num_glyphs):
                end = clusters[i + 1] if i + 1 < glyphs.num_glyphs else item.length
                if end != clusters[i]:  # the cluster's last glyph
                    start, end = item.offset + clusters[i], item.offset + end
                    chosen = bisect_left(self.offsets, end) - bisect_left(self.offsets, start)
                    glyphs.glyphs[i].geometry.width += units * chosen
                    for offset, side in self.edges:
                        if start <= offset < end:
                            # An opening mark's blank half is on its left: the glyph moves back.
                            glyphs.glyphs[i].geometry.width -= half
                            if side == "start":
                                # WeasyPrint 70 draws x_offset / font size as thousandths of
                                # an em (draw/text.py): 500 × size is half an em on the page.
                                glyphs.glyphs[i].geometry.x_offset -= round(
                                    500 * self.style["font_size"]
                                )
            run = run.next
