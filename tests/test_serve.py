"""`folio serve`: the site on 127.0.0.1, rebuilt when a catalog changes, pages told to reload."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import DOC, user_env
from helpers import po_path

pytestmark = pytest.mark.slow


def fetch(url: str) -> str:
    with urllib.request.urlopen(url, timeout=10) as response:
        return response.read().decode("utf-8")


def wait_for(condition, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.3)


def test_serve_rebuilds_on_a_catalog_edit_and_reloads_the_page(project: Path) -> None:
    env = user_env(project)
    server = subprocess.Popen(
        [sys.executable, "-m", "folio", "serve", "--port", "0"],
        cwd=project,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        line = server.stdout.readline()
        assert line.startswith("Serving http://127.0.0.1:"), line + server.stderr.read()
        base = line.split()[1]
        page = fetch(f"{base}{DOC}/zh-Hans.html")
        assert '<script src="/__folio/reload.js" defer></script>' in page
        assert "window.location.reload" in fetch(f"{base}__folio/reload.js")
        assert fetch(f"{base}__folio/version") == "0"
        # The served file itself is untouched: the reload script is added on the way out.
        assert "__folio" not in (project / "build" / "site" / DOC / "zh-Hans.html").read_text()

        catalog = po_path(project)
        text = catalog.read_text(encoding="utf-8")
        assert text.count("总之") >= 1
        catalog.write_text(text.replace("总之", "综上所述", 1), encoding="utf-8")
        wait_for(lambda: fetch(f"{base}__folio/version") == "1")
        assert "综上所述" in fetch(f"{base}{DOC}/zh-Hans.html")
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="module")
def served(tmp_path_factory: pytest.TempPathFactory):
    """`folio serve` on a built project: its base URL, project and standard error file."""
    from conftest import copy_project

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
        yield line.split()[1], project, errors
    finally:
        server.terminate()
        server.wait(timeout=10)


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
    base, _, errors = served
    assert status_of(base, path) == status
    assert status_of(base, path, "HEAD") == status
    assert "Traceback" not in errors.read_text()


def test_a_client_that_leaves_is_no_error(served) -> None:
    import socket
    import struct
    from urllib.parse import urlsplit

    base, _, errors = served
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
    import socket
    from concurrent.futures import ThreadPoolExecutor
    from urllib.parse import urlsplit

    base, _, errors = served
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
    base, project, errors = served
    page = project / "build" / "site" / DOC / "zh-Hans.html"
    version = fetch(f"{base}__folio/version")
    page.unlink()
    page.mkdir()  # a folder where the page goes: its rename fails
    catalog = po_path(project)
    text = catalog.read_text(encoding="utf-8")
    catalog.write_text(text.replace("总之", "综上", 1), encoding="utf-8")
    wait_for(lambda: "zh-Hans.html" in errors.read_text())
    (line,) = [line for line in errors.read_text().splitlines() if "zh-Hans.html" in line]
    assert line.startswith(f"folio: error: build/site/{DOC}/zh-Hans.html: ")
    page.rmdir()
    catalog.write_text(text.replace("总之", "综上所述", 1), encoding="utf-8")
    wait_for(lambda: fetch(f"{base}__folio/version") != version)
    assert "综上所述" in fetch(f"{base}{DOC}/zh-Hans.html")
    assert "Traceback" not in errors.read_text()
