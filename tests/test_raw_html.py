"""Raw HTML comes out as pandoc's HTML writer emits it: cleaned, never restructured."""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

from folio import html_spans, pandoc
from folio.sanitize import Sanitizer

README = """\
Intro.

<p align="center">
  <a href="#end">Jump</a><br/>
  A <i>cat(1)</i> clone.<br>
</p>

<table>
  <tr>
    <td align="center">one<br />two</td>
    <td>three</td>
  </tr>
</table>

<hr />

<details>
<summary>More</summary>

Text in *Markdown*.

</details>

End {#end}
"""


class Count(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.tags: dict[str, int] = {}

    def handle_starttag(self, tag: str, attrs: list) -> None:
        self.tags[tag] = self.tags.get(tag, 0) + 1


def count(html: str) -> dict[str, int]:
    counter = Count()
    counter.feed(html)
    return counter.tags


def cleaned(tmp_path: Path) -> tuple[str, str, list[str]]:
    path = tmp_path / "source" / "doc.md"
    path.parent.mkdir()
    path.write_text(README, encoding="utf-8")
    blocks = pandoc.read_markdown(README)
    sanitizer = Sanitizer(path, tmp_path, path.parent)
    ours = pandoc.write(pandoc.document(sanitizer.clean(blocks)), "html5")
    theirs = pandoc.write(pandoc.document(blocks), "html5")
    return ours, theirs, sanitizer.warnings


def test_allowed_raw_html_keeps_its_elements(tmp_path: Path) -> None:
    ours, theirs, _ = cleaned(tmp_path)
    assert count(ours) == count(theirs)
    assert ours.count("<br") == 3
    assert "<hr />" in ours and "<tr>" in ours


def test_each_removed_attribute_is_a_warning_with_file_and_line(tmp_path: Path) -> None:
    ours, _, warnings = cleaned(tmp_path)
    assert "align" not in ours
    assert [w.split("source/")[1] for w in warnings] == [
        "doc.md:3: raw HTML: attribute align of <p> removed",
        "doc.md:10: raw HTML: attribute align of <td> removed",
    ]


def test_html_opened_in_one_block_and_closed_in_another_is_one_group() -> None:
    blocks = pandoc.read_markdown(README)
    groups = html_spans.groups(blocks)
    kinds = [[blocks[i]["t"] for i in group] for group in groups]
    assert kinds[0] == ["Para"]
    assert kinds[-1] == ["Para"]
    # <p> … </p>, <table> … </table>, <hr />, <details> … </details>: each one group.
    assert [k[0] for k in kinds[1:-1]] == ["RawBlock"] * 4
    assert all(k[-1] == "RawBlock" for k in kinds[1:-1])
