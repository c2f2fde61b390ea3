"""Build policy: fuzzy and empty entries are not published, are counted, and can fail a build."""

from __future__ import annotations

import json
from pathlib import Path

from conftest import DOC, run_folio

PO = f"translations/zh-Hans/{DOC}.po"


def make_fuzzy(project: Path, msgid: str) -> int:
    """Flag the entry of `msgid` fuzzy; returns the msgid's line."""
    po = project / PO
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line == f'msgid "{msgid}"\n')
    lines.insert(at, "#, fuzzy\n")
    po.write_text("".join(lines), encoding="utf-8")
    return at + 2


def manifest(project: Path) -> dict[str, dict]:
    entries = json.loads((project / "build" / "manifest.json").read_text())["outputs"]
    return {entry["path"]: entry for entry in entries}


def test_a_fuzzy_entry_falls_back_marked_and_counted(project: Path) -> None:
    make_fuzzy(project, "Shared Security")
    result = run_folio(project, "build", "--format", "html")
    assert result.returncode == 0, result.stderr
    # The summary counts per edition: zh-Hans and en+zh-Hans each show it once.
    assert "2 untranslated unit(s) shown in the source language" in result.stdout
    counts = {e["edition"]: e["fallbacks"] for e in manifest(project).values()}
    assert counts == {"en": 0, "zh-Hans": 1, "en+zh-Hans": 1}
    page = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    assert (
        '<h2 class="unit primary fallback" lang="zh-Hans" id="shared-security">'
        '<span class="untranslated" lang="en">Shared Security</span></h2>'
    ) in page
    assert ">共同安全<" not in page  # the fuzzy translation is not published


def test_strict_fails_below_full_coverage_and_lists_the_units(project: Path) -> None:
    line = make_fuzzy(project, "Shared Security")
    result = run_folio(project, "build", "--format", "html", "--strict")
    assert result.returncode == 1
    assert result.stderr.splitlines() == [
        "folio: error: a catalog is below the minimum coverage of 100 % "
        "(translate the units listed, or lower min-coverage in [tool.folio])",
        f"  {PO}: 25 of 26 units translated (96.2 %)",
        f"    {PO}:{line}: fuzzy: Shared Security",
    ]
    assert not (project / "build" / "manifest.json").exists()


def test_min_coverage_in_the_settings(project: Path) -> None:
    make_fuzzy(project, "Shared Security")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text()
    pyproject.write_text(text.replace("[tool.folio]\n", "[tool.folio]\nmin-coverage = 95\n"))
    assert run_folio(project, "build", "--format", "html").returncode == 0
    pyproject.write_text(text.replace("[tool.folio]\n", "[tool.folio]\nmin-coverage = 97\n"))
    failed = run_folio(project, "build", "--format", "html")
    assert failed.returncode == 1 and "minimum coverage of 97 %" in failed.stderr


def test_status_counts_obsolete_entries_and_translated_words(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    source.write_text(source.read_text(encoding="utf-8").replace("## Conclusion\n", ""), "utf-8")
    assert run_folio(project, "update").returncode == 0
    make_fuzzy(project, "Shared Security")
    (row,) = json.loads(run_folio(project, "status", "--json").stdout)
    assert (row["total"], row["translated"], row["fuzzy"], row["obsolete"]) == (25, 24, 1, 1)
    assert row["words_translated"] == row["words"] - 2
    assert 99 < row["words_percent"] < 100
