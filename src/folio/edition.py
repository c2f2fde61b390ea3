"""The edition model every renderer shares: a document's rows in an edition's languages."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from folio.config import Project

UNTRANSLATED = "untranslated"
# Each subject (keyword) is a unit of its own, named "subject:1", "subject:2", … in the
# catalog's order.
SUBJECT = "subject"
# pandoc AST nodes (folio.pandoc names them too; not imported here, to keep the model light).
Block = dict[str, Any]
Inline = dict[str, Any]


@dataclass(frozen=True)
class Text:
    """One language's version of a row: blocks, and whether any part fell back to the source."""

    lang: str
    blocks: list[Block]
    fallback: bool
    # What it was made from, as a build's memo names it ("" when it was not kept).
    key: str = ""

    def forget(self) -> None:
        """Let go of blocks read from a pickled form (align.KeptText); these are the text's own."""


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
    meta: dict[tuple[str, str], list[Inline]] = field(default_factory=dict)
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

    def forget_blocks(self) -> None:
        """Let go of the rows' blocks read from the pickled form they are kept in (read again
        if asked for): what a process no longer needs once it has written the edition out."""
        for row in self.rows:
            for text in row.texts:
                text.forget()

    def meta_text(self, name: str, lang: str) -> list[Inline]:
        return self.meta.get((name, lang), [])

    def subjects(self, lang: str) -> list[list[Inline]]:
        """The subjects in one language (an untranslated one in the source language, marked)."""
        names = sorted(
            (int(name.partition(":")[2]), name)
            for name, other in self.meta
            if other == lang and name.startswith(f"{SUBJECT}:")
        )
        return [self.meta[(name, lang)] for _, name in names]


def edition_name(languages: tuple[str, ...]) -> str:
    return "+".join(languages)


def editions(project: Project) -> list[tuple[str, ...]]:
    """The source language alone, each translation alone, and each bilingual pair."""
    source = project.settings.source_language
    languages = project.settings.languages
    return [(source,), *((lang,) for lang in languages), *((source, lang) for lang in languages)]
