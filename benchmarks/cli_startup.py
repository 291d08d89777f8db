"""How long ``psoas --help`` takes, as a ratio to ``python -c pass`` measured in the same run.

    .venv/bin/python benchmarks/cli_startup.py [--runs N]

The commands are run interleaved, so a noisy neighbour slows them alike, and
the median is compared. ``import typer`` is timed too: it is the floor that
the CLI library sets, whatever psoas itself does. Target: at most 4x.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_RATIO = 4.0


def _psoas_command() -> list[str]:
    beside = Path(sys.executable).with_name("psoas")
    found = str(beside) if beside.exists() else shutil.which("psoas")
    if found is None:
        raise SystemExit("psoas is not installed in this environment: pip install -e .")
    return [found, "--help"]


def _time_once(command: list[str]) -> float:
    started = time.perf_counter()
    subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=True)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=40, help="runs of each command (default 40)")
    runs = parser.parse_args().runs
    commands = {
        "python -c pass": [sys.executable, "-c", "pass"],
        "python -c 'import typer'": [sys.executable, "-c", "import typer"],
        "psoas --help": _psoas_command(),
    }
    for command in commands.values():  # warm the page cache and .pyc files
        _time_once(command)
    samples: dict[str, list[float]] = {name: [] for name in commands}
    for run in range(runs):
        for name, command in commands.items():
            samples[name].append(_time_once(command))
        print(f"\rrun {run + 1}/{runs}", end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)
    baseline = statistics.median(samples["python -c pass"])
    print(f"{'command':28} {'median ms':>10} {'min ms':>8} {'ratio':>7}")
    for name, values in samples.items():
        median = statistics.median(values)
        print(
            f"{name:28} {median * 1000:10.1f} {min(values) * 1000:8.1f} {median / baseline:6.2f}x"
        )
    ratio = statistics.median(samples["psoas --help"]) / baseline
    floor = statistics.median(samples["python -c 'import typer'"]) / baseline
    verdict = "meets" if ratio <= TARGET_RATIO else "misses"
    print(
        f"\npsoas --help is {ratio:.2f}x python -c pass: {verdict} the {TARGET_RATIO:g}x target "
        f"(importing typer alone is {floor:.2f}x)."
    )


if __name__ == "__main__":
    main()
