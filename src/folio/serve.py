"""`folio serve`: build/site/ on 127.0.0.1, rebuilt when an input changes, open pages reloaded.

A save is seen by polling the inputs' stats; the rebuild makes the web pages only (PDFs and
EPUBs when `--format` asks, in the same build); once it has renamed its files into place, each
open page whose file (or the styles and scripts all pages share) changed is told over its event
stream, and reloads.
"""

from __future__ import annotations

import hashlib
import os
import select
import socket
import sys
import threading
import time
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs, unquote

from folio.config import Project

RELOAD_SCRIPT = "/__folio/reload.js"
EVENTS = "/__folio/events"
VERSION = "/__folio/version"
# A served page opens an event stream for itself (Server-Sent Events), whose first message and
# every later one is the page's version: a page reloads when the version it was served with
# differs. Only a visible page keeps its stream (browsers allow six connections to a host, and a
# translator may have more tabs open); a page shown again reconnects and is told at once. Without
# EventSource, or when the server refuses a stream, the page polls its version every second.
# The script is served by the same origin, so the pages' Content-Security-Policy allows it.
RELOAD_JS = b"""(function () {
  var loaded = document.currentScript.getAttribute("data-version");
  var query = "?page=" + encodeURIComponent(window.location.pathname);
  var stream = null, timer = null;
  function check(version) {
    if (version && version !== loaded) { window.location.reload(); }
  }
  function poll() {
    fetch("/__folio/version" + query, { cache: "no-store" })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(check)
      .catch(function () {})
      .finally(function () { timer = window.setTimeout(poll, 1000); });
  }
  function open() {
    if (document.hidden || stream || timer) { return; }
    if (!window.EventSource) { poll(); return; }
    stream = new EventSource("/__folio/events" + query);
    stream.onmessage = function (event) { check(event.data); };
    stream.onerror = function () {
      if (stream.readyState === EventSource.CLOSED) { stream = null; poll(); }
    };
  }
  function close() {
    if (stream) { stream.close(); stream = null; }
    window.clearTimeout(timer);
    timer = null;
  }
  document.addEventListener("visibilitychange", function () {
    if (document.hidden) { close(); } else { open(); }
  });
  open();
})();
"""
WATCHED = ("source", "translations", "templates")
# How often the inputs' stats are read: a save is seen within this, for a few dozen stat calls
# (inotify would save these; it would also need a dependency or Linux-only code).
POLL_SECONDS = 0.05
# A change is built once the inputs stay as they are this long (an editor writing in steps).
SETTLE_SECONDS = 0.05
IDLE_SECONDS = 5
MAX_CONNECTIONS = 200
# Event streams stay open: at most this many, so that page requests always find a thread.
MAX_STREAMS = 64
# A silent stream sends a comment this often: a client that left frees its thread then.
KEEPALIVE_SECONDS = 15
# How often a stream looks at its page when no rebuild told it to (a `folio build` run beside).
RECHECK_SECONDS = 1.0
# Files of the site that no page's version includes: fonts (subsets of the characters the pages
# use, so a page that changed reloads anyway), the search index and the downloads.
UNSHARED = ("pagefind", "fonts")
UNSHARED_SUFFIXES = (".html", ".pdf", ".epub")

Stat = tuple[int, int, int] | None


def stat_of(path: Path) -> Stat:
    """Modification time, size and inode (a file replaced by a rename has a new one)."""
    try:
        status = path.stat()
    except OSError:  # removed or renamed since the listing
        return None
    return (status.st_mtime_ns, status.st_size, status.st_ino)


class Versions:
    """Each page's version: a digest of its bytes and of the files every page loads (styles,
    scripts, images), so that a page reloads only when what it shows changed."""

    def __init__(self, site: Path) -> None:
        self.site = site
        self.digests: dict[Path, tuple[Stat, str]] = {}
        self.lock = threading.Lock()
        self.changed = threading.Condition()
        self.generation = 0  # rebuilds so far: a stream waits for the next one
        self.building = False
        self.closing = False
        self.streams = threading.BoundedSemaphore(MAX_STREAMS)

    def digest(self, path: Path) -> str | None:
        """The file's SHA-256, read again only when its stat changed."""
        stat = stat_of(path)
        if stat is None:
            return None
        with self.lock:
            known = self.digests.get(path)
        if known and known[0] == stat:
            return known[1]
        try:
            value = hashlib.sha256(path.read_bytes()).hexdigest()
        except OSError:
            return None
        with self.lock:
            self.digests[path] = (stat, value)
        return value

    def shared(self) -> str:
        """One digest of the files every page loads."""
        parts = []
        for folder, folders, files in os.walk(self.site):
            folders[:] = sorted(name for name in folders if name not in UNSHARED)
            for name in sorted(files):
                if not name.endswith(UNSHARED_SUFFIXES) and not name.startswith("."):
                    path = Path(folder, name)
                    parts.append(f"{path.relative_to(self.site)}:{self.digest(path)}")
        return hashlib.sha256("\n".join(parts).encode()).hexdigest()

    def of_digest(self, page_digest: str) -> str:
        return hashlib.sha256(f"{page_digest}\n{self.shared()}".encode()).hexdigest()[:16]

    def of(self, page: Path) -> str | None:
        """The page's version, or None when there is no such page."""
        page_digest = self.digest(page)
        return None if page_digest is None else self.of_digest(page_digest)

    def of_bytes(self, data: bytes) -> str:
        return self.of_digest(hashlib.sha256(data).hexdigest())

    def announce(self) -> None:
        """Tell the streams that a rebuild ended: the pages it wrote are in place."""
        with self.changed:
            self.generation += 1
            self.changed.notify_all()

    def wait(self, generation: int, seconds: float) -> int:
        """Wait for a rebuild after `generation` (or `seconds`); the generation now."""
        with self.changed:
            self.changed.wait_for(
                lambda: self.generation != generation or self.closing, timeout=seconds
            )
            return self.generation

    def close(self) -> None:
        with self.changed:
            self.closing = True
            self.changed.notify_all()


class Handler(SimpleHTTPRequestHandler):
    """Files of build/site/; HTML pages get the reload script, and their event streams."""

    def __init__(self, *args, versions: Versions | None = None, **kwargs) -> None:
        self.versions = versions or Versions(Path(kwargs.get("directory") or os.getcwd()))
        super().__init__(*args, **kwargs)

    # Seconds a connection may stay silent: an idle or half-open one frees its thread then.
    timeout = IDLE_SECONDS

    def do_GET(self) -> None:
        path, _, query = self.path.split("#", 1)[0].partition("?")
        if bad_path(path):
            return self.send_error(400, "Bad path")
        if path == RELOAD_SCRIPT:
            return self.reply(RELOAD_JS, "text/javascript")
        if path in (EVENTS, VERSION):
            asked = parse_qs(query).get("page", ["/"])[0]
            if bad_path(asked):
                return self.send_error(400, "Bad path")
            page = self.page_file(asked)
            if page is None or not page.is_file():
                return self.send_error(404, "No such page")
            if path == VERSION:
                return self.reply((self.versions.of(page) or "").encode(), "text/plain")
            return self.stream(page)
        page = self.page_file(path)
        if page is not None and page.is_file():
            return self.send_page(page)
        return super().do_GET()

    def do_HEAD(self) -> None:
        if bad_path(self.path.split("?", 1)[0]):
            return self.send_error(400, "Bad path")
        return super().do_HEAD()

    def page_file(self, path: str) -> Path | None:
        """The HTML file a URL path names, if it names one (in the served folder)."""
        page = Path(self.translate_path(path))
        if path.endswith("/"):
            page = page / "index.html"
        return page if page.suffix == ".html" else None

    def send_page(self, page: Path) -> None:
        """The page with the reload script, which knows the version of the bytes served."""
        data = page.read_bytes()
        version = self.versions.of_bytes(data)
        tag = f'<script src="{RELOAD_SCRIPT}" data-version="{version}" defer></script>'
        html = data.replace(b"</body>", tag.encode() + b"\n</body>", 1)
        self.reply(html, "text/html; charset=utf-8")

    def stream(self, page: Path) -> None:
        """The page's version now and after each rebuild that changes it, as Server-Sent
        Events, until the client leaves or the server stops."""
        versions = self.versions
        if not versions.streams.acquire(blocking=False):
            return self.send_error(503, "Too many open pages")
        try:
            self.send_response(200)
            self.send_header("Content-Type", "text/event-stream")
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(b"retry: 500\n\n")  # reconnect soon after the server restarts
            self.follow(page)
        except (ConnectionError, TimeoutError):
            pass  # the page was closed or reloaded
        finally:
            versions.streams.release()

    def follow(self, page: Path) -> None:
        versions = self.versions
        sent, said = None, time.monotonic()
        generation = versions.generation
        while not versions.closing and not self.client_left():
            version = versions.of(page)
            if version is not None and version != sent:
                self.wfile.write(f"data: {version}\n\n".encode())
                sent, said = version, time.monotonic()
            elif time.monotonic() - said > KEEPALIVE_SECONDS:
                self.wfile.write(b": still here\n\n")
                said = time.monotonic()
            generation = versions.wait(generation, RECHECK_SECONDS)
            while versions.building and not versions.closing:
                # Mid-build, some files may be renamed and others not yet: wait for the end.
                generation = versions.wait(generation, RECHECK_SECONDS)

    def client_left(self) -> bool:
        """Whether the client closed the stream (it sends nothing after its request, so a
        readable socket is one at its end): its thread and slot are freed within a second."""
        try:
            readable, _, _ = select.select([self.connection], [], [], 0)
            return bool(readable) and not self.connection.recv(1, socket.MSG_PEEK)
        except OSError:
            return True

    def reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

    def end_headers(self) -> None:
        # Styles and fonts change with the pages: the browser asks again each time.
        headers = getattr(self, "_headers_buffer", [])
        if not any(line.startswith(b"Cache-Control") for line in headers):
            self.send_header("Cache-Control", "no-cache")
        super().end_headers()

    def log_message(self, format: str, *args: object) -> None:
        pass  # a request log would drown the rebuild messages

    def list_directory(self, path: str | os.PathLike[str]) -> None:
        """No folder listings: a folder without index.html is not found."""
        self.send_error(404, "Not found")


def bad_path(path: str) -> bool:
    """A path no file has: NUL or another control character once %-decoded."""
    return any(ord(char) < 32 or ord(char) == 127 for char in unquote(path))


class Server(ThreadingHTTPServer):
    """At most MAX_CONNECTIONS connections served at once (more wait to be accepted); a client
    that goes away is no error."""

    request_queue_size = 1024

    def __init__(self, *args, **kwargs) -> None:
        self.slots = threading.BoundedSemaphore(MAX_CONNECTIONS)
        super().__init__(*args, **kwargs)

    def process_request(self, request, client_address) -> None:
        self.slots.acquire()
        try:
            super().process_request(request, client_address)
        except BaseException:
            self.slots.release()
            raise

    def process_request_thread(self, request, client_address) -> None:
        try:
            super().process_request_thread(request, client_address)
        finally:
            self.slots.release()

    def handle_error(self, request, client_address) -> None:
        error = sys.exc_info()[1]
        if isinstance(error, ConnectionError | TimeoutError):
            return  # the client left or stalled: nothing to tell
        print(f"folio: serve: a request failed: {error!r}", file=sys.stderr, flush=True)


class Inputs:
    """The project's input files and their stats; the folders are listed again only when one
    of them changed (a file added, removed or renamed), so a poll is a few dozen stat calls."""

    def __init__(self, project: Project) -> None:
        self.root = project.root
        self.single = [project.root / "pyproject.toml", project.root / project.settings.brand]
        self.folders: dict[Path, Stat] = {}
        self.files: list[Path] = []

    def list(self) -> None:
        self.folders, self.files = {}, []
        for name in WATCHED:
            top = self.root / name
            self.folders[top] = stat_of(top)  # a folder made later is seen too
            for folder, folders, files in os.walk(top):
                folders[:] = [f for f in folders if not ignored(f)]
                self.folders.update({Path(folder, f): stat_of(Path(folder, f)) for f in folders})
                self.files += [Path(folder, f) for f in files if not ignored(f)]

    def snapshot(self) -> dict[Path, Stat]:
        """The stats of every input file (a file added or removed adds or removes a key)."""
        if not self.folders or any(stat_of(f) != s for f, s in self.folders.items()):
            self.list()
        return {path: stat_of(path) for path in [*self.single, *self.files]}


def ignored(name: str) -> bool:
    """Editors' and tools' own files: hidden, backups, compiled catalogs (folio reads none)."""
    return name.startswith(".") or name.endswith(("~", ".mo", ".swp"))


def watch(project: Project, rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call `rebuild` whenever an input changes (seen within POLL_SECONDS), until `stop`."""
    inputs = Inputs(project)
    seen = inputs.snapshot()
    while not stop.wait(POLL_SECONDS):
        now = inputs.snapshot()
        if now == seen:
            continue
        seen = settled(inputs, now, stop)
        try:
            rebuild()
        except Exception as error:  # noqa: BLE001 (the watcher must outlive any failure)
            print(f"folio: error: the rebuild failed: {error!r}", file=sys.stderr, flush=True)


def settled(inputs: Inputs, now: dict[Path, Stat], stop: threading.Event) -> dict[Path, Stat]:
    """The inputs' stats once two snapshots SETTLE_SECONDS apart agree."""
    while not stop.wait(SETTLE_SECONDS):
        again = inputs.snapshot()
        if again == now:
            break
        now = again
    return now


def serve(
    project: Project, port: int, rebuild: Callable[[], object], announce: Callable[[str], None]
) -> None:
    """Serve until interrupted; after each rebuild, the open pages that changed reload."""
    versions = Versions(project.build_dir / "site")
    handler = partial(Handler, directory=str(versions.site), versions=versions)
    server = Server(("127.0.0.1", port), handler)
    stop = threading.Event()

    def on_change() -> None:
        versions.building = True
        try:
            rebuild()
        finally:
            versions.building = False
            versions.announce()

    watcher = threading.Thread(target=watch, args=(project, on_change, stop), daemon=True)
    watcher.start()
    announce(f"http://127.0.0.1:{server.server_port}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        versions.close()
        server.server_close()
