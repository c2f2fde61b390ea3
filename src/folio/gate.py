"""The rules the sanitiser applies beyond nh3: which raw formats reach an output, which attribute
values and URLs are safe, and which files raw HTML may make a tool read."""

from __future__ import annotations

import re

# Raw formats that pandoc's HTML and EPUB writers copy into their output as they are: all of
# them are HTML to a browser, so all are cleaned as HTML. Any other raw format reaches no output
# folio makes (the PDF is laid out from the HTML), so it is dropped.
HTML_FORMATS = frozenset(
    {"html", "html4", "html5", "revealjs", "slidy", "s5", "dzslides", "slideous"}
)
# Attributes whose value a browser or pandoc may load; a Markdown image's file is its target,
# never an attribute, so in a pandoc Attr these are dropped whatever their value.
LOADING_ATTRIBUTES = frozenset(
    {"src", "srcset", "poster", "data", "background", "codebase", "longdesc", "ping", "lowsrc"}
)
# CSS that loads or runs something: url(), image-set(), @import, IE's expression(), and
# backslash escapes, which can spell any of them.
UNSAFE_CSS = re.compile(
    r"url\s*\(|image-set|@import|expression\s*\(|\\|behavior|-moz-binding", re.I
)
# Browsers remove ASCII tabs and newlines anywhere in a URL, and leading controls and spaces.
_IGNORED_IN_URL = re.compile(r"[\t\n\r]")
_SCHEME = re.compile(r"([A-Za-z][A-Za-z0-9+.-]*):")


def is_html_format(fmt: str) -> bool:
    """Whether pandoc's HTML writers copy raw content of this format (names are case-blind)."""
    return fmt.lower() in HTML_FORMATS


def url_scheme(url: str) -> str | None:
    """The scheme of a URL as a browser reads it, lower case; None for a relative URL."""
    cleaned = _IGNORED_IN_URL.sub("", url).lstrip("".join(map(chr, range(33))))
    match = _SCHEME.match(cleaned)
    return match[1].lower() if match else None


def unsafe_style(value: str) -> bool:
    """Whether a style attribute could load a file or run code."""
    return UNSAFE_CSS.search(value) is not None


def attribute_problem(key: str, value: str) -> str:
    """Why a pandoc Attr's key=value must go, or "" when it may stay."""
    name = key.lower()
    if name in LOADING_ATTRIBUTES:
        return "loads a file"
    if name == "style" and unsafe_style(value):
        return "loads or runs something"
    return ""


# A src attribute as nh3 writes it (double quotes, the value escaped): the only attribute of
# cleaned raw HTML that makes pandoc copy or fetch a file.
SOURCE_ATTRIBUTE = re.compile(r' src="([^"]*)"')


def keep_safe_links(pages: list) -> None:
    """Drop a laid-out PDF's links that are neither internal nor to the web: WeasyPrint makes a
    relative href a file: link (to the source folder, or above it) and rel=attachment embeds
    the file."""
    for page in pages:
        page.links = [
            link
            for link in page.links
            if link[0] == "internal"
            or (link[0] == "external" and url_scheme(link[1]) in ("http", "https", "mailto"))
        ]
