"""The site's search index: every unit of the web pages, in its own language, made searchable
by Pagefind (its CJK segmenter included) under build/site/pagefind/<lang>/, in bundles of a
hundred units that the browser merges: an edit indexes again only its unit's bundle."""

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
from importlib import metadata
from pathlib import Path
from typing import Any

from folio.cache import Table
from folio.errors import FolioError
from folio.files import naming, write_atomic
from folio.render.pieces import pieces as cut_page
from folio.render.tokens import END, START, tokens

# Where the indexes go, under build/site/: one folder per language.
FOLDER = "pagefind"
# Where the records of each page are kept (under build/): unchanged pages are not read again.
CACHE = ".cache/search"
# What the site loads of Pagefind's bundle: its search library, worker and index files (not
# its ready-made interfaces, which the site does not use).
KEPT = ("pagefind.js", "pagefind-worker.js", "pagefind-entry.json")
KEPT_PREFIXES = ("pagefind.", "index/", "fragment/", "filter/")
ENTRY = "pagefind-entry.json"
# Units in a bundle: Pagefind indexes a hundred Chinese units in a tenth of a second (and
# takes a fifth to load its dictionary), the whole book's 1,200 in a second; the browser loads
# a few more files for each bundle it merges.
BUNDLE = 100
# The languages, their names and bundles, for search.js.
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


# What _Units carries from one piece of a page to the next: the open elements, and whether
# the text is in <main>.
Reading = tuple[tuple[_Open, ...], bool]


class _Units:
    """Text of a page's <main>, by (anchor, language); its title and author, by language. Read
    piece by piece, from the state the piece starts in (`state`)."""

    def __init__(self, state: Reading = ((), False)) -> None:
        self.stack: list[_Open] = list(state[0])
        self.texts: dict[tuple[str, str], list[str]] = {}
        self.titles: dict[str, list[str]] = {}
        self.authors: dict[str, list[str]] = {}
        self.headings: set[str] = set()  # the anchors that are headings
        self.in_main = state[1]

    @property
    def state(self) -> Reading:
        return tuple(self.stack), self.in_main

    def read(self, html: str) -> None:
        for kind, value, attributes in tokens(html):
            if kind == START:
                self.handle_starttag(value, attributes)
            elif kind == END:
                self.handle_endtag(value)
            else:
                self.handle_data(value)

    def add(self, other: _Units) -> None:
        """Take the text another reader read after this one's (the next piece)."""
        for mine, theirs in (
            (self.texts, other.texts),
            (self.titles, other.titles),
            (self.authors, other.authors),
        ):
            for key, pieces in theirs.items():
                mine.setdefault(key, []).extend(pieces)
        self.headings |= other.headings
        self.stack, self.in_main = list(other.stack), other.in_main

    def handle_starttag(self, tag: str, values: dict[str, str]) -> None:
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


def page_records(page: Page, memo: Table | None = None) -> list[Record]:
    """The records of one page, in the order of its text; with `memo`, the pieces of the page
    read before are not read again."""
    parser = _Units()
    for piece in cut_page(page.html.decode("utf-8")):
        key = memo.key("read", repr(parser.state), piece) if memo is not None else ""
        read = memo.get(key) if memo is not None else None
        if read is None:
            read = _Units(parser.state)
            read.read(piece)
            if memo is not None:
                memo.put(key, read)
        parser.add(read)
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


def site_records(
    pages: list[Page], cache: RecordCache | None = None, memo: Table | None = None
) -> dict[str, list[Record]]:
    """Every page's records by language; a unit that several editions show the same (the
    zh-Hans page and the bilingual page's Chinese half) is one record listing them all."""
    merged: dict[tuple[str, str, str, str], Record] = {}
    for page in sorted(pages, key=lambda p: (p.document, "+" in p.edition, p.edition)):
        for record in cache.records(page, memo) if cache else page_records(page, memo):
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

    def records(self, page: Page, memo: Table | None = None) -> list[Record]:
        """The page's records: those kept, else read from the page (and kept)."""
        digest = hashlib.sha256(f"{self.code}\0{page.document}\0{page.edition}\0".encode())
        digest.update(page.html)
        path = self.folder / f"{digest.hexdigest()}.json"
        self.used.add(path.name)
        with contextlib.suppress(OSError, ValueError, TypeError):
            return [Record(**found) for found in json.loads(path.read_bytes())]
        records = page_records(page, memo)
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
    """What a bundle is made from: its records, and folio's and Pagefind's versions (`code`)."""
    digest = hashlib.sha256(code.encode())
    for record in records:
        digest.update(json.dumps(record.__dict__, ensure_ascii=False, sort_keys=True).encode())
    return digest.hexdigest()[:20]


def bundles(records: list[Record], size: int = BUNDLE) -> list[list[Record]]:
    """A language's records in bundles of about `size`, each of one document, cut after the
    records whose anchor's digest says so (one in `size`): a record added or dropped (a unit
    that falls back to the source language) changes its own bundle, not every one after it."""
    by_document: dict[str, list[Record]] = {}
    for record in records:
        by_document.setdefault(record.document, []).append(record)
    found: list[list[Record]] = []
    for document_records in by_document.values():
        bundle: list[Record] = []
        for record in document_records:
            bundle.append(record)
            anchor = hashlib.sha256(record.anchor.encode("utf-8")).digest()
            if int.from_bytes(anchor[:4], "big") % size == 0 or len(bundle) >= 4 * size:
                found.append(bundle)
                bundle = []
        if bundle:
            found.append(bundle)
    return found


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
    """The bundles made for the records that changed, in place but not listed yet: search.js
    finds them once every other output of the build is written."""

    site: Path  # build/site/pagefind
    made: list[tuple[str, str]]  # each bundle made: (language, bundle)
    listed: list[dict]  # each language: its name and bundles, as search.js reads them

    def publish(self) -> None:
        """List the bundles for search.js, then remove those no longer listed (a reader
        searching meanwhile finds the bundles the list they loaded names)."""
        write_atomic(self.site / LANGUAGES, json.dumps(self.listed, ensure_ascii=False).encode())
        kept = {language["lang"]: set(language["bundles"]) for language in self.listed}
        for folder in self.site.iterdir():
            if folder.name == LANGUAGES:
                continue
            if not folder.is_dir() or folder.name not in kept:
                remove(folder)
                continue
            for path in folder.iterdir():
                if path.name not in kept[folder.name]:
                    remove(path)


def write_bundle(folder: Path, files: dict[str, bytes]) -> None:
    """A bundle's files in `folder`, renamed in whole. Named by its records, it is new; a build
    stopped before listing it leaves it for the next build, which lists it."""
    temporary = folder.parent / f".{folder.name}.tmp"
    for path in (temporary, folder):
        if path.exists():
            shutil.rmtree(path)
    # Each folder made once: a bundle has a few hundred files in a few folders.
    for parent in sorted({(temporary / name).parent for name in files}):
        parent.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (temporary / name).write_bytes(data)
    temporary.rename(folder)


def remove(path: Path) -> None:
    if path.is_dir():
        shutil.rmtree(path)
    else:
        path.unlink()


def stage(
    build_dir: Path,
    pages: list[Page],
    changed: bool,
    names: dict[str, str],
    size: int = BUNDLE,
    warm: Warm | None = None,
    memo: Table | None = None,
) -> Staged | None:
    """Index the bundles whose records changed; None when nothing did (no page `changed` and
    the site's bundles are all there, or the same records)."""
    site = build_dir / "site" / FOLDER
    listed = read_listed(site)
    whole = bool(listed) and all(
        (site / language["lang"] / key / ENTRY).is_file()
        for language in listed
        for key in language["bundles"]
    )
    if not pages or (not changed and whole):
        return None
    code = code_version()
    cache = RecordCache(build_dir / CACHE, code)
    with naming(cache.folder):
        records = site_records(pages, cache, memo)
        cache.prune()
    planned = {
        lang: {index_key(bundle, code): bundle for bundle in bundles(found, size)}
        for lang, found in records.items()
    }
    known = list(names)
    order = sorted(planned, key=lambda lang: known.index(lang) if lang in known else len(known))
    fresh = [
        {"lang": lang, "name": names.get(lang, lang), "bundles": list(planned[lang])}
        for lang in order
    ]
    todo = {
        (lang, key): bundle
        for lang, found in planned.items()
        for key, bundle in found.items()
        if not (site / lang / key / ENTRY).is_file()
    }
    if not todo and whole and fresh == listed:
        return None
    made = index_bundles(todo, warm)
    for (lang, key), files in made.items():
        write_bundle(site / lang / key, files)
    return Staged(site, list(made), fresh)


def read_listed(site: Path) -> list[dict]:
    """The languages and bundles the site lists (none when the list cannot be read)."""
    try:
        listed = json.loads((site / LANGUAGES).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    if not isinstance(listed, list) or not all(
        isinstance(language, dict) and isinstance(language.get("bundles"), list)
        for language in listed
    ):
        return []
    return listed


def index_bundles(
    todo: dict[tuple[str, str], list[Record]], warm: Warm | None = None
) -> dict[tuple[str, str], dict[str, bytes]]:
    """Each bundle's index, made by Pagefind from its records: a program for each language
    (it loads its dictionary once for all its bundles), the languages side by side; a
    language's program started ahead (`warm`) is used when there is one."""
    by_language: dict[str, dict[str, list[Record]]] = {}
    for (lang, key), records in todo.items():
        by_language.setdefault(lang, {})[key] = records
    if not by_language:
        return {}
    programs = warm.programs if warm else {}
    with concurrent.futures.ThreadPoolExecutor(len(by_language)) as pool:
        made = {
            lang: pool.submit(index_language, lang, found, programs.pop(lang, None))
            for lang, found in by_language.items()
        }
        return {
            (lang, key): files
            for lang, future in made.items()
            for key, files in future.result().items()
        }


def index_language(
    lang: str, bundles: dict[str, list[Record]], program: Program | None = None
) -> dict[str, dict[str, bytes]]:
    """A language's bundles: Pagefind's own indexer over their records as pages, given to its
    program in memory, each index taken back the same way (no file in between)."""
    program = program or Program.start()
    first = program.indexes  # the program numbers its indexes from 0, in the order made
    requests: list[dict] = [
        {"type": "NewIndex", "config": {"force_language": lang}} for _ in bundles
    ]
    for index, records in enumerate(bundles.values(), start=first):
        requests += [
            {
                "type": "AddFile",
                "index_id": index,
                "url": f"/{record.document}/{number}.html",
                "file_path": None,
                "file_contents": record_page(record),
            }
            for number, record in enumerate(records)
        ]
    requests += [
        {"type": "GetFiles", "index_id": index} for index in range(first, first + len(bundles))
    ]
    replies = program.ask(requests)[-len(bundles) :]
    return {
        key: loaded({found["path"]: base64.b64decode(found["content"]) for found in reply["files"]})
        for key, reply in zip(bundles, replies, strict=True)
    }


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
    replies, in order."""
    return Program.start().ask(requests)


@dataclass
class Program:
    """Pagefind's program in its service mode, answering requests in the order sent. Its own
    Python API waits a tenth of a second before reading each reply."""

    process: subprocess.Popen
    errors: Any  # a temporary file: what the program says when it fails
    sent: int = 0  # requests sent so far (their message ids)
    indexes: int = 0  # indexes made so far (their ids)

    @classmethod
    def start(cls) -> Program:
        from pagefind.service import get_executable

        program = get_executable()
        if program is None or not program.is_file():
            raise FolioError(
                "Pagefind's program is missing: the site's search cannot be indexed",
                hint="install folio's dependencies again (pip install 'pagefind[extended]')",
            )
        # Closed by ask() or stop(), whichever ends the program.
        errors = tempfile.TemporaryFile()  # noqa: SIM115
        process = subprocess.Popen(
            [str(program), "--service"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=errors,
        )
        return cls(process, errors)

    def send(self, requests: list[dict]) -> bytes:
        """The requests as the program reads them, numbered after those sent before."""
        message = b"".join(
            base64.b64encode(json.dumps({"message_id": number, "payload": request}).encode()) + b","
            for number, request in enumerate(requests, start=self.sent)
        )
        self.sent += len(requests)
        self.indexes += sum(request["type"] == "NewIndex" for request in requests)
        return message

    def ask(self, requests: list[dict]) -> list[dict]:
        """Send every request at once and return the replies to them, in order; the program
        ends then."""
        process = self.process
        message = self.send(requests)
        replies = None
        writer = threading.Thread(target=_send, args=(process, message), daemon=True)
        try:
            writer.start()
            replies = _replies(process, self.sent)
        finally:
            if replies is None:  # it failed, or this process was interrupted: stop it
                process.kill()
            writer.join()
            # At the end of its input the program ends.
            with contextlib.suppress(OSError):
                process.stdin.close()
            process.wait()
            self.errors.seek(0)
            said = self.errors.read().decode("utf-8", "replace").strip().splitlines()
            self.errors.close()
        if replies is None:
            raise FolioError(
                "Pagefind stopped before the site's search was indexed: "
                + (said[-1] if said else f"exit status {process.returncode}"),
                hint="build again; the site keeps its previous index",
            )
        return replies[-len(requests) :]

    def stop(self) -> None:
        """End the program unused."""
        self.process.kill()
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.process.wait()
        self.errors.close()


@dataclass
class Warm:
    """Pagefind's programs started while the pages render, one per language, each having
    loaded what indexing its language takes (Chinese: a dictionary, a fifth of a second)."""

    programs: dict[str, Program] = field(default_factory=dict)

    @classmethod
    def start(cls, languages: list[str]) -> Warm:
        warm = cls()
        for lang in languages:
            program = Program.start()
            page = Record("", "", lang, "folio 中文 日本語 한국어", "", "", "")
            # An index of its own, never read back: the program's first word loads its segmenter.
            requests = [
                {"type": "NewIndex", "config": {"force_language": lang}},
                {
                    "type": "AddFile",
                    "index_id": 0,
                    "url": "/warm.html",
                    "file_path": None,
                    "file_contents": record_page(page),
                },
            ]
            _send(program.process, program.send(requests))
            warm.programs[lang] = program
        return warm

    def stop(self) -> None:
        """End the programs no language used."""
        for program in self.programs.values():
            program.stop()
        self.programs.clear()


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
