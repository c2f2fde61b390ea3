"""Collections: several documents published as one book (`source/<name>.yaml`).

A collection file names the book's title, subtitle, editors, date and cover text, and its
documents in order; each document keeps its own front matter and catalogs. Its editions are
composed here from the documents' aligned editions, so that every renderer takes them as it
takes a document's.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from collections.abc import Callable
from dataclasses import dataclass
from html import escape
from pathlib import Path
from typing import Any

import yaml

from folio import __version__, pandoc, yamlsafe
from folio.config import Project
from folio.edition import UNTRANSLATED, Edition, Row, Text
from folio.errors import FolioError, line_of

SUFFIX = ".yaml"
# The book's own front matter, as the templates name the fields of a document's.
KEYS = ("title", "subtitle", "editors", "date", "cover-text", "foreword", "documents")
# The print design of a collection: the document's, then what a book of articles adds.
PRINT_TEMPLATE = "collection.html.j2"
PRINT_STYLESHEETS = ("print.css", "cover.css", "collection.css")
TEMPLATES = (PRINT_TEMPLATE, "collection.css")


@dataclass(frozen=True)
class Collection:
    name: str
    path: Path
    title: dict[str, str]  # language → text (Markdown inline)
    subtitle: dict[str, str]
    editors: tuple[str, ...]
    date: dt.date
    cover_text: dict[str, str]
    documents: tuple[str, ...]  # in order; a foreword, if any, first
    foreword: str = ""


def collection_paths(project: Project) -> list[Path]:
    return sorted(project.source_dir.glob(f"*{SUFFIX}"))


def load_collections(project: Project) -> dict[str, Collection]:
    """Every collection of the project, by name."""
    return {path.stem: load_collection(project, path) for path in collection_paths(project)}


def load_collection(project: Project, path: Path) -> Collection:
    """Read and check one collection file; errors name the file, the line and what to do."""
    try:
        data = yamlsafe.load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        raise FolioError(
            f"not valid YAML: {getattr(error, 'problem', error)}",
            path,
            mark.line + 1 if mark else None,
            hint="fix the collection file's syntax",
        ) from None
    if not isinstance(data, dict):
        raise FolioError("a collection file is a YAML mapping", path, hint="see the README")
    unknown = sorted(set(data) - set(KEYS))
    if unknown:
        raise FolioError(
            f"unknown key {unknown[0]!r}",
            path,
            line_of(path, f"{unknown[0]}:"),
            hint=f"the keys are: {', '.join(KEYS)}",
        )
    name = path.stem
    if name in project.documents():
        raise FolioError(
            f"the collection {name!r} has the name of a document",
            path,
            hint="rename the collection file",
        )
    documents = data.get("documents")
    if not isinstance(documents, list) or not documents:
        raise FolioError(
            "a collection lists its documents",
            path,
            line_of(path, "documents:"),
            hint="add `documents:` with one document name (source/<doc>.md) a line",
        )
    foreword = str(data.get("foreword") or "")
    names = [foreword] if foreword else []
    names += [str(doc) for doc in documents]
    for doc in names:
        if doc not in project.documents():
            raise FolioError(
                f"no document {doc!r}",
                path,
                line_of(path, doc),
                hint=f"there is no source/{doc}.md; name a document in source/",
            )
    if len(set(names)) != len(names):
        raise FolioError("a document is listed twice", path, hint="list each document once")
    if "title" not in data:
        raise FolioError("a collection has a title", path, hint="add `title:`")
    date = data.get("date")
    if not isinstance(date, dt.date):
        raise FolioError(
            "a collection has a date (YYYY-MM-DD)", path, line_of(path, "date:"), hint="add `date:`"
        )
    editors = data.get("editors") or []
    editors = [editors] if isinstance(editors, str) else editors
    source = project.settings.source_language
    return Collection(
        name=name,
        path=path,
        title=texts(data.get("title"), source),
        subtitle=texts(data.get("subtitle"), source),
        editors=tuple(str(e) for e in editors),
        date=date,
        cover_text=texts(data.get("cover-text"), source),
        documents=tuple(names),
        foreword=foreword,
    )


def texts(value: Any, source: str) -> dict[str, str]:
    """A field given as one text (the source language's) or as a mapping language → text."""
    if value is None:
        return {}
    if isinstance(value, dict):
        return {str(lang): str(text) for lang, text in value.items()}
    return {source: str(value)}


def collection_key(project: Project, collection: Collection, languages: tuple[str, ...], fmt: str):
    """An output's key: the key of each of its documents' outputs (which covers their sources,
    catalogs, templates and settings), the collection file and its own templates."""
    from folio.keys import file_digest, output_key

    parts = [__version__, collection.name, "+".join(languages), fmt]
    parts += [output_key(project, doc, languages, fmt) for doc in collection.documents]
    files = [collection.path]
    if fmt in ("pdf", "booklet", "epub"):
        files += [project.templates_dir / name for name in TEMPLATES]
    parts += [f"{path.name}:{file_digest(path)}" for path in files]
    return hashlib.sha256("\n".join(parts).encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Article:
    """One document of a collection's edition: where it starts, and its front matter as HTML."""

    document: str
    anchor: str
    meta: dict[tuple[str, str], str]  # (field, language) → HTML
    foreword: bool = False

    def field(self, name: str, lang: str) -> str:
        return self.meta.get((name, lang), "")


@dataclass(frozen=True)
class CollectionEdition(Edition):
    """A collection's edition: its documents' rows one after another, each opened by its title
    block, with ids made unique across the book."""

    articles: tuple[Article, ...] = ()
    collection: str = ""


def print_design(edition: Edition) -> tuple[str, tuple[str, ...]]:
    """The print template and stylesheets of an edition: a document's, or a collection's."""
    from folio.render.pdf import PRINT_STYLESHEETS as DOCUMENT_STYLESHEETS

    if isinstance(edition, CollectionEdition):
        return PRINT_TEMPLATE, PRINT_STYLESHEETS
    return "print.html.j2", DOCUMENT_STYLESHEETS


def compose(
    project: Project,
    collection: Collection,
    languages: tuple[str, ...],
    aligned: Callable[[str, tuple[str, ...]], Edition],
) -> CollectionEdition:
    """The collection's edition in `languages`, from each document's aligned edition."""
    from folio.render.parts import meta_html

    source = project.settings.source_language
    editions = [aligned(doc, languages) for doc in collection.documents]
    edition = CollectionEdition(
        collection.name,
        languages,
        collection.date,
        meta=book_meta(collection, languages, source),
        collection=collection.name,
    )
    articles = []
    for doc, article in zip(collection.documents, editions, strict=True):
        anchor = f"article-{doc}"
        articles.append(Article(doc, anchor, meta_html(article), doc == collection.foreword))
        edition.rows.extend(opening(article, anchor))
        edition.rows.extend(with_unique_ids(row, doc) for row in article.rows)
        edition.warnings.extend(article.warnings)
        for lang, count in article.fallbacks.items():
            edition.fallbacks[lang] = edition.fallbacks.get(lang, 0) + count
        for lang, name in article.translators.items():
            edition.translators.setdefault(lang, name)
    # The documents' subjects (meta "subject:N" of each) are theirs: the book has none of its own.
    return _with(edition, articles=tuple(articles))


def _with(edition: CollectionEdition, **changes: Any) -> CollectionEdition:
    from dataclasses import replace

    return replace(edition, **changes)


def book_meta(
    collection: Collection, languages: tuple[str, ...], source: str
) -> dict[tuple[str, str], list[pandoc.Inline]]:
    """The collection's title, subtitle, editors and cover text as the documents' front matter
    fields (title, subtitle, author.name, abstract); a language without a text shows the
    source's, marked untranslated."""
    fields = {"title": collection.title, "subtitle": collection.subtitle}
    fields["abstract"] = collection.cover_text
    if collection.editors:
        fields["author.name"] = {source: ", ".join(collection.editors)}
    wanted = [(name, lang) for name in fields for lang in languages if fields[name].get(source)]
    pieces = []
    for name, lang in wanted:
        pieces.append(fields[name].get(lang) or fields[name][source])
    parsed = pandoc.read_pieces(pieces, east_asian=True)
    meta = {}
    for (name, lang), blocks in zip(wanted, parsed, strict=True):
        inlines = [i for block in blocks for i in block["c"]] if blocks else []
        translated = lang in fields[name] or name == "author.name"
        meta[(name, lang)] = (
            inlines if translated else [pandoc.span(inlines, [UNTRANSLATED], lang=source)]
        )
    return meta


def opening(article: Edition, anchor: str) -> list[Row]:
    """The rows that open a document in a collection: its title (a level-1 heading, so that
    contents, bookmarks and EPUB chapters start there), then its subtitle and author."""
    title = Row(
        "Header",
        [
            Text(
                lang,
                [
                    {
                        "t": "Header",
                        "c": [1, [anchor, ["article-title"], []], article.meta_text("title", lang)],
                    }
                ],
                False,
            )
            for lang in article.languages
        ],
    )
    byline = Row(
        "Div", [Text(lang, [byline_div(article, lang)], False) for lang in article.languages]
    )
    return [title, byline]


def byline_div(article: Edition, lang: str) -> pandoc.Block:
    lines = [
        {"t": "Para", "c": [pandoc.span(article.meta_text(name, lang), [name.replace(".", "-")])]}
        for name in ("subtitle", "author.name", "author.affiliation")
        if article.meta_text(name, lang)
    ]
    return pandoc.div(lines, classes=["article-byline"])


def with_unique_ids(row: Row, doc: str) -> Row:
    """A document's row with its ids (and the links to them) prefixed by the document's name:
    two documents may both have a section "Introduction"."""
    return Row(row.kind, [Text(t.lang, prefix_ids(t.blocks, doc), t.fallback) for t in row.texts])


ATTR_PLACE = {"Header": 1, "Div": 0, "Span": 0, "CodeBlock": 0, "Image": 0, "Link": 0}


def prefix_ids(node: Any, doc: str) -> Any:
    if isinstance(node, list):
        return [prefix_ids(child, doc) for child in node]
    if not isinstance(node, dict) or "c" not in node:
        return node
    content = prefix_ids(node["c"], doc)
    place = ATTR_PLACE.get(node["t"])
    if place is not None and isinstance(content, list):
        ident, classes, attrs = content[place]
        if ident:
            content = [*content[:place], [f"{doc}--{ident}", classes, attrs], *content[place + 1 :]]
    if node["t"] == "Link":
        url, title = content[2]
        if url.startswith("#"):
            content = [*content[:2], [f"#{doc}--{url[1:]}", title]]
    return {**node, "c": content}


def contents_html(edition: CollectionEdition) -> str:
    """The collection's web page body: its documents, each linking to its own page of the same
    edition (build/site/<doc>/<edition>.html)."""
    items = []
    for article in edition.articles:
        href = f"../{article.document}/{edition.name}.html"
        langs = []
        for role, lang in zip(["primary", "secondary"], edition.languages, strict=False):
            author = article.field("author.name", lang)
            langs.append(
                f'<span class="{role}" lang="{escape(lang)}">'
                f'<span class="article-title">{article.field("title", lang)}</span>'
                + (f' <span class="article-author">{author}</span>' if author else "")
                + "</span>"
            )
        items.append(f'<li><a href="{escape(href)}">{"<br>".join(langs)}</a></li>')
    return f'<ol class="collection-contents">\n{chr(10).join(items)}\n</ol>'


def is_collection(project: Project, name: str) -> bool:
    return (project.source_dir / f"{name}{SUFFIX}").is_file()


def collection_front(project: Project, name: str):
    """A collection's date and front matter as HTML in every language, for the home page."""
    from folio.render.parts import meta_html

    collection = load_collection(project, project.source_dir / f"{name}{SUFFIX}")
    source = project.settings.source_language
    languages = (source, *project.settings.languages)
    bare = CollectionEdition(
        name, languages, collection.date, meta=book_meta(collection, languages, source)
    )
    return collection.date, meta_html(bare)


def named(project: Project, name: str) -> Collection:
    """The collection `name`, or an error listing the project's collections."""
    path = project.source_dir / f"{name}{SUFFIX}"
    if not path.is_file():
        known = ", ".join(p.stem for p in collection_paths(project)) or "none"
        raise FolioError(
            f"no collection {name!r}", hint=f"the collections (source/*.yaml) are: {known}"
        )
    return load_collection(project, path)


def status_rows(project: Project, name: str, rows: list) -> list:
    """`folio status --collection`: its documents' rows in the collection's order, then one
    row per language for the whole collection."""
    from folio.catalog import Stats
    from folio.workflow import LanguageStatus

    collection = named(project, name)
    order = {doc: index for index, doc in enumerate(collection.documents)}
    mine = sorted((r for r in rows if r.document in order), key=lambda r: order[r.document])
    whole = []
    for lang in project.settings.languages:
        stats = [r.stats for r in mine if r.language == lang]
        total = Stats(*(sum(getattr(s, f) for s in stats) for f in Stats.__dataclass_fields__))
        whole.append(LanguageStatus(f"{name} (all)", lang, total))
    return mine + whole


def check_groups(project: Project, name: str, findings: list) -> dict[str, list]:
    """`folio check --collection`: the findings of each of its documents, in its order."""
    collection = named(project, name)
    return {
        doc: [f for f in findings if f.path.stem == doc and f.path.suffix in (".md", ".po")]
        for doc in collection.documents
    }
