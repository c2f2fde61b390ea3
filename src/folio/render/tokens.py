"""folio's own HTML pages read as tokens (start tags, end tags, text), as an HTML parser would
report them, at a regular expression's speed: the site reads every changed page twice."""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import unescape

# Comments and declarations, tags (end mark, name, attributes), text (a "<" that starts no
# tag is text, as a parser reads it).
_TOKENS = re.compile(r"<!--.*?-->|<[!?][^>]*>|<(/?)([a-zA-Z][^\s/>]*)([^>]*)>|([^<]+|<)", re.S)
_ATTRIBUTE = re.compile(r"""([^\s=/>"']+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s>"']+)))?""")
# Elements whose content is text up to their end tag (HTML's raw text elements).
RAW_TEXT = {"script", "style"}

START, END, TEXT = "start", "end", "text"


def tokens(html: str) -> Iterator[tuple[str, str, dict[str, str]]]:
    """(START, tag, attributes), (END, tag, {}) and (TEXT, text, {}) in document order; a
    self-closing tag is a start and an end; a script's or style's content is not reported."""
    position = 0
    while match := _TOKENS.search(html, position):
        position = match.end()
        closing, name, attributes, text = match.groups()
        if text is not None:
            yield TEXT, unescape(text), {}
        elif name is not None and closing:
            yield END, name.lower(), {}
        elif name is not None:
            name = name.lower()
            yield START, name, attributes_of(attributes)
            if attributes.endswith("/"):
                yield END, name, {}
            elif name in RAW_TEXT:
                end = html.find(f"</{name}", position)
                position = len(html) if end < 0 else end


def attributes_of(text: str) -> dict[str, str]:
    """A tag's attributes by lower-case name; one without a value is ""."""
    found = {}
    for name, double, single, bare in _ATTRIBUTE.findall(text.rstrip("/")):
        found.setdefault(name.lower(), unescape(double or single or bare))
    return found
