"""The print editions, read back from the PDF files."""

from __future__ import annotations

import re
import shutil
import unicodedata
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader
from pypdf.generic import ContentStream

from conftest import ALL_EDITIONS, EDITIONS, ROOT, Built, run_folio
from helpers import HAN


def text_of(path) -> str:
    with pdfplumber.open(path) as pdf:
        return "\n".join(page.extract_text() or "" for page in pdf.pages)


def test_bilingual_pdf_holds_both_languages(built: Built) -> None:
    text = text_of(built.output("en+zh-Hans", "pdf"))
    assert "Global Security Initiative" in " ".join(text.split())
    assert "全球安全倡议" in re.sub(r"\s+", "", text)


def test_monolingual_pdfs_hold_their_own_language(built: Built) -> None:
    english = text_of(built.output("en", "pdf"))
    chinese = re.sub(r"\s+", "", text_of(built.output("zh-Hans", "pdf")))
    assert "Global Security Initiative" in " ".join(english.split())
    assert "博鳌亚洲论坛" in chinese and "习近平主席" in chinese
    # The Chinese edition's article text is Chinese: only branding and names stay Latin.
    assert "unveiled China" not in chinese


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_font_is_embedded(built: Built, edition: str) -> None:
    reader = PdfReader(built.output(edition, "pdf"))
    fonts = {}
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            font = font.get_object()
            described = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            fonts[font["/BaseFont"]] = described["/FontDescriptor"].get_object()
    assert fonts
    for name, descriptor in fonts.items():
        assert any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")), name


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_glyph_is_missing(built: Built, edition: str) -> None:
    """No .notdef (glyph 0) is drawn: every text string is 2-byte glyph ids (Identity-H)."""
    reader = PdfReader(built.output(edition, "pdf"))
    drawn = 0
    for page in reader.pages:
        content = ContentStream(page.get_contents(), reader)
        for operands, operator in content.operations:
            strings = operands[0] if operator == b"TJ" else operands if operator == b"Tj" else []
            for item in strings:
                if isinstance(item, bytes | str):
                    # pypdf decodes some strings as text: the glyph ids are the original bytes.
                    data = getattr(item, "original_bytes", item)
                    glyphs = [data[i : i + 2] for i in range(0, len(data), 2)]
                    drawn += len(glyphs)
                    assert b"\x00\x00" not in glyphs, f"page {page.page_number + 1} draws .notdef"
    assert drawn > 1000


def test_simplified_chinese_is_set_in_an_sc_face(built: Built) -> None:
    traditional_brand = set("中國傳媒大學人類命運共同體研究院")
    with pdfplumber.open(built.output("zh-Hans", "pdf")) as pdf:
        chars = [c for page in pdf.pages for c in page.chars if HAN.match(c["text"])]
    assert len(chars) > 1000
    for char in chars:
        if "CJK-TC" in char["fontname"]:
            assert char["text"] in traditional_brand, char
        else:
            assert "CJK-SC" in char["fontname"], char


def test_pdf_text_has_no_replacement_characters(built: Built) -> None:
    for edition in EDITIONS:
        text = text_of(built.output(edition, "pdf"))
        assert "\ufffd" not in text
        assert not [c for c in text if unicodedata.category(c) == "Co"]


@pytest.mark.parametrize("edition", EDITIONS)
def test_contents_give_the_pages_headings_land_on(built: Built, edition: str) -> None:
    with pdfplumber.open(built.output(edition, "pdf")) as pdf:
        pages = [page.extract_text() or "" for page in pdf.pages]
    contents = next(i for i, text in enumerate(pages) if "Contents" in text or "目录" in text)
    entries = re.findall(r"^(.+?)\n?[.\s]*\.{5,}\s*(\d+)$", pages[contents], re.M)
    headings = ["Goals and Vision", "Shared Security", "China’s mediation diplomacy", "Conclusion"]
    if edition == "zh-Hans":
        headings = ["目标与愿景", "共同安全", "中国的斡旋外交", "结语"]
    assert len(entries) == 4, pages[contents]
    for (_, number), heading in zip(entries, headings, strict=True):
        assert heading in pages[int(number) - 1], (heading, number)


@pytest.mark.parametrize("edition", EDITIONS)
def test_one_bookmark_per_heading_and_metadata(built: Built, edition: str) -> None:
    reader = PdfReader(built.output(edition, "pdf"))
    outline = [item.title for item in reader.outline]
    assert len(outline) == 4
    assert outline[-1] in ("Conclusion", "结语", "Conclusion 结语")
    title = {"en": "China’s Vision for Shared Global Security", "zh-Hans": "中国的全球共同安全愿景"}
    assert reader.metadata.title == title[edition.split("+")[0]]
    assert reader.trailer["/Root"]["/Lang"] == edition.split("+")[0]
    assert float(reader.pages[0].mediabox.width) == pytest.approx(148 * 72 / 25.4, abs=0.5)


def test_running_heads_name_the_section_on_right_pages(built: Built) -> None:
    with pdfplumber.open(built.output("en+zh-Hans", "pdf")) as pdf:
        heads = {}
        for number, page in enumerate(pdf.pages, start=1):
            top = [w["text"] for w in page.extract_words() if w["bottom"] < 20 * 72 / 25.4 - 10]
            heads[number] = " ".join(top)
    body = [n for n in heads if 5 < n < len(heads) and heads[n]]  # not blank pages, back cover
    sections = ("Goals and Vision 目标与愿景", "Shared Security 共同安全", "Conclusion 结语")
    assert any(name in heads[n] for n in body if n % 2 for name in sections)  # right pages
    assert all("China’s Vision" in heads[n] for n in body if not n % 2)  # left: the title


def test_no_page_ends_with_a_heading(tmp_path: Path) -> None:
    """Forty sections of varied length: with `break-after: auto` on headings some would end a
    page. Sections run on (an A5 article, no new page each); each heading keeps with its text."""
    root = tmp_path / "sections"
    (root / "source").mkdir(parents=True)
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text("[tool.folio]\n")
    sections = "\n\n".join(
        f"## Section {n}\n\n" + "Security is indivisible and shared. " * (4 + (n * 7) % 30)
        for n in range(40)
    )
    (root / "source" / "sections.md").write_text(
        f"---\ntitle: Sections\nauthor: Test\ndate: 2024-01-01\nlang: en\n---\n\n{sections}\n"
    )
    result = run_folio(root, "build", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(root / "build" / "sections" / "sections.en.pdf") as pdf:
        pages = pdf.pages[4:-1]  # after cover, title page, imprint and contents; before the back
        last_lines = []
        for page in pages:
            # Body and headings, not page numbers or running heads (sizes are 9.99… for 10 pt).
            text = [c for c in page.chars if round(c["size"], 1) >= 10]
            if text:
                bottom = max(c["top"] for c in text)
                last_lines.append({round(c["size"], 1) for c in text if c["top"] == bottom})
    assert len(last_lines) > 10
    assert all(sizes == {10.0} for sizes in last_lines), last_lines


@pytest.mark.parametrize("edition", ALL_EDITIONS)
def test_every_font_in_the_pdf_is_a_brand_family(built: Built, edition: str) -> None:
    """No face chosen by fontconfig's fallback (a slanted Noto Sans CJK JP once set the running
    heads, and which face it picked could change between two builds)."""
    from folio.brand import load_brand

    families = load_brand(ROOT / "templates" / "brand.yaml").fonts.values()
    known = {family.replace(" ", "").lower() for family in families}
    embedded = set()
    for page in PdfReader(built.output(edition, "pdf")).pages:
        for font in page.get("/Resources", {}).get("/Font", {}).values():
            embedded.add(str(font.get_object()["/BaseFont"]).split("+")[-1])
    assert embedded
    for name in embedded:
        family = re.sub(r"-(Bold|Italic|BoldItalic|Regular)$", "", name).replace("-", "")
        assert family.lower() in known, name
