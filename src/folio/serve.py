"""`folio serve`: build/site/ on 127.0.0.1, rebuilt when an input changes, open pages reloaded."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Callable
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import unquote

from folio.config import Project

RELOAD_SCRIPT = "/__folio/reload.js"
VERSION = "/__folio/version"
# Served pages ask for the version every second and reload when a rebuild changed it. The
# script is served by the same origin, so the pages' Content-Security-Policy allows it.
RELOAD_JS = b"""(function () {
  var seen = null;
  function poll() {
    fetch("/__folio/version", { cache: "no-store" })
      .then(function (response) { return response.text(); })
      .then(function (version) {
        if (seen !== null && version !== seen) { window.location.reload(); }
        seen = version;
      })
      .catch(function () {})
      .finally(function () { window.setTimeout(poll, 1000); });
  }
  poll();
})();
"""
TAG = f'<script src="{RELOAD_SCRIPT}" defer></script>'.encode()
WATCHED = ("source", "translations", "templates")
IDLE_SECONDS = 5
MAX_CONNECTIONS = 200


class Generation:
    """How many rebuilds have succeeded: the version the served pages poll."""

    def __init__(self) -> None:
        self.number = 0
        self._lock = threading.Lock()

    def advance(self) -> None:
        with self._lock:
            self.number += 1


class Handler(SimpleHTTPRequestHandler):
    """Files of build/site/; HTML pages get the reload script."""

    def __init__(self, *args, generation: Generation, **kwargs) -> None:
        self.generation = generation
        super().__init__(*args, **kwargs)

    # Seconds a connection may stay silent: an idle or half-open one frees its thread then.
    timeout = IDLE_SECONDS

    def do_GET(self) -> None:
        path = self.path.split("?", 1)[0].split("#", 1)[0]
        if bad_path(path):
            return self.send_error(400, "Bad path")
        if path == RELOAD_SCRIPT:
            return self.reply(RELOAD_JS, "text/javascript")
        if path == VERSION:
            return self.reply(str(self.generation.number).encode(), "text/plain")
        page = Path(self.translate_path(path))
        if path.endswith("/"):
            page = page / "index.html"
        if page.suffix == ".html" and page.is_file():
            html = page.read_bytes().replace(b"</body>", TAG + b"\n</body>", 1)
            return self.reply(html, "text/html; charset=utf-8")
        return super().do_GET()

    def do_HEAD(self) -> None:
        if bad_path(self.path.split("?", 1)[0]):
            return self.send_error(400, "Bad path")
        return super().do_HEAD()

    def reply(self, body: bytes, content_type: str) -> None:
        self.send_response(200)
        self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "no-store")
        self.end_headers()
        self.wfile.write(body)

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


def snapshot(project: Project) -> dict[Path, tuple[float, int]]:
    """Modification time and size of every input file."""
    files = [project.root / "pyproject.toml"]
    for name in WATCHED:
        files += [p for p in (project.root / name).rglob("*") if p.is_file()]
    stats = {}
    for path in files:
        with contextlib.suppress(OSError):  # removed or renamed since the listing
            status = path.stat()
            stats[path] = (status.st_mtime, status.st_size)
    return stats


def watch(project: Project, rebuild: Callable[[], None], stop: threading.Event) -> None:
    """Call `rebuild` whenever an input changes (polled twice a second), until `stop` is set."""
    seen = snapshot(project)
    while not stop.wait(0.5):
        now = snapshot(project)
        if now != seen:
            seen = now
            try:
                rebuild()
            except Exception as error:  # noqa: BLE001 (the watcher must outlive any failure)
                print(f"folio: error: the rebuild failed: {error!r}", file=sys.stderr, flush=True)


def serve(
    project: Project, port: int, rebuild: Callable[[], bool], announce: Callable[[str], None]
) -> None:
    """Serve until interrupted; `rebuild` returns whether the site changed for the better."""
    generation = Generation()
    handler = partial(Handler, directory=str(project.build_dir / "site"), generation=generation)
    server = Server(("127.0.0.1", port), handler)
    stop = threading.Event()

    def on_change() -> None:
        if rebuild():
            generation.advance()

    watcher = threading.Thread(target=watch, args=(project, on_change, stop), daemon=True)
    watcher.start()
    announce(f"http://127.0.0.1:{server.server_port}/")
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        stop.set()
        server.server_close()
