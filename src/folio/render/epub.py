"""The EPUB edition: pandoc's EPUB 3 writer, with language tags, a cover and font subsets."""

from __future__ import annotations

import io
import json
import re
import tempfile
import uuid
import zipfile
from collections.abc import Iterable
from html import escape
from pathlib import Path
from typing import Any

from folio import fonts, pandoc
from folio.document import TRANSLATABLE_META
from folio.edition import Edition
from folio.render import compose, epub_package
from folio.render.job import Job, Made
from folio.render.page import PageContext, page_context, plain_text
from folio.render.pagemap import PageMap, PageStart, mark_start, marker
from folio.render.templating import render_template

# Identifiers are UUIDs derived from this namespace, the document and the edition: stable.
NAMESPACE = uuid.UUID("6f1c2a52-3b7e-4d7e-9a55-0c1f0e1d5a11")


def render_epub(context: PageContext, cover_png: bytes, pages: PageMap | None = None) -> bytes:
    """Write the EPUB in a scratch folder and return its bytes.

    With the print edition's page map, the text marks where each printed page begins.
    """
    starts = pages.pages if pages else []
    with tempfile.TemporaryDirectory(prefix="folio-epub-") as scratch:
        folder = Path(scratch)
        text = folder / "book.json"
        used = write_text(context, starts, text)
        (folder / "cover.png").write_bytes(cover_png)
        font_files = write_font_subsets(context, used, folder)
        css = stylesheet(context, font_files)
        (folder / "style.css").write_text(css, encoding="utf-8")
        target = folder / "book.epub"
        args = [
            "--toc",
            "--toc-depth=2",
            "--split-level=1",
            "--epub-title-page=false",
            f"--epub-cover-image={folder / 'cover.png'}",
            f"--css={folder / 'style.css'}",
            # Images of the text are relative to source/; the emblem lives with the brand.
            f"--resource-path={context.root / 'source'}:{context.brand.logo.parent}",
            *[f"--epub-embed-font={path}" for path in font_files],
        ]
        pandoc.convert(text, "epub3", args, str(target))
        return finish(target.read_bytes(), context, starts)


def write_text(context: PageContext, starts: list[PageStart], path: Path) -> dict[str, set[str]]:
    """The book as pandoc's JSON in `path`; the characters each language uses. Its AST is let
    go before pandoc runs (at 5,000 pairs this process held a GiB beside pandoc's own)."""
    edition = context.edition
    body = mark_pages(compose.body(edition, xml=True), starts, edition.primary)
    body = epub_package.markers_before_headings(body)
    body = notes_in_their_language(body, edition.primary)
    blocks = with_xml_lang(title_page(context, starts) + body)
    meta = metadata(context) | accessibility(context, blocks, bool(starts))
    used = compose.characters_by_language(blocks, edition.primary)
    # Labels that pandoc writes from metadata (the contents' title) are text too.
    used[edition.primary] |= set(meta["toc-title"]["c"])
    path.write_text(json.dumps(pandoc.document(blocks, meta)), encoding="utf-8")
    edition.forget_blocks()
    return used


def render(job: Job) -> Made:
    """A target's EPUB: its cover is the print edition's first page, its page list the print
    edition's page breaks (laid out here when that PDF is not current)."""
    from folio.collection import print_design
    from folio.render.pdf import check_harfbuzz_subset, cover_png, render_cover_png, render_pdf

    check_harfbuzz_subset()
    context = page_context(job.project, job.edition, job.parts)
    print_map, print_pdf = job.page_map, job.print_pdf
    if job.paged and print_map is None:
        pdf = render_pdf(context, *print_design(job.edition))
        print_map, print_pdf = PageMap("", pdf.starts), pdf.data
    cover = cover_png(print_pdf) if print_pdf else render_cover_png(context)
    return Made(render_epub(context, cover, print_map))


def finish(epub: bytes, context: PageContext, starts: list[PageStart]) -> bytes:
    """What pandoc does not write: labels in the edition's language, the page list, the cover's
    text alternative, notes' links back. Entries keep their order, dates and compression:
    mimetype first and stored, the bytes reproducible."""
    source, output = zipfile.ZipFile(io.BytesIO(epub)), io.BytesIO()
    texts = {
        info.filename: source.read(info).decode("utf-8")
        for info in source.infolist()
        if info.filename.endswith((".xhtml", ".opf"))
    }
    texts = {name: localise(name, text, context) for name, text in texts.items()}
    if starts:
        add_page_list(texts, context, starts)
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            data = texts[info.filename].encode("utf-8") if info.filename in texts else None
            target.writestr(info, data or source.read(info), compress_type=info.compress_type)
    return output.getvalue()


def localise(name: str, text: str, context: PageContext) -> str:
    """One file of pandoc's: its English labels (landmarks "Cover", "Table of Contents") in the
    edition's language, the book's title for chapter files pandoc titles "ch001.xhtml", a text
    alternative for the cover picture, and a link back from each note to its call; the title
    once and the package's languages (epub_package)."""
    labels = context.labels[context.edition.primary]
    if name.endswith(".opf"):
        return epub_package.package(text, context.edition, str(labels("Cover")))
    text = epub_package.title_once(text)
    title = escape(plain_text(context.parts.field("title", context.edition.primary)))
    cover, contents = escape(labels("Cover")), escape(labels("Contents"))
    replacements = {
        'epub:type="cover">Cover</a>': f'epub:type="cover">{cover}</a>',
        'epub:type="toc">Table of Contents</a>': f'epub:type="toc">{contents}</a>',
        # The cover picture shows the title: its text alternative says so.
        '<svg xmlns="http://www.w3.org/2000/svg"': (
            f'<svg role="img" aria-label="{cover}: {title}" xmlns="http://www.w3.org/2000/svg"'
        ),
    }
    for old, new in replacements.items():
        text = text.replace(old, new)
    text = re.sub(r"<title>ch\d+\.xhtml</title>", f"<title>{title}</title>", text)
    return link_notes_back(text)


# pandoc's EPUB 3 note: an <aside> holding the note's blocks (for folio, one Div with `lang`).
_NOTE = re.compile(r'(<aside epub:type="footnote" role="doc-footnote" id="fn(\d+)">\s*<div[^>]*>)')


def link_notes_back(text: str) -> str:
    """Each note opens with its number, a link back to where it is called (pandoc's EPUB writer
    drops the back links its HTML writer makes)."""
    return _NOTE.sub(
        r'\1\n<p class="note-back"><a href="#fnref\2" role="doc-backlink">\2</a></p>', text
    )


def notes_in_their_language(node: Any, lang: str) -> Any:
    """A copy in which each note's blocks sit in a Div tagged with the language of the text that
    calls it: pandoc moves notes to the end of the file, away from the `lang` around the call."""
    if isinstance(node, list):
        return [notes_in_their_language(child, lang) for child in node]
    if not isinstance(node, dict) or "c" not in node:
        return node
    if node["t"] == "Note":
        blocks = notes_in_their_language(node["c"], lang)
        return {"t": "Note", "c": [pandoc.div(blocks, **compose.lang_attrs(lang, True))]}
    inner = compose.attr_lang(node) or lang
    return {**node, "c": notes_in_their_language(node["c"], inner)}


def with_xml_lang(node: Any) -> Any:
    """A copy in which every `lang` attribute has its `xml:lang` twin, as XHTML wants: spans
    from the source ([text]{lang=fr}) and fallbacks to the source language carry only `lang`."""
    if isinstance(node, list):
        return [with_xml_lang(child) for child in node]
    if not isinstance(node, dict) or "c" not in node:
        return node
    content = with_xml_lang(node["c"])
    kind = node["t"]
    if kind in ("Div", "Span", "Header"):
        place = 1 if kind == "Header" else 0
        ident, classes, attrs = content[place]
        names = {name for name, _ in attrs}
        if "lang" in names and "xml:lang" not in names:
            attrs = [*attrs, ["xml:lang", dict(attrs)["lang"]]]
        content = [*content[:place], [ident, classes, attrs], *content[place + 1 :]]
    return {**node, "c": content}


def mark_pages(body: list[pandoc.Block], starts: list[PageStart], lang: str) -> list[pandoc.Block]:
    """A copy of the body (one block per row) with a page-break marker where each print page's
    text begins; a page whose start is not found in its row is marked before that row."""
    # Not copy.deepcopy: it keeps shared lists shared, and a fallback shares its inlines with
    # the source language's text: a marker put in one would appear in both (a duplicate id).
    rows: list[list[pandoc.Block]] = [[json.loads(json.dumps(block))] for block in body]
    for start in starts:
        if start.part != "text" or not 0 < start.row <= len(rows):
            continue
        row = rows[start.row - 1]
        target = row[-1]  # the row itself: markers put before it come first
        marked = mark_start(target, start, lang)
        row[-1:] = marked if marked else [marker(start.page, False), target]
    return [block for row in rows for block in row]


_PAGE_BREAK = re.compile(r'epub:type="pagebreak" role="doc-pagebreak" id="page-(\d+)"')


def add_page_list(texts: dict[str, str], context: PageContext, starts: list[PageStart]) -> None:
    """The page-list nav (in reading order, as the markers are found in the spine's files) and
    the package's pageBreakSource: the print edition of the same edition."""
    spine = re.findall(r'<itemref idref="([^"]+)"', texts["EPUB/content.opf"])
    hrefs = dict(re.findall(r'<item id="([^"]+)" href="([^"]+)"', texts["EPUB/content.opf"]))
    entries = []
    for idref in spine:
        href = hrefs.get(idref, "")
        text = texts.get(f"EPUB/{href}", "")
        if href.endswith("cover.xhtml") and any(s.part == "cover" for s in starts):
            entries.append((1, href))
        for number in _PAGE_BREAK.findall(text):
            entries.append((int(number), f"{href}#page-{number}"))
    labels = context.labels[context.edition.primary]
    items = "".join(f'<li><a href="{href}">{number}</a></li>' for number, href in entries)
    nav = (
        f'<nav epub:type="page-list" role="doc-pagelist" id="page-list" hidden="hidden">'
        f"<h1>{escape(labels('Pages'))}</h1><ol>{items}</ol></nav>\n"
    )
    texts["EPUB/nav.xhtml"] = texts["EPUB/nav.xhtml"].replace(
        '<nav epub:type="landmarks"', nav + '<nav epub:type="landmarks"', 1
    )
    source = f"urn:uuid:{print_identifier(context.edition)}"
    texts["EPUB/content.opf"] = texts["EPUB/content.opf"].replace(
        "</metadata>", f'  <meta property="pageBreakSource">{source}</meta>\n  </metadata>', 1
    )


def print_identifier(edition: Edition) -> uuid.UUID:
    """The print edition's identifier (its PDF has no ISBN): stable, like the EPUB's own."""
    return uuid.uuid5(NAMESPACE, f"{edition.document}/{edition.name}/print")


def title_page(context: PageContext, starts: list[PageStart] = ()) -> list[pandoc.Block]:
    """The branded title page: institute, then title, subtitle and author in each language."""
    edition, brand = context.edition, context.brand
    masthead = [
        emblem(context),
        para(brand.text("university", "zh-Hant"), "zh-Hant", ["university"]),
        para(brand.text("university", "en"), "en", ["university"]),
        para(brand.text("institute", "en"), "en", ["institute"]),
        para(brand.text("institute", "zh-Hant"), "zh-Hant", ["institute"]),
    ]
    title_inlines: list[pandoc.Inline] = []
    details: list[pandoc.Block] = []
    for lang in edition.languages:
        if title_inlines:
            title_inlines.append({"t": "LineBreak"})
        attrs = compose.lang_attrs(lang, xml=True)
        title_inlines.append(pandoc.span(edition.meta_text("title", lang), **attrs))
        lines = [edition.meta_text(name, lang) for name in TRANSLATABLE_META[1:]]
        lines.append(
            text_inlines(
                context.labels[lang](
                    "Published on {date}", date=context.labels[lang].date(edition.date)
                )
            )
        )
        details.append(
            pandoc.div(
                [{"t": "Para", "c": line} for line in lines if line], classes=["byline"], **attrs
            )
        )
    title = {
        "t": "Header",
        "c": [1, ["title", ["title", "unnumbered", "unlisted"], []], title_inlines],
    }
    # The print edition's title page begins here: its number marks the start.
    page = [marker(s.page, False) for s in starts if s.part == "title-page"]
    return [
        pandoc.div(
            [*page, pandoc.div(masthead, classes=["masthead"]), title, *details],
            "title-page",
            ["title-page"],
        )
    ]


def emblem(context: PageContext) -> pandoc.Block:
    """The emblem, named by the institute in the edition's language where the brand has it
    (in English otherwise, tagged so)."""
    lang = context.edition.primary
    lang = lang if lang in context.brand.institute else "en"
    alt = text_inlines(context.brand.text("institute", lang))
    image = {"t": "Image", "c": [["", ["emblem"], []], alt, [context.brand.logo.name, ""]]}
    return pandoc.div([{"t": "Para", "c": [image]}], **compose.lang_attrs(lang, True))


def para(text: str, lang: str, classes: list[str]) -> pandoc.Block:
    return pandoc.div(
        [{"t": "Para", "c": text_inlines(text)}], classes=classes, **compose.lang_attrs(lang, True)
    )


def text_inlines(text: str) -> list[pandoc.Inline]:
    """Plain text as inlines: words and spaces."""
    inlines: list[pandoc.Inline] = []
    for word in text.split(" "):
        if inlines:
            inlines.append({"t": "Space"})
        inlines.append({"t": "Str", "c": word})
    return inlines


def metadata(context: PageContext) -> dict[str, object]:
    """Package metadata: language, titles, author, translators, subjects, publisher, date,
    rights, identifier."""
    edition, brand, lang = context.edition, context.brand, context.edition.primary
    labels = context.labels[lang]

    def inlines(value: list[pandoc.Inline]) -> dict[str, object]:
        # The title also heads the contents in nav.xhtml: its spans need xml:lang there.
        return {"t": "MetaInlines", "c": with_xml_lang(value)}

    def text(value: str) -> dict[str, object]:
        return {"t": "MetaString", "c": value}

    identifier = uuid.uuid5(NAMESPACE, f"{edition.document}/{edition.name}")
    description = plain_text(context.parts.field("subtitle", lang))
    return {
        "title": inlines(edition.meta_text("title", lang)),
        "subtitle": inlines(edition.meta_text("subtitle", lang)),
        "author": inlines(edition.meta_text("author.name", lang)),
        "lang": text(lang),
        "date": text(edition.date.isoformat()),
        "publisher": text(brand.text("publisher", lang)),
        "rights": text(brand.text("rights", lang)),
        "identifier": text(f"urn:uuid:{identifier}"),
        "toc-title": text(labels("Contents")),
        # An empty dc:description is invalid (RSC-005): none without a subtitle.
        **({"description": text(description)} if description else {}),
        "contributor": listing(
            {"role": text("translator"), "text": text(edition.translators[other])}
            for other in edition.languages
            if other in edition.translators
        ),
        "subject": listing(inlines(subject) for _, subject in epub_package.subjects(edition)),
    }


def listing(items: Iterable[object]) -> dict[str, object]:
    """A metadata list; a map item is given as a dict of metadata values."""
    values = [{"t": "MetaMap", "c": item} if "t" not in item else item for item in items]
    return {"t": "MetaList", "c": values}


# Accessibility features every folio EPUB has: headings and a contents nav from the text's own
# structure, DOM order as reading order, and reflowable text with no fixed sizes.
FEATURES = ("structuralNavigation", "tableOfContents", "readingOrder", "displayTransformability")
# With the print edition's page breaks: markers in the text and a page list (printPageNumbers is
# the older name of the two, still read by some stores).
PAGE_FEATURES = ("pageBreakMarkers", "pageNavigation", "printPageNumbers")


def accessibility(
    context: PageContext, blocks: list[pandoc.Block], paged: bool
) -> dict[str, object]:
    """schema.org accessibility metadata, each claim derived from what the book contains."""
    alts = image_alts(blocks) + ["cover"]  # the cover picture's alternative is its title
    described = all(alt.strip() for alt in alts)
    features = list(FEATURES) + (["alternativeText"] if described else [])
    features += list(PAGE_FEATURES) if paged else []
    sufficient = (["textual"] if described else []) + ["textual,visual"]
    labels = context.labels[context.edition.primary]
    sentences = [
        "Headings, a table of contents and the reading order follow the structure of the text;"
        " the text reflows, and its fonts and sizes can be changed.",
        "Every image has a text alternative."
        if described
        else "Some images have no text alternative.",
        *(["Page breaks and a page list follow the print edition (PDF)."] if paged else []),
        "It contains no flashing content, motion simulation or sound.",
        "Its accessibility has not been certified.",
    ]
    summary = " ".join(str(labels(sentence)) for sentence in sentences)

    def strings(values: Iterable[str]) -> dict[str, object]:
        return listing({"t": "MetaString", "c": value} for value in values)

    return {
        # The cover and the institute's emblem are pictures: every edition has visual content.
        "accessModes": strings(["textual", "visual"]),
        "accessModeSufficient": strings(sufficient),
        "accessibilityFeatures": strings(features),
        "accessibilityHazards": strings(["none"]),
        "accessibilitySummary": {"t": "MetaString", "c": summary},
    }


def image_alts(node: object) -> list[str]:
    """The text alternative of every image in the blocks ("" where there is none)."""
    if isinstance(node, list):
        return [alt for child in node for alt in image_alts(child)]
    if not isinstance(node, dict) or "c" not in node:
        return []
    if node["t"] == "Image":
        return [text_of(node["c"][1])]
    return image_alts(node["c"])


def text_of(node: object) -> str:
    """The characters of the Str elements in an AST fragment."""
    if isinstance(node, list):
        return "".join(text_of(child) for child in node)
    if isinstance(node, dict) and node.get("t") == "Str":
        return node["c"]
    return text_of(node.get("c")) if isinstance(node, dict) else ""


def write_font_subsets(context: PageContext, used: dict[str, set[str]], folder: Path) -> list[Path]:
    """Subsets of the Latin faces (all text) and of each Chinese face (its language's text)."""
    paths = []
    for found in fonts.subsets(context.brand, used):
        path = folder / found.face.file_name
        path.write_bytes(found.data)
        paths.append(path)
    return paths


def stylesheet(context: PageContext, font_files: list[Path]) -> str:
    """The EPUB stylesheet: @font-face for each embedded subset, then templates/epub.css.j2."""
    faces, embedded = [], set()
    for path in font_files:
        family, _, style = path.stem.partition("-")
        embedded.add(family_name(context, family))
        faces.append(
            "@font-face {\n"
            f'  font-family: "{family_name(context, family)}";\n'
            f"  font-weight: {'bold' if 'Bold' in style else 'normal'};\n"
            f"  font-style: {'italic' if 'Italic' in style else 'normal'};\n"
            f'  src: url("../fonts/{path.name}");\n'
            "}\n"
        )
    # A font-family that names a face the book does not embed makes some readers (Kobo's older
    # engine, Apple Books) set the text in a system font: the rules name only embedded faces.
    css = render_template(
        context.environment, "epub.css.j2", brand=context.brand, embedded=embedded
    )
    return "".join(faces) + css


def family_name(context: PageContext, compact: str) -> str:
    """The family name a subset file was named after ("NotoSerifCJKSC" → "Noto Serif CJK SC")."""
    for family in context.brand.fonts.values():
        if family.replace(" ", "") == compact:
            return family
    return compact
