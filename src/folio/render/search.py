"""The site's search index: every unit of the web pages, in its own language, made searchable
by Pagefind (its CJK segmenter included) as one index per language under build/site/pagefind/."""

from __future__ import annotations

import asyncio
import concurrent.futures
import contextlib
import hashlib
import html
import json
import shutil
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

from folio.errors import FolioError
from folio.files import naming, write_atomic

# Where the indexes go, under build/site/: one folder per language.
FOLDER = "pagefind"
# Where each language's records are written as pages for Pagefind to index (under build/).
STAGING = ".search"
# What the site loads of Pagefind's bundle: its search library, worker and index files (not
# its ready-made interfaces, which the site does not use).
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
KEPT_PREFIXES = ("pagefind.", "index/", "fragment/", "filter/")
# The keys of the indexes (build/.search/keys.json) and the languages search.js finds there.
KEYS = "keys.json"
LANGUAGES = "languages.json"
# Elements that begin a search result: the site's units (bilingual: the pair, both halves),
# headings, and footnotes. Text outside them (the title block) belongs to the page's top.
HEADINGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Text a reader never searches for: note numbers and their back links.
SKIPPED_CLASSES = {"footnote-ref", "footnote-back"}
# Not the text either: navigation (a page's downloads and links), forms, and what a template
# marks for Pagefind to skip (data-pagefind-ignore).
UNREAD = {"script", "style", "template", "svg", "head", "nav", "form"}
BLOCKS = HEADINGS | {"p", "div", "li", "br", "td", "th", "dt", "dd", "blockquote", "pre", "hr"}
VOID = {"meta", "link", "br", "img", "input", "hr", "source", "wbr", "area", "base", "col"}


@dataclass
class Record:
    """One search result: a unit's text in one language, and the editions that show it."""

    document: str
    anchor: str  # the unit's id on its pages; "" for the title block (the top of the page)
    lang: str
    text: str
    title: str  # the document's title in `lang`
    author: str
    section: str  # the heading the unit is under, in `lang`; "" for none
    editions: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    """A web page of an edition: build/site/<document>/<edition>.html."""

    document: str
    edition: str
    html: bytes


@dataclass(frozen=True)
class _Open:
    """An open element: what the text inside it belongs to."""

    tag: str
    anchor: str = ""
    lang: str = ""
    skipped: bool = False
    role: str = ""  # "title", "author", "notes" (the footnotes), or ""


class _Units(HTMLParser):
    """Text of a page's <main>, by (anchor, language); its title and author, by language."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.stack: list[_Open] = []
        self.texts: dict[tuple[str, str], list[str]] = {}
        self.titles: dict[str, list[str]] = {}
        self.authors: dict[str, list[str]] = {}
        self.headings: set[str] = set()  # the anchors that are headings
        self.in_main = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        values = {name: value or "" for name, value in attrs}
        if tag == "main":
            self.in_main = True
        if tag in BLOCKS:
            self._space()
        if tag in VOID:
            return
        parent = self.stack[-1] if self.stack else _Open("")
        classes = set(values.get("class", "").split())
        anchor = parent.anchor
        if values.get("id") and (
            classes & {"pair", "unit"}
            or tag in HEADINGS
            or (tag == "li" and parent.role == "notes")
        ):
            anchor = values["id"]
            if tag in HEADINGS:
                self.headings.add(anchor)
        role = parent.role
        if "footnotes" in classes:
            role = "notes"
        elif tag == "h1" and not anchor:
            role = "title"
        elif "author" in classes:
            role = "author"
        skipped = (
            parent.skipped
            or tag in UNREAD
            or bool(classes & SKIPPED_CLASSES)
            or "hidden" in values
            or "data-pagefind-ignore" in values
        )
        self.stack.append(_Open(tag, anchor, values.get("lang") or parent.lang, skipped, role))

    def handle_endtag(self, tag: str) -> None:
        if tag in BLOCKS:
            self._space()
        if tag == "main":
            self.in_main = False
        if tag in VOID:
            return
        while self.stack and self.stack.pop().tag != tag:
            pass

    def handle_data(self, data: str) -> None:
        if not self.in_main or not self.stack or self.stack[-1].skipped:
            return
        here = self.stack[-1]
        self.texts.setdefault((here.anchor, here.lang), []).append(data)
        if here.role == "title":
            self.titles.setdefault(here.lang, []).append(data)
        elif here.role == "author":
            self.authors.setdefault(here.lang, []).append(data)

    def _space(self) -> None:
        """Blocks are apart in the text, whatever the markup's spacing."""
        if self.in_main and self.stack and not self.stack[-1].skipped:
            here = self.stack[-1]
            self.texts.setdefault((here.anchor, here.lang), []).append(" ")


def _clean(pieces: list[str]) -> str:
    return " ".join("".join(pieces).split())


def page_records(page: Page) -> list[Record]:
    """The records of one page, in the order of its text."""
    parser = _Units()
    parser.feed(page.html.decode("utf-8"))
    parser.close()
    records = []
    sections: dict[str, str] = {}  # the heading read last, by language
    for (anchor, lang), pieces in parser.texts.items():
        text = _clean(pieces)
        if not text or not lang:
            continue
        section = sections.get(lang, "")
        if anchor in parser.headings:
            sections[lang], section = text, ""
        title = _clean(parser.titles.get(lang, [])) or _clean(
            next(iter(parser.titles.values()), [])
        )
        author = _clean(parser.authors.get(lang, []))
        records.append(
            Record(page.document, anchor, lang, text, title, author, section, [page.edition])
        )
    return records


def site_records(pages: list[Page]) -> dict[str, list[Record]]:
    """Every page's records by language; a unit that several editions show the same (the
    zh-Hans page and the bilingual page's Chinese half) is one record listing them all."""
    merged: dict[tuple[str, str, str, str], Record] = {}
    for page in sorted(pages, key=lambda p: (p.document, "+" in p.edition, p.edition)):
        for record in page_records(page):
            key = (record.document, record.anchor, record.lang, record.text)
            if key in merged:
                merged[key].editions.append(page.edition)
            else:
                merged[key] = record
    by_language: dict[str, list[Record]] = {}
    for record in merged.values():
        by_language.setdefault(record.lang, []).append(record)
    return by_language


def record_page(record: Record) -> str:
    """A record as the page Pagefind indexes: the unit's text, and the rest as filters, which a
    result returns with it (Pagefind 1.5 makes every metadata field searchable: a title there
    would make each unit of a document match the words of its title)."""
    filters = [
        ("document", record.document),
        ("language", record.lang),
        ("anchor", record.anchor),
        ("title", record.title),
        ("author", record.author),
        ("section", record.section),
        *(("edition", edition) for edition in record.editions),
    ]
    head = "".join(
        f'<meta data-pagefind-filter="{key}[content]" content="{html.escape(value)}">'
        for key, value in filters
        if value
    )
    return (
        f'<!DOCTYPE html><html lang="{html.escape(record.lang)}"><head><meta charset="utf-8">'
        f"{head}</head><body><main data-pagefind-body><p>{html.escape(record.text)}</p></main>"
        "</body></html>"
    )


def index_key(records: list[Record]) -> str:
    """What an index is made from: its records, folio's code and Pagefind's version."""
    from folio.keys import folio_digest

    digest = hashlib.sha256(f"{folio_digest()} {pagefind_version()}".encode())
    for record in records:
        digest.update(json.dumps(record.__dict__, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def pagefind_version() -> str:
    """The versions of Pagefind's API and of its program (which writes the browser side)."""
    versions = []
    for name in ("pagefind", "pagefind-bin-extended"):
        try:
            versions.append(f"{name}={metadata.version(name)}")
        except metadata.PackageNotFoundError:
            versions.append(f"{name}=none")
    return ";".join(versions)


@dataclass
class Staged:
    """Indexes made for the languages whose records changed, waiting in build/.search/ to
    replace the site's once every other output of the build is written."""

    site: Path  # build/site/pagefind
    work: Path  # build/.search
    made: dict[str, Path]  # language → its finished index
    keys: dict[str, str]  # every indexed language → the key of its index
    names: dict[str, str]  # every indexed language → its name in itself

    def publish(self) -> None:
        """Put each new index in place (renamed in, the old one removed), drop the indexes of
        languages no longer on the site, and list the languages for search.js."""
        self.site.mkdir(parents=True, exist_ok=True)
        for lang, bundle in self.made.items():
            target = self.site / lang
            old = self.work / f"{lang}.old"
            if old.exists():
                shutil.rmtree(old)
            if target.exists():
                target.rename(old)
            bundle.rename(target)
            if old.exists():
                shutil.rmtree(old)
        for path in self.site.iterdir():
            if path.is_dir() and path.name not in self.keys:
                shutil.rmtree(path)
        listed = [{"lang": lang, "name": self.names.get(lang, lang)} for lang in self.keys]
        write_atomic(self.site / LANGUAGES, json.dumps(listed, ensure_ascii=False).encode())
        write_atomic(self.work / KEYS, json.dumps(self.keys, indent=1).encode())
        for lang in self.made:
            shutil.rmtree(self.work / lang, ignore_errors=True)


def stage(
    build_dir: Path, pages: list[Page], changed: bool, names: dict[str, str]
) -> Staged | None:
    """Index again the languages whose records changed; None when nothing did (no page
    `changed` and the site's indexes are all there, or the same records)."""
    site, work = build_dir / "site" / FOLDER, build_dir / STAGING
    keys = read_keys(work)
    whole = (site / LANGUAGES).is_file() and all(
        (site / lang / "pagefind-entry.json").is_file() for lang in keys
    )
    if not pages or (not changed and whole and keys):
        return None
    records = site_records(pages)
    fresh = {lang: index_key(found) for lang, found in records.items()}
    todo = [
        lang
        for lang in records
        if fresh[lang] != keys.get(lang) or not (site / lang / "pagefind-entry.json").is_file()
    ]
    if not todo and whole and fresh.keys() == keys.keys():
        return None
    made = write_indexes({lang: records[lang] for lang in todo}, work)
    known = list(names)
    order = sorted(fresh, key=lambda lang: known.index(lang) if lang in known else len(known))
    return Staged(site, work, made, {lang: fresh[lang] for lang in order}, names)


def read_keys(work: Path) -> dict[str, str]:
    try:
        keys = json.loads((work / KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def write_indexes(records: dict[str, list[Record]], work: Path) -> dict[str, Path]:
    """Index each language's records with Pagefind, in work/<lang>/ (emptied first), all
    languages at once; returns each finished index, holding only what the site loads."""
    try:
        with naming(work):
            return index_languages(records, work)
    except BaseException:
        # A failed or interrupted index leaves nothing behind in build/ (a full disk, say).
        for lang in records:
            shutil.rmtree(work / lang, ignore_errors=True)
        raise


def index_languages(records: dict[str, list[Record]], work: Path) -> dict[str, Path]:
    """Write each language's records as pages and run Pagefind on them, in work/<lang>/."""
    jobs = {}
    for lang, found in records.items():
        folder = work / lang
        if folder.exists():
            shutil.rmtree(folder)
        pages = folder / "pages"
        for number, record in enumerate(found):
            path = pages / record.document / f"{number}.html"
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(record_page(record), encoding="utf-8")
        jobs[lang] = (pages, folder / "bundle")
    if jobs:
        run_coroutine(_index_all(jobs))
    for pages, bundle in jobs.values():
        shutil.rmtree(pages)
        keep_loaded(bundle)
    return {lang: bundle for lang, (_, bundle) in jobs.items()}


def run_coroutine(coroutine) -> None:
    """asyncio.run, also where this thread's event loop is already running (folio called from
    a notebook or another asyncio program): then in a thread of its own."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(coroutine)
        return
    with concurrent.futures.ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, coroutine).result()


def keep_loaded(bundle: Path) -> None:
    """Remove what the site never loads from an index Pagefind wrote: its ready-made
    interfaces, and the WebAssembly of other languages (each index names its own)."""
    entry = json.loads((bundle / "pagefind-entry.json").read_text(encoding="utf-8"))
    wasm = {f"wasm.{found['wasm'] or 'unknown'}.pagefind" for found in entry["languages"].values()}
    for path in sorted(bundle.rglob("*"), reverse=True):
        name = path.relative_to(bundle).as_posix()
        if path.is_file() and not (name in KEPT or name in wasm or name.startswith(KEPT_PREFIXES)):
            path.unlink()


async def _index_all(jobs: dict[str, tuple[Path, Path]]) -> None:
    await asyncio.gather(*(_pagefind(*paths, lang) for lang, paths in jobs.items()))


async def _pagefind(pages: Path, bundle: Path, lang: str) -> None:
    """Pagefind's own indexer over the record pages, through its Python API (one request for
    the whole folder: the API answers one request at a time, a tenth of a second each)."""
    from pagefind.service import PagefindService

    try:
        service = await PagefindService().launch()
    except FileNotFoundError as error:
        raise FolioError(
            "Pagefind's program is missing: the site's search cannot be indexed",
            hint="install folio's dependencies again (pip install 'pagefind[extended]')",
        ) from error
    try:
        index = await service.create_index({"force_language": lang})
        await index.add_directory(str(pages))
        await index.write_files(str(bundle))
        await _written(bundle)
    finally:
        await _finish(service)
    _check_written(bundle)


async def _written(bundle: Path, seconds: float = 30) -> None:
    """Wait until every file of the index has its contents. Pagefind answers "written" once it
    has created each file and handed its bytes to a background writer (tokio): closing it
    then left files empty (3 runs in 8 here, with the API's close(); one in 3 when it ended
    by itself). Each file's bytes go in one write, so a file that is not empty is whole."""
    deadline = asyncio.get_running_loop().time() + seconds
    while any(path.is_file() and path.stat().st_size == 0 for path in bundle.rglob("*")):
        if asyncio.get_running_loop().time() > deadline:
            return  # _check_written says what is missing
        await asyncio.sleep(0.02)


async def _finish(service) -> None:
    """Let Pagefind's program end by itself, at the end of its input, instead of the API's
    close(), which stops it at once."""
    service._poll_task.cancel()
    with contextlib.suppress(asyncio.CancelledError):
        await service._poll_task
    service._backend.stdin.close()
    await service._backend.wait()


def _check_written(bundle: Path) -> None:
    """Fail rather than publish an index with a file missing or empty."""
    entry = bundle / "pagefind-entry.json"
    files = [path for path in bundle.rglob("*") if path.is_file()]
    if not entry.is_file() or any(path.stat().st_size == 0 for path in files):
        raise FolioError(
            "Pagefind wrote an incomplete search index",
            bundle,
            hint="build again; the site keeps its previous index",
        )
