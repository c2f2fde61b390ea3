"""Any language pair: a new catalog from `folio init-lang`, French and right-to-left Arabic."""

from __future__ import annotations

import re
import shutil
from pathlib import Path

import pdfplumber
import pytest
from pypdf import PdfReader

from conftest import DOC, ROOT, run_folio
from folio import pofile
from helpers import error_line

SOURCE = """---
title: A Short Paper
author: A. Writer
date: 2024-03-01
lang: en
---

## Dialogue

Dialogue is the only viable path to peace.

Security is indivisible.
"""
TRANSLATIONS = {
    "fr": {
        "A Short Paper": "Un court article",
        "A. Writer": "A. Auteur",
        "Dialogue": "Dialogue",
        "Dialogue is the only viable path to peace.": "Le dialogue est la seule voie vers la paix.",
        "Security is indivisible.": "La sécurité est indivisible.",
    },
    "ar": {
        "A Short Paper": "ورقة قصيرة",
        "A. Writer": "أ. كاتب",
        "Dialogue": "الحوار",
        "Dialogue is the only viable path to peace.": "الحوار هو الطريق الوحيد إلى السلام.",
        "Security is indivisible.": "الأمن لا يتجزأ.",
    },
}


@pytest.fixture
def paper(tmp_path: Path) -> Path:
    """A one-page project with no translation yet."""
    root = tmp_path / "paper"
    (root / "source").mkdir(parents=True)
    (root / "source" / "paper.md").write_text(SOURCE, encoding="utf-8")
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text('[tool.folio]\nsource-language = "en"\n', encoding="utf-8")
    return root


def start_language(project: Path, tag: str) -> Path:
    result = run_folio(project, "init-lang", tag)
    assert result.returncode == 0, result.stderr
    po = project / "translations" / tag / "paper.po"
    read = pofile.read(po, tag)
    for message in read.catalog:
        if message.id:
            message.string = TRANSLATIONS[tag][message.id]
    po.write_text(pofile.render(read.catalog), encoding="utf-8")
    return po


def test_init_lang_writes_a_catalog_with_cldr_header(paper: Path) -> None:
    result = run_folio(paper, "init-lang", "ar")
    assert result.returncode == 0, result.stderr
    text = (paper / "translations" / "ar" / "paper.po").read_text(encoding="utf-8")
    assert text.startswith("# Arabic (العربية) translation of source/paper.md.\n")
    assert '"Language: ar\\n"' in text
    assert '"Plural-Forms: nplurals=6; plural=(n == 0 ? 0 : n == 1 ? 1' in text
    assert 'languages = ["ar"]' in (paper / "pyproject.toml").read_text()
    again = run_folio(paper, "init-lang", "ar")
    assert again.returncode == 0 and "No file changed." in again.stdout


@pytest.mark.parametrize("tag", ["en_GB", "xx-!", "klingon"])
def test_init_lang_refuses_a_malformed_or_unknown_tag(paper: Path, tag: str) -> None:
    result = run_folio(paper, "init-lang", tag)
    assert error_line(result) == (
        f"folio: error: unknown or malformed language tag {tag!r} "
        "(use a BCP 47 tag such as fr, ar, pt-BR or zh-Hans)"
    )
    assert not (paper / "translations").exists()


def test_an_english_french_edition(paper: Path) -> None:
    start_language(paper, "fr")
    result = run_folio(paper, "build", "--format", "html", "--edition", "en+fr")
    assert result.returncode == 0, result.stderr
    page = (paper / "build" / "site" / "paper" / "en+fr.html").read_text(encoding="utf-8")
    assert '<html lang="en" dir="ltr">' in page
    assert re.search(
        r'<div class="unit secondary" lang="fr">\s*<p>La sécurité est indivisible', page
    )
    assert 'hreflang="fr" lang="fr">français</a>' in page


def test_an_english_arabic_edition_sets_arabic_right_to_left(paper: Path) -> None:
    start_language(paper, "ar")
    result = run_folio(paper, "build", "--format", "html", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    bilingual = (paper / "build" / "site" / "paper" / "en+ar.html").read_text(encoding="utf-8")
    assert re.search(
        r'<div class="unit secondary" lang="ar" dir="rtl">\s*<p>الأمن لا يتجزأ', bilingual
    )
    assert re.search(r'<div class="unit primary" lang="en">\s*<p>Security', bilingual)
    arabic = (paper / "build" / "site" / "paper" / "ar.html").read_text(encoding="utf-8")
    assert '<html lang="ar" dir="rtl">' in arabic
    with pdfplumber.open(paper / "build" / "paper" / "paper.en+ar.pdf") as pdf:
        fonts = {c["fontname"].split("+")[-1] for page in pdf.pages for c in page.chars}
        letters = {c["text"] for page in pdf.pages for c in page.chars}
    assert any("Arabic" in font for font in fonts), fonts
    assert set("الأمن") <= letters


def test_three_languages_give_one_x_default_and_reciprocal_alternates(paper: Path) -> None:
    start_language(paper, "fr")
    start_language(paper, "ar")
    result = run_folio(paper, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    site = paper / "build" / "site" / "paper"
    pages = sorted(site.glob("*.html"))
    assert [p.name for p in pages] == ["ar.html", "en+ar.html", "en+fr.html", "en.html", "fr.html"]
    expected = [
        ("en", "en.html"),
        ("fr", "fr.html"),
        ("ar", "ar.html"),
        ("x-default", "en+fr.html"),
    ]
    for page in pages:
        html = page.read_text(encoding="utf-8")
        found = re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
        assert found == expected, page.name
    home = (paper / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert "Un court article" in home and "ورقة قصيرة" in home


def test_traditional_chinese_is_set_in_a_tc_face_and_quoted_with_corner_brackets(
    project: Path,
) -> None:
    """A zh-Hant catalog (a few entries, tests/fixtures/zh-Hant): TC faces, `lang="zh-Hant"`
    (the font's locl then centres the punctuation, Taiwan style), and 「」 as QA asks."""
    assert run_folio(project, "init-lang", "zh-Hant").returncode == 0
    po = project / "translations" / "zh-Hant" / f"{DOC}.po"
    shutil.copy(Path(__file__).parent / "fixtures" / "zh-Hant" / f"{DOC}.po", po)
    assert run_folio(project, "update").returncode == 0  # the other units, untranslated
    check = run_folio(project, "check")
    assert check.returncode == 0, check.stdout
    result = run_folio(project, "build", "--format", "pdf", "--format", "html", "-j", "1")
    assert result.returncode == 0, result.stderr

    page = (project / "build" / "site" / DOC / "zh-Hant.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant"' in page
    assert re.search(
        r'lang="zh-Hant"[^>]*>\s*<p>在2022年博鰲亞洲論壇年會上，習近平主席提出中國的「', page
    )
    pdf_path = project / "build" / DOC / f"{DOC}.zh-Hant.pdf"
    assert PdfReader(pdf_path).trailer["/Root"]["/Lang"] == "zh-Hant"
    translated = "".join(m.string for m in pofile.read(po, "zh-Hant").catalog if m.id)
    with pdfplumber.open(pdf_path) as pdf:
        chars = [c for p in pdf.pages[4:] for c in p.chars if c["text"] in translated]
    assert {"「", "」", "鰲", "願"} <= {c["text"] for c in chars}
    faces = {c["fontname"].split("+")[-1] for c in chars if not c["text"].isascii()}
    assert faces and all("CJK-TC" in face for face in faces), faces

    # “” are Simplified usage: in a zh-Hant entry, QA asks for 「」.
    po.write_text(po.read_text(encoding="utf-8").replace("「", "“").replace("」", "”"), "utf-8")
    check = run_folio(project, "check")
    assert check.returncode == 1 and "quotation marks not paired as 「 」" in check.stdout
