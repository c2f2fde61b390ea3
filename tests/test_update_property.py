"""Property: whatever happens to the source, `update` never loses a translation."""

from __future__ import annotations

import tempfile
from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from folio import catalog, pofile
from folio.segments import Unit

WORDS = ["security", "dialogue", "peace", "China", "world", "common", "future", "the", "of"]
sentences = st.lists(st.sampled_from(WORDS), min_size=3, max_size=12).map(" ".join)
edit = st.one_of(
    st.tuples(st.just("delete"), st.integers(0, 50)),
    st.tuples(st.just("change"), st.integers(0, 50), st.sampled_from(WORDS)),
    st.tuples(st.just("insert"), st.integers(0, 50), sentences),
    st.tuples(st.just("move"), st.integers(0, 50), st.integers(0, 50)),
    st.tuples(st.just("duplicate"), st.integers(0, 50)),
)


def apply(texts: list[str], step: tuple) -> list[str]:
    texts = list(texts)
    if not texts:
        return texts
    at = step[1] % len(texts)
    if step[0] == "delete":
        del texts[at]
    elif step[0] == "change":
        words = texts[at].split()
        words[len(words) // 2] = step[2]
        texts[at] = " ".join(words)
    elif step[0] == "insert":
        texts.insert(at, step[2])
    elif step[0] == "move":
        texts.insert(step[2] % len(texts), texts.pop(at))
    else:
        texts.insert(at, texts[at])
    return texts


def write(units: list[str], pot: Path) -> None:
    catalog.extract([Unit(text, "paragraph") for text in units], "doc", "source/doc.md", pot)


def translations(po: Path) -> list[str]:
    read = pofile.read(po, "zh-Hans").catalog
    return [m.string for m in [*read, *read.obsolete.values()] if m.id and m.string]


@settings(max_examples=60, deadline=None)
@given(st.lists(sentences, min_size=1, max_size=12, unique=True), st.lists(edit, max_size=6))
def test_update_keeps_every_translation(original: list[str], edits: list[tuple]) -> None:
    with tempfile.TemporaryDirectory() as folder:
        pot, po = Path(folder) / "doc.pot", Path(folder) / "zh-Hans" / "doc.po"
        write(original, pot)
        catalog.update(pot, po, "zh-Hans")
        filled = pofile.read(po, "zh-Hans")
        for number, message in enumerate(m for m in filled.catalog if m.id):
            message.string = f"译文{number}：{message.id}"
        po.write_text(pofile.render(filled.catalog), encoding="utf-8")
        before_text, before = po.read_text(encoding="utf-8"), translations(po)

        edited = original
        for step in edits:
            edited = apply(edited, step)
        write(edited, pot)
        catalog.update(pot, po, "zh-Hans")

        after = translations(po)
        assert sorted(before) == sorted(set(after)), "a translation was lost or invented"
        # An entry whose source did not change is written back byte for byte.
        old_entries = {text for _, _, text in pofile.split_entries(before_text)[1]}
        new_entries = {text for _, _, text in pofile.split_entries(po.read_text("utf-8"))[1]}
        for text in old_entries:
            msgid = text.split('msgid "', 1)[1].split('"\n', 1)[0]
            if msgid in edited and not text.startswith("#~"):
                assert text in new_entries, msgid
