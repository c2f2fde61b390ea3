"""The web site in a real browser: Debian's Chromium, headless, driven by Playwright."""

from __future__ import annotations

import io
import json
from collections.abc import Iterator

import pytest
from fontTools.ttLib import TTFont
from playwright.sync_api import Browser, Page

from conftest import DOC, ROOT, Built
from helpers import NARROW, WIDE, PageText, axe_violations, open_page, serve, watch

pytestmark = pytest.mark.slow

PAGES = ("index.html", f"{DOC}/en.html", f"{DOC}/zh-Hans.html", f"{DOC}/en+zh-Hans.html")
WIDTHS = (WIDE, 768, NARROW)
BILINGUAL = f"{DOC}/en+zh-Hans.html"


@pytest.fixture(scope="module")
def site(built: Built) -> Iterator[str]:
    """build/site/ served on 127.0.0.1: the origin every request must go to."""
    server, url = serve(built.root / "build" / "site")
    yield url
    server.shutdown()


def top_of(page: Page, ident: str) -> float:
    return page.evaluate(f"document.getElementById('{ident}').getBoundingClientRect().top")


def place(page: Page, ident: str, below: float) -> float:
    """Scroll the element to `below` pixels under the toolbar, where the unit before it is out of
    view: it is then the unit being read. Returns its top in the window."""
    scroll = (
        "top => window.scrollBy(0, document.getElementById('%s').getBoundingClientRect().top - top)"
    )
    page.evaluate(scroll % ident, 300)  # the toolbar is now stuck at the top of the window
    top = below + page.evaluate("document.querySelector('.toolbar').getBoundingClientRect().bottom")
    page.evaluate(scroll % ident, top)
    return top


@pytest.mark.parametrize("width", [WIDE, NARROW])
@pytest.mark.parametrize("path", PAGES)
def test_every_request_goes_to_the_site_and_nothing_is_blocked(
    browser: Browser, site: str, path: str, width: int
) -> None:
    context = browser.new_context(viewport={"width": width, "height": 800})
    page = context.new_page()
    watched = watch(page)
    page.goto(site + path)
    page.wait_for_load_state("networkidle")
    assert any(url.endswith(".woff2") for url in watched.requests)  # the site's own fonts
    assert all(url.startswith(site) for url in watched.requests), watched.requests
    # A script or style the Content-Security-Policy blocked, or a missing file, is an error.
    assert watched.errors == []
    shots = ROOT / "build" / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    name = path.replace("/", "_").removesuffix(".html")
    page.screenshot(path=str(shots / f"{name}-{width}.png"), full_page=True)
    context.close()


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [*PAGES, f"{DOC}/zh-Hant.html"])
def test_axe_finds_no_violation(browser: Browser, site: str, path: str, width: int) -> None:
    # axe is injected as a script, which the pages' own policy rightly refuses.
    page = open_page(browser, site + path, width, bypass_csp=True)
    if path != "index.html":
        page.click(".other-editions > summary")  # its list checked too
        assert page.is_visible(".other-editions a")
    assert axe_violations(page) == []


def test_wide_screen_sets_each_units_halves_side_by_side(browser: Browser, site: str) -> None:
    page = open_page(browser, site + BILINGUAL, WIDE)
    rows = page.evaluate(
        """[...document.querySelectorAll('.pair')].map(pair =>
             [...pair.querySelectorAll(':scope > .half')].map(half => {
               const box = half.getBoundingClientRect();
               return [box.left, box.top, box.right];
             }))"""
    )
    assert len(rows) > 10
    for (_, top_a, right_a), (left_b, top_b, _) in rows:
        assert abs(top_a - top_b) < 1  # top-aligned
        assert right_a <= left_b  # side by side, English first


def test_narrow_screen_interleaves_without_scrolling_sideways(browser: Browser, site: str) -> None:
    page = open_page(browser, site + BILINGUAL, NARROW)
    rows = page.evaluate(
        """[...document.querySelectorAll('.pair')].map(pair =>
             [...pair.querySelectorAll(':scope > .half')].map(half => {
               const box = half.getBoundingClientRect();
               return [box.top, box.bottom];
             }))"""
    )
    for (_, bottom_a), (top_b, _) in rows:
        assert top_b >= bottom_a - 0.5  # each unit, then its translation below it
    assert page.evaluate("document.documentElement.scrollWidth") <= NARROW
    for path in (*PAGES, f"{DOC}/zh-Hant.html", f"{DOC}/en+zh-Hant.html"):
        page.goto(site + path)
        page.wait_for_selector(".site-search:not([hidden])")  # the field is in the bar
        assert page.evaluate("document.documentElement.scrollWidth") <= NARROW, path


def toolbar_bottom(page: Page) -> float:
    return page.evaluate("document.querySelector('.toolbar').getBoundingClientRect().bottom")


def just_below_toolbar(page: Page, ident: str) -> bool:
    """The unit starts within 8 px below the sticky toolbar: where the reader left off."""
    gap = top_of(page, ident) - toolbar_bottom(page)
    return 0 <= gap <= 8


@pytest.mark.parametrize("width", WIDTHS)
def test_view_control_shows_a_language_in_place_and_keeps_the_place(
    browser: Browser, site: str, width: int
) -> None:
    page = open_page(browser, site + BILINGUAL, width)
    # The unit read begins under the toolbar (its top hidden), as the review found it.
    place(page, "u11", -14)
    page.click("a[data-show='zh-Hans']")
    assert page.url.endswith(f"{BILINGUAL}?show=zh-Hans")  # in place, said in the URL
    assert just_below_toolbar(page, "u11")
    assert page.is_hidden("#u11-en") and page.is_visible("#u11-zh-Hans")
    assert page.get_attribute("a[data-show='zh-Hans']", "aria-current") == "true"
    assert page.get_attribute("a[data-show='both']", "aria-current") is None
    place(page, "u8", 5)
    page.click("a[data-show='en']")
    assert just_below_toolbar(page, "u8")
    assert page.is_visible("#u8-en") and page.is_hidden("#u8-zh-Hans")
    place(page, "u6", 10)
    page.click("a[data-show='both']")
    assert just_below_toolbar(page, "u6") and page.url.endswith(BILINGUAL)
    page.click("a[data-show='en']")
    # Remembered without cookies: the next visit shows English alone; the URL says so too.
    page.goto(site + BILINGUAL)
    page.wait_for_load_state("networkidle")
    assert page.is_hidden("#u8-zh-Hans")
    assert page.context.cookies() == []
    page.goto(site + BILINGUAL + "?show=zh-Hans")
    assert page.is_hidden("#u8-en") and page.is_visible("#u8-zh-Hans")


@pytest.mark.parametrize(
    ("start", "target", "width"),
    [
        (f"{DOC}/en.html", "zh-Hans", WIDE),
        (f"{DOC}/zh-Hans.html", "en", NARROW),
        (f"{DOC}/zh-Hans.html", "both", 768),
        (f"{DOC}/en.html", "zh-Hant", NARROW),  # another pair's: through the disclosure
        (f"{DOC}/en+zh-Hans.html", "en+zh-Hant", WIDE),
    ],
)
def test_switcher_opens_the_other_edition_at_the_same_place(
    browser: Browser, site: str, start: str, target: str, width: int
) -> None:
    page = open_page(browser, site + start, width)
    place(page, "u6", -10)
    selector = f"nav.view a[data-show='{target}']"
    if not page.is_visible(selector):
        page.click(".other-editions > summary")
        selector = f".other-editions a[href='{target}.html']"
    with page.expect_navigation():
        page.click(selector)
    page.wait_for_load_state("networkidle")
    page.wait_for_function("document.fonts.status === 'loaded'")
    page.wait_for_timeout(200)
    name = "en+zh-Hans" if target == "both" else target
    bilingual = "+" in name
    assert page.url.endswith(f"{DOC}/{name}.html#u6")
    assert page.evaluate("document.documentElement.lang") == name.split("+")[0]
    assert just_below_toolbar(page, "u6")
    if bilingual:  # asked for both languages: both, whatever was chosen before
        second = name.split("+")[1]
        assert page.is_visible("#u6-en") and page.is_visible(f"#u6-{second}")


# Every edition of the seed (one source, two translations), and the pair each page's control
# shows: source alone, one translation alone, both. The source's own page pairs with the first.
EDITIONS = ("en", "zh-Hans", "zh-Hant", "en+zh-Hans", "en+zh-Hant")
PAIRS = {
    "en": "zh-Hans",
    "zh-Hans": "zh-Hans",
    "zh-Hant": "zh-Hant",
    "en+zh-Hans": "zh-Hans",
    "en+zh-Hant": "zh-Hant",
}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_one_toolbar_row_and_a_labelled_control(
    browser: Browser, site: str, edition: str, width: int
) -> None:
    page = open_page(browser, site + f"{DOC}/{edition}.html", width)
    assert page.is_visible(".toolbar .site-search")  # the search field shares the row

    def toolbar_height() -> float:
        return page.evaluate("document.querySelector('.toolbar').getBoundingClientRect().height")

    height = toolbar_height()
    assert height <= 56
    nav = page.query_selector(".toolbar nav")
    assert nav.get_attribute("aria-label") in ("Languages", "语言", "語言")
    # The segmented control: the page's pair, whatever the number of translations.
    links = page.query_selector_all(".toolbar nav.view a")
    pair = PAIRS[edition]
    shows = [link.get_attribute("data-show") for link in links]
    assert shows == ["en", pair, "both"]
    assert [link.get_attribute("hreflang") for link in links] == ["en", pair, None]
    assert [link.get_attribute("lang") for link in links] == ["en", pair, None]
    hrefs = [link.get_attribute("href") for link in links]
    assert hrefs == ["en.html", f"{pair}.html", f"en+{pair}.html"]
    assert len(page.query_selector_all(".toolbar [aria-current]")) == 1
    assert page.query_selector_all(".toolbar button") == []
    # The other editions: behind a disclosure that names itself, each linked once.
    summary = page.query_selector(".toolbar details.other-editions > summary")
    assert summary.is_visible()
    assert summary.text_content().strip() in {
        "Other languages",
        "其他语言",
        "其他語言",
        "Other languages · 其他语言",
        "Other languages · 其他語言",
    }
    others = page.query_selector_all(".other-editions a")
    assert all(not link.is_visible() for link in others)
    summary.click()
    assert all(link.is_visible() for link in others)
    other_hrefs = [link.get_attribute("href") for link in others]
    assert sorted(hrefs + other_hrefs) == sorted(f"{name}.html" for name in EDITIONS)
    for link in others:
        name = link.get_attribute("href").removesuffix(".html")
        assert link.get_attribute("hreflang") == (None if "+" in name else name)
        assert link.get_attribute("lang") == (None if "+" in name else name)
        spans = [span.get_attribute("lang") for span in link.query_selector_all("span[lang]")]
        assert spans == name.split("+")
        box = link.bounding_box()
        assert box and box["x"] >= 0 and box["x"] + box["width"] <= width, (name, box)
    # Open, the list hangs over the page: the bar keeps its height, the page its width.
    assert toolbar_height() == height
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    # The masthead: each name whole on its line (stacked deliberately when narrow).
    lines = page.evaluate(
        """[...document.querySelectorAll('.names > span > span')].map(e => {
             const r = e.getClientRects(); return r.length; })"""
    )
    assert lines == [1, 1, 1, 1]
    page.context.close()


def test_switcher_is_reached_by_keyboard_and_shows_focus(browser: Browser, site: str) -> None:
    page = open_page(browser, site + BILINGUAL, WIDE)
    reached = []
    for _ in range(12):
        page.keyboard.press("Tab")
        reached.append(
            page.evaluate(
                """(() => { const e = document.activeElement;
                    return [e.getAttribute('hreflang') || e.dataset.show || e.className,
                            getComputedStyle(e).outlineStyle]; })()"""
            )
        )
    names = [name for name, _ in reached]
    assert {"en", "zh-Hans", "both"} <= set(names), names
    assert all(style != "none" for name, style in reached if name in ("en", "zh-Hans"))


def test_chinese_is_set_in_the_sites_own_face_with_loose_leading(
    browser: Browser, site: str
) -> None:
    page = open_page(browser, site + f"{DOC}/zh-Hans.html", WIDE)
    ratio = page.evaluate(
        """(() => { const p = document.querySelector('#u3 p'); const s = getComputedStyle(p);
                   return parseFloat(s.lineHeight) / parseFloat(s.fontSize); })()"""
    )
    assert ratio >= 1.6
    assert page.evaluate("document.fonts.check('16px \"Noto Serif CJK SC\"', '安全')")
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded').map(f => f.family)"
    )
    assert '"Noto Serif CJK SC"' in loaded or "Noto Serif CJK SC" in loaded


def text_nodes(node: dict, parent: dict | None = None) -> Iterator[tuple[dict, dict]]:
    """(text node, its element) for every text node with more than white space, in a DOM tree
    as CDP's DOM.getDocument gives it."""
    if node.get("nodeType") == 3 and node["nodeValue"].strip():
        yield node, parent
    for child in node.get("children", []):
        yield from text_nodes(child, node)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("path", [*PAGES, BILINGUAL + "?show=zh-Hans"])
def test_every_text_is_drawn_whole_by_the_first_face_of_its_stack(
    browser: Browser, site: str, path: str, width: int
) -> None:
    """What Chromium drew each text node with (CDP CSS.getPlatformFontsForNode): one face, the
    first of the node's font-family, one of the site's own fonts the page loaded. A face that
    lacks a glyph (a subset too small, or a stack in the wrong language) shows as a second
    font: a word of two designs."""
    page = open_page(browser, site + path, width)
    loaded = page.evaluate(
        "[...document.fonts].filter(f => f.status === 'loaded')"
        ".map(f => f.family.replace(/\"/g, ''))"
    )
    cdp = page.context.new_cdp_session(page)
    cdp.send("DOM.enable")
    cdp.send("CSS.enable")
    root = cdp.send("DOM.getDocument", {"depth": -1})["root"]
    drawn = 0
    for text, element in text_nodes(root):
        fonts = cdp.send("CSS.getPlatformFontsForNode", {"nodeId": text["nodeId"]})["fonts"]
        if not fonts:
            continue  # not drawn (hidden)
        style = cdp.send("CSS.getComputedStyleForNode", {"nodeId": element["nodeId"]})
        family = {s["name"]: s["value"] for s in style["computedStyle"]}["font-family"]
        first = family.split(",")[0].strip().strip('"')
        used = [(f["familyName"], f["isCustomFont"]) for f in fonts]
        assert used == [(first, True)] and first in loaded, (text["nodeValue"][:40], used)
        drawn += 1
    assert drawn >= 30


def test_print_hides_the_navigation(browser: Browser, site: str) -> None:
    page = open_page(browser, site + BILINGUAL, WIDE)
    page.emulate_media(media="print")
    assert page.is_hidden(".toolbar")
    assert page.is_visible("#u3")


def test_font_subsets_hold_only_the_characters_drawn(built: Built) -> None:
    site = built.root / "build" / "site"
    fonts = site / "assets" / "fonts"
    font = TTFont(io.BytesIO((fonts / "NotoSerifCJKSC-Regular.woff2").read_bytes()))
    assert font.flavor == "woff2"
    covered = {chr(code) for code in font.getBestCmap()}
    drawn: set[str] = set()  # the Simplified Chinese text of every page
    # Every page: another edition's page names 简体中文 too (its list of other editions).
    for path in sorted(site.rglob("*.html")):
        text = PageText()
        text.feed(path.read_text(encoding="utf-8"))
        drawn |= {char for lang, chunk, _ in text.texts if lang == "zh-Hans" for char in chunk}
    han = {char for char in drawn if "\u4e00" <= char <= "\u9fff"}
    assert han and han <= covered
    # Nothing the site does not draw (the face's Latin letters and digits aside).
    assert {char for char in covered if "\u4e00" <= char <= "\u9fff"} == han
    assert len(covered) < 2000  # the full face has 65,000 glyphs


def test_json_ld_parses_and_links_the_translations(built: Built) -> None:
    found = {}
    for name in ("en", "zh-Hans", "en+zh-Hans"):
        html = (built.root / "build" / "site" / DOC / f"{name}.html").read_text(encoding="utf-8")
        block = html.split('<script type="application/ld+json">', 1)[1].split("</script>", 1)[0]
        found[name] = json.loads(block)
    assert found["en"]["@type"] == "ScholarlyArticle"
    assert found["en"]["inLanguage"] == "en"
    assert found["zh-Hans"]["inLanguage"] == "zh-Hans"
    assert found["en+zh-Hans"]["inLanguage"] == ["en", "zh-Hans"]
    assert found["en"]["workTranslation"] == [{"@id": "zh-Hans.html"}, {"@id": "zh-Hant.html"}]
    assert found["zh-Hans"]["translationOfWork"] == {"@id": "en.html"}
    assert found["zh-Hans"]["headline"] == "中国的全球共同安全愿景"
