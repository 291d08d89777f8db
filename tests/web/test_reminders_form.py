"""The reminders form: a time zone chosen from a list, and mistakes shown beside their field."""

from __future__ import annotations

import re
from pathlib import Path
from zoneinfo import available_timezones

import pytest
from fastapi.testclient import TestClient

from tests.names import visible_text
from tests.web.conftest import served_history
from tests.web.test_pages import check_page, main_of

FORM = {
    "work_start": "09:00",
    "work_end": "17:00",
    "work_days": "mon-fri",
    "practice_at": "18:00",
    "timezone": "Europe/Paris",
}


@pytest.fixture
def seeded(database_url: str, tmp_path: Path):
    with served_history(database_url, tmp_path) as client:
        yield client


def test_the_time_zone_is_chosen_from_every_zone_the_server_knows(seeded: TestClient) -> None:
    main = main_of(check_page(seeded.get("/history").text))
    (zones,) = main.all("select")
    assert zones.attrs["name"] == "timezone"
    listed = [option.text() for option in zones.all("option")]
    assert listed == sorted(available_timezones())
    assert len([o for o in zones.all("option") if "selected" in o.attrs]) == 1


@pytest.mark.parametrize(
    ("typed", "label", "field_id"),
    [
        ({"work_days": "funday"}, "Work days", "remind-work-days"),
        ({"timezone": "Mars/Olympus"}, "Time zone", "remind-timezone"),
    ],
)
def test_a_mistake_in_the_form_is_shown_beside_its_field(
    seeded: TestClient, typed: dict[str, str], label: str, field_id: str
) -> None:
    response = seeded.get("/reminders.ics", params={**FORM, **typed})
    assert response.status_code == 422
    assert response.headers["content-type"].startswith("text/html")
    page = check_page(response.text)
    shown = visible_text(response.text)
    (problem,) = [p for p in page.iter() if p.attrs.get("id") == f"{field_id}-problem"]
    assert "expected" in problem.text()
    (field,) = [n for n in page.iter() if n.attrs.get("id") == field_id]
    assert field.attrs["aria-invalid"] == "true"
    assert f"{field_id}-problem" in field.attrs["aria-describedby"].split()
    assert "One answer needs changing" in shown
    assert not re.search(r"--[a-z]", shown), "no command-line option in a page"
    assert "work_days" not in shown and "timezone:" not in shown, "no parameter names"
    assert "{" not in shown, "a page, not JSON"
    if "work_days" in typed:
        assert field.attrs["value"] == "funday", "what was typed is kept"


def test_work_days_in_words_download_the_calendar(seeded: TestClient) -> None:
    response = seeded.get("/reminders.ics", params={**FORM, "work_days": "Monday to Friday"})
    assert response.status_code == 200
    assert "BYDAY=MO,TU,WE,TH,FR" in response.text


def test_the_api_names_its_own_parameters(seeded: TestClient) -> None:
    response = seeded.get(
        "/api/v1/reminders.ics", params={**FORM, "work_days": "funday", "timezone": "Mars/Olympus"}
    )
    assert response.status_code == 422
    problems = {p["field"]: p["problem"] for p in response.json()["problems"]}
    assert set(problems) == {"work_days", "timezone"}
    assert "--" not in response.json()["detail"]
