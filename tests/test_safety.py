"""Hostile input: nothing unsafe reaches an output, nothing outside the project is fetched."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import DOC, run_folio
from helpers import error_line, pdf_links, put_translation

HOSTILE = (
    "总之<img src=x onerror=alert(1)>，"
    '<a href="javascript:alert(2)">点此</a>'
    '<iframe src="https://evil.example/"></iframe>'
    "[链接](javascript:alert(3))"
    "<script>alert(4)</script>"
    '[文字]{onclick="alert(5)"}。'
)
HAZARDS = ("onerror", "javascript:", "<iframe", "<script", "alert(", "onclick", "evil.example")


def test_a_hostile_translation_gives_clean_outputs_and_warnings(project: Path) -> None:
    line = put_translation(project, "In conclusion", HOSTILE)
    result = run_folio(
        project, "build", "--format", "html", "--format", "epub", "--edition", "zh-Hans"
    )
    assert result.returncode == 0, result.stderr
    html = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    # The page's own scripts are the site's files and its JSON-LD data; the text has none.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="../assets/site.js" defer>',
        '<script type="application/ld+json">',
        '<script src="../assets/search.js" defer>',
    ]
    page = html.split("<main", 1)[1].split("</main>", 1)[0]
    with zipfile.ZipFile(project / "build" / DOC / f"{DOC}.zh-Hans.epub") as epub:
        chapter = epub.read("EPUB/text/ch001.xhtml").decode("utf-8")
    for output in (page, chapter):
        assert "总之" in output and "点此" in output and "链接" in output and "文字" in output
        for hazard in HAZARDS:
            assert hazard not in output, hazard
    where = f"translations/zh-Hans/{DOC}.po:{line}"
    warnings = [w for w in result.stderr.splitlines() if w.startswith(f"folio: warning: {where}: ")]
    assert any("onerror=" in w for w in warnings)
    assert any("<iframe>" in w for w in warnings)
    assert any("<script>" in w for w in warnings)
    assert any("javascript:alert(3)" in w for w in warnings)
    assert any("onclick" in w for w in warnings)


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("../../etc/passwd", "lies outside the project"),
        ("/etc/passwd", "is not a file inside the project"),
        ("https://example.com/logo.png", "is not a file inside the project"),
        ("images/missing.png", "not found"),
    ],
)
def test_images_must_be_files_inside_the_project(
    project: Path, reference: str, problem: str
) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + f"\n![A figure]({reference})\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    result = run_folio(project, "build", "--format", "html")
    assert error_line(result).startswith(
        f"folio: error: source/{DOC}.md:{line}: image '{reference}' {problem} (put the image under"
    )
    assert not (project / "build" / "manifest.json").exists()


@pytest.mark.parametrize("url", ["https://example.com/paper.png", "file:///etc/hostname"])
def test_the_print_edition_fetches_nothing_outside_the_project(project: Path, url: str) -> None:
    css = project / "templates" / "print.css"
    css.write_text(css.read_text() + f"\nbody {{ background: url({url}); }}\n")
    result = run_folio(project, "build", "--format", "pdf", "--edition", "en")
    assert error_line(result) == (
        f"folio: error: {DOC}: refused to load '{url}' "
        "(the print edition uses only files inside the project; nothing is fetched)"
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<!-- i18n:end -->", "<!-- i18n:end -->"),  # a comment alone is inert: kept
        ("<!--><script>alert(1)</script>-->", "--&gt;"),  # "<!-->" closes at once
        ("<!-- a --> <script>alert(1)</script>", " "),
        ('<a href="javascript:alert(1)">', "<a>"),
        ("<kbd>", "<kbd>"),
        ("</kbd>", "</kbd>"),
        ("<iframe src=https://evil.example/>", ""),
    ],
)
def test_raw_html_cleaning(raw: str, clean: str) -> None:
    from folio.sanitize import clean_html

    assert clean_html(raw) == clean


# Every way into an output that the sanitiser once missed: raw content of other formats that
# pandoc's HTML writers copy, front-matter fields, style attributes, obfuscated link schemes.
SOURCE_ATTACKS = (
    'Raw `<a href="javascript:alert(11)">r</a><img src=x onerror=alert(12)>`{=revealjs} '
    '`<script>alert(13)</script>`{=HTML5} `<a href="file:///etc/passwd">f</a>`{=slidy} '
    '[s]{style="background:url(http://evil.example/x)"} [j](JaVaScRiPt:alert(14)) '
    "[f](file:///etc/passwd) `\\href{javascript:alert(15)}{t}`{=latex} "
    '`<a href="javascript:alert(16)">d</a>`{=dzslides} `<b onclick=alert(17)>`{=s5} '
    "[up](../../../etc/passwd) [a](../pyproject.toml){rel=attachment}\n\n"
    '```{=slideous}\n<script>alert(18)</script><a href="javascript:alert(19)">b</a>\n```\n'
)
SUBTITLE = (
    "subtitle: 'A New Initiative <img src=x onerror=alert(20)>"
    ' <a href="javascript:alert(21)" onclick="alert(22)">x</a>\'\n'
)
CATALOG_ATTACK = (
    '总之`<a href="javascript:alert(31)">点</a>`{=revealjs}'
    '`<img src=x onerror=alert(32)>`{=html4}[样]{style="color:red;background:url(//evil.example)"}'
    "[链](file:///etc/passwd)"
)
ATTACK_HAZARDS = (
    "alert(",
    "javascript:",
    "file:",
    "onerror",
    "onclick",
    "evil.example",
    "url(",
    "<script>",
)


@pytest.fixture(scope="module")
def attacked(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, str]:
    """The project with every attack in source, front matter and catalog, built once (zh-Hans
    and en: every format); and what the builds printed."""
    from conftest import copy_project

    project = copy_project(tmp_path_factory.mktemp("attacked") / "project")
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    text = re.sub(r"^subtitle: .*\n", SUBTITLE, text, count=1, flags=re.M)
    source.write_text(text + "\n" + SOURCE_ATTACKS, encoding="utf-8")
    put_translation(project, "In conclusion", CATALOG_ATTACK)
    stderr = ""
    for edition in ("zh-Hans", "en"):
        result = run_folio(project, "build", "--edition", edition)
        assert result.returncode == 0, result.stderr
        stderr += result.stderr
    return project, stderr


def outputs_of(project: Path) -> dict[str, str]:
    """Every HTML page of the site and every XHTML/OPF file of every EPUB, as text."""
    texts = {}
    for page in (project / "build" / "site").rglob("*.html"):
        texts[str(page)] = page.read_text(encoding="utf-8")
    for book in (project / "build").rglob("*.epub"):
        with zipfile.ZipFile(book) as epub:
            for name in epub.namelist():
                if name.endswith((".xhtml", ".opf", ".ncx")):
                    texts[f"{book}!{name}"] = epub.read(name).decode("utf-8")
    return texts


@pytest.mark.slow
def test_no_attack_reaches_the_html_or_the_epub(attacked: tuple[Path, str]) -> None:
    project, _ = attacked
    texts = outputs_of(project)
    assert any(name.endswith("zh-Hans.html") for name in texts)
    assert any("!EPUB/text/" in name for name in texts)
    for name, text in texts.items():
        # The site's own scripts are its file and its JSON-LD data.
        scripts = re.findall(r"<script[^>]*>", text)
        assert set(scripts) <= {
            '<script src="../assets/site.js" defer>',
            '<script src="assets/site.js" defer>',
            '<script src="../assets/search.js" defer>',
            '<script src="assets/search.js" defer>',
            '<script type="application/ld+json">',
        }, name
        for hazard in ATTACK_HAZARDS:
            assert hazard not in text.replace("<script type", ""), (name, hazard)
    page = texts[str(project / "build" / "site" / DOC / "zh-Hans.html")]
    assert "总之" in page and "点" in page and "样" in page and "链" in page


@pytest.mark.slow
def test_no_attack_reaches_the_pdf_links(attacked: tuple[Path, str]) -> None:
    project, _ = attacked
    pdfs = sorted((project / "build").rglob("*.pdf"))
    assert len(pdfs) >= 2
    for pdf in pdfs:
        for uri in pdf_links(pdf):
            assert uri.startswith(("http:", "https:", "mailto:")) or "://" not in uri, uri
            for hazard in ("javascript", "file:", "alert", "attachment"):
                assert hazard not in uri.lower(), (pdf, uri)


@pytest.mark.slow
def test_every_attack_is_warned_about(attacked: tuple[Path, str]) -> None:
    _, stderr = attacked
    warnings = stderr.splitlines()
    assert any("raw {=latex} content removed" in w for w in warnings)
    assert any(w.startswith(f"folio: warning: source/{DOC}.md") and "style=" in w for w in warnings)
    assert any(f"{DOC}.po" in w and "style=" in w for w in warnings)
    assert any("javascript:alert(21)" in w or "href=javascript:" in w for w in warnings)
    assert any("onerror=" in w and f"{DOC}.md" in w for w in warnings)


@pytest.mark.slow
@pytest.mark.parametrize(
    ("image", "url", "problem"),
    [
        ('<img src="../../../../../etc/passwd">', "../../../../../etc/passwd", "lies outside"),
        ('<img src="http://127.0.0.1:9/x.png">', "http://127.0.0.1:9/x.png", "is not a file"),
        ('`<img src="/etc/hostname">`{=revealjs}', "/etc/hostname", "is not a file inside"),
        ("<img src=images/none.png>", "images/none.png", "not found"),
    ],
)
def test_raw_images_are_checked_in_builds_without_a_pdf(
    project: Path, image: str, url: str, problem: str
) -> None:
    line = put_translation(project, "In conclusion", f"总之{image}。")
    result = run_folio(
        project, "build", "--format", "epub", "--format", "html", "--edition", "zh-Hans"
    )
    assert result.returncode == 0, result.stderr
    assert (
        f"folio: warning: translations/zh-Hans/{DOC}.po:{line}: raw HTML: image {url!r} {problem}"
    ) in result.stderr
    book = project / "build" / DOC / f"{DOC}.zh-Hans.epub"
    with zipfile.ZipFile(book) as epub:
        media = [epub.read(n) for n in epub.namelist() if "/media/" in n]
        chapters = [epub.read(n).decode() for n in epub.namelist() if n.endswith(".xhtml")]
    # The logo and the cover, nothing pandoc copied from outside the project.
    assert len(media) == 2 and not any(b"root:" in data for data in media)
    page = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    for text in (page, *chapters):
        assert url not in text


def test_block_html_in_a_front_matter_field_is_an_error(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(
        re.sub(r"^subtitle: .*$", "subtitle: '- a list'", text, count=1, flags=re.M),
        encoding="utf-8",
    )
    result = run_folio(project, "build", "--format", "html")
    assert error_line(result) == (
        f"folio: error: source/{DOC}.md:3: front-matter field 'subtitle' is not one paragraph"
        " of text (write it as one line of text)"
    )


@pytest.mark.parametrize(
    ("url", "safe"),
    [
        ("java\tscript:alert(1)", False),
        ("\x01 javascript:alert(1)", False),
        ("JaVaScRiPt:alert(1)", False),
        ("file:///etc/passwd", False),
        ("data:text/html,x", False),
        ("https://example.com/", True),
        ("#note-1", True),
        ("other.html", True),
    ],
)
def test_link_schemes_are_read_as_a_browser_reads_them(url: str, safe: bool) -> None:
    from folio.sanitize import safe_url

    assert safe_url(url) is safe


def test_a_text_that_leaves_html_open_does_not_swallow_the_next() -> None:
    from folio.pandoc import read_pieces

    pieces = read_pieces(["a <!-- b", "<div>c", "d"])
    assert len(pieces) == 3
    assert pieces[2] == [{"t": "Para", "c": [{"t": "Str", "c": "d"}]}]
