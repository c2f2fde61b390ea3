"""Interface labels, dates and language names in each edition's language (Babel, CLDR)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from babel import Locale
from babel.core import get_global
from babel.dates import format_date
from markupsafe import Markup

from folio import pofile


@dataclass(frozen=True)
class Labels:
    """The UI strings of one language, read from templates/ui/<lang>.po."""

    lang: str
    locale: Locale
    strings: dict[str, str]

    def __call__(self, msgid: str, **values: str) -> Markup:
        """The label in this language; values that are not Markup are escaped into it."""
        return Markup(self.strings.get(msgid, msgid)).format(**values)

    def date(self, day: dt.date) -> str:
        return format_date(day, format="long", locale=self.locale)

    @property
    def og_locale(self) -> str:
        """language_TERRITORY, the form OpenGraph takes ("en_GB", "zh_CN"), the territory
        guessed by CLDR's likely subtags when the locale names none."""
        locale = self.locale
        if not locale.territory:
            likely = get_global("likely_subtags")
            guess = likely.get(str(locale)) or likely.get(locale.language) or str(locale)
            locale = Locale.parse(guess)
        return f"{locale.language}_{locale.territory}" if locale.territory else locale.language


def load_labels(templates: Path, lang: str, locale: Locale) -> Labels:
    """A language's labels; English (the msgids) where the catalog has none."""
    path = templates / "ui" / f"{lang}.po"
    strings: dict[str, str] = {}
    if path.exists():
        catalog = pofile.read(path, lang).catalog
        strings = {m.id: m.string for m in catalog if m.id and m.string and not m.fuzzy}
    return Labels(lang, locale, strings)


def direction(lang: str) -> str:
    """ "rtl" for a language written right to left (CLDR), else "ltr"."""
    return "rtl" if Locale.parse(lang, sep="-").character_order == "right-to-left" else "ltr"


def language_name(lang: str) -> str:
    """A language's name in that language: "English", "中文"."""
    return Locale.parse(lang, sep="-").language_name or lang


def language_full_name(lang: str) -> str:
    """A language's name in itself, with its script or region when CLDR names the pair
    ("繁體中文", "简体中文"): two editions in one language need names that tell them apart."""
    locale = Locale.parse(lang, sep="-")
    return locale.languages.get(str(locale)) or language_name(lang)
