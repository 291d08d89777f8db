"""The drawing worker: the charts drawn here, from a process that may die and is replaced."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from psoas.core.progress import Progress
from psoas.errors import DrawingError, UnknownId
from psoas.reports.charts import CHARTS, ChartFormat, SizeName
from psoas.services import drawing
from psoas.services.drawing import IN_PROCESS, DrawingWorker
from tests.reports.test_charts import example_history

REPORT_HTML = "<!DOCTYPE html><html><body><h1>Progress</h1><p>A page.</p></body></html>"


@pytest.fixture(scope="module")
def progress(tmp_path_factory: pytest.TempPathFactory) -> Progress:
    folder = tmp_path_factory.mktemp("drawing")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("PSOAS_DATA_DIR", str(folder / "data"))
        return example_history(folder)[0]


@pytest.fixture
def worker() -> Iterator[DrawingWorker]:
    started = DrawingWorker()
    yield started
    started.close()


def _crash(name: str, document: str, fmt: ChartFormat, size: SizeName) -> bytes:
    """In the worker: die as a crash or the kernel's OOM killer would end it."""
    os.kill(os.getpid(), signal.SIGKILL)
    raise AssertionError("not reached")


def _stuck(name: str, document: str, fmt: ChartFormat, size: SizeName) -> bytes:
    """In the worker: never finish."""
    time.sleep(600)
    raise AssertionError("not reached")


def _ended(pid: int, within: float = 10.0) -> bool:
    """Whether the process ``pid`` has ended within ``within`` seconds (a zombie has)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except (OSError, IndexError):
            return True
        if state in ("Z", "X"):
            return True
        time.sleep(0.05)
    return False


SERVER_THAT_DRAWS = """
import sys, time
from psoas.services.drawing import DrawingWorker
from tests.reports.test_charts import empty_progress

worker = DrawingWorker()
worker.draw("pain", empty_progress())
print(worker.pid, flush=True)
time.sleep(600)
"""


def test_the_worker_draws_what_this_process_draws(
    worker: DrawingWorker, progress: Progress
) -> None:
    for chart in CHARTS:
        for fmt in ("svg", "png"):
            assert worker.draw(chart.name, progress, fmt) == IN_PROCESS.draw(
                chart.name, progress, fmt
            ), (chart.name, fmt)
    assert worker.pid is not None and worker.pid != os.getpid()


def test_the_worker_prints_pdfs(worker: DrawingWorker) -> None:
    assert worker.print_pdf(REPORT_HTML).startswith(b"%PDF-")


def test_an_unknown_chart_is_refused_before_the_worker_is_asked(
    worker: DrawingWorker, progress: Progress
) -> None:
    with pytest.raises(UnknownId, match="'pain'"):
        worker.draw("pian", progress)
    assert worker.pid is None  # no process was started for it


def test_a_task_that_kills_its_worker_fails_and_the_next_gets_a_new_worker(
    worker: DrawingWorker, progress: Progress, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker.draw("pain", progress)
    first = worker.pid
    assert first is not None
    monkeypatch.setattr(drawing, "_draw_from_json", _crash)
    with pytest.raises(DrawingError, match="stopped unexpectedly; try again"):
        worker.draw("pain", progress)
    assert _ended(first)
    monkeypatch.undo()
    assert worker.draw("pain", progress) == IN_PROCESS.draw("pain", progress)
    assert worker.pid not in (None, first)


def test_a_worker_killed_while_idle_costs_nothing(
    worker: DrawingWorker, progress: Progress
) -> None:
    worker.draw("thomas", progress)
    first = worker.pid
    assert first is not None
    os.kill(first, signal.SIGKILL)
    assert _ended(first)
    assert worker.draw("thomas", progress) == IN_PROCESS.draw("thomas", progress)
    assert worker.pid not in (None, first)


def test_a_stuck_worker_is_stopped_after_the_wait(
    progress: Progress, monkeypatch: pytest.MonkeyPatch
) -> None:
    worker = DrawingWorker(wait_seconds=3)
    try:
        worker.draw("pain", progress)  # started, so the wait is all the stuck task's
        stuck = worker.pid
        assert stuck is not None
        monkeypatch.setattr(drawing, "_draw_from_json", _stuck)
        began = time.monotonic()
        with pytest.raises(DrawingError, match="longer than 3 s"):
            worker.draw("pain", progress)
        assert time.monotonic() - began < 10
        assert _ended(stuck)  # killed, not left running
        monkeypatch.undo()
        assert worker.draw("pain", progress) == IN_PROCESS.draw("pain", progress)
    finally:
        worker.close()


def test_a_worker_is_replaced_after_its_tasks(progress: Progress) -> None:
    worker = DrawingWorker(tasks_per_worker=2)
    try:
        pids = []
        for _ in range(3):
            worker.draw("adherence", progress)
            pids.append(worker.pid)
        first, after_two, fresh = pids
        assert first is not None and after_two is None  # let go after its second task
        assert _ended(first)
        assert fresh not in (None, first)
    finally:
        worker.close()


def test_closing_ends_the_worker_and_refuses_more(
    worker: DrawingWorker, progress: Progress
) -> None:
    worker.draw("sessions", progress)
    pid = worker.pid
    assert pid is not None
    worker.close()
    assert _ended(pid)
    with pytest.raises(DrawingError, match="stopping"):
        worker.draw("sessions", progress)


def test_the_worker_ends_when_its_server_is_killed() -> None:
    with subprocess.Popen(
        [sys.executable, "-c", SERVER_THAT_DRAWS],
        stdout=subprocess.PIPE,
        text=True,
        cwd=Path(__file__).resolve().parents[2],
        env={**os.environ, "PYTHONPATH": os.pathsep.join(sys.path)},
    ) as server:
        try:
            assert server.stdout is not None
            worker_pid = int(server.stdout.readline())
            assert not _ended(worker_pid, within=0.5)
        finally:
            server.kill()  # SIGKILL: the server has no chance to stop its worker
    assert _ended(worker_pid)
