"""The terminology glossary (translations/glossary.tsv): where each term occurs in the source,
and whether a translation uses its required form and avoids the forbidden ones.

Matching rules for the English side (simple rules, no lemmatiser, so a translator can predict
them): case is ignored; a parenthesis in the term, e.g. "(GSI)", and a leading "a", "an" or
"the" are not part of it; apostrophes inside a word are ignored (Bo'ao = Boao) and hyphens count
as spaces (non-traditional); any punctuation may stand between two words (commas of a list);
each word may take a plural (-s, -es, y → -ies), a possessive ('s, s') or a verb ending
(-ed, -ing, dropping a final e). Where terms overlap in one text, the longest occurrence wins.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path

from babel.messages.catalog import Catalog, Message

from folio.config import check_language_tag
from folio.errors import FolioError
from folio.qa import Finding, silenced

CHECK = "glossary"
GLOSSARY = "glossary.tsv"
COLUMNS = ("source term", "language", "required translation", "forbidden variants", "note")
# Alternatives within a cell: "沙特阿拉伯和伊朗 | 沙特和伊朗".
ALTERNATIVES = "|"
ARTICLES = ("a", "an", "the")


@dataclass(frozen=True)
class Term:
    """One row of the glossary: a source term and how one language must render it."""

    source: str
    language: str
    required: tuple[str, ...]
    forbidden: tuple[str, ...] = ()
    note: str = ""
    line: int = 0

    @property
    def pattern(self) -> re.Pattern[str]:
        return term_pattern(self.source)


def glossary_path(translations_dir: Path) -> Path:
    return translations_dir / GLOSSARY


def load(path: Path) -> list[Term]:
    """The glossary's rows (none when there is no glossary); a malformed row is an error."""
    if not path.exists():
        return []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError:
        raise FolioError("not valid UTF-8", path, hint="save the glossary as UTF-8") from None
    terms = []
    for number, line in enumerate(lines, start=1):
        if not line.strip() or line.startswith("#") or number == 1 and is_heading(line):
            continue
        cells = [cell.strip() for cell in line.split("\t")] + [""] * len(COLUMNS)
        source, language, required, forbidden, note = cells[: len(COLUMNS)]
        if not (source and language and required) or len(line.split("\t")) > len(COLUMNS):
            raise FolioError(
                "a glossary row needs a source term, a language and a required translation",
                path,
                number,
                hint=f"columns, separated by tabs: {', '.join(COLUMNS)}",
            )
        check_language_tag(language, path)
        if not words_of(source):
            raise FolioError(f"no words in the term {source!r}", path, number)
        terms.append(Term(source, language, split(required), split(forbidden), note, number))
    return terms


def is_heading(line: str) -> bool:
    return line.split("\t")[0].strip().lower() in ("source term", "source", "term", "english")


def split(cell: str) -> tuple[str, ...]:
    return tuple(part.strip() for part in cell.split(ALTERNATIVES) if part.strip())


def for_language(terms: Iterable[Term], lang: str) -> list[Term]:
    return [term for term in terms if term.language == lang]


# -- the English side ------------------------------------------------------------------------


def plain(markdown: str) -> str:
    """The words of a Markdown text: link targets and emphasis marks removed, lower case."""
    text = re.sub(r"\]\([^)]*\)", "]", markdown)
    text = re.sub(r"[*_`\[\]]", "", text).replace("\u2019", "'")
    text = re.sub(r"(?<=\w)'(?=\w)", "", text)
    return re.sub(r"(?<=\w)-(?=\w)", " ", text).lower()


def words_of(term: str) -> list[str]:
    """The words a term is matched by: no parenthesis, no leading article."""
    words = re.findall(r"\w+", plain(re.sub(r"\([^)]*\)", " ", term)))
    while len(words) > 1 and words[0] in ARTICLES:
        words = words[1:]
    return words


def forms(word: str) -> list[str]:
    """A word and its plural, possessive and verb endings (the possessive's apostrophe is
    gone by then: China's → chinas)."""
    found = [word, word + "s", word + "es"]
    if re.search(r"[^aeiou]y$", word):
        found.append(word[:-1] + "ies")
    if word.endswith("e"):
        found += [word + "d", word[:-1] + "ing"]
    else:
        found += [word + "ed", word + "ing"]
    return sorted(set(found), key=len, reverse=True)


@functools.cache
def term_pattern(term: str) -> re.Pattern[str]:
    words = [f"(?:{'|'.join(map(re.escape, forms(word)))})'?" for word in words_of(term)]
    return re.compile(r"(?<!\w)" + r"\W+".join(words) + r"(?!\w)")


def occurrences(terms: list[Term], msgid: str) -> list[Term]:
    """The terms a source text contains, each once; where two overlap, the longer wins."""
    text = plain(msgid)
    spans = [
        (match.start(), match.end(), term)
        for term in terms
        for match in term.pattern.finditer(text)
    ]
    spans.sort(key=lambda span: span[0] - span[1])  # longest first
    taken: list[tuple[int, int]] = []
    found: list[Term] = []
    for start, end, term in spans:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if term not in found:
            found.append(term)
    return found


# -- the translation side --------------------------------------------------------------------


def squeezed(text: str) -> str:
    """A translation as the check compares it: no Markdown marks, runs of space as one."""
    return re.sub(r"\s+", " ", plain(text)) if text else ""


def problems(term: Term, msgstr: str) -> list[tuple[str, str]]:
    """(message, hint) for a required translation missing and each forbidden variant used."""
    text = squeezed(msgstr)
    required = [squeezed(r) for r in term.required]
    found = []
    if not any(r in text for r in required):
        wanted = " or ".join(repr(r) for r in term.required)
        found.append(
            (f"{term.source!r} is not translated as {wanted}", "use the glossary's form, or noqa")
        )
    rest = text
    for form in required:  # a forbidden variant inside the required form is no fault
        rest = rest.replace(form, "\0")
    for variant in term.forbidden:
        if squeezed(variant) in rest:
            found.append(
                (
                    f"{variant!r} is a forbidden variant for {term.source!r}",
                    f"use {term.required[0]!r}",
                )
            )
    return found


def check_catalog(terms: list[Term], catalog: Catalog, path: Path) -> list[Finding]:
    """The glossary findings of every translated entry of one catalog."""
    findings = []
    for message in catalog:
        if not message.id or not message.string or message.fuzzy:
            continue
        if silenced(message, CHECK):
            continue
        findings += check_message(terms, message, path)
    return findings


def check_message(terms: list[Term], message: Message, path: Path) -> list[Finding]:
    msgstr = message.string if isinstance(message.string, str) else message.string[0]
    return [
        Finding(path, message.lineno, CHECK, text, hint)
        for term in occurrences(terms, message.id)
        for text, hint in problems(term, msgstr)
    ]


def converted(terms: list[Term], lang: str, convert: Callable[[str], str]) -> list[Term]:
    """Terms for a language whose text is converted from another's (zh-Hant from zh-Hans)."""
    return [
        Term(
            t.source,
            lang,
            tuple(map(convert, t.required)),
            tuple(map(convert, t.forbidden)),
            t.note,
            t.line,
        )
        for t in terms
    ]


# -- the template ----------------------------------------------------------------------------


def comments(terms: list[Term], msgid: str) -> list[str]:
    """The `#.` comments of a template entry: each glossary term it contains, per language."""
    found = []
    for source in dict.fromkeys(t.source for t in occurrences(terms, msgid)):
        rows = [t for t in terms if t.source == source]
        said = "; ".join(
            f"{t.language} {' or '.join(t.required)}"
            + (f", not {', '.join(t.forbidden)}" if t.forbidden else "")
            + (f" ({t.note})" if t.note else "")
            for t in rows
        )
        found.append(f"glossary: {source} → {said}")
    return found
