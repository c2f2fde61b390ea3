"""Bad input: one clear line naming the file (and line), non-zero exit, outputs untouched."""

from __future__ import annotations

from pathlib import Path

from conftest import DOC, run_folio
from test_catalog import tree_digest


def assert_one_line_error(stderr: str, start: str) -> None:
    lines = stderr.strip().splitlines()
    assert len(lines) == 1, stderr
    assert lines[0].startswith(f"folio: error: {start}"), stderr
    assert "Traceback" not in stderr


def test_po_syntax_error_fails_the_build_and_keeps_the_outputs(project: Path) -> None:
    assert run_folio(project, "build", "--format", "html").returncode == 0
    built = tree_digest(project / "build")
    po = project / "translations" / "zh-Hans" / f"{DOC}.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    number = next(i for i, line in enumerate(lines) if line.startswith('msgstr "目标与愿景"'))
    lines.insert(number + 1, "this line is not PO\n")
    po.write_text("".join(lines), encoding="utf-8")

    result = run_folio(project, "build", "--format", "html")

    assert result.returncode == 1
    assert_one_line_error(
        result.stderr, f"translations/zh-Hans/{DOC}.po:{number + 2}: PO syntax error"
    )
    assert tree_digest(project / "build") == built


def test_broken_front_matter_names_the_file_and_line(project: Path) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text.replace("date: 2023-09-23", "date: [2023-09-23"), encoding="utf-8")
    result = run_folio(project, "extract")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, f"source/{DOC}.md:")
    assert "front matter" in result.stderr


def test_unknown_setting_names_the_key_and_the_known_ones(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(
        text.replace("[tool.folio]\n", "[tool.folio]\nlanguage = ['fr']\n"), "utf-8"
    )
    result = run_folio(project, "status")
    assert result.returncode == 1
    assert_one_line_error(result.stderr, "pyproject.toml: unknown key 'language' in [tool.folio]")
    assert "languages" in result.stderr


def test_malformed_language_tag_is_refused(project: Path) -> None:
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text(encoding="utf-8")
    pyproject.write_text(text.replace('languages = ["zh-Hans"]', 'languages = ["zh_CN!"]'), "utf-8")
    result = run_folio(project, "build")
    assert result.returncode == 1
    assert_one_line_error(
        result.stderr, "pyproject.toml: unknown or malformed language tag 'zh_CN!'"
    )
