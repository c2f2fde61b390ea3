"""Print-shop and archive options: bleed with TrimBox/BleedBox, PDF/A-3b, tagged PDF/UA-1."""

from __future__ import annotations

from pathlib import Path

import pytest
from pypdf import PdfReader

from conftest import DOC, run_folio

MM = 72 / 25.4
A5 = (148 * MM, 210 * MM)


def build_with(project: Path, settings: str) -> PdfReader:
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.folio]\n", f"[tool.folio]\n{settings}\n")
    )
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
    pyproject = project / "pyproject.toml"
    pyproject.write_text(
        pyproject.read_text().replace("[tool.folio]\n", '[tool.folio]\npdf-variant = "pdf/z"\n')
    )
    result = run_folio(project, "build")
    assert result.returncode == 1
    assert (
        result.stderr.startswith("folio: error: pyproject.toml:")
        and "unknown pdf-variant 'pdf/z'" in result.stderr
    )


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
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text().replace("[tool.folio]\n", '[tool.folio]\npaper = "A3+"\n')
    pyproject.write_text(text)
    result = run_folio(project, "build", "--format", "pdf")
    assert result.returncode == 1
    assert result.stderr.startswith("folio: error: pyproject.toml:")
    assert "unknown paper 'A3+' (use one of: A5, B5, A4, letter)" in result.stderr
