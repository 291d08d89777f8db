"""Only the command being run is built: the same parsing, messages and help as the whole app."""

from __future__ import annotations

import pytest
from typer.main import get_command
from typer.testing import CliRunner

from psoas.cli import app
from psoas.cli.help_pages import PAGES
from psoas.cli.typer_app import only_the_command

PATHS = [path for path in PAGES if path]


def _invoke(args: list[str], *, pruned: bool) -> tuple[int, str, str]:
    target = only_the_command(app, args) if pruned else app
    result = CliRunner().invoke(target, args, terminal_width=80)
    return result.exit_code, result.stdout, result.stderr


def test_only_the_named_command_and_its_groups_are_built() -> None:
    root = get_command(only_the_command(app, ["library", "list", "--json"]))
    assert list(root.commands) == ["library"]  # type: ignore[attr-defined]
    assert list(root.commands["library"].commands) == ["list"]  # type: ignore[attr-defined]
    assert list(get_command(only_the_command(app, ["plan", "x.yaml"])).commands) == ["plan"]  # type: ignore[attr-defined]


@pytest.mark.parametrize(
    "args",
    [[], ["--version"], ["libary", "list"], ["--help", "library"]],
)
def test_anything_but_a_known_name_first_gets_the_whole_app(args: list[str]) -> None:
    assert only_the_command(app, args) is app


def test_a_group_given_an_option_first_keeps_all_its_commands() -> None:
    root = get_command(only_the_command(app, ["remind", "--work-start", "08:00", "export"]))
    assert set(root.commands["remind"].commands) == {"export"}  # type: ignore[attr-defined]
    library = get_command(only_the_command(app, ["library", "--help"])).commands["library"]  # type: ignore[attr-defined]
    assert set(library.commands) == {"list", "show"}


@pytest.mark.parametrize("path", PATHS)
@pytest.mark.parametrize("tail", [["--help"], ["--no-such-option"], ["no-such-command"]])
def test_every_command_answers_as_the_whole_app_does(path: str, tail: list[str]) -> None:
    args = [*path.split(), *tail]
    assert _invoke(args, pruned=True) == _invoke(args, pruned=False)


def test_a_mistyped_subcommand_is_still_offered_the_right_one() -> None:
    code, _, stderr = _invoke(["library", "lsit"], pruned=True)
    assert code == 2
    assert "No such command 'lsit'" in stderr
