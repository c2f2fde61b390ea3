"""Chinese typography in the print edition (clreq basic level), read back from the PDFs."""

from __future__ import annotations

import re
import shutil
from collections import Counter
from pathlib import Path

import pdfplumber
import pytest
import weasyprint

from conftest import ROOT, Built, run_folio
from folio import pofile
from folio.render import justify
from folio.render.compose import break_at_quotes
from helpers import (
    BODY_SIZE,
    CLOSING,
    MM,
    OPENING,
    block_right,
    body_lines,
    body_rows,
    po_path,
    ragged_lines,
)

HAN_SPACE_HAN = re.compile(r"[\u4e00-\u9fff]\s+[\u4e00-\u9fff]")
DENSE = (Path(__file__).parent / "fixtures" / "punctuation" / "dense.txt").read_text().strip()


def lines_of(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [
            line.strip()
            for page in pdf.pages
            for line in (page.extract_text() or "").splitlines()
            if line.strip()
        ]


def faults(lines: list[str]) -> list[str]:
    """Lines that start with a closing mark, end with an opening one, or space two Han."""
    return [
        line
        for line in lines
        if line[0] in CLOSING or line[-1] in OPENING or HAN_SPACE_HAN.search(line)
    ]


@pytest.fixture(scope="module")
def dense_pdf(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Twelve punctuation-dense paragraphs, each shifted by one more character."""
    root = tmp_path_factory.mktemp("dense")
    (root / "source").mkdir()
    paragraphs = "\n\n".join(f"Paragraph {i} of the test." for i in range(12))
    (root / "source" / "dense.md").write_text(
        f"---\ntitle: Punctuation\nauthor: Test\ndate: 2024-01-01\nlang: en\n---\n\n{paragraphs}\n"
    )
    shutil.copytree(ROOT / "templates", root / "templates")
    (root / "pyproject.toml").write_text('[tool.folio]\nlanguages = ["zh-Hans"]\n')
    assert run_folio(root, "update").returncode == 0
    po = root / "translations" / "zh-Hans" / "dense.po"
    read = pofile.read(po, "zh-Hans")
    for message in read.catalog:
        if message.id.startswith("Paragraph"):
            message.string = "和" * int(message.id.split()[1]) + DENSE
        elif message.id:
            message.string = {"Punctuation": "标点", "Test": "测试"}[message.id]
    po.write_text(pofile.render(read.catalog), encoding="utf-8")
    result = run_folio(root, "build", "--format", "pdf", "--edition", "zh-Hans")
    assert result.returncode == 0, result.stderr
    return root / "build" / "dense" / "dense.zh-Hans.pdf"


def test_no_line_breaks_the_punctuation_rules_in_a_dense_text(dense_pdf: Path) -> None:
    lines = lines_of(dense_pdf)
    assert len(lines) > 80
    assert sum(line.count("“") for line in lines) > 100
    assert faults(lines) == []


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_no_line_breaks_the_punctuation_rules_in_the_seed(built: Built, edition: str) -> None:
    lines = lines_of(built.output(edition, "pdf"))
    assert faults(lines) == []


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_chinese_line_height_is_between_1_5_and_2(built: Built, edition: str) -> None:
    with pdfplumber.open(built.output(edition, "pdf")) as pdf:
        chars = [c for c in pdf.pages[6].chars if re.match(r"[\u4e00-\u9fff]", c["text"])]
    size = Counter(round(c["size"], 1) for c in chars).most_common(1)[0][0]  # the body's
    tops = sorted({round(c["top"], 1) for c in chars if round(c["size"], 1) == size})
    # Consecutive lines of one paragraph: gaps under 2.5 lines (paragraph breaks are more).
    gaps = [b - a for a, b in zip(tops, tops[1:], strict=False) if b - a < 2.5 * size]
    assert len(gaps) >= 5
    assert all(1.5 * size - 0.1 <= gap <= 2.0 * size + 0.1 for gap in gaps), (size, gaps)


def test_han_latin_spacing_is_a_quarter_em_everywhere(built: Built) -> None:
    """Between Han characters and Latin letters or digits: ⅛ to ¼ em (a little more: the
    CJK face's space is 0.256 em), though the translation has no spaces there."""
    gaps = []
    with pdfplumber.open(built.output("zh-Hans", "pdf")) as pdf:
        for page in pdf.pages[4:]:
            chars = [c for c in page.chars if c["text"].strip()]
            for a, b in zip(chars, chars[1:], strict=False):
                # One line of one size (a footer's institute and page number are two boxes).
                same_line = abs(a["top"] - b["top"]) < 1 and a["size"] == b["size"]
                pair = a["text"] + b["text"]
                if same_line and re.fullmatch(
                    r"[\u4e00-\u9fff][A-Za-z0-9]|[A-Za-z0-9][\u4e00-\u9fff]", pair
                ):
                    gaps.append((b["x0"] - a["x1"]) / a["size"])
    assert len(gaps) >= 5  # 2022年, 30年, 5万 … (（GSI） has full-width brackets: no space)
    assert all(0.125 <= gap <= 0.27 for gap in gaps), gaps


def test_weasyprint_is_the_version_justification_is_written_for() -> None:
    """The justification patch reaches into WeasyPrint's internals: a new version (or a pin
    moved without a look at layout/inline.py) must fail here, not leave Chinese ragged."""
    pin = re.search(r'"weasyprint==([^"]+)"', (ROOT / "pyproject.toml").read_text())
    assert pin and pin.group(1) == justify.WEASYPRINT == weasyprint.__version__
    assert justify.install() and justify.installed()


def test_dense_chinese_paragraphs_are_flush_on_both_edges(dense_pdf: Path) -> None:
    paragraphs = ["和" * i + DENSE for i in range(12)]
    checked, ragged = ragged_lines(dense_pdf, paragraphs)
    assert checked >= 50  # six lines a paragraph, five of them checked
    assert ragged == []


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_chinese_paragraphs_of_the_seed_are_flush_on_both_edges(built: Built, edition: str) -> None:
    po = pofile.read(po_path(built.root), "zh-Hans")
    paragraphs = [message.string for message in po.catalog if message.id and message.string]
    checked, ragged = ragged_lines(built.output(edition, "pdf"), paragraphs)
    assert checked > 40
    assert ragged == []


def test_justification_adds_no_character(dense_pdf: Path) -> None:
    """The lines are spread by glyph advances alone: the text holds each paragraph once,
    with nothing between its characters."""
    text = "".join(text for _, text, _ in body_lines(dense_pdf))
    for i in range(12):
        assert "和" * i + DENSE[:20] in text
    assert DENSE.count("“") * 12 == text.count("“")
    assert "\u200b" not in text  # the break opportunities at quotation marks are not drawn


def test_lines_may_break_beside_quotation_marks_only_where_clreq_allows() -> None:
    html = '<p>说：“甲”、“乙”《“丙”》“丁”——“戊”。<a title="“”">China’s “x”</a></p>'
    assert break_at_quotes(html) == (
        "<p>说：\u200b“甲”、\u200b“乙”\u200b《“丙”》\u200b“丁”——“戊”。"
        '<a title="“”">China’s “x”</a></p>'
    )


def test_marks_at_a_justified_line_edge_are_set_half_width(dense_pdf: Path) -> None:
    """clreq's line-edge adjustment: an opening mark that starts a line (not a paragraph's first)
    has its blank half outside the text block, so its glyph meets the left edge; a closing mark
    that ends a line (not a paragraph's last) meets the right edge with its glyph."""
    starts, ends = [], []
    with pdfplumber.open(dense_pdf) as pdf:
        for index, page in enumerate(pdf.pages[4:-1], start=4):
            edge = block_right(index)
            left = edge - (148 - 15 - 18) * MM  # the text block is 115 mm wide
            for row in body_rows(page):
                first, last = row[0], row[-1]
                justified = last["x1"] >= edge - 1  # not a paragraph's last line
                if justified and first["text"] in OPENING and first["x0"] < left + BODY_SIZE:
                    starts.append(round((first["x0"] - left) / BODY_SIZE, 2))
                if last["text"] in CLOSING and last["x0"] > edge - 2 * BODY_SIZE:
                    ends.append(round((edge - last["x0"]) / BODY_SIZE, 2))
    assert len(starts) >= 5 and len(ends) >= 10, (starts, ends)
    assert all(abs(start + 0.5) < 0.05 for start in starts), starts  # half outside the edge
    # Its glyph's half em ends at the edge; a paragraph's last line (ragged) is further in.
    assert sum(abs(end - 0.5) < 0.05 for end in ends) >= 10, ends
