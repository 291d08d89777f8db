"""The store recognises an up-to-date schema without Alembic, by a revision kept in step."""

from __future__ import annotations

import subprocess
import sys

from alembic.config import Config
from alembic.script import ScriptDirectory

from psoas.store.database import HEAD_REVISION, MIGRATIONS


def test_the_head_revision_is_alembics_head() -> None:
    """Fails when a migration is added without moving ``HEAD_REVISION``."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    assert ScriptDirectory.from_config(config).get_heads() == [HEAD_REVISION]


def test_opening_an_up_to_date_store_does_not_import_alembic(database_url: str) -> None:
    probe = (
        "import sys; from psoas.store import open_database;"
        f"open_database({database_url!r}).close();"
        "print('alembic' in sys.modules)"
    )
    run = [sys.executable, "-c", probe]
    first = subprocess.run(run, capture_output=True, text=True, check=True, timeout=120)
    again = subprocess.run(run, capture_output=True, text=True, check=True, timeout=120)
    assert (first.stdout, again.stdout) == ("True\n", "False\n")
