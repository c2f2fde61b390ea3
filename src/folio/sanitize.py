"""Raw HTML, attributes and links in the AST made safe (nh3); what was removed is reported."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from typing import Any
from urllib.parse import unquote

import nh3

from folio import gate, pandoc
from folio.errors import FolioError, display_path, line_of

TAGS = set(nh3.ALLOWED_TAGS)
ATTRIBUTES = {
    "*": {"class", "id", "lang", "title", "dir"},
    "a": {"href"},
    "img": {"src", "alt", "width", "height"},
    "td": {"colspan", "rowspan"},
    "th": {"colspan", "rowspan"},
}
SCHEMES = {"http", "https", "mailto"}
URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "data"}
# A comment with no < or > in it: "<!--><script>…-->" is no comment to a browser.
LONE_COMMENT = re.compile(r"\s*<!--[^<>]*?-->\s*")
LONE_TAG = re.compile(r"\s*<\s*(/?)\s*([A-Za-z][\w:-]*)[^<>]*>\s*", re.S)
# Where each node type keeps its Attr in pandoc's JSON.
ATTR_AT = {
    "Div": 0,
    "Span": 0,
    "CodeBlock": 0,
    "Code": 0,
    "Link": 0,
    "Image": 0,
    "Header": 1,
    "Figure": 0,
    "Table": 0,
}


@dataclass
class Sanitizer:
    """Cleans a document's or a translation's blocks; `warnings` says what was removed.

    Images must be files inside the project (`root`), relative to the source folder (`base`).
    """

    path: Path
    root: Path
    base: Path
    line: int | None = None
    warnings: list[str] = field(default_factory=list)

    # The raw HTML being cleaned: its line in the source, found only for a warning.
    near: str = ""

    @property
    def where(self) -> str:
        line = self.line or (line_of(self.path, self.near) if self.near else None)
        return f"{display_path(self.path)}:{line}" if line else display_path(self.path)

    def clean(self, node: Any) -> Any:
        """A cleaned copy of an AST node or list of nodes."""
        if isinstance(node, list):
            return [self.clean(child) for child in node]
        if not isinstance(node, dict) or "t" not in node:
            return node
        kind = node["t"]
        if kind in ("RawBlock", "RawInline"):
            self.near = node["c"][1].strip().split("\n")[0]
            cleaned = self.raw(node)
            self.near = ""
            return cleaned
        node = {**node, "c": self.clean(node.get("c"))} if "c" in node else dict(node)
        if kind in ATTR_AT:
            self.attributes(node["c"][ATTR_AT[kind]])
        if kind == "Image":
            self.check_image(node["c"][2][0])
        if kind == "Link" and not safe_url(node["c"][2][0]):
            self.warn(f"link to {node['c'][2][0]!r} removed (only http, https and mailto)")
            return pandoc.span(node["c"][1])
        return node

    def raw(self, node: pandoc.Block) -> pandoc.Block:
        fmt, text = node["c"]
        if not gate.is_html_format(fmt):
            return self.drop_raw(node)
        for problem in hazards(text):
            self.warn(f"raw HTML: {problem} removed")
        cleaned = gate.SOURCE_ATTRIBUTE.sub(self.checked_source, clean_html(text))
        return {"t": node["t"], "c": ["html", cleaned]}

    def checked_source(self, match: re.Match[str]) -> str:
        """A src="…" of cleaned raw HTML, or nothing when it is no image file in the project:
        pandoc's EPUB writer would copy or fetch it."""
        url = html.unescape(match[1])
        problem = self.image_problem(url)
        if problem:
            self.warn(f"raw HTML: image {url!r} {problem}: removed")
            return ""
        return match[0]

    def drop_raw(self, node: pandoc.Block) -> pandoc.Block:
        """Raw content of a format no output uses, as nothing (an empty raw HTML node)."""
        if node["c"][1].strip():
            self.warn(f"raw {{={node['c'][0]}}} content removed (no output of folio uses it)")
        return {"t": node["t"], "c": ["html", ""]}

    def attributes(self, attr: list) -> None:
        """Drop event handlers and unsafe URLs from a pandoc Attr, in place."""
        kept = []
        for key, value in attr[2]:
            if (
                key.lower().startswith("on")
                or (key.lower() in URL_ATTRIBUTES and not safe_url(value))
                or gate.attribute_problem(key, value)
            ):
                self.warn(f"attribute {key}={value!r} removed")
            else:
                kept.append([key, value])
        attr[2] = kept

    def check_image(self, url: str) -> None:
        """Refuse an image that is remote, absolute, outside the project or missing."""
        problem = self.image_problem(url)
        if problem:
            raise FolioError(
                f"image {url!r} {problem}",
                self.path,
                self.line or line_of(self.path, url),
                hint=f"put the image under {display_path(self.base)}/ and use a relative path",
            )

    def image_problem(self, url: str) -> str:
        """Why an image's URL is no file inside the project, or ""."""
        target = (self.base / unquote(url)).resolve()
        if gate.url_scheme(url) or url.lstrip().startswith(("/", "\\")):
            return "is not a file inside the project"
        if not target.is_relative_to(self.root):
            return "lies outside the project"
        if not target.is_file():
            return "not found"
        return ""

    def warn(self, message: str) -> None:
        self.warnings.append(f"{self.where}: {message}")


def clean_html(text: str) -> str:
    """nh3 for whole fragments; a lone tag (pandoc splits raw HTML so) is cleaned on its own."""
    if LONE_COMMENT.fullmatch(text):
        return text  # one comment, nothing else: inert, and the source's own
    match = LONE_TAG.fullmatch(text)
    if not match:
        return nh3.clean(text, tags=TAGS, attributes=ATTRIBUTES, url_schemes=SCHEMES, link_rel=None)
    closing, name = match[1], match[2].lower()
    if name not in TAGS:
        return ""
    if closing:
        return f"</{name}>"
    return lone_start_tag(text, name)


def lone_start_tag(text: str, name: str) -> str:
    """A start tag alone (pandoc splits raw HTML so: `<tr>`, `<td align="center">`, `<br/>`),
    as written when nothing in it is unsafe, else rebuilt from what is allowed. Cleaning it as
    a fragment would restructure it: a `<tr>` outside a table is dropped, `<br/></br>` is two."""
    parser = _Tags()
    parser.feed(text.strip())
    parser.close()
    if len(parser.found) != 1:
        return ""
    attrs = parser.found[0][1]
    # Rebuilt even when nothing goes: values quoted, as later checks of src= expect.
    kept = [(key, value) for key, value in attrs if allowed_attribute(name, key, value)]
    written = "".join(
        f" {key}" if value is None else f' {key}="{html.escape(value)}"' for key, value in kept
    )
    closing = " /" if text.rstrip().endswith("/>") else ""
    return f"{text[: len(text) - len(text.lstrip())]}<{name}{written}{closing}>"


def allowed_attribute(tag: str, key: str, value: str | None) -> bool:
    """An attribute that cleaning keeps on `tag`: allowed there, and no unsafe URL."""
    if key not in ATTRIBUTES["*"] | ATTRIBUTES.get(tag, set()):
        return False
    return key not in URL_ATTRIBUTES or safe_url(value or "")


def safe_url(url: str) -> bool:
    """A relative URL, an anchor, or one of the allowed schemes."""
    scheme = gate.url_scheme(url)
    return scheme is None or scheme in SCHEMES


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.found: list[tuple[str, list[tuple[str, str | None]]]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found.append((tag, attrs))


def hazards(text: str) -> list[str]:
    """What cleaning removes from raw HTML: elements, and attributes (handlers, script URLs,
    and any other that is not allowed, such as `align`)."""
    parser = _Tags()
    parser.feed(text)
    problems = []
    for tag, attrs in parser.found:
        if tag not in TAGS:
            problems.append(f"<{tag}>")
            continue
        for key, value in attrs:
            if key.startswith("on"):
                problems.append(f"{key}=")
            elif key in URL_ATTRIBUTES and value and not safe_url(value):
                problems.append(f"{key}={value.split(':')[0]}:")
            elif not allowed_attribute(tag, key, value):
                problems.append(f"attribute {key} of <{tag}>")
    return problems
