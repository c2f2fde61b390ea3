"""Alignment: a document and its translations as the edition model every renderer shares."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from dataclasses import dataclass, field

from folio import pandoc
from folio.document import TRANSLATABLE_META
from folio.segments import translate_blocks
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

    @property
    def name(self) -> str:
        return "+".join(self.languages)

    @property
    def primary(self) -> str:
        return self.languages[0]

    def meta_text(self, name: str, lang: str) -> list[pandoc.Inline]:
        return self.meta.get((name, lang), [])


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

    def text(self, block: pandoc.Block, keys: Iterator[str]) -> Text:
        """One top-level block in this language; `keys` yields the block's unit keys in order."""
        before = self.fallbacks
        blocks = translate_blocks([block], lambda original: self.inlines(next(keys), original))
        return Text(self.lang, blocks, self.fallbacks > before)


def align(
    source: Source, languages: tuple[str, ...], catalogs: dict[str, dict[str, str]]
) -> Edition:
    """Pair every unit with its translation; missing or fuzzy ones fall back, marked."""
    source_lang = source.document.meta.lang
    meta_units = [u for u in source.units if u.kind in TRANSLATABLE_META]
    body_keys = [u.key for u in source.units if u.kind not in TRANSLATABLE_META]
    blocks = content_blocks(source.document.blocks)
    edition = Edition(source.document.name, languages, source.document.meta.date)
    texts: list[list[Text]] = [[] for _ in blocks]
    for lang in languages:
        own = catalogs.get(lang, {}) if lang != source_lang else {}
        translator = Translator(lang, source_lang, parse_translations(own))
        for unit in meta_units:
            edition.meta[(unit.kind, lang)] = translator.inlines(unit.key, source.meta[unit.kind])
        keys = iter(body_keys)
        for index, block in enumerate(blocks):
            texts[index].append(translator.text(block, keys))
        edition.fallbacks[lang] = translator.fallbacks
    edition.rows.extend(Row(block["t"], row) for block, row in zip(blocks, texts, strict=True))
    return edition


def content_blocks(blocks: list[pandoc.Block]) -> list[pandoc.Block]:
    """The blocks that are published: HTML comments in the source are notes, not content."""
    return [
        b for b in blocks if not (b["t"] == "RawBlock" and b["c"][1].lstrip().startswith("<!--"))
    ]


def parse_translations(translations: dict[str, str]) -> dict[str, list[pandoc.Inline]]:
    """Each msgstr as inlines; Han line breaks join without a space (east_asian_line_breaks)."""
    keys = list(translations)
    pieces = pandoc.read_pieces([translations[k] for k in keys], east_asian=True)
    parsed = {}
    for key, piece in zip(keys, pieces, strict=True):
        inlines = pandoc.inlines_of(piece)
        if inlines is not None:
            parsed[key] = inlines
    return parsed
