"""Stage 3: render every job, the heavy ones in the worker pool, then the formats made from
another's output (a booklet from its PDF)."""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, wait
from dataclasses import replace

from folio.build.pool import Rendered, Workers, render_job
from folio.build.prepare import edition_of
from folio.config import Project
from folio.render.formats import FORMATS, output_path
from folio.render.job import Job, Target

# Called with (target, done, total) when a target starts (done < total) and when it is done.
Report = Callable[[Target, int, int], None]


def run(
    jobs: list[Job],
    workers: Workers,
    report: Report | None,
    meanwhile: Callable[[list[Rendered]], None] | None = None,
) -> list[Rendered]:
    """Render every job, in the pool when there is one; an EPUB waiting for the page map of a
    PDF rendered here starts when that PDF is done. The web pages (quick) render in this
    process while the pool's workers warm up and work; then `meanwhile` gets them, to start on
    the site's files."""
    pool = workers.pool
    # The slowest first, so that the pool does not end waiting on one long PDF.
    jobs = sorted(jobs, key=lambda j: (j.target.format != "pdf", -len(j.target.languages)))
    total = len(jobs)
    pdfs = {edition_of(j.target) for j in jobs if j.target.format == "pdf"}
    waiting = {
        edition_of(j.target, "pdf"): j
        for j in jobs
        if j.paged and j.page_map is None and edition_of(j.target, "pdf") in pdfs
    }
    queue = [j for j in jobs if not any(j is w for w in waiting.values())]
    done: list[Rendered] = []

    def finished(rendered: Rendered) -> list[Job]:
        """Count a rendered job; hand a PDF's page map to the EPUB waiting for it."""
        done.append(rendered)
        follow = waiting.pop(edition_of(rendered.target), None)
        if report:
            report(rendered.target, len(done), total)
        if not follow:
            return []
        return [replace(follow, page_map=rendered.page_map, print_pdf=rendered.data)]

    here = [j for j in queue if not FORMATS[j.target.format].heavy]
    queue = [j for j in queue if FORMATS[j.target.format].heavy]

    def render_here() -> None:
        pages = []
        for job in here:
            if report:
                report(job.target, len(done), total)
            pages.append(render_job(job))
            finished(pages[-1])
        if meanwhile and pages:
            meanwhile(pages)

    if pool is None:
        workers.ready()
        render_here()
        while queue:
            job = queue.pop(0)
            if report:
                report(job.target, len(done), total)
            queue += finished(render_job(job))
        return done
    for job in jobs:
        if report:
            report(job.target, 0, total)
    # Queued behind the warm-ups: each worker loads the renderers first.
    pending = {pool.submit(render_job, job): job for job in queue}
    render_here()
    workers.ready()
    while pending:
        ready, _ = wait(pending, return_when=FIRST_COMPLETED)
        for future in ready:
            del pending[future]
            for job in finished(future.result()):
                pending[pool.submit(render_job, job)] = job
    return done


def made_from_others(
    project: Project, targets: list[Target], rendered: list[Rendered], previous: dict[str, dict]
) -> list[Rendered]:
    """Each target made from another format's output of its edition (a booklet from the PDF):
    the one just rendered, or the current file."""
    done = []
    for target in targets:
        started = time.perf_counter()
        source_format = FORMATS[target.format].made_from or ""
        path = output_path(target.document, target.edition, source_format)
        made = next((r for r in rendered if r.target.path == path), None)
        data = made.data if made else (project.root / path).read_bytes()
        fallbacks = made.fallbacks if made else previous[path].get("fallbacks", 0)
        job = Job(project, target, None, None, print_pdf=data)
        output = FORMATS[target.format].renderer().render(job)
        seconds = time.perf_counter() - started
        done.append(Rendered(target, output.data, output.pages, seconds, [], fallbacks))
    return done
