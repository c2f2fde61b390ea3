"""Alignment: a document and its translations as the edition model every renderer shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from folio import html_spans, pandoc
from folio.catalog import Translations
from folio.document import SUBJECT
from folio.links import broken_links
from folio.pandoc import one_paragraph
from folio.sanitize import Sanitizer
from folio.segments import Walker
from folio.workflow import Source

UNTRANSLATED = "untranslated"


@dataclass(frozen=True)
class Text:
    """One language's version of a row: blocks, and whether any part fell back to the source."""

    lang: str
    blocks: list[pandoc.Block]
    fallback: bool


@dataclass(frozen=True)
class Row:
    """One top-level block of the source, in each of the edition's languages."""

    kind: str
    texts: list[Text]


@dataclass(frozen=True)
class Edition:
    document: str
    languages: tuple[str, ...]
    date: dt.date
    # (front-matter field such as "title" or "author.role", language) → inlines.
    meta: dict[tuple[str, str], list[pandoc.Inline]] = field(default_factory=dict)
    rows: list[Row] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    translators: dict[str, str] = field(default_factory=dict)  # language → name, where known

    @property
    def name(self) -> str:
        return edition_name(self.languages)

    @property
    def primary(self) -> str:
        return self.languages[0]

    def meta_text(self, name: str, lang: str) -> list[pandoc.Inline]:
        return self.meta.get((name, lang), [])

    def subjects(self, lang: str) -> list[list[pandoc.Inline]]:
        """The subjects in one language (an untranslated one in the source language, marked)."""
        names = sorted(
            (int(name.partition(":")[2]), name)
            for name, other in self.meta
            if other == lang and name.startswith(f"{SUBJECT}:")
        )
        return [self.meta[(name, lang)] for _, name in names]


def edition_name(languages: tuple[str, ...]) -> str:
    return "+".join(languages)


@dataclass
class Translator:
    """Replaces source inlines with one language's translations, counting fallbacks."""

    lang: str
    source_lang: str
    translations: dict[str, list[pandoc.Inline]]
    fallbacks: int = 0

    def inlines(self, key: str, original: list[pandoc.Inline]) -> list[pandoc.Inline]:
        """The translation of a unit, or the source marked as untranslated."""
        if self.lang == self.source_lang:
            return original
        if key in self.translations:
            return self.translations[key]
        self.fallbacks += 1
        return [pandoc.span(original, [UNTRANSLATED], lang=self.source_lang)]

    def texts(self, blocks: list[pandoc.Block], keys: Iterator[str]) -> list[Text]:
        """Each top-level block in this language, walked in one pass (i18n:skip ranges span
        blocks); `keys` yields the unit keys in the order segmentation found them."""
        walker = Walker(lambda leaf: self.inlines(next(keys), leaf.inlines))
        texts = []
        for block in blocks:
            before = self.fallbacks
            texts.append(
                Text(self.lang, [walker.block(block, "paragraph")], self.fallbacks > before)
            )
        return texts


def align(
    source: Source, languages: tuple[str, ...], catalogs: dict[str, Translations], root: Path
) -> Edition:
    """Pair every unit with its translation; missing or fuzzy ones fall back, marked.

    Source and translations are sanitised here, so that no renderer sees unsafe HTML.
    """
    source_lang = source.document.meta.lang
    # segment() lists the front matter's units first, one per field of source.meta, in its order.
    meta_units = list(zip(source.meta, source.units, strict=False))
    body_keys = [u.key for u in source.units[len(source.meta) :]]
    base = source.document.path.parent
    blocks = source.document.blocks
    published = [i for i, block in enumerate(blocks) if not is_comment(block)]
    edition = Edition(
        source.document.name,
        languages,
        source.document.meta.date,
    )
    texts: list[list[Text]] = [[] for _ in published]
    source_meta = clean_meta(source, root, base, edition.warnings)
    langs = range(len(languages))
    for lang in languages:
        parsed = {}
        if lang != source_lang and lang in catalogs:
            parsed = parse_translations(catalogs[lang], root, base, edition.warnings)
            if catalogs[lang].translator:
                edition.translators[lang] = catalogs[lang].translator
        translator = Translator(lang, source_lang, parsed)
        for name, unit in meta_units:
            edition.meta[(name, lang)] = translator.inlines(unit.key, source_meta[name])
        walked = translator.texts(blocks, iter(body_keys))
        # Cleaned after the walk: the walk reads the comments, and nh3 removes them.
        cleaner = Sanitizer(source.document.path, root, base)
        for row, index in enumerate(published):
            text = walked[index]
            texts[row].append(Text(lang, cleaner.clean(text.blocks), text.fallback))
        edition.warnings.extend(cleaner.warnings)
        edition.fallbacks[lang] = translator.fallbacks
    edition.warnings.extend(broken_links([blocks[i] for i in published], source.document.path))
    for group in html_spans.groups([blocks[i] for i in published]):
        kind = blocks[published[group[0]]]["t"] if len(group) == 1 else "Div"
        edition.rows.append(Row(kind, [joined([texts[i][n] for i in group]) for n in langs]))
    return edition


def joined(texts: list[Text]) -> Text:
    """Blocks that raw HTML holds together (an element opened in one, closed in another): one
    text, so that no renderer wraps the element's halves apart; its raw HTML balanced."""
    blocks = [block for text in texts for block in text.blocks]
    return Text(texts[0].lang, html_spans.balance(blocks), any(text.fallback for text in texts))


def is_comment(block: pandoc.Block) -> bool:
    """An HTML comment: a note in the source (or an i18n directive), not content."""
    return block["t"] == "RawBlock" and block["c"][1].lstrip().startswith("<!--")


def parse_translations(
    translations: Translations, root: Path, base: Path, warnings: list[str]
) -> dict[str, list[pandoc.Inline]]:
    """Each msgstr as clean inlines; Han line breaks join with no space (east_asian_line_breaks)."""
    keys = list(translations.strings)
    pieces = pandoc.read_pieces([translations.strings[k] for k in keys], east_asian=True)
    parsed = {}
    for key, piece in zip(keys, pieces, strict=True):
        cleaner = Sanitizer(translations.path, root, base, translations.lines.get(key))
        inlines = one_paragraph(cleaner.clean(piece))
        warnings.extend(cleaner.warnings)
        if inlines is None:
            warnings.append(
                f"{cleaner.where}: the translation is not one paragraph like its source;"
                " the source is shown instead"
            )
        else:
            parsed[key] = inlines
    return parsed


def clean_meta(
    source: Source, root: Path, base: Path, warnings: list[str]
) -> dict[str, list[pandoc.Inline]]:
    """The source's front-matter fields, sanitised like its body."""
    cleaner = Sanitizer(source.document.path, root, base)
    cleaned = {name: cleaner.clean(inlines) for name, inlines in source.meta.items()}
    warnings.extend(cleaner.warnings)
    return cleaned
