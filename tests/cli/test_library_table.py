"""``psoas library list`` draws exactly the table plain rich draws, only faster."""

from __future__ import annotations

import io

import pytest
from rich.console import Console
from rich.table import Table
from rich.text import Text

from psoas.cli import render
from psoas.content.names import listed_name
from psoas.services import library


def _console(width: int) -> Console:
    return Console(
        file=io.StringIO(),
        width=width,
        highlight=False,
        force_terminal=True,
        color_system="truecolor",
    )


@pytest.mark.parametrize("width", [40, 63, 80, 120, 200])
def test_the_table_is_the_one_rich_draws_with_default_settings(
    width: int, monkeypatch: pytest.MonkeyPatch
) -> None:
    found = library.listing()
    drawn = _console(width)
    monkeypatch.setattr(render, "console", drawn)
    render.library_list(found)

    plain = _console(width)
    table = Table(title="psoas knowledge base", expand=True)
    for column in ("ID", "Section", "Kind", "Name"):
        table.add_column(column)
    for entry in found:
        section, kind = listed_name(entry.section, "section"), listed_name(entry.kind, "kind")
        table.add_row(Text(entry.id), Text(section), Text(kind), Text(entry.name))
    plain.print(table)

    assert drawn.file.getvalue() == plain.file.getvalue()  # type: ignore[attr-defined]
    assert "\x1b[" in drawn.file.getvalue()  # type: ignore[attr-defined]  # styles compared too
