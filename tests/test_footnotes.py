"""Footnotes in the print edition: at the foot of the page where they are called."""

from __future__ import annotations

import shutil
from pathlib import Path

import pdfplumber

from conftest import ROOT, run_folio

FIXTURE = Path(__file__).parent / "fixtures" / "torture"


def test_footnotes_stand_at_the_foot_of_their_page(tmp_path: Path) -> None:
    shutil.copytree(FIXTURE / "source", tmp_path / "source")
    shutil.copytree(ROOT / "templates", tmp_path / "templates")
    (tmp_path / "pyproject.toml").write_text("[tool.folio]\n")
    result = run_folio(tmp_path, "build", "--format", "pdf")
    assert result.returncode == 0, result.stderr
    with pdfplumber.open(tmp_path / "build" / "torture" / "torture.en.pdf") as pdf:
        (page,) = [p for p in pdf.pages if "A paragraph with" in (p.extract_text() or "")]
        words = page.extract_words()
    note = next(w for w in words if w["text"] == "paragraphs.")  # "A footnote with two paragraphs."
    call = next(w for w in words if w["text"] == "with" and w["top"] < note["top"])
    assert note["top"] > 0.75 * page.height > call["top"]
    lines = page.extract_text().splitlines()
    assert "1. A footnote with two paragraphs." in lines
    assert "2. Inline note text." in lines
