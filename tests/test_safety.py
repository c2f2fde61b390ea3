"""Hostile input: nothing unsafe reaches an output, nothing outside the project is fetched."""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

import pytest

from conftest import DOC, run_folio

HOSTILE = (
    "总之<img src=x onerror=alert(1)>，"
    '<a href="javascript:alert(2)">点此</a>'
    '<iframe src="https://evil.example/"></iframe>'
    "[链接](javascript:alert(3))"
    "<script>alert(4)</script>"
    '[文字]{onclick="alert(5)"}。'
)
HAZARDS = ("onerror", "javascript:", "<iframe", "<script", "alert(", "onclick", "evil.example")


def put_translation(project: Path, msgid_start: str, msgstr: str) -> int:
    """Replace the msgstr of the entry whose msgid starts so; returns the msgid's line."""
    po = project / "translations" / "zh-Hans" / f"{DOC}.po"
    lines = po.read_text(encoding="utf-8").splitlines(keepends=True)
    at = next(i for i, line in enumerate(lines) if line.startswith(f'msgid "{msgid_start}'))
    escaped = msgstr.replace("\\", "\\\\").replace('"', '\\"')
    lines[at + 1] = f'msgstr "{escaped}"\n'
    po.write_text("".join(lines), encoding="utf-8")
    return at + 1


def test_a_hostile_translation_gives_clean_outputs_and_warnings(project: Path) -> None:
    line = put_translation(project, "In conclusion", HOSTILE)
    result = run_folio(
        project, "build", "--format", "html", "--format", "epub", "--edition", "zh-Hans"
    )
    assert result.returncode == 0, result.stderr
    html = (project / "build" / "site" / DOC / "zh-Hans.html").read_text(encoding="utf-8")
    # The page's own scripts are the site's file and its JSON-LD data; the text has none.
    assert re.findall(r"<script[^>]*>", html) == [
        '<script src="../assets/site.js" defer>',
        '<script type="application/ld+json">',
    ]
    page = html.split("<main", 1)[1].split("</main>", 1)[0]
    with zipfile.ZipFile(project / "build" / DOC / f"{DOC}.zh-Hans.epub") as epub:
        chapter = epub.read("EPUB/text/ch001.xhtml").decode("utf-8")
    for output in (page, chapter):
        assert "总之" in output and "点此" in output and "链接" in output and "文字" in output
        for hazard in HAZARDS:
            assert hazard not in output, hazard
    where = f"translations/zh-Hans/{DOC}.po:{line}"
    warnings = [w for w in result.stderr.splitlines() if w.startswith(f"folio: warning: {where}: ")]
    assert any("onerror=" in w for w in warnings)
    assert any("<iframe>" in w for w in warnings)
    assert any("<script>" in w for w in warnings)
    assert any("javascript:alert(3)" in w for w in warnings)
    assert any("onclick" in w for w in warnings)


@pytest.mark.parametrize(
    ("reference", "problem"),
    [
        ("../../etc/passwd", "lies outside the project"),
        ("/etc/passwd", "is not a file inside the project"),
        ("https://example.com/logo.png", "is not a file inside the project"),
        ("images/missing.png", "not found"),
    ],
)
def test_images_must_be_files_inside_the_project(
    project: Path, reference: str, problem: str
) -> None:
    source = project / "source" / f"{DOC}.md"
    text = source.read_text(encoding="utf-8")
    source.write_text(text + f"\n![A figure]({reference})\n", encoding="utf-8")
    line = len(text.splitlines()) + 2
    result = run_folio(project, "build", "--format", "html")
    assert result.returncode == 1
    assert result.stderr.startswith(
        f"folio: error: source/{DOC}.md:{line}: image '{reference}' {problem} (put the image under"
    )
    assert not (project / "build" / "manifest.json").exists()


@pytest.mark.parametrize("url", ["https://example.com/paper.png", "file:///etc/hostname"])
def test_the_print_edition_fetches_nothing_outside_the_project(project: Path, url: str) -> None:
    css = project / "templates" / "print.css"
    css.write_text(css.read_text() + f"\nbody {{ background: url({url}); }}\n")
    result = run_folio(project, "build", "--format", "pdf", "--edition", "en")
    assert result.returncode == 1
    assert result.stderr.strip() == (
        f"folio: error: {DOC}: refused to load '{url}' "
        "(the print edition uses only files inside the project; nothing is fetched)"
    )


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("<!-- i18n:end -->", "<!-- i18n:end -->"),  # a comment alone is inert: kept
        ("<!--><script>alert(1)</script>-->", "--&gt;"),  # "<!-->" closes at once
        ("<!-- a --> <script>alert(1)</script>", " "),
        ('<a href="javascript:alert(1)">', "<a>"),
        ("<kbd>", "<kbd>"),
        ("</kbd>", "</kbd>"),
        ("<iframe src=https://evil.example/>", ""),
    ],
)
def test_raw_html_cleaning(raw: str, clean: str) -> None:
    from folio.sanitize import clean_html

    assert clean_html(raw) == clean
