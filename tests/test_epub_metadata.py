"""What readers and stores see of the EPUB beyond EpubCheck: languages, metadata in the edition's
language, the contents' labels, the title page, and fonts named only when embedded."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest
from babel.messages.pofile import read_po

from conftest import DOC, EDITIONS, ROOT, Built
from helpers import DC, EPUB_TYPE, HAN, OPF, XHTML, XML_LANG, documents, package

HEADINGS = {f"{XHTML}h{level}" for level in range(1, 7)}
# Package metadata a reader or a store shows as text (identifiers, dates and codes are not).
SHOWN = {f"{DC}{name}" for name in ("title", "creator", "subject", "description", "publisher")}
SHOWN |= {f"{DC}rights", f"{DC}contributor"}


@pytest.mark.parametrize("edition", EDITIONS)
def test_package_declares_each_language_primary_first(built: Built, edition: str) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        opf = package(epub)
    assert [e.text for e in opf.iter(f"{DC}language")] == edition.split("+")


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_page_break_in_a_heading_or_a_contents_label(built: Built, edition: str) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        files = documents(epub)
    nav = files["EPUB/nav.xhtml"]
    (toc,) = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "toc"]
    breaks = [
        e for e in toc.iter() if e.get(EPUB_TYPE) == "pagebreak" or e.get("role") == "doc-pagebreak"
    ]
    assert breaks == []
    found = 0
    for root in files.values():
        for heading in (e for e in root.iter() if e.tag in HEADINGS):
            assert not [e for e in heading.iter() if e.get(EPUB_TYPE) == "pagebreak"], heading
        found += sum(e.get(EPUB_TYPE) == "pagebreak" for e in root.iter())
    assert found >= 4  # the markers are still there, before the headings


def catalog_subjects(built: Built, lang: str) -> list[str]:
    with (built.root / "translations" / lang / f"{DOC}.po").open("rb") as file:
        catalog = read_po(file)
    return [m.string for m in catalog if m.id and "subject" in m.auto_comments]


@pytest.mark.parametrize("edition", EDITIONS)
def test_subjects_are_translated_one_entry_each(built: Built, edition: str) -> None:
    chinese = catalog_subjects(built, "zh-Hans")
    assert len(chinese) == 3 and all(HAN.search(s) for s in chinese)
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        opf = package(epub)
    subjects = [(s.get(XML_LANG), s.text) for s in opf.iter(f"{DC}subject")]
    english = [text for lang, text in subjects if lang is None and not HAN.search(text)]
    expected = {
        "en": [(None, s) for s in english],
        "zh-Hans": [(None, s) for s in chinese],
        "en+zh-Hans": [(None, s) for s in english] + [("zh-Hans", s) for s in chinese],
    }[edition]
    assert subjects == expected and len(english) == (0 if edition == "zh-Hans" else 3)


def test_every_zh_hans_metadata_text_is_chinese(built: Built) -> None:
    with zipfile.ZipFile(built.output("zh-Hans", "epub")) as epub:
        opf = package(epub)
        ncx = epub.read("EPUB/toc.ncx").decode("utf-8")
        nav = documents(epub)["EPUB/nav.xhtml"]
    texts = [e.text for e in opf.iter() if e.tag in SHOWN]
    texts += [m.text for m in opf.iter(f"{OPF}meta") if m.get("property", "").endswith("Summary")]
    texts += [r.get("title") for r in opf.iter(f"{OPF}reference")]
    texts += re.findall(r"<text>([^<]*)</text>", ncx)
    texts += ["".join(a.itertext()) for a in nav.iter(f"{XHTML}a") if not a.text.isdigit()]
    texts += ["".join(h.itertext()) for h in nav.iter(f"{XHTML}h1")]
    assert len(texts) >= 15
    for text in texts:
        assert HAN.search(text), text
    for element in opf.iter():
        assert element.get(XML_LANG) in (None, "zh-Hans"), element.attrib


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_title_heads_the_book_once(built: Built, edition: str) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        chapter = documents(epub)["EPUB/text/ch001.xhtml"]
    titles = [e for e in chapter.iter(f"{XHTML}h1")]
    assert len(titles) == 1 and "title" in titles[0].get("class").split()
    order = list(chapter.iter())
    (page,) = [e for e in order if e.get("id") == "title-page"]
    # The masthead (emblem, university, institute) comes first, then the title in each language.
    assert order.index(titles[0]) > order.index(page.find(f"{XHTML}div[@class='masthead']"))
    assert len(titles[0].findall(f"{XHTML}span")) == len(edition.split("+"))


FAMILY = re.compile(r"font-family:\s*([^;}]+)")
FACE = re.compile(r"@font-face\s*\{([^}]*)\}")


@pytest.mark.parametrize("edition", EDITIONS)
def test_stylesheet_names_only_the_faces_it_embeds(built: Built, edition: str) -> None:
    """Some readers fall back to a system font for the whole rule when it names a face that the
    book does not hold."""
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        css = epub.read("EPUB/styles/stylesheet1.css").decode("utf-8")
        names = set(epub.namelist())
    embedded = set()
    for face in FACE.findall(css):
        (family,) = FAMILY.findall(face)
        (source,) = re.findall(r'url\("\.\./([^"]+)"\)', face)
        assert f"EPUB/{source}" in names
        embedded.add(family.strip().strip('"'))
    rules = FACE.sub("", css)
    named = {
        name.replace("!important", "").strip().strip('"')
        for stack in FAMILY.findall(rules)
        for name in stack.split(",")
    }
    assert named - {"serif", "sans-serif", "monospace"} <= embedded
    assert {"Noto Serif", "Noto Serif CJK SC"} <= embedded or edition == "en"


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_space_between_the_title_page_and_the_text(
    built: Built, browser, edition: str, tmp_path: Path
) -> None:
    """Rendered in Chromium: the text starts well below the title block."""
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        epub.extractall(tmp_path)
    chapter = tmp_path / "EPUB" / "text" / "ch001.xhtml"
    page = browser.new_page(viewport={"width": 600, "height": 900})
    page.goto(chapter.as_uri())
    gap = page.evaluate(
        """() => {
          const title = document.getElementById('title-page');
          const next = title.nextElementSibling || title.parentElement.nextElementSibling;
          const size = parseFloat(getComputedStyle(next).fontSize);
          return (next.getBoundingClientRect().top - title.getBoundingClientRect().bottom)
            / size;
        }"""
    )
    page.close()
    assert gap >= 2  # ems


def test_a_regional_tag_is_subset_in_the_face_that_draws_it() -> None:
    """CSS sets zh-Hans-CN with the zh-Hans rule: its characters belong in that face's subset
    (the EPUB's and the site's), beside zh-Hans's own."""
    from folio import fonts
    from folio.brand import load_brand

    brand = load_brand(ROOT / "templates" / "brand.yaml")
    used = {"en": set("Peace"), "zh-Hans": set("和平"), "zh-Hans-CN": set("安全")}
    faces = {face.family: chars for face, chars in fonts.faces_for(brand, used)}
    assert set("和平安全") <= set(faces["Noto Serif CJK SC"])
    assert "Noto Serif CJK TC" not in faces
    assert set("Peace和平安全") <= set(faces["Noto Serif"])  # the fallback for every text
