"""Plain helpers shared by several test modules (fixtures stay in conftest.py)."""

from __future__ import annotations

import functools
import hashlib
import subprocess
import threading
from dataclasses import dataclass, field
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import TYPE_CHECKING

from conftest import DOC, ROOT

if TYPE_CHECKING:
    from playwright.sync_api import Browser, Page

# Full-width marks whose glyph sits in one half of the em (clreq): closing, then opening.
CLOSING = "、。，；：？！」』）》〉】”’"
OPENING = "「『（《〈【“‘"

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
