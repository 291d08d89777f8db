"""``psoas ... --help`` from the stored pages: the very bytes Typer prints, or Typer itself."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from psoas.cli import app
from psoas.cli.help_pages import PAGES, WIDTH
from psoas.cli.stored_help import COLUMNS, render_pages, stored_page

PSOAS = Path(sys.executable).with_name("psoas")
"""The console script of this environment (it honours PYTHONPATH like python does)."""


def _psoas(*args: str, **env: str) -> subprocess.CompletedProcess[str]:
    environment = {**os.environ, "COLUMNS": str(COLUMNS), **env}
    return subprocess.run(
        [str(PSOAS), *args], capture_output=True, text=True, env=environment, timeout=60
    )


def test_the_stored_pages_are_what_typer_prints_now() -> None:
    """Fails when a command changes without ``python -m psoas.cli.stored_help``."""
    assert render_pages(app) == PAGES
    assert WIDTH == COLUMNS - 2


def test_every_command_and_group_has_a_page() -> None:
    assert {"", "plan", "log", "library", "library list", "session start", "remind export"} <= set(
        PAGES
    )
    assert {"correct", "delete", "undo"} <= set(PAGES)
    assert len(PAGES) == 25  # with correct, delete and undo


@pytest.mark.parametrize(
    "argv",
    [
        ["psoas", "--help", "--help"],  # not a command path
        ["psoas", "plan", "x.yaml", "--help"],  # Typer's eager --help after an argument
        ["psoas", "library", "list"],
        ["psoas"],
        ["/usr/lib/python3/psoas/__main__.py", "--help"],  # python -m psoas
    ],
)
def test_anything_but_a_known_help_page_goes_to_typer(argv: list[str]) -> None:
    assert stored_page(argv) is None


def test_a_shell_asking_for_completions_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", str(COLUMNS))
    assert stored_page(["/usr/bin/psoas", "library", "--help"]) == PAGES["library"]
    monkeypatch.setenv("_PSOAS_COMPLETE", "complete_bash")
    assert stored_page(["/usr/bin/psoas", "library", "--help"]) is None


def test_a_terminal_that_narrows_the_help_goes_to_typer(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("COLUMNS", "60")
    assert stored_page(["psoas", "--help"]) is None
    monkeypatch.setenv("COLUMNS", "200")  # Click caps help at 80 columns: the same page
    assert stored_page(["psoas", "--help"]) == PAGES[""]


@pytest.mark.slow
def test_the_console_script_prints_typers_page_for_every_command() -> None:
    for path, page in render_pages(app).items():
        completed = _psoas(*path.split(), "--help")
        assert (completed.returncode, completed.stdout, completed.stderr) == (0, page, ""), path


@pytest.mark.slow
def test_a_plain_help_never_imports_typer() -> None:
    probe = (
        "import sys; sys.argv = ['psoas', 'session', 'start', '--help'];"
        "from psoas.cli import main; main();"
        "print(sorted(m for m in sys.modules if m.startswith(('typer', 'click', 'rich'))))"
    )
    completed = subprocess.run(
        [sys.executable, "-c", probe],
        capture_output=True,
        text=True,
        env={**os.environ, "COLUMNS": str(COLUMNS)},
        check=True,
        timeout=60,
    )
    assert completed.stdout == PAGES["session start"] + "[]\n"


@pytest.mark.slow
def test_a_narrow_terminal_gets_typers_own_wrapping() -> None:
    narrow = render_pages(app, columns=60)[""]
    assert narrow != PAGES[""]
    assert _psoas("--help", COLUMNS="60").stdout == narrow


@pytest.mark.slow
def test_python_dash_m_names_itself_as_typer_does() -> None:
    completed = subprocess.run(
        [sys.executable, "-m", "psoas", "library", "--help"],
        capture_output=True,
        text=True,
        check=True,
        timeout=60,
    )
    assert completed.stdout.startswith("Usage: python -m psoas library [OPTIONS] COMMAND")


@pytest.mark.slow
def test_shell_completion_still_works() -> None:
    commands = _psoas(_PSOAS_COMPLETE="complete_bash", COMP_WORDS="psoas lib", COMP_CWORD="1")
    assert (commands.returncode, commands.stdout.split()) == (0, ["library"])
    subcommands = _psoas(
        "--help",  # what bash passes does not matter: the words come from COMP_WORDS
        _PSOAS_COMPLETE="complete_bash",
        COMP_WORDS="psoas session re",
        COMP_CWORD="2",
    )
    assert subcommands.stdout.split() == ["resume"]
    script = _psoas(_PSOAS_COMPLETE="source_bash")
    assert "complete -o default -F _psoas_completion psoas" in script.stdout
