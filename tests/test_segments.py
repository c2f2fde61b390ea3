"""Segmentation of every Markdown construct, and the lossless round trip through units."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from conftest import ROOT
from folio.align import align
from folio.catalog import Translations
from folio.config import find_project
from folio.source import is_comment, read_source

FIXTURE = Path(__file__).parent / "fixtures" / "torture"


@pytest.fixture(scope="module")
def torture(tmp_path_factory: pytest.TempPathFactory):
    """The torture document, read as folio reads sources."""
    root = tmp_path_factory.mktemp("torture")
    shutil.copytree(FIXTURE / "source", root / "source")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text('[tool.folio]\nlanguages = ["zh-Hans"]\n')
    project = find_project(root)
    return project, read_source(project, "torture")


def units_by_kind(source) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for unit in source.units:
        found.setdefault(unit.kind, []).append(unit.key)
    return found


def test_every_kind_of_block_is_a_unit(torture) -> None:
    _, source = torture
    kinds = units_by_kind(source)
    assert kinds["title"] == ["A *Torture* Test"]
    assert kinds["abstract"] == ["A short *abstract* for the catalog."]
    assert kinds["heading"] == ["Heading with *emphasis*"]
    assert kinds["block quote"] == ["A block quote.", "A nested quote with a [link](#custom-id)."]
    assert kinds["list item"] == [
        "An item",
        "An item with a nested list:",
        "First",
        "Second",
        "Deep item",
    ]
    assert kinds["term"] == ["Term", "Another term"]
    assert kinds["definition"] == [
        "A definition.",
        "With a second paragraph.",
        "Another definition.",
    ]
    assert kinds["table cell"] == ["Left", "Right", "*a*", "1", "b", "2"]
    assert kinds["table caption"] == ["A table caption."]
    assert kinds["image"] == ['![An image caption](image.png){width="50%"}']
    assert kinds["figure caption"] == ["An image caption"]
    assert kinds["footnote"] == [
        "A footnote with two paragraphs.",
        "Its second paragraph.",
        "Inline *note* text.",
    ]
    assert kinds["line"] == ["A line block", "\u00a0\u00a0\u00a0\u00a0with indentation"]
    assert kinds["paragraph"][-3:] == ["The same paragraph twice."] * 2 + ["Final paragraph."]


def test_footnotes_are_markers_counted_within_their_unit(torture) -> None:
    _, source = torture
    paragraph = next(u.key for u in source.units if u.key.startswith("A paragraph with"))
    assert "a footnote[^1], an inline note[^2]," in paragraph
    assert "Its second paragraph" not in paragraph


def test_code_and_skipped_ranges_are_not_units_and_notes_reach_the_translator(torture) -> None:
    _, source = torture
    keys = [u.key for u in source.units]
    assert not any("not translated" in key or "not for translation" in key for key in keys)
    (noted,) = [u for u in source.units if u.key == "The GSI paragraph after a note."]
    assert noted.notes == ("Keep the acronym GSI as it is.",)
    assert all(not u.notes for u in source.units if u is not noted)


def plain_ast(blocks: list) -> str:
    """The AST as JSON, with soft line breaks as spaces (a msgid is one line)."""
    return json.dumps(blocks).replace('{"t": "SoftBreak"}', '{"t": "Space"}')


def test_the_english_edition_is_pandocs_own_reading(torture) -> None:
    project, source = torture
    edition = align(source, ("en",), {}, project.root)
    assembled = [text.blocks[0] for row in edition.rows for text in row.texts]
    published = [block for block in source.document.blocks if not is_comment(block)]
    assert json.dumps(assembled) == json.dumps(published)


def test_a_catalog_that_copies_its_msgids_gives_the_same_ast(torture) -> None:
    project, source = torture
    keys = {unit.key: unit.key for unit in source.units}
    identity = Translations(project.root / "identity.po", keys, {})
    edition = align(source, ("zh-Hans",), {"zh-Hans": identity}, project.root)
    assert sum(edition.fallbacks.values()) == 0 and not edition.warnings
    assembled = [text.blocks[0] for row in edition.rows for text in row.texts]
    published = [block for block in source.document.blocks if not is_comment(block)]
    assert plain_ast(assembled) == plain_ast(published)


def test_footnotes_reach_the_web_page(torture) -> None:
    from folio.render.parts import html_parts

    project, source = torture
    parts = html_parts(align(source, ("en",), {}, project.root))
    assert 'href="#fn1"' in parts.body and 'id="fn1"' in parts.body
    assert "A footnote with two paragraphs." in parts.body
    assert "Inline <em>note</em> text." in parts.body


def test_the_abstract_is_shown_in_every_language(torture) -> None:
    from folio.render.parts import html_parts

    project, source = torture
    abstract = next(u.key for u in source.units if u.kind == "abstract")
    translation = Translations(project.root / "x.po", {abstract: "一段*摘要*。"}, {})
    parts = html_parts(align(source, ("en", "zh-Hans"), {"zh-Hans": translation}, project.root))
    assert parts.field("abstract", "en") == "A short <em>abstract</em> for the catalog."
    assert parts.field("abstract", "zh-Hans") == "一段<em>摘要</em>。"


def test_the_web_body_is_written_only_when_asked_for(torture) -> None:
    from folio.render.parts import html_parts

    project, source = torture
    edition = align(source, ("en",), {}, project.root)
    both, printed = html_parts(edition), html_parts(edition, web=False)
    assert both.print_body and both.body and both.print_body != both.body
    assert (printed.print_body, printed.body) == (both.print_body, "")
    assert printed.headings == both.headings and both.headings
    assert printed.meta == both.meta
