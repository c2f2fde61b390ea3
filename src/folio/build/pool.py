"""The worker processes that render the heavy formats, and how a job runs in one."""

from __future__ import annotations

import contextlib
import gc
import logging
import os
import time
from collections.abc import Iterator
from concurrent.futures import Future, ProcessPoolExecutor
from dataclasses import dataclass, field

from folio.render.formats import FORMATS
from folio.render.job import Job, Target
from folio.render.pagemap import PageMap
from folio.workers import started as workers_started

# Allocations between young-generation collections while rendering (Python's default: 700).
SPARSE_THRESHOLD = 50_000


@dataclass(frozen=True)
class Rendered:
    target: Target
    data: bytes
    pages: int | None
    seconds: float
    warnings: list[str]
    fallbacks: int
    page_map: PageMap | None = None  # a PDF's, for the EPUB of its edition


@dataclass
class Workers:
    """Where jobs render: a process pool (None: this process), and its workers' warm-ups."""

    pool: ProcessPoolExecutor | None
    warming: list[Future] = field(default_factory=list)

    def ready(self) -> None:
        """Wait for the warm-ups; a failed HarfBuzz check is raised here (each PDF and EPUB job
        checks too, and fails at once)."""
        for future in self.warming:
            future.result()


@contextlib.contextmanager
def worker_pool(workers: int, heavy: int, light: int) -> Iterator[Workers]:
    """Workers for the `heavy` jobs (PDF, EPUB), started at once to load the renderers while
    this process reads the inputs and renders the `light` ones (web pages); none when there is
    nothing to render beside them."""
    if heavy == 0:
        yield Workers(None)
        return
    if workers <= 1 or heavy + light <= 1:
        warm_up()
        yield Workers(None)
        return
    count = min(workers, heavy)
    with ProcessPoolExecutor(
        max_workers=count, initializer=workers_started, initargs=(os.getpid(),)
    ) as pool:
        yield Workers(pool, [pool.submit(warm_up) for _ in range(count)])


def warm_up() -> None:
    """Import the renderers, and stop if WeasyPrint would subset fonts without HarfBuzz."""
    from folio.render import epub, html, pdf  # noqa: F401

    pdf.check_harfbuzz_subset()


def render_job(job: Job) -> Rendered:
    """Render one target (in a worker process); WeasyPrint's warnings are kept, not printed."""
    started = time.perf_counter()
    renderer = FORMATS[job.target.format].renderer()
    with captured_warnings() as warnings, sparse_collection():
        made = renderer.render(job)
    seconds = time.perf_counter() - started
    warned = [f"{job.target.path}: {w}" for w in warnings]
    fallbacks = sum(job.edition.fallbacks.values()) if job.edition else 0
    return Rendered(job.target, made.data, made.pages, seconds, warned, fallbacks, made.page_map)


class _ListHandler(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.WARNING)
        self.messages: list[str] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.messages.append(record.getMessage())


@contextlib.contextmanager
def captured_warnings() -> Iterator[list[str]]:
    """Collect the warnings WeasyPrint logs while rendering, instead of printing them."""
    handler = _ListHandler()
    logger = logging.getLogger("weasyprint")
    logger.addHandler(handler)
    propagate, logger.propagate = logger.propagate, False
    try:
        yield handler.messages
    finally:
        logger.removeHandler(handler)
        logger.propagate = propagate


@contextlib.contextmanager
def sparse_collection() -> Iterator[None]:
    """Run the cycle collector seldom while a job renders: a tenth of a long PDF's time."""
    # WeasyPrint's millions of objects live until the document is written: each collection
    # would walk them all again, and the job's AST (frozen here) too.
    threshold = gc.get_threshold()
    gc.freeze()
    gc.set_threshold(SPARSE_THRESHOLD, *threshold[1:])
    try:
        yield
    finally:
        gc.set_threshold(*threshold)
        gc.unfreeze()
