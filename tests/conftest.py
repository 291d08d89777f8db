"""Fixtures shared by the whole suite: isolated data folders, both database backends, the CLI."""

from __future__ import annotations

import os
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from psoas.cli import app
from psoas.cli.typer_app import only_the_command
from psoas.content import KnowledgeBase, load_knowledge_base
from psoas.store import Database, open_database

EXAMPLES = Path(__file__).resolve().parent.parent / "examples"
POSTGRES_URL = os.environ.get("PSOAS_TEST_POSTGRES_URL")


@pytest.fixture(autouse=True)
def isolated_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own data folder and never touches the real user's store."""
    data_dir = tmp_path / "psoas-data"
    monkeypatch.setenv("PSOAS_DATA_DIR", str(data_dir))
    monkeypatch.delenv("PSOAS_DATABASE_URL", raising=False)
    return data_dir


@pytest.fixture(scope="session")
def knowledge() -> KnowledgeBase:
    return load_knowledge_base()


def _postgres_database() -> Iterator[str]:
    """Create a throwaway database on the test server and drop it afterwards."""
    assert POSTGRES_URL is not None
    server = make_url(POSTGRES_URL)
    name = f"psoas_test_{uuid.uuid4().hex[:12]}"
    admin = create_engine(server, isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield server.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database URL on each backend (PostgreSQL when the server is named)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'store' / 'psoas.sqlite3'}"
        return
    if not POSTGRES_URL:
        pytest.skip("PSOAS_TEST_POSTGRES_URL is not set (.ci/run sets it)")
    yield from _postgres_database()


@pytest.fixture
def database(database_url: str) -> Iterator[Database]:
    opened = open_database(database_url)
    yield opened
    opened.close()


@dataclass
class CliResult:
    exit_code: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(monkeypatch: pytest.MonkeyPatch) -> Iterator[CliRunnerFacade]:
    facade = CliRunnerFacade(monkeypatch)
    yield facade


class CliRunnerFacade:
    """Runs ``psoas`` in-process, with stdout and stderr kept apart, as a person would see them."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch) -> None:
        self.monkeypatch = monkeypatch

    def __call__(self, *args: str | Path, input: str | None = None, **env: str) -> CliResult:
        self.monkeypatch.setenv("COLUMNS", "160")  # rich's width when not on a terminal
        for key, value in env.items():
            self.monkeypatch.setenv(key, value)
        runner = CliRunner()
        argv = [str(arg) for arg in args]  # through the app as the console script builds it
        result = runner.invoke(only_the_command(app, argv), argv, input=input, terminal_width=120)
        if result.exception is not None and not isinstance(result.exception, SystemExit):
            raise result.exception
        return CliResult(result.exit_code, result.stdout, result.stderr)
