"""The printer's booklet: saddle-stitch order, padding to four, double-size sheets, creep."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import DOC, run_folio
from folio.render.booklet import MM, saddle_stitch
from helpers import add_settings

A5 = (148 * MM, 210 * MM)


def test_saddle_stitch_order() -> None:
    # 1-based: sheet 1 front 8|1, back 2|7; sheet 2 front 6|3, back 4|5.
    assert saddle_stitch(8) == [(7, 0), (1, 6), (5, 2), (3, 4)]
    # 11 pages pad to 12: the one blank page is the last.
    assert saddle_stitch(11) == [(None, 0), (1, 10), (9, 2), (3, 8), (7, 4), (5, 6)]
    assert saddle_stitch(1) == [(None, 0), (None, None)]
    # With a back cover (the last page) it stays last: the blank pages go before it.
    assert saddle_stitch(10, back_cover=True) == [
        (9, 0),
        (1, None),
        (None, 2),
        (3, 8),
        (7, 4),
        (5, 6),
    ]


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
        assert round(imposed.pages[0].width, 2) == 841.89  # A5 pages, A4 landscape
        assert round(imposed.pages[0].height, 2) == round(original.pages[0].height, 2)
    # Every half of every sheet side shows the page saddle-stitch order puts there.
    with pdfplumber.open(source) as original:
        texts = [" ".join((page.extract_text() or "").split()) for page in original.pages]
    for side, (left, right) in enumerate(saddle_stitch(pdf["pages"], back_cover=True)):
        for half, page in zip(halves(path, side), (left, right), strict=True):
            assert " ".join(half.split()) == ("" if page is None else texts[page]), (side, page)
    assert "COMMUNICATION UNIVERSITY OF CHINA" in halves(path, 0)[1]  # the cover: page 1


def test_creep_moves_inner_sheets_toward_the_spine(project: Path) -> None:
    args = ("build", "--format", "booklet", "--edition", "en")
    assert run_folio(project, *args).returncode == 0
    path = project / "build" / DOC / f"{DOC}.en.booklet.pdf"
    outer, inner = first_x(path, 0, "right"), first_x(path, 2, "right")
    add_settings(project, "booklet-creep-mm = 1.0")
    assert run_folio(project, *args).returncode == 0
    assert abs(first_x(path, 0, "right") - outer) < 0.01  # the outer sheet stays
    assert abs((inner - first_x(path, 2, "right")) - 72 / 25.4) < 0.01  # 1 mm toward the spine


def test_with_bleed_the_sheet_bleeds_on_its_outer_edges_only(project: Path) -> None:
    """Left-hand pages painted red and right-hand pages blue up to their bleed edge: on the
    sheet each keeps its outer bleed, the two meet at the spine, and crop marks stand outside."""
    (project / "templates" / "print.css").open("a").write(
        "@page :left { background: #ff0000; } @page :right { background: #0000ff; }\n"
    )
    add_settings(project, "bleed-mm = 3")
    result = run_folio(project, "build", "--format", "booklet", "--edition", "en")
    assert result.returncode == 0, result.stderr
    path = project / "build" / DOC / f"{DOC}.en.booklet.pdf"
    reader = PdfReader(path)
    pages = len(PdfReader(project / "build" / DOC / f"{DOC}.en.pdf").pages)
    assert len(reader.pages) == -(-pages // 4) * 2
    for side in reader.pages:
        trim, bleed, media = side.trimbox, side.bleedbox, side.mediabox
        assert float(trim.width) == pytest.approx(2 * A5[0], abs=0.1)
        assert float(trim.height) == pytest.approx(A5[1], abs=0.1)
        for edge, sign in (("left", -1), ("bottom", -1), ("right", 1), ("top", 1)):
            outward = sign * (float(getattr(bleed, edge)) - float(getattr(trim, edge)))
            assert outward == pytest.approx(3 * MM, abs=0.1), edge
            assert sign * (float(getattr(media, edge)) - float(getattr(bleed, edge))) >= 5 * MM

    # A side with two printed pages: the fourth (a left-hand page) and the ninth (a right one).
    side = saddle_stitch(pages, back_cover=True).index((3, 8))
    trim = reader.pages[side].trimbox
    left, top, spine = float(trim.left), float(trim.top), float(trim.left) + A5[0]
    middle = float(trim.bottom) + A5[1] / 2
    colour = sheet_colours(path, side)
    assert colour(left - 1.5 * MM, middle) == "red"  # the outer bleed, kept
    assert colour(left - 1.5 * MM, top + 1.5 * MM) == "red"
    assert colour(float(trim.right) + 1.5 * MM, middle) == "blue"
    assert colour(spine - 0.5 * MM, top + 1.5 * MM) == "red"  # no bleed at the spine
    assert colour(spine + 0.5 * MM, top + 1.5 * MM) == "blue"
    assert colour(left - 3.5 * MM, middle) == "white"  # nothing beyond the bleed
    assert colour(left - 6.5 * MM, top) == "black"  # a crop mark on the trim line

    # Every half still shows the page saddle-stitch order puts there.
    with pdfplumber.open(project / "build" / DOC / f"{DOC}.en.pdf") as original:
        texts = [" ".join((page.extract_text() or "").split()) for page in original.pages]
    for number, (left_page, right_page) in enumerate(saddle_stitch(pages, back_cover=True)):
        for half, page in zip(halves(path, number), (left_page, right_page), strict=True):
            assert " ".join(half.split()) == ("" if page is None else texts[page])


SCALE = 6  # pixels a point: a 0.25 pt hairline covers a pixel and a half
COLOURS = {"red": (255, 0, 0), "blue": (0, 0, 255), "white": (255, 255, 255), "black": (0, 0, 0)}


def sheet_colours(path: Path, side: int) -> Callable[[float, float], str]:
    """The nearest named colour at (x, y), in PDF points, of a sheet side (rendered once)."""
    page = pypdfium2.PdfDocument(path)[side]
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    height = page.get_height()

    def colour(x: float, y: float) -> str:
        pixel = image.getpixel((round(x * SCALE), round((height - y) * SCALE)))
        return min(
            COLOURS,
            key=lambda name: sum(abs(a - b) for a, b in zip(COLOURS[name], pixel, strict=True)),
        )

    return colour
