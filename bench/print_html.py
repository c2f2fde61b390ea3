"""Write folio's print HTML of one edition: the page folio hands to WeasyPrint, stylesheets inlined.

Usage: python bench/print_html.py PROJECT EDITION OUT.html   (EDITION as folio names it: en+zh-Hans)

For bench line e4, which times WeasyPrint's own command line on it. Runs with the interpreter
folio is installed in.
"""

from __future__ import annotations

import sys
from pathlib import Path

from folio.build import jobs_of
from folio.config import find_project
from folio.render.page import page_context
from folio.render.pdf import print_html


def main(project_dir: str, edition: str, out: str) -> None:
    project = find_project(Path(project_dir))
    job = jobs_of(project, ["pdf"], [edition])[0]
    context = page_context(job.project, job.edition, job.parts)
    Path(out).write_text(print_html(context), encoding="utf-8")


if __name__ == "__main__":
    main(*sys.argv[1:])
