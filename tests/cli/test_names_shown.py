"""Every table the CLI prints names things as the knowledge base does, never by id."""

from __future__ import annotations

import pytest

from psoas.store import open_database
from tests.conftest import EXAMPLES
from tests.factories import load_example_history
from tests.names import ids_in

FAST = {"PSOAS_SESSION_SPEED": "1000"}
ANSWERS = "\n".join(["n", "6", "", "7", "4", "3", "", "4", "8", "1,3", ""]) + "\n"


@pytest.fixture
def full_history(cli, database_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example history, one finished session and one left unfinished, in the CLI's store."""
    database = open_database(database_url)
    try:
        load_example_history(database)
    finally:
        database.close()
    monkeypatch.setenv("PSOAS_DATABASE_URL", database_url)
    started = cli(
        "session", "start", "--plain", "--minutes", "10", "--no-voice", input=ANSWERS, **FAST
    )
    assert started.exit_code == 0, started.stdout + started.stderr


TABLES = [
    ("plan", EXAMPLES / "desk-worker.yaml", "--no-save"),
    ("assess", EXAMPLES / "desk-worker.yaml", "--no-save"),
    ("history",),
    ("progress",),
    ("session", "list"),
    ("session", "show", "1"),
    ("session", "preview", "--tool", "foam roller"),
    ("session", "preview", "--kind", "manual release"),
    ("library", "show", "Foam roller"),
    ("library", "show", "hernia"),
    ("library", "show", "prolonged_sitting"),
]


def test_no_cli_table_of_a_full_history_shows_an_id(cli, full_history: None) -> None:
    shown = {}
    for arguments in TABLES:
        result = cli(*arguments)
        assert result.exit_code == 0, (arguments, result.stderr)
        if found := ids_in(result.stdout):
            shown[" ".join(map(str, arguments))] = found
    assert shown == {}
