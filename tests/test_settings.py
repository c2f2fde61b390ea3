"""[tool.folio]: each key's kind checked, one line per mistake, the README made from them."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from conftest import ROOT, copy_project, run_folio
from folio.config import (
    KNOWN_KEYS,
    OPTIONS,
    REFERENCE_MARKERS,
    Settings,
    load_settings,
    settings_reference,
)

TAG_HINT = "(use a BCP 47 tag such as fr, ar, pt-BR or zh-Hans)"
# (what [tool.folio] starts with, the one line `folio build` prints). "71" stands for the line of
# the first setting, just below [tool.folio] (with_settings says which it is); a key set here
# replaces the seed's own.
WRONG = {
    "string-for-number": (
        'min-coverage = "95"',
        'pyproject.toml:71: min-coverage must be a number from 0 to 100, not the string "95"',
    ),
    "letters-for-millimetres": (
        'bleed-mm = "x"',
        "pyproject.toml:71: bleed-mm must be a number from 0 to 10 (millimetres), "
        'not the string "x"',
    ),
    "boolean-for-number": (
        "booklet-creep-mm = true",
        "pyproject.toml:71: booklet-creep-mm must be a number from 0 to 2 (millimetres per sheet), "
        "not the boolean true",
    ),
    "date-for-number": (
        "min-coverage = 2024-01-01",
        "pyproject.toml:71: min-coverage must be a number from 0 to 100, not the date 2024-01-01",
    ),
    "number-above-range": (
        "min-coverage = 120",
        "pyproject.toml:71: min-coverage must be a number from 0 to 100, not the number 120",
    ),
    "number-below-range": (
        "bleed-mm = -1.5",
        "pyproject.toml:71: bleed-mm must be a number from 0 to 10 (millimetres), "
        "not the number -1.5",
    ),
    "string-for-list-of-tags": (
        'languages = "zh-Hans"',
        'pyproject.toml:71: languages must be a list of language tags, not the string "zh-Hans"',
    ),
    "string-for-list-of-formats": (
        'formats = "pdf"',
        "pyproject.toml:71: formats must be a list of formats (pdf, epub, html, booklet), "
        'not the string "pdf"',
    ),
    "number-in-list": (
        'languages = ["zh-Hans", 5]',
        "pyproject.toml:71: each item of languages must be a BCP 47 language tag such as fr or "
        "zh-Hans, not the number 5",
    ),
    "unknown-paper": (
        'paper = "A3"',
        "pyproject.toml:71: unknown paper 'A3' (use one of: A5, B5, A4, letter)",
    ),
    "number-for-choice": (
        "paper = 4",
        "pyproject.toml:71: paper must be one of A5, B5, A4, letter, not the number 4",
    ),
    "unknown-layout": (
        'layout = "side-by-side"',
        "pyproject.toml:71: unknown layout 'side-by-side' (use one of: interleaved, parallel)",
    ),
    "unknown-format": (
        'formats = ["pdf", "png"]',
        "pyproject.toml:71: unknown format 'png' (use one of: pdf, epub, html, booklet)",
    ),
    "bad-source-language": (
        'source-language = "en_US"',
        f"pyproject.toml:71: unknown or malformed language tag 'en_US' {TAG_HINT}",
    ),
    "bad-tag-on-its-own-line": (
        'languages = [\n  "zh-Hans",\n  "zh-Hant",\n  "qq",\n]',
        f"pyproject.toml:74: unknown or malformed language tag 'qq' {TAG_HINT}",
    ),
    "string-for-locales": (
        'locales = "en_GB"',
        'pyproject.toml:71: locales must be a table of CLDR locales, like { en = "en_GB" }, '
        'not the string "en_GB"',
    ),
    "unknown-locale": (
        'locales = { en = "en_XX" }',
        "pyproject.toml:71: unknown CLDR locale 'en_XX' in locales "
        "(use a locale such as en_GB, pt_BR or zh_Hant_TW)",
    ),
    "list-for-converted-from": (
        'converted-from = ["zh-Hant"]',
        "pyproject.toml:71: converted-from must be a table of language tags, "
        'like { zh-Hant = "zh-Hans" }, not a list',
    ),
    "number-in-converted-from": (
        "converted-from = { zh-Hant = 5 }",
        "pyproject.toml:71: each value of converted-from must be a BCP 47 language tag such as "
        "fr or zh-Hans, not the number 5",
    ),
    "number-for-url": (
        "site-url = 5",
        "pyproject.toml:71: site-url must be an http(s) address ending in /, not the number 5",
    ),
    "number-for-path": (
        "brand = 3",
        "pyproject.toml:71: brand must be a path relative to the project, not the number 3",
    ),
}


def with_settings(project: Path, lines: str, before: str = "") -> int:
    """Start [tool.folio] with `lines`, dropping the seed's own setting of the same key; the
    line the first of them is on."""
    pyproject = project / "pyproject.toml"
    key = lines.split("=")[0].strip()
    kept = [line for line in pyproject.read_text().splitlines() if not line.startswith(key)]
    text = before + "\n".join(kept) + "\n"
    pyproject.write_text(re.sub(r"(?m)^\[tool\.folio\]\n", f"[tool.folio]\n{lines}\n", text))
    return text.splitlines().index("[tool.folio]") + 2


@pytest.mark.parametrize("case", WRONG, ids=list(WRONG))
def test_a_wrong_value_is_one_line_naming_key_and_line(case: str, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    lines, expected = WRONG[case]
    line = with_settings(project, lines)

    result = run_folio(project, "build")

    assert result.returncode == 1
    # Written for a first setting on line 71: moved to where it is.
    written = int(re.match(r"pyproject.toml:(\d+):", expected)[1])
    expected = re.sub(r"^pyproject.toml:\d+:", f"pyproject.toml:{written - 71 + line}:", expected)
    assert result.stderr == f"folio: error: {expected}\n"
    assert not (project / "build").exists()


def test_the_line_is_the_key_in_tool_folio_not_a_mention_elsewhere(tmp_path: Path) -> None:
    """A comment above naming the key, and "a-paper" in [project], do not take the line."""
    project = copy_project(tmp_path / "project")
    line = with_settings(project, 'paper = "A3"', before="# paper: see [tool.folio]\n")

    result = run_folio(project, "build")

    assert result.returncode == 1
    assert result.stderr.startswith(f"folio: error: pyproject.toml:{line}: unknown paper 'A3'")


def test_a_locales_section_is_read_and_checked_alike(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    pyproject = project / "pyproject.toml"
    text = pyproject.read_text().replace('locales = { en = "en_GB" }\n', "")
    pyproject.write_text(text + '\n[tool.folio.locales]\nen = "en_GB"\nzh-Hans = "zh_Hans_SG"\n')
    assert load_settings(pyproject).locales == {"en": "en_GB", "zh-Hans": "zh_Hans_SG"}

    pyproject.write_text(text + '\n[tool.folio.locales]\nen = "en_GB"\nzh-Hans = "zh_XX"\n')
    result = run_folio(project, "build")
    line = pyproject.read_text().splitlines().index('zh-Hans = "zh_XX"') + 1
    assert result.returncode == 1
    assert result.stderr.startswith(f"folio: error: pyproject.toml:{line}: unknown CLDR locale")


def test_right_values_load_as_settings_holds_them(tmp_path: Path) -> None:
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(
        "[tool.folio]\n"
        'languages = ["zh-Hans", "zh-Hant"]\n'
        'converted-from = { zh-Hant = "zh-Hans" }\n'
        'formats = ["pdf", "booklet"]\n'
        "min-coverage = 95\n"
        "bleed-mm = 3\n"
        'paper = "letter"\n'
        'site-url = "https://example.org/a/"\n'
    )
    settings = load_settings(pyproject)
    assert settings.languages == ("zh-Hans", "zh-Hant")
    assert settings.formats == ("pdf", "booklet")
    assert settings.min_coverage == 95.0 and isinstance(settings.min_coverage, float)
    assert settings.bleed_mm == 3.0 and settings.paper_mm == (215.9, 279.4)
    assert settings.converted_from == {"zh-Hant": "zh-Hans"}


def test_defaults_are_the_tables(tmp_path: Path) -> None:
    """An empty [tool.folio] gives Settings(), and every field is a key of OPTIONS."""
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text("[tool.folio]\n")
    assert load_settings(pyproject) == Settings()
    fields = {f.name.replace("_", "-") for f in dataclasses.fields(Settings)}
    assert fields == set(OPTIONS) == KNOWN_KEYS
    for key, option in OPTIONS.items():
        assert getattr(Settings(), key.replace("-", "_")) == option.default, key


def test_the_readme_settings_table_is_made_from_the_options() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    begin, end = REFERENCE_MARKERS
    section = readme.split(begin, 1)[1].split(end, 1)[0]
    assert section.strip() == settings_reference().strip(), "run: python -m folio.config README.md"
    listed = re.findall(r"^\| `([a-z-]+)` \| (.+?) \|", section, re.M)
    assert listed == [(key, option.help) for key, option in OPTIONS.items()]
