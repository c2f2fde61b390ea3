"""The terminology glossary: `folio check` and `folio status` on its terms, and the POT's notes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog

from conftest import DOC, ROOT, run_folio
from folio import glossary, pofile
from folio.glossary import Term
from helpers import error_line, po_path

TERMS = glossary.load(ROOT / "translations" / glossary.GLOSSARY)


def findings(msgid: str, msgstr: str, flags=()) -> list[str]:
    catalog = Catalog(locale="zh_Hans")
    catalog.add(msgid, msgstr, flags=flags)
    terms = glossary.for_language(TERMS, "zh-Hans")
    return [f.message for f in glossary.check_catalog(terms, catalog, Path("x.po"))]


def test_the_glossary_holds_the_seeds_terms() -> None:
    places = [ROOT.parent / "shared", ROOT.parent.parent / "shared"]
    seeds = [p / "seed" / "terms-zh-Hans.tsv" for p in places if (p / "seed").is_dir()]
    if not seeds:
        pytest.skip("no shared/seed beside the repository")
    seed = seeds[0]
    required = {r for t in TERMS for r in t.required}
    for line in seed.read_text(encoding="utf-8").splitlines()[1:]:
        chinese = line.split("\t")[1]
        # Rows of two terms ("维和行动 / 维和人员") are two rows in the glossary.
        for part in chinese.split(" / "):
            # The seed's contexts in brackets are notes in the glossary.
            assert part in required or any(r in part for r in required), part


@pytest.mark.parametrize(
    "msgid",
    [
        "China sent peacekeepers.",  # a plural of "peacekeeper"
        "Peacekeepers came.",  # capitalised, and plural
        "The PEACEKEEPER's task.",  # capitals and a possessive
        "Its peacekeeping missions grew.",  # "peacekeeping mission", plural
    ],
)
def test_inflected_and_capitalised_forms_match(msgid: str) -> None:
    assert findings(msgid, "中国派出了人员。")
    assert findings(msgid, "中国派出了维和人员和维和行动。") == []


def test_punctuation_apostrophes_and_hyphens_between_words() -> None:
    assert findings("At the Bo'ao Forum for Asia.", "在博奥亚洲论坛。") == [
        "'Boao Forum for Asia' is not translated as '博鳌亚洲论坛'",
        "'博奥亚洲论坛' is a forbidden variant for 'Boao Forum for Asia'",
    ]
    # A list's commas (and an Oxford comma) do not hide a term.
    msgid = "Create a balanced, effective, and sustainable security architecture."
    assert findings(msgid, "构建安全架构。")
    assert findings(msgid, "构建均衡、有效、可持续的安全架构。") == []
    assert findings("Non-Traditional Security matters.", "安全。") == []  # not the whole term


def test_the_longest_overlapping_term_wins() -> None:
    # "shared future for mankind" lies inside the longer official term: one finding, the long one.
    msgid = "Building a community with a shared future for mankind."
    assert findings(msgid, "构建共同体。") == [
        "'a community with a shared future for mankind' is not translated as '人类命运共同体'"
    ]


def test_a_word_inside_another_word_does_not_match() -> None:
    assert findings("The Islamabadi press.", "新闻界。") == []


def test_noqa_glossary_silences_only_this_entry() -> None:
    assert findings("Saudi Arabia and Iran met.", "沙伊会晤。")
    assert findings("Saudi Arabia and Iran met.", "沙伊会晤。", ["folio-noqa-glossary"]) == []
    assert findings("Saudi Arabia and Iran met.", "沙特和伊朗会晤。") == []  # an alternative


def test_check_finds_a_wrong_term_injected_into_the_seed_catalog(project: Path) -> None:
    po = po_path(project)
    text = po.read_text(encoding="utf-8")
    assert "派遣维和人员最多" in text and "博鳌亚洲论坛年会" in text
    po.write_text(
        text.replace("派遣维和人员最多", "派遣维持和平人员最多").replace(
            "博鳌亚洲论坛年会", "博奥亚洲论坛年会"
        ),
        encoding="utf-8",
    )
    lines = po.read_text(encoding="utf-8").splitlines()
    boao = next(i for i, line in enumerate(lines, 1) if "博奥亚洲论坛年会" in line) - 1
    peace = next(i for i, line in enumerate(lines, 1) if "派遣维持和平人员" in line) - 1
    result = run_folio(project, "check")
    assert result.returncode == 1
    where = f"translations/zh-Hans/{DOC}.po"
    assert result.stdout.splitlines() == [
        f"{where}:{boao}: glossary: 'Boao Forum for Asia' is not translated as '博鳌亚洲论坛'"
        " (use the glossary's form, or noqa)",
        f"{where}:{boao}: glossary: '博奥亚洲论坛' is a forbidden variant for"
        " 'Boao Forum for Asia' (use '博鳌亚洲论坛')",
        f"{where}:{peace}: glossary: 'peacekeeper' is not translated as '维和人员'"
        " (use the glossary's form, or noqa)",
    ]
    status = run_folio(project, "status", "--json")
    assert json.loads(status.stdout)[0]["glossary"] == 3


def test_the_template_names_the_terms_of_each_entry(project: Path) -> None:
    pot = pofile.read(project / "translations" / f"{DOC}.pot").catalog
    message = next(m for m in pot if m.id.startswith("Furthermore, China's mediation"))
    notes = " ".join(message.auto_comments)
    assert "glossary: Saudi Arabia and Iran → zh-Hans 沙特阿拉伯和伊朗 or 沙特和伊朗" in notes
    assert "glossary: mediation diplomacy → zh-Hans 斡旋外交" in notes
    # A new term reaches the template and the catalogs' entries on the next update.
    tsv = project / "translations" / glossary.GLOSSARY
    tsv.write_text(tsv.read_text(encoding="utf-8") + "Middle East\tzh-Hans\t中东\t\t\n", "utf-8")
    assert run_folio(project, "update").returncode == 0
    po = pofile.read(po_path(project), "zh-Hans").catalog
    assert "glossary: Middle East → zh-Hans 中东" in po[message.id].auto_comments
    assert run_folio(project, "extract").stdout.strip() == "No template changed."


def test_a_malformed_glossary_row_is_one_clear_line(project: Path) -> None:
    tsv = project / "translations" / glossary.GLOSSARY
    tsv.write_text(tsv.read_text(encoding="utf-8") + "Middle East\tzh-Hans\n", "utf-8")
    result = run_folio(project, "check")
    rows = len(tsv.read_text(encoding="utf-8").splitlines())
    assert error_line(result) == (
        f"folio: error: translations/glossary.tsv:{rows}: a glossary row needs a source term,"
        " a language and a required translation (columns, separated by tabs: source term,"
        " language, required translation, forbidden variants, note)"
    )


def test_a_term_only_for_its_own_language() -> None:
    terms = [Term("peacekeeper", "fr", ("casque bleu",))]
    catalog = Catalog(locale="zh_Hans")
    catalog.add("Peacekeepers.", "人员。")
    assert glossary.check_catalog(glossary.for_language(terms, "zh-Hans"), catalog, Path()) == []
