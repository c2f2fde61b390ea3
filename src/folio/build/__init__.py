"""`folio build`: plan → prepare editions → render → publish the site → manifest.

Each stage is a module of this package; the caches they share live in build/.cache/
(folio.cache). Nothing is written unless every output rendered.
"""

from __future__ import annotations

import contextlib
import os
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from folio.build.manifest import Output, output_of, read_manifest, unlist, write_manifest
from folio.build.pagemaps import drop_stale_page_maps, page_map_path
from folio.build.plan import is_current, plan
from folio.build.site import publish_site, stage_search, warm_search, write_changed
from folio.build.state import BuildState
from folio.cache import Cache
from folio.collection import load_collections
from folio.config import Project
from folio.edition import editions
from folio.files import exclusive_lock
from folio.render.formats import FORMATS
from folio.staging import remove_leftovers, staging

if TYPE_CHECKING:
    from folio.build.pool import Rendered
    from folio.build.render import Report
    from folio.render.job import Job

# The stages that read, align and render (prepare, render) are imported when a build has
# something to make: a build with nothing to do loads no parser, catalog reader or renderer.

LOCK = ".lock"

__all__ = ["BuildResult", "build", "editions", "jobs_of", "plan"]


@dataclass
class BuildResult:
    outputs: list[Output]
    rebuilt: list[Rendered] = field(default_factory=list)
    fallbacks: dict[str, int] = field(default_factory=dict)  # "doc edition" → untranslated units
    notes: list[str] = field(default_factory=list)  # warnings about the inputs

    @property
    def warnings(self) -> list[str]:
        return sorted(set(self.notes)) + [w for r in self.rebuilt for w in r.warnings]


def build(
    project: Project,
    formats: list[str] | None = None,
    only: list[str] | None = None,
    force: bool = False,
    jobs: int | None = None,
    report: Report | None = None,
    strict: bool = False,
    cache: bool | Cache = True,
) -> BuildResult:
    """Build what is out of date; nothing is written unless every output rendered.

    With `strict` (or min-coverage in [tool.folio]) a catalog below the minimum fails the build.
    Without `cache`, every stage computes everything again (the outputs are the same bytes);
    given one (a long-running `folio serve` keeps its own), its tables are not read again.
    """
    with exclusive_lock(project.build_dir / LOCK):
        remove_leftovers(project.build_dir)
        caches = cache.renewed() if isinstance(cache, Cache) else open_cache(project, cache)
        state = BuildState(project, caches)
        state.previous = {entry["path"]: entry for entry in read_manifest(project)}
        minimum = project.settings.min_coverage
        if minimum is not None or strict:
            from folio.build.prepare import check_coverage

            check_coverage(state, 100.0 if minimum is None else minimum)
        targets = plan(project, formats, only)
        result = BuildResult([])
        todo = [t for t in targets if force or not is_current(project, t, state.previous)]
        warm = warm_search(state, todo)
        try:
            result.rebuilt = make(state, todo, targets, result, jobs, report)
            # The search is indexed (by Pagefind's programs, mostly) while the site is made.
            with ThreadPoolExecutor(1) as pool:
                staged = pool.submit(stage_search, state, result.rebuilt, warm)
                site = publish_site(state, targets, result.rebuilt)
                search = staged.result()
        finally:
            if warm:
                warm.stop()
        publish(state, result.rebuilt, site)
        if search:
            search.publish()
        fresh = {
            r.target.path: output_of(r.target, r.data, r.pages, r.fallbacks) for r in result.rebuilt
        }
        result.outputs = [fresh.get(t.path) or Output(**state.previous[t.path]) for t in targets]
        write_manifest(project, result.outputs)
        listed = {
            f"{e['document']}.{e['edition']}.json"
            for e in read_manifest(project)
            if e["format"] == "pdf"
        }
        drop_stale_page_maps(project, listed)
        # The outputs are written: a cache that cannot be (a full disk) only costs time later.
        with contextlib.suppress(OSError):
            state.cache.save()
            state.cache.prune({*project.documents(), *load_collections(project), "site"})
    return result


def jobs_of(project: Project, formats: list[str], only: list[str] | None = None) -> list[Job]:
    """The render jobs of a project's targets, prepared as a build would, without a cache (for
    tools that look at what a renderer is given: the benchmarks)."""
    from folio.build.prepare import prepare

    state = BuildState(project, Cache(None))
    return prepare(state, plan(project, formats, only), [], {})


def open_cache(project: Project, wanted: bool) -> Cache:
    """The project's caches, salted with folio's code and tools (none when not `wanted`)."""
    from folio import cache
    from folio.keys import folio_digest, tool_versions

    usable = wanted and cache.usable()
    folder = project.build_dir / cache.FOLDER if usable else None
    return Cache(folder, f"{folio_digest()};{tool_versions()}")


def make(
    state: BuildState,
    todo: list,
    targets: list,
    result: BuildResult,
    jobs: int | None,
    report: Report | None,
) -> list[Rendered]:
    """Prepare and render the targets out of date, in the pool and here at once; then the
    formats made from another's output, then the downloads the web pages list."""
    if not todo:
        return []
    from folio.build.pool import worker_pool
    from folio.build.prepare import prepare
    from folio.build.render import made_from_others, run
    from folio.build.site import with_downloads

    direct = [t for t in todo if not FORMATS[t.format].made_from]
    heavy = sum(FORMATS[t.format].heavy for t in direct)
    with worker_pool(jobs or os.cpu_count() or 1, heavy, len(direct) - heavy) as workers:
        prepared = prepare(state, direct, result.notes, result.fallbacks)

        def draft_site(pages: list[Rendered]) -> None:
            publish_site(state, targets, pages)

        # While the workers render PDFs and EPUBs, the site's fonts are made from the pages.
        rendered = run(prepared, workers, report, draft_site if workers.pool else None)
    others = [t for t in todo if FORMATS[t.format].made_from]
    rendered += made_from_others(state.project, others, rendered, state.previous)
    return with_downloads(state, rendered)


def publish(state: BuildState, rebuilt: list[Rendered], site: dict[str, bytes]) -> None:
    """Write the outputs and the site's files: every file staged, then renamed into place."""
    project = state.project
    with staging() as stage:
        for rendered in rebuilt:
            stage.add(project.root / rendered.target.path, rendered.data)
            if rendered.page_map and rendered.target.format == "pdf":
                path = page_map_path(project, rendered.target)
                stage.add(path, rendered.page_map.to_json().encode("utf-8"))
        write_changed(project.root, site, stage)
        # Until the last rename, the manifest lists none of the files being replaced: a
        # build killed in between leaves no entry whose file has other bytes.
        unlist(project, stage.targets)
        stage.commit()
