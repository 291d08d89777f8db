"""How long ``psoas`` takes to start and answer, each against a baseline timed in the same run.

    .venv/bin/python benchmarks/cli_startup.py [--runs N]

Every command is run ``--runs`` times as a fresh process, all of them
interleaved (so a busy neighbour slows each alike), and medians are compared.
``psoas`` runs against a temporary data folder (``PSOAS_DATA_DIR``) and cache
folder (``XDG_CACHE_HOME``), created, migrated and filled (the validated
knowledge base) by an untimed first run, as any run after a person's first
finds them. Every command, baselines included, runs from bytecode that first
run writes to a private ``PYTHONPYCACHEPREFIX`` (``PYTHONDONTWRITEBYTECODE`` is
dropped): an installed psoas has its ``.pyc`` files as its libraries do, and
compiling psoas from source on each run would time the compiler.

Targets and their baselines:

- ``psoas --help`` and every command's and group's ``--help``: at most 4x
  ``python -c pass``.
- ``psoas library list``, ``psoas plan FILE`` (the desk-worker example, saved
  as by default) and ``psoas log --pain 3``: each at most 1.5x a Python that
  only imports the libraries the command truly needs, and nothing of psoas:

  - every command: typer (it parses the arguments, and coerces option values
    through pydantic's ``TypeAdapter``), pydantic's ``BaseModel`` (the
    knowledge base and every contract are pydantic models; ``import pydantic``
    alone is lazy and loads next to nothing), yaml (the knowledge base ships as
    YAML) and rich's console and table (what every command prints with);
  - ``plan`` and ``log`` also open the store: sqlalchemy with its ORM, and
    pydantic-settings (where the store is, from ``PSOAS_*``).

  For reference, the first baseline also runs a Typer command of two options that
  does nothing: what Typer's parsing adds (``typer._adapters`` builds a pydantic
  ``TypeAdapter`` per option, which imports pydantic's field types and its plugin
  loader with ``importlib.metadata``), which no ``import`` line shows and every
  command pays.

  Not in any baseline, because these commands do not need them: alembic (only
  when the store is behind the code), matplotlib, weasyprint, jinja2, textual,
  uvicorn and fastapi. ``import typer`` alone is shown for reference.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

HELP_TARGET = 4.0
COMMAND_TARGET = 1.5
EXAMPLE = Path(__file__).resolve().parents[1] / "examples" / "desk-worker.yaml"

COMMON = "import typer; from pydantic import BaseModel, TypeAdapter; import yaml, rich.console"
COMMON += ", rich.table"
STORE = COMMON + "; import sqlalchemy.orm, pydantic_settings"
TYPER_APP = (
    COMMON
    + """
app = typer.Typer()
@app.command()
def main(section: str | None = None, json_output: bool = typer.Option(False, "--json")) -> None:
    pass
app(["--json"])
"""
)
"""The common baseline running a Typer app of one command and two options, doing nothing."""


def _psoas() -> str:
    beside = Path(sys.executable).with_name("psoas")
    found = str(beside) if beside.exists() else shutil.which("psoas")
    if found is None:
        raise SystemExit("psoas is not installed in this environment: pip install -e .")
    return found


def _help_paths() -> list[str]:
    from psoas.cli.help_pages import PAGES

    return list(PAGES)


def _time_once(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall-clock seconds, and the CPU seconds (user + system) the process itself used."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, env=env
    )
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode != 0:
        raise subprocess.CalledProcessError(process.returncode, command)
    return wall, usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=20, help="runs of each command (default 20)")
    runs = parser.parse_args().runs
    psoas = _psoas()
    python = sys.executable
    commands: dict[str, list[str]] = {
        "python -c pass": [python, "-c", "pass"],
        "import typer (for reference)": [python, "-c", "import typer"],
    }
    helps = {f"psoas {path} --help".replace("  ", " "): path for path in _help_paths()}
    for name, path in helps.items():
        commands[name] = [psoas, *path.split(), "--help"]
    # (command, its baseline)
    common, store = "baseline: typer, pydantic, yaml, rich", "baseline: ... + sqlalchemy, settings"
    targets = {
        "psoas library list": ([psoas, "library", "list"], common),
        "psoas plan FILE": ([psoas, "plan", str(EXAMPLE)], store),
        "psoas log --pain 3": ([psoas, "log", "--pain", "3"], store),
    }
    commands[common] = [python, "-c", COMMON]
    typer_app = "... + a do-nothing Typer command (reference)"
    commands[typer_app] = [python, "-c", TYPER_APP]
    commands[store] = [python, "-c", STORE]
    for name, (command, _baseline) in targets.items():
        commands[name] = command
    with tempfile.TemporaryDirectory() as data_dir:
        env = {**os.environ, "PSOAS_DATA_DIR": data_dir, "COLUMNS": "80"}
        env["XDG_CACHE_HOME"] = str(Path(data_dir) / "cache")
        env["PYTHONPYCACHEPREFIX"] = str(Path(data_dir) / "bytecode")
        for variable in ("PSOAS_DATABASE_URL", "PYTHONDONTWRITEBYTECODE"):
            env.pop(variable, None)
        for command in commands.values():  # warm the page cache, write .pyc files; migrate
            _time_once(command, env)
        samples: dict[str, list[float]] = {name: [] for name in commands}
        cpu_samples: dict[str, list[float]] = {name: [] for name in commands}
        for run in range(runs):
            for name, command in commands.items():
                wall, used = _time_once(command, env)
                samples[name].append(wall)
                cpu_samples[name].append(used)
            print(f"\rrun {run + 1}/{runs}", end="", file=sys.stderr, flush=True)
        print(file=sys.stderr)
    median = {name: statistics.median(values) for name, values in samples.items()}
    cpu = {name: statistics.median(values) for name, values in cpu_samples.items()}
    python_pass = median["python -c pass"]

    def row(name: str, base: str, target: float | None) -> None:
        ratio = median[name] / median[base]
        verdict = "" if target is None else ("met" if ratio <= target else "MISSED")
        cpu_ratio = cpu[name] / cpu[base]
        print(
            f"{name:44} {median[name] * 1000:8.1f} {ratio:7.2f}x {cpu[name] * 1000:8.1f} "
            f"{cpu_ratio:7.2f}x  {verdict}"
        )

    # The verdicts are on wall-clock time, what a person waits; CPU time (user + system of
    # the process alone) is shown beside it, as it hardly moves when other work shares the
    # machine, while wall-clock time does.
    print(f"{'command':44} {'median ms':>8} {'ratio':>8} {'CPU ms':>8} {'CPU ratio':>8}  verdict")
    print(f"-- against python -c pass (target: at most {HELP_TARGET:g}x) --")
    row("python -c pass", "python -c pass", None)
    row("import typer (for reference)", "python -c pass", None)
    for name in helps:
        row(name, "python -c pass", HELP_TARGET)
    print(f"-- against the libraries each command needs (target: at most {COMMAND_TARGET:g}x) --")
    for name, (_command, baseline) in targets.items():
        row(baseline, "python -c pass", None)
        if baseline == common:
            row(typer_app, baseline, None)
        row(name, baseline, COMMAND_TARGET)
    root_help = median["psoas --help"] / python_pass
    worst_help = max(median[name] for name in helps) / python_pass
    print(
        f"\npsoas --help is {root_help:.2f}x python -c pass, every --help at most "
        f"{worst_help:.2f}x ({'meets' if worst_help <= HELP_TARGET else 'misses'} the "
        f"{HELP_TARGET:g}x target)"
    )
    for name, (_command, baseline) in targets.items():
        ratio = median[name] / median[baseline]
        verdict = "meets" if ratio <= COMMAND_TARGET else "misses"
        print(
            f"{name}: {ratio:.2f}x its baseline ({verdict} the {COMMAND_TARGET:g}x target); "
            f"CPU time {cpu[name] / cpu[baseline]:.2f}x"
        )


if __name__ == "__main__":
    main()
