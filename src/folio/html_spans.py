"""Raw HTML that opens an element in one block and closes it in a later one (`<details>` …
Markdown … `</details>`): those blocks belong together, as one unit of every edition."""

from __future__ import annotations

from html.parser import HTMLParser
from typing import Any

from folio import pandoc

# Elements that have no end tag.
VOID = {
    "area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
    "track", "wbr",
}  # fmt: skip


class _Tags(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, bool]] = []  # (name, is the start tag)

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if tag not in VOID:
            self.tags.append((tag, True))

    def handle_endtag(self, tag: str) -> None:
        if tag not in VOID:
            self.tags.append((tag, False))


def raw_tags(block: pandoc.Block) -> list[tuple[str, bool]]:
    """The start and end tags of the raw HTML in a block, in order."""
    parser = _Tags()
    for text in raw_html(block):
        parser.feed(text)
    parser.close()
    return parser.tags


def raw_html(node: Any) -> list[str]:
    if isinstance(node, list):
        return [text for child in node for text in raw_html(child)]
    if not isinstance(node, dict) or "c" not in node:
        return []
    if node["t"] in ("RawBlock", "RawInline"):
        fmt, text = node["c"]
        return [text] if fmt.lower() in ("html", "html5", "html4") else []
    if node["t"] in ("Code", "CodeBlock", "Math"):
        return []
    return raw_html(node["c"])


def groups(blocks: list[pandoc.Block]) -> list[list[int]]:
    """The indices of `blocks`, grouped: an element opened in one block and closed in a later
    one makes the blocks from the one to the other a group. An element never closed groups
    nothing (HTML lets some end tags out)."""
    open_at: list[tuple[str, int]] = []  # the open elements and the block each opened in
    spans: list[tuple[int, int]] = []
    for index, block in enumerate(blocks):
        for name, start in raw_tags(block):
            if start:
                open_at.append((name, index))
                continue
            match = next(
                (k for k in range(len(open_at) - 1, -1, -1) if open_at[k][0] == name), None
            )
            if match is None:
                continue  # a stray end tag
            first = open_at[match][1]
            del open_at[match:]
            if first < index:
                spans.append((first, index))
    return merge(spans, len(blocks))


def merge(spans: list[tuple[int, int]], count: int) -> list[list[int]]:
    """Every index from 0 to count - 1 in one group, overlapping spans merged."""
    end_of: dict[int, int] = {}
    for first, last in spans:
        end_of[first] = max(end_of.get(first, first), last)
    result: list[list[int]] = []
    index = 0
    while index < count:
        last = index
        probe = index
        while probe <= last:
            last = max(last, end_of.get(probe, probe))
            probe += 1
        result.append(list(range(index, last + 1)))
        index = last + 1
    return result


def balance(node: Any) -> Any:
    """A copy in which the raw HTML of each list of blocks, and of each list of inlines, closes
    what it opens (a closing tag is added at the list's end) and closes nothing it did not open
    (a stray end tag is dropped): what the XHTML of the EPUB needs to be well-formed."""
    if isinstance(node, list):
        items = [balance(child) for child in node]
        return balanced_list(items) if any(is_raw_html(i) for i in items) else items
    if isinstance(node, dict) and "c" in node and node.get("t") not in LEAVES:
        return {**node, "c": balance(node["c"])}
    return node


LEAVES = frozenset({"Str", "Code", "CodeBlock", "Math", "RawBlock", "RawInline"})


def is_raw_html(node: Any) -> bool:
    return (
        isinstance(node, dict)
        and node.get("t") in ("RawBlock", "RawInline")
        and node["c"][0].lower() in ("html", "html5", "html4")
    )


def balanced_list(items: list) -> list:
    """One list of sibling blocks or inlines, its raw HTML balanced."""
    open_tags: list[str] = []
    kept: list = []
    raw_kind = ""
    for item in items:
        if not is_raw_html(item):
            kept.append(item)
            continue
        raw_kind = item["t"]
        tags = raw_tags(item)
        if tags and not any(start or name in open_tags for name, start in tags):
            continue  # only end tags of elements this list never opened
        for name, start in tags:
            if start:
                open_tags.append(name)
            elif name in open_tags:
                while open_tags.pop() != name:
                    pass
        kept.append(item)
    if open_tags:
        closing = "".join(f"</{name}>" for name in reversed(open_tags))
        kept.append({"t": raw_kind, "c": ["html", closing]})
    return kept
