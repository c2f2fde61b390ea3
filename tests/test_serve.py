"""`folio serve`: the site on 127.0.0.1, rebuilt when a catalog changes, pages told to reload."""

from __future__ import annotations

import queue
import re
import socket
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from conftest import DOC, ROOT, copy_project, user_env
from folio.config import find_project
from folio.serve import MAX_STREAMS, Inputs

pytestmark = pytest.mark.slow


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


@dataclass
class Served:
    """A running `folio serve`: its base URL, project, standard error and printed lines."""

    base: str
    project: Path
    errors: Path
    lines: queue.Queue[str]

    def rebuilt(self, seconds: float = 120) -> str:
        """The next line saying a rebuild ended."""
        deadline = time.monotonic() + seconds
        while True:
            line = self.lines.get(timeout=max(0.1, deadline - time.monotonic()))
            if line.startswith("rebuilt "):
                return line

    @property
    def catalog(self) -> Path:
        return self.project / "translations" / "zh-Hans" / f"{DOC}.po"

    def edit(self, word: str) -> None:
        """The project's zh-Hans catalog with `word` for its first 总之, saved as editors do (a
        new file renamed over the old: the watcher never sees half a file)."""
        text = (ROOT / "translations" / "zh-Hans" / f"{DOC}.po").read_text(encoding="utf-8")
        while not self.lines.empty():  # what earlier edits printed
            self.lines.get()
        edited = self.project / "edited.po"
        edited.write_text(text.replace("总之", word, 1), encoding="utf-8")
        edited.replace(self.catalog)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Served]:
    """`folio serve` on a copy of the project, which its tests may edit."""
    project = copy_project(tmp_path_factory.mktemp("serve") / "project")
    env = user_env(project)
    errors = project.parent / "stderr.txt"
    with errors.open("w") as stderr:
        server = subprocess.Popen(
            [sys.executable, "-m", "folio", "serve", "--port", "0"],
            cwd=project,
            env=env,
            stdout=subprocess.PIPE,
            stderr=stderr,
            text=True,
        )
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving http://127.0.0.1:"), line + errors.read_text()
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=lambda: [lines.put(x) for x in server.stdout], daemon=True).start()
        yield Served(line.split()[1], project, errors, lines)
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_a_save_reloads_the_open_page_that_changed_and_no_other(served: Served, browser) -> None:
    from playwright.sync_api import expect

    changed = browser.new_page()
    changed.goto(f"{served.base}{DOC}/zh-Hans.html")
    unchanged = browser.new_page()
    unchanged.goto(f"{served.base}{DOC}/en.html")
    for page in (changed, unchanged):
        page.evaluate("window.loadedBefore = true")  # gone once the page reloads
    # The served file itself is untouched: the reload script is added on the way out.
    assert "__folio" not in (served.project / "build" / "site" / DOC / "zh-Hans.html").read_text()

    served.edit("概而言之")
    expect(changed.locator("body")).to_contain_text("概而言之", timeout=120_000)
    assert changed.evaluate("window.loadedBefore") is None
    assert served.rebuilt().startswith("rebuilt 2 output(s)")  # zh-Hans and en+zh-Hans
    time.sleep(1.5)  # a page told to reload would have been by now
    assert unchanged.evaluate("window.loadedBefore") is True
    changed.close()
    unchanged.close()


# Headless Chromium shows every page: the test says to the page what a browser says of a
# background tab (the property and the event), and the page's own script does the rest.
VISIBLE = """visible => {
  Object.defineProperty(document, "hidden", { value: !visible, configurable: true });
  document.dispatchEvent(new Event("visibilitychange"));
}"""


def test_a_hidden_page_keeps_no_stream_and_catches_up_when_shown(served: Served, browser) -> None:
    from playwright.sync_api import expect

    page = browser.new_page()
    page.goto(f"{served.base}{DOC}/zh-Hans.html")
    page.evaluate("window.loadedBefore = true")
    page.evaluate(VISIBLE, False)
    served.edit("总体而言")
    served.rebuilt()
    time.sleep(1.5)
    assert page.evaluate("window.loadedBefore") is True  # told nothing while hidden
    page.evaluate(VISIBLE, True)
    expect(page.locator("body")).to_contain_text("总体而言", timeout=30_000)
    page.close()


def test_a_save_builds_no_pdf_or_epub_unless_asked(served: Served) -> None:
    # The project's settings make all three formats; `folio serve` without --format builds
    # the web pages only, at its start and after every save.
    assert "pdf" in find_project(served.project).settings.formats
    served.edit("总而言之")
    served.rebuilt()
    made = sorted(p.name for p in (served.project / "build").rglob("*") if p.is_file())
    assert made and not [name for name in made if name.endswith((".pdf", ".epub"))]


def read_event(stream: socket.socket, seconds: float) -> str | None:
    """The data of the next event on a Server-Sent Events stream, or None within `seconds`."""
    stream.settimeout(seconds)
    data = b""
    try:
        while b"data: " not in data or b"\n\n" not in data.split(b"data: ", 1)[1]:
            chunk = stream.recv(4096)
            if not chunk:
                return None
            data += chunk
    except TimeoutError:
        return None
    return data.split(b"data: ", 1)[1].split(b"\n", 1)[0].decode()


def open_stream(base: str, page: str) -> socket.socket:
    address = urlsplit(base)
    stream = socket.create_connection((address.hostname, address.port), timeout=10)
    stream.sendall(f"GET /__folio/events?page={page} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    return stream


def served_version(base: str, page: str) -> str:
    return re.search(r'data-version="(\w+)"', fetch(f"{base}{page.lstrip('/')}")).group(1)


def test_a_page_event_stream_tells_its_version_now_and_when_its_file_changes(
    served: Served,
) -> None:
    pages = [f"/{DOC}/zh-Hans.html", f"/{DOC}/en.html"]
    streams = [open_stream(served.base, page) for page in pages]
    try:
        for page, stream in zip(pages, streams, strict=True):
            first = read_event(stream, 10)
            assert first == served_version(served.base, page)
            assert fetch(f"{served.base}__folio/version?page={page}") == first
        served.edit("总的来说")
        assert read_event(streams[0], 120) == served_version(served.base, pages[0])
        served.rebuilt()
        assert read_event(streams[1], 2) is None  # en.html is as it was
    finally:
        for stream in streams:
            stream.close()


def test_past_the_cap_of_event_streams_a_page_polls_its_version(served: Served, browser) -> None:
    from playwright.sync_api import expect

    time.sleep(1.5)  # the streams of the tests before are seen to be closed
    streams = [open_stream(served.base, f"/{DOC}/en.html") for _ in range(MAX_STREAMS)]
    try:
        assert all(read_event(stream, 30) for stream in streams)
        assert status_of(served.base, f"/__folio/events?page=/{DOC}/zh-Hans.html") == 503
        page = browser.new_page()
        page.goto(f"{served.base}{DOC}/zh-Hans.html")
        page.evaluate("window.loadedBefore = true")
        served.edit("总括而言")
        expect(page.locator("body")).to_contain_text("总括而言", timeout=120_000)
        assert page.evaluate("window.loadedBefore") is None
        page.close()
    finally:
        for stream in streams:
            stream.close()
    time.sleep(1.5)
    stream = open_stream(served.base, f"/{DOC}/en.html")  # the slots are free again
    assert read_event(stream, 10)
    stream.close()


@pytest.mark.parametrize("page", ["/../../etc/passwd", "/nowhere.html", "/assets/web.css", "%00"])
def test_an_event_stream_for_no_page_is_not_found(served: Served, page: str) -> None:
    expected = 400 if page == "%00" else 404
    assert status_of(served.base, f"/__folio/events?page={page}") == expected
    assert status_of(served.base, f"/__folio/version?page={page}") == expected


def test_the_watcher_sees_inputs_and_not_editors_files(project: Path) -> None:
    inputs = Inputs(find_project(project))
    before = inputs.snapshot()
    (project / "translations" / "zh-Hans" / ".book.po.swp").write_text("x")
    (project / "translations" / "zh-Hans" / f"{DOC}.mo").write_bytes(b"x")
    (project / "source" / "notes.md~").write_text("x")
    assert inputs.snapshot() == before
    (project / "translations" / "fr").mkdir()
    (project / "translations" / "fr" / f"{DOC}.po").write_text("")
    added = inputs.snapshot().keys() - before.keys()
    assert added == {project / "translations" / "fr" / f"{DOC}.po"}
    before = inputs.snapshot()
    catalog = project / "translations" / "zh-Hans" / f"{DOC}.po"
    replacement = project / "new.po"
    replacement.write_bytes(catalog.read_bytes())  # same size and bytes, a new file
    replacement.replace(catalog)
    assert inputs.snapshot() != before


def status_of(base: str, path: str, method: str = "GET") -> int:
    """The status of a request sent as it is (no client-side quoting)."""
    import http.client
    from urllib.parse import urlsplit

    address = urlsplit(base)
    connection = http.client.HTTPConnection(address.hostname, address.port, timeout=30)
    try:
        connection.request(method, path)
        response = connection.getresponse()
        response.read()
        return response.status
    finally:
        connection.close()


@pytest.mark.parametrize(
    ("path", "status"),
    [
        (f"/{DOC}/zh-Hans.html%00.png", 400),
        ("/%00", 400),
        ("/a%0Ab", 400),
        ("/../../../../etc/passwd", 404),
        ("/..%2f..%2f..%2fetc%2fpasswd", 404),
        ("/assets/", 404),  # a folder: no listing
        (f"/{DOC}/", 404),
        ("/nowhere.html", 404),
        ("/", 200),
    ],
)
def test_bad_paths_are_refused_without_a_traceback(served, path: str, status: int) -> None:
    base, errors = served.base, served.errors
    assert status_of(base, path) == status
    assert status_of(base, path, "HEAD") == status
    assert "Traceback" not in errors.read_text()


def test_a_client_that_leaves_is_no_error(served) -> None:
    import struct

    base, errors = served.base, served.errors
    address = urlsplit(base)
    for _ in range(20):
        client = socket.create_connection((address.hostname, address.port), timeout=10)
        client.sendall(f"GET /{DOC}/en+zh-Hans.html HTTP/1.0\r\n\r\n".encode())
        # Reset at once (SO_LINGER 0): the server's writes fail with a broken connection.
        client.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        client.close()
    assert status_of(base, "/") == 200
    time.sleep(1)
    assert errors.read_text() == ""


def test_many_requests_and_idle_connections_are_all_answered(served) -> None:
    """2,000 requests, 50 at a time, while 300 connections stay idle or half-sent."""
    from concurrent.futures import ThreadPoolExecutor

    base, errors = served.base, served.errors
    address = urlsplit(base)
    idle = []
    for number in range(300):
        connection = socket.create_connection((address.hostname, address.port), timeout=30)
        if number % 2:
            connection.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # never finished
        idle.append(connection)
    paths = ["/", f"/{DOC}/zh-Hans.html", f"/{DOC}/en.html", "/__folio/version", "/nowhere"]
    started = time.monotonic()
    try:
        with ThreadPoolExecutor(max_workers=50) as pool:
            statuses = list(pool.map(lambda n: status_of(base, paths[n % 5]), range(2000)))
    finally:
        for connection in idle:
            connection.close()
    assert statuses.count(200) == 1600 and statuses.count(404) == 400
    assert time.monotonic() - started < 120
    assert "Traceback" not in errors.read_text()


def test_a_rebuild_that_fails_to_write_is_reported_and_watching_goes_on(served) -> None:
    base, project, errors = served.base, served.project, served.errors
    page = project / "build" / "site" / DOC / "zh-Hans.html"
    page.unlink()
    page.mkdir()  # a folder where the page goes: its rename fails
    served.edit("综上")
    wait_for(lambda: "zh-Hans.html" in errors.read_text())
    (line,) = [line for line in errors.read_text().splitlines() if "zh-Hans.html" in line]
    assert line.startswith(f"folio: error: build/site/{DOC}/zh-Hans.html: ")
    page.rmdir()
    served.edit("综上所述")
    served.rebuilt()
    assert "综上所述" in fetch(f"{base}{DOC}/zh-Hans.html")
    assert "Traceback" not in errors.read_text()
