"""The ``psoas`` command: what a person types, parsed and handed to the services.

Start-up matters (``psoas --help`` should feel instant), so this module
imports only typer and the standard library; each command imports the
services and renderers it needs when it runs.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperGroup

from psoas import __version__
from psoas.errors import PsoasError

__all__ = ["app", "main"]


class _ReportingGroup(TyperGroup):
    """Turns every :class:`PsoasError` into one line on stderr and its exit code: one place."""

    def invoke(self, ctx: Any) -> Any:  # typer's vendored click.Context
        try:
            return super().invoke(ctx)
        except PsoasError as error:
            print(f"psoas: {error.message}", file=sys.stderr)
            ctx.exit(error.exit_code)


app = typer.Typer(
    name="psoas",
    cls=_ReportingGroup,
    help="Psoas-release therapy: safety screen, cause profile and an explainable plan. "
    "psoas educates and guides; it does not diagnose.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
library_app = typer.Typer(
    cls=_ReportingGroup,
    help="Browse the knowledge base: anatomy, causes, techniques, tools, safety.",
    no_args_is_help=True,
    rich_markup_mode=None,
)
app.add_typer(library_app, name="library")


DEFAULT_PERSON = "me"
"""Who records belong to on one's own machine, when no name is given."""


class SchemaName(StrEnum):
    """A contract with a published JSON Schema."""

    intake = "intake"
    assessment = "assessment"
    plan = "plan"


IntakeFile = Annotated[
    Path, typer.Argument(help="An intake file (psoas.intake/1), JSON or YAML.", show_default=False)
]
JsonFlag = Annotated[bool, typer.Option("--json", help="Print the contract JSON instead.")]
PersonOption = Annotated[
    str, typer.Option("--person", help="Whose record this is, on a shared machine.")
]
SaveFlag = Annotated[
    bool, typer.Option("--save/--no-save", help="Keep the intake and result in the local store.")
]


def _version(value: bool) -> None:
    if value:
        print(f"psoas {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool,
        typer.Option("--version", callback=_version, is_eager=True, help="Show the version."),
    ] = False,
) -> None:
    """Psoas-release therapy from the command line."""


@app.command()
def assess(
    file: IntakeFile,
    json_output: JsonFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Screen an intake for safety and rank what tightens the psoas."""
    from psoas.cli import commands

    commands.assess(file, json_output=json_output, person=person, save=save)


@app.command()
def plan(
    file: IntakeFile,
    json_output: JsonFlag = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Build a personal program from an intake, every item with its reasons."""
    from psoas.cli import commands

    commands.plan(file, json_output=json_output, person=person, save=save)


@app.command()
def intake(
    out: Annotated[
        Path, typer.Option("--out", help="Where to write the intake file (YAML).")
    ] = Path("intake.yaml"),
    force: Annotated[bool, typer.Option("--force", help="Overwrite --out if it exists.")] = False,
    person: PersonOption = DEFAULT_PERSON,
    save: SaveFlag = True,
) -> None:
    """Answer the intake questions interactively; writes a file and stores it."""
    from psoas.cli import questionnaire

    questionnaire.run(out=out, force=force, person=person, save=save)


@app.command()
def schema(
    name: Annotated[SchemaName, typer.Argument(help="Which contract.", show_default=False)],
) -> None:
    """Print the JSON Schema of a contract."""
    from psoas.cli import commands

    commands.schema(name.value)


@app.command()
def history(
    person: Annotated[
        str | None, typer.Option("--person", help="Only this person's records.")
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List the people, intakes, assessments and plan versions stored."""
    from psoas.cli import commands

    commands.history(person=person, json_output=json_output)


@library_app.command("list")
def library_list(
    section: Annotated[
        str | None,
        typer.Option(
            "--section", help="anatomy, causes, techniques, tools or safety.", show_default=False
        ),
    ] = None,
    json_output: JsonFlag = False,
) -> None:
    """List the entries of the knowledge base."""
    from psoas.cli import commands

    commands.library_list(section=section, json_output=json_output)


@library_app.command("show")
def library_show(
    entry_id: Annotated[str, typer.Argument(metavar="ID", help="An entry id, e.g. dead_bug.")],
    json_output: JsonFlag = False,
) -> None:
    """Show one entry of the knowledge base in full."""
    from psoas.cli import commands

    commands.library_show(entry_id, json_output=json_output)


def main() -> None:
    """Console-script entry point."""
    app()
