"""The printer's booklet: pages padded to a multiple of four, imposed two-up, saddle-stitched."""

from __future__ import annotations

import io
from dataclasses import dataclass

from pypdf import PageObject, PdfReader, PdfWriter, Transformation
from pypdf.generic import (
    ArrayObject,
    ContentStream,
    DictionaryObject,
    FloatObject,
    NameObject,
    NumberObject,
    RectangleObject,
)

from folio.render.job import Job, Made

MM = 72 / 25.4  # PDF points in a millimetre
# Crop and fold marks: 1 mm clear of the bleed, 5 mm long, hairlines in registration colour.
MARK_GAP = 1 * MM
MARK_LENGTH = 5 * MM
MARK_WIDTH = 0.25
REGISTRATION = NameObject("/FolioRegistration")
# The named destination of the back cover in the print edition (print.html.j2's id).
BACK_COVER = "back-cover"


def saddle_stitch(pages: int, back_cover: bool = False) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes of each sheet side, outermost sheet first, front then back.

    The count is padded to a multiple of four with blank pages (None) after the text, where a
    booklet's spare leaves belong; with `back_cover`, the last page stays last, after them.
    """
    total = max(4, -(-pages // 4) * 4)

    def page(index: int) -> int | None:
        if back_cover and index == total - 1:
            return pages - 1
        if index < (pages - 1 if back_cover else pages):
            return index
        return None

    sides = []
    for sheet in range(total // 4):
        sides.append((page(total - 1 - 2 * sheet), page(2 * sheet)))  # front: N, 1
        sides.append((page(2 * sheet + 1), page(total - 2 - 2 * sheet)))  # back: 2, N-1
    return sides


@dataclass(frozen=True)
class Sheet:
    """A sheet side in points: two trimmed pages side by side, centred on the paper, their
    bleed around them, and room for crop marks outside it (none without bleed)."""

    page_width: float
    page_height: float
    bleed: float
    # The standard sheet; larger when bleed and marks need more room (as an SRA sheet is).
    paper: tuple[float, float] = (0.0, 0.0)

    @classmethod
    def for_page(cls, page: PageObject, paper: tuple[float, float] = (0.0, 0.0)) -> Sheet:
        """From a page's TrimBox and BleedBox (WeasyPrint sets both for `bleed`)."""
        trim, bleed = page.trimbox, page.bleedbox
        return cls(float(trim.width), float(trim.height), float(trim.left - bleed.left), paper)

    @property
    def room(self) -> float:
        """What the pair needs beyond its trim on every side: the bleed and the marks."""
        return self.bleed + MARK_GAP + MARK_LENGTH if self.bleed > 0 else 0.0

    @property
    def media(self) -> tuple[float, float]:
        width = max(self.paper[0], 2 * self.page_width + 2 * self.room)
        return width, max(self.paper[1], self.page_height + 2 * self.room)

    @property
    def margin(self) -> float:
        """From the media's left edge to the trim (the pair is centred)."""
        return (self.media[0] - 2 * self.page_width) / 2

    @property
    def trim(self) -> tuple[float, float, float, float]:
        """The finished sheet: both pages, abutting at the spine, centred on the paper."""
        left, bottom = self.margin, (self.media[1] - self.page_height) / 2
        return left, bottom, left + 2 * self.page_width, bottom + self.page_height

    @property
    def spine(self) -> float:
        return self.margin + self.page_width

    def bleed_box(self) -> tuple[float, float, float, float]:
        left, bottom, right, top = self.trim
        b = self.bleed
        return left - b, bottom - b, right + b, top + b

    def half(self, side: str) -> tuple[float, float, float, float]:
        """Where one page shows: its trim and its outer bleed; at the spine it stops at the trim."""
        left, bottom, right, top = self.bleed_box()
        spine = self.spine
        return (left, bottom, spine, top) if side == "left" else (spine, bottom, right, top)

    def marks(self) -> list[tuple[tuple[float, float, float, float], bool]]:
        """((x0, y0, x1, y1), dashed) of each mark: crop marks on the sheet's trim lines at its
        four corners, and dashed fold marks on the spine, all outside the bleed."""
        if self.bleed <= 0:
            return []
        left, bottom, right, top = self.trim
        near, far = self.bleed + MARK_GAP, self.bleed + MARK_GAP + MARK_LENGTH
        lines = []
        for x, outward in ((left, -1), (right, 1)):
            for y, upward in ((bottom, -1), (top, 1)):
                lines.append(((x + outward * near, y, x + outward * far, y), False))
                lines.append(((x, y + upward * near, x, y + upward * far), False))
        spine = self.spine
        lines.append(((spine, bottom - near, spine, bottom - far), True))
        lines.append(((spine, top + near, spine, top + far), True))
        return lines


def render(job: Job) -> Made:
    """A target's booklet, imposed from its edition's print PDF."""
    settings = job.project.settings
    booklet, sides = impose(job.print_pdf or b"", settings.booklet_creep_mm, settings.sheet_mm)
    return Made(booklet, sides)


def impose(
    pdf: bytes, creep_mm: float = 0.0, sheet_mm: tuple[float, float] = (0.0, 0.0)
) -> tuple[bytes, int]:
    """Each pair of pages side by side, centred on a sheet of `sheet_mm` (e.g. A5 pages on A4
    landscape); the last page stays the back cover when the PDF marks it (#back-cover).

    With bleed, the pages are trimmed, the sheet keeps their bleed on its outer edges only, and
    crop and fold marks stand outside it (TrimBox: the finished sheet; BleedBox: trim + bleed).
    `creep_mm` moves the pages of each inner sheet that much further toward the spine, since
    inner sheets stick out at the fore-edge once folded. Returns the PDF and its sheet sides.
    """
    reader = PdfReader(io.BytesIO(pdf))
    sides = saddle_stitch(len(reader.pages), has_back_cover(reader))
    sheet = Sheet.for_page(reader.pages[0], (sheet_mm[0] * MM, sheet_mm[1] * MM))
    writer = PdfWriter()
    for number, pair in enumerate(sides):
        shift = (number // 2) * creep_mm * MM
        side = writer.add_blank_page(*sheet.media)
        side.trimbox = RectangleObject(sheet.trim)
        if sheet.bleed > 0:
            side.bleedbox = RectangleObject(sheet.bleed_box())
            draw_marks(side, sheet)
        for index, half, offset in zip(pair, ("left", "right"), (shift, -shift), strict=True):
            if index is not None:
                place(side, reader.pages[index], sheet, half, offset)
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(sides)


def has_back_cover(reader: PdfReader) -> bool:
    """Whether the PDF's last page is its back cover (the print template's #back-cover)."""
    target = reader.named_destinations.get(BACK_COVER)
    return (
        target is not None and reader.get_destination_page_number(target) == len(reader.pages) - 1
    )


def place(side: PageObject, page: PageObject, sheet: Sheet, half: str, shift: float) -> None:
    """Put a page's trim on its half of the sheet, `shift` points to the right, clipped there."""
    trim = page.trimbox
    x = sheet.margin + (sheet.page_width if half == "right" else 0) + shift - float(trim.left)
    y = sheet.trim[1] - float(trim.bottom)
    # pypdf clips a merged page to its CropBox: the half of the sheet, in the page's own terms.
    left, bottom, right, top = sheet.half(half)
    page.cropbox = RectangleObject((left - x, bottom - y, right - x, top - y))
    side.merge_transformed_page(page, Transformation().translate(x, y))


def draw_marks(side: PageObject, sheet: Sheet) -> None:
    """Stroke the sheet's marks in registration colour (every separation, as printers expect)."""
    side[NameObject("/Resources")] = DictionaryObject(
        {NameObject("/ColorSpace"): DictionaryObject({REGISTRATION: registration_colour_space()})}
    )
    operations: list[tuple[list, bytes]] = [
        ([REGISTRATION], b"CS"),
        ([FloatObject(1)], b"SCN"),
        ([FloatObject(MARK_WIDTH)], b"w"),
    ]
    for (x0, y0, x1, y1), dashed in sheet.marks():
        dash = ArrayObject([FloatObject(2), FloatObject(2)] if dashed else [])
        operations.append(([dash, NumberObject(0)], b"d"))
        operations.append(([FloatObject(x0), FloatObject(y0)], b"m"))
        operations.append(([FloatObject(x1), FloatObject(y1)], b"l"))
        operations.append(([], b"S"))
    stream = ContentStream(None, side.pdf)
    stream.operations = operations
    side.replace_contents(stream)


def registration_colour_space() -> ArrayObject:
    """/Separation /All: ink on every plate, full tint at 1."""
    tint = DictionaryObject(
        {
            NameObject("/FunctionType"): NumberObject(2),
            NameObject("/Domain"): ArrayObject([NumberObject(0), NumberObject(1)]),
            NameObject("/C0"): ArrayObject([FloatObject(0)] * 4),
            NameObject("/C1"): ArrayObject([FloatObject(1)] * 4),
            NameObject("/N"): NumberObject(1),
        }
    )
    return ArrayObject(
        [NameObject("/Separation"), NameObject("/All"), NameObject("/DeviceCMYK"), tint]
    )
