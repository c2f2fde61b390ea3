"""What pandoc's EPUB package and chapters get wrong for folio, put right after it writes them:
one dc:language per edition language, subjects tagged with their language, the guide's labels in
the edition's language, the title once, and no page-break markers inside headings."""

from __future__ import annotations

import re
from html import escape
from typing import Any

from folio import pandoc
from folio.edition import UNTRANSLATED, Edition
from folio.render.compose import attr_lang

_DC_LANGUAGE = re.compile(r"( *)<dc:language>[^<]*</dc:language>\n")
_SUBJECT = re.compile(r'<dc:subject id="subject-(\d+)">')
_GUIDE_COVER = re.compile(r'(<reference type="cover" title=")Cover(")')
# The heading pandoc adds before a chapter that does not start with one (its text the title).
_ADDED_TITLE = re.compile(
    r'(<section id="[^"]*" class="level1 unnumbered">)\n<h1 class="unnumbered">.*?</h1>\n'
    r'(?=<div id="title-page")',
    re.S,
)
# pandoc copies a heading's inlines into the nav and its name: a page break must not be one.
_PAGE_BREAK = 'epub:type="pagebreak"'


def subjects(edition: Edition) -> list[tuple[str, list[pandoc.Inline]]]:
    """Each subject once, with its language: the primary language's first, then the others'
    translations; an untranslated subject is the source's, in the source language."""
    found: list[tuple[str, list[pandoc.Inline]]] = []
    for lang in edition.languages:
        for inlines in edition.subjects(lang):
            actual, text = lang, inlines
            if len(inlines) == 1 and UNTRANSLATED in _classes(inlines[0]):
                actual, text = attr_lang(inlines[0]) or lang, inlines[0]["c"][1]
            if all(text != seen for _, seen in found):
                found.append((actual, text))
    return found


def _classes(inline: pandoc.Inline) -> list[str]:
    return inline["c"][0][1] if inline["t"] == "Span" else []


def package(opf: str, edition: Edition, cover: str) -> str:
    """content.opf with a dc:language for each of the edition's languages (primary first),
    xml:lang on each subject not in the package's language, and the guide's cover label."""
    match = _DC_LANGUAGE.search(opf)
    if match:
        indent = match.group(1)
        languages = "".join(
            f"{indent}<dc:language>{escape(lang)}</dc:language>\n" for lang in edition.languages
        )
        opf = opf[: match.start()] + languages + opf[match.end() :]
    langs = [lang for lang, _ in subjects(edition)]

    def tag(found: re.Match[str]) -> str:
        number = int(found.group(1))
        lang = langs[number - 1] if number <= len(langs) else edition.primary
        if lang == edition.primary:
            return found.group(0)
        return f'<dc:subject id="subject-{number}" xml:lang="{escape(lang)}">'

    opf = _SUBJECT.sub(tag, opf)
    return _GUIDE_COVER.sub(lambda m: f"{m.group(1)}{escape(cover)}{m.group(2)}", opf)


def title_once(chapter: str) -> str:
    """A chapter without the heading pandoc adds before folio's title page, which has its own."""
    return _ADDED_TITLE.sub(r"\1\n", chapter, count=1)


def markers_before_headings(blocks: list[pandoc.Block]) -> list[pandoc.Block]:
    """The blocks with each page-break marker found in a heading moved to just before it: a
    heading's text is its name in the contents and for screen readers."""
    result: list[pandoc.Block] = []
    for block in blocks:
        if block["t"] == "Header":
            level, attr, inlines = block["c"]
            markers: list[str] = []
            kept = _without_markers(inlines, markers)
            result += [{"t": "RawBlock", "c": ["html", _as_block(m)]} for m in markers]
            result.append({"t": "Header", "c": [level, attr, kept]})
        elif block["t"] == "Div":
            attr, inner = block["c"]
            result.append({"t": "Div", "c": [attr, markers_before_headings(inner)]})
        else:
            result.append(block)
    return result


def _without_markers(inlines: list[Any], markers: list[str]) -> list[Any]:
    kept = []
    for inline in inlines:
        if inline["t"] == "RawInline" and _PAGE_BREAK in inline["c"][1]:
            markers.append(inline["c"][1])
            continue
        inner = pandoc.children(inline)
        if inner is not None:
            inline = pandoc.with_children(inline, _without_markers(inner, markers))
        kept.append(inline)
    return kept


def _as_block(html: str) -> str:
    """An inline marker (<span …></span>) as a block one (<div …></div>)."""
    return html.replace("<span ", "<div ", 1).replace("</span>", "</div>")
