"""The print edition: the page template rendered by WeasyPrint into an A5 PDF."""

from __future__ import annotations

import functools
import io
import logging
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit
from urllib.request import url2pathname

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import FatalURLFetchingError, URLFetcher

from folio import gate
from folio.errors import FolioError
from folio.render import justify
from folio.render.page import PageContext
from folio.render.pagemap import PageStart, read_page_map
from folio.render.templating import render_template

# The print edition's stylesheets, inlined in its page in this order.
PRINT_STYLESHEETS = ("print.css", "cover.css")


@dataclass(frozen=True)
class Pdf:
    data: bytes
    pages: int
    starts: list[PageStart]  # where each page begins, for the EPUB's page list


def render_pdf(
    context: PageContext,
    template: str = "print.html.j2",
    stylesheets: tuple[str, ...] = PRINT_STYLESHEETS,
) -> Pdf:
    """Lay out and write the PDF; fonts come from fontconfig by family name."""
    html = print_html(context, template, stylesheets)
    fetcher = ProjectFetcher(context.root)
    install_justification()
    try:
        # Relative references in the text (images) are relative to the source folder.
        document = HTML(
            string=html, base_url=str(context.root / "source") + "/", url_fetcher=fetcher
        )
        document = document.render(font_config=font_configuration())
    except RefusedURL as refused:
        raise FolioError(
            f"{context.edition.document}: refused to load {refused.url!r}",
            hint="the print edition uses only files inside the project; nothing is fetched",
        ) from None
    gate.keep_safe_links(document.pages)
    output = io.BytesIO()
    document.write_pdf(output, pdf_variant=context.settings.pdf_variant)
    return Pdf(output.getvalue(), len(document.pages), read_page_map(document))


def print_html(
    context: PageContext,
    template: str = "print.html.j2",
    stylesheets: tuple[str, ...] = PRINT_STYLESHEETS,
) -> str:
    """The page WeasyPrint lays out: the template, with the stylesheets inlined."""
    css = "".join((context.templates / name).read_text(encoding="utf-8") for name in stylesheets)
    return render_template(
        context.environment,
        template,
        **context.variables(),
        css=css,
        logo_url=context.brand.logo.as_uri(),
    )


def install_justification() -> None:
    """Justify Chinese lines too; on another WeasyPrint, say they stay ragged (a build warning)."""
    if not justify.install():
        # A child of WeasyPrint's logger, so that the build collects it with WeasyPrint's own.
        logging.getLogger("weasyprint.folio").warning(
            "Chinese lines are not justified: folio's justification is written for WeasyPrint %s",
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
