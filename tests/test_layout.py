"""Bilingual layouts of the print edition: parallel columns keep each unit's languages together."""

from __future__ import annotations

from pathlib import Path

from pypdf import PdfReader

from conftest import DOC, run_folio
from folio import pofile
from helpers import check_page_list, po_path, ragged_lines


def anchor_pages(path: Path) -> dict[str, int]:
    reader = PdfReader(path)
    return {
        name: reader.get_destination_page_number(dest)
        for name, dest in reader.named_destinations.items()
    }


def test_parallel_columns_start_each_unit_on_one_page(project: Path) -> None:
    args = ("build", "--format", "pdf", "--edition", "en+zh-Hans")
    assert run_folio(project, *args, "--layout", "parallel").returncode == 0
    path = project / "build" / DOC / f"{DOC}.en+zh-Hans.pdf"
    pages = anchor_pages(path)
    units = sorted({name.split("-")[0] for name in pages if name.startswith("u") and "-" in name})
    assert len(units) >= 14
    for unit in units:
        assert pages[f"{unit}-en"] == pages[f"{unit}-zh-Hans"], unit

    # Interleaved (the A5 default) puts each translation below its source, so the halves of
    # some units land on different pages: the check above is not true of any layout.
    assert run_folio(project, *args).returncode == 0
    pages = anchor_pages(path)
    assert any(pages[f"{unit}-en"] != pages[f"{unit}-zh-Hans"] for unit in units)


def test_parallel_columns_are_justified_and_listed_in_the_epub_page_list(project: Path) -> None:
    """Chinese in the right-hand column is flush on both edges, and the EPUB's page list follows
    the pages of the parallel print edition."""
    args = ("build", "--edition", "en+zh-Hans", "--layout", "parallel")
    assert run_folio(project, *args).returncode == 0
    pdf = project / "build" / DOC / f"{DOC}.en+zh-Hans.pdf"
    po = pofile.read(po_path(project), "zh-Hans")
    paragraphs = [message.string for message in po.catalog if message.id and message.string]
    checked, ragged = ragged_lines(pdf, paragraphs)
    assert checked > 40
    assert ragged == []
    check_page_list(pdf.with_suffix(".epub"), pdf)
