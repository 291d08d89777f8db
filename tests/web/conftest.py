"""A test client for the web app on each backend; state-changing calls send JSON like a page."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from psoas.settings import Settings
from psoas.store import open_database
from psoas.web.app import create_app
from tests.factories import load_example_history


@pytest.fixture
def client(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client


@contextmanager
def served_history(database_url: str, tmp_path: Path) -> Iterator[TestClient]:
    """The desk worker's plan and eight weeks of measures and check-ins, stored and served."""
    database = open_database(database_url)
    try:
        load_example_history(database)
    finally:
        database.close()
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as test_client:
        yield test_client
