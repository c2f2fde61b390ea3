"""The printer's booklet: pages padded to a multiple of four, imposed two-up, saddle-stitched."""

from __future__ import annotations

import io

from pypdf import PdfReader, PdfWriter, Transformation

MM = 72 / 25.4  # PDF points in a millimetre


def saddle_stitch(pages: int) -> list[tuple[int | None, int | None]]:
    """(left, right) page indexes of each sheet side, outermost sheet first, front then back.

    The count is padded to a multiple of four with blank pages (None) at the end, where a
    booklet's spare leaves belong: after the text, not inside it.
    """
    total = max(4, -(-pages // 4) * 4)

    def page(index: int) -> int | None:
        return index if index < pages else None

    sides = []
    for sheet in range(total // 4):
        sides.append((page(total - 1 - 2 * sheet), page(2 * sheet)))  # front: N, 1
        sides.append((page(2 * sheet + 1), page(total - 2 - 2 * sheet)))  # back: 2, N-1
    return sides


def impose(pdf: bytes, creep_mm: float = 0.0) -> tuple[bytes, int]:
    """Each pair of pages side by side on a sheet twice as wide (A5 pages on A4 landscape).

    `creep_mm` moves the pages of each inner sheet that much further toward the spine, since
    inner sheets stick out at the fore-edge once folded. Returns the PDF and its sheet sides.
    """
    reader = PdfReader(io.BytesIO(pdf))
    sides = saddle_stitch(len(reader.pages))
    width = float(reader.pages[0].mediabox.width)
    height = float(reader.pages[0].mediabox.height)
    writer = PdfWriter()
    for number, (left, right) in enumerate(sides):
        shift = (number // 2) * creep_mm * MM
        side = writer.add_blank_page(width=2 * width, height=height)
        if left is not None:
            side.merge_transformed_page(reader.pages[left], Transformation().translate(shift, 0))
        if right is not None:
            side.merge_transformed_page(
                reader.pages[right], Transformation().translate(width - shift, 0)
            )
    if reader.metadata:
        writer.add_metadata(dict(reader.metadata))
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue(), len(sides)
