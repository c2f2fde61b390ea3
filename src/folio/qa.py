"""Translation checks: what `folio check` reports, entry by entry.

Each check is registered in `CHECKS` under the name a translator silences with
`#, folio-noqa-<name>` (as Babel's `messages/checkers.py` lists its checkers); the README's
table of checks names each one.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Set
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from babel.messages.catalog import Catalog, Message

from folio import pandoc
from folio.errors import display_path, line_of
from folio.script import HAN, is_chinese, is_traditional

NOQA = "folio-noqa-"
FULL_WIDTH = {",": "，", ".": "。", ":": "：", ";": "；", "?": "？", "!": "！"}
NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
MARKER = re.compile(r"\[\^\d+\]")


@dataclass(frozen=True)
class Finding:
    path: Path
    line: int | None
    check: str
    message: str
    hint: str

    def __str__(self) -> str:
        where = f"{display_path(self.path)}:{self.line}" if self.line else display_path(self.path)
        return f"{where}: {self.check}: {self.message} ({self.hint})"


@dataclass(frozen=True)
class Parts:
    """What parity checks compare, taken from pandoc's reading of a text."""

    links: frozenset[str]
    images: frozenset[str]
    code: frozenset[str]
    text: str  # the words, without URLs or code


def parts_of(blocks: list[pandoc.Block]) -> Parts:
    links, images, code, text = set(), set(), set(), []

    def walk(node: Any) -> None:
        if isinstance(node, list):
            for child in node:
                walk(child)
        elif isinstance(node, dict) and "t" in node:
            kind, content = node["t"], node.get("c")
            if kind == "Link":
                links.add(content[2][0])
            elif kind == "Image":
                images.add(content[2][0])
            elif kind == "Code":
                code.add(content[1])
                return
            elif kind == "Str":
                text.append(content)
                return
            elif kind in ("Space", "SoftBreak", "LineBreak"):
                text.append(" ")
            elif kind == "Quoted":
                # Straight quotes that pandoc paired: a Chinese text should have used “ ”.
                mark = '"' if content[0]["t"] == "DoubleQuote" else "'"
                text.append(mark)
                walk(content[1])
                text.append(mark)
                return
            walk(content)

    walk(blocks)
    return Parts(frozenset(links), frozenset(images), frozenset(code), "".join(text))


EMPTY = Parts(frozenset(), frozenset(), frozenset(), "")


Problem = tuple[str, str]  # (message, hint)
Run = Callable[["Entry"], list[Problem]]
# Where a check runs: on each translated catalog entry, on each unit of the source, or in
# glossary.check_catalog (which needs the glossary's terms besides the entry).
Scope = Literal["catalog", "source", "glossary"]


@dataclass(frozen=True)
class Entry:
    """What a check reads of one catalog entry (of a source unit: msgid and source only)."""

    msgid: str
    msgstr: str
    source: Parts
    target: Parts
    lang: str


@dataclass(frozen=True)
class Check:
    """One registered check: its noqa name, what it reports, and the function that finds it."""

    name: str
    description: str
    run: Run | None  # None: run by its own module (glossary)
    scope: Scope = "catalog"
    chinese: bool = False  # only on translations into Chinese


CHECKS: dict[str, Check] = {}


def checker(
    name: str, description: str, scope: Scope = "catalog", chinese: bool = False
) -> Callable[[Run], Run]:
    """Register the decorated function as the check `name`; checks run in registration order."""

    def register(function: Run) -> Run:
        assert name not in CHECKS, name
        CHECKS[name] = Check(name, description, function, scope, chinese)
        return function

    return register


# -- parity: what the translation lost or added ------------------------------------------------


def numbers(text: str) -> set[str]:
    """The numbers of a text, written without thousands separators (50,000 → 50000)."""
    return {re.sub(r"(?<=\d),(?=\d{3})", "", number) for number in NUMBER.findall(text)}


def difference(want: Set[str], have: Set[str], hint: str) -> list[Problem]:
    """One problem naming what the msgstr lacks and adds, or none when the sets agree."""
    if want == have:
        return []
    lost, added = sorted(want - have), sorted(have - want)
    said = "; ".join(filter(None, [lost and f"missing {lost}", added and f"extra {added}"]))
    return [(said, hint)]


@checker("link-targets", "a link target of the msgid missing from the msgstr, or one added")
def link_targets(entry: Entry) -> list[Problem]:
    hint = "keep every link target; order may change"
    return difference(entry.source.links, entry.target.links, hint)


@checker("images", "an image of the msgid missing from the msgstr, or one added")
def images(entry: Entry) -> list[Problem]:
    return difference(entry.source.images, entry.target.images, "keep every image")


@checker("inline-code", "a `code` span of the msgid missing from the msgstr, or one added")
def inline_code(entry: Entry) -> list[Problem]:
    return difference(entry.source.code, entry.target.code, "keep `code` as it is")


@checker("footnotes", "a footnote marker [^n] of the msgid missing from the msgstr, or one added")
def footnotes(entry: Entry) -> list[Problem]:
    want, have = set(MARKER.findall(entry.msgid)), set(MARKER.findall(entry.msgstr))
    return difference(want, have, "keep each [^n]")


@checker("numbers", "a number of the msgid missing from the msgstr, or one added")
def same_numbers(entry: Entry) -> list[Problem]:
    want, have = numbers(entry.source.text), numbers(entry.target.text)
    return difference(want, have, "keep the numbers, or noqa")


# -- Chinese punctuation, by the rules of clreq --------------------------------------------------
# Punctuation rules are for the words: code and URLs keep their own characters (Parts.text).


@checker("halfwidth-punctuation", "a half-width , . : ; ? ! touching a Han character", chinese=True)
def halfwidth_punctuation(entry: Entry) -> list[Problem]:
    # A full stop in "..." is the ellipsis check's business.
    mark = r"(?:[,:;?!]|(?<!\.)\.(?!\.))"
    pattern = rf"(?<=[{HAN}]){mark}|{mark}(?=[{HAN}])"
    return [
        (f"{found[0]!r} next to Han characters", f"use {FULL_WIDTH[found[0]]!r}")
        for found in re.finditer(pattern, entry.target.text)
    ]


@checker("ellipsis", "an ellipsis in Chinese text that is not …… (two U+2026)", chinese=True)
def ellipsis(entry: Entry) -> list[Problem]:
    if in_chinese(entry.target.text, r"(?<!…)…(?!…)|\.\.\."):
        return [("an ellipsis that is not ……", "use …… (two U+2026)")]
    return []


@checker("dash", "a dash in Chinese text that is not —— (two U+2014)", chinese=True)
def dash(entry: Entry) -> list[Problem]:
    if in_chinese(entry.target.text, r"(?<!—)—(?!—)|--|–"):
        return [("a dash that is not ——", "use —— (two U+2014)")]
    return []


@checker(
    "quotes", "quotation marks not paired as “ ” (zh-Hant 「 」) in Chinese text", chinese=True
)
def quotes(entry: Entry) -> list[Problem]:
    text, traditional = entry.target.text, is_traditional(entry.lang)
    opening, closing = ("「", "」") if traditional else ("“", "”")
    foreign = in_chinese(text, '"') or (traditional and ("“" in text or "”" in text))
    if foreign or not balanced(text, opening, closing):
        return [(f"quotation marks not paired as {opening} {closing}", f"use {opening}…{closing}")]
    return []


@checker("line-break", "a msgstr with more line breaks than its msgid", chinese=True)
def line_break(entry: Entry) -> list[Problem]:
    """A line break the translation adds: the source's own (hard line breaks) are kept."""
    if entry.msgstr.count("\n") > entry.msgid.count("\n"):
        return [("a line break inside the translation", "write it on one line")]
    return []


def in_chinese(text: str, pattern: str) -> bool:
    """Whether a match of `pattern` stands in Chinese: the nearest letter on one side of it is
    a Han character, and on the other side too or none. A mark next to words left in English (a
    name, a title, an untranslated sentence) follows English rules."""
    for match in re.finditer(pattern, text):
        before = re.findall(rf"[{HAN}A-Za-z0-9]", text[: match.start()])[-1:]
        after = re.findall(rf"[{HAN}A-Za-z0-9]", text[match.end() :])[:1]
        sides = before + after
        if sides and all(re.match(f"[{HAN}]", char) for char in sides):
            return True
    return False


def balanced(text: str, opening: str, closing: str) -> bool:
    depth = 0
    for char in text:
        if char == opening:
            depth += 1
        elif char == closing:
            depth -= 1
            if depth < 0:
                return False
    return depth == 0


# -- the source ----------------------------------------------------------------------------------


@checker("unbalanced-quotes", "an opening quotation mark of the source never closed", "source")
def unbalanced_quotes(entry: Entry) -> list[Problem]:
    """Unbalanced quotation marks in the source (pandoc pairs the ones it can as Quoted)."""
    text = entry.source.text
    # A straight quote between two symbols (TeX's \"{a}) quotes nothing.
    straight = len(re.findall(r'(?<![^\w\s"])"|"(?![^\w\s"])', text))
    if text.count("\u201c") != text.count("\u201d") or straight % 2:
        return [("an opening quotation mark is never closed", "close it, or noqa")]
    return []


# Run by glossary.check_catalog, which matches the entry against the glossary's terms.
CHECKS["glossary"] = Check(
    "glossary",
    "a glossary term of the msgid whose required translation is missing, or a forbidden variant",
    None,
    "glossary",
)


def checks_for(scope: Scope, lang: str = "") -> list[Check]:
    """The registered checks that run in `scope` on text in `lang`."""
    return [c for c in CHECKS.values() if c.scope == scope and (not c.chinese or is_chinese(lang))]


def check_catalog(catalog: Catalog, path: Path, lang: str) -> list[Finding]:
    """Every registered catalog check on every translated entry of one catalog."""
    messages = [m for m in catalog if m.id and m.string and not m.fuzzy]
    sources = pandoc.read_pieces([m.id for m in messages])
    targets = pandoc.read_pieces([m.string for m in messages], east_asian=True)
    checks = checks_for("catalog", lang)
    findings = []
    for message, source, target in zip(messages, sources, targets, strict=True):
        entry = Entry(message.id, message.string, parts_of(source), parts_of(target), lang)
        for rule in checks:
            if rule.run and not silenced(message, rule.name):
                findings += [Finding(path, message.lineno, rule.name, *p) for p in rule.run(entry)]
    return findings


def check_source(units: list, path: Path) -> list[Finding]:
    """The registered source checks on each unit of the source (quotation marks left open)."""
    pieces = pandoc.read_pieces([unit.key for unit in units])
    checks = checks_for("source")
    findings = []
    for unit, blocks in zip(units, pieces, strict=True):
        entry = Entry(unit.key, "", parts_of(blocks), EMPTY, "")
        for rule in checks:
            if rule.run and rule.name not in unit.noqa:
                for message, hint in rule.run(entry):
                    line = line_of(path, first_words(unit.key))
                    findings.append(Finding(path, line, rule.name, message, hint))
    return findings


def first_words(markdown: str) -> str:
    """The unit's first few words, to find its line in the source."""
    return " ".join(re.sub(r"[*_`\[\]]", "", markdown).split()[:4])


def silenced(message: Message, check: str) -> bool:
    """Whether the entry's flags silence the check (`#, folio-noqa-<check>`)."""
    return f"{NOQA}{check}" in message.flags
