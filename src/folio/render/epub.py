"""The EPUB edition: pandoc's EPUB 3 writer, with language tags, a cover and font subsets."""

from __future__ import annotations

import io
import re
import tempfile
import uuid
import zipfile
from html import escape
from pathlib import Path

from folio import fonts, pandoc
from folio.document import TRANSLATABLE_META
from folio.render import compose
from folio.render.page import PageContext, plain_text
from folio.render.templating import render_template

# Identifiers are UUIDs derived from this namespace, the document and the edition: stable.
NAMESPACE = uuid.UUID("6f1c2a52-3b7e-4d7e-9a55-0c1f0e1d5a11")


def render_epub(context: PageContext, cover_png: bytes) -> bytes:
    """Write the EPUB in a scratch folder and return its bytes."""
    edition = context.edition
    blocks = title_page(context) + compose.body(edition, xml=True)
    meta = metadata(context)
    used = compose.characters_by_language(blocks, edition.primary)
    # Labels that pandoc writes from metadata (the contents' title) are text too.
    used[edition.primary] |= set(meta["toc-title"]["c"])
    with tempfile.TemporaryDirectory(prefix="folio-epub-") as scratch:
        folder = Path(scratch)
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
        pandoc.write(pandoc.document(blocks, meta), "epub3", args, str(target))
        return localise(target.read_bytes(), context)


def localise(epub: bytes, context: PageContext) -> bytes:
    """pandoc's English labels (landmarks "Cover", "Table of Contents") in the edition's language,
    and the book's title for chapter files pandoc titles "ch001.xhtml". Entries keep their order,
    dates and compression: mimetype first and stored, the bytes reproducible."""
    labels = context.labels[context.edition.primary]
    title = escape(plain_text(context.parts.field("title", context.edition.primary)))
    cover, contents = escape(labels("Cover")), escape(labels("Contents"))
    replacements = {
        'epub:type="cover">Cover</a>': f'epub:type="cover">{cover}</a>',
        'epub:type="toc">Table of Contents</a>': f'epub:type="toc">{contents}</a>',
    }
    source, output = zipfile.ZipFile(io.BytesIO(epub)), io.BytesIO()
    with zipfile.ZipFile(output, "w") as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename.endswith(".xhtml"):
                text = data.decode("utf-8")
                for old, new in replacements.items():
                    text = text.replace(old, new)
                text = re.sub(r"<title>ch\d+\.xhtml</title>", f"<title>{title}</title>", text)
                data = text.encode("utf-8")
            target.writestr(info, data, compress_type=info.compress_type)
    return output.getvalue()


def title_page(context: PageContext) -> list[pandoc.Block]:
    """The branded title page: institute, then title, subtitle and author in each language."""
    edition, brand = context.edition, context.brand
    masthead = [
        {"t": "Para", "c": [image(context)]},
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
    return [
        pandoc.div(
            [pandoc.div(masthead, classes=["masthead"]), title, *details],
            "title-page",
            ["title-page"],
        )
    ]


def image(context: PageContext) -> pandoc.Inline:
    alt = text_inlines(context.brand.text("institute", "en"))
    return {"t": "Image", "c": [["", ["emblem"], []], alt, [context.brand.logo.name, ""]]}


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
    """Package metadata: language, titles, author, publisher, date, rights, identifier."""
    edition, brand, lang = context.edition, context.brand, context.edition.primary
    labels = context.labels[lang]

    def inlines(value: list[pandoc.Inline]) -> dict[str, object]:
        return {"t": "MetaInlines", "c": value}

    def text(value: str) -> dict[str, object]:
        return {"t": "MetaString", "c": value}

    identifier = uuid.uuid5(NAMESPACE, f"{edition.document}/{edition.name}")
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
        "description": text(plain_text(context.parts.field("subtitle", lang))),
    }


def write_font_subsets(context: PageContext, used: dict[str, set[str]], folder: Path) -> list[Path]:
    """Subsets of the Latin faces (all text) and of each Chinese face (its language's text)."""
    paths = []
    for found in fonts.subsets(context.brand, used):
        path = folder / found.face.file_name
        path.write_bytes(found.data)
        paths.append(path)
    return paths


def stylesheet(context: PageContext, font_files: list[Path]) -> str:
    """The EPUB stylesheet: @font-face for each embedded subset, then templates/epub.css."""
    faces = []
    for path in font_files:
        family, _, style = path.stem.partition("-")
        faces.append(
            "@font-face {\n"
            f'  font-family: "{family_name(context, family)}";\n'
            f"  font-weight: {'bold' if 'Bold' in style else 'normal'};\n"
            f"  font-style: {'italic' if 'Italic' in style else 'normal'};\n"
            f'  src: url("../fonts/{path.name}");\n'
            "}\n"
        )
    css = render_template(context.environment, "epub.css.j2", brand=context.brand)
    return "".join(faces) + css


def family_name(context: PageContext, compact: str) -> str:
    """The family name a subset file was named after ("NotoSerifCJKSC" → "Noto Serif CJK SC")."""
    for family in context.brand.fonts.values():
        if family.replace(" ", "") == compact:
            return family
    return compact
