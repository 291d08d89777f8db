"""The benchmarks still run (their figures are read by people, never asserted on)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

BENCHMARKS = Path(__file__).resolve().parents[1] / "benchmarks"


@pytest.mark.slow
def test_cli_startup_benchmark_runs_and_reports_a_ratio() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "cli_startup.py"), "--runs", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "psoas --help is" in completed.stdout
    assert "x python -c pass" in completed.stdout


@pytest.mark.slow
def test_cue_timing_benchmark_runs_all_three_and_reports_the_target() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "cue_timing.py"), "--seconds", "2"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    for row in ("runner (absolute deadlines)", "session + SQLite", "naive time.sleep loop"):
        assert row in completed.stdout
    assert "the target (p99 <= 2 ms, drift <= 1 ms)" in completed.stdout
    assert "naive loop / runner:" in completed.stdout


@pytest.mark.slow
def test_progress_benchmark_times_every_path_against_the_baseline() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "progress.py"), "--years", "1", "--repeat", "1"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    assert "365 daily check-ins" in completed.stdout
    for row in ("baseline: plain Python", "core: compute_progress", "service on SQLite"):
        assert row in completed.stdout
    assert completed.stdout.count("x baseline") == 4


@pytest.mark.slow
def test_web_benchmark_loads_every_endpoint_and_reports_the_target() -> None:
    completed = subprocess.run(
        [
            sys.executable,
            str(BENCHMARKS / "web.py"),
            *("--days", "30", "--requests", "20", "--concurrency", "5", "--budget", "10"),
            *("--mixed", "40"),
        ],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    assert "30 check-ins" in completed.stdout
    rows = [line.split()[0] for line in completed.stdout.splitlines() if line.endswith("%")]
    assert rows == ["health", "dashboard", "progress", "dashboard", "progress", "mixed"]
    assert "dashboard (cold)" in completed.stdout and "progress (cold)" in completed.stdout
    target = [line for line in completed.stdout.splitlines() if line.startswith("target:")]
    assert len(target) == 1
    assert "p99 at most 3x the hello-world p99" in target[0]
    for endpoint in ("dashboard", "progress"):
        assert f"{endpoint} met" in target[0] or f"{endpoint} MISSED" in target[0]
    assert "cold" not in target[0]
    memory = [line for line in completed.stdout.splitlines() if line.startswith("server memory")]
    assert len(memory) == 1 and "after 40 mixed requests" in memory[0]
    assert "target: at most 150 MB after them" in memory[0]
    worker = [line for line in completed.stdout.splitlines() if line.startswith("drawing worker")]
    assert len(worker) == 1 and "after the mixed requests" in worker[0]
    assert "n/a after the mixed" not in worker[0]  # the server's worker was found and measured


@pytest.mark.slow
def test_writes_benchmark_loads_both_paths_and_checks_every_acknowledged_write() -> None:
    completed = subprocess.run(
        [sys.executable, str(BENCHMARKS / "writes.py")]
        + ["--seconds", "1", "--concurrency", "5", "--single", "5"],
        capture_output=True,
        text=True,
        timeout=180,
        check=True,
    )
    backends = [line for line in completed.stdout.splitlines() if line.startswith("== ")]
    assert backends[0] == "== sqlite"
    for backend in backends:
        part = completed.stdout.split(backend, 1)[1].split("\n== ", 1)[0]
        rows = [line.split()[0] for line in part.splitlines() if line.startswith(("GET", "POST"))]
        assert rows == ["GET", "POST"], part
        assert "x the health p99" in part and "at most 5x" in part
        assert "after the load: acknowledged check-ins all stored" in part
        assert "x, " in part and "the 2x target" in part
