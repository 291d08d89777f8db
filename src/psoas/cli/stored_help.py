"""Every ``--help`` page of the Typer app, generated once and printed without typer.

``python -m psoas.cli.stored_help`` renders each page with Typer itself (the
usage line, options and commands exactly as ``psoas ... --help`` prints them
on a terminal of 80 columns or more) and writes :mod:`psoas.cli.help_pages`.
A test regenerates the pages and fails if the stored ones differ, so a changed
option cannot ship with stale help.

:func:`stored_page` answers only when Typer would print that very page: the
command is ``psoas``, the arguments are a known command path and ``--help``,
the terminal gives Typer the width the pages were made at, and no shell is
asking for completions. Anything else goes to Typer.
"""

from __future__ import annotations

import os

from psoas.cli import COMPLETE_VARIABLE, PROG

# Only what ``python -c pass`` has loaded already is imported up here (not even
# typing): this module is on the path of every ``psoas --help``.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterator, Sequence
    from pathlib import Path

    import typer
    from typer._click import Command  # typer's own copy of Click

COLUMNS = 80
"""The terminal width the pages are rendered at (Click caps the help at 80 columns)."""


def stored_page(argv: Sequence[str]) -> str | None:
    """The stored page ``argv`` asks for, or None when Typer must answer."""
    if len(argv) < 2 or argv[-1] != "--help" or COMPLETE_VARIABLE in os.environ:
        return None
    if os.path.basename(argv[0]) != PROG:
        return None  # e.g. ``python -m psoas``: Typer names the program differently
    from psoas.cli.help_pages import PAGES, WIDTH

    page = PAGES.get(" ".join(argv[1:-1]))
    if page is None or _help_width() != WIDTH:
        return None
    return page


def _help_width() -> int:
    """The width Click wraps help at on this terminal (its ``HelpFormatter`` rule)."""
    import shutil

    return max(min(shutil.get_terminal_size().columns, 80) - 2, 50)


def render_pages(app: typer.Typer, *, columns: int = COLUMNS) -> dict[str, str]:
    """Each command path (``""`` for the root) and the help Typer prints for it."""
    from typer.main import get_command

    root = get_command(app)
    pages: dict[str, str] = {}
    previous = os.environ.get("COLUMNS")
    os.environ["COLUMNS"] = str(columns)
    try:
        for path in _paths(root, ()):
            pages[" ".join(path)] = _printed_help(root, path)
    finally:
        if previous is None:
            del os.environ["COLUMNS"]
        else:
            os.environ["COLUMNS"] = previous
    return pages


def _paths(command: Command, path: tuple[str, ...]) -> Iterator[tuple[str, ...]]:
    yield path
    for name, child in sorted(getattr(command, "commands", {}).items()):
        if not child.hidden:
            yield from _paths(child, (*path, name))


def _printed_help(root: Command, path: tuple[str, ...]) -> str:
    """What ``psoas PATH --help`` writes to standard output, run through Typer."""
    from contextlib import redirect_stdout
    from io import StringIO

    printed = StringIO()
    with redirect_stdout(printed):
        status = root.main([*path, "--help"], prog_name=PROG, standalone_mode=False)
    if status not in (None, 0):
        raise RuntimeError(f"psoas {' '.join(path)} --help exited with {status}")
    return printed.getvalue()


def module_source(pages: dict[str, str]) -> str:
    """The text of :mod:`psoas.cli.help_pages` holding ``pages`` (JSON strings are Python's)."""
    import json

    lines = [
        '"""Every ``psoas ... --help`` page, as Typer prints it 80 columns wide.',
        "",
        "GENERATED from :mod:`psoas.cli.typer_app` by ``python -m psoas.cli.stored_help``;",
        "do not edit. tests/cli/test_stored_help.py fails when it differs from Typer's output.",
        '"""',
        "",
        f"WIDTH = {COLUMNS - 2}",
        '"""The width Click wraps these pages at."""',
        "",
        "PAGES: dict[str, str] = {",
    ]
    for path, page in pages.items():
        lines.append(f"    {json.dumps(path)}: (")
        lines.extend(f"        {json.dumps(line)}" for line in page.splitlines(keepends=True))
        lines.append("    ),")
    lines.append("}")
    return "\n".join(lines) + "\n"


def write_module() -> Path:
    """Regenerate :mod:`psoas.cli.help_pages` from the Typer app."""
    from pathlib import Path

    from psoas.cli.typer_app import app

    module = Path(__file__).with_name("help_pages.py")
    module.write_text(module_source(render_pages(app)), encoding="utf-8")
    return module


if __name__ == "__main__":
    print(f"wrote {write_module()}")
