"""clreq's punctuation adjustment (3.1.6) for the print edition: adjacent full-width marks.

A full-width mark draws its glyph in one half of its em and leaves the other half blank: a
closing mark (and ，。、；：？！ in Simplified Chinese) on the left, an opening mark on the right.
Two marks side by side would leave a whole em of blank between their glyphs (”（) or none
(），), so one of them is set half width, with the fonts' OpenType `halt` feature (the Noto
CJK faces have it; none here has `chws`, which would do it by itself): no gap between marks is
wider than half an em. No character is added or changed: a span carries the feature.
"""

from __future__ import annotations

import re

from folio.script import CLOSING_MARKS, HAN, OPENING_MARKS

# The class print.css sets `font-feature-settings: "halt"` for.
HALF = "halt"
# Invisible break opportunities (compose.break_at_quotes) may stand between two marks.
_BETWEEN = "\u200b"
_PAIR = re.compile(
    f"([{CLOSING_MARKS}{OPENING_MARKS}])(?=[{_BETWEEN}]?([{CLOSING_MARKS}{OPENING_MARKS}]))"
)
_TAG = re.compile(r"(<[^>]*>)")
# A paragraph's last two Han characters, before its closing marks and the paragraph's end.
_MARK = f'(?:[{CLOSING_MARKS}]|<span class="{HALF}">[{CLOSING_MARKS}]</span>)'
_LAST_TWO = re.compile(f"(?<=[{HAN}])(?=[{HAN}]{_MARK}*</p>)")
# U+2060 WORD JOINER: no line break here (UAX #14), nothing drawn.
JOINER = "\u2060"


def compress(html: str) -> str:
    """The print body with each mark that clreq sets half width wrapped in a span: a closing
    mark before another mark, and an opening mark after another opening mark."""
    chunks = _TAG.split(html)
    # Odd chunks are tags: only text between them changes (marks across tags stay full).
    return "".join(
        chunk if index % 2 else _compress_text(chunk) for index, chunk in enumerate(chunks)
    )


def _compress_text(text: str) -> str:
    halves = set()
    for match in _PAIR.finditer(text):
        first, second = match.group(1), match.group(2)
        if first in CLOSING_MARKS:
            halves.add(match.start(1))
        elif second in OPENING_MARKS:
            halves.add(match.start(2))
    if not halves:
        return text
    out = []
    for index, char in enumerate(text):
        out.append(f'<span class="{HALF}">{char}</span>' if index in halves else char)
    return "".join(out)


def keep_last_characters(html: str) -> str:
    """No Chinese paragraph ends on a line of one character and its punctuation: the last two
    Han characters of each paragraph are joined (U+2060), so they move to a line together."""
    return _LAST_TWO.sub(JOINER, html)
