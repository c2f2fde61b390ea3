"""The print edition: the page template rendered by WeasyPrint into a PDF of the configured paper
size (`paper` in `[tool.folio]`, A5 by default)."""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass, replace
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

import pydyf
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from folio import gate
from folio.errors import FolioError
from folio.render import hyphens, justify, pdf_pieces, punctuation
from folio.render.job import Job, Made
from folio.render.page import PageContext, page_context
from folio.render.pagemap import PageMap, PageStart, read_page_map
from folio.render.templating import render_template

# Beyond the bleed, room for the crop marks: a gap, then the marks (as the booklet's).
MARK_ROOM_MM = 6.0
# The print edition's stylesheets, inlined in its page in this order.
PRINT_STYLESHEETS = ("print.css", "cover.css")


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    starts: list[PageStart]  # where each page begins, for the EPUB's page list
    parts: int = 1  # layouts joined (render/pdf_pieces.py)


def render_pdf(
    context: PageContext,
    template: str = "print.html.j2",
    stylesheets: tuple[str, ...] = PRINT_STYLESHEETS,
    piece_bytes: int = pdf_pieces.PIECE_BYTES,
) -> Pdf:
    """Lay out and write the PDF; fonts come from fontconfig by family name. A text of more
    than `piece_bytes` is laid out in pieces (render/pdf_pieces.py), so memory stays bounded."""
    html = print_html(context, template, stylesheets, marked=True)
    fetcher = ProjectFetcher(context.root)
    install_layout_rules()
    finisher = BleedBox(context.settings.bleed_mm) if context.settings.bleed_mm else None

    def lay_out_page(page: str):
        return lay_out(page, context.root, fetcher)

    def write(document) -> bytes:
        gate.keep_safe_links(document.pages)
        output = io.BytesIO()
        document.write_pdf(output, finisher=finisher, pdf_variant=context.settings.pdf_variant)
        return output.getvalue()

    # A tagged or PDF/A variant is written whole: its structure and metadata are one document's.
    cut = None if context.settings.pdf_variant else pdf_pieces.frame(html)
    try:
        if cut is not None and sum(map(len, cut.blocks)) > piece_bytes:
            laid = pdf_pieces.lay_out_pieces(cut, lay_out_page, write, piece_bytes)
            return Pdf(laid.pdf, laid.pages, laid.starts, laid.parts)
        document = lay_out_page(pdf_pieces.unmarked(html))
    except RefusedURL as refused:
        raise FolioError(
            f"{context.edition.document}: refused to load {refused.url!r}",
            hint="the print edition uses only files inside the project; nothing is fetched",
        ) from None
    return Pdf(write(document), len(document.pages), read_page_map(document))


def render(job: Job) -> Made:
    """A target's print PDF, with the page map its EPUB's page list is made from."""
    from folio.collection import print_design

    check_harfbuzz_subset()
    context = page_context(job.project, job.edition, job.parts)
    pdf = render_pdf(context, *print_design(job.edition))
    return Made(pdf.data, pdf.pages, PageMap(job.target.key, pdf.starts))


def lay_out(html: str, root: Path, fetcher: URLFetcher):
    """WeasyPrint's layout of the page; relative references (images) are to the source folder."""
    document = HTML(string=html, base_url=str(root / "source") + "/", url_fetcher=fetcher)
    return document.render(font_config=font_configuration())


def print_html(
    context: PageContext,
    template: str = "print.html.j2",
    stylesheets: tuple[str, ...] = PRINT_STYLESHEETS,
    marked: bool = False,
) -> str:
    """The page WeasyPrint lays out: the template, with the stylesheets inlined; `marked`, with
    the text's bounds marked for render/pdf_pieces.py."""
    if marked:
        body = pdf_pieces.BODY_START + context.parts.print_body + pdf_pieces.BODY_END
        context = replace(context, parts=replace(context.parts, print_body=body))
    css = "".join((context.templates / name).read_text(encoding="utf-8") for name in stylesheets)
    html = render_template(
        context.environment,
        template,
        **context.variables(),
        css=css,
        logo_url=context.brand.logo.as_uri(),
        mark_room_mm=MARK_ROOM_MM,
    )
    # clreq's adjustments in everything printed (not in <head>: the title).
    head, body, rest = html.partition("<body")
    if not body:
        return html
    return head + body + punctuation.keep_last_characters(punctuation.compress(rest))


@dataclass(frozen=True)
class BleedBox:
    """A finisher for `write_pdf`: the BleedBox at `bleed_mm` around the TrimBox. WeasyPrint
    puts it anywhere up to 10 pt out, and its media (the CSS bleed area) holds the marks too."""

    bleed_mm: float

    def __call__(self, document, pdf) -> None:
        bleed = self.bleed_mm * 72 / 25.4
        for page in pdf.objects:
            if isinstance(page, pydyf.Dictionary) and "TrimBox" in page:
                left, top, right, bottom = page["TrimBox"]
                page["BleedBox"] = pydyf.Array(
                    [left - bleed, top - bleed, right + bleed, bottom + bleed]
                )


def install_layout_rules() -> None:
    """Justify Chinese lines too, and keep hyphenated words off page feet (render/hyphens.py);
    on another WeasyPrint, say what is not done (a build warning)."""
    # A child of WeasyPrint's logger, so that the build collects it with WeasyPrint's own.
    logger = logging.getLogger("weasyprint.folio")
    if not justify.install():
        logger.warning(
            "Chinese lines are not justified: folio's justification is written for WeasyPrint %s",
            justify.WEASYPRINT,
        )
    if not hyphens.install():
        logger.warning(
            "words may be hyphenated at a page's foot: folio's rule is written for WeasyPrint %s",
            justify.WEASYPRINT,
        )


@functools.cache
def font_configuration() -> FontConfiguration:
    """One for every document a process renders: Pango's font map then stays warm (a new one
    costs 10 to 15 ms a document). folio's print templates declare no @font-face of their own."""
    return FontConfiguration()


class RefusedURL(FatalURLFetchingError):
    """Stops WeasyPrint at a reference that leaves the project."""

    def __init__(self, url: str) -> None:
        super().__init__(url)
        self.url = url


class ProjectFetcher(URLFetcher):
    """Serves `data:` URLs and files inside the project; refuses everything else."""

    def __init__(self, root: Path) -> None:
        super().__init__(allowed_protocols={"file", "data"})
        self.root = root.resolve()

    def fetch(self, url: str, headers=None):
        scheme = url.split(":", 1)[0].lower()
        if scheme == "file":
            path = Path(url2pathname(urlsplit(url).path)).resolve()
            if path.is_relative_to(self.root):
                return super().fetch(url, headers)
        elif scheme == "data":
            return super().fetch(url, headers)
        raise RefusedURL(url)


# The EPUB's cover: at least 1600 pixels wide and 2560 high, as e-book stores ask.
COVER_PIXELS = (1600, 2560)


def cover_png(pdf: bytes) -> bytes:
    """The first page of a print PDF, its cover, as a PNG at least 1600×2560 pixels: the trimmed
    page (no bleed, no marks) at the print edition's own proportions."""
    import pypdfium2

    page = pypdfium2.PdfDocument(pdf)[0]
    left, bottom, right, top = page.get_mediabox()
    trim_left, trim_bottom, trim_right, trim_top = page.get_trimbox()
    width, height = trim_right - trim_left, trim_top - trim_bottom
    # pdfium rounds the size down: a hair more scale keeps both sides at their minimum.
    scale = max(COVER_PIXELS[0] / width, COVER_PIXELS[1] / height) * 1.0005
    crop = (trim_left - left, trim_bottom - bottom, right - trim_right, top - trim_top)
    image = page.render(scale=scale, crop=crop).to_pil()
    output = io.BytesIO()
    # optimize=True would save under 2 % of the size for 0.13 s a cover.
    image.save(output, format="PNG")
    return output.getvalue()


def render_cover_png(context: PageContext) -> bytes:
    """The cover as a PNG, for an EPUB whose print edition is not made (see `cover_png`)."""
    return cover_png(render_pdf(context, "cover-image.html.j2", ("cover.css",)).data)


def check_harfbuzz_subset() -> None:
    """Stop early if WeasyPrint would subset fonts with fontTools (10× slower on CJK faces)."""
    from weasyprint.text.ffi import harfbuzz, harfbuzz_subset

    if harfbuzz_subset is None or not harfbuzz.hb_version_atleast(4, 1, 0):
        raise FolioError(
            "WeasyPrint cannot load HarfBuzz's subsetter",
            hint="install the Debian package libharfbuzz-subset0 (run `make` as root)",
        )
