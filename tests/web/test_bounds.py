"""Input bounds through the JSON API: 422 naming the field, nothing stored, on both backends."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

API = "/api/v1"


def stored(client: TestClient) -> Any:
    """What progress shows: every measurement and check-in stored counts in it."""
    return client.get(f"{API}/progress").json()


@pytest.fixture
def client(client: TestClient) -> TestClient:
    """The app on each backend, with one check-in already stored."""
    first = client.post(f"{API}/check-ins", json={"day": "2026-11-01", "low_back_pain": 5})
    assert first.status_code == 201, first.text
    return client


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("check-ins", {"day": "0001-01-01", "low_back_pain": 3}, "day"),
        ("check-ins", {"day": "2026-11-02", "sitting_hours": True}, "sitting_hours"),
        ("measures", {"taken_on": "2026-11-02", "stress": 3, "note": "a\x00b"}, "note"),
        ("measures", {"taken_on": "2026-11-02", "stress": 3, "note": "x" * 2001}, "note"),
        (
            "measures",
            {"taken_on": "2026-11-02", "psfs": [{"activity": "a\u0085b", "score": 3}] * 3},
            "psfs.0.activity",
        ),
        ("measures", [{"taken_on": "2026-11-02", "stress": 3}] * 1001, "(document)"),
    ],
    ids=["year-1", "bool-hours", "nul", "long-note", "c1-control", "batch"],
)
def test_out_of_bounds_bodies_get_422_naming_the_field_and_store_nothing(
    client: TestClient, endpoint: str, body: Any, field: str
) -> None:
    before = stored(client)
    response = client.post(f"{API}/{endpoint}", json=body)
    assert response.status_code == 422, response.text
    assert field in [problem["field"] for problem in response.json()["problems"]]
    assert stored(client) == before


def test_nan_in_a_body_is_not_json(client: TestClient) -> None:
    before = stored(client)
    response = client.post(
        f"{API}/check-ins",
        content=b'{"day": "2026-11-02", "sitting_hours": NaN}',
        headers={"Content-Type": "application/json"},
    )
    assert 400 <= response.status_code < 500
    assert "NaN is not a JSON number" in response.json()["detail"]
    assert stored(client) == before
