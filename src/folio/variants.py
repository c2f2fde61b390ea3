"""Chinese variants made from another catalog: zh-Hant, zh-HK and zh-TW text converted from the
zh-Hans catalog by OpenCC at build time, where an entry of the variant's own (small) catalog,
translated and not fuzzy, wins over the conversion."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass, replace
from functools import partial
from pathlib import Path
from typing import TYPE_CHECKING

from babel.messages.catalog import Catalog, Message

from folio import catalog, glossary, qa
from folio.errors import FolioError
from folio.files import write_atomic
from folio.glossary import Term
from folio.qa import Finding

if TYPE_CHECKING:
    from folio.config import Project

# OpenCC's configurations from Simplified Chinese, by the tag of the variant they make: s2t is
# OpenCC's standard Traditional; s2hk Hong Kong's characters; s2twp Taiwan's characters and
# phrases (軟件 → 軟體). All convert by phrase, not character by character.
OPENCC = {
    "zh-Hant": "s2t",
    "zh-HK": "s2hk",
    "zh-Hant-HK": "s2hk",
    "zh-TW": "s2twp",
    "zh-Hant-TW": "s2twp",
}
SOURCES = ("zh-Hans", "zh-CN", "zh-Hans-CN", "zh-SG", "zh-Hans-SG")
# Traditional Chinese quotes with corner brackets: “ ” → 「 」, and ‘ ’ inside them → 『 』.
DOUBLE = {"\u201c": "「", "\u201d": "」"}
SINGLE = re.compile("\u2018([^\u2018\u2019]*)\u2019")


def opencc_config(lang: str, base: str, path: Path | None = None, line: int | None = None) -> str:
    """The OpenCC configuration that makes `lang` from `base`; an error if there is none."""
    if lang not in OPENCC or base not in SOURCES:
        raise FolioError(
            f"cannot convert {base} to {lang}",
            path,
            line,
            hint=f"OpenCC makes {', '.join(OPENCC)} from {SOURCES[0]}",
        )
    return OPENCC[lang]


@functools.cache
def converter(config: str):
    import opencc  # loaded only for projects that convert

    return opencc.OpenCC(config)


def convert(text: str, lang: str, base: str = "zh-Hans") -> str:
    """Text of `base` in `lang`, with its quotation marks as Traditional Chinese sets them."""
    converted = converter(opencc_config(lang, base)).convert(text)
    converted = SINGLE.sub(r"『\1』", converted)
    return converted.translate(str.maketrans(DOUBLE))


@dataclass(frozen=True)
class Variant:
    """A language made from another's catalog: its base catalog converted, and its overrides."""

    lang: str
    base: str
    converted: Catalog  # the base's entries, converted (line numbers: the base's file)
    overrides: Catalog  # the variant's own catalog


def converted_catalog(base: Catalog, lang: str, base_lang: str) -> Catalog:
    """A copy of a catalog with every translation converted; flags and lines kept."""
    catalog = Catalog(locale=base.locale, domain=base.domain)
    for message in base:
        if not message.id:
            continue
        string = convert(message.string, lang, base_lang) if message.string else message.string
        catalog[message.id] = copy_message(message, string)
    return catalog


def copy_message(message: Message, string: str) -> Message:
    return Message(
        message.id,
        string,
        locations=list(message.locations),
        flags=set(message.flags),
        auto_comments=list(message.auto_comments),
        user_comments=list(message.user_comments),
        previous_id=list(message.previous_id),
        lineno=message.lineno,
        context=message.context,
    )


def published(message: Message) -> bool:
    return bool(message.id and message.string and not message.fuzzy)


def effective(variant: Variant) -> Catalog:
    """What the variant publishes: each override that is translated and current, else the
    conversion."""
    catalog = Catalog(locale=variant.overrides.locale, domain=variant.overrides.domain)
    catalog.last_translator = variant.overrides.last_translator
    # Chosen first, then added once each: Babel merges a message set twice into the first.
    chosen = {(m.id, m.context): m for m in variant.converted}
    chosen.update({(m.id, m.context): m for m in variant.overrides if published(m)})
    for message in chosen.values():
        catalog[message.id] = message
    return catalog


def converted_only(variant: Variant) -> Catalog:
    """The converted entries that no override replaces (what QA checks under the base's file)."""
    overridden = {m.id for m in variant.overrides if published(m)}
    catalog = Catalog(locale=variant.converted.locale)
    for message in variant.converted:
        if message.id not in overridden:
            catalog[message.id] = message
    return catalog


def explain(po: Path, base: Path) -> None:
    """Say at the head of an override catalog what it is for."""
    note = (
        f"# The text of this language is converted by OpenCC from {base.parent.name}/{base.name}"
        " at build time.\n# An entry here, translated and not fuzzy, replaces the conversion"
        " of its unit: copy\n# the entry from the template (.pot) and translate it.\n"
    )
    write_atomic(po, (note + po.read_text(encoding="utf-8")).encode("utf-8"))


def load(project: Project, doc: str, lang: str) -> Variant | None:
    """A converted language's catalogs (None for a language translated by hand); without a
    catalog of its own, the variant is the conversion alone."""
    base = project.settings.converted_from.get(lang)
    if base is None:
        return None
    base_catalog = catalog.load(project.po_path(doc, base), base)
    own = project.po_path(doc, lang)
    overrides = catalog.load(own, lang) if own.exists() else Catalog(locale=base_catalog.locale)
    if not catalog.translator_name(overrides):
        overrides.last_translator = base_catalog.last_translator
    return Variant(lang, base, converted_catalog(base_catalog, lang, base), overrides)


def load_catalog(project: Project, doc: str, lang: str) -> Catalog:
    """What a language publishes, as one catalog: its own, or its conversion with overrides."""
    variant = load(project, doc, lang)
    if variant is None:
        return catalog.load(project.po_path(doc, lang), lang)
    return effective(variant)


def translations(project: Project, doc: str, lang: str) -> catalog.Translations:
    """A language's publishable translations; a converted one's lines are its base's, but for
    the overrides."""
    own = project.po_path(doc, lang)
    variant = load(project, doc, lang)
    if variant is None:
        return catalog.translations(catalog.load(own, lang), own)
    base = project.po_path(doc, variant.base)
    converted = catalog.translations(converted_only(variant), base)
    overrides = catalog.translations(variant.overrides, own)
    return catalog.Translations(
        base,
        {**converted.strings, **overrides.strings},
        {**converted.lines, **overrides.lines},
        overrides.translator,
    )


def check(project: Project, doc: str, lang: str, terms: list[Term]) -> list[Finding]:
    """QA and glossary findings of a converted language: the overrides under their own file,
    the converted text under its base's (what the base's own check finds is not repeated)."""
    variant = load(project, doc, lang)
    assert variant is not None
    own, base = project.po_path(doc, lang), project.po_path(doc, variant.base)
    to_lang = partial(convert, lang=lang, base=variant.base)
    mine = glossary.for_language(terms, lang) or glossary.converted(
        glossary.for_language(terms, variant.base), lang, to_lang
    )
    base_terms = glossary.for_language(terms, variant.base)
    base_catalog = catalog.load(base, variant.base)
    known = {
        (f.line, f.check)
        for f in qa.check_catalog(base_catalog, base, variant.base)
        + glossary.check_catalog(base_terms, base_catalog, base)
    }
    text = converted_only(variant)
    converted = qa.check_catalog(text, base, lang) + glossary.check_catalog(mine, text, base)
    findings = qa.check_catalog(variant.overrides, own, lang)
    findings += glossary.check_catalog(mine, variant.overrides, own)
    return findings + [
        replace(f, message=f"in the {lang} conversion: {f.message}")
        for f in converted
        if (f.line, f.check) not in known
    ]
