"""Translation checks: what `folio check` reports, entry by entry."""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from babel.messages.catalog import Catalog, Message

from folio import pandoc
from folio.errors import display_path, line_of

HAN = "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
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


def numbers(text: str) -> set[str]:
    """The numbers of a text, written without thousands separators (50,000 → 50000)."""
    return {re.sub(r"(?<=\d),(?=\d{3})", "", number) for number in NUMBER.findall(text)}


def parity(source: Parts, target: Parts, msgid: str, msgstr: str) -> list[tuple[str, str, str]]:
    """(check, message, hint) for what the translation lost or added."""
    found = []
    pairs = [
        ("link-targets", source.links, target.links, "keep every link target; order may change"),
        ("images", source.images, target.images, "keep every image"),
        ("inline-code", source.code, target.code, "keep `code` as it is"),
        ("footnotes", set(MARKER.findall(msgid)), set(MARKER.findall(msgstr)), "keep each [^n]"),
        ("numbers", numbers(source.text), numbers(target.text), "keep the numbers, or noqa"),
    ]
    for check, want, have, hint in pairs:
        if want != have:
            lost, added = sorted(want - have), sorted(have - want)
            said = "; ".join(filter(None, [lost and f"missing {lost}", added and f"extra {added}"]))
            found.append((check, said, hint))
    return found


def chinese(text: str, traditional: bool) -> list[tuple[str, str, str]]:
    """Chinese punctuation by the rules of clreq: full-width marks, …… and ——, quotes."""
    found = []
    # A full stop in "..." is the ellipsis check's business.
    mark = r"(?:[,:;?!]|(?<!\.)\.(?!\.))"
    for match in re.finditer(rf"(?<=[{HAN}]){mark}|{mark}(?=[{HAN}])", text):
        mark = match[0]
        found.append(
            (
                "halfwidth-punctuation",
                f"{mark!r} next to Han characters",
                f"use {FULL_WIDTH[mark]!r}",
            )
        )
    if in_chinese(text, r"(?<!…)…(?!…)|\.\.\."):
        found.append(("ellipsis", "an ellipsis that is not ……", "use …… (two U+2026)"))
    if in_chinese(text, r"(?<!—)—(?!—)|--|–"):
        found.append(("dash", "a dash that is not ——", "use —— (two U+2014)"))
    opening, closing = ("「", "」") if traditional else ("“", "”")
    foreign = in_chinese(text, '"') or (traditional and ("“" in text or "”" in text))
    if foreign or not balanced(text, opening, closing):
        found.append(
            (
                "quotes",
                f"quotation marks not paired as {opening} {closing}",
                f"use {opening}…{closing}",
            )
        )
    return found


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


def line_breaks(msgid: str, msgstr: str) -> list[tuple[str, str, str]]:
    """A line break the translation adds: the source's own (hard line breaks) are kept."""
    if msgstr.count("\n") > msgid.count("\n"):
        return [("line-break", "a line break inside the translation", "write it on one line")]
    return []


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


def english_quotes(parts: Parts) -> list[tuple[str, str, str]]:
    """Unbalanced quotation marks in the source (pandoc pairs the ones it can as Quoted)."""
    # A straight quote between two symbols (TeX's \"{a}) quotes nothing.
    straight = len(re.findall(r'(?<![^\w\s"])"|"(?![^\w\s"])', parts.text))
    if parts.text.count("\u201c") != parts.text.count("\u201d") or straight % 2:
        return [
            ("unbalanced-quotes", "an opening quotation mark is never closed", "close it, or noqa")
        ]
    return []


def check_catalog(catalog: Catalog, path: Path, lang: str) -> list[Finding]:
    """Every check on every translated entry of one catalog."""
    messages = [m for m in catalog if m.id and m.string and not m.fuzzy]
    sources = pandoc.read_pieces([m.id for m in messages])
    targets = pandoc.read_pieces([m.string for m in messages], east_asian=True)
    traditional = lang in ("zh-Hant", "zh-TW", "zh-HK") or lang.startswith("zh-Hant")
    findings = []
    for message, source, target in zip(messages, sources, targets, strict=True):
        found = parity(parts_of(source), parts_of(target), message.id, message.string)
        if lang.split("-")[0] == "zh":
            # Punctuation rules are for the words: code and URLs keep their own characters.
            found += chinese(parts_of(target).text, traditional)
            found += line_breaks(message.id, message.string)
        findings += [
            Finding(path, message.lineno, *f) for f in found if not silenced(message, f[0])
        ]
    return findings


def check_source(units: list, path: Path) -> list[Finding]:
    """Checks on the source text: quotation marks left open."""
    pieces = pandoc.read_pieces([unit.key for unit in units])
    findings = []
    for unit, blocks in zip(units, pieces, strict=True):
        for check, message, hint in english_quotes(parts_of(blocks)):
            if check not in unit.noqa:
                line = line_of(path, first_words(unit.key))
                findings.append(Finding(path, line, check, message, hint))
    return findings


def first_words(markdown: str) -> str:
    """The unit's first few words, to find its line in the source."""
    return " ".join(re.sub(r"[*_`\[\]]", "", markdown).split()[:4])


def silenced(message: Message, check: str) -> bool:
    return f"{NOQA}{check}" in message.flags
