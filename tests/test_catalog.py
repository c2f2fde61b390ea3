"""The translators' workflow on real files: extract, update, status."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from conftest import DOC, run_folio
from folio import catalog, pandoc, pofile
from folio.align import parse_translations
from folio.catalog import Translations
from folio.pofile import split_entries
from folio.segments import Unit
from helpers import po_path, tree_digest

SENTENCE = (
    "China additionally takes seriously the legitimate security concerns of all other countries."
)
EDITED = "China also takes seriously the legitimate security concerns of all other countries."


def test_status_shows_the_chinese_catalog_complete(project: Path) -> None:
    result = run_folio(project, "status", "--json")
    assert result.returncode == 0, result.stderr
    (row,) = json.loads(result.stdout)
    assert row["language"] == "zh-Hans"
    assert row["percent"] == 100.0 and row["fuzzy"] == 0 and row["untranslated"] == 0
    assert row["translated"] == row["total"] == 26  # 3 of them subjects


def test_extract_twice_changes_nothing(project: Path) -> None:
    before = tree_digest(project)
    for _ in range(2):
        assert run_folio(project, "extract").returncode == 0
        assert tree_digest(project) == before


def test_update_on_unchanged_catalogs_changes_no_byte(project: Path) -> None:
    before = po_path(project).read_bytes()
    result = run_folio(project, "update")
    assert result.returncode == 0, result.stderr
    assert po_path(project).read_bytes() == before


def test_rewrapping_the_source_changes_no_msgid(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace(" additionally takes ", "\nadditionally   takes\n "), "utf-8")
    pot = (project / "translations" / f"{DOC}.pot").read_bytes()
    assert run_folio(project, "extract").returncode == 0
    assert (project / "translations" / f"{DOC}.pot").read_bytes() == pot


def test_one_changed_sentence_makes_one_fuzzy_entry_and_keeps_the_rest(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    assert SENTENCE in text
    source.write_text(text.replace(SENTENCE, EDITED), encoding="utf-8")
    before = po_path(project).read_text(encoding="utf-8")

    result = run_folio(project, "update")
    assert result.returncode == 0, result.stderr

    after = po_path(project).read_text(encoding="utf-8")
    old_header, old_entries = split_entries(before)
    new_header, new_entries = split_entries(after)
    assert new_header == old_header
    old_texts = [t for _, _, t in old_entries]
    changed = [t for _, _, t in new_entries if t not in old_texts]
    assert len(changed) == 1 and len(new_entries) == len(old_entries)
    entry = changed[0]
    assert "#, fuzzy" in entry
    assert f'#| msgid "{SENTENCE.split(" additionally")[0]}' in entry.replace("\n", " ")
    assert EDITED in entry and "中国还认真对待" in entry

    catalog = pofile.read(po_path(project), "zh-Hans").catalog
    fuzzy = [m for m in catalog if m.fuzzy and m.id]
    assert len(fuzzy) == 1 and SENTENCE in fuzzy[0].previous_id[0]
    assert not catalog.obsolete
    status = json.loads(run_folio(project, "status", "--json").stdout)[0]
    assert (status["fuzzy"], status["translated"]) == (1, 25)

    # GNU gettext, the reference implementation, reads the entry and its previous msgid.
    fuzzy_only = subprocess.run(
        ["msgattrib", "--only-fuzzy", "--no-wrap", str(po_path(project))],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert fuzzy_only.count("\nmsgid ") == 2  # the header and the one fuzzy entry
    assert '#| msgid "China has always upheld the principles' in fuzzy_only
    assert SENTENCE in fuzzy_only.split("#| msgid", 1)[1].split("\nmsgid", 1)[0]

    # A second update keeps the fuzzy entry, its `#|` line included, byte for byte.
    assert run_folio(project, "update").returncode == 0
    assert po_path(project).read_text(encoding="utf-8") == after


def test_a_removed_unit_becomes_obsolete_and_its_translation_stays(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("## Conclusion\n", ""), encoding="utf-8")
    assert run_folio(project, "update").returncode == 0
    after = po_path(project).read_text(encoding="utf-8")
    assert '#~ msgid "Conclusion"\n#~ msgstr "结语"' in after
    source.write_text(text, encoding="utf-8")
    assert run_folio(project, "update").returncode == 0
    assert '#~ msgid "Conclusion"' not in po_path(project).read_text(encoding="utf-8")
    assert 'msgid "Conclusion"\nmsgstr "结语"' in po_path(project).read_text(encoding="utf-8")


def test_a_line_break_between_han_characters_is_no_space(tmp_path: Path) -> None:
    translations = Translations(tmp_path / "x.po", {"key": "全球安全\n倡议 is GSI"}, {"key": 1})
    parsed, _ = parse_translations(translations, set(translations.strings), tmp_path, tmp_path, [])
    (inlines,) = parsed.values()
    html = pandoc.write_pieces([[pandoc.plain(inlines)]], "html")[0]
    assert html == "全球安全倡议 is GSI"


def entries(text: str) -> list[str]:
    return [chunk for _, _, chunk in split_entries(text)[1]]


def test_a_moved_paragraph_keeps_its_translation(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    paragraph = next(p for p in text.split("\n\n") if p.startswith("These approaches"))
    moved = text.replace(paragraph + "\n\n", "").replace(
        "## Conclusion\n", f"{paragraph}\n\n## Conclusion\n"
    )
    source.write_text(moved, encoding="utf-8")
    before = entries(po_path(project).read_text(encoding="utf-8"))
    assert run_folio(project, "update").returncode == 0
    after = entries(po_path(project).read_text(encoding="utf-8"))
    assert sorted(after) == sorted(before) and after != before  # same entries, new order


def test_identical_paragraphs_share_one_entry() -> None:
    units = [Unit("Peace.", "paragraph"), Unit("War.", "paragraph"), Unit("Peace.", "list item")]
    template = catalog.template("doc", units, "source/doc.md")
    assert [m.id for m in template if m.id] == ["Peace.", "War."]
    assert template["Peace."].auto_comments == ["paragraph", "list item"]


def test_a_catalog_rewrapped_by_another_editor_loads_and_keeps_its_wrapping(project: Path) -> None:
    po = po_path(project)
    original = po.read_text(encoding="utf-8")
    subprocess.run(["msgcat", "--width=40", str(po), "-o", str(po)], check=True)
    rewrapped = po.read_text(encoding="utf-8")
    assert len(rewrapped.splitlines()) > len(original.splitlines()) + 50
    assert run_folio(project, "status").returncode == 0
    source = project / "source" / f"{DOC}.md"
    source.write_text(source.read_text(encoding="utf-8").replace(SENTENCE, EDITED), "utf-8")

    assert run_folio(project, "update").returncode == 0

    after = entries(po.read_text(encoding="utf-8"))
    changed = [entry for entry in after if entry not in entries(rewrapped)]
    assert len(changed) == 1 and "#, fuzzy" in changed[0]
    # The changed entry is written by folio: one line per string, Chinese never wrapped.
    msgstr = [line for line in changed[0].splitlines() if line.startswith("msgstr ")]
    assert msgstr and msgstr[0].startswith('msgstr "中国始终坚持') and msgstr[0].endswith('"')
