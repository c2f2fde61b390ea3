"""`folio serve`: the site on 127.0.0.1, rebuilt when a catalog changes, pages told to reload."""

from __future__ import annotations

import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from conftest import DOC, ENV_EPOCH

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
    env = {"PATH": "/usr/bin:/bin", "SOURCE_DATE_EPOCH": ENV_EPOCH, "HOME": str(project)}
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

        catalog = project / "translations" / "zh-Hans" / f"{DOC}.po"
        text = catalog.read_text(encoding="utf-8")
        assert text.count("总之") >= 1
        catalog.write_text(text.replace("总之", "综上所述", 1), encoding="utf-8")
        wait_for(lambda: fetch(f"{base}__folio/version") == "1")
        assert "综上所述" in fetch(f"{base}{DOC}/zh-Hans.html")
    finally:
        server.terminate()
        server.wait(timeout=10)
