"""Index a built site's pages for search as `folio build` does, into a temporary folder, and
print the seconds it took as one JSON line: {"seconds": S}.

Usage: python bench/search_index.py PROJECT

For bench lines h and i, which time the search index alone (every language, from the pages
in PROJECT/build/site/), inside the process as in a build: Python's start-up and folio's
imports, which a build has paid already, are not counted. Runs with the interpreter folio is
installed in.
"""

from __future__ import annotations

import json
import sys
import tempfile
import time
from pathlib import Path

from folio.config import find_project
from folio.render.search import Page, bundles, index_bundles, site_records, write_bundle


def main(project_dir: str) -> None:
    project = find_project(Path(project_dir))
    site = project.build_dir / "site"
    started = time.perf_counter()
    pages = [
        Page(doc, path.stem, path.read_bytes())
        for doc in project.documents()
        for path in sorted((site / doc).glob("*.html"))
    ]
    with tempfile.TemporaryDirectory(prefix="folio-search-") as work:
        todo = {
            (lang, str(number)): bundle
            for lang, found in site_records(pages).items()
            for number, bundle in enumerate(bundles(found))
        }
        for (lang, key), files in index_bundles(todo).items():
            write_bundle(Path(work) / lang / key, files)
    print(json.dumps({"seconds": time.perf_counter() - started}))


if __name__ == "__main__":
    main(*sys.argv[1:])
