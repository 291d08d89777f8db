"""Start many processes, then let them all go at once: the real CLI, racing for real.

    python -m tests.gate GATE_FILE open DATABASE_URL
    python -m tests.gate GATE_FILE psoas ARGS...

Each process imports everything first, says so by creating ``GATE_FILE.ready.<pid>``,
then waits until ``GATE_FILE`` exists, so the race is between the writes, not the
start-ups. ``open`` opens (and so migrates) the store; ``psoas`` runs the CLI's
``main`` with the arguments, exactly as the ``psoas`` command does.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

from psoas.cli import main
from psoas.store import open_database

WAIT_SECONDS = 60.0


def wait_for(gate: Path) -> None:
    """Say this process is ready, then wait for the gate to open."""
    gate.with_name(f"{gate.name}.ready.{os.getpid()}").touch()
    deadline = time.monotonic() + WAIT_SECONDS
    while not gate.exists():
        if time.monotonic() > deadline:
            raise SystemExit("the gate never opened")
        time.sleep(0.005)


def race(
    commands: list[list[str]], gate: Path, env: dict[str, str]
) -> list[subprocess.CompletedProcess[str]]:
    """Run each of ``commands`` (arguments after the gate file) in its own process, all at once."""
    processes = [
        subprocess.Popen(
            [sys.executable, "-m", "tests.gate", str(gate), *command],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for command in commands
    ]
    deadline = time.monotonic() + WAIT_SECONDS
    while len(list(gate.parent.glob(f"{gate.name}.ready.*"))) < len(processes):
        if time.monotonic() > deadline or any(p.poll() is not None for p in processes):
            break
        time.sleep(0.01)
    gate.touch()
    results = []
    for process, command in zip(processes, commands, strict=True):
        stdout, stderr = process.communicate(timeout=WAIT_SECONDS * 3)
        results.append(subprocess.CompletedProcess(command, process.returncode, stdout, stderr))
    return results


if __name__ == "__main__":
    gate_file, what, *rest = sys.argv[1:]
    wait_for(Path(gate_file))
    if what == "open":
        open_database(rest[0]).close()
    else:
        sys.argv = ["psoas", *rest]
        main()
