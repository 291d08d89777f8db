"""The web app's charts and PDFs come from its drawing worker, which may die on its own."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

from psoas.reports.charts import CHARTS
from psoas.services import drawing, tracking
from psoas.services.reporting import inline_svg
from tests.services.test_drawing import _crash
from tests.web.conftest import served_history


@pytest.fixture
def seeded(tmp_path: Path) -> Iterator[TestClient]:
    """The desk worker's eight weeks, served (on SQLite: the worker does not see the store)."""
    with served_history(f"sqlite:///{tmp_path / 'psoas.sqlite3'}", tmp_path) as client:
        yield client


def test_charts_are_drawn_by_the_worker_as_this_process_would(seeded: TestClient) -> None:
    worker = seeded.app.state.drawing  # type: ignore[attr-defined]
    assert worker.pid is None  # started with the first chart, not with the app
    database = seeded.app.state.database  # type: ignore[attr-defined]
    progress = tracking.progress(database, person="me", today=date.today())
    for chart in CHARTS:
        served = seeded.get(f"/charts/{chart.name}.svg")
        assert served.status_code == 200
        here = drawing.IN_PROCESS.draw(chart.name, progress, "svg")
        assert served.text == inline_svg(here.decode(), prefix=chart.name)
    assert worker.pid not in (None, os.getpid())


def test_a_worker_that_dies_gives_503_and_the_next_request_a_fresh_one(
    seeded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert seeded.get("/charts/pain.svg").status_code == 200
    worker = seeded.app.state.drawing  # type: ignore[attr-defined]
    first = worker.pid
    monkeypatch.setattr(drawing, "_draw_from_json", _crash)
    report = seeded.get("/api/v1/report", params={"format": "html"})
    assert report.status_code == 503
    assert report.json() == {
        "detail": "the drawing process stopped unexpectedly; try again (a new one is started)"
    }
    page = seeded.get("/charts/thomas.svg")
    assert page.status_code == 503 and "try again" in page.text
    monkeypatch.undo()
    assert seeded.get("/charts/thomas.svg").status_code == 200
    report = seeded.get("/api/v1/report", params={"format": "html"})
    assert report.status_code == 200
    assert report.text.count("data:image/svg+xml") == len(CHARTS) - 1  # no rated session: words
    assert worker.pid not in (None, first)


def test_pdfs_are_printed_by_the_worker(
    seeded: TestClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    def not_here(html: str) -> bytes:
        raise AssertionError("printed in the server's process")

    monkeypatch.setattr(drawing.IN_PROCESS, "print_pdf", not_here)
    pdf = seeded.get("/api/v1/report")
    assert pdf.status_code == 200 and pdf.content.startswith(b"%PDF-")


def test_the_report_carries_the_name_given_beside_the_download(seeded: TestClient) -> None:
    named = seeded.get("/api/v1/report", params={"format": "html", "name": " Alex  Morgan "})
    assert named.status_code == 200
    assert "<h1>Progress report: Alex Morgan</h1>" in named.text
    unnamed = seeded.get("/api/v1/report", params={"format": "html", "name": ""})
    assert "<h1>Progress report</h1>" in unnamed.text
    refused = seeded.get("/api/v1/report", params={"format": "html", "name": "x" * 150})
    assert refused.status_code == 422
    assert refused.json()["problems"][0]["field"] == "name"
