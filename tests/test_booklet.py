"""The printer's booklet: saddle-stitch order, padding to four, double-size sheets, creep."""

from __future__ import annotations

import json
from pathlib import Path

import pdfplumber

from conftest import DOC, run_folio
from folio.render.booklet import saddle_stitch


def test_saddle_stitch_order() -> None:
    # 1-based: sheet 1 front 8|1, back 2|7; sheet 2 front 6|3, back 4|5.
    assert saddle_stitch(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # 11 pages pad to 12: the one blank page is the last.
    assert saddle_stitch(11) == [(None, 0), (1, 10), (9, 2), (3, 8), (7, 4), (5, 6)]
    assert saddle_stitch(1) == [(None, 0), (None, None)]


def halves(path: Path, side: int) -> tuple[str, str]:
    """The text of the left and right halves of one sheet side."""
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[side]
        middle = page.width / 2
        left = page.crop((0, 0, middle, page.height)).extract_text() or ""
        right = page.crop((middle, 0, page.width, page.height)).extract_text() or ""
    return left, right


def first_x(path: Path, side: int, half: str) -> float:
    with pdfplumber.open(path) as pdf:
        page = pdf.pages[side]
        chars = [c for c in page.chars if (c["x0"] >= page.width / 2) == (half == "right")]
    return min(c["x0"] for c in chars)


def test_the_booklet_imposes_the_print_edition(project: Path) -> None:
    result = run_folio(project, "build", "--format", "booklet", "--edition", "en")
    assert result.returncode == 0, result.stderr
    entries = json.loads((project / "build" / "manifest.json").read_text())["outputs"]
    pdf = next(e for e in entries if e["format"] == "pdf")
    booklet = next(e for e in entries if e["format"] == "booklet")
    assert booklet["path"] == f"build/{DOC}/{DOC}.en.booklet.pdf"
    assert booklet["pages"] == -(-pdf["pages"] // 4) * 2
    path, source = project / booklet["path"], project / pdf["path"]
    with pdfplumber.open(source) as original, pdfplumber.open(path) as imposed:
        assert imposed.pages[0].width == 2 * original.pages[0].width  # A5 pages, A4 landscape
        assert imposed.pages[0].height == original.pages[0].height
    # Every half of every sheet side shows the page saddle-stitch order puts there.
    with pdfplumber.open(source) as original:
        texts = [" ".join((page.extract_text() or "").split()) for page in original.pages]
    for side, (left, right) in enumerate(saddle_stitch(pdf["pages"])):
        for half, page in zip(halves(path, side), (left, right), strict=True):
            assert " ".join(half.split()) == ("" if page is None else texts[page]), (side, page)
    assert "COMMUNICATION UNIVERSITY OF CHINA" in halves(path, 0)[1]  # the cover: page 1


def test_creep_moves_inner_sheets_toward_the_spine(project: Path) -> None:
    args = ("build", "--format", "booklet", "--edition", "en")
    assert run_folio(project, *args).returncode == 0
    path = project / "build" / DOC / f"{DOC}.en.booklet.pdf"
    outer, inner = first_x(path, 0, "right"), first_x(path, 2, "right")
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.folio]\n", "[tool.folio]\nbooklet-creep-mm = 1.0\n")
    )
    assert run_folio(project, *args).returncode == 0
    assert abs(first_x(path, 0, "right") - outer) < 0.01  # the outer sheet stays
    assert abs((inner - first_x(path, 2, "right")) - 72 / 25.4) < 0.01  # 1 mm toward the spine
