"""What one build reads once and its stages share, passed along as one object."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from folio.cache import Cache
from folio.config import Project
from folio.source import Source


@dataclass
class SiteWork:
    """What the site step makes once a build and uses twice: early, from the pages and a draft
    home page while the PDFs and EPUBs render, and at the end, when the downloads' sizes are
    known. (Its font subsets are kept in the build's cache.)"""

    # Each document's date and front matter as HTML, per (field, language).
    fronts: dict[str, tuple[dt.date, dict[tuple[str, str], str]]] = field(default_factory=dict)


@dataclass
class BuildState:
    """One build's project, caches, the manifest before it, and what its stages read once."""

    project: Project
    cache: Cache
    previous: dict[str, dict] = field(default_factory=dict)  # manifest entries by path
    sources: dict[str, Source] = field(default_factory=dict)
    site: SiteWork = field(default_factory=SiteWork)
