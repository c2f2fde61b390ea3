"""XLIFF 1.2 exchange: export, edit as a CAT tool does, import; only the edits reach the PO."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from conftest import DOC, run_folio
from folio import pofile
from helpers import error_line, po_path

NS = "urn:oasis:names:tc:xliff:document:1.2"
N = {"x": NS}


def q(tag: str) -> str:
    return f"{{{NS}}}{tag}"


def export(project: Path) -> Path:
    result = run_folio(project, "export", "--xliff")
    assert result.returncode == 0, result.stderr
    path = project / "build" / "xliff" / f"{DOC}.zh-Hans.xlf"
    assert path.is_file()
    return path


def unit_for(root: ET.Element, source: str) -> ET.Element:
    (unit,) = [
        u for u in root.iterfind(".//x:trans-unit", N) if u.find("x:source", N).text == source
    ]
    return unit


def save(tree: ET.ElementTree, path: Path) -> None:
    ET.register_namespace("", NS)
    tree.write(path, encoding="utf-8", xml_declaration=True)


def test_an_unchanged_round_trip_changes_no_byte(project: Path) -> None:
    before = po_path(project).read_bytes()
    xlf = export(project)
    root = ET.parse(xlf).getroot()
    assert root.get("version") == "1.2"
    file = root.find("x:file", N)
    assert (file.get("source-language"), file.get("target-language")) == ("en", "zh-Hans")
    entries = [m for m in pofile.read(po_path(project), "zh-Hans").catalog if m.id]
    assert len(root.findall(".//x:trans-unit", N)) == len(entries)
    result = run_folio(project, "import", "--xliff", str(xlf))
    assert result.returncode == 0, result.stderr
    assert po_path(project).read_bytes() == before


def test_a_cat_tools_edits_are_exactly_the_changes_in_the_po(project: Path) -> None:
    """Change one target and add a note to another entry: the PO's bytes change in exactly
    those two places."""
    before = po_path(project).read_text(encoding="utf-8")
    xlf = export(project)
    tree = ET.parse(xlf)
    unit_for(tree.getroot(), "Conclusion").find("x:target", N).text = "结论"
    heading = unit_for(tree.getroot(), "Shared Security")
    note = ET.SubElement(heading, q("note"))  # memoQ and OmegaT write notes without `from`
    note.text = "Reviewed: 共同安全 as in the official English–Chinese glossary"
    save(tree, xlf)

    result = run_folio(project, "import", "--xliff", str(xlf))
    assert result.returncode == 0, result.stderr
    lines = before.splitlines(keepends=True)
    conclusion = lines.index('msgid "Conclusion"\n')
    assert lines[conclusion + 1] == 'msgstr "结语"\n'
    lines[conclusion + 1] = 'msgstr "结论"\n'
    shared = lines.index('msgid "Shared Security"\n')
    comments = shared - 2  # the `#.` and `#:` lines come before the msgid
    assert lines[comments].startswith("#. heading")
    lines.insert(comments, "# Reviewed: 共同安全 as in the official English–Chinese glossary\n")
    assert po_path(project).read_text(encoding="utf-8") == "".join(lines)
    assert "translation updated" in result.stdout and "notes updated" in result.stdout


def make_fuzzy(project: Path) -> None:
    """Edit a heading in the source; `folio update` makes its entry fuzzy with `#|`."""
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8").replace("## Goals and Vision", "## Goals and Visions")
    source.write_text(text, encoding="utf-8")
    assert run_folio(project, "update").returncode == 0


def test_fuzzy_state_and_previous_source_go_out_and_a_confirmation_comes_back(
    project: Path,
) -> None:
    make_fuzzy(project)
    before = po_path(project).read_text(encoding="utf-8")
    assert '#| msgid "Goals and Vision"\n' in before
    xlf = export(project)
    tree = ET.parse(xlf)
    unit = unit_for(tree.getroot(), "Goals and Visions")
    target = unit.find("x:target", N)
    assert (unit.get("approved"), target.get("state")) == ("no", "needs-review-translation")
    alt = unit.find("x:alt-trans", N)
    assert alt.get("origin") == "previous" and alt.find("x:source", N).text == "Goals and Vision"
    # Untouched, the round trip keeps the fuzzy flag and the previous msgid.
    assert run_folio(project, "import", "--xliff", str(xlf)).returncode == 0
    assert po_path(project).read_text(encoding="utf-8") == before

    # The translator confirms it in the CAT tool.
    target.set("state", "translated")
    unit.set("approved", "yes")
    save(tree, xlf)
    assert run_folio(project, "import", "--xliff", str(xlf)).returncode == 0
    catalog = pofile.read(po_path(project), "zh-Hans").catalog
    entry = catalog["Goals and Visions"]
    assert not entry.fuzzy and entry.string == "目标与愿景" and not entry.previous_id
    after = po_path(project).read_text(encoding="utf-8")
    assert after.replace("#, fuzzy\n", "", 1).replace('#| msgid "Goals and Vision"\n', "") == (
        before.replace("#, fuzzy\n", "", 1).replace('#| msgid "Goals and Vision"\n', "")
    )


def test_a_conflict_keeps_the_catalogs_translation_and_names_the_entry(project: Path) -> None:
    xlf = export(project)
    po = po_path(project)
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "结语"', 'msgstr "结束语"'), "utf-8"
    )
    tree = ET.parse(xlf)
    unit_for(tree.getroot(), "Conclusion").find("x:target", N).text = "结论"
    unit_for(tree.getroot(), "Shared Security").find("x:target", N).text = "共享安全"
    save(tree, xlf)
    result = run_folio(project, "import", "--xliff", str(xlf))
    assert result.returncode == 1
    line = po.read_text(encoding="utf-8").splitlines().index('msgid "Conclusion"') + 1
    assert result.stdout.splitlines()[-2] == (
        f"translations/zh-Hans/{DOC}.po:{line}: conflict: the catalog's entry changed since the"
        " export and the XLIFF's too; kept the catalog's '结束语', the XLIFF has '结论'"
    )
    catalog = pofile.read(po, "zh-Hans").catalog
    assert catalog["Conclusion"].string == "结束语"
    assert catalog["Shared Security"].string == "共享安全"  # no conflict there: imported
    assert "1 conflict(s)" in result.stderr


def test_an_empty_target_never_removes_a_translation(project: Path) -> None:
    before = po_path(project).read_bytes()
    xlf = export(project)
    tree = ET.parse(xlf)
    unit = unit_for(tree.getroot(), "Conclusion")
    unit.remove(unit.find("x:target", N))
    save(tree, xlf)
    result = run_folio(project, "import", "--xliff", str(xlf))
    assert result.returncode == 1 and "kept '结语'" in result.stdout
    assert po_path(project).read_bytes() == before


def test_a_translation_whose_source_changed_since_the_export_is_kept(project: Path) -> None:
    xlf = export(project)
    make_fuzzy(project)
    tree = ET.parse(xlf)
    unit_for(tree.getroot(), "Goals and Vision").find("x:target", N).text = "目标和愿景"
    save(tree, xlf)
    result = run_folio(project, "import", "--xliff", str(xlf))
    assert result.returncode == 1
    assert "its source is no longer in the catalog" in result.stdout
    catalog = pofile.read(po_path(project), "zh-Hans").catalog
    assert catalog.obsolete["Goals and Vision"].string == "目标和愿景"
    assert catalog["Goals and Visions"].string == "目标与愿景"  # the fuzzy match stays


@pytest.mark.parametrize(
    ("content", "error"),
    [
        ("<xliff", "not well-formed XML"),
        (
            '<xliff version="2.0" xmlns="urn:oasis:names:tc:xliff:document:2.0"/>',
            "not an XLIFF 1.2",
        ),
    ],
)
def test_a_broken_xliff_is_one_clear_line(project: Path, content: str, error: str) -> None:
    bad = project / "bad.xlf"
    bad.write_text(content, encoding="utf-8")
    result = run_folio(project, "import", "--xliff", "bad.xlf")
    line = error_line(result)
    assert line.startswith("folio: error: bad.xlf") and error in line
