"""folio check: each check with a failing and a passing example, noqa, and the command."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from conftest import DOC, ROOT, run_folio
from folio import glossary, qa, script
from folio.segments import Unit
from helpers import po_path

CASES = [
    # (check, msgid, failing msgstr, passing msgstr)
    (
        "link-targets",
        "See [the UN](https://un.org) and [FAO](https://fao.org).",
        "见[联合国](https://un.org)。",
        "见[粮农组织](https://fao.org)和[联合国](https://un.org)。",
    ),
    ("images", "![Hall](hall.png)", "![大厅](room.png)", "![大厅](hall.png)"),
    (
        "inline-code",
        "Run `folio build` now.",
        "现在运行 `folio make`。",
        "现在运行 `folio build`。",
    ),
    ("footnotes", "Peace[^1] and security[^2].", "和平[^1]与安全。", "和平[^1]与安全[^2]。"),
    ("numbers", "In 2022, over 50,000 people.", "2021年，逾五万人。", "2022年，逾50000人。"),
    ("halfwidth-punctuation", "Peace, security.", "和平,安全。", "和平，安全。"),
    ("ellipsis", "And so on...", "等等...", "等等……"),
    ("dash", "A dash -- here.", "一个破折号—这里。", "一个破折号——这里。"),
    ("quotes", 'The "wave".', '"和解潮"。', "“和解潮”。"),
    ("line-break", "One line.", "一行\n两行。", "一行两行。"),
]


def findings_for(msgid: str, msgstr: str, lang: str = "zh-Hans", flags=()) -> list[qa.Finding]:
    catalog = Catalog(locale="zh_Hans")
    catalog.add(msgid, msgstr, flags=flags)
    return qa.check_catalog(catalog, Path("x.po"), lang)


@pytest.mark.parametrize(("check", "msgid", "bad", "good"), CASES, ids=[c[0] for c in CASES])
def test_each_check_finds_the_fault_and_passes_the_fix(check, msgid, bad, good) -> None:
    assert check in {f.check for f in findings_for(msgid, bad)}
    assert findings_for(msgid, good) == []


def planted_findings(name: str) -> set[str]:
    """The checks that report a fault planted for the check `name`."""
    cases = {case[0]: case for case in CASES}
    if name in cases:
        _, msgid, bad, _ = cases[name]
        return {f.check for f in findings_for(msgid, bad)}
    if name == "unbalanced-quotes":
        units = [Unit('A "shared future.', "paragraph")]
        return {f.check for f in qa.check_source(units, Path("doc.md"))}
    if name == glossary.CHECK:
        catalog = Catalog(locale="zh_Hans")
        catalog.add("Peacekeepers came.", "人员来了。")
        terms = [glossary.Term("peacekeeper", "zh-Hans", ("维和人员",))]
        return {f.check for f in glossary.check_catalog(terms, catalog, Path("x.po"))}
    return set()


@pytest.mark.parametrize("name", list(qa.CHECKS))
def test_every_registered_check_finds_a_planted_fault(name: str) -> None:
    assert name in planted_findings(name)


def test_the_readme_names_every_registered_check_and_no_other() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme[readme.index("| check | reports | leaves alone |") :].split("\n\n")[0]
    first_cells = [row.split("|")[1] for row in table.splitlines()[2:]]
    named = {name for cell in first_cells for name in re.findall(r"`([a-z-]+)`", cell)}
    assert named == set(qa.CHECKS)
    assert all(check.description for check in qa.CHECKS.values())


def test_a_noqa_flag_silences_that_check_only() -> None:
    msgid, msgstr = "In 2022, over 50,000 people...", "2022年，逾五万人..."
    assert {f.check for f in findings_for(msgid, msgstr)} == {"numbers", "ellipsis"}
    silenced = findings_for(msgid, msgstr, flags=["folio-noqa-numbers"])
    assert {f.check for f in silenced} == {"ellipsis"}


def test_traditional_chinese_wants_corner_brackets() -> None:
    assert findings_for('The "wave".', "「和解潮」。", lang="zh-Hant") == []
    assert {f.check for f in findings_for('The "wave".', "“和解潮”。", lang="zh-Hant")} == {
        "quotes"
    }


def test_links_may_change_order_and_fuzzy_entries_are_not_checked() -> None:
    msgid = "[A](https://a.org) then [B](https://b.org)."
    assert findings_for(msgid, "先[乙](https://b.org)后[甲](https://a.org)。") == []
    assert findings_for(msgid, "乱七八糟,", flags=["fuzzy"]) == []


def test_unbalanced_quotes_in_the_source(tmp_path: Path) -> None:
    source = tmp_path / "doc.md"
    source.write_text('---\n---\n\nThe pursuit of a "shared future.\n', encoding="utf-8")
    units = [Unit('The pursuit of a "shared future.', "paragraph")]
    (finding,) = qa.check_source(units, source)
    assert (finding.line, finding.check) == (4, "unbalanced-quotes")
    assert qa.check_source([Unit('A "closed" quote.', "paragraph")], source) == []
    silenced = [Unit('The pursuit of a "shared future.', "paragraph", noqa=("unbalanced-quotes",))]
    assert qa.check_source(silenced, source) == []


def test_folio_check_passes_the_seed_and_gates_on_a_finding(project: Path) -> None:
    result = run_folio(project, "check")
    assert (result.returncode, result.stdout.strip()) == (0, "No findings.")
    po = po_path(project)
    text = po.read_text(encoding="utf-8")
    po.write_text(text.replace('msgstr "共同安全"', 'msgstr "共同,安全"'), encoding="utf-8")
    line = text.splitlines().index('msgstr "共同安全"')  # the msgid is the line before
    result = run_folio(project, "check")
    assert result.returncode == 1
    assert result.stdout.splitlines() == [
        f"translations/zh-Hans/{DOC}.po:{line}: halfwidth-punctuation: "
        "',' next to Han characters (use '，')"
    ]


@pytest.mark.parametrize(
    ("msgid", "msgstr"),
    [
        # Code keeps its own characters: -- and ... and " inside `code` are no punctuation.
        ('Use `--toc`, `...` or `"x"`.', '使用 `--toc` 或 `...`，或 `"x"`。'),
        # A hard line break the source has is the translation's too.
        ("One\\\nTwo", "一\\\n二"),
        # Words left in English follow English rules: "x" -- y... next to Latin words.
        ('See "Rich" -- the library...', '参见 "Rich" -- the library...'),
    ],
)
def test_checks_leave_code_english_words_and_the_sources_breaks_alone(
    msgid: str, msgstr: str
) -> None:
    assert findings_for(msgid, msgstr) == []


@pytest.mark.parametrize(
    ("lang", "chinese", "traditional"),
    [
        ("zh-Hans", True, False),
        ("zh", True, False),
        ("zh-Hant", True, True),
        ("zh-Hant-TW", True, True),
        ("zh-TW", True, True),
        ("zh-HK", True, True),
        ("en", False, False),
        ("fr", False, False),
    ],
)
def test_which_tags_are_chinese_and_traditional(
    lang: str, chinese: bool, traditional: bool
) -> None:
    assert (script.is_chinese(lang), script.is_traditional(lang)) == (chinese, traditional)


def test_chinese_punctuation_checks_only_chinese_translations() -> None:
    assert {f.check for f in findings_for("Peace, security.", "和平,安全。")} == {
        "halfwidth-punctuation"
    }
    assert findings_for("Peace, security.", "和平,安全。", lang="ja") == []
