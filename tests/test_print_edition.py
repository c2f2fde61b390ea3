"""The print edition as a press and a print shop check it: booklet covers and sheet, bleed and
marks, and page images of every edition in build/proofs/ for a human to look at."""

from __future__ import annotations

import io
import re
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pdfplumber
import pypdfium2
import pytest
from pypdf import PdfReader

from conftest import DOC, EDITIONS, ROOT, Built, run_folio
from folio.brand import load_brand
from folio.config import Settings
from folio.render.booklet import MM, impose
from helpers import CLOSING, OPENING, add_settings, po_path, squeeze

PROOFS = ROOT / "build" / "proofs"


def booklet_of(built: Built, edition: str) -> bytes:
    """The edition's booklet, imposed from its print PDF as `folio build --format booklet` does."""
    return impose(built.output(edition, "pdf").read_bytes(), 0.0, Settings().sheet_mm)[0]


def half_text(pdf: Path | bytes, side: int, half: str) -> str:
    """The text of the left or right half of a sheet side."""
    with pdfplumber.open(io.BytesIO(pdf) if isinstance(pdf, bytes) else pdf) as document:
        page = document.pages[side]
        middle = page.width / 2
        box = (
            (0, 0, middle, page.height) if half == "left" else (middle, 0, page.width, page.height)
        )
        return page.crop(box).extract_text() or ""


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_outside_back_cover_holds_no_text_of_the_book(built: Built, edition: str) -> None:
    """The booklet's first sheet: the front cover on the right, the back cover on the left,
    which prints only the brand's names and address, however many pages the text fills."""
    booklet = booklet_of(built, edition)
    back = squeeze(half_text(booklet, 0, "left"))
    brand = load_brand(built.root / "templates" / "brand.yaml")
    texts = [*brand.university.values(), *brand.institute.values(), *brand.address.values()]
    for text in sorted(texts, key=len, reverse=True):
        back = back.replace(squeeze(text), "")
    assert back == ""
    assert "中國傳媒大學" in half_text(booklet, 0, "right")  # the front cover


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_booklet_sheet_is_a4_landscape_with_the_pair_centred(
    built: Built, edition: str
) -> None:
    reader = PdfReader(io.BytesIO(booklet_of(built, edition)))
    page = PdfReader(built.output(edition, "pdf")).pages[0]
    width, height = float(page.mediabox.width), float(page.mediabox.height)
    for side in reader.pages:
        media, trim = side.mediabox, side.trimbox
        assert (float(media.width), float(media.height)) == pytest.approx(
            (841.89, 595.28), abs=0.01
        )
        assert float(trim.width) == pytest.approx(2 * width, abs=0.01)
        assert float(trim.height) == pytest.approx(height, abs=0.01)
        assert float(trim.left) == pytest.approx(float(media.right) - float(trim.right), abs=0.01)
        assert float(trim.bottom) == pytest.approx(float(media.top) - float(trim.top), abs=0.01)


@pytest.fixture(scope="module")
def bled(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The English print edition with `bleed-mm = 3`."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("bleed") / "project")
    add_settings(root, "bleed-mm = 3")
    result = run_folio(root, "build", "--format", "pdf", "--edition", "en")
    assert result.returncode == 0, result.stderr
    return root / "build" / DOC / f"{DOC}.en.pdf"


SCALE = 4  # pixels a point
INK = {"red": (0x8C, 0x1C, 0x13), "cream": (0xFF, 0xFD, 0xF8), "white": (255, 255, 255)}


def page_colours(path: Path, index: int) -> tuple[Callable[[float, float], tuple], list]:
    """The pixel at (x, y) in PDF points of a page rendered whole (its MediaBox), and the page's
    boxes (MediaBox, TrimBox, BleedBox) as (left, bottom, right, top)."""
    page = pypdfium2.PdfDocument(path)[index]
    image = page.render(scale=SCALE).to_pil().convert("RGB")
    boxes = [tuple(map(float, box)) for box in (page.get_mediabox(), page.get_trimbox())]
    boxes.append(tuple(map(float, page.get_bleedbox())))
    left, _, _, top = boxes[0]

    def pixel(x: float, y: float) -> tuple:
        return image.getpixel((int((x - left) * SCALE), int((top - y) * SCALE)))

    return pixel, boxes


def near(pixel: tuple, colour: str) -> bool:
    return sum(abs(a - b) for a, b in zip(pixel, INK[colour], strict=True)) < 24


@pytest.mark.slow
def test_the_cover_grounds_fill_the_bleed(bled: Path) -> None:
    pixel, (_, trim, bleed) = page_colours(bled, 0)
    assert trim[0] - bleed[0] == pytest.approx(3 * MM, abs=0.05)
    left, bottom, right, top = trim
    outside = 1.5 * MM  # halfway into the bleed
    assert near(pixel(left - outside, top + outside), "red")  # the band, round the corner
    assert near(pixel((left + right) / 2, top + outside), "red")
    assert near(pixel(right + outside, top - 5 * MM), "red")
    assert near(pixel(left - outside, (top + bottom) / 2), "cream")  # the ground
    assert near(pixel(right + outside, bottom - outside), "cream")
    assert near(pixel(left - 4 * MM, (top + bottom) / 2), "white")  # nothing past the bleed


@pytest.mark.slow
@pytest.mark.parametrize("index", [0, 5])
def test_crop_marks_stand_outside_the_bleed_box(bled: Path, index: int) -> None:
    """Dark pixels beyond the trim (a page's text never goes there) are crop marks: there are
    some at each corner, all outside the BleedBox."""
    pixel, (media, trim, bleed) = page_colours(bled, index)
    corners = [(trim[0], trim[1]), (trim[0], trim[3]), (trim[2], trim[1]), (trim[2], trim[3])]
    step = 1 / SCALE
    for cx, cy in corners:
        dark_out = dark_in = 0
        # The ring round the corner, along its two trim lines, out to the media's edge.
        for k in range(int((trim[0] - media[0]) / step)):
            distance = k * step
            for x, y in (
                (cx + (distance if cx > trim[0] else -distance), cy),
                (cx, cy + (distance if cy > trim[1] else -distance)),
            ):
                if max(pixel(x, y)) < 110:  # black or grey, not the red band
                    inside = bleed[0] <= x <= bleed[2] and bleed[1] <= y <= bleed[3]
                    dark_in += inside
                    dark_out += not inside
        assert dark_out > 0 and dark_in == 0, (cx, cy, dark_in, dark_out)


def render(pdf: Path | bytes, index: int, path: Path, scale: float = 1.5) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    pypdfium2.PdfDocument(pdf)[index].render(scale=scale).to_pil().save(path)


def spread(pdf: Path, left: int, path: Path, scale: float = 1.5) -> None:
    """Two facing pages side by side, as a reader sees them."""
    from PIL import Image

    document = pypdfium2.PdfDocument(pdf)
    images = [document[i].render(scale=scale).to_pil() for i in (left, left + 1)]
    whole = Image.new("RGB", (images[0].width * 2, images[0].height), "white")
    whole.paste(images[0], (0, 0))
    whole.paste(images[1], (images[0].width, 0))
    path.parent.mkdir(parents=True, exist_ok=True)
    whole.save(path)


@pytest.mark.parametrize("edition", EDITIONS)
def test_proofs_for_a_human(built: Built, edition: str) -> None:
    """Page images of the cover, the first spread of text and the booklet's first sheet."""
    pdf = built.output(edition, "pdf")
    with pdfplumber.open(pdf) as document:
        texts = [page.extract_text() or "" for page in document.pages]
    # The first left-hand page of the text: after the contents, an even page number.
    first = next(i for i, text in enumerate(texts) if i > 3 and i % 2 and len(text) > 400)
    render(pdf, 0, PROOFS / f"{edition}.cover.png")
    spread(pdf, first, PROOFS / f"{edition}.spread.png")
    render(booklet_of(built, edition), 0, PROOFS / f"{edition}.booklet-sheet-1.png", 1.0)
    assert all(
        (PROOFS / f"{edition}.{name}.png").stat().st_size > 10_000
        for name in ("cover", "spread", "booklet-sheet-1")
    )


HAN = "\u3400-\u4dbf\u4e00-\u9fff"
BODY_SIZE = 10.0


def lines(path: Path, size: float = BODY_SIZE) -> list[tuple[int, list[dict]]]:
    """(page index, characters left to right) of each line of text at `size` points."""
    found = []
    with pdfplumber.open(path) as pdf:
        for index, page in enumerate(pdf.pages):
            rows: dict[float, list[dict]] = {}
            for char in page.chars:
                if abs(char["size"] - size) < 0.05 and char["text"].strip():
                    # By baseline: the CJK and Latin faces' tops differ on one line.
                    rows.setdefault(round(char["matrix"][5], 1), []).append(char)
            for row in rows.values():
                # A parallel page has two columns on one baseline: split where they part.
                row.sort(key=lambda c: c["x0"])
                column = [row[0]]
                for before, char in zip(row, row[1:], strict=False):
                    if char["x0"] - before["x1"] > 3 * size:
                        found.append((index, column))
                        column = []
                    column.append(char)
                found.append((index, column))
    return found


def text(chars: list[dict]) -> str:
    return "".join(c["text"] for c in chars)


def chinese_paragraphs(built: Built) -> list[str]:
    """The Han characters of each translated paragraph of the seed (its msgstrs)."""
    from folio import pofile

    po = pofile.read(po_path(built.root), "zh-Hans")
    found = [re.sub(f"[^{HAN}]", "", m.string) for m in po.catalog if m.id and m.string]
    return [han for han in found if len(han) > 30]  # paragraphs, not headings or names


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_no_gap_between_adjacent_marks_is_wider_than_half_an_em(built: Built, edition: str) -> None:
    """A closing mark's glyph fills the left half of its em, an opening mark's the right half
    (Noto CJK SC): the blank between two marks' glyphs is at most half an em (clreq 3.1.6)."""
    pairs = []
    for _, chars in lines(built.output(edition, "pdf")):
        for a, b in zip(chars, chars[1:], strict=False):
            if a["text"] in CLOSING + OPENING and b["text"] in CLOSING + OPENING:
                size = a["size"]
                a_ink_right = a["x0"] + (0.5 * size if a["text"] in CLOSING else size)
                b_ink_left = b["x0"] + (0.5 * size if b["text"] in OPENING else 0)
                pairs.append((a["text"] + b["text"], round((b_ink_left - a_ink_right) / size, 3)))
    assert len(pairs) >= 3
    assert [pair for pair in pairs if pair[1] > 0.5 + 0.01] == []


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_no_chinese_paragraph_ends_on_one_character(built: Built, edition: str) -> None:
    paragraphs = chinese_paragraphs(built)
    last_lines = []
    for _, chars in lines(built.output(edition, "pdf")):
        han = re.sub(f"[^{HAN}]", "", text(chars))
        if han and any(whole.endswith(han) for whole in paragraphs):
            last_lines.append(text(chars))
    assert len(last_lines) >= len(paragraphs) - 2  # a short one may share its line with others
    assert [line for line in last_lines if re.fullmatch(f"[{HAN}][{CLOSING}]*", line)] == []


@pytest.mark.parametrize("edition", ["zh-Hans", "en+zh-Hans"])
def test_chinese_body_paragraphs_open_with_a_two_em_indent(built: Built, edition: str) -> None:
    paragraphs = chinese_paragraphs(built)
    all_lines = lines(built.output(edition, "pdf"))
    indents = []
    for page, chars in all_lines:
        han = re.sub(f"[^{HAN}]", "", text(chars))
        if len(han) >= 4 and any(whole.startswith(han) for whole in paragraphs):
            # The text block's left edge: where most of the page's lines in that column begin
            # (an opening mark that starts a line stands half an em outside it).
            column = [
                round(c[0]["x0"], 1)
                for p, c in all_lines
                if p == page and abs(c[0]["x0"] - chars[0]["x0"]) < 4 * BODY_SIZE
            ]
            edge = Counter(column).most_common(1)[0][0]
            indents.append((han[:6], round((chars[0]["x0"] - edge) / BODY_SIZE, 2)))
    assert len(indents) >= len(paragraphs) - 1
    assert [i for i in indents if abs(i[1] - 2) > 0.05] == []


@pytest.fixture(scope="module")
def parallel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bilingual print edition in the parallel layout."""
    from conftest import copy_project

    root = copy_project(tmp_path_factory.mktemp("parallel") / "project")
    args = ("build", "--format", "pdf", "--edition", "en+zh-Hans", "--layout", "parallel")
    result = run_folio(root, *args)
    assert result.returncode == 0, result.stderr
    return root / "build" / DOC / f"{DOC}.en+zh-Hans.pdf"


def english_lines(path: Path) -> list[tuple[int, list[dict]]]:
    """Body lines (or columns of a line) in English: Latin letters, no Han."""
    return [
        (page, chars)
        for page, chars in lines(path)
        if re.search("[A-Za-z]", text(chars)) and not re.search(f"[{HAN}]", text(chars))
    ]


def word_gaps(chars: list[dict]) -> list[float]:
    """The width of each word space of a line, from the letters either side of it."""
    gaps, previous = [], None
    for char in chars:
        if previous is not None and char["x0"] - previous["x1"] > 0.5:
            gaps.append(char["x0"] - previous["x1"])
        previous = char
    return gaps


@pytest.mark.slow
def test_parallel_english_keeps_its_word_spaces_even(parallel: Path) -> None:
    """In the narrow column no word space is over 1.5 times the face's own (0.26 em)."""
    normal = 0.26 * BODY_SIZE
    gaps = [
        (page, text(chars), round(gap / normal, 2))
        for page, chars in english_lines(parallel)
        for gap in word_gaps(chars)
    ]
    assert len(gaps) > 500
    assert [gap for gap in gaps if gap[2] > 1.5] == []


def test_running_heads_set_chinese_upright_in_the_serif_face(built: Built) -> None:
    heads = []
    with pdfplumber.open(built.output("en+zh-Hans", "pdf")) as pdf:
        for page in pdf.pages[4:-1]:  # not the covers
            heads += [
                c for c in page.chars if c["top"] < 15 * MM and re.match(f"[{HAN}]", c["text"])
            ]
    assert len(heads) > 10
    for char in heads:
        assert "Serif-CJK-SC" in char["fontname"], char["fontname"]
        assert char["matrix"][2] == 0  # no shear: not slanted


def foot_lines(path: Path) -> list[tuple[int, str]]:
    """The last body line of each column of each page, English only."""
    last: dict[tuple[int, bool], tuple[float, str]] = {}
    with pdfplumber.open(path) as pdf:
        middle = float(pdf.pages[0].width) / 2
    for page, chars in english_lines(path):
        key = (page, chars[0]["x0"] > middle - 5 * MM)  # the column
        baseline = chars[0]["top"]
        if key not in last or baseline > last[key][0]:
            last[key] = (baseline, text(chars))
    return [(page, line) for (page, _), (_, line) in sorted(last.items())]


# The hyphen WeasyPrint adds where it breaks a word (hyphenate-character: auto); a word's own
# hyphen (win-win) is not hyphenation.
HYPHENS = ("\u2010", "\u00ad")


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["en", "en+zh-Hans", "parallel"])
def test_no_word_is_hyphenated_at_the_foot_of_a_page(
    built: Built, parallel: Path, edition: str
) -> None:
    path = parallel if edition == "parallel" else built.output(edition, "pdf")
    feet = foot_lines(path)
    assert len(feet) >= 4
    assert [(page, line) for page, line in feet if line.endswith(HYPHENS)] == []


@pytest.mark.slow
@pytest.mark.parametrize("edition", ["en", "parallel"])
def test_hyphenation_leaves_three_letters_and_two_lines_at_most(
    built: Built, parallel: Path, edition: str
) -> None:
    path = parallel if edition == "parallel" else built.output(edition, "pdf")
    english = english_lines(path)
    hyphenated = [text(chars).endswith(HYPHENS) for _, chars in english]
    assert sum(hyphenated) >= 3
    for index, (_, chars) in enumerate(english):
        line = text(chars)
        if hyphenated[index]:
            # pdfplumber joins letters of a line without spaces: the part is after the last gap.
            pairs = enumerate(zip(chars, chars[1:], strict=False))
            gaps = [i for i, (a, b) in pairs if b["x0"] - a["x1"] > 0.5]
            part = text(chars[gaps[-1] + 1 :] if gaps else chars).rstrip("".join(HYPHENS))
            assert len(re.sub(r"\W", "", part)) >= 3, line
            following = english[index + 1][1] if index + 1 < len(english) else []
            rest = re.match(r"[A-Za-z]+", text(following))
            assert rest is None or len(rest.group(0)) >= 3, (line, text(following))
        assert not all(hyphenated[index : index + 3]) or index + 3 > len(english), line


def test_a_page_that_breaks_the_hyphenation_rule_is_made_again_alone(
    project: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The rule costs one page made again per page with a word broken at its foot (or a third
    hyphenated line), not another layout of the whole: WeasyPrint makes a page, render/hyphens.py
    reads it and has that page alone made again."""
    from folio.build import jobs_of
    from folio.config import find_project
    from folio.render import hyphens
    from folio.render.page import page_context
    from folio.render.pdf import render_pdf

    made: list[int] = []
    make = hyphens._remake_page

    def counted(index: int, *args):
        made.append(index)
        return make(index, *args)

    monkeypatch.setattr(hyphens, "_remake_page", counted)
    job = jobs_of(find_project(project), ["pdf"], ["en+zh-Hans"])[0]
    pdf = render_pdf(page_context(job.project, job.edition, job.parts))
    again = [index for index, following in zip(made, made[1:], strict=False) if index == following]
    assert again, "no page broke the rule: the test shows nothing"
    assert len(made) < 1.5 * pdf.pages, (len(made), pdf.pages)
    path = tmp_path / "bilingual.pdf"
    path.write_bytes(pdf.data)
    assert [line for _, line in foot_lines(path) if line.endswith(HYPHENS)] == []


def page_texts(path: Path) -> list[str]:
    with pdfplumber.open(path) as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


@pytest.mark.parametrize("edition", EDITIONS)
def test_the_text_begins_on_a_right_hand_page(built: Built, edition: str) -> None:
    first = {"en": "The 2022 Bo’ao", "zh-Hans": "在2022年博鳌", "en+zh-Hans": "The 2022 Bo’ao"}
    texts = page_texts(built.output(edition, "pdf"))
    number = next(
        n
        for n, t in enumerate(texts, start=1)
        if first[edition] in squeeze(t) or (first[edition] in " ".join(t.split()))
    )
    assert number % 2 == 1, number  # odd: a recto


def test_outer_margins_are_wider_than_inner_ones(built: Built) -> None:
    """Where the text block starts on left and right pages (the body's lines, not indents)."""
    starts: dict[str, list[float]] = {"left": [], "right": []}
    with pdfplumber.open(built.output("en", "pdf")) as pdf:
        width = float(pdf.pages[0].width)
        for number, page in enumerate(pdf.pages[5:-1], start=6):
            body = [c for c in page.chars if abs(c["size"] - BODY_SIZE) < 0.05]
            if body:
                side = "left" if number % 2 == 0 else "right"
                starts[side].append((min(c["x0"] for c in body), max(c["x1"] for c in body)))
    (left_outer, left_inner), (right_inner, right_outer) = starts["left"][0], starts["right"][0]
    assert left_outer > width - left_inner  # verso: the outer margin is its left one
    assert width - right_outer > right_inner  # recto: its right one


def test_the_title_page_leaves_no_word_alone_and_says_published_once(built: Built) -> None:
    texts = page_texts(built.output("en", "pdf"))
    title_page = [line.strip() for line in texts[2].splitlines()]
    title = [i for i, line in enumerate(title_page) if line.startswith("China’s Vision")][0]
    assert len(title_page[title + 1].split()) >= 2, title_page[title : title + 2]
    imprint = " ".join(texts[3].split())
    assert imprint.lower().count("published") == 1, imprint


@pytest.mark.parametrize("edition", EDITIONS)
def test_each_contents_entry_ends_in_its_leader_and_page_on_one_line(
    built: Built, edition: str
) -> None:
    texts = page_texts(built.output(edition, "pdf"))
    contents = next(t for t in texts if "Contents" in t or "目录" in t)
    entries = [line for line in contents.splitlines() if re.search(r"\.{5,}\s*\d+$", line)]
    assert len(entries) == 4
    assert all(re.search(r"[A-Za-z\u4e00-\u9fff]", line) for line in entries), entries


def test_the_chinese_edition_speaks_chinese_in_its_footer_and_keywords(built: Built) -> None:
    path = built.output("zh-Hans", "pdf")
    footers = []
    with pdfplumber.open(path) as pdf:
        for page in pdf.pages[6:-1]:
            footers += [c["text"] for c in page.chars if c["top"] > page.height - 18 * MM]
    assert footers and not re.search("[A-Za-z]", "".join(footers)), "".join(footers)
    assert re.search(f"[{HAN}]", PdfReader(path).metadata["/Keywords"])
