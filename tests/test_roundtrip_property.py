"""Property: segment → translate with msgstr = msgid → reassemble gives pandoc's own AST."""

from __future__ import annotations

import json
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from folio.align import align
from folio.catalog import Translations
from folio.document import read_document
from folio.source import from_document, is_comment

FRONT = "---\ntitle: Generated\nauthor: Hypothesis\ndate: 2024-01-01\nlang: en\n---\n\n"
word = st.sampled_from(
    ["peace", "security", "dialogue", "world", "2022", "50,000", "GSI", "common"]
)
inline = st.one_of(
    word,
    word.map(lambda w: f"*{w}*"),
    word.map(lambda w: f"**{w}**"),
    word.map(lambda w: f"`{w}`"),
    word.map(lambda w: f"[{w}](https://example.org/{w})"),
    word.map(lambda w: f'"{w}"'),
    word.map(lambda w: f"{w}^[A note on {w}.]"),
    word.map(lambda w: f"[{w}]{{lang=fr}}"),
)
sentence = st.lists(inline, min_size=1, max_size=8).map(" ".join)
block = st.one_of(
    sentence,
    sentence.map(lambda s: f"## {s}"),
    st.lists(sentence, min_size=1, max_size=3).map(
        lambda items: "\n".join(f"- {i}" for i in items)
    ),
    sentence.map(lambda s: f"> {s}"),
    st.tuples(sentence, sentence).map(lambda t: f"{t[0]}\n:   {t[1]}"),
)
documents = st.lists(block, min_size=1, max_size=6).map(lambda blocks: "\n\n".join(blocks) + "\n")


def plain_ast(blocks: list) -> str:
    return json.dumps(blocks).replace('{"t": "SoftBreak"}', '{"t": "Space"}')


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(documents)
def test_a_catalog_copying_its_msgids_reassembles_the_source(body: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder)
        (root / "source").mkdir()
        path = root / "source" / "doc.md"
        path.write_text(FRONT + body, encoding="utf-8")
        document = read_document(path)
        source = from_document(document)
        identity = Translations(root / "x.po", {u.key: u.key for u in source.units}, {})
        edition = align(source, ("zh-Hans",), {"zh-Hans": identity}, root)
    assert sum(edition.fallbacks.values()) == 0, edition.warnings
    assembled = [text.blocks[0] for row in edition.rows for text in row.texts]
    published = [b for b in document.blocks if not is_comment(b)]
    assert plain_ast(assembled) == plain_ast(published)
