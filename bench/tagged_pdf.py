"""What a tagged PDF (PDF/UA structure) costs: folio's print render of one edition, untagged and
tagged, alternating, medians.

Usage: python bench/tagged_pdf.py PROJECT EDITION [ROUNDS]   (EDITION as folio names it)

Each round lays the page out and writes the PDF twice, once each way, in turns (A B, then B A),
so that a machine busy with other work slows both alike. Runs with the interpreter folio is
installed in. Prints one line: the medians and the ratio.
"""

from __future__ import annotations

import io
import statistics
import sys
import time
from pathlib import Path

from folio.build import jobs_of
from folio.config import find_project
from folio.render.page import page_context
from folio.render.pdf import ProjectFetcher, install_layout_rules, lay_out, print_html


def render(html: str, root: Path, tagged: bool) -> float:
    """Seconds for one layout and PDF, as render_pdf does them."""
    started = time.perf_counter()
    document = lay_out(html, root, ProjectFetcher(root))
    document.write_pdf(io.BytesIO(), pdf_tags=tagged)
    return time.perf_counter() - started


def main(project_dir: str, edition: str, rounds: str = "7") -> None:
    project = find_project(Path(project_dir))
    job = jobs_of(project, ["pdf"], [edition])[0]
    html = print_html(page_context(job.project, job.edition, job.parts))
    install_layout_rules()
    render(html, project.root, False)  # warm: fonts, Pango's font map
    times: dict[bool, list[float]] = {False: [], True: []}
    for number in range(int(rounds)):
        order = (False, True) if number % 2 == 0 else (True, False)
        for tagged in order:
            times[tagged].append(render(html, project.root, tagged))
    plain, tagged = statistics.median(times[False]), statistics.median(times[True])
    print(
        f"{edition}: untagged {plain:.3f} s, tagged {tagged:.3f} s (medians of {rounds}), "
        f"tagged / untagged = {tagged / plain:.3f}"
    )


if __name__ == "__main__":
    main(*sys.argv[1:])
