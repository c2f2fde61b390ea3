"""Plain helpers shared by several test modules (fixtures stay in conftest.py)."""

from __future__ import annotations

import functools
import hashlib
import re
import subprocess
import threading
import zipfile
from dataclasses import dataclass, field
from html.parser import HTMLParser
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING, Any
from xml.etree import ElementTree

import pdfplumber

from conftest import DOC, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Full-width marks whose glyph sits in one half of the em (clreq): closing, then opening.
CLOSING = "、。，；：？！」』）》〉】”’"
OPENING = "「『（《〈【“‘"

MM = 72 / 25.4  # PDF points in a millimetre
# XML names in the EPUB's documents.
XHTML = "{http://www.w3.org/1999/xhtml}"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
OPF = "{http://www.idpf.org/2007/opf}"
DC = "{http://purl.org/dc/elements/1.1/}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
# A Han character (of the ranges the seed's texts use).
HAN = re.compile(r"[\u3400-\u9fff]")

# The text block's right edge, from the A5 page (148 mm) and print.css's mirrored margins:
# right-hand pages (page 1, 3 …: even indexes) keep 18 mm (outer) on the right, left-hand pages
# 15 mm (inner).
BLOCK_RIGHT_MM = {"right": 148 - 18, "left": 148 - 15}
BODY_SIZE = 10  # pt: body text (headings, notes and running heads are other sizes)

# Viewport widths of the browser tests: a desktop and a phone.
WIDE, NARROW = 1280, 390
AXE = ROOT / "node_modules" / "axe-core" / "axe.min.js"
WCAG = ["wcag2a", "wcag2aa", "wcag21aa", "wcag22aa"]


# -- the command line ---------------------------------------------------------------------------


def error_line(result: subprocess.CompletedProcess[str]) -> str:
    """The one line "folio: error: …" of a failed folio command: it exited 1 and wrote that
    line alone on stderr (no traceback)."""
    assert result.returncode == 1, result.stderr
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("folio: error: "), result.stderr
    return lines[0]


# -- a project's files --------------------------------------------------------------------------


def add_settings(project: Path, settings: str) -> None:
    """Write `settings` (TOML lines) at the top of the project's [tool.folio] table."""
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    assert "[tool.folio]\n" in text
    pyproject.write_text(text.replace("[tool.folio]\n", f"[tool.folio]\n{settings}\n", 1))


def po_path(project: Path, lang: str = "zh-Hans", doc: str = DOC) -> Path:
    """The catalog of `doc` in `lang`."""
    return project / "translations" / lang / f"{doc}.po"


def tree_digest(folder: Path) -> dict[str, str]:
    """Each file below `folder` by its relative path: the SHA-256 of its bytes."""
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*"))
        if p.is_file()
    }


def put_translation(project: Path, msgid_start: str, msgstr: str) -> int:
    """Replace the msgstr of the entry whose msgid starts so; returns the msgid's line."""
    po = po_path(project)
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(f'msgid "{msgid_start}'))
    escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
    lines[at + 1] = f'msgstr "{escaped}"\n'
    po.write_text("".join(lines), encoding="utf-8")
    return at + 1


def pdf_links(pdf: Path) -> list[str]:
    """The URI of every link annotation in a PDF."""
    from pypdf import PdfReader

    uris = []
    for page in PdfReader(pdf).pages:
        for annotation in page.get("/Annots") or []:
            action = annotation.get_object().get("/A")
            if action is not None and "/URI" in action:
                uris.append(str(action["/URI"]))
            if action is not None and action.get("/S") in ("/JavaScript", "/Launch"):
                uris.append(str(action))
            if annotation.get_object().get("/Subtype") == "/FileAttachment":
                uris.append("attachment")
    return uris


# -- a served site in a browser -----------------------------------------------------------------


class QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def serve(
    folder: Path, handler: type[SimpleHTTPRequestHandler] = QuietHandler, **options: object
) -> tuple[ThreadingHTTPServer, str]:
    """`folder` served on 127.0.0.1 by `handler` (given `options`): the server and its URL."""
    factory = functools.partial(handler, directory=str(folder), **options)
    server = ThreadingHTTPServer(("127.0.0.1", 0), factory)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@dataclass
class Watched:
    """What a page did: the URL of each request, and each error it reported."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def watch(page: Page, console: tuple[str, ...] = ("error",), uncaught: bool = False) -> Watched:
    """Record the page's requests and its console messages of the `console` types (and, with
    `uncaught`, the exceptions its scripts raise), from now on."""
    watched = Watched()
    page.on("request", lambda request: watched.requests.append(request.url))
    page.on("console", lambda m: watched.errors.append(m.text) if m.type in console else None)
    if uncaught:
        page.on("pageerror", lambda error: watched.errors.append(str(error)))
    return watched


def open_page(browser: Browser, url: str, width: int, **options: object) -> Page:
    """`url` in a new context `width` pixels wide, loaded with its fonts."""
    context = browser.new_context(viewport={"width": width, "height": 800}, **options)
    page = context.new_page()
    page.goto(url)
    page.wait_for_load_state("networkidle")
    page.evaluate("document.fonts.ready.then(() => true)")
    return page


def axe_violations(page: Page) -> list[tuple[str, list]]:
    """axe-core's WCAG A and AA findings on the page (it must have run rules: `passes`)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", WCAG
    )
    assert result["passes"], "axe ran no rule"
    return [(v["id"], [n["target"] for n in v["nodes"]]) for v in result["violations"]]


# -- EPUB and PDF -------------------------------------------------------------------------------


def package(epub: zipfile.ZipFile) -> ElementTree.Element:
    """The EPUB's package document (content.opf)."""
    return ElementTree.fromstring(epub.read("EPUB/content.opf"))


def documents(epub: zipfile.ZipFile) -> dict[str, ElementTree.Element]:
    """Each XHTML document of the EPUB, by its name in the container."""
    return {
        name: ElementTree.fromstring(epub.read(name))
        for name in epub.namelist()
        if name.endswith(".xhtml")
    }


def squeeze(text: str | None) -> str:
    """The text without any white space (PDF extraction and XML differ in where they put it)."""
    return re.sub(r"\s+", "", text or "")


def text_after(root: ElementTree.Element, ident: str) -> str:
    """The text that follows the element with this id, in document order (note calls left out)."""
    chunks: list[str] = []
    seen = False

    def walk(element: ElementTree.Element) -> None:
        nonlocal seen
        if element.get("id") == ident:
            seen = True
        noteref = element.get(EPUB_TYPE) == "noteref"
        if seen and element.text and not noteref:
            chunks.append(element.text)
        if not noteref:
            for child in element:
                walk(child)
        if seen and element.tail:
            chunks.append(element.tail)

    walk(root.find(f"{XHTML}body"))
    return squeeze("".join(chunks))


def page_list(epub: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(label, href) of each page-list entry, in order."""
    nav = ElementTree.fromstring(epub.read("EPUB/nav.xhtml"))
    (pages,) = [n for n in nav.iter(f"{XHTML}nav") if n.get(EPUB_TYPE) == "page-list"]
    return [(a.text, a.get("href")) for a in pages.iter(f"{XHTML}a")]


def body_text(page) -> str:
    """A PDF page's text inside its margins: no running head, no page number."""
    return squeeze(page.crop((0, 18 * MM, page.width, page.height - 20 * MM)).extract_text())


def check_page_list(epub_path: Path, pdf_path: Path) -> None:
    """The EPUB's page list names every print page of the text, each before its first words."""
    with zipfile.ZipFile(epub_path) as epub:
        entries = page_list(epub)
        files = documents(epub)
    with pdfplumber.open(pdf_path) as pdf:
        texts = {number: body_text(page) for number, page in enumerate(pdf.pages, start=1)}
    numbers = [int(label) for label, _ in entries]
    assert numbers == sorted(numbers) and numbers[:2] == [1, 3]  # the cover, the title page
    assert entries[0][1] == "text/cover.xhtml"
    # Every page from the start of the text to its end is listed (not the back cover, last).
    first_text = min(n for n in texts if n > 5 and texts[n])
    last_text = max(n for n in texts if n < len(texts) and texts[n])
    assert numbers[2:] == list(range(first_text, last_text + 1))
    for label, href in entries[2:]:
        name, _, ident = href.partition("#")
        after = text_after(files[f"EPUB/{name}"], ident)
        if label == "3":
            assert after.startswith(squeeze(built_title(files)))
            continue
        start = texts[int(label)][:12]
        # The marker stands before the page's first word (a word broken across pages included).
        assert start in after[:40], (label, start, after[:40])
        assert after.index(start) < 15, (label, start, after[:40])


def built_title(files: dict[str, ElementTree.Element]) -> str:
    """The first text of the title page: the institute's name under the emblem."""
    root = files["EPUB/text/ch001.xhtml"]
    (page,) = [e for e in root.iter() if e.get("id") == "title-page"]
    return "".join(page.itertext()).strip()[:10]


def body_rows(page: Any) -> list[list[dict]]:
    """The body-size characters of a pdfplumber page, line by line, each line left to right."""
    rows: dict[float, list[dict]] = {}
    for char in page.chars:
        if abs(char["size"] - BODY_SIZE) < 0.05:
            # Grouped by baseline: the CJK and Latin faces' tops differ on one line.
            rows.setdefault(round(char["matrix"][5], 1), []).append(char)
    return [sorted(row, key=lambda c: c["x0"]) for row in rows.values()]


def block_right(index: int) -> float:
    """The text block's right edge in pt on the page of this index (0: a right-hand page)."""
    return BLOCK_RIGHT_MM["right" if index % 2 == 0 else "left"] * MM


def body_lines(path: Path) -> list[tuple[int, str, float]]:
    """(page index, text, gap in pt to the text block's right edge) of each body-size line."""
    found = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            for row in body_rows(page):
                text = "".join(c["text"] for c in row)
                found.append((index, text, block_right(index) - max(c["x1"] for c in row)))
    return found


def ragged_lines(path: Path, paragraphs: list[str]) -> tuple[int, list[tuple[int, str, float]]]:
    """Chinese body lines that are not a paragraph's last yet end over 1 pt short of the
    block's edge, and how many lines were checked. A line belongs to a paragraph when its Han
    characters are a run of the paragraph's; it is the last when they end the paragraph."""
    hans = ["".join(HAN.findall(text)) for text in paragraphs]
    checked, ragged = 0, []
    for page, text, gap in body_lines(path):
        han = "".join(HAN.findall(text))
        if not han or not any(han in whole for whole in hans):
            continue  # no Chinese paragraph's (contents, English)
        if any(whole.endswith(han) for whole in hans):
            continue  # a last line: set flush left, short
        checked += 1
        if gap > 1:
            ragged.append((page, text, round(gap, 2)))
    return checked, ragged


# -- HTML ---------------------------------------------------------------------------------------

VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col"}


class PageText(HTMLParser):
    """Text with the language of its element, and every src/href."""

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[tuple[str, str]] = []
        self.texts: list[tuple[str, str, bool]] = []  # (language, text, inside <main>)
        self.urls: list[str] = []
        self.html_lang = ""

    def handle_starttag(self, tag: str, attrs: list) -> None:
        attrs = dict(attrs)
        self.urls += [attrs[a] for a in ("src", "href") if attrs.get(a)]
        if tag == "html":
            self.html_lang = attrs.get("lang", "")
        if tag not in VOID:
            inherited = self.stack[-1][1] if self.stack else ""
            self.stack.append((tag, attrs.get("lang") or inherited))

    def handle_endtag(self, tag: str) -> None:
        while self.stack:
            if self.stack.pop()[0] == tag:
                break

    def handle_data(self, data: str) -> None:
        if data.strip() and self.stack and self.stack[-1][0] not in ("style", "script"):
            in_main = any(tag == "main" for tag, _ in self.stack)
            self.texts.append((self.stack[-1][1], data, in_main))
