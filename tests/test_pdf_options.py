"""Print-shop and archive options: bleed with TrimBox/BleedBox, PDF/A-3b, tagged PDF/UA-1."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DOC, run_folio
from helpers import MM, add_settings, error_line

A5 = (148 * MM, 210 * MM)


def build_with(project: Path, settings: str) -> PdfReader:
    add_settings(project, settings)
    result = run_folio(project, "build", "--format", "pdf", "--edition", "en")
    assert result.returncode == 0, result.stderr
    return PdfReader(project / "build" / DOC / f"{DOC}.en.pdf")


def test_bleed_sets_trim_and_bleed_boxes(project: Path) -> None:
    page = build_with(project, "bleed-mm = 3").pages[5]
    trim, bleed = page.trimbox, page.bleedbox
    assert float(trim.width) == pytest.approx(A5[0], abs=0.1)
    assert float(trim.height) == pytest.approx(A5[1], abs=0.1)
    for edge in ("left", "bottom"):
        assert float(getattr(trim, edge)) - float(getattr(bleed, edge)) == pytest.approx(
            3 * MM, abs=0.1
        )
    assert float(bleed.width) == pytest.approx(A5[0] + 6 * MM, abs=0.1)


def test_pdf_a_3b_for_archiving(project: Path) -> None:
    reader = build_with(project, 'pdf-variant = "pdf/a-3b"')
    catalog = reader.trailer["/Root"]
    assert "/OutputIntents" in catalog
    xmp = catalog["/Metadata"].get_object().get_data()
    assert b"pdfaid:part" in xmp and (
        b"<pdfaid:part>3</pdfaid:part>" in xmp or b'pdfaid:part="3"' in xmp
    )


def test_pdf_ua_1_is_tagged(project: Path) -> None:
    catalog = build_with(project, 'pdf-variant = "pdf/ua-1"').trailer["/Root"]
    assert bool(catalog["/MarkInfo"]["/Marked"])
    assert "/StructTreeRoot" in catalog


def test_an_unknown_variant_is_refused(project: Path) -> None:
    add_settings(project, 'pdf-variant = "pdf/z"')
    result = run_folio(project, "build")
    line = error_line(result)
    assert line.startswith("folio: error: pyproject.toml:")
    assert "unknown pdf-variant 'pdf/z'" in line


def test_paper_sets_the_page_size_and_the_cover_fills_it(project: Path) -> None:
    reader = build_with(project, 'paper = "A4"')
    for page in reader.pages:
        assert (float(page.mediabox.width), float(page.mediabox.height)) == pytest.approx(
            (210 * MM, 297 * MM), abs=0.5
        )
    cover = " ".join(reader.pages[0].extract_text().split())
    assert "China’s Vision for Shared Global Security" in cover
    assert "Institute for a Community with Shared Future" in cover  # the cover's foot


def test_an_unknown_paper_is_refused(project: Path) -> None:
    add_settings(project, 'paper = "A3+"')
    result = run_folio(project, "build", "--format", "pdf")
    line = error_line(result)
    assert line.startswith("folio: error: pyproject.toml:")
    assert "unknown paper 'A3+' (use one of: A5, B5, A4, letter)" in line
