"""Raw HTML written as XHTML, for the EPUB: pandoc copies raw HTML into its XHTML as it is, and
`<br>`, `<hr>` or `<details open>` are not well-formed XML."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser
from typing import Any

from folio.html_spans import VOID


class _Xhtml(HTMLParser):
    """Re-serialises HTML tokens: attributes quoted, void elements closed, text escaped."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def tag(self, tag: str, attrs: list[tuple[str, str | None]], close: bool) -> str:
        written = "".join(f' {k}="{escape(k if v is None else v)}"' for k, v in attrs)
        return f"<{tag}{written}{' /' if close else ''}>"

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.out.append(self.tag(tag, attrs, tag in VOID))

    def handle_startendtag(self, tag: str, attrs: list) -> None:
        self.out.append(self.tag(tag, attrs, True) + ("" if tag in VOID else f"</{tag}>"))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.out.append(f"</{tag}>")

    def handle_data(self, data: str) -> None:
        self.out.append(escape(data, quote=False))

    def handle_comment(self, data: str) -> None:
        self.out.append(f"<!--{data}-->")


def as_xhtml(text: str) -> str:
    parser = _Xhtml()
    parser.feed(text)
    parser.close()
    return "".join(parser.out)


def raw_as_xhtml(node: Any) -> Any:
    """A copy of an AST node with every raw HTML node written as XHTML."""
    if isinstance(node, list):
        return [raw_as_xhtml(child) for child in node]
    if not isinstance(node, dict) or "c" not in node:
        return node
    if node["t"] in ("RawBlock", "RawInline"):
        fmt, text = node["c"]
        if fmt.lower() in ("html", "html5", "html4"):
            return {"t": node["t"], "c": [fmt, as_xhtml(text)]}
        return node
    if node["t"] in ("Str", "Code", "CodeBlock", "Math"):
        return node
    return {**node, "c": raw_as_xhtml(node["c"])}
