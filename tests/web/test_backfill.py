"""The JSON API and the track page for a day long ago or before the first intake."""

from __future__ import annotations

from datetime import date, timedelta

import yaml
from fastapi.testclient import TestClient

from tests.conftest import EXAMPLES

API = "/api/v1"


def ago(days: int) -> str:
    return (date.today() - timedelta(days=days)).isoformat()


def stored_days(client: TestClient) -> list[str]:
    answer = client.get(f"{API}/progress")
    if answer.status_code == 404:
        return []
    return [point["day"] for metric in answer.json()["metrics"] for point in metric["points"]]


def test_an_unconfirmed_day_long_ago_is_a_422_naming_day_and_backfill(
    client: TestClient,
) -> None:
    refused = client.post(f"{API}/check-ins", json={"day": ago(61), "stress": 4})
    assert refused.status_code == 422
    problems = {p["field"]: p["problem"] for p in refused.json()["problems"]}
    assert list(problems) == ["day", "backfill"]
    assert problems["day"] == f"{ago(61)} is more than 60 days back"
    assert stored_days(client) == []
    confirmed = client.post(
        f"{API}/check-ins", json={"day": ago(61), "stress": 4, "backfill": True}
    )
    assert confirmed.status_code == 201
    assert confirmed.json()["stored"][0]["backfill"] is True  # kept: the person confirmed it
    assert stored_days(client) == [ago(61)]


def test_a_measurement_before_the_first_intake_needs_confirming(client: TestClient) -> None:
    intake = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
    assert client.post(f"{API}/plans", json=intake).status_code == 200
    refused = client.post(f"{API}/measures", json={"taken_on": ago(2), "hip_pain": 3})
    assert refused.status_code == 422
    fields = [p["field"] for p in refused.json()["problems"]]
    assert fields == ["taken_on", "backfill"]
    assert "before your first intake" in refused.json()["problems"][0]["problem"]
    measured = {"taken_on": ago(2), "hip_pain": 3, "backfill": True}
    assert client.post(f"{API}/measures", json=measured).status_code == 201
    today = client.post(f"{API}/measures", json={"taken_on": ago(0), "hip_pain": 3})
    assert today.status_code == 201


def test_the_track_page_knows_the_first_day_that_needs_no_confirmation(
    client: TestClient,
) -> None:
    page = client.get("/track").text
    assert f'data-confirm-before="{ago(60)}"' in page
    intake = yaml.safe_load((EXAMPLES / "desk-worker.yaml").read_text(encoding="utf-8"))
    assert client.post(f"{API}/plans", json=intake).status_code == 200
    assert f'data-confirm-before="{ago(0)}"' in client.get("/track").text
