"""Alignment: a document and its translations, unit by unit, as an edition (the model every
renderer shares)."""

from __future__ import annotations

import pickle
from dataclasses import dataclass, replace
from pathlib import Path

from folio import html_spans, pandoc
from folio.cache import Table
from folio.catalog import Translations
from folio.edition import UNTRANSLATED, Edition, Row, Text
from folio.links import SCHEME, broken_links, link_targets
from folio.pandoc import one_paragraph
from folio.render.anchors import all_ids
from folio.sanitize import Sanitizer
from folio.segments import Walker
from folio.source import Group, Source

# The translations of the source language (none): one object, which row_keys knows again.
NO_STRINGS: dict[str, str] = {}


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


@dataclass(frozen=True)
class Aligned:
    """One row in one language: the text and its untranslated units."""

    text: Text
    fallbacks: int


@dataclass(frozen=True)
class Kept:
    """An aligned row as the memo keeps it: its blocks pickled, read only when a renderer
    asks for them (a rebuild mostly takes the rows' HTML from its own memo)."""

    lang: str
    fallback: bool
    key: str
    fallbacks: int
    packed: bytes

    @classmethod
    def of(cls, aligned: Aligned) -> Kept:
        text = aligned.text
        packed = pickle.dumps(text.blocks, pickle.HIGHEST_PROTOCOL)
        return cls(text.lang, text.fallback, text.key, aligned.fallbacks, packed)

    def aligned(self) -> Aligned:
        text = KeptText.__new__(KeptText)
        # The fields set as a frozen dataclass's __init__ sets them (its blocks, when read).
        text.__dict__.update(lang=self.lang, fallback=self.fallback, key=self.key)
        text.__dict__["packed"] = self.packed
        return Aligned(text, self.fallbacks)


class KeptText(Text):
    """A text whose blocks are unpickled when first read."""

    def __getattr__(self, name: str):
        # Only called for what the instance lacks: its blocks, until they are first read.
        packed = self.__dict__.get("packed")
        if name != "blocks" or packed is None:
            raise AttributeError(name)
        blocks = pickle.loads(packed)
        object.__setattr__(self, "blocks", blocks)
        return blocks

    def forget(self) -> None:
        """Drop the blocks read, keeping them pickled: read again if asked for."""
        if "packed" in self.__dict__:
            self.__dict__.pop("blocks", None)

    def __getstate__(self) -> dict:
        # Pickled (a job sent to a worker), its blocks go as they were kept: a second copy of
        # them, as objects, would double the job's size and the worker's memory for them.
        state = dict(self.__dict__)
        if "packed" in state:
            state.pop("blocks", None)
        return state

    def __eq__(self, other: object) -> bool:
        fields = ("lang", "blocks", "fallback", "key")
        return isinstance(other, Text) and all(
            getattr(self, name) == getattr(other, name) for name in fields
        )

    __hash__ = None  # type: ignore[assignment]


def align(
    source: Source,
    languages: tuple[str, ...],
    catalogs: dict[str, Translations],
    root: Path,
    memo: Table | None = None,
) -> Edition:
    """Pair every unit with its translation; missing or fuzzy ones fall back, marked.

    Source and translations are sanitised here, so that no renderer sees unsafe HTML. With
    `memo`, a row whose source blocks and translations were aligned before is taken from it.
    """
    source_lang = source.document.meta.lang
    # segment() lists the front matter's units first, one per field of source.meta, in its order.
    meta_units = list(zip(source.meta, source.units, strict=False))
    base = source.document.path.parent
    edition = Edition(source.document.name, languages, source.document.meta.date)
    memo = memo or Table(None)
    source_meta = clean_meta(source, root, base, edition.warnings)
    rows: list[list[Text]] = [[] for _ in source.groups]
    for lang in languages:
        catalog = catalogs.get(lang) if lang != source_lang else None
        strings = catalog.strings if catalog else NO_STRINGS
        if catalog and catalog.translator:
            edition.translators[lang] = catalog.translator
        keys = row_keys(memo, source, lang, strings, root)
        found = [kept_row(memo, key) for key in keys]
        missing = [i for i, hit in enumerate(found) if hit is None]
        wanted = {unit.key for _, unit in meta_units}
        wanted |= {key for i in missing for key in source.groups[i].keys}
        parsed: dict[str, list[pandoc.Inline]] = {}
        warned: set[str] = set()  # units whose translation a warning names
        if catalog:
            parsed, warned = parse_translations(catalog, wanted, root, base, edition.warnings, memo)
        translator = Translator(lang, source_lang, parsed)
        for name, unit in meta_units:
            edition.meta[(name, lang)] = translator.inlines(unit.key, source_meta[name])
        in_meta, translator.fallbacks = translator.fallbacks, 0
        for i in missing:
            aligned = align_group(source, source.groups[i], translator, root, edition.warnings)
            if aligned.text.key and not warned.intersection(source.groups[i].keys):
                kept = Kept.of(Aligned(replace(aligned.text, key=keys[i]), aligned.fallbacks))
                memo.put(keys[i], kept)
                # The edition holds the row as kept, as it would on the next build: its blocks
                # are read when rendered, and can be let go again (`Edition.forget_blocks`).
                aligned = kept.aligned()
            found[i] = aligned
        for row, aligned in zip(rows, found, strict=True):
            row.append(aligned.text)
        edition.fallbacks[lang] = in_meta + sum(aligned.fallbacks for aligned in found)
    edition.warnings.extend(source_links(source, memo))
    for group, texts in zip(source.groups, rows, strict=True):
        edition.rows.append(Row(group.kind, texts))
    return edition


def kept_row(memo: Table, key: str) -> Aligned | None:
    found = memo.get(key)
    return found.aligned() if isinstance(found, Kept) else None


def row_keys(
    memo: Table, source: Source, lang: str, strings: dict[str, str], root: Path
) -> list[str]:
    """Every row's key in one language, made once a build (the bilingual edition shares each
    language's rows with that language's own)."""
    made = (source, lang, strings, root)
    for done, keys in memo.scratch.get("row-keys", []):
        if all(a is b for a, b in zip(done, made, strict=True)):
            return keys
    keys = [row_key(memo, group, lang, strings, root) for group in source.groups]
    # The objects themselves are kept, so that no other one takes their place (their id).
    memo.scratch.setdefault("row-keys", []).append((made, keys))
    return keys


def row_key(memo: Table, group: Group, lang: str, strings: dict[str, str], root: Path) -> str:
    """What a row in one language is made from: its blocks, where the state of i18n:skip, the
    translations of its units, and the project (images are checked against its files)."""
    translations = [f"{key}\0{strings.get(key, '')}" for key in group.keys]
    return memo.key("row", group.digest, lang, str(group.skipping), str(root), *translations)


def align_group(
    source: Source, group: Group, translator: Translator, root: Path, warnings: list[str]
) -> Aligned:
    """One row in the translator's language, walked from its first block to its last."""
    before = translator.fallbacks
    walker = Walker(lambda leaf: translator.inlines(next(keys), leaf.inlines))
    walker.skipping = group.skipping
    keys = iter(group.keys)
    walked = {
        i: walker.block(source.block(i), "paragraph") for i in range(group.first, group.last + 1)
    }
    cleaner = Sanitizer(source.document.path, root, source.document.path.parent)
    texts = [cleaner.clean([walked[i]]) for i in group.published]
    warnings.extend(cleaner.warnings)
    fallbacks = translator.fallbacks - before
    lang = translator.lang
    # Blocks that raw HTML holds together are one text, its raw HTML balanced, so that no
    # renderer wraps the element's halves apart.
    blocks = html_spans.balance([block for text in texts for block in text])
    # Kept for later builds only when nothing was said of it (a warning names a line).
    key = "" if cleaner.warnings else "kept"
    return Aligned(Text(lang, blocks, fallbacks > 0, key), fallbacks)


def source_links(source: Source, memo: Table) -> list[str]:
    """Warnings about the source's links to places it does not have, found once a source. The
    ids and links of each row are kept by its blocks: an edit reads its own row's alone, and
    the whole document only when a link may lead nowhere."""
    key = memo.key("links", str(source.document.path), *(g.digest for g in source.groups))
    found = memo.get(key)
    if found is None:
        parts = [row_links(source, group, memo) for group in source.groups]
        ids = {ident for own, _ in parts for ident in own}
        found = []
        if any(leads_nowhere(url, ids) for _, urls in parts for url in urls):
            blocks = source.document.blocks
            published = [blocks[i] for group in source.groups for i in group.published]
            found = broken_links(published, source.document.path)
        memo.put(key, found)
    return list(found)


def row_links(source: Source, group: Group, memo: Table) -> tuple[list[str], list[str]]:
    """A row's ids and the targets of its links."""
    key = memo.key("row-links", group.digest, *map(str, group.published))
    found = memo.get(key)
    if found is None:
        blocks = [source.block(i) for i in group.published]
        found = (list(all_ids(blocks)), link_targets(blocks))
        memo.put(key, found)
    return found


def leads_nowhere(url: str, ids: set[str]) -> bool:
    """Whether broken_links could warn of a link (one to an id the document lacks, or to a
    file); it says which."""
    if SCHEME.match(url) or not url.strip():
        return False
    return not (url.startswith("#") and url[1:] in ids)


def parse_translations(
    translations: Translations,
    wanted: set[str],
    root: Path,
    base: Path,
    warnings: list[str],
    memo: Table | None = None,
) -> tuple[dict[str, list[pandoc.Inline]], set[str]]:
    """The `wanted` msgstrs as clean inlines, and the keys of those a warning was given for;
    Han line breaks join with no space (east_asian_line_breaks). pandoc reads only the texts
    it has not read before."""
    keys = [key for key in translations.strings if key in wanted]
    texts = [translations.strings[key] for key in keys]
    pieces = read_cached(texts, memo or Table(None))
    parsed, warned = {}, set()
    for key, piece in zip(keys, pieces, strict=True):
        cleaner = Sanitizer(translations.path, root, base, translations.lines.get(key))
        inlines = one_paragraph(cleaner.clean(piece))
        warnings.extend(cleaner.warnings)
        if inlines is None:
            cleaner.warn(
                "the translation is not one paragraph like its source; the source is shown instead"
            )
            warnings.append(cleaner.warnings[-1])
        else:
            parsed[key] = inlines
        if cleaner.warnings:
            warned.add(key)
    return parsed, warned


def read_cached(texts: list[str], memo: Table) -> list[list[pandoc.Block]]:
    """pandoc's reading of each msgstr (East Asian line breaks), once a text."""
    keys = [memo.key("msgstr", text) for text in texts]
    found = [memo.get(key) for key in keys]
    missing = [i for i, piece in enumerate(found) if piece is None]
    if missing:
        read = pandoc.read_pieces([texts[i] for i in missing], east_asian=True)
        for i, piece in zip(missing, read, strict=True):
            memo.put(keys[i], piece)
            found[i] = piece
    return [piece or [] for piece in found]


def clean_meta(
    source: Source, root: Path, base: Path, warnings: list[str]
) -> dict[str, list[pandoc.Inline]]:
    """The source's front-matter fields, sanitised like its body."""
    cleaner = Sanitizer(source.document.path, root, base)
    cleaned = {name: cleaner.clean(inlines) for name, inlines in source.meta.items()}
    warnings.extend(cleaner.warnings)
    return cleaned
