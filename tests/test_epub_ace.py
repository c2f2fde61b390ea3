"""Ace by DAISY, the EPUB accessibility checker stores and publishers run, on every edition:
its puppeteer runner, driving Debian's Chromium (no browser download)."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from conftest import CHROMIUM, EDITIONS, ROOT, Built

pytestmark = pytest.mark.slow

ACE = ROOT / "node_modules" / ".bin" / "ace-puppeteer"


def ace_report(epub: Path, folder: Path) -> dict:
    env = {**os.environ, "PUPPETEER_EXECUTABLE_PATH": CHROMIUM}
    result = subprocess.run(
        [str(ACE), "--silent", "--force", "--outdir", str(folder), str(epub)],
        capture_output=True,
        text=True,
        env=env,
        timeout=300,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    return json.loads((folder / "report.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("edition", EDITIONS)
def test_ace_finds_nothing_serious(built: Built, edition: str, tmp_path: Path) -> None:
    report = ace_report(built.output(edition, "epub"), tmp_path)
    checked = {a["earl:testSubject"]["url"].rsplit("/", 1)[-1] for a in report["assertions"]}
    assert {"ch001.xhtml", "nav.xhtml", "cover.xhtml"} <= checked  # Ace read the content
    found = [
        (a["earl:testSubject"]["url"], x["earl:test"]["earl:impact"], x["earl:test"]["dct:title"])
        for a in report["assertions"]
        for x in a.get("assertions", [])
    ]
    assert [f for f in found if f[1] in ("serious", "critical")] == []
    # The metadata Ace looks for is there, but for certification, which nobody has given.
    missing = set(report["a11y-metadata"]["missing"])
    assert missing <= {
        "a11y:certifiedBy",
        "a11y:certifierCredential",
        "a11y:certifierReport",
        "dcterms:conformsTo",
    }
