"""The site's search: Pagefind indexes of every unit in its own language, searched in Debian's
Chromium on the site as `folio serve` serves it."""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import replace
from http.server import ThreadingHTTPServer
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page

from conftest import DOC, Built, copy_project, run_folio
from folio.render import search
from folio.serve import Handler
from helpers import NARROW, WIDE, axe_violations, po_path, watch
from helpers import serve as serve_with

pytestmark = pytest.mark.slow

QUERIES = {
    # query: the language of the units it must find (other Chinese editions of the site may
    # find theirs too), and words each unit of that language holds
    "全球安全倡议": ("zh-Hans", ["全球", "安全", "倡议"]),
    "安全": ("zh-Hans", ["安全"]),
    "shared future": ("en", ["shared", "future"]),
}


def same_script(lang: str, other: str) -> bool:
    """Two tags of one language ("zh-Hans", "zh-Hant"), or the same tag."""
    return lang.split("-")[0] == other.split("-")[0]


def serve(folder: Path) -> tuple[ThreadingHTTPServer, str]:
    """`folder` served by `folio serve`'s own request handler."""
    return serve_with(folder, Handler)


@pytest.fixture(scope="module")
def site(built: Built) -> Iterator[str]:
    server, url = serve(built.root / "build" / "site")
    yield url
    server.shutdown()


def results(page: Page, query: str) -> list[dict]:
    """Type `query` into the search field; the results shown, by language group."""
    page.fill("#site-search", query)
    page.wait_for_function(
        "q => document.querySelector('#site-search').value === q"
        " && document.querySelector('.search-status').textContent !== ''",
        arg=query,
    )
    page.wait_for_timeout(300)  # a later keystroke's search replaces the list
    return page.evaluate(
        """[...document.querySelectorAll('.search-results li')].map(li => ({
             lang: li.lang,
             href: li.querySelector('a.search-title').href,
             excerpt: li.querySelector('.search-excerpt').textContent,
             marked: [...li.querySelectorAll('.search-excerpt mark')].map(m => m.textContent),
           }))"""
    )


def unit_at(page: Page, href: str, lang: str) -> tuple[str, str]:
    """The language and text, in `lang`, of what `href` points at (its page's top: the title
    block), read from the page the browser fetches."""
    return page.evaluate(
        """async ([href, lang]) => {
             const html = await (await fetch(href)).text();
             const doc = new DOMParser().parseFromString(html, "text/html");
             const id = new URL(href).hash.slice(1);
             let element = id ? doc.getElementById(id) : doc.querySelector("main header");
             const part = element.querySelector(`[lang="${lang}"]`);
             if (part && element.closest("[lang]")?.lang !== lang) element = part;
             return [element.closest("[lang]").lang, element.textContent];
           }""",
        [href, lang],
    )


def test_the_seed_has_an_index_per_language_with_every_unit(built: Built) -> None:
    folder = built.root / "build" / "site" / "pagefind"
    listed = json.loads((folder / "languages.json").read_text(encoding="utf-8"))
    assert [(language["lang"], language["name"]) for language in listed[:2]] == [
        ("en", "English"),
        ("zh-Hans", "中文"),
    ]
    for language in listed[:2]:
        lang = language["lang"]
        assert sorted(path.name for path in (folder / lang).iterdir()) == sorted(
            language["bundles"]
        )
        entries = [
            json.loads((folder / lang / bundle / "pagefind-entry.json").read_text())
            for bundle in language["bundles"]
        ]
        assert all(list(entry["languages"]) == [lang] for entry in entries)
        page = (built.root / "build" / "site" / DOC / f"{lang}.html").read_text()
        units = page.count('class="unit ')
        # Every unit, and the title block.
        assert sum(entry["languages"][lang]["page_count"] for entry in entries) == units + 1
        assert not list((folder / lang).rglob("pagefind-ui*"))  # only what the site loads


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_home_page_search_finds_units_in_their_language_at_working_anchors(
    browser: Browser, site: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    watched = watch(page, console=("error", "warning"), uncaught=True)
    page.goto(site + "index.html")
    for query, (lang, words) in QUERIES.items():
        found = results(page, query)
        assert found, query
        assert lang in {result["lang"] for result in found}, (query, found)
        assert all(same_script(result["lang"], lang) for result in found), (query, found)
        found = [result for result in found if result["lang"] == lang]
        for result in found:
            assert result["marked"], result
            # The unit the link points at is in the result's language and has every word.
            unit_lang, text = unit_at(page, result["href"], lang)
            assert unit_lang == lang, result
            assert all(word in text.lower() for word in words), (query, result, text)
        # The first result opens its edition at its unit, the unit in view under the toolbar.
        first = found[0]
        assert first["href"].startswith(f"{site}{DOC}/{lang}.html"), first
        target = page.context.new_page()
        target.goto(first["href"])
        anchor = first["href"].partition("#")[2]
        if anchor:
            box = f"document.getElementById('{anchor}').getBoundingClientRect()"
            top = target.evaluate(f"{box}.top")
            assert 0 <= top < 400, (first["href"], top)
        target.close()
    assert all(url.startswith(site) for url in watched.requests), watched.requests
    assert any("/pagefind/zh-Hans/" in url for url in watched.requests)
    assert watched.errors == []
    context.close()


def test_a_chinese_query_finds_the_same_units_on_every_page(browser: Browser, site: str) -> None:
    """The query is cut into words of the index's language, whatever the page's language."""
    page = browser.new_page()
    found = {}
    for path in ("index.html", f"{DOC}/en.html", f"{DOC}/zh-Hans.html"):
        page.goto(site + path)
        chinese = [r for r in results(page, "全球安全倡议") if r["lang"] == "zh-Hans"]
        found[path] = sorted(r["href"].partition("#")[2] for r in chinese)
    assert found["index.html"] == found[f"{DOC}/en.html"] == found[f"{DOC}/zh-Hans.html"]
    page.close()


def test_more_results_come_on_demand(browser: Browser, site: str) -> None:
    page = browser.new_page()
    page.goto(site + "index.html")
    shown = len(results(page, "security"))
    assert page.locator(".search-more").count() == 1  # English has more than it shows
    page.click(".search-more")
    page.wait_for_function(
        "n => document.querySelectorAll('.search-results li').length > n", arg=shown
    )
    assert page.evaluate("document.activeElement.className") == "search-title"
    page.close()


def test_a_result_opens_the_edition_being_read(browser: Browser, site: str) -> None:
    page = browser.new_page()
    page.goto(f"{site}{DOC}/en+zh-Hans.html")
    found = [r for r in results(page, "全球安全倡议") if r["lang"] == "zh-Hans"]
    assert found and all(r["href"].startswith(f"{site}{DOC}/en+zh-Hans.html#") for r in found)
    also = page.evaluate(
        """[...document.querySelectorAll('li[lang="zh-Hans"] .search-also a')]
             .map(a => a.getAttribute('href'))"""
    )
    assert also and all(href.split("#")[0].endswith(f"{DOC}/zh-Hans.html") for href in also)
    # Following a result on its own page shows the unit and closes the results.
    page.click(".search-results li a.search-title >> nth=0")
    anchor = found[0]["href"].partition("#")[2]
    page.wait_for_function("hash => location.hash === hash", arg=f"#{anchor}")
    assert page.is_hidden(".search-panel")
    page.close()


@pytest.mark.parametrize("width", [WIDE, NARROW])
def test_axe_finds_no_violation_with_the_search_open(
    browser: Browser, site: str, width: int
) -> None:
    for path in ("index.html", f"{DOC}/en+zh-Hans.html"):
        context = browser.new_context(viewport={"width": width, "height": 800}, bypass_csp=True)
        page = context.new_page()
        page.goto(site + path)
        assert results(page, "安全")
        assert page.is_visible(".search-panel")
        # The results hang over the page, inside the screen, never widening the page.
        box = page.locator(".search-panel").bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, box
        assert page.evaluate("document.documentElement.scrollWidth") <= width
        assert axe_violations(page) == [], path
        context.close()


def test_search_works_in_the_page_when_no_worker_can_start(browser: Browser, site: str) -> None:
    """Pagefind's fallback compiles its WebAssembly in the page, under the page's own policy."""
    page = browser.new_page()
    watched = watch(page)
    page.goto(site + "index.html")
    found = page.evaluate(
        """async () => {
             const listed = await (await fetch("./pagefind/languages.json")).json();
             const bundles = listed.find(l => l.lang === "en").bundles
               .map(b => new URL(`./pagefind/en/${b}/`, location.href).href);
             const pagefind = await import(bundles[0] + "pagefind.js");
             await pagefind.options({ noWorker: true });
             await pagefind.init();
             for (const bundle of bundles.slice(1)) await pagefind.mergeIndex(bundle);
             return (await pagefind.search("shared future")).results.length;
           }"""
    )
    assert found >= 2  # the title block and the unit that name "a shared future"
    assert watched.errors == []
    page.close()


def test_without_scripts_no_search_control_shows(browser: Browser, site: str) -> None:
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    for path in ("index.html", f"{DOC}/en.html"):
        page.goto(site + path)
        assert page.locator(".site-search").count() == 1
        assert page.is_hidden(".site-search")
        assert page.is_hidden("#site-search")
    context.close()


@pytest.fixture(scope="module")
def bilingual_only(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The seed's site with the bilingual page alone: its Chinese words are on no other page."""
    root = copy_project(tmp_path_factory.mktemp("bilingual") / "project")
    result = run_folio(root, "build", "--format", "html", "--edition", "en+zh-Hans")
    assert result.returncode == 0, result.stderr
    assert not (root / "build" / "site" / DOC / "zh-Hans.html").exists()
    server, url = serve(root / "build" / "site")
    yield url
    server.shutdown()


def test_a_bilingual_pages_chinese_half_is_found_in_chinese(
    browser: Browser, bilingual_only: str
) -> None:
    page = browser.new_page()
    page.goto(bilingual_only + "index.html")
    found = results(page, "全球安全倡议")
    assert found and {r["lang"] for r in found} == {"zh-Hans"}  # the only Chinese page
    assert all(r["href"].startswith(f"{bilingual_only}{DOC}/en+zh-Hans.html") for r in found)
    english = results(page, "shared future")
    assert english and {r["lang"] for r in english} == {"en"}
    page.close()


def index_files(root: Path, lang: str) -> dict[str, tuple[int, int]]:
    """Each file of a language's index: (inode, modification time)."""
    folder = root / "build" / "site" / "pagefind" / lang
    return {
        path.relative_to(folder).as_posix(): (path.stat().st_ino, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file()
    }


def indexed_text(root: Path, lang: str) -> str:
    """The text of every record of a language's index (its fragments, gzipped JSON), without
    the zero-width spaces the segmenter put between Chinese words."""
    folder = root / "build" / "site" / "pagefind" / lang
    text = "".join(
        gzip.decompress(path.read_bytes()).decode() for path in folder.glob("*/fragment/*")
    )
    return text.replace("\u200b", "")


def test_a_languages_index_is_made_again_only_when_its_units_changed(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html").returncode == 0
    before = {lang: index_files(project, lang) for lang in ("en", "zh-Hans")}
    assert all(before.values())
    assert run_folio(project, "build", "--format", "html").returncode == 0
    assert {lang: index_files(project, lang) for lang in before} == before

    catalog = po_path(project)
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("总之", "综上所述", 1), encoding="utf-8")
    result = run_folio(project, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    # The bilingual page changed too, but not its English half: the English index stays.
    assert index_files(project, "en") == before["en"]
    assert index_files(project, "zh-Hans") != before["zh-Hans"]
    assert "综上所述" in indexed_text(project, "zh-Hans")
    assert "综上所述" not in indexed_text(project, "en")
    assert not list((project / "build" / "site" / "pagefind").rglob(".*"))  # nothing half-written


def test_an_edit_indexes_again_only_the_bundle_of_its_unit(built: Built, tmp_path: Path) -> None:
    """The seed's pages in bundles of 8 units: one changed unit makes one bundle again."""
    site = built.root / "build" / "site"
    pages = [
        search.Page(DOC, path.stem, path.read_bytes())
        for path in sorted((site / DOC).glob("*.html"))
    ]
    names = {"en": "English", "zh-Hans": "中文"}
    search.stage(tmp_path / "build", pages, True, names, size=8).publish()
    folder = tmp_path / "build" / "site" / "pagefind"
    before = {path: path.stat().st_ino for path in folder.glob("*/*")}
    assert len([path for path in before if path.parent.name == "zh-Hans"]) > 2

    word = "总之".encode()
    edited = [replace(page, html=page.html.replace(word, "综上所述".encode(), 1)) for page in pages]
    assert edited != pages
    staged = search.stage(tmp_path / "build", edited, True, names, size=8)
    assert staged and [lang for lang, _ in staged.made] == ["zh-Hans"]
    staged.publish()
    after = {path: path.stat().st_ino for path in folder.glob("*/*")}
    assert len(set(after) - set(before)) == len(set(before) - set(after)) == 1
    assert all(after[path] == inode for path, inode in before.items() if path in after)
    assert "综上所述" in indexed_text(tmp_path, "zh-Hans")


def test_the_records_of_an_unchanged_page_are_read_from_the_cache(
    built: Built, tmp_path: Path
) -> None:
    site = built.root / "build" / "site"
    pages = [
        search.Page(DOC, path.stem, path.read_bytes())
        for path in sorted((site / DOC).glob("*.html"))
    ]
    cache = search.RecordCache(tmp_path, "code")
    parsed = search.site_records(pages, cache)
    assert parsed == search.site_records(pages)  # the cache changes nothing
    files = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    assert len(files) == len(pages)

    word = "总之".encode()
    edited = [replace(page, html=page.html.replace(word, "综上所述".encode(), 1)) for page in pages]
    changed = sum(page.html != old.html for page, old in zip(edited, pages, strict=True))
    assert 0 < changed < len(pages)
    cache = search.RecordCache(tmp_path, "code")
    assert search.site_records(edited, cache) == search.site_records(edited)
    cache.prune()
    after = {path.name: path.stat().st_ino for path in tmp_path.iterdir()}
    # The unchanged pages' records were read, not written again; the old ones are gone.
    assert len(after) == len(pages)
    assert len(set(after) & set(files)) == len(pages) - changed
    assert all(after[name] == files[name] for name in set(after) & set(files))


def test_a_record_added_changes_only_its_own_bundle() -> None:
    """A unit that falls back to the source language adds a record to that language: the
    bundles are cut by the records' anchors, so the others stay as they were."""

    def record(anchor: str) -> search.Record:
        return search.Record(DOC, anchor, "en", f"text of {anchor}", "Title", "", "")

    records = [record(f"u{n}") for n in range(1, 600)]
    before = search.bundles(records, 20)
    after = search.bundles([*records[:300], record("u300-new"), *records[300:]], 20)
    assert len(before) > 10
    changed = [bundle for bundle in after if bundle not in before]
    assert len(changed) <= 2  # the bundle it joined (and, if it is a cut, the one after it)
    assert sum(len(bundle) for bundle in changed) < 200
