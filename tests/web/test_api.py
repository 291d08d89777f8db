"""The JSON API: every endpoint, its refusals, and that a refused request stores nothing."""

from __future__ import annotations

import copy
from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path
from typing import Any

import pytest
import yaml
from fastapi.testclient import TestClient
from icalendar import Calendar

from psoas.settings import Settings
from psoas.web.app import CONTENT_SECURITY_POLICY, create_app
from tests.conftest import EXAMPLES

API = "/api/v1"


@pytest.fixture
def sqlite_client(tmp_path: Path) -> Iterator[TestClient]:
    """For what does not depend on the store's backend (checks made before any write)."""
    database_url = f"sqlite:///{tmp_path / 'psoas.sqlite3'}"
    settings = Settings(data_dir=tmp_path / "data", database_url=database_url)
    with TestClient(create_app(settings), base_url="http://127.0.0.1:8000") as client:
        yield client


def example(name: str) -> dict[str, Any]:
    document: dict[str, Any] = yaml.safe_load((EXAMPLES / name).read_text())
    return document


def plan_for(client: TestClient, name: str = "safety-clear.yaml") -> dict[str, Any]:
    response = client.post(f"{API}/plans", json=example(name))
    assert response.status_code == 200, response.text
    document: dict[str, Any] = response.json()
    return document


def open_session(client: TestClient, **body: Any) -> dict[str, Any]:
    response = client.post(f"{API}/sessions", json=body)
    assert response.status_code == 201, response.text
    document: dict[str, Any] = response.json()
    return document


def check_in(**fields: Any) -> dict[str, Any]:
    # A fixed day, before an intake made today: confirmed (tests/web/test_backfill.py).
    return {"schema": "psoas.checkin/1", "day": "2026-11-02", "backfill": True, **fields}


# --- intake, assessment, plan -------------------------------------------------------------


def test_a_plan_is_built_kept_and_served(client: TestClient) -> None:
    plan = plan_for(client, "desk-worker.yaml")
    assert plan["schema"] == "psoas.plan/1"
    assert all(item["reasons"] for item in plan["items"])
    assert client.get(f"{API}/plan").json() == plan
    assessment = client.get(f"{API}/assessment").json()
    assert assessment["schema"] == "psoas.assessment/1"
    assert assessment["safety"] == plan["safety"]


def test_an_assessment_alone_is_kept_without_a_plan(client: TestClient) -> None:
    response = client.post(f"{API}/assessments", json=example("safety-urgent.yaml"))
    assert response.status_code == 200
    assert response.json()["safety"]["level"] == "urgent"
    assert client.get(f"{API}/assessment").json()["safety"]["level"] == "urgent"
    assert client.get(f"{API}/plan").status_code == 404


def _edit(document: dict[str, Any], path: str, value: Any) -> dict[str, Any]:
    """A copy with one field set, or renamed when ``value`` is ``("rename", new_name)``."""
    edited = copy.deepcopy(document)
    *parents, last = path.split(".")
    node = edited
    for part in parents:
        node = node[part]
    if isinstance(value, tuple):  # ("rename", new key)
        node[value[1]] = node.pop(last)
    else:
        node[last] = value
    return edited


BAD_INTAKES = {
    "misspelt red flag": (
        "red_flags.hernia",
        ("rename", "hernai"),
        "red_flags.hernai: unknown field; did you mean 'hernia'?",
    ),
    "string for a boolean": (
        "red_flags.hernia",
        "no",
        "red_flags.hernia: expected true or false, got 'no' (text)",
    ),
    "out-of-range number": (
        "symptoms.low_back_pain",
        15,
        "symptoms.low_back_pain: expected a value of at most 10, got 15",
    ),
    "unknown tool": ("tools", ["psorite"], "tools.0: expected one of:"),
}


@pytest.mark.parametrize("endpoint", ["assessments", "plans"])
@pytest.mark.parametrize("case", sorted(BAD_INTAKES))
def test_a_bad_intake_is_refused_naming_the_field_and_stores_nothing(
    sqlite_client: TestClient, endpoint: str, case: str
) -> None:
    path, value, message = BAD_INTAKES[case]
    response = sqlite_client.post(
        f"{API}/{endpoint}", json=_edit(example("desk-worker.yaml"), path, value)
    )
    assert response.status_code == 422
    body = response.json()
    assert message in body["detail"]
    assert any(message.startswith(p["field"] + ": ") for p in body["problems"])
    assert sqlite_client.get(f"{API}/assessment").status_code == 404
    assert sqlite_client.get(f"{API}/plan").status_code == 404


def test_the_api_and_the_cli_say_the_same_thing(
    client: TestClient, cli: Any, tmp_path: Path
) -> None:
    bad = _edit(example("desk-worker.yaml"), "red_flags.hernia", ("rename", "hernai"))
    intake = tmp_path / "bad.yaml"
    intake.write_text(yaml.safe_dump(bad))
    from_cli = cli("assess", intake)
    from_api = client.post(f"{API}/assessments", json=bad).json()["detail"]
    assert from_cli.exit_code == 2
    problem_lines = from_api.splitlines()[1:]
    assert problem_lines and all(line in from_cli.stderr for line in problem_lines)


@pytest.mark.parametrize(
    ("body", "status"),
    [(b"", 422), (b"{not json", 400), (b"[1, 2]", 422), (b'{"schema": "psoas.intake/1"} x', 400)],
)
def test_a_body_that_is_not_an_intake_is_refused(
    sqlite_client: TestClient, body: bytes, status: int
) -> None:
    response = sqlite_client.post(
        f"{API}/plans", content=body, headers={"Content-Type": "application/json"}
    )
    assert response.status_code == status
    assert response.json()["detail"]
    assert sqlite_client.get(f"{API}/plan").status_code == 404


# --- the cross-site guard and the headers ---------------------------------------------------


@pytest.mark.parametrize(
    "headers",
    [
        {"Content-Type": "application/x-www-form-urlencoded"},
        {"Content-Type": "text/plain"},
        {"Content-Type": "application/json", "Origin": "http://evil.example"},
        {"Content-Type": "application/json", "Sec-Fetch-Site": "cross-site"},
    ],
    ids=["form", "text", "foreign origin", "fetch metadata"],
)
def test_cross_site_requests_are_refused_before_any_route(
    sqlite_client: TestClient, headers: dict[str, str]
) -> None:
    body = yaml.safe_dump(example("safety-clear.yaml"))
    response = sqlite_client.post(f"{API}/plans", content=body, headers=headers)
    assert response.status_code == 403
    assert response.headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert sqlite_client.get(f"{API}/plan").status_code == 404


def test_a_same_origin_request_from_a_page_is_accepted(client: TestClient) -> None:
    headers = {"Origin": "http://127.0.0.1:8000", "Sec-Fetch-Site": "same-origin"}
    response = client.post(f"{API}/plans", json=example("safety-clear.yaml"), headers=headers)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "path", ["/", "/intake", "/library/nope", f"{API}/health", f"{API}/plan", "/static/site.css"]
)
def test_every_response_carries_the_security_headers(sqlite_client: TestClient, path: str) -> None:
    headers = sqlite_client.get(path).headers
    assert headers["Content-Security-Policy"] == CONTENT_SECURITY_POLICY
    assert "script-src 'self'" in headers["Content-Security-Policy"]
    assert headers["X-Content-Type-Options"] == "nosniff"
    assert headers["X-Frame-Options"] == "DENY"


def test_openapi_lists_the_api_and_not_the_pages(sqlite_client: TestClient) -> None:
    paths = sqlite_client.get(f"{API}/openapi.json").json()["paths"]
    for path in (
        "/assessments",
        "/plans",
        "/assessment",
        "/plan",
        "/sessions",
        "/sessions/preview",
        "/sessions/{session_id}",
        "/sessions/{session_id}/resume",
        "/sessions/{session_id}/checkpoints",
        "/sessions/{session_id}/aftermath",
        "/measures",
        "/check-ins",
        "/progress",
        "/report",
        "/reminders.ics",
        "/library",
        "/library/{entry_id}",
        "/health",
    ):
        assert f"{API}{path}" in paths
    assert not any(not path.startswith(API) for path in paths)
    assert sqlite_client.get(f"{API}/health").json() == {"status": "ok"}


# --- library ----------------------------------------------------------------------------


def test_the_library_lists_sections_and_entries(sqlite_client: TestClient) -> None:
    everything = sqlite_client.get(f"{API}/library").json()
    assert {entry["section"] for entry in everything} == {
        "anatomy",
        "causes",
        "techniques",
        "tools",
        "thresholds",
        "safety",
    }
    techniques = sqlite_client.get(f"{API}/library", params={"section": "techniques"}).json()
    assert techniques and all(entry["section"] == "techniques" for entry in techniques)
    couch = sqlite_client.get(f"{API}/library/couch_stretch").json()
    assert couch["section"] == "techniques" and couch["steps"] and couch["cautions"]


def test_the_library_refuses_unknown_sections_and_ids(sqlite_client: TestClient) -> None:
    section = sqlite_client.get(f"{API}/library", params={"section": "recipes"})
    assert section.status_code == 422
    assert section.json()["problems"][0]["field"] == "section"  # the query parameter, by name
    unknown = sqlite_client.get(f"{API}/library/couch_strech")
    assert unknown.status_code == 404
    assert "did you mean 'couch_stretch'" in unknown.json()["detail"]


# --- sessions ---------------------------------------------------------------------------


def test_a_preview_follows_the_session_contract(sqlite_client: TestClient) -> None:
    timeline = sqlite_client.get(f"{API}/sessions/preview", params={"minutes": 15}).json()
    assert timeline["schema"] == "psoas.session/1"
    assert timeline["total_seconds"] == 15 * 60
    assert sum(step["duration"] for step in timeline["steps"]) == timeline["total_seconds"]
    too_long = sqlite_client.get(f"{API}/sessions/preview", params={"minutes": 90})
    assert too_long.status_code == 422
    assert too_long.json()["problems"][0]["field"] == "minutes"


def test_no_session_without_a_safety_screen(client: TestClient) -> None:
    response = client.post(f"{API}/sessions", json={"minutes": 20})
    assert response.status_code == 409
    assert response.json()["safety_stop"] is True


def test_no_session_when_the_screen_is_urgent(client: TestClient) -> None:
    plan_for(client, "safety-urgent.yaml")
    response = client.post(f"{API}/sessions", json={"minutes": 20})
    assert response.status_code == 409
    assert response.json()["safety_stop"] is True
    assert client.get(f"{API}/sessions").json() == []


def test_a_bad_session_request_names_the_field(client: TestClient) -> None:
    plan_for(client)
    response = client.post(f"{API}/sessions", json={"minutes": 20, "mintues": 5})
    assert response.status_code == 422
    assert "mintues: unknown field; did you mean 'minutes'?" in response.json()["detail"]
    assert client.get(f"{API}/sessions").json() == []


def test_a_session_keeps_its_checkpoints_and_aftermath(client: TestClient) -> None:
    plan_for(client)
    opened = open_session(client, minutes=15, before={"low_back_pain": 4, "stress": 6})
    steps = opened["timeline"]["steps"]
    first = steps[0]["duration"]
    checkpoint: dict[str, Any] = {
        "step_index": 1,
        "step_elapsed": 4.0,
        "steps": [{"spent_seconds": first, "outcome": "completed"}]
        + [{"spent_seconds": 0.0}] * (len(steps) - 1),
    }
    url = f"{API}/sessions/{opened['id']}"
    assert client.post(f"{url}/checkpoints", json=checkpoint).status_code == 204
    stored = client.get(url).json()
    assert (stored["step_index"], stored["step_elapsed"]) == (1, 4.0)
    assert stored["status"] == "in_progress"

    short = {**checkpoint, "steps": checkpoint["steps"][:-1]}
    refused = client.post(f"{url}/checkpoints", json=short)
    assert refused.status_code == 409  # a fine checkpoint, for another session's timeline
    assert [p["field"] for p in refused.json()["problems"]] == ["steps"]
    assert client.get(url).json()["step_index"] == 1

    after = client.post(
        f"{url}/aftermath", json={"ratings": {"low_back_pain": 2}, "felt": ["deep_ache"]}
    )
    assert after.status_code == 200
    assert after.json()["after"]["low_back_pain"] == 2
    listed = client.get(f"{API}/sessions").json()
    assert [summary["id"] for summary in listed] == [opened["id"]]
    assert listed[0]["change"] == {"low_back_pain": -2}
    assert client.post(f"{url}/resume", json={}).status_code == 200


@pytest.mark.parametrize(
    ("method", "suffix", "body"),
    [
        ("get", "", None),
        ("post", "/resume", {}),
        ("post", "/checkpoints", {"step_index": 0, "step_elapsed": 0, "steps": []}),
        ("post", "/aftermath", {"felt": ["none"]}),
    ],
)
def test_an_unknown_session_is_404(
    sqlite_client: TestClient, method: str, suffix: str, body: dict[str, Any] | None
) -> None:
    url = f"{API}/sessions/999{suffix}"
    response = sqlite_client.get(url) if method == "get" else sqlite_client.post(url, json=body)
    assert response.status_code == 404
    assert "999" in response.json()["detail"]


def test_resume_is_refused_after_a_warning_sign_in_a_check_in(client: TestClient) -> None:
    plan_for(client)
    opened = open_session(client, minutes=20)
    warned = client.post(f"{API}/check-ins", json=check_in(red_flags=["saddle_numbness"]))
    assert warned.status_code == 201
    assert warned.json()["rescreen"]["safety"]["level"] == "urgent"
    resumed = client.post(f"{API}/sessions/{opened['id']}/resume", json={})
    assert resumed.status_code == 409
    assert resumed.json()["safety_stop"] is True
    assert client.post(f"{API}/sessions", json={"minutes": 20}).status_code == 409


# --- measures, check-ins, progress --------------------------------------------------------

MEASURE: dict[str, Any] = {
    "schema": "psoas.measures/1",
    "taken_on": "2026-11-02",
    "backfill": True,
    "low_back_pain": 5,
    "thomas": {"left": {"hip_angle_deg": 10, "knee_angle_deg": 60, "abduction": False}},
    "psfs": [
        {"activity": "sitting through a meeting", "score": 3},
        {"activity": "getting out of the car", "score": 4},
        {"activity": "running 5 km", "score": 5},
    ],
}


def test_measures_and_check_ins_are_kept_and_counted(client: TestClient) -> None:
    plan_for(client, "desk-worker.yaml")
    measured = client.post(f"{API}/measures", json=MEASURE)
    assert measured.status_code == 201
    assert measured.json()["recorded"] == 1
    logged = client.post(
        f"{API}/check-ins",
        json=[
            check_in(low_back_pain=5, done=["couch_stretch"]),
            check_in(day="2026-11-03", stress=4),
        ],
    )
    assert logged.status_code == 201
    assert logged.json()["recorded"] == 2
    assert logged.json()["rescreen"] is None
    progress = client.get(f"{API}/progress").json()
    assert progress["schema"] == "psoas.progress/1"
    assert {m["metric"] for m in progress["metrics"]} >= {"low_back_pain", "psfs", "stress"}


@pytest.mark.parametrize(
    ("endpoint", "body", "field"),
    [
        ("measures", {**MEASURE, "psfs": MEASURE["psfs"][:1]}, "psfs"),
        ("measures", {**MEASURE, "taken_on": "2099-01-01"}, "taken_on"),
        ("measures", {"taken_on": "2026-11-02"}, "(document)"),
        ("measures", {**MEASURE, "global_rating_of_change": 9}, "global_rating_of_change"),
        ("check-ins", check_in(done=["moon_walk"]), "done.0"),
        ("check-ins", check_in(red_flags=["hernai"]), "red_flags.0"),
    ],
    ids=["psfs too short", "future", "empty", "out of range", "not in plan", "typo"],
)
def test_bad_tracking_input_names_the_field_and_stores_nothing(
    sqlite_client: TestClient, endpoint: str, body: Any, field: str
) -> None:
    plan_for(sqlite_client, "desk-worker.yaml")
    before = sqlite_client.get(f"{API}/progress").json()
    response = sqlite_client.post(f"{API}/{endpoint}", json=body)
    # an item not in the stored plan keeps the contract, not the record: 409, not 422
    assert response.status_code == (409 if field == "done.0" else 422)
    assert field in [p["field"] for p in response.json()["problems"]]
    assert sqlite_client.get(f"{API}/progress").json() == before


def test_a_list_of_check_ins_is_stored_all_or_nothing(client: TestClient) -> None:
    plan_for(client, "desk-worker.yaml")
    before = client.get(f"{API}/progress").json()
    both = [check_in(stress=3), check_in(day="2026-11-03", stress=11)]
    response = client.post(f"{API}/check-ins", json=both)
    assert response.status_code == 422
    assert "check-in[1]" in response.json()["detail"]
    assert [p["field"] for p in response.json()["problems"]] == ["stress"]
    assert client.get(f"{API}/progress").json() == before


def test_progress_needs_something_stored(client: TestClient) -> None:
    response = client.get(f"{API}/progress")
    assert response.status_code == 404
    assert "nothing is stored" in response.json()["detail"]


# --- the files to take away ---------------------------------------------------------------


def test_the_report_downloads_as_html(client: TestClient) -> None:
    assert client.get(f"{API}/report", params={"format": "html"}).status_code == 404  # no one yet
    client.post(f"{API}/check-ins", json=check_in(stress=3))
    assert client.get(f"{API}/report", params={"format": "html"}).status_code == 409  # no screen
    plan_for(client, "desk-worker.yaml")
    client.post(f"{API}/measures", json=MEASURE)
    html = client.get(f"{API}/report", params={"format": "html"})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "attachment" in html.headers["content-disposition"]
    assert "<html" in html.text
    assert client.get(f"{API}/report", params={"format": "docx"}).status_code == 422


def test_the_report_downloads_as_pdf(sqlite_client: TestClient) -> None:
    """Once, on SQLite: drawing a PDF takes seconds and does not depend on the store."""
    plan_for(sqlite_client, "desk-worker.yaml")
    pdf = sqlite_client.get(f"{API}/report")  # PDF is the default
    assert pdf.status_code == 200
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")


def test_reminders_download_as_a_calendar(client: TestClient) -> None:
    plan_for(client, "desk-worker.yaml")
    response = client.get(
        f"{API}/reminders.ics",
        params={"work_start": "08:30", "work_days": "mon,wed,fri", "timezone": "Europe/Paris"},
    )
    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    events = list(calendar.walk("VEVENT"))
    assert events
    assert all(event.walk("VALARM") for event in events)


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"work_days": "funday"}, "work_days"),
        ({"work_start": "25:00"}, "work_start"),  # the document's pattern, checked by FastAPI
        ({"timezone": "Mars/Olympus"}, "timezone"),
    ],
)
def test_bad_reminder_options_are_named(
    sqlite_client: TestClient, params: dict[str, str], field: str
) -> None:
    """Named as this request names them: the query parameter, never the CLI's option."""
    plan_for(sqlite_client)
    response = sqlite_client.get(f"{API}/reminders.ics", params=params)
    assert response.status_code == 422
    assert field in [p["field"] for p in response.json()["problems"]]


def test_reminders_need_a_plan(client: TestClient) -> None:
    response = client.get(f"{API}/reminders.ics")
    assert response.status_code == 409  # fine options, for a person with no plan
    assert "no plan yet" in response.json()["detail"]


# --- gates over time ---------------------------------------------------------------------------


def _log(client: TestClient, days_ago: int, **fields: Any) -> dict[str, Any]:
    day = (date.today() - timedelta(days=days_ago)).isoformat()
    confirmed = {"backfill": True} if days_ago > 0 else {}  # before an intake made today
    response = client.post(f"{API}/check-ins", json={"day": day, **confirmed, **fields})
    assert response.status_code == 201, response.text
    answer: dict[str, Any] = response.json()
    return answer


def test_a_two_to_nine_rise_on_day_three_is_refused_with_409_until_a_new_screen(
    client: TestClient,
) -> None:
    plan_for(client)  # safety-clear.yaml: low back pain 3
    _log(client, 2, low_back_pain=2)
    _log(client, 1, low_back_pain=3)
    answer = _log(client, 0, low_back_pain=9)
    assert answer["paused"] and "9 out of 10" in answer["paused"][0]
    stored = answer["stored"]
    assert [(one["day"], one["low_back_pain"]) for one in stored] == [(date.today().isoformat(), 9)]
    refused = client.post(f"{API}/sessions", json={"minutes": 10})
    assert refused.status_code == 409
    assert "9 out of 10" in refused.json()["detail"]
    assert "psoas intake" not in refused.json()["detail"]  # no terminal words in the browser's API
    progress = client.get(f"{API}/progress").json()
    assert [hold["kind"] for hold in progress["release"]["holds"]] == ["pain"]
    plan_for(client)  # the questions, answered again
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 201


def test_an_adverse_event_after_a_session_pauses_release_and_says_seek_care(
    client: TestClient,
) -> None:
    plan_for(client)
    record = open_session(client, minutes=10)
    answer = client.post(
        f"{API}/sessions/{record['id']}/aftermath",
        json={"ratings": {"low_back_pain": 2}, "adverse_events": ["blood_in_urine"]},
    )
    assert answer.status_code == 200, answer.text
    document = answer.json()
    assert document["adverse_events"] == ["blood_in_urine"]
    assert document["release"]["allowed"] is False
    assert document["release"]["holds"][0]["level"] == "urgent"
    assert "see a doctor today" in document["release"]["holds"][0]["message"]
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 409
    listed = client.get(f"{API}/sessions").json()
    assert listed[0]["adverse_events"] == ["blood_in_urine"]


def test_an_unknown_adverse_event_is_refused_naming_the_field(client: TestClient) -> None:
    plan_for(client)
    record = open_session(client, minutes=10)
    answer = client.post(
        f"{API}/sessions/{record['id']}/aftermath", json={"adverse_events": ["hiccups"]}
    )
    assert answer.status_code == 422
    assert answer.json()["problems"][0]["field"] == "adverse_events.0"
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 201


def test_pain_before_a_session_two_above_the_answers_is_refused(client: TestClient) -> None:
    plan_for(client)  # safety-clear.yaml: low back pain 3
    refused = client.post(f"{API}/sessions", json={"minutes": 10, "before": {"low_back_pain": 5}})
    assert refused.status_code == 409
    assert "2 points above your starting level" in refused.json()["detail"]
    assert client.get(f"{API}/sessions").json() == []


def test_a_resubmitted_intake_through_the_api_is_an_answer(client: TestClient) -> None:
    """The page's form is answered by a person just then: the same answers count again."""
    plan_for(client)
    _log(client, 0, low_back_pain=9)
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 409
    plan_for(client)
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 201


def test_saying_something_changed_pauses_release_until_answered_again(
    client: TestClient,
) -> None:
    plan_for(client)
    answer = client.post(f"{API}/changes", json={})
    assert answer.status_code == 201
    assert [hold["kind"] for hold in answer.json()["holds"]] == ["something_changed"]
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 409
    plan_for(client)
    assert client.post(f"{API}/sessions", json={"minutes": 10}).status_code == 201
