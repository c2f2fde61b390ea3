"""The whole build: fifteen outputs, listed with true checksums, and no warnings on the way."""

from __future__ import annotations

import hashlib

from conftest import ALL_EDITIONS, Built


def test_manifest_lists_every_edition_in_every_format(built: Built) -> None:
    listed = {(e["edition"], e["format"]) for e in built.manifest}
    assert listed == {(ed, fmt) for ed in ALL_EDITIONS for fmt in ("pdf", "epub", "html")}
    assert len(built.manifest) == 15


def test_every_listed_file_exists_with_its_sha256(built: Built) -> None:
    for entry in built.manifest:
        data = (built.root / entry["path"]).read_bytes()
        assert hashlib.sha256(data).hexdigest() == entry["sha256"], entry["path"]
        assert entry["document"] == "shared-global-security"
        assert entry["languages"] == entry["edition"].split("+")


def test_pdfs_list_their_page_count(built: Built) -> None:
    from pypdf import PdfReader

    for edition in ALL_EDITIONS:
        (entry,) = [e for e in built.manifest if e["edition"] == edition and e["format"] == "pdf"]
        assert entry["pages"] == len(PdfReader(built.root / entry["path"]).pages)


def test_the_build_warns_about_nothing(built: Built) -> None:
    # WeasyPrint's warnings (missing glyphs, unloadable fonts or images) go to stderr.
    assert built.stderr == ""
