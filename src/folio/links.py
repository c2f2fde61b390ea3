"""Links of the source that lead nowhere in what folio publishes: a warning for each.

The EPUB and the web page hold one document: a link to a section it lacks, or to another
file of the author's (`other.md`, `@`), stays as written and is broken there.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from folio import pandoc
from folio.errors import display_path, line_of
from folio.render.anchors import all_ids

RAW_HREF = re.compile(r"""\bhref\s*=\s*(["'])(.*?)\1""", re.I)
SCHEME = re.compile(r"\s*[A-Za-z][A-Za-z0-9+.-]*:")


def broken_links(blocks: list[pandoc.Block], path: Path) -> list[str]:
    """A warning for each distinct link to an id the document lacks or to a local file."""
    ids = set(all_ids(blocks))
    warnings = []
    for url in dict.fromkeys(link_targets(blocks)):
        if SCHEME.match(url) or not url.strip():
            continue
        if url.startswith("#"):
            if url[1:] in ids:
                continue
            problem = "no heading or element of the document has this id"
        else:
            problem = "folio publishes no such file beside the document"
        line = line_of(path, f"]({url}") or line_of(path, f'"{url}"') or line_of(path, url)
        where = f"{display_path(path)}:{line}" if line else display_path(path)
        warnings.append(f"{where}: link to {url!r} leads nowhere: {problem}")
    return warnings


def link_targets(node: Any) -> list[str]:
    """The URL of every link, in pandoc Links and in raw HTML, in reading order."""
    found: list[str] = []
    if isinstance(node, list):
        for child in node:
            found += link_targets(child)
    elif isinstance(node, dict) and "c" in node:
        if node["t"] in ("RawBlock", "RawInline"):
            found += [m[2] for m in RAW_HREF.finditer(node["c"][1])]
        elif node["t"] == "Link":
            found.append(node["c"][2][0])
            found += link_targets(node["c"][1])
        elif node["t"] not in ("Str", "Code", "CodeBlock", "Math"):
            found += link_targets(node["c"])
    return found
