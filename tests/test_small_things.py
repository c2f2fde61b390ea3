"""Small things a new user meets first (issue 12): each as a user would see it."""

from __future__ import annotations

from pathlib import Path

from conftest import DOC, run_folio
from helpers import po_path

NEW = "---\ntitle: A note\nauthor: A. Writer\ndate: 2024-01-01\nlang: en\n---\n\nHello.\n"


def test_a_new_document_builds_its_english_edition_before_any_catalog(project: Path) -> None:
    (project / "source" / "note.md").write_text(NEW, encoding="utf-8")
    result = run_folio(project, "build", "--edition", "en", "--format", "html")
    assert result.returncode == 0, result.stderr
    page = (project / "build" / "site" / "note" / "en.html").read_text(encoding="utf-8")
    # An author without role or affiliation: no empty line with a lone comma.
    assert 'class="role"' not in page
    assert "A. Writer" in page


def test_status_never_rounds_up_to_complete() -> None:
    from folio.catalog import floor_percent

    assert floor_percent(100 * 1138 / 1139) == 99.9
    assert floor_percent(100.0) == 100.0
    assert floor_percent(100 * 1 / 3) == 33.3


def test_update_leaves_an_unchanged_catalog_alone_whatever_wrote_it(project: Path) -> None:
    from babel.messages.pofile import read_po, write_po

    po = po_path(project)
    with po.open("rb") as file:
        catalog = read_po(file, locale="zh_Hans")
    with po.open("wb") as file:
        write_po(file, catalog, width=0)  # Babel ends the file with a blank line
    before = po.read_bytes()
    result = run_folio(project, "update")
    assert result.returncode == 0, result.stderr
    assert po.read_bytes() == before


def test_an_image_changes_the_keys_of_the_documents_that_show_it_only(project: Path) -> None:
    from folio.config import find_project
    from folio.keys import output_key

    source = project / "source"
    (source / "note.md").write_text(NEW + "\n![A figure](figure.png)\n", encoding="utf-8")
    (source / "figure.png").write_bytes(b"one")

    def keys() -> tuple[str, str]:
        folio_project = find_project(project)
        return (
            output_key(folio_project, DOC, ("en",), "pdf"),
            output_key(folio_project, "note", ("en",), "pdf"),
        )

    first = keys()
    (source / "figure.png").write_bytes(b"two")
    second = keys()
    assert second[0] == first[0]
    assert second[1] != first[1]
