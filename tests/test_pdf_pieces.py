"""The print body cut into top-level blocks for laying out in pieces (render/pdf_pieces.py).

Whole layouts against layouts in pieces, on real documents: tests/test_corpus.py.
"""

from __future__ import annotations

import re

from folio.render.pdf_pieces import BLOCK, BODY_END, BODY_START, frame, top_level, unmarked


def test_blocks_are_the_top_level_elements_each_marked_with_its_place() -> None:
    body = '\n<h2 id="a">A<br>b</h2>\n<div class="pair"><p>x<img src="i.png"></p></div>\n<p>z</p>\n'
    blocks = top_level(body)
    assert blocks == [
        f'\n<h2 {BLOCK}="0" id="a">A<br>b</h2>\n',
        f'<div {BLOCK}="1" class="pair"><p>x<img src="i.png"></p></div>\n',
        f'<p {BLOCK}="2">z</p>\n',
    ]
    assert re.sub(f' {BLOCK}="\\d+"', "", "".join(blocks)) == body


def test_tags_that_do_not_nest_leave_the_text_whole() -> None:
    assert top_level("<p>a</div></div>") is None
    assert top_level("<div><p>a</div>") is None


def test_a_script_or_style_is_read_as_text_and_comments_are_no_blocks() -> None:
    blocks = top_level('<!-- x --><div><script>if (a < b) "</p>"</script></div><p>y</p>')
    assert blocks is not None and len(blocks) == 2


def test_the_page_is_framed_around_its_marked_text() -> None:
    page = (
        "<html><head><style></style></head><body><section>front</section>"
        f'<main><p class="running-title">T</p>{BODY_START}<p>1</p><p>2</p>{BODY_END}</main>'
        "<section>back</section></body></html>"
    )
    cut = frame(page)
    assert cut is not None
    assert (cut.front, cut.back, len(cut.blocks)) == (
        "<section>front</section>",
        "<section>back</section>",
        2,
    )
    assert cut.page([], True, False, "x") == (
        "<html><head><style></style><style>x</style></head><body><section>front</section>"
        '<main><p class="running-title">T</p></main></body></html>'
    )
    assert frame(unmarked(page)) is None  # a page without the marks is laid out whole
