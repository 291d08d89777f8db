"""Where charts are drawn and PDFs printed: in this process, or in a worker process of its own.

The CLI draws in its own process (:data:`IN_PROCESS`): one command, then the
process ends. The web server hands the work to one spawned worker process
(:class:`DrawingWorker`), so the server itself never loads matplotlib, numpy or
WeasyPrint. They are most of what a server holds: the server's memory after 3,000
mixed requests was 236 MB with charts drawn in it, of which importing the app
is 78 MB and drawing adds at least 55 MB that never goes back; printing one
PDF adds some 70 MB more. The memory has moved, not gone: ``benchmarks/web.py``
reports the worker's beside the server's.

The worker draws one thing at a time, as a process would anyway, and is
replaced after :data:`TASKS_PER_WORKER` tasks, so whatever matplotlib and
WeasyPrint keep between drawings is given back. A worker that dies (killed,
crashed) is replaced, and the task tried once more on the new one; if that one
dies too, or a task takes longer than :data:`WAIT_SECONDS` (its worker is then
killed), the request gets a :class:`~psoas.errors.DrawingError` (503 in the web
app) and the next request a fresh worker. The server is never taken down with
it, and the worker ends when the server does, however it ends.

The worker is a :class:`concurrent.futures.ProcessPoolExecutor` of one
process, retired (``shutdown``) after its tasks rather than recycled by its
``max_tasks_per_child``: on Python 3.11 to 3.13 that option can leave the
pool with no worker and a task waiting for ever
(https://github.com/python/cpython/issues/115634). Giving the worker one task
at a time also means a task that takes too long is the one being drawn, and
killing its process costs no other request.
"""

from __future__ import annotations

import multiprocessing
import multiprocessing.connection
import os
import signal
import threading
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Protocol, TypeVar

from psoas.core.progress import Progress
from psoas.errors import DrawingError, PsoasError, UnknownId
from psoas.reports.charts import CHARTS, FORMATS, SIZES, Chart, ChartFormat, SizeName
from psoas.reports.report import render_pdf

T = TypeVar("T")

TASKS_PER_WORKER = 100
"""Charts and PDFs a worker makes before a fresh one takes over."""
WAIT_SECONDS = 60.0
"""The longest a request waits for its chart or PDF, its turn included.

A chart takes well under a second and a PDF a few; a fresh worker needs a
second or two to start. Past this the worker is taken to be stuck, and stopped.
"""


class Drawing(Protocol):
    """Draws charts and prints PDFs, somewhere."""

    def draw(
        self, name: str, progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide"
    ) -> bytes:
        """The chart called ``name`` of ``progress``, as the bytes of an SVG or PNG file."""
        ...

    def print_pdf(self, html: str) -> bytes:
        """A rendered report printed to PDF."""
        ...


def chart_named(name: str) -> Chart:
    """The chart called ``name``; an unknown name is refused with the known ones."""
    chart = _CHART_BY_NAME.get(name)
    if chart is None:
        raise UnknownId("chart", name, sorted(_CHART_BY_NAME))
    return chart


_CHART_BY_NAME = {chart.name: chart for chart in CHARTS}


class InProcess:
    """Draws and prints in this process, one at a time (the CLI's way)."""

    def draw(
        self, name: str, progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide"
    ) -> bytes:
        """The chart drawn here."""
        return chart_named(name).render(progress, fmt, size)

    def print_pdf(self, html: str) -> bytes:
        """The PDF printed here."""
        return _printed(_print_here, html)


IN_PROCESS = InProcess()


class DrawingWorker:
    """Draws and prints in one spawned worker process, started when first needed.

    Thread-safe: callers take turns, each waiting at most :data:`WAIT_SECONDS`.
    """

    def __init__(
        self, *, tasks_per_worker: int = TASKS_PER_WORKER, wait_seconds: float = WAIT_SECONDS
    ) -> None:
        self._tasks_per_worker = tasks_per_worker
        self._wait_seconds = wait_seconds
        self._turn = threading.Lock()
        """Held by the one caller whose task is with the worker."""
        self._executor: ProcessPoolExecutor | None = None
        self._pid: int | None = None
        self._tasks = 0
        self._closed = False

    @property
    def pid(self) -> int | None:
        """The worker process's id, if one is running."""
        return self._pid

    def draw(
        self, name: str, progress: Progress, fmt: ChartFormat = "svg", size: SizeName = "wide"
    ) -> bytes:
        """The chart drawn by the worker (the same bytes as :data:`IN_PROCESS` draws)."""
        chart_named(name)  # refused here: only the worker's own failures come back from it
        if fmt not in FORMATS:
            raise ValueError(f"unknown chart format {fmt!r}; use svg or png")
        if size not in SIZES:
            raise ValueError(f"unknown chart size {size!r}; use {' or '.join(SIZES)}")
        document = progress.model_dump_json()  # JSON crosses faster than a pickled model
        return self._run(_draw_from_json, name, document, fmt, size)

    def print_pdf(self, html: str) -> bytes:
        """The PDF printed by the worker."""
        return _printed(lambda text: self._run(_print_here, text), html)

    def close(self) -> None:
        """Stop the worker (after the task it has, if any); no task is taken after this."""
        with self._turn:
            self._closed = True
            executor, self._executor, self._pid = self._executor, None, None
            if executor is not None:  # it has no task: waiting for it to end is short
                executor.shutdown(wait=True, cancel_futures=True)

    def _run(self, task: Callable[..., T], *args: object) -> T:
        deadline = time.monotonic() + self._wait_seconds
        if not self._turn.acquire(timeout=self._wait_seconds):
            raise DrawingError("the drawing process is busy; try again in a moment")
        try:
            try:
                result = self._result(task, args, deadline)
            except BrokenProcessPool:
                # It died, perhaps while idle (killed from outside) before this task reached
                # it: one new worker tries once more. A task that kills its worker fails twice.
                self._retire()
                try:
                    result = self._result(task, args, deadline)
                except BrokenProcessPool:
                    self._retire()
                    raise DrawingError(
                        "the drawing process stopped unexpectedly; try again (a new one is started)"
                    ) from None
            self._tasks += 1
            if self._tasks >= self._tasks_per_worker:
                self._retire()
            return result
        finally:
            self._turn.release()

    def _result(self, task: Callable[..., T], args: tuple[object, ...], deadline: float) -> T:
        """The task's result from the worker, waiting until ``deadline`` at most."""
        future = self._worker().submit(task, *args)
        try:
            return future.result(timeout=max(0.0, deadline - time.monotonic()))
        except FutureTimeout:
            self._stop_worker()
            raise DrawingError(
                f"drawing took longer than {self._wait_seconds:g} s and was stopped; try again"
            ) from None

    def _worker(self) -> ProcessPoolExecutor:
        """The running worker, started if there is none (the caller holds the turn)."""
        if self._closed:
            raise DrawingError("the server is stopping; nothing more is drawn")
        if self._executor is None:
            executor = ProcessPoolExecutor(
                max_workers=1,
                mp_context=multiprocessing.get_context("spawn"),
                initializer=_end_with_the_server,
            )
            try:
                pid = executor.submit(os.getpid).result(timeout=self._wait_seconds)
            except (FutureTimeout, BrokenProcessPool):
                executor.shutdown(wait=False, cancel_futures=True)
                raise DrawingError("the drawing process could not be started; try again") from None
            self._executor, self._pid, self._tasks = executor, pid, 0
        return self._executor

    def _stop_worker(self) -> None:
        """Kill a worker that is stuck, then let it go (the caller holds the turn)."""
        if self._pid is not None:
            try:
                os.kill(self._pid, signal.SIGKILL)
            except ProcessLookupError:
                pass
        self._retire()

    def _retire(self) -> None:
        """Let the worker go: it has no task (the caller holds the turn), so it ends at once."""
        executor, self._executor, self._pid = self._executor, None, None
        if executor is not None:
            executor.shutdown(wait=False, cancel_futures=True)


def _end_with_the_server() -> None:
    """In the worker: end when the server does, however it ends (even by SIGKILL).

    The pool's queues keep both ends of their pipes open in the worker, so it would
    otherwise wait for its next task for ever, holding its memory.
    """
    server = multiprocessing.parent_process()
    if server is None:
        return

    def watch() -> None:
        multiprocessing.connection.wait([server.sentinel])
        os._exit(0)  # the server is gone: nobody waits for this process's work

    threading.Thread(target=watch, name="psoas-drawing-watch", daemon=True).start()


def _draw_from_json(name: str, document: str, fmt: ChartFormat, size: SizeName) -> bytes:
    """In the worker: the chart of a progress document, at ``size``."""
    return chart_named(name).render(Progress.model_validate_json(document), fmt, size)


_PRINTING = threading.Lock()
"""Held while a PDF is printed here: WeasyPrint takes tens of megabytes while it works."""


def _print_here(html: str) -> bytes:
    with _PRINTING:
        return render_pdf(html)


def _printed(print_pdf: Callable[[str], bytes], html: str) -> bytes:
    """``print_pdf(html)``, with WeasyPrint's missing system libraries named."""
    try:
        return print_pdf(html)
    except OSError as error:  # WeasyPrint could not load pango or a font
        raise PsoasError(
            f"the PDF could not be drawn ({error}); install Debian's libpango-1.0-0 and "
            "libpangoft2-1.0-0, or choose HTML"
        ) from None


__all__ = [
    "IN_PROCESS",
    "TASKS_PER_WORKER",
    "WAIT_SECONDS",
    "Drawing",
    "DrawingWorker",
    "InProcess",
    "chart_named",
]
