"""The ``psoas`` command's entry point: answer ``--help`` at once, else run the Typer app.

Importing typer costs several times Python's own start-up, and ``--help`` is
the command people run most while finding their way. So a plain ``--help``
is printed from :mod:`psoas.cli.help_pages`, generated from the Typer app and
kept identical to what Typer prints by a test; everything else (and any
``--help`` Typer would print differently, e.g. on a narrow terminal) goes to
the app in :mod:`psoas.cli.typer_app`, imported only then.
"""

from __future__ import annotations

import sys

# Not ``from typing import TYPE_CHECKING``: importing typing costs a third of
# Python's start-up, and a plain --help needs nothing of it.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from typing import Any

    import typer

__all__ = ["COMPLETE_VARIABLE", "DEFAULT_PERSON", "PROG", "app", "main"]

PROG = "psoas"
"""The command's name, as Typer shows it in usage lines."""

COMPLETE_VARIABLE = "_PSOAS_COMPLETE"
"""The variable a shell sets to ask for completions (Click's ``_{PROG}_COMPLETE``)."""

DEFAULT_PERSON = "me"
"""Who records belong to on one's own machine, when no name is given."""


def main() -> None:
    """Console-script entry point."""
    from psoas.cli.stored_help import stored_page

    page = stored_page(sys.argv)
    if page is not None:
        sys.stdout.write(page)
        return
    from psoas.cli.typer_app import run

    run()


def __getattr__(name: str) -> Any:
    """``from psoas.cli import app`` still works, importing typer only when asked."""
    if name == "app":
        from psoas.cli.typer_app import app

        globals()["app"] = app
        return app
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


if TYPE_CHECKING:
    app: typer.Typer
