"""The site's search index: every unit of the web pages, in its own language, made searchable
by Pagefind (its CJK segmenter included) as one index per language under build/site/pagefind/."""

from __future__ import annotations

import base64
import concurrent.futures
import contextlib
import hashlib
import html
import json
import shutil
import subprocess
import tempfile
import threading
from dataclasses import dataclass, field
from html.parser import HTMLParser
from importlib import metadata
from pathlib import Path

from folio.errors import FolioError
from folio.files import naming, write_atomic

# Where the indexes go, under build/site/: one folder per language.
FOLDER = "pagefind"
# Where the keys of the indexes are kept (under build/).
STAGING = ".search"
# Where the records of each page are kept (under build/): unchanged pages are not read again.
CACHE = ".cache/search"
# What the site loads of Pagefind's bundle: its search library, worker and index files (not
# its ready-made interfaces, which the site does not use).
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
KEPT_PREFIXES = ("pagefind.", "index/", "fragment/", "filter/")
# An index's entry, which names its other files; the files Pagefind does not name by their
# contents (the rest are content-addressed).
ENTRY = "pagefind-entry.json"
FIXED_NAMES = {ENTRY, "pagefind.js", "pagefind-worker.js", "wasm.unknown.pagefind"}
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


def site_records(pages: list[Page], cache: RecordCache | None = None) -> dict[str, list[Record]]:
    """Every page's records by language; a unit that several editions show the same (the
    zh-Hans page and the bilingual page's Chinese half) is one record listing them all."""
    merged: dict[tuple[str, str, str, str], Record] = {}
    for page in sorted(pages, key=lambda p: (p.document, "+" in p.edition, p.edition)):
        for record in cache.records(page) if cache else page_records(page):
            key = (record.document, record.anchor, record.lang, record.text)
            if key in merged:
                merged[key].editions.append(page.edition)
            else:
                merged[key] = record
    by_language: dict[str, list[Record]] = {}
    for record in merged.values():
        by_language.setdefault(record.lang, []).append(record)
    return by_language


@dataclass
class RecordCache:
    """The records of each page, under build/.cache/search/, by the digest of the page's bytes
    and of the code that reads them: a page that did not change is not parsed again."""

    folder: Path
    code: str  # folio's and Pagefind's versions
    used: set[str] = field(default_factory=set)

    def records(self, page: Page) -> list[Record]:
        digest = hashlib.sha256(f"{self.code}\0{page.document}\0{page.edition}\0".encode())
        digest.update(page.html)
        path = self.folder / f"{digest.hexdigest()}.json"
        self.used.add(path.name)
        with contextlib.suppress(OSError, ValueError, TypeError):
            return [Record(**found) for found in json.loads(path.read_bytes())]
        records = page_records(page)
        found = [record.__dict__ for record in records]
        write_atomic(path, json.dumps(found, ensure_ascii=False).encode())
        return records

    def prune(self) -> None:
        """Forget the records of pages the site no longer has."""
        for path in self.folder.glob("*"):
            if path.name not in self.used:
                path.unlink(missing_ok=True)


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


def index_key(records: list[Record], code: str) -> str:
    """What an index is made from: its records, and folio's and Pagefind's versions (`code`)."""
    digest = hashlib.sha256(code.encode())
    for record in records:
        digest.update(json.dumps(record.__dict__, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()


def code_version() -> str:
    """Folio's code and Pagefind's versions: what the records and indexes are made by."""
    from folio.keys import folio_digest

    return f"{folio_digest()} {pagefind_version()}"


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
    """Indexes made for the languages whose records changed, held in memory to replace the
    site's once every other output of the build is written."""

    site: Path  # build/site/pagefind
    work: Path  # build/.search, where the keys of the indexes are kept
    made: dict[str, dict[str, bytes]]  # language → the files of its index, by path
    keys: dict[str, str]  # every indexed language → the key of its index
    names: dict[str, str]  # every indexed language → its name in itself

    def publish(self) -> None:
        """Put each new index in place, drop the indexes of languages no longer on the site,
        and list the languages for search.js."""
        self.site.mkdir(parents=True, exist_ok=True)
        for lang, files in self.made.items():
            replace_index(self.site / lang, files)
        for path in self.site.iterdir():
            if path.is_dir() and path.name not in self.keys:
                shutil.rmtree(path)
        listed = [{"lang": lang, "name": self.names.get(lang, lang)} for lang in self.keys]
        write_atomic(self.site / LANGUAGES, json.dumps(listed, ensure_ascii=False).encode())
        write_atomic(self.work / KEYS, json.dumps(self.keys, indent=1).encode())


def replace_index(folder: Path, files: dict[str, bytes]) -> None:
    """Turn the index in `folder` into `files`, writing only what differs. Pagefind names each
    file of an index by a digest of its contents, except its scripts and its entry, which
    names the rest: the new files go in first, the entry next, the old files go last, so that
    a reader searching meanwhile finds every file the entry names."""
    for name, data in files.items():
        if name != ENTRY and not holds(folder / name, data, name in FIXED_NAMES):
            write_atomic(folder / name, data)
    write_atomic(folder / ENTRY, files[ENTRY])
    for path in sorted(folder.rglob("*"), reverse=True):
        name = path.relative_to(folder).as_posix()
        if path.is_file() and name not in files:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            path.rmdir()


def holds(path: Path, data: bytes, compare: bool) -> bool:
    """Whether `path` has `data` already: a file named by its contents only needs to be whole
    (not cut short by a build that was stopped)."""
    if not path.is_file() or path.stat().st_size != len(data):
        return False
    return not compare or path.read_bytes() == data


def stage(
    build_dir: Path, pages: list[Page], changed: bool, names: dict[str, str]
) -> Staged | None:
    """Index again the languages whose records changed; None when nothing did (no page
    `changed` and the site's indexes are all there, or the same records)."""
    site, work = build_dir / "site" / FOLDER, build_dir / STAGING
    keys = read_keys(work)
    whole = (site / LANGUAGES).is_file() and all((site / lang / ENTRY).is_file() for lang in keys)
    if not pages or (not changed and whole and keys):
        return None
    code = code_version()
    cache = RecordCache(build_dir / CACHE, code)
    with naming(cache.folder):
        records = site_records(pages, cache)
        cache.prune()
    fresh = {lang: index_key(found, code) for lang, found in records.items()}
    todo = [
        lang
        for lang in records
        if fresh[lang] != keys.get(lang) or not (site / lang / ENTRY).is_file()
    ]
    if not todo and whole and fresh.keys() == keys.keys():
        return None
    made = index_languages({lang: records[lang] for lang in todo})
    known = list(names)
    order = sorted(fresh, key=lambda lang: known.index(lang) if lang in known else len(known))
    return Staged(site, work, made, {lang: fresh[lang] for lang in order}, names)


def read_keys(work: Path) -> dict[str, str]:
    try:
        keys = json.loads((work / KEYS).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return keys if isinstance(keys, dict) else {}


def index_languages(records: dict[str, list[Record]]) -> dict[str, dict[str, bytes]]:
    """Each language's index, made by Pagefind from its records (the languages side by side,
    a program each); only the files the site loads."""
    if not records:
        return {}
    with concurrent.futures.ThreadPoolExecutor(len(records)) as pool:
        made = {lang: pool.submit(index_language, lang, found) for lang, found in records.items()}
        return {lang: future.result() for lang, future in made.items()}


def index_language(lang: str, records: list[Record]) -> dict[str, bytes]:
    """One language's index: Pagefind's own indexer over the records as pages, given to its
    program in memory, the index taken back the same way (no file in between)."""
    requests: list[dict] = [{"type": "NewIndex", "config": {"force_language": lang}}]
    requests += [
        {
            "type": "AddFile",
            "index_id": 0,  # the program's first and only index
            "url": f"/{record.document}/{number}.html",
            "file_path": None,
            "file_contents": record_page(record),
        }
        for number, record in enumerate(records)
    ]
    requests.append({"type": "GetFiles", "index_id": 0})
    replies = ask_pagefind(requests)
    files = {found["path"]: base64.b64decode(found["content"]) for found in replies[-1]["files"]}
    return loaded(files)


def loaded(files: dict[str, bytes]) -> dict[str, bytes]:
    """What the site loads of an index: not Pagefind's ready-made interfaces, nor the
    WebAssembly of other languages (each index names its own)."""
    entry = json.loads(files[ENTRY])
    wasm = {f"wasm.{found['wasm'] or 'unknown'}.pagefind" for found in entry["languages"].values()}
    return {
        name: data
        for name, data in files.items()
        if name in KEPT or name in wasm or name.startswith(KEPT_PREFIXES)
    }


def ask_pagefind(requests: list[dict]) -> list[dict]:
    """Send Pagefind's program (in its service mode) every request at once and return its
    replies, in order. Its own Python API waits a tenth of a second before reading each
    reply; the program answers the requests one after the other, in the order sent."""
    from pagefind.service import get_executable

    program = get_executable()
    if program is None or not program.is_file():
        raise FolioError(
            "Pagefind's program is missing: the site's search cannot be indexed",
            hint="install folio's dependencies again (pip install 'pagefind[extended]')",
        )
    message = b"".join(
        base64.b64encode(json.dumps({"message_id": number, "payload": request}).encode()) + b","
        for number, request in enumerate(requests)
    )
    with tempfile.TemporaryFile() as errors:
        process = subprocess.Popen(
            [str(program), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        replies = None
        writer = threading.Thread(target=_send, args=(process, message), daemon=True)
        try:
            writer.start()
            replies = _replies(process, len(requests))
        finally:
            if replies is None:  # it failed, or this process was interrupted: stop it
                process.kill()
            writer.join()
            # At the end of its input the program ends.
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.wait()
        if replies is None:
            errors.seek(0)
            said = errors.read().decode("utf-8", "replace").strip().splitlines()
            raise FolioError(
                "Pagefind stopped before the site's search was indexed: "
                + (said[-1] if said else f"exit status {process.returncode}"),
                hint="build again; the site keeps its previous index",
            )
    return replies


def _send(process: subprocess.Popen, message: bytes) -> None:
    """Write the requests (in a thread: the replies are read meanwhile)."""
    with contextlib.suppress(OSError):  # the program ended: its reading side says why
        process.stdin.write(message)
        process.stdin.flush()


def _replies(process: subprocess.Popen, count: int) -> list[dict] | None:
    """The program's replies to the `count` requests, in order; None if it ended before."""
    replies: dict[int, dict] = {}
    pending = b""
    while len(replies) < count:
        chunk = process.stdout.read1(1 << 20)
        if not chunk:
            return None
        *whole, pending = (pending + chunk).split(b",")
        for encoded in whole:
            reply = json.loads(base64.b64decode(encoded))
            if reply["payload"].get("type") == "Error":
                raise FolioError(
                    f"Pagefind could not index the site's search: {reply['payload']['message']}",
                    hint="build again; the site keeps its previous index",
                )
            replies[reply["message_id"]] = reply["payload"]
    return [replies[number] for number in range(count)]
