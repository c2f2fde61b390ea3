"""The web edition: one page per edition, the site's font subsets, what search engines read."""

from __future__ import annotations

import json
from dataclasses import dataclass

import jinja2

from folio import fonts
from folio.brand import Brand
from folio.cache import Table
from folio.config import Project
from folio.edition import edition_name, editions
from folio.render.job import Job, Made
from folio.render.page import PageContext, page_context, plain_text
from folio.render.pieces import pieces
from folio.render.templating import render_template
from folio.render.tokens import END, TEXT, tokens

# Elements whose text is never drawn with the page's fonts.
UNDRAWN = {"head", "script", "style", "template", "svg"}
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col"}


@dataclass(frozen=True)
class EditionLink:
    """A link from one edition's page to another's."""

    href: str
    languages: tuple[str, ...]
    current: bool


@dataclass(frozen=True)
class LanguageControl:
    """The toolbar's language links: the pair the page belongs to in the segmented control
    (source alone, one translation alone, both), every other edition in a list beside it."""

    pair: list[EditionLink]
    others: list[EditionLink]


def language_control(
    links: list[EditionLink], current: tuple[str, ...], source: str
) -> LanguageControl:
    """The page's pair: its translation, or the first one on the source language's own page.
    However many translations there are, the control keeps three segments."""
    translations = [link.languages[0] for link in links if link.languages[0] != source]
    shown = next((lang for lang in current if lang != source), None)
    shown = shown or (translations[0] if translations else None)
    wanted = [(source,), (shown,), (source, shown)] if shown else [(source,)]
    return LanguageControl(
        pair=[link for link in links if link.languages in wanted],
        others=[link for link in links if link.languages not in wanted],
    )


def alternates(links: list[EditionLink]) -> list[tuple[str, tuple[str, ...]]]:
    """(hreflang, edition) for search engines: each language's own page, and the first bilingual
    page as x-default, the page for a reader of any language (there is one x-default)."""
    found = [(link.languages[0], link.languages) for link in links if len(link.languages) == 1]
    bilingual = [link.languages for link in links if len(link.languages) > 1]
    return found + [("x-default", bilingual[0])] if bilingual else found


def render(job: Job) -> Made:
    """A target's web page."""
    context = page_context(job.project, job.edition, job.parts)
    return Made(render_html(context, edition_links(job.project, job.target.languages)))


def edition_links(project: Project, current: tuple[str, ...]) -> list[EditionLink]:
    """Links from one web page to every edition of the same document (siblings in one folder)."""
    return [
        EditionLink(f"{edition_name(languages)}.html", languages, languages == current)
        for languages in editions(project)
    ]


def render_html(context: PageContext, links: list[EditionLink]) -> bytes:
    """The edition's page, which loads the site's stylesheets, script and fonts."""
    urls = SiteUrls(context.settings.site_url, context.edition.document)
    html = render_template(
        context.environment,
        "web.html.j2",
        **context.variables(),
        links=links,
        control=language_control(links, context.edition.languages, context.source_language),
        alternates=alternates(links),
        urls=urls,
        json_ld=json_ld(context, links, urls),
        assets="../assets/",
        home="../index.html",
        footer_languages=context.edition.languages,
    )
    return html.encode("utf-8")


def site_fonts(
    environment: jinja2.Environment,
    brand: Brand,
    pages: list[bytes],
    languages: tuple[str, ...],
    memo: Table,
) -> dict[str, bytes]:
    """The site's fonts, by path under build/site/: WOFF2 subsets of exactly the characters its
    pages draw (one set for every page, which readers' browsers then keep), and assets/fonts.css
    with their @font-face rules, each language's font rule, and the show-languages control's.
    `memo` keeps each page's characters and each subset made, for the next build."""
    used: dict[str, set[str]] = {}
    for page in pages:
        for lang, chars in page_characters(page, memo).items():
            used.setdefault(lang, set()).update(chars)
    files: dict[str, bytes] = {}
    faces = []
    for face, chars in fonts.faces_for(brand, used):
        name = face.file_name.rsplit(".", 1)[0] + ".woff2"
        status = face.path.stat()
        key = memo.key("woff2", str(face.path), str(face.index), name, chars)
        key = memo.key(key, str(status.st_mtime_ns), str(status.st_size))
        made = memo.get(key)
        if made is None:
            made = fonts.woff2(fonts.subset(face, chars))
            memo.put(key, made)
        files[f"assets/fonts/{name}"] = made
        faces.append((face, f"fonts/{name}"))
    css = render_template(
        environment, "web-fonts.css.j2", brand=brand, faces=faces, languages=languages
    )
    files["assets/fonts.css"] = css.encode("utf-8")
    return files


def page_characters(page: bytes, memo: Table) -> dict[str, set[str]]:
    """A page's characters by language, read once a page (and a changed page only in the
    pieces that changed)."""
    key = memo.key("characters", page)
    found = memo.get(key)
    if found is None:
        found = text_by_language(page.decode("utf-8"), memo)
        memo.put(key, found)
    return found


# What text_by_language carries from one piece of a page to the next: the open elements
# (tag, language) and how many of them are not drawn.
Drawing = tuple[tuple[tuple[str, str], ...], int]


def text_by_language(html: str, memo: Table | None = None) -> dict[str, set[str]]:
    """The characters drawn in each language: text nodes under their nearest `lang`."""
    state: Drawing = ((), 0)
    found: dict[str, set[str]] = {}
    for piece in pieces(html):
        key = memo.key("drawn", repr(state), piece) if memo is not None else ""
        read = memo.get(key) if memo is not None else None
        if read is None:
            read = drawn_in(piece, state)
            if memo is not None:
                memo.put(key, read)
        chars, state = read
        for lang, drawn in chars.items():
            found.setdefault(lang, set()).update(drawn)
    return {lang: drawn for lang, drawn in found.items() if drawn}


def drawn_in(html: str, state: Drawing) -> tuple[dict[str, str], Drawing]:
    """A piece of a page read from `state`: its characters by language (a string of each
    language's, sorted), and the state after it."""
    stack, undrawn = list(state[0]), state[1]
    found: dict[str, list[str]] = {}
    for kind, value, attributes in tokens(html):
        if kind == TEXT:
            if stack and not undrawn:
                found.setdefault(stack[-1][1], []).append(value.strip())
        elif kind == END:
            while stack:
                tag, _ = stack.pop()
                undrawn -= tag in UNDRAWN
                if tag == value:
                    break
        elif value not in VOID:
            inherited = stack[-1][1] if stack else ""
            stack.append((value, attributes.get("lang") or inherited))
            undrawn += value in UNDRAWN
    chars = {lang: "".join(sorted(set("".join(texts)))) for lang, texts in found.items()}
    return chars, (tuple(stack), undrawn)


@dataclass(frozen=True)
class SiteUrls:
    """Addresses of a document's pages: absolute under site-url when it is set, else relative."""

    site_url: str
    document: str

    def page(self, languages: tuple[str, ...]) -> str:
        name = f"{edition_name(languages)}.html"
        return f"{self.site_url}{self.document}/{name}" if self.site_url else name


def json_ld(context: PageContext, links: list[EditionLink], urls: SiteUrls) -> str:
    """schema.org ScholarlyArticle for this edition, linked to the original or its translations;
    safe to place inside <script>."""
    edition = context.edition
    lang = edition.primary
    source = (context.source_language,)
    data: dict[str, object] = {
        "@context": "https://schema.org",
        "@type": "ScholarlyArticle",
        "@id": urls.page(edition.languages),
        "url": urls.page(edition.languages),
        "headline": plain_text(context.parts.field("title", lang)),
        "alternativeHeadline": plain_text(context.parts.field("subtitle", lang)),
        "inLanguage": list(edition.languages) if len(edition.languages) > 1 else lang,
        "author": {
            "@type": "Person",
            "name": plain_text(context.parts.field("author.name", lang)),
            "jobTitle": plain_text(context.parts.field("author.role", lang)),
            "affiliation": plain_text(context.parts.field("author.affiliation", lang)),
        },
        "publisher": {"@type": "Organization", "name": context.brand.text("publisher", lang)},
        "datePublished": edition.date.isoformat(),
    }
    if edition.languages == source:
        data["workTranslation"] = [
            {"@id": urls.page(link.languages)}
            for link in links
            if len(link.languages) == 1 and link.languages != source
        ]
    else:
        data["translationOfWork"] = {"@id": urls.page(source)}
    text = json.dumps(data, ensure_ascii=False, indent=1)
    # "</" would end the <script> element early.
    return text.replace("</", "<\\/")
