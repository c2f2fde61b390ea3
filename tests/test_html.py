"""The web editions: language of the page and of every Chinese block, and no other host."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from conftest import ALL_EDITIONS, DOC, EDITIONS, Built, run_folio
from helpers import HAN, PageText, add_settings, error_line


def parse(built: Built, edition: str) -> PageText:
    page = PageText()
    page.feed(built.output(edition, "html").read_text(encoding="utf-8"))
    return page


@pytest.mark.parametrize("edition", EDITIONS)
def test_page_language_is_the_editions(built: Built, edition: str) -> None:
    assert parse(built, edition).html_lang == edition.split("+")[0]


@pytest.mark.parametrize("edition", EDITIONS)
def test_every_chinese_text_is_tagged_chinese(built: Built, edition: str) -> None:
    page = parse(built, edition)
    chinese = [(lang, text, in_main) for lang, text, in_main in page.texts if HAN.search(text)]
    assert chinese
    for lang, text, _ in chinese:
        # The masthead prints the institute's names in Traditional characters.
        assert lang in ("zh-Hans", "zh-Hant"), (lang, text)
    article = [text for lang, text, in_main in chinese if lang == "zh-Hans" and in_main]
    assert bool(article) == ("zh-Hans" in edition)


@pytest.mark.parametrize("edition", EDITIONS)
def test_no_request_to_another_host(built: Built, edition: str) -> None:
    page = parse(built, edition)
    for url in page.urls:
        assert not re.match(r"^[a-z][a-z0-9+.-]*:|^//", url, re.I), url


@pytest.mark.parametrize("edition", EDITIONS)
def test_links_reach_the_other_editions(built: Built, edition: str) -> None:
    page = parse(built, edition)
    folder = built.output(edition, "html").parent
    targets = {url for url in page.urls if url.endswith(".html")}
    assert targets == {f"{name}.html" for name in ALL_EDITIONS} | {"../index.html"}
    for target in targets:
        assert (folder / target).is_file()


ALTERNATE = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


@pytest.mark.parametrize("edition", EDITIONS)
def test_hreflang_alternates_are_reciprocal_and_match_each_pages_language(
    built: Built, edition: str
) -> None:
    folder = built.output(edition, "html").parent
    html = built.output(edition, "html").read_text(encoding="utf-8")
    alternates = dict(ALTERNATE.findall(html))
    # Every edition: each language alone, and the bilingual page for every reader.
    assert alternates == {
        "en": "en.html",
        "zh-Hans": "zh-Hans.html",
        "zh-Hant": "zh-Hant.html",
        "x-default": "en+zh-Hans.html",
    }
    for hreflang, href in alternates.items():
        target = (folder / href).read_text(encoding="utf-8")
        assert dict(ALTERNATE.findall(target)) == alternates  # reciprocal
        if hreflang != "x-default":
            assert re.search(r'<html lang="([^"]+)"', target)[1] == hreflang
    assert f'<link rel="canonical" href="{edition}.html">' in html


def test_home_page_lists_every_edition_and_its_downloads(built: Built) -> None:
    site = built.root / "build" / "site"
    home = (site / "index.html").read_text(encoding="utf-8")
    assert "China’s Vision for Shared Global Security" in home
    assert "中国的全球共同安全愿景" in home
    page = PageText()
    page.feed(home)
    for edition in EDITIONS:
        assert f"shared-global-security/{edition}.html" in page.urls
        for fmt in ("pdf", "epub"):
            built_file = built.output(edition, fmt)
            href = f"shared-global-security/{built_file.name}"
            assert href in page.urls
            # The download is the very file folio built, and its size is said beside it.
            assert (site / href).read_bytes() == built_file.read_bytes()
            size = built_file.stat().st_size
            label = f"{size / 1e6:.1f} MB" if size >= 1e6 else f"{round(size / 1e3)} kB"
            assert f"({label})" in home, label


def test_site_url_makes_every_link_for_search_engines_absolute(project: Path) -> None:
    add_settings(project, 'site-url = "https://example.org/articles/"')
    result = run_folio(project, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    html = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    page = f"https://example.org/articles/{DOC}/zh-Hans.html"
    assert f'<link rel="canonical" href="{page}">' in html
    assert f'<meta property="og:url" content="{page}">' in html
    assert dict(ALTERNATE.findall(html))["en"] == f"https://example.org/articles/{DOC}/en.html"
    assert f'"translationOfWork": {{\n  "@id": "https://example.org/articles/{DOC}/en.html"' in html


def test_a_site_url_without_scheme_is_refused(project: Path) -> None:
    add_settings(project, 'site-url = "example.org"')
    result = run_folio(project, "build", "--format", "html")
    line = error_line(result)
    assert line.startswith("folio: error: pyproject.toml:")
    assert "site-url 'example.org' is not an http(s) address ending in /" in line


def test_a_pdf_rebuilt_alone_replaces_its_download_on_the_site(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html", "--format", "pdf").returncode == 0
    css = project / "templates" / "print.css"
    css.write_text(css.read_text() + "\nh2 { letter-spacing: .02em; }\n")
    result = run_folio(project, "build", "--format", "pdf", "--edition", "en")
    assert result.returncode == 0, result.stderr
    built = project / "build" / DOC / f"{DOC}.en.pdf"
    served = project / "build" / "site" / DOC / f"{DOC}.en.pdf"
    assert served.read_bytes() == built.read_bytes()
    size = built.stat().st_size
    home = (project / "build" / "site" / "index.html").read_text(encoding="utf-8")
    assert f"({round(size / 1e3)} kB)" in home


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_edition_page_offers_its_files_with_their_sizes(built: Built, edition: str) -> None:
    path = built.output(edition, "html")
    html = path.read_text(encoding="utf-8")
    block = re.search(r'<nav class="downloads-block".*?</nav>', html, re.S)[0]
    label = re.search(r'<p class="label" id="downloads-label">(.*?)</p>', block)[1]
    label = re.sub(r"<[^>]+>", "", label)
    names = {"en": "English", "zh-Hans": "中文"}
    assert label.endswith(" · ".join(names[lang] for lang in edition.split("+")))
    links = re.findall(
        r'<a href="([^"]+)" download>([^<]+)</a>\s*<span class="size">\(([^)]+)\)', block
    )
    assert [(href, kind) for href, kind, _ in links] == [
        (f"{DOC}.{edition}.pdf", "PDF"),
        (f"{DOC}.{edition}.epub", "EPUB"),
    ]
    for href, _, size in links:
        file = path.parent / href
        assert (
            file.is_file()
            and file.read_bytes() == built.output(edition, href[-4:].strip(".")).read_bytes()
        )
        number, unit = re.match(r"([\d.]+)\s*(\S+)", size).groups()
        expected = (
            round(file.stat().st_size / 1000)
            if unit == "kB"
            else round(file.stat().st_size / 1e6, 1)
        )
        assert float(number) == expected, size
